"""manage.py backup [PATH]: the database and the photo files in one archive (see articles/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.backups import write_backup


class Command(BaseCommand):
    help = "Write a backup archive: every row of the database, the photo renditions and the originals."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write it (default: backups/ktnews-<date>-<time>.tar in the project)."
        )

    def handle(self, *args, path=None, **options):
        destination = Path(path or f"backups/ktnews-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        manifest = write_backup(destination)
        counts = ", ".join(f"{count} {kind}" for kind, count in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {destination} ({counts})."))
