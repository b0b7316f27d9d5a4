from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # Finer statistics on the word vector: the planner then knows which words are common
        # (read the newest tickets backwards) and which are rare (use the GIN index).
        schema_editor.execute(
            "ALTER TABLE servicedesk_ticket ALTER COLUMN search_vector SET STATISTICS 1000")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE servicedesk_ticket ALTER COLUMN search_vector SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0004_created_index")]
    operations = [migrations.RunPython(forwards, backwards)]
