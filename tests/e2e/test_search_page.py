"""A reader on the search page in a real browser: searching, switching to the newest first, keeping to a section."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Section
from tests.conftest import make_article
from tests.e2e.conftest import axe_report, collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def pond_stories(section, reporter):
    """Three stories about the pond: the oldest names it in its headline, the newest is in another section."""
    culture = Section.objects.create(name_ko="문화", name_en="Culture", slug="culture", position=2)

    def story(section, days_ago, title_en, body_en):
        return make_article(
            section, reporter, status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=days_ago),
            title_ko=f"{title_en} (ko)", title_en=title_en, body_en=body_en, body_ko="<p>연못</p>",
        )  # fmt: skip

    return [
        story(section, 30, "Pond cleaned for spring", "<p>Volunteers cleared the pond.</p><h2>Next</h2><p>Fish.</p>"),
        story(section, 5, "Fountain repaired", "<p>The fountain by the pond runs again.</p>"),
        story(culture, 1, "Concert by the water", "<p>A quartet played beside the pond.</p>"),
    ]


def headlines(page):
    return page.locator(".search-result h2")


def test_reader_searches_switches_to_newest_and_keeps_to_a_section(open_reader_page, live_server, pond_stories):
    page = open_reader_page()
    errors = []
    collect_errors(page, errors)
    page.goto("/en/search/")

    page.get_by_label("Words to look for in headlines and stories").fill("pond")
    page.locator("main").get_by_role("button", name="Search", exact=True).click()

    expect(page.locator("main").get_by_role("status")).to_have_text("3 stories match “pond”")
    expect(headlines(page).first).to_have_text("Pond cleaned for spring")
    expect(page.locator(".search-result__excerpt").first).to_contain_text(
        "Volunteers cleared the pond.\nNext", use_inner_text=True
    )
    expect(page.get_by_role("link", name="Best match")).to_have_attribute("aria-current", "true")

    page.get_by_role("link", name="Newest").click()

    expect(page).to_have_url(re.compile(r"/en/search/\?q=pond&sort=newest$"))
    expect(page.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("link", name="Best match")).not_to_have_attribute("aria-current", "true")
    expect(headlines(page)).to_have_text(["Concert by the water", "Fountain repaired", "Pond cleaned for spring"])

    page.get_by_label("Section", exact=True).select_option(label="News")
    page.get_by_label("Period", exact=True).select_option(label="Past week")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"/en/search/\?q=pond&period=week&section=news&sort=newest$"))
    expect(page.locator("main").get_by_role("status")).to_have_text("1 story matches “pond”")
    expect(headlines(page)).to_have_text(["Fountain repaired"])
    expect(page.get_by_label("Section", exact=True)).to_have_value("news")
    expect(page.get_by_role("link", name="Newest")).to_have_attribute("aria-current", "true")
    found, report = axe_report(page)
    assert found == 0, report
    assert errors == []


def test_a_korean_reader_sees_why_an_english_match_is_listed(open_reader_page, pond_stories):
    page = open_reader_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto("/search/?q=quartet")

    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.locator(".search-result__note")).to_have_text("영어 기사에서 찾았습니다")
    expect(result.locator(".search-result__excerpt")).to_have_attribute("lang", "en")
    expect(result.locator("mark")).to_have_text("quartet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page fits a phone"
    found, report = axe_report(page)
    assert found == 0, report
