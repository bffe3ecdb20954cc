"""Stories know their original language (the existing ones: Korean if they have a Korean headline, else English),
and whether their translation is out of date (none is, to begin with)."""

from django.db import migrations, models
from django.db.models import Q


def fill_original_language(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    korean_headline = Q(title_ko__isnull=False) & ~Q(title_ko="")
    Article.objects.filter(korean_headline).update(original_language="ko")
    Article.objects.exclude(korean_headline).update(original_language="en")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_outgoing_mail"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="original_language",
            field=models.CharField(
                blank=True,
                choices=[("ko", "Korean"), ("en", "English")],
                help_text=(
                    "The language the story was written in; the other is its translation. Left empty, it is the "
                    "language of the first headline."
                ),
                max_length=2,
                verbose_name="original language",
            ),
        ),
        migrations.AddField(
            model_name="article",
            name="translation_stale",
            field=models.BooleanField(default=False, editable=False, verbose_name="translation out of date"),
        ),
        migrations.RunPython(fill_original_language, migrations.RunPython.noop),
    ]
