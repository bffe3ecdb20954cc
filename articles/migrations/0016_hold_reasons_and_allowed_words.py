"""Why a comment was held, whole-word blocked words and the allowed words, seeded with the innocent words
that contain the swear word newsrooms block first (시발점 "starting point", 시발역 "first station", 시발택시
the 1950s taxi): a site that blocks 시발 keeps printing them from its first day, not only the demo site.
Editors keep the allowed words as they keep the blocked ones."""

from django.db import migrations, models

from articles.migrations._roles import grant_role_permissions

INNOCENT_WORDS = ["시발점", "시발역", "시발택시"]


def let_editors_keep_the_allowed_words(apps, schema_editor):
    grant_role_permissions(apps, {"Editors": [("articles", "allowedphrase", ["add", "change", "delete", "view"])]})


def allow_innocent_words(apps, schema_editor):
    AllowedPhrase = apps.get_model("articles", "AllowedPhrase")
    for phrase in INNOCENT_WORDS:
        AllowedPhrase.objects.get_or_create(phrase=phrase)


def forget_innocent_words(apps, schema_editor):
    apps.get_model("articles", "AllowedPhrase").objects.filter(phrase__in=INNOCENT_WORDS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_shared_cache_epoch"),
    ]

    operations = [
        migrations.CreateModel(
            name="AllowedPhrase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "phrase",
                    models.CharField(
                        help_text="Written as readers write it, e.g. “시발점”; a blocked word inside it is not held.",
                        max_length=100,
                        unique=True,
                        verbose_name="word",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="added at")),
            ],
            options={
                "verbose_name": "allowed word",
                "verbose_name_plural": "allowed words",
                "ordering": ["phrase"],
            },
        ),
        migrations.AddField(
            model_name="blockedphrase",
            name="match",
            field=models.CharField(
                choices=[("anywhere", "Anywhere, also inside longer words"), ("word", "Only as a whole word")],
                db_default="anywhere",
                default="anywhere",
                help_text="“Anywhere” also catches the word with endings attached (“시발놈”); list innocent words that contain it as allowed words. Spelled out with spaces or symbols, an entry matches only as a whole word, and so does one of initial consonants alone (“ㅅㅂ”).",
                max_length=10,
                verbose_name="matches",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="held_rule",
            field=models.CharField(
                blank=True,
                choices=[
                    ("blocked_word", "blocked word"),
                    ("links", "too many links"),
                    ("new_reader", "a new reader's first comments"),
                ],
                help_text="The hold rule this comment met when it was last held.",
                max_length=20,
                verbose_name="held for",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="held_text",
            field=models.CharField(
                blank=True,
                help_text="What in the comment met the rule, as the reader wrote it (the blocked word, the links).",
                max_length=200,
                verbose_name="held text",
            ),
        ),
        migrations.AlterField(
            model_name="blockedphrase",
            name="phrase",
            field=models.CharField(
                help_text="Matched ignoring case, spaces, symbols and look-alike letters, so “시 발”, “ㅅㅣㅂㅏㄹ”, “tlqkf” and “sh1t” match “시발” and “shit”. A variant spelled differently (“씨발”) is an entry of its own.",
                max_length=100,
                unique=True,
                verbose_name="word or phrase",
            ),
        ),
        migrations.RunPython(let_editors_keep_the_allowed_words, migrations.RunPython.noop),
        migrations.RunPython(allow_innocent_words, forget_innocent_words),
    ]
