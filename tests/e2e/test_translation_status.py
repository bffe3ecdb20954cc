"""Translation status in a real browser: the story form opens on the original's tab, whatever the admin's
language, and the side-by-side page shows both languages next to each other."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import make_article
from tests.e2e.test_newsroom_workflow import signed_in_page
from tests.e2e.test_story_editing import axe_report_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_english_original_opens_on_its_tab_and_shows_beside_its_translation(live_server, browser, section, editor):
    story = make_article(
        section, status=Article.Status.PUBLISHED,
        title_en="Exchange students arrive", body_en="<p>Two hundred students arrived on Monday.</p>",
    )  # fmt: skip
    story.title_ko, story.body_ko = "교환학생 입국", "<p>월요일에 200명이 도착했다.</p>"
    story.save()
    errors = []
    page = signed_in_page(browser, live_server.url, editor.username, errors)

    page.goto(f"/admin/articles/article/{story.pk}/change/")  # the Korean admin, whose own tab would be 한국어
    expect(page.locator("#id_title_en")).to_be_visible()
    expect(page.locator("#id_title_ko")).to_be_hidden()
    expect(page.locator("#modeltranslation-main-switch")).to_have_value("1")

    page.get_by_role("link", name="두 언어 나란히 보기").click()
    english = page.locator(".translation-row").first.locator('[data-language="en"]')
    korean = page.locator(".translation-row").first.locator('[data-language="ko"]')
    expect(english).to_contain_text("Exchange students arrive")
    expect(korean).to_contain_text("교환학생 입국")
    assert english.bounding_box()["y"] == korean.bounding_box()["y"]  # next to each other on a wide screen
    page.set_viewport_size({"width": 360, "height": 800})
    assert korean.bounding_box()["y"] > english.bounding_box()["y"]  # one under the other on a phone
    violations, report = axe_report_on(page, ".translation-view")
    assert violations == 0, report
    assert errors == []
