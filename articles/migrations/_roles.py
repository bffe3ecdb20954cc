"""Granting the newsroom roles their permissions, shared by the migrations that add models.

(Django's migration loader skips modules whose names start with an underscore.)
"""

from django.contrib.auth.management import create_permissions


def grant_role_permissions(apps, grants) -> None:
    """Give each group (created if missing) the permissions listed as (app label, model, actions)."""
    # Permissions are normally created after all migrations; the roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, group_grants in grants.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        for app_label, model, actions in group_grants:
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
