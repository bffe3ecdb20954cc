"""A backup restores into an empty database, SQLite or PostgreSQL, from a backup of either: every row of every
table as it was (revisions included), every photo and original byte for byte, the same pages.

The newsroom is made in the test database; the other sites are made by ``manage.py`` in processes of their
own, each on a new database (a SQLite file, or a new PostgreSQL database: PostgreSQL's server is the test
run's own, or this machine's at 127.0.0.1:5432 in the SQLite run).
"""

import gzip
import hashlib
import io
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from contextlib import redirect_stdout
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import translation

from articles import backup_rows, moderation
from articles.models import Article, Comment, CommentReport, Photo, StoryAutosave
from articles.page_cache import ALL_COMMENTS, CONTENT, READERS
from articles.revisions import revisions_of
from tests.admin_forms import story_form_data
from tests.conftest import PASSWORD, make_commenter
from tests.test_photos import exif_jpeg, make_photo

pytestmark = pytest.mark.django_db


def restore_here(archive: Path) -> None:
    """manage.py restore in this process, speaking English (the site speaks Korean by default; the tests read
    its English)."""
    with translation.override("en"):
        call_command("restore", str(archive))


ENGINES = {"sqlite": "django.db.backends.sqlite3", "postgresql": "django.db.backends.postgresql"}

#: Printed by a site: every row of every table (content types and permissions by natural key: their ids are
#: each database's own), then the home page and a story page as an anonymous reader gets them.
SITE_STATE = r"""
import json, re
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.conf import settings
from django.test import Client
from django.utils import translation
from articles.models import Article

RENUMBERED = (ContentType, Permission)

def value(row, field):
    if field.is_relation and field.related_model in RENUMBERED:
        target = getattr(row, field.name)
        return target and list(target.natural_key())
    return field.value_to_string(row)

def rows(model):
    fields = [f for f in model._meta.concrete_fields if not (model in RENUMBERED and f.primary_key)]
    found = [{f.name: value(row, f) for f in fields} for row in model._base_manager.order_by("pk")]
    return sorted(found, key=lambda r: json.dumps(r, sort_keys=True, default=str)) if model in RENUMBERED else found

def main_content(path):
    response = Client(HTTP_HOST="localhost").get(path)
    page = response.content.decode()
    main = re.search(r"<main[^>]*>(.*?)</main>", page, re.S).group(1)
    main = re.sub(r'(nonce|value)="[^"]*"', r'\1=""', main) if "csrfmiddlewaretoken" in main else main
    return [response.status_code, re.sub(r'nonce="[^"]*"', 'nonce=""', main)]

story = Article.objects.get(pk=%(story)d)
with translation.override(settings.LANGUAGE_CODE):  # a translated field's own column reads in it (modeltranslation)
    every_row = {m._meta.label: rows(m) for m in apps.get_models(include_auto_created=True)
                 if m._meta.label != "sessions.Session"}
    story_page = story.get_absolute_url()
print(json.dumps({
    "rows": every_row,
    "pages": {path: main_content(path) for path in ["/", story_page, "/en/"]},
    "signs_in": authenticate(username="minji", password=%(password)r) is not None,
}, ensure_ascii=False, sort_keys=True, default=str))
"""

#: manage.py with the arguments given, speaking English (the site speaks Korean by default; these tests read
#: its English). With WATCH_FILES_UNDER set, it then prints the permissions of every file it opened, renamed or
#: read under that folder, seen while they existed (sys.addaudithook sees each "open" and rename).
MANAGE_IN_ENGLISH = r"""
import json, os, stat, sys
folder, seen, busy = os.environ.pop("WATCH_FILES_UNDER", None), {}, []
def watch(event, args):
    if event in ("open", "os.rename") and isinstance(args[0], str) and args[0].startswith(folder) and not busy:
        busy.append(1)
        try:
            found = os.stat(args[0])
            if stat.S_ISREG(found.st_mode):
                seen[args[0]] = stat.S_IMODE(found.st_mode)
        except OSError:
            pass
        busy.pop()
if folder:
    sys.addaudithook(watch)
import django
django.setup()
from django.core.management import execute_from_command_line
from django.utils import translation
translation.activate("en")
try:
    execute_from_command_line(["manage.py", *sys.argv[1:]])
finally:
    if folder:
        print("FILES " + json.dumps(seen))
"""


