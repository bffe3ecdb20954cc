"""Backups that restore: the whole database and the photo files in one archive, given back row for row.

``manage.py backup`` writes the portable kind: every row as Django data (articles.backup_rows), which
loads into an empty KT News database on SQLite or PostgreSQL alike (also the way to move from one to
the other). The rows are read in one transaction that writers do not wait for, so that stories,
comments and their counts agree however busy the site is: a REPEATABLE READ snapshot on PostgreSQL, a
read transaction on SQLite (in the site's WAL mode). ``manage.py backup --pg-dump`` holds PostgreSQL's
own dump instead (pg_dump's custom format through django-dbbackup's connector, from the same snapshot
as the manifest's counts), which restores onto PostgreSQL only. Sign-ins (sessions) are in neither:
each is a key to someone's account.

Either kind holds the ``media/`` and ``private/`` folders and, last, a manifest (format, engine,
migrations, counts of rows and files): an archive cut short has none and is refused. Archives are
readable by their owner only (0600: they hold password hashes, e-mail addresses and the originals' GPS
positions), as is every file made on the way, and take their name only once complete.

``manage.py restore`` reads either kind into an empty database: it checks the archive before writing
anything, puts the files back, runs the migrations and loads the rows in one transaction; if that
fails, the files it put back are removed and the database keeps no row. Then it forgets this site's
cached pages.
"""

import json
import logging
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

from dbbackup.db.exceptions import ConnectorError
from dbbackup.db.postgresql import PgDumpBinaryConnector
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import backup_rows
from articles.models import Article, Comment, HoldRules, Photo, SiteSettings
from articles.page_cache import ALL_COMMENTS, READERS, bump, bump_content

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
#: What holds the database, by kind. Format 1 (dumpdata's JSON, times cut to the millisecond) still restores.
ROWS, PG_DUMP, FORMAT_1_ROWS = backup_rows.ROWS_FILE, "data.pgdump", backup_rows.FORMAT_1_FILE
#: Folders of files kept with the data: archive name → the setting that says where it lives.
FILE_FOLDERS = {"media": "MEDIA_ROOT", "private": "PRIVATE_MEDIA_ROOT"}
SESSION_TABLE = "django_session"
#: What a damaged archive, or rows that do not fit, fail with while loading.
LOADING_FAILURES = (DatabaseError, DeserializationError, LookupError, ValueError, OSError, EOFError, zlib.error,
                    tarfile.TarError)  # fmt: skip

# django-dbbackup sets its command logger to DEBUG itself, which printed every pg_dump command line under
# the site's WARNING-level root logger: its failures come back as exceptions, said in our messages.
logging.getLogger("dbbackup.command").setLevel(logging.WARNING)


class BackupError(Exception):
    """What went wrong, said for the operator (the commands show it as it is)."""


# Writing


def write_backup(destination: Path, *, pg_dump: bool = False) -> dict:
    """Write the archive to ``destination``; returns its manifest."""
    if pg_dump and connection.vendor != "postgresql":
        raise BackupError(_("--pg-dump needs PostgreSQL; this site's database is SQLite: leave it out."))
    _reach_database()
    destination = Path(destination).absolute()
    try:
        with owner_only():
            destination.parent.mkdir(parents=True, exist_ok=True)
            # Beside the archive, not in /tmp: the same disk (the finished archive is renamed into place, so a
            # backup cut short never looks like a whole one) and no copy of a large dump in a small /tmp.
            with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".ktnews-backup-") as work:
                archive, manifest = _write_archive(Path(work), pg_dump=pg_dump)
                os.replace(archive, destination)
    except OSError as error:
        raise BackupError(_("Could not write %(path)s: %(reason)s") % {"path": destination, "reason": error}) from None
    return manifest


