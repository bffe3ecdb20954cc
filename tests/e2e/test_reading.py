"""A reader on a story page in a real browser: languages, the status bar, sharing, text size, search, counting."""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from articles.models import DailyReadCount
from tests.e2e.conftest import collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The most-read count ignores browsers that call themselves headless, as crawlers do.
DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36"


def url_of(story, language_prefix=""):
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def progress_of(page: Page) -> int:
    return int(page.locator("[data-status-bar] [role=progressbar]").get_attribute("aria-valuenow"))


def body_font_size(page: Page) -> float:
    return page.locator("[data-story-body]").evaluate("body => parseFloat(getComputedStyle(body).fontSize)")


def test_reader_switches_a_korean_story_to_english(open_reader_page, live_server, long_story):
    page = open_reader_page()
    page.goto(url_of(long_story))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_have_text("수족관 동아리, 캠퍼스 연못 생태 조사")

    page.locator(".site-header").get_by_role("link", name="English").click()

    expect(page).to_have_url(f"{live_server.url}/en/news/{long_story.pk}/aquarium-club-surveys-the-campus-pond/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aquarium club surveys the campus pond")


def test_status_bar_appears_past_the_header_and_tracks_reading(open_reader_page, long_story):
    page = open_reader_page(reduced_motion="reduce")  # no slide-in: the bar is in place at once
    page.goto(url_of(long_story, "/en"))
    bar = page.locator("[data-status-bar]")
    expect(bar).to_be_hidden()

    page.locator("[data-story-body] h2").evaluate("heading => window.scrollTo(0, heading.offsetTop + 100)")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("Aquarium club surveys the campus pond")
    assert bar.bounding_box()["y"] == 0
    started = progress_of(page)

    page.mouse.wheel(0, 2000)
    expect(bar.get_by_role("progressbar")).not_to_have_attribute("aria-valuenow", str(started))
    assert progress_of(page) > started

    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    expect(bar.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")

    page.evaluate("window.scrollTo(0, 0)")
    expect(bar).to_be_hidden()


def test_copy_link_copies_the_story_address_and_says_so(open_reader_page, live_server, long_story):
    page = open_reader_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(url_of(long_story, "/en"))

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator("[data-share-feedback]")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + url_of(long_story, "/en")


def test_share_link_opens_in_a_small_window_on_a_desktop(open_reader_page, live_server, long_story):
    page = open_reader_page()
    page.context.route("https://www.facebook.com/**", lambda route: route.fulfill(body="Facebook"))
    page.add_init_script("""
        window.openedWith = [];
        const open = window.open;
        window.open = (...args) => (window.openedWith.push(args[2]), open.apply(window, args));
    """)
    page.goto(url_of(long_story, "/en"))

    with page.expect_popup() as popup:
        page.get_by_role("link", name="Facebook").click()

    story_address = quote(live_server.url + url_of(long_story, "/en"), safe="")
    assert popup.value.url == f"https://www.facebook.com/sharer/sharer.php?u={story_address}"
    (features,) = page.evaluate("window.openedWith")
    assert features.startswith("popup,width=600,height=560,")
    assert len(page.context.pages) == 2  # the popup instead of a new tab, not as well as one


def test_larger_text_is_remembered_after_a_reload(open_reader_page, long_story):
    page = open_reader_page()
    page.goto(url_of(long_story, "/en"))
    usual = body_font_size(page)

    page.get_by_role("button", name="Larger text").click()
    page.wait_for_function(
        "usual => parseFloat(getComputedStyle(document.querySelector('[data-story-body]')).fontSize) > usual", arg=usual
    )
    larger = body_font_size(page)
    page.reload()

    expect(page.get_by_role("button", name="Larger text")).to_be_visible()
    assert body_font_size(page) == larger > usual


def test_header_search_lists_the_story_with_the_word_marked(open_reader_page, long_story):
    page = open_reader_page()
    page.goto("/")

    page.locator(".site-header").get_by_role("searchbox").fill("수족관")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=" + re.escape(quote("수족관")) + "$"))
    result = page.locator(".search-result").filter(has_text="수족관 동아리, 캠퍼스 연못 생태 조사")
    expect(result.get_by_role("link")).to_have_attribute("href", url_of(long_story))
    expect(result.locator("mark").first).to_have_text("수족관")


def open_with_stopped_clock(open_reader_page, address: str) -> Page:
    """The page with its timers stopped just after loading: from then on only ``clock.run_for`` moves time."""
    page = open_reader_page(user_agent=DESKTOP_CHROME)
    page.clock.install()
    page.goto(address)
    page.clock.pause_at((page.evaluate("Date.now()") + 500) / 1000)
    return page


def test_staying_on_a_story_counts_one_read(open_reader_page, long_story):
    page = open_with_stopped_clock(open_reader_page, url_of(long_story))
    beacons = []
    page.on("request", lambda request: beacons.append(request) if "/reads/" in request.url else None)

    page.clock.run_for(2000)
    assert beacons == []  # a glance at the headline is not a read

    with page.expect_response(lambda response: "/reads/" in response.url) as answer:
        page.clock.run_for(3000)
    assert answer.value.status == 204
    assert answer.value.request.method == "POST"

    # Reading on sends nothing more.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.clock.run_for(10_000)
    page.wait_for_timeout(200)
    assert len(beacons) == 1
    assert DailyReadCount.objects.get(article=long_story).count == 1


def test_scrolling_into_the_story_counts_a_read_at_once(open_reader_page, long_story):
    page = open_with_stopped_clock(open_reader_page, url_of(long_story, "/en"))

    with page.expect_response(lambda response: "/reads/" in response.url) as answer:
        page.locator("[data-story-body] p").nth(5).scroll_into_view_if_needed()
    assert answer.value.status == 204
    assert DailyReadCount.objects.get(article=long_story).count == 1


def test_story_page_logs_no_errors(open_reader_page, long_story):
    errors = []
    page = open_reader_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    collect_errors(page, errors)

    for address in (url_of(long_story), url_of(long_story, "/en")):
        page.goto(address)
        page.locator("[data-copy-link]").click()
        page.locator("[data-font-size-step='1']").click()
        page.locator("[data-font-size-step='-1']").click()
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        expect(page.locator("[data-status-bar]")).to_be_visible()

    assert errors == []
