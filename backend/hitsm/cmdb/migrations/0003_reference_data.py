"""Seed the hospital's CI classes, their attributes and the relation types."""

from django.db import migrations

from hitsm.cmdb.reference import reference_load


def seed(apps, schema_editor):
    reference_load(
        apps.get_model("cmdb", "CIClass"),
        apps.get_model("cmdb", "CIAttribute"),
        apps.get_model("cmdb", "RelationType"),
    )


class Migration(migrations.Migration):
    dependencies = [("cmdb", "0002_relations_attributes")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
