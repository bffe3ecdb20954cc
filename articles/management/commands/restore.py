"""manage.py restore PATH: load a backup archive into an empty database (see articles/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backups import BackupError, read_backup


class Command(BaseCommand):
    help = "Restore a backup archive into this site's database, which must be empty, and its media folders."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive `manage.py backup` wrote.")

    def handle(self, *args, path, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No backup archive at {source}.")
        try:
            manifest = read_backup(source)
        except BackupError as refusal:
            raise CommandError(str(refusal)) from None
        counts = ", ".join(f"{count} {kind}" for kind, count in manifest["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"Restored the backup of {manifest['created_at']} ({counts})."))
