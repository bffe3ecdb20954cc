"""A staged edit in a real browser: an editor changes a live story's headline without it going live, compares it
with the live text, and publishes it."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import make_article
from tests.e2e.test_newsroom_workflow import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIVE = "Dormitory fees rise"
STAGED = "Dormitory fees rise by 4 percent"


def test_a_staged_headline_goes_live_only_when_an_editor_publishes_it(live_server, browser, section, editor):
    story = make_article(
        section, status=Article.Status.PUBLISHED, title_ko="기숙사비 인상", title_en=LIVE,
        body_en="<p>The dormitory board voted for the rise.</p>",
    )  # fmt: skip
    errors = []
    page = signed_in_page(browser, live_server.url, editor.username, errors)
    story_address = f"/en/news/{story.pk}/{story.slug}/"

    page.goto(f"/en/admin/articles/article/{story.pk}/change/")
    page.locator("#modeltranslation-main-switch").select_option("en")
    page.locator("#id_title_en").fill(STAGED)
    page.get_by_role("button", name="Save as staged edit").click()

    expect(page.get_by_role("heading", name="From the live story to the staged edit")).to_be_visible()
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto(story_address)
    expect(reader.get_by_role("heading", level=1)).to_have_text(LIVE)
    changes = page.locator(".story-changes")
    expect(changes.locator("ins")).to_contain_text("by 4 percent")
    expect(changes).to_contain_text(LIVE)

    page.get_by_role("button", name="Publish staged edit").click()

    expect(page.locator(".messagelist")).to_contain_text("The staged edit was published")
    # Another reader: the first one's browser may keep the page its few seconds (Cache-Control: max-age).
    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto(story_address)
    expect(reader.get_by_role("heading", level=1)).to_have_text(STAGED)
    assert errors == []
