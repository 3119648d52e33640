"""The audit log becomes a hash chain: every entry gets its place and its hash.

Existing entries are chained in the order they happened (by time, then id). On PostgreSQL the
append-only trigger is set aside for this one rewrite and put back at once.
"""

from django.db import migrations, models

from courses.certification import chain

TABLE = "courses_auditentry"
TRIGGER = f"{TABLE}_append_only"


def chain_existing(apps, schema_editor):
    AuditEntry = apps.get_model("courses", "AuditEntry")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER};")
    previous = chain.GENESIS
    rows = AuditEntry.objects.order_by("at", "pk").values("pk", *chain.FIELDS[1:])
    for sequence, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        row["sequence"] = sequence
        row["details"] = chain.as_stored(row["details"])
        previous = chain.link_hash(previous, row)
        AuditEntry.objects.filter(pk=row["pk"]).update(sequence=sequence, hash=previous)
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER};")


class Migration(migrations.Migration):
    dependencies = [("courses", "0022_language_preference")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(
                default="",
                editable=False,
                help_text="SHA-256 over the previous entry's hash and this entry's content.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, help_text="The entry's place in the chain, from 1.", unique=True
            ),
        ),
    ]
