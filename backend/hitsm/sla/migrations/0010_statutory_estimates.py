"""Public holidays for years not yet announced (2027 at the time of writing), estimated from
the law until chinesecalendar packages the State Council's schedule (see reference.py)."""

from django.db import migrations

from hitsm.sla.reference import holidays_load


def seed(apps, schema_editor):
    holidays_load(apps.get_model("sla", "PublicHoliday"), 2025, 2027)


class Migration(migrations.Migration):
    dependencies = [("sla", "0009_escalation_reassign")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