@contextmanager
def owner_only() -> Iterator[None]:
    """Every file made inside, by this process or by pg_dump, is readable by its owner only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _write_archive(work: Path, *, pg_dump: bool) -> tuple[Path, dict]:
    try:
        with _snapshot() as snapshot:
            data = _pg_dump(work / PG_DUMP, snapshot) if pg_dump else backup_rows.dump(work / ROWS)
            manifest = _manifest(data.name)
    except DatabaseError as error:
        raise BackupError(_("Could not read the database: %(reason)s") % {"reason": error}) from None
    archive_path = work / "archive.tar"
    with tarfile.open(archive_path, "w") as archive:
        archive.add(data, data.name)
        manifest["files"] = {name: _add_folder(archive, name, folder) for name, folder in _file_folders().items()}
        _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())  # last: its presence says "complete"
    return archive_path, manifest


@contextmanager
def _snapshot() -> Iterator[str | None]:
    """One state of the database for the rows and the counts, taken without stopping writers; on
    PostgreSQL, its name for pg_dump."""
    if connection.in_atomic_block:  # inside a caller's transaction (tests): its view; pg_dump takes its own
        with transaction.atomic():
            yield None
    elif connection.vendor == "sqlite":
        # A read transaction: with WAL its first read fixes what it sees while writers go on. The site's
        # BEGIN IMMEDIATE would hold the write lock for the whole dump, and a comment posted meanwhile
        # would fail after the 20-second busy timeout.
        with _sqlite_transactions("DEFERRED"), transaction.atomic():
            yield None
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0]


@contextmanager
def _sqlite_transactions(mode: str) -> Iterator[None]:
    """How this connection begins its transactions (settings' OPTIONS["transaction_mode"]), for a while."""
    connection.ensure_connection()  # the mode is read from the settings when connecting
    previous, connection.transaction_mode = connection.transaction_mode, mode
    try:
        yield
    finally:
        connection.transaction_mode = previous


def _pg_dump(path: Path, snapshot: str | None) -> Path:
    # Sign-ins' rows are left out (their table stays), as in the portable kind.
    connector = PgDumpBinaryConnector(exclude=[SESSION_TABLE], dump_suffix=f"--snapshot={snapshot}" if snapshot else "")
    try:
        dump = connector.create_dump()
    except ConnectorError as error:
        raise BackupError(_("pg_dump failed: %(reason)s") % {"reason": error}) from None
    with dump, path.open("wb") as file:
        shutil.copyfileobj(dump, file)
    return path


def _manifest(data_name: str) -> dict:
    applied = MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name")
    return {
        "format": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connection.vendor,
        "data": data_name,
        "migrations": [f"{app}.{name}" for app, name in applied],
        "counts": _counts(),
    }


def describe_counts(counts: dict) -> str:
    """The manifest's counts, for the commands to say."""
    kinds = ("stories", "comments", "photos", "accounts")
    return _("%(stories)s stories, %(comments)s comments, %(photos)s photos, %(accounts)s accounts") % {
        kind: counts.get(kind, "?") for kind in kinds
    }


def _counts() -> dict:
    return {
        "stories": Article.objects.count(),
        "comments": Comment.objects.count(),
        "photos": Photo.objects.count(),
        "accounts": get_user_model().objects.count(),
    }


def _file_folders() -> dict[str, Path]:
    return {name: Path(getattr(settings, setting)) for name, setting in FILE_FOLDERS.items()}


def _add_folder(archive: tarfile.TarFile, name: str, folder: Path) -> int:
    """Add the folder's files under ``name``; returns how many, for the manifest."""
    files = 0

    def count(member: tarfile.TarInfo) -> tarfile.TarInfo:
        nonlocal files
        files += member.isfile()
        return member

    if folder.is_dir():
        archive.add(folder, name, filter=count)
    return files


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.mtime = len(content), 0o600, int(timezone.now().timestamp())
    archive.addfile(member, BytesIO(content))


# Restoring


def read_backup(source: Path) -> dict:
    """Restore the archive at ``source`` into this site's database, which must be empty, and its folders."""
    with _open_archive(Path(source)) as archive:
        manifest = _read_manifest(archive, source)
        _check_restorable(manifest, archive, source)
        _reach_database()
        _refuse_unless_empty()
        written = _restore_files(archive)
        try:
            _restore_database(archive, manifest)
        except BaseException:
            _remove(written)
            raise
    _forget_cached_pages()
    return manifest


@contextmanager
def _open_archive(source: Path) -> Iterator[tarfile.TarFile]:
    if not source.is_file():
        raise BackupError(_("No backup archive at %(path)s.") % {"path": source})
    try:
        archive = tarfile.open(source)  # noqa: SIM115 -- closed below; only opening it says "damaged"
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_damaged(source, error)) from None
    with archive:
        yield archive


