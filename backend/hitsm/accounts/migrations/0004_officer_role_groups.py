from django.db import migrations

# 三员分立: the auditor and the security officer join the platform administrator.
ROLES = ("auditor", "security_officer")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_assignmentgroup")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
