"""On PostgreSQL, the database itself refuses to change or delete audit entries."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION callready_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE =
        TG_TABLE_NAME || ' is append-only: rows are never changed or deleted';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table):
    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(FUNCTION)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION callready_refuse_change();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")

    return migrations.RunPython(forward, backward)


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_assignments_audit_reminders")]

    operations = [append_only("courses_auditentry")]
