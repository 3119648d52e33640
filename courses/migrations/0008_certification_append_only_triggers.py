"""On PostgreSQL, the database itself refuses to change or delete certification rows."""

from django.db import migrations

TABLES = [
    "courses_completionrecord",
    "courses_review",
    "courses_certificate",
    "courses_revocation",
    "courses_expiry",
    "courses_recertificationrequest",
    "courses_supersession",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The function was created with the audit log's trigger (0006).
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION callready_refuse_change();"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_audit_append_only_trigger"),
        ("courses", "0007_certification"),
    ]

    operations = [migrations.RunPython(forward, backward)]