def manage(site: dict, *args, check: bool = True) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, on ``site`` (its DATABASE_URL and media folders) and nothing else."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    environment.pop("REDIS_URL", None)
    environment.update(site, DJANGO_SETTINGS_MODULE="ktnews.settings")
    result = subprocess.run(
        [sys.executable, "-c", MANAGE_IN_ENGLISH, *args], cwd=settings.BASE_DIR, env=environment,
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, result.stderr
    return result


def backup_in(site: dict, archive: Path, *options) -> dict:
    """``manage.py backup`` on ``site``, watching the files it makes: every one is its owner's only."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    folder = str(archive.parent)
    result = manage({**site, "WATCH_FILES_UNDER": folder, "TMPDIR": folder}, "backup", str(archive), *options)
    seen = json.loads(result.stdout.rsplit("FILES ", 1)[1])
    made = [name for name in seen if ".ktnews-backup-" in name]
    assert any(name.endswith(("data.jsonl.gz", "data.pgdump")) for name in made), seen
    assert any(name.endswith("archive.tar") for name in made), seen
    assert {name: oct(mode) for name, mode in seen.items()} == dict.fromkeys(seen, "0o600")
    assert owner_only(archive)
    return seen


def owner_only(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) == 0o600


def state_of(site: dict | None, story: Article) -> dict:
    """SITE_STATE as the site prints it (None: the test database, in this process)."""
    script = SITE_STATE % {"story": story.pk, "password": PASSWORD}
    if site is not None:
        return json.loads(manage(site, "shell", "-c", script).stdout.strip().splitlines()[-1])
    printed = io.StringIO()
    with redirect_stdout(printed):
        exec(script, {})  # noqa: S102 -- the same script the other sites run
    return json.loads(printed.getvalue())


def file_hashes(media: Path, private: Path) -> dict:
    return {
        f"{kind}/{path.relative_to(folder)}": hashlib.sha256(path.read_bytes()).hexdigest()
        for kind, folder in (("media", media), ("private", private))
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def files_of(site: dict) -> dict:
    return file_hashes(Path(site["DJANGO_MEDIA_ROOT"]), Path(site["DJANGO_PRIVATE_MEDIA_ROOT"]))


def engine_of(site: dict | None) -> str:
    url = site["DATABASE_URL"] if site else None
    if url is None:
        return next(name for name, engine in ENGINES.items() if engine == settings.DATABASES["default"]["ENGINE"])
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def postgresql_server() -> dict:
    if engine_of(None) == "postgresql":
        return settings.DATABASES["default"]
    return dj_database_url.parse("postgres://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def new_site(tmp_path):
    """Makes sites nobody has used: a new database of the engine asked for, and empty media folders."""
    server = postgresql_server()
    address = f"{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}"
    admin = f"host={server['HOST'] or '127.0.0.1'} port={server['PORT'] or 5432} user={server['USER']} dbname=postgres"
    databases = []

    def make(engine: str) -> dict:
        folder = tmp_path / f"site-{len(databases)}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        if engine == "sqlite":
            url = f"sqlite:///{folder / 'db.sqlite3'}"
        else:
            databases.append(f"ktnews_restore_{uuid.uuid4().hex[:8]}")
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{databases[-1]}"')
            url = f"postgres://{address}/{databases[-1]}"
        return {"DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(folder / "media"),
                "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private")}  # fmt: skip

    yield make
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in databases:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def newsroom(editor, editor_client, commenter):
    """The demo newsroom, and everything else a site keeps: a photo with GPS in its original, placed through
    the admin (a revision by the editor) and related stories set from the shell (a revision of its own),
    replies and recommendations, a report, a ban lifted and one in force, hidden comments, unsaved work.
    Returns the story a reader is shown."""
    call_command("loaddemo", force=True, verbosity=0)
    story, other = Article.objects.published().filter(tags__isnull=False).distinct().order_by("pk")[:2]
    photo = make_photo(exif_jpeg(gps=True), caption_ko="무대", caption_en="The stage", credit="이사진")
    response = editor_client.post(
        f"/admin/articles/article/{story.pk}/change/",
        story_form_data(
            story, photos=[photo], title_en=f"{story.title_en} (updated)", tags=[tag.pk for tag in story.tags.all()]
        ),
    )
    assert response.status_code == 302
    story.related_articles.add(other)
    question = Comment.objects.create(article=story, author=commenter, body="언제 끝나요?")
    answerer = make_commenter("answerer", "답변자")
    answer = Comment.objects.create(article=story, author=answerer, body="일요일", parent=question)
    question.set_recommendation(editor, True)
    troll = make_commenter("troll", "트롤")
    rude = Comment.objects.create(article=story, author=troll, body="rude words")
    CommentReport.objects.create(comment=rude, reporter=commenter, reason=CommentReport.Reason.choices[0][0])
    moderation.hide(Comment.objects.filter(pk=rude.pk), by=editor)
    moderation.lift_ban(moderation.ban(troll, by=editor, reason="욕설"), by=editor)
    moderation.ban(troll, by=editor, reason="다시 욕설")
    StoryAutosave.objects.create(article=other, user=editor, data={"title_en": "Half-typed headline"})
    # Hashed as the site hashes (the tests' own fast hasher is unknown to a restored site).
    commenter.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    commenter.save(update_fields=["password"])
    assert answer.parent == question
    assert story.tags.exists()
    assert revisions_of(story).count() >= 3  # made by loaddemo, in the admin, and from the shell
    return Article.objects.get(pk=story.pk)


def assert_restored(site: dict, original: dict, files: dict, *, story: Article) -> None:
    restored = state_of(site, story)
    if engine_of(site) != engine_of(None):
        # The full-text index is each engine's own: PostgreSQL makes it on the way in, SQLite keeps none.
        made = [row["search_document"] not in ("None", "") for row in restored["rows"]["articles.Article"]]
        assert made == [engine_of(site) == "postgresql"] * len(made)
        original, restored = _without_index(original), _without_index(restored)
    assert restored["rows"] == original["rows"]
    assert restored["pages"] == original["pages"]
    assert restored["signs_in"]
    assert files_of(site) == files


def _without_index(state: dict) -> dict:
    stories = [{name: value for name, value in row.items() if name not in ("search_document", "search_standfirst")}
               for row in state["rows"]["articles.Article"]]  # fmt: skip
    return {**state, "rows": {**state["rows"], "articles.Article": stories}}


@pytest.mark.postgresql  # it makes databases of its own on both engines: once is enough
def test_a_backup_restores_every_row_file_and_page_between_sqlite_and_postgresql_both_ways(
    newsroom, new_site, tmp_path, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    archive = tmp_path / "backups" / "ktnews.tar"
    call_command("backup", str(archive))
    original = state_of(None, newsroom)
    files = file_hashes(Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    here = engine_of(None)
    other = "postgresql" if here == "sqlite" else "sqlite"

    # From this engine onto the other, and onto this one.
    there = new_site(other)
    assert "Restored the backup" in manage(there, "restore", str(archive)).stdout
    assert_restored(there, original, files, story=newsroom)
    assert_restored(restored_from(archive, new_site(here)), original, files, story=newsroom)
    # From the other engine (the site just restored there, backed up by a process of its own) onto both.
    second = tmp_path / "second" / "ktnews.tar"
    backup_in(there, second)
    for engine in (other, here):
        assert_restored(restored_from(second, new_site(engine)), original, files, story=newsroom)

    assert owner_only(archive)
    assert any(name.startswith("private/") for name in files)
    assert any(name.startswith("media/") for name in files)
    assert _has_microseconds(original), "the newsroom's times must carry microseconds, or losing them would pass"


@pytest.mark.postgresql
def test_a_restored_postgresql_site_plans_its_queries_with_statistics_of_its_rows(newsroom, new_site, tmp_path):
    # Without them, until autovacuum came round, a search took seconds at 100,000 stories.
    archive = tmp_path / "backups" / "ktnews.tar"
    call_command("backup", str(archive))

    site = restored_from(archive, new_site("postgresql"))

    with psycopg.connect(site["DATABASE_URL"]) as connection:
        rows = dict(
            connection.execute(
                "SELECT relname, reltuples FROM pg_class WHERE relname IN ('articles_article', 'articles_comment')"
            ).fetchall()
        )
    assert rows == {"articles_article": Article.objects.count(), "articles_comment": Comment.objects.count()}


def restored_from(archive: Path, site: dict) -> dict:
    manage(site, "restore", str(archive))
    return site


def _has_microseconds(state: dict) -> bool:
    times = [row["created_at"] for row in state["rows"]["articles.Comment"]]
    return any(int(value.partition(".")[2][:6] or 0) % 1000 for value in times)


@pytest.mark.postgresql  # it makes databases of its own on both engines: once is enough
def test_a_postgresql_dump_restores_onto_a_new_postgresql_database_with_every_row_file_and_page(
    newsroom, new_site, tmp_path, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    archive = tmp_path / "ktnews.tar"
    call_command("backup", str(archive))
    original = state_of(None, newsroom)
    files = file_hashes(Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    # pg_dump reads what is committed, which the test database never is: it dumps a site restored from it.
    source = restored_from(archive, new_site("postgresql"))
    dump = tmp_path / "native" / "ktnews.tar"

    backup_in(source, dump, "--pg-dump")

    with tarfile.open(dump) as opened:
        assert "data.pgdump" in opened.getnames()
        assert "data.jsonl.gz" not in opened.getnames()
    assert_restored(restored_from(dump, new_site("postgresql")), original, files, story=newsroom)
    refused = manage(new_site("sqlite"), "restore", str(dump), check=False)
    assert refused.returncode == 1
    assert "restores onto PostgreSQL only" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_backup_with_pg_dump_on_sqlite_says_it_needs_postgresql(tmp_path):
    site = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    result = manage(site, "backup", "--pg-dump", str(tmp_path / "ktnews.tar"), check=False)

    assert result.returncode == 1
    assert "--pg-dump needs PostgreSQL" in result.stderr
    assert not (tmp_path / "ktnews.tar").exists()


def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(newsroom, tmp_path):
    archive = tmp_path / "backups" / "ktnews.tar"
    previous = os.umask(0o022)
    try:
        call_command("backup", str(archive))
        assert os.umask(0o022) == 0o022  # given back as it was
    finally:
        os.umask(previous)

    assert owner_only(archive)
    assert [path.name for path in archive.parent.iterdir()] == ["ktnews.tar"]  # nothing left on the way


def test_a_restore_forgets_this_sites_cached_pages_and_nothing_else(newsroom, tmp_path, settings):
    archive = tmp_path / "ktnews.tar"
    call_command("backup", str(archive))
    rows = state_of(None, newsroom)["rows"]
    connection.check_constraints()  # PostgreSQL truncates no table with checks still pending in the transaction
    backup_rows.empty_tables()
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "new-media", tmp_path / "new-private"
    cache.set_many({CONTENT: 41, ALL_COMMENTS: 7, READERS: 3, "another-site:home": "kept"}, timeout=None)

    restore_here(archive)

    assert cache.get_many([CONTENT, ALL_COMMENTS, READERS]) == {CONTENT: 42, ALL_COMMENTS: 8, READERS: 4}
    assert cache.get("another-site:home") == "kept"
    assert state_of(None, newsroom)["rows"] == rows


def test_a_sqlite_backup_waits_for_no_writer_and_holds_only_what_was_committed(new_site, tmp_path):
    site = new_site("sqlite")
    manage(site, "migrate", "--no-input")
    writer = sqlite3.connect(site["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None, timeout=1)
    writer.execute("BEGIN IMMEDIATE")  # someone adding a blocked word, not done yet: the write lock is theirs
    writer.execute("INSERT INTO articles_blockedphrase (phrase, created_at) VALUES ('spam', '2026-11-28 03:00')")
    archive = tmp_path / "backups" / "ktnews.tar"
    try:
        # Succeeds at all: a backup taking the write lock would fail after the 20-second busy timeout.
        backup_in(site, archive)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    with tarfile.open(archive) as opened:
        rows = gzip.decompress(opened.extractfile("data.jsonl.gz").read()).decode()
    assert '"model": "articles.section"' not in rows  # a new site: nothing but what migrate made
    assert "articles.blockedphrase" not in rows


# What goes wrong is said, and nothing is half done


@pytest.fixture
def archive(newsroom, tmp_path) -> Path:
    path = tmp_path / "backups" / "ktnews.tar"
    call_command("backup", str(path))
    return path


def rewritten(archive: Path, *, manifest=None, rows=None) -> Path:
    """A copy of ``archive`` with its manifest changed by ``manifest`` and its rows kept if ``rows`` says so."""
    copy = archive.with_name("rewritten.tar")
    with tarfile.open(archive) as source, tarfile.open(copy, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json" and manifest:
                content = json.dumps(manifest(json.loads(content))).encode()
            if member.name == "data.jsonl.gz" and rows:
                lines = gzip.decompress(content).decode().splitlines(keepends=True)
                content = gzip.compress("".join(line for line in lines if rows(json.loads(line))).encode())
            member.size = len(content) if content is not None else 0
            target.addfile(member, io.BytesIO(content) if content is not None else None)
    return copy


def test_restore_says_so_when_there_is_no_archive(tmp_path):
    with pytest.raises(CommandError, match="No backup archive at"):
        restore_here(tmp_path / "missing.tar")


def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path):
    (tmp_path / "photo.tar").write_bytes(exif_jpeg())

    with pytest.raises(CommandError, match="is not a backup archive, or it is damaged"):
        restore_here(tmp_path / "photo.tar")


def test_restore_refuses_an_archive_cut_short_and_writes_nothing(archive, new_site):
    whole = archive.read_bytes()
    archive.write_bytes(whole[: len(whole) * 2 // 3])
    site = new_site("sqlite")

    result = manage(site, "restore", str(archive), check=False)

    assert result.returncode == 1
    assert "is not a backup archive, or it is damaged" in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path(site["DATABASE_URL"].removeprefix("sqlite:///")).exists()
    assert not files_of(site)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda manifest: {**manifest, "format": 3}, "in format 3; this site reads formats 1 to 2"),
        (lambda manifest: {**manifest, "migrations": [*manifest["migrations"], "articles.9999_from_the_future"]},
         "migrations this code lacks: articles.9999_from_the_future"),
    ],
)  # fmt: skip
def test_restore_refuses_an_archive_from_a_newer_version_and_says_to_update_first(archive, change, said):
    with pytest.raises(CommandError, match=said) as refusal:
        restore_here(rewritten(archive, manifest=change))

    assert "Update this site's code" in str(refusal.value) or "update this site's code" in str(refusal.value)


def test_restore_refuses_a_database_that_is_not_empty(archive):
    accounts = get_user_model().objects.count()

    with pytest.raises(CommandError, match="already has stories or accounts"):
        restore_here(archive)
    assert get_user_model().objects.count() == accounts


def test_restore_refuses_media_folders_that_have_files_before_writing_anything(archive, new_site):
    site = new_site("sqlite")
    Path(site["DJANGO_MEDIA_ROOT"], "photos").mkdir(parents=True)
    Path(site["DJANGO_MEDIA_ROOT"], "photos", "old.jpg").write_bytes(b"someone's photo")

    result = manage(site, "restore", str(archive), check=False)

    assert result.returncode == 1
    assert "already has files" in result.stderr
    assert list(files_of(site)) == ["media/photos/old.jpg"]
    assert manage(site, "showmigrations", "articles").stdout.count("[X]") == 0


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:1/ktnews", "sqlite:////nonexistent-folder/ktnews.sqlite3"],
    ids=["postgresql", "sqlite"],
)
def test_backup_and_restore_say_when_the_database_cannot_be_reached(archive, tmp_path, database_url):
    site = {"DATABASE_URL": database_url, "DJANGO_MEDIA_ROOT": str(tmp_path / "m"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "p")}  # fmt: skip

    for command in (["restore", str(archive)], ["backup", str(tmp_path / "new.tar")]):
        result = manage(site, *command, check=False)

        assert result.returncode == 1
        assert "Cannot reach the database" in result.stderr
        assert "Check DATABASE_URL" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "new.tar").exists()


def test_a_restore_that_fails_while_loading_leaves_nothing_and_can_be_run_again(archive, new_site, newsroom):
    # Rows of an archive damaged inside: the comments' stories are missing.
    damaged = rewritten(archive, rows=lambda row: row["model"] != "articles.article")
    site = new_site("sqlite")

    result = manage(site, "restore", str(damaged), check=False)

    assert result.returncode == 1
    assert "Nothing was restored" in result.stderr
    assert "restore another copy" in result.stderr
    assert "Traceback" not in result.stderr
    counted = "from articles.models import *; from django.contrib.auth.models import User; "
    counted += "print(Article.objects.count(), Comment.objects.count(), User.objects.count())"
    assert manage(site, "shell", "-c", counted).stdout.split()[-3:] == ["0", "0", "0"]
    assert not files_of(site)
    assert "Restored the backup" in manage(site, "restore", str(archive)).stdout


def test_an_archive_of_the_first_format_restores_too_with_its_times_to_the_millisecond(newsroom, new_site, tmp_path):
    archive = first_format_archive(tmp_path / "format-1")
    original = state_of(None, newsroom)
    files = file_hashes(Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT))
    site = new_site(engine_of(None))

    assert "Restored the backup" in manage(site, "restore", str(archive)).stdout

    assert as_format_1_kept_them(state_of(site, newsroom)) == as_format_1_kept_them(original)
    assert files_of(site) == files


def first_format_archive(folder: Path) -> Path:
    """An archive as manage.py backup wrote it before format 2: dumpdata's JSON, the manifest first."""
    folder.mkdir()
    call_command(
        "dumpdata", natural_foreign=True, exclude=["contenttypes", "auth.permission", "sessions"],
        output=str(folder / "data.json.gz"), verbosity=0,
    )  # fmt: skip
    applied = MigrationRecorder.Migration.objects.values_list("app", "name")
    manifest = {
        "format": 1, "created_at": "2026-11-28T03:00:00+00:00", "database": connection.vendor,
        "migrations": sorted(f"{app}.{name}" for app, name in applied),
        "counts": {"stories": Article.objects.count(), "comments": Comment.objects.count(),
                   "photos": Photo.objects.count(), "accounts": get_user_model().objects.count()},
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(folder / "ktnews.tar", "w") as archive:
        archive.add(folder / "manifest.json", "manifest.json")
        archive.add(folder / "data.json.gz", "data.json.gz")
        archive.add(settings.MEDIA_ROOT, "media")
        archive.add(settings.PRIVATE_MEDIA_ROOT, "private")
    return folder / "ktnews.tar"


def as_format_1_kept_them(state: dict) -> dict:
    """Rows with their times cut to the millisecond, and many-to-many links without their ids (format 1 kept
    neither)."""
    text = re.sub(
        r"(\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(?=\+00:00)",
        lambda time: f"{time[1]}.{(time[2] or '').ljust(6, '0')[:3]}",
        json.dumps(state["rows"], sort_keys=True),
    )
    rows = json.loads(text)
    for label in rows:
        if apps.get_model(label)._meta.auto_created:
            rows[label] = sorted(json.dumps({**row, "id": None}, sort_keys=True) for row in rows[label])
    return rows
