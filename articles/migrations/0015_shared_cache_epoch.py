"""The shared cache's epoch (ktnews/cache.py): one row, raised when an invalidating write missed Redis."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0014_statistics_for_the_trash_column")]

    operations = [
        migrations.RunSQL(
            [
                "CREATE TABLE ktnews_cache_epoch (id integer PRIMARY KEY, epoch bigint NOT NULL)",
                "INSERT INTO ktnews_cache_epoch (id, epoch) VALUES (1, 0)",
            ],
            "DROP TABLE ktnews_cache_epoch",
        )
    ]
