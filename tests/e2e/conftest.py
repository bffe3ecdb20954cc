"""Browser tests: pytest-playwright driving headless Chromium against the live test server."""

import os
import shutil
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db import connections
from django.test import Client
from django.utils import timezone

from articles.models import Article, Tag
from tests.conftest import make_article

# pytest-playwright's sync API keeps an event loop running in the test thread;
# Django would take every ORM call there for async code without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def system_chromium() -> str | None:
    """Debian's Chromium (or one named by KTNEWS_CHROMIUM); None lets Playwright use its own download."""
    for candidate in (os.environ.get("KTNEWS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if executable := system_chromium():
        args["executable_path"] = executable
    return args


def axe_report(page) -> tuple[int, str]:
    """axe-core's violations on ``page``: their number, and a report to read when it is not zero."""
    results = Axe().run(page)
    return results.violations_count, f"{page.url}\n{results.generate_report()}"


def collect_errors(page, errors: list) -> None:
    """Gather what ``page`` logs as an error (a CSP violation, a failed script or request) into ``errors``."""
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))


@pytest.fixture(scope="session", autouse=True)
def serialized_database_for_browser_tests(playwright, django_db_setup, django_db_blocker):
    """Let ``serialized_rollback`` restore the migrations' rows (the newsroom roles) after every browser test.

    Django keeps a connection per thread, and per asyncio context once an event loop runs in
    the thread; Playwright's sync API runs one in the test thread. When ordinary database tests
    ran first, the test database was set up, and its migrated rows serialized, on the
    connection from before the loop: browser tests get another connection, without the
    serialized rows, so the first one's flush would leave the next without groups.
    """
    with django_db_blocker.unblock():
        for connection in connections.all():
            if not hasattr(connection, "_test_serialized_contents"):
                connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture
def open_signed_in_page(open_reader_page, live_server):
    """Opens a page in a fresh window where ``user`` is already signed in (the sign-in itself has its own test)."""

    def open_page(user, **context_options):
        client = Client()
        client.force_login(user)
        page = open_reader_page(**context_options)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
        return page

    return open_page


@pytest.fixture
def open_reader_page(live_server, browser):
    """Opens a page on the live site in a fresh browser context (a reader's own window); closes them all after.

    The live server comes first so that it starts before the browser and stops after it: a
    request thread still serving a browser connection when the server stops would fail.
    """
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(
            base_url=live_server.url, **{"viewport": {"width": 1280, "height": 800}, **context_options}
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


POND_PARAGRAPH_KO = (
    "수족관 동아리 회원 열두 명은 지난 학기 내내 매주 화요일 아침 중앙 연못의 수온과 탁도, 물고기 개체 수를 "
    "기록했다. 조사 결과는 시설팀과 공유돼 분수 가동 시간을 조정하는 데 쓰였다."
)
POND_PARAGRAPH_EN = (
    "Every Tuesday morning last semester, the twelve members of the aquarium club recorded the temperature, "
    "clarity and fish count of the central pond. Their results went to the facilities office, which used them "
    "to change when the fountain runs."
)


@pytest.fixture
def long_story(section, reporter):
    """A published lead story in both languages, long enough to scroll through, with a tag and an older neighbour."""
    older = make_article(
        section, reporter, status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=2),
        title_ko="분수, 여름밤에도 가동", title_en="Pond fountain to run on summer nights",
    )  # fmt: skip
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, placement=Article.Placement.LEAD,
        title_ko="수족관 동아리, 캠퍼스 연못 생태 조사", title_en="Aquarium club surveys the campus pond",
        subtitle_ko="한 학기 동안 매주 수질과 물고기 기록", subtitle_en="A semester of weekly water and fish counts",
        summary_ko="수족관 동아리가 중앙 연못을 한 학기 동안 조사했다.",
        summary_en="The aquarium club spent a semester surveying the central pond.",
        body_ko="<h2>매주 화요일 아침</h2>" + f"<p>{POND_PARAGRAPH_KO}</p>" * 40,
        body_en="<h2>Every Tuesday morning</h2>" + f"<p>{POND_PARAGRAPH_EN}</p>" * 40,
    )  # fmt: skip
    story.tags.set([Tag.objects.create(name_ko="환경", name_en="Environment", slug="environment")])
    story.related_articles.set([older])
    return story
