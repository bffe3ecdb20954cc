"""manage.py restore PATH: load a backup archive into an empty database (see articles/backups.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.backups import BackupError, describe_counts, read_backup


class Command(BaseCommand):
    help = "Restore a backup archive into this site's database, which must be empty, and its media folders."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive `manage.py backup` wrote (either kind).")

    def handle(self, *args, path, **options):
        try:
            manifest = read_backup(Path(path))
        except BackupError as failure:
            raise CommandError(str(failure)) from None
        made = parse_datetime(manifest.get("created_at", ""))
        date = date_format(timezone.localtime(made), "DATETIME_FORMAT") if made else "?"
        counts = describe_counts(manifest["counts"])
        message = _("Restored the backup of %(date)s (%(counts)s).") % {"date": date, "counts": counts}
        self.stdout.write(self.style.SUCCESS(message))
