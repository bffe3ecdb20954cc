"""Backups that restore: the whole database as Django data, plus the photo files, in one archive.

The data is dumped with natural keys, so it loads into any empty KT News
database, SQLite or PostgreSQL alike (also the way to move from one to the
other). It is read in one transaction: on PostgreSQL a REPEATABLE READ snapshot,
so stories, comments and their counts agree with each other however busy the
site is; on SQLite writers wait for the dump to finish.
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
DATA_FILE = "data.json.gz"
MANIFEST = "manifest.json"
#: Folders of files kept with the data: archive name → the setting that says where it lives.
FILE_FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
#: Rows that are rebuilt or worthless after a restore: Django's own catalogue, sessions.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    pass


def write_backup(destination: Path) -> dict:
    """Write the archive to ``destination``; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / DATA_FILE
        outermost = not connection.in_atomic_block  # only a transaction's first statement may set its isolation
        with transaction.atomic():
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                # Rows keep their ids (the database restored into is empty): the moderation log and the admin's
                # history name readers and objects by id.
                "dumpdata", natural_foreign=True, exclude=EXCLUDED, output=str(data),
                verbosity=0,
            )  # fmt: skip
            manifest = _manifest()
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(destination, "w") as archive:
            archive.add(Path(work) / MANIFEST, MANIFEST)
            archive.add(data, DATA_FILE)
            for name, setting in FILE_FOLDERS.items():
                folder = Path(getattr(settings, setting))
                if folder.is_dir():
                    archive.add(folder, name)
    return manifest


def _manifest() -> dict:
    Article = apps.get_model("articles", "Article")
    Comment = apps.get_model("articles", "Comment")
    Photo = apps.get_model("articles", "Photo")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    return {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "migrations": [f"{app}.{name}" for app, name in applied],
        "counts": {
            "stories": Article.objects.count(),
            "comments": Comment.objects.count(),
            "photos": Photo.objects.count(),
            "accounts": User.objects.count(),
        },
    }


def read_backup(source: Path, *, stdout=None) -> dict:
    """Restore the archive at ``source`` into this site's database, which must be empty, and its folders."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
        archive.extractall(work, filter="data")  # no absolute paths, links out or devices
        manifest = json.loads((Path(work) / MANIFEST).read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"This archive is in format {manifest.get('format')}; this site reads {FORMAT_VERSION}.")
        _refuse_unless_empty()
        call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            call_command("loaddata", str(Path(work) / DATA_FILE), verbosity=0)
        _rebuild_derived_data()
        for name, setting in FILE_FOLDERS.items():
            if (Path(work) / name).is_dir():
                shutil.copytree(Path(work) / name, getattr(settings, setting), dirs_exist_ok=True)
    _forget_cached_pages()
    return manifest


def _forget_cached_pages() -> None:
    """Cached pages, menus and settings described the database that was there before. Only what this site
    keeps is dropped: the cache may be shared with another site (and its sign-in counts)."""
    from articles.models import HoldRules, SiteSettings
    from articles.page_cache import ALL_COMMENTS, READERS, bump, bump_content

    bump_content()
    bump(ALL_COMMENTS, READERS)
    for singleton in (SiteSettings, HoldRules):
        singleton.clear_cache()


def _refuse_unless_empty() -> None:
    """Before anything is written: the database has no stories or accounts, the file folders no files."""
    tables = connection.introspection.table_names()
    Article = apps.get_model("articles", "Article")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    for model in (Article, User):
        if model._meta.db_table in tables and model.objects.exists():
            raise BackupError(
                "This database already has stories or accounts. Restore into an empty database "
                "(a new DATABASE_URL, or a new SQLite file) so that nothing is overwritten."
            )
    for setting in FILE_FOLDERS.values():
        folder = Path(getattr(settings, setting))
        if folder.is_dir() and any(path.is_file() for path in folder.rglob("*")):
            raise BackupError(
                f"{folder} ({setting}) already has files. Restore into empty folders "
                "(DJANGO_MEDIA_ROOT and DJANGO_PRIVATE_MEDIA_ROOT) so that no photo is overwritten."
            )


def _rebuild_derived_data() -> None:
    from articles.search import update_search_documents

    update_search_documents(apps.get_model("articles", "Article").objects.all())
