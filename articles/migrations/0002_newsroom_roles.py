"""The newsroom's two roles, as groups: what reporters and editors may do."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Reporters": [
        ("articles", "article", ["add", "change", "view"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        ("articles", "section", ["view"]),
        ("articles", "reporter", ["change", "view"]),
    ],
    "Editors": [
        ("articles", "article", ["add", "change", "delete", "view", "publish"]),
        ("articles", "byline", ["add", "change", "delete", "view"]),
        ("articles", "section", ["add", "change", "delete", "view"]),
        ("articles", "reporter", ["add", "change", "delete", "view"]),
        ("auth", "user", ["view"]),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