def _damaged(source, reason) -> str:
    return _("%(path)s is not a backup archive, or it is damaged (%(reason)s). Restore another copy.") % {
        "path": source,
        "reason": reason,
    }


def _read_manifest(archive: tarfile.TarFile, source) -> dict:
    try:
        with archive.extractfile(MANIFEST) as content:
            manifest = json.load(content)
        data = manifest.setdefault("data", FORMAT_1_ROWS)  # format 1 had one kind only
        data_member = archive.getmember(data)
    except KeyError:
        raise BackupError(_damaged(source, _("its manifest or its data is missing: cut short?"))) from None
    except (tarfile.TarError, OSError, ValueError, AttributeError) as error:
        raise BackupError(_damaged(source, error)) from None
    if not data_member.isfile():
        raise BackupError(_damaged(source, data))
    return manifest


def _check_restorable(manifest: dict, archive: tarfile.TarFile, source) -> None:
    """Refuse, before writing anything, an archive this code cannot restore as it was made."""
    made_in = manifest.get("format")
    if not isinstance(made_in, int) or not 1 <= made_in <= FORMAT_VERSION:
        raise BackupError(
            _(
                "This archive is in format %(format)s; this site reads formats 1 to %(known)s. It was made by "
                "a newer version of KT News: update this site's code to that version, then restore."
            )
            % {"format": made_in, "known": FORMAT_VERSION}
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = sorted(set(manifest.get("migrations", [])) - {f"{app}.{name}" for app, name in loader.disk_migrations})
    if unknown:
        raise BackupError(
            _(
                "This archive was made by a newer version of KT News (its database has migrations this code "
                "lacks: %(names)s). Update this site's code to that version, then restore."
            )
            % {"names": ", ".join(unknown)}
        )
    if manifest["data"] == PG_DUMP and connection.vendor != "postgresql":
        raise BackupError(
            _(
                "This archive holds a PostgreSQL dump (backup --pg-dump), which restores onto PostgreSQL only. "
                "To move the site to SQLite, restore it onto PostgreSQL and make a portable backup there "
                "(manage.py backup, without --pg-dump)."
            )
        )
    _check_files_complete(manifest, archive, source)


def _check_files_complete(manifest: dict, archive: tarfile.TarFile, source) -> None:
    for name, expected in manifest.get("files", {}).items():
        found = sum(member.isfile() for member in archive.getmembers() if member.name.startswith(f"{name}/"))
        if found != expected:
            reason = _("%(found)s of %(expected)s files in %(folder)s/") % {
                "found": found,
                "expected": expected,
                "folder": name,
            }
            raise BackupError(_damaged(source, reason))


def _reach_database() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as error:
        raise BackupError(
            _("Cannot reach the database (%(database)s): %(reason)s. Check DATABASE_URL and that its server is up.")
            % {"database": _database_name(), "reason": str(error).strip()}
        ) from None


def _database_name() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite {database['NAME']}"
    return f"{connection.display_name} {database['NAME']} on {database['HOST'] or 'localhost'}:{database['PORT']}"


def _refuse_unless_empty() -> None:
    """Before anything is written: the database has no stories or accounts, the file folders no files."""
    tables = connection.introspection.table_names()
    for model in (Article, get_user_model()):
        if model._meta.db_table in tables and model.objects.exists():
            raise BackupError(
                _(
                    "This database already has stories or accounts. Restore into an empty database "
                    "(a new DATABASE_URL, or a new SQLite file) so that nothing is overwritten."
                )
            )
    for name, folder in _file_folders().items():
        if folder.is_dir() and any(path.is_file() for path in folder.rglob("*")):
            raise BackupError(
                _(
                    "%(folder)s (%(setting)s) already has files. Restore into empty folders "
                    "(DJANGO_MEDIA_ROOT and DJANGO_PRIVATE_MEDIA_ROOT) so that no photo is overwritten."
                )
                % {"folder": folder, "setting": FILE_FOLDERS[name]}
            )


def _restore_files(archive: tarfile.TarFile) -> list[Path]:
    """Put the archive's files in the (empty) folders; returns what was written, newest last."""
    folders, written = _file_folders(), []
    try:
        for member in archive.getmembers():
            name, _sep, relative = member.name.partition("/")
            if name in folders and relative:
                # The "data" filter refuses absolute paths, links out of the folder and devices.
                archive.extract(member.replace(name=relative, deep=False), folders[name], filter="data")
                written.append(folders[name] / relative)
    except (tarfile.TarError, OSError) as error:
        _remove(written)
        raise BackupError(
            _("Could not put the files back, so nothing was restored: %(reason)s") % {"reason": error}
        ) from None
    return written


def _remove(written: list[Path]) -> None:
    for path in reversed(written):  # files before the folders that hold them
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _restore_database(archive: tarfile.TarFile, manifest: dict) -> None:
    if manifest["data"] == PG_DUMP:
        _pg_restore(archive)
        _migrate_restored_dump()
        return
    try:
        call_command("migrate", interactive=False, verbosity=0)
        with archive.extractfile(manifest["data"]) as packed, transaction.atomic():
            backup_rows.load(packed, legacy=manifest["data"] == FORMAT_1_ROWS)
            _check_counts(manifest)
    except LOADING_FAILURES as error:
        raise BackupError(
            _(
                "Nothing was restored: loading the database failed (%(reason)s). The database is left "
                "without rows and the folders without files: restore another copy of the backup, or report "
                "this message."
            )
            % {"reason": error}
        ) from None


def _migrate_restored_dump() -> None:
    """A dump from an older version of the site is brought up to this one."""
    try:
        call_command("migrate", interactive=False, verbosity=0)
    except LOADING_FAILURES as error:
        raise BackupError(
            _(
                "The dump was restored, but migrating it to this version of the site failed (%(reason)s). "
                "Restore it again into a new, empty database with the version of the site that made it."
            )
            % {"reason": error}
        ) from None


def _pg_restore(archive: tarfile.TarFile) -> None:
    with tempfile.TemporaryFile() as dump:  # owner-only, and gone once closed: pg_restore reads it as stdin
        with archive.extractfile(PG_DUMP) as content:
            shutil.copyfileobj(content, dump)
        dump.seek(0)
        # One transaction (all or nothing); objects owned by whoever DATABASE_URL names.
        connector = PgDumpBinaryConnector(pg_options=["--no-owner", "--no-privileges"])
        try:
            connector.restore_dump(dump)
        except ConnectorError as error:
            raise BackupError(
                _("Nothing was restored: pg_restore failed (%(reason)s).") % {"reason": str(error).strip()}
            ) from None


def _check_counts(manifest: dict) -> None:
    if manifest.get("counts") and _counts() != manifest["counts"]:
        raise BackupError(
            _("Nothing was restored: the archive's rows (%(found)s) are not those its manifest lists (%(listed)s).")
            % {"found": _counts(), "listed": manifest["counts"]}
        )


def _forget_cached_pages() -> None:
    """Cached pages, menus and settings described the database that was there before. Only what this site
    keeps is dropped: the cache may be shared with another site (and its sign-in counts)."""
    bump_content()
    bump(ALL_COMMENTS, READERS)
    for singleton in (SiteSettings, HoldRules):
        singleton.clear_cache()
