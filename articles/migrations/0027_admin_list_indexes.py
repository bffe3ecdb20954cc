"""Indexes for the admin's lists at archive scale (articles.admin.changelists): the moderation queue newest first,
of all comments or of one status, and the newsroom's stories last changed first, of all, of one status or with their
translation out of date, with their earliest and latest approval for the date links."""

from django.db import migrations, models


def analyze(apps, schema_editor):
    # PostgreSQL plans with statistics that the search index's rewrite of every story (0026) left stale until
    # autovacuum comes round: at 100,000 stories a search took seconds, an admin list timed out.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ANALYZE articles_article")
        schema_editor.execute("ANALYZE articles_comment")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0026_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("deleted_at", None)), fields=["-updated_at", "-id"], name="article_newsroom_changed"
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("deleted_at", None)),
                fields=["status", "-updated_at", "-id"],
                name="article_newsroom_status",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("deleted_at", None)),
                fields=["-published_at", "-id"],
                name="article_newsroom_published",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("deleted_at", None), ("translation_stale", True)),
                fields=["-updated_at", "-id"],
                name="article_translation_stale",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["-created_at", "-id"], name="comment_newest"),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(fields=["status", "-created_at", "-id"], name="comment_status_newest"),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
