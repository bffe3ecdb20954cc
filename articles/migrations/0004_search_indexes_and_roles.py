"""PostgreSQL search indexes, the new models' permissions for the newsroom roles, the settings row."""

from django.db import migrations

from articles.migrations._roles import grant_role_permissions

TRIGRAM_FIELDS = ["title_ko", "subtitle_ko", "body_ko"]

GRANTS = {
    "Reporters": [("articles", "tag", ["add", "view"])],
    "Editors": [
        ("articles", "tag", ["add", "change", "delete", "view"]),
        ("articles", "sitesettings", ["change", "view"]),
    ],
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_search_document ON articles_article USING gin (search_document)"
    )
    for field in TRIGRAM_FIELDS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS article_{field}_trgm ON articles_article USING gin ({field} gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ["article_search_document", *(f"article_{field}_trgm" for field in TRIGRAM_FIELDS)]:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def grant_permissions(apps, schema_editor):
    grant_role_permissions(apps, GRANTS)


def create_site_settings(apps, schema_editor):
    # The row exists from the start, so reading it never has to write.
    apps.get_model("articles", "SiteSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_reader_site")]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes),
        migrations.RunPython(grant_permissions, migrations.RunPython.noop),
        migrations.RunPython(create_site_settings, migrations.RunPython.noop),
    ]
