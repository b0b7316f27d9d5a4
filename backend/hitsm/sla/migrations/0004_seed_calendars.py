"""The standard hospital calendars and China's announced holidays from 2025 on."""

from django.db import migrations

from hitsm.sla.reference import calendars_load, holidays_load


def seed(apps, schema_editor):
    calendars_load(apps.get_model("sla", "BusinessCalendar"))
    holidays_load(apps.get_model("sla", "PublicHoliday"), 2025, 2030)


class Migration(migrations.Migration):
    dependencies = [("sla", "0003_calendars")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
