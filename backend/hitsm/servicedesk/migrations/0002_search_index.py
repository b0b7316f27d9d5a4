from django.db import migrations

CREATE = ("CREATE INDEX IF NOT EXISTS ticket_search_gin ON servicedesk_ticket "
          "USING gin (to_tsvector('simple', search_tokens))")
DROP = "DROP INDEX IF EXISTS ticket_search_gin"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Full-text index for ticket search on PostgreSQL (tokens come from jieba)."""

    dependencies = [("servicedesk", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
