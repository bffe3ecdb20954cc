"""Editors moderate comments; reporters may read the comments on their own stories."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Reporters": [("comment", ["view"])],
    "Editors": [
        ("comment", ["view", "change", "delete", "moderate"]),
        ("commentreport", ["view", "delete"]),
        ("blockedphrase", ["add", "change", "delete", "view"]),
        ("holdrules", ["change", "view"]),
        ("commentban", ["add", "change", "view"]),
        ("moderationlogentry", ["view"]),
    ],
}


def grant_permissions(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in GRANTS.items():
        group = Group.objects.get(name=group_name)
        for model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
            )
    apps.get_model("articles", "HoldRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_moderation")]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
