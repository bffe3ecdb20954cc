"""The newsroom's two roles, as groups: what reporters and editors may do."""

from django.db import migrations

from articles.migrations._roles import grant_role_permissions

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
    grant_role_permissions(apps, ROLES)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
