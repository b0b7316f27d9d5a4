"""The standard processes a hospital starts with, as drafts an admin reviews and publishes."""

from django.db import migrations

from hitsm.workflow.library import library_documents


def seed(apps, schema_editor):
    ProcessDefinition = apps.get_model("workflow", "ProcessDefinition")
    for code, name, description, xml in library_documents():
        ProcessDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description[:300], "draft_xml": xml}
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
