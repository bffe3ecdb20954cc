"""A backup restores into an empty database with the same stories, translations, photos, comments and accounts."""

import json
import uuid
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from articles.models import Article, Comment, Photo, StoryPhoto
from tests.conftest import PASSWORD, make_article, make_commenter
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

#: Printed by the restored site, compared with the same taken from the original.
SUMMARY = """
import json
from django.contrib.auth import authenticate, get_user_model
from articles.models import Article, Comment, Photo
print(json.dumps({
    "stories": sorted([a.title_ko or "", a.title_en or "", a.body_en or "", a.status, a.comment_count,
                       a.lead_photo.credit if a.lead_photo else None] for a in Article.objects.all()),
    "photos": sorted([p.caption_ko, p.caption_en, p.alt_text_en, p.credit, p.original.name,
                      [r["name"] for r in p.renditions]] for p in Photo.objects.all()),
    "comments": sorted([c.body, c.author.username if c.author else None, c.parent.body if c.parent else None,
                        c.status, c.recommendation_count, c.reply_count] for c in Comment.objects.all()),
    "accounts": sorted([u.pk, u.username, u.email, getattr(getattr(u, "reader_profile", None), "nickname", None),
                        sorted(u.groups.values_list("name", flat=True)),
                        u.emailaddress_set.filter(verified=True).exists()] for u in get_user_model().objects.all()),
    "signs_in": authenticate(username="minji", password=%(password)r) is not None,
}, ensure_ascii=False, sort_keys=True))
""" % {"password": PASSWORD}  # noqa: UP031 -- the script itself is full of braces


def photo_upload() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (1000, 700), (90, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue())


@pytest.fixture
def newsroom_with_everything(section, reporter, editor, commenter):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="축제 첫날", title_en="Festival opens",
        body_ko="<p>한국어 본문</p>", body_en="<p>English body</p>",
    )  # fmt: skip
    photo = Photo(
        original=photo_upload(), caption_ko="무대", caption_en="The stage", alt_text_en="A stage", credit="Lee"
    )
    photo.save()
    StoryPhoto.objects.create(article=story, photo=photo)
    question = Comment.objects.create(article=story, author=commenter, body="When does it end?")
    Comment.objects.create(article=story, author=make_commenter("answerer", "답변자"), body="Sunday", parent=question)
    question.set_recommendation(editor, True)
    # Hashed as the site hashes (the tests' own fast hasher is unknown to a restored site).
    commenter.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    commenter.save(update_fields=["password"])
    return story


@pytest.fixture
def empty_database(tmp_path):
    """A database nobody has used: a new SQLite file, or a new PostgreSQL database in the PostgreSQL run."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"ktnews_restore_{uuid.uuid4().hex[:8]}"
    server = settings.DATABASES["default"]
    admin = f"host={server['HOST']} port={server['PORT'] or 5432} user={server['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['USER']}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def summary_in(environment) -> dict:
    result = run_manage("shell", "-c", SUMMARY, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_backup_restores_into_an_empty_database_with_everything(
    newsroom_with_everything, tmp_path, empty_database, settings
):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher", *settings.PASSWORD_HASHERS]
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    here = {"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)}
    there = {"DATABASE_URL": empty_database, "DJANGO_MEDIA_ROOT": str(tmp_path / "restored-media"),
             "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored-private")}  # fmt: skip

    restored = run_manage("restore", str(archive), **there)

    assert restored.returncode == 0, restored.stderr
    assert "Restored the backup" in restored.stdout
    original = summary_in_this_process()
    assert summary_in(there) == original
    assert original["signs_in"]
    assert len(original["comments"]) == 2
    for kind, folder in here.items():
        files = sorted(path.relative_to(folder) for path in folder.rglob("*") if path.is_file())
        assert files
        copied = Path(there["DJANGO_MEDIA_ROOT" if kind == "media" else "DJANGO_PRIVATE_MEDIA_ROOT"])
        assert sorted(path.relative_to(copied) for path in copied.rglob("*") if path.is_file()) == files


def summary_in_this_process() -> dict:
    from contextlib import redirect_stdout
    from io import StringIO

    printed = StringIO()
    with redirect_stdout(printed):
        exec(SUMMARY, {})  # noqa: S102 -- the same script the restored site runs
    return json.loads(printed.getvalue())


def test_restore_refuses_a_database_that_is_not_empty(newsroom_with_everything, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive))
    accounts = get_user_model().objects.count()

    with pytest.raises(CommandError, match="already has stories or accounts"):
        call_command("restore", str(archive))
    assert get_user_model().objects.count() == accounts
