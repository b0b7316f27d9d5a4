"""The standard library grows: problem → known error → improvement proposal, improvement → release
(drafts, with their definition settings); the account request now holds its ticket."""

from django.db import migrations

from hitsm.workflow.library import library_documents, library_settings


def seed(apps, schema_editor):
    ProcessDefinition = apps.get_model("workflow", "ProcessDefinition")
    settings = library_settings()
    for code, name, description, xml in library_documents():
        definition, created = ProcessDefinition.objects.get_or_create(
            code=code, defaults={"name": name, "description": description[:300], "draft_xml": xml}
        )
        wanted = settings[code]
        if not created and definition.published_id is not None:
            continue  # an admin's published process: the library does not change it
        kind = wanted["default_for_kind"]
        if kind and not ProcessDefinition.objects.filter(default_for_kind=kind).exists():
            definition.default_for_kind = kind
        definition.holds_ticket = bool(wanted["holds_ticket"])
        definition.save(update_fields=["default_for_kind", "holds_ticket"])


class Migration(migrations.Migration):
    dependencies = [("workflow", "0004_messages_webhooks_holds")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
