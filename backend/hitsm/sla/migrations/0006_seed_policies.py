"""The two standard SLA policies and the P1 escalation ladder."""

from django.db import migrations

from hitsm.sla.reference import policies_load


def seed(apps, schema_editor):
    policies_load(
        apps.get_model("sla", "BusinessCalendar"),
        apps.get_model("sla", "SlaPolicy"),
        apps.get_model("sla", "SlaTarget"),
        apps.get_model("sla", "EscalationRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0005_policies")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
