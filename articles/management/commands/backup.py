"""manage.py backup [PATH] [--pg-dump]: the database and the photo files in one archive (see articles/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.backups import BackupError, describe_counts, write_backup


class Command(BaseCommand):
    help = "Write a backup archive: every row of the database, the photo renditions and the originals."

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="Where to write it (default: backups/ktnews-<date>-<time>.tar in the project)."
        )
        parser.add_argument(
            "--pg-dump",
            action="store_true",
            help="PostgreSQL only: hold pg_dump's own dump instead of the portable rows. It restores onto "
            "PostgreSQL only; the default archive restores onto SQLite or PostgreSQL.",
        )

    def handle(self, *args, path=None, pg_dump=False, **options):
        destination = Path(path or f"backups/ktnews-{timezone.localtime():%Y%m%d-%H%M%S}.tar")
        try:
            manifest = write_backup(destination, pg_dump=pg_dump)
        except BackupError as failure:
            raise CommandError(str(failure)) from None
        counts = describe_counts(manifest["counts"])
        self.stdout.write(
            self.style.SUCCESS(_("Backup written to %(path)s (%(counts)s).") % {"path": destination, "counts": counts})
        )
