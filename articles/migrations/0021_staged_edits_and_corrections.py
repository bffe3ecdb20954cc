"""Staged edits of live stories and their public corrections (정정); editors keep the corrections."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from articles.migrations._roles import grant_role_permissions


def let_editors_keep_the_corrections(apps, schema_editor):
    grant_role_permissions(apps, {"Editors": [("articles", "correction", ["add", "change", "delete", "view"])]})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_reply_requests_and_preview_links"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="StagedEdit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("values", models.JSONField(default=dict, verbose_name="staged text")),
                ("base_values", models.JSONField(default=dict, verbose_name="text it was written against")),
                ("base_version", models.PositiveIntegerField(verbose_name="story version it was written against")),
                ("correction_note_ko", models.TextField(blank=True, verbose_name="correction note (Korean)")),
                ("correction_note_en", models.TextField(blank=True, verbose_name="correction note (English)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="staged_edit",
                        to="articles.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staged by",
                    ),
                ),
            ],
            options={
                "verbose_name": "staged edit",
                "verbose_name_plural": "staged edits",
            },
        ),
        migrations.CreateModel(
            name="Correction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "note",
                    models.TextField(
                        blank=True,
                        help_text="What was wrong and what is right now, for readers.",
                        verbose_name="correction note",
                    ),
                ),
                (
                    "note_ko",
                    models.TextField(
                        blank=True,
                        help_text="What was wrong and what is right now, for readers.",
                        null=True,
                        verbose_name="correction note",
                    ),
                ),
                (
                    "note_en",
                    models.TextField(
                        blank=True,
                        help_text="What was wrong and what is right now, for readers.",
                        null=True,
                        verbose_name="correction note",
                    ),
                ),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="corrected at")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="corrections",
                        to="articles.article",
                        verbose_name="story",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="corrected by",
                    ),
                ),
            ],
            options={
                "verbose_name": "correction",
                "verbose_name_plural": "corrections",
                "ordering": ["-published_at", "-pk"],
                "indexes": [models.Index(fields=["-published_at", "-id"], name="correction_newest_first")],
            },
        ),
        migrations.RunPython(let_editors_keep_the_corrections, migrations.RunPython.noop),
    ]
