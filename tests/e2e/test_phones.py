"""A reader on a 360px phone: a header that leaves the story on the first screen, the search behind a button,
sections that show they scroll, every share option in view and the phone's own share sheet; the desktop header."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from articles.models import Section
from tests.conftest import make_commenter
from tests.e2e.conftest import axe_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
HEADER_LIMIT = 120
# A stand-in for the phone's share sheet, which desktop Chromium lacks: it records what it was asked to share.
SHARE_SHEET = "navigator.share = async (data) => { (window.sharedThroughSheet ??= []).push(data); };"


@pytest.fixture
def sections(section):
    """Enough sections that their bar is wider than a phone."""
    names = [("캠퍼스", "Campus"), ("기획", "Features"), ("오피니언", "Opinion"), ("문화", "Culture"),
             ("스포츠", "Sports"), ("국제", "International"), ("과학", "Science")]  # fmt: skip
    for position, (name_ko, name_en) in enumerate(names, start=2):
        Section.objects.create(name_ko=name_ko, name_en=name_en, slug=name_en.lower(), position=position)


def url_of(story, language_prefix=""):
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def content_top(page: Page) -> float:
    return page.locator("main").bounding_box()["y"]


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def edge_shadows(page: Page) -> tuple[bool, bool]:
    """Whether the section bar's left and right edges are darkened (above the links' text, at its top row)."""
    picture = Image.open(io.BytesIO(page.locator(".section-nav ul").screenshot())).convert("RGB")
    left, right = picture.getpixel((1, 1)), picture.getpixel((picture.width - 2, 1))
    return sum(left) < 170, sum(right) < 170  # the bar's crimson (#8a1538) adds up to 215


def test_the_header_leaves_the_story_on_the_first_screen_signed_out_and_in(
    open_reader_page, open_signed_in_page, long_story, sections
):
    signed_out = open_reader_page(**PHONE)
    signed_out.goto(url_of(long_story))
    assert content_top(signed_out) <= HEADER_LIMIT
    expect(signed_out.locator(".site-header").get_by_role("link", name="로그인")).to_be_in_viewport()
    assert page_width(signed_out) <= 360

    reader = make_commenter("long_nickname", "아주아주긴닉네임을가진캠퍼스의독자입니다")
    signed_in = open_signed_in_page(reader, **PHONE)
    signed_in.goto(url_of(long_story, "/en"))
    header = signed_in.locator(".site-header")
    assert content_top(signed_in) <= HEADER_LIMIT
    expect(header.get_by_role("link", name="아주아주긴닉네임을가진캠퍼스의독자입니다")).to_be_in_viewport()
    expect(header.get_by_role("button", name="Sign out")).to_be_in_viewport()
    assert page_width(signed_in) <= 360


def test_the_search_opens_from_its_button_on_a_phone_and_finds_the_story(open_reader_page, long_story):
    page = open_reader_page(**PHONE)
    page.goto(url_of(long_story))
    header = page.locator(".site-header")
    toggle = header.get_by_role("button", name="기사 검색")
    expect(header.get_by_role("searchbox")).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(header.get_by_role("searchbox")).to_be_focused()
    found, report = axe_report(page)
    assert found == 0, report

    page.keyboard.press("Escape")
    expect(header.get_by_role("searchbox")).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.type("수족관")
    page.keyboard.press("Enter")

    expect(page.locator(".search-result").get_by_role("link")).to_have_attribute("href", url_of(long_story))


def test_the_section_bar_shows_that_it_scrolls_and_reaches_every_section(open_reader_page, long_story, sections):
    page = open_reader_page(**PHONE)
    page.goto("/en/")
    bar = page.locator(".section-nav ul")
    assert bar.evaluate("list => list.scrollWidth > list.clientWidth")
    assert edge_shadows(page) == (False, True)

    last = page.locator(".section-nav").get_by_role("link", name="Science")
    last.focus()  # as Tab would: the bar scrolls it into view
    expect(last).to_be_in_viewport(ratio=1)
    bar.evaluate("list => list.scrollTo({left: list.scrollWidth})")
    assert edge_shadows(page) == (True, False)


def test_every_share_option_fits_and_the_share_sheet_serves_kakaotalk_without_a_key(
    open_reader_page, live_server, long_story
):
    without_sheet = open_reader_page(**PHONE)
    without_sheet.goto(url_of(long_story))
    share = without_sheet.locator(".share")
    expect(share.get_by_role("button", name="링크 복사")).to_be_visible()  # the script ran
    expect(share.get_by_role("button", name="공유하기")).to_be_hidden()
    expect(share.get_by_role("button", name="카카오톡")).to_be_hidden()
    expect(share.get_by_role("link", name="카카오스토리")).to_be_visible()

    page = open_reader_page(**PHONE)
    page.add_init_script(SHARE_SHEET)
    page.goto(url_of(long_story, "/en"))
    share = page.locator(".share")
    options = share.locator(".share__link:visible")
    expect(options.first).to_be_visible()
    for box in (option.bounding_box() for option in options.all()):
        assert 0 <= box["x"] <= box["x"] + box["width"] <= 360, box
    assert page_width(page) <= 360
    expect(share.get_by_role("link", name="KakaoStory")).to_be_hidden()

    share.get_by_role("button", name="Share", exact=True).click()
    share.get_by_role("button", name="KakaoTalk").click()

    story = {"title": "Aquarium club surveys the campus pond", "url": live_server.url + url_of(long_story, "/en")}
    assert page.evaluate("window.sharedThroughSheet") == [story, story]


def test_the_desktop_header_keeps_its_search_form_and_its_sections_need_no_hint(open_reader_page, long_story, sections):
    page = open_reader_page()
    page.goto("/en/")
    header = page.locator(".site-header")
    expect(header.get_by_role("searchbox")).to_be_visible()
    expect(header.get_by_role("button", name="Search", exact=True)).to_have_count(1)  # the form's, no toggle
    expect(header.get_by_text("The KU Times")).to_be_visible()
    assert edge_shadows(page) == (False, False)
