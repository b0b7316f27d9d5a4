from django.db import migrations

MATRIX = {(1, 1): 1, (1, 2): 2, (1, 3): 3, (2, 1): 2, (2, 2): 3, (2, 3): 4,
          (3, 1): 3, (3, 2): 4, (3, 3): 5}
TARGETS = {1: (15, 240), 2: (30, 480), 3: (60, 1440), 4: (240, 4320), 5: (480, 10080)}


def seed(apps, schema_editor):
    Cell = apps.get_model("sla", "PriorityMatrixCell")
    Target = apps.get_model("sla", "PriorityTarget")
    for (impact, urgency), priority in MATRIX.items():
        Cell.objects.get_or_create(impact=impact, urgency=urgency, defaults={"priority": priority})
    for priority, (response, resolution) in TARGETS.items():
        Target.objects.get_or_create(priority=priority, defaults={
            "response_minutes": response, "resolution_minutes": resolution})


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
