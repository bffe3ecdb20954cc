"""Editors moderate comments; reporters may read the comments on their own stories."""

from django.db import migrations

from articles.migrations._roles import grant_role_permissions

GRANTS = {
    "Reporters": [("articles", "comment", ["view"])],
    "Editors": [
        ("articles", "comment", ["view", "change", "delete", "moderate"]),
        ("articles", "commentreport", ["view", "delete"]),
        ("articles", "blockedphrase", ["add", "change", "delete", "view"]),
        ("articles", "holdrules", ["change", "view"]),
        ("articles", "commentban", ["add", "change", "view"]),
        ("articles", "moderationlogentry", ["view"]),
    ],
}


def grant_permissions(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)
    apps.get_model("articles", "HoldRules").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_moderation")]

    operations = [migrations.RunPython(grant_permissions, migrations.RunPython.noop)]
