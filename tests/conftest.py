"""Shared test data: people in their newsroom roles, sections and stories.

Fixtures chain: a reporter's account → their byline profile → their story.
"""

import atexit
import shutil
import tempfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from articles.models import Article, Byline, Reporter, Section
from tests.own_servers import OwnRedis, OwnSmtp

# Each test run keeps the embedded cache in a folder of its own, not the checkout's cache/: two runs at once (the
# SQLite and PostgreSQL runs, a developer's server) must not clear or serve each other's pages. Set before the
# cache is first used, which is after this module is imported.
if settings.CACHES["default"]["BACKEND"] == "ktnews.cache.FolderCache":
    settings.CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="ktnews-test-cache-")
    atexit.register(shutil.rmtree, settings.CACHES["default"]["LOCATION"], ignore_errors=True)

PASSWORD = "correct horse battery staple"
#: Where the sample nginx connects from: this machine, as the test client does by default.
NGINX_ADDRESS = "127.0.0.1"


def make_user(username, group=None, *, is_staff=None):
    user = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, is_staff=bool(group) if is_staff is None else is_staff
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_article(section, *reporters, status=Article.Status.DRAFT, created_by=None, **fields):
    """A story with the given byline; published stories get a publication time an hour ago."""
    fields.setdefault("title_en", "Library opens around the clock for exams")
    fields.setdefault("body_en", "<p>The central library will stay open all night.</p>")
    if status == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(section=section, status=status, created_by=created_by, **fields)
    for order, reporter in enumerate(reporters):
        Byline.objects.create(article=article, reporter=reporter, order=order)
    return article


@pytest.fixture
def section(db):
    return Section.objects.create(name_ko="뉴스", name_en="News", slug="news", position=1)


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def reporter_user(db):
    return make_user("reporter", "Reporters")


@pytest.fixture
def reporter(reporter_user):
    return Reporter.objects.create(
        name_ko="황민준", name_en="Hwang Min-jun", position_ko="KT 기자", position_en="KT Reporter",
        email="minjun@example.com", user=reporter_user,
    )  # fmt: skip


@pytest.fixture
def other_reporter(db):
    user = make_user("colleague", "Reporters")
    return Reporter.objects.create(name_ko="최하은", name_en="Choi Ha-eun", position_en="KT Reporter", user=user)


@pytest.fixture
def reader(db):
    return make_user("reader")


@pytest.fixture
def draft(section, reporter):
    return make_article(section, reporter, created_by=reporter.user, title_en="My draft about the library")


@pytest.fixture
def published_article(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Published story")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def reporter_client(reporter):
    client = Client()
    client.force_login(reporter.user)
    return client


def pytest_collection_modifyitems(config, items):
    """Tests of concurrent writers need PostgreSQL's row locks: `make test` runs them in its PostgreSQL
    run (CI does both runs). SQLite's in-memory test database cannot take concurrent connections."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    left_out = [item for item in items if item.get_closest_marker("postgresql")]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.fixture(autouse=True)
def media_folders(settings, tmp_path):
    """Each test's uploads go to folders of its own, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests make hundreds of accounts; the production hasher's deliberate slowness buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def korean_by_default():
    """Each test starts on the default language, as a request to an unprefixed URL would."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached navigation and settings must not leak from one test's database into the next (nor what each
    process keeps: a frozen clock can give two tests the same generations)."""
    from articles.page_cache import _in_process
    from ktnews.cache import _counting_fallback

    for kept in (cache, _in_process, _counting_fallback):
        kept.clear()
    yield
    for kept in (cache, _in_process, _counting_fallback):
        kept.clear()


@pytest.fixture(autouse=True)
def mail_server_not_failed_yet(monkeypatch):
    """Each test starts as a process whose mail server has not failed lately (articles.outbox leaves mail to the
    timer for a minute after a failure)."""
    from articles import outbox

    monkeypatch.setitem(outbox._last_failure, "at", float("-inf"))


@pytest.fixture
def behind_nginx(settings):
    """The sample deployment: one nginx of ours in front, connecting from this machine and appending the
    address it got each request from to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = [NGINX_ADDRESS]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own (tests/own_servers.py), gone with the test whatever it did to it."""
    redis = OwnRedis(tmp_path)
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def own_smtp(settings):
    """A running SMTP server of the test's own that the site sends its mail to (tests/own_servers.py)."""
    smtp = OwnSmtp()
    smtp.start()
    smtp.use_in(settings)
    yield smtp
    smtp.stop()


@pytest.fixture
def cache_writes(monkeypatch) -> dict:
    """Every key the site writes to its cache during the test, with the value written last."""
    written = {}
    set_one, set_many, add = cache.set, cache.set_many, cache.add

    def record(key, value, *args, **kwargs):
        written[key] = value
        return set_one(key, value, *args, **kwargs)

    def record_many(data, *args, **kwargs):
        written.update(data)
        return set_many(data, *args, **kwargs)

    def record_added(key, value, *args, **kwargs):
        added = add(key, value, *args, **kwargs)
        if added:
            written[key] = value
        return added

    monkeypatch.setattr(cache, "set", record)
    monkeypatch.setattr(cache, "set_many", record_many)
    monkeypatch.setattr(cache, "add", record_added)
    return written


def make_commenter(username, nickname=None):
    """A reader who can comment: a verified email and a nickname."""
    from allauth.account.models import EmailAddress

    from articles.models import ReaderProfile

    user = make_user(username)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    ReaderProfile.objects.create(user=user, nickname=nickname or f"{username}_nick")
    return user


@pytest.fixture
def commenter(db):
    return make_commenter("minji", "민지")


@pytest.fixture
def commenter_client(commenter):
    client = Client()
    client.force_login(commenter)
    return client
