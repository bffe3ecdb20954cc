"""Nothing written is lost, in a real browser: autosave after a closed tab, and two people on one story."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, StoryAutosave
from tests.conftest import make_article, make_user
from tests.e2e.test_newsroom_workflow import signed_in_page, type_in_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_story_form(page, article):
    page.goto(f"/en/admin/articles/article/{article.pk}/change/")
    page.locator("#modeltranslation-main-switch").select_option("en")


def test_unsaved_text_comes_back_after_the_tab_was_closed(live_server, browser, section, reporter, settings):
    settings.STORY_AUTOSAVE_SECONDS = 1
    story = make_article(section, reporter, created_by=reporter.user, title_en="Dormitory fees rise")
    errors = []
    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(page, story)

    page.locator("#id_title_en").fill("Dormitory fees rise by 4 percent")
    type_in_body(page, " The council will vote in March.")
    expect(page.locator("#autosave-status")).to_contain_text("Autosaved at", timeout=10_000)
    page.context.close()  # the tab is closed (or the browser crashed) before Save

    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(page, story)
    expect(page.locator(".autosave-offer")).to_contain_text("Unsaved changes")
    # Typing before choosing must not replace the copy on offer.
    page.locator("#id_title_en").fill("Typed before choosing")
    page.wait_for_timeout(2500)
    assert StoryAutosave.objects.get().data["title_en"] == ["Dormitory fees rise by 4 percent"]
    page.get_by_role("link", name="Bring back the unsaved text").click()
    page.locator("#modeltranslation-main-switch").select_option("en")
    expect(page.locator("#id_title_en")).to_have_value("Dormitory fees rise by 4 percent")
    expect(page.locator("#tab_id_body_en").get_by_role("textbox")).to_contain_text("The council will vote in March.")
    page.get_by_role("button", name="Save", exact=True).click()

    story.refresh_from_db()
    assert story.title_en == "Dormitory fees rise by 4 percent"
    assert "The council will vote in March." in story.body_en
    assert not StoryAutosave.objects.exists()
    assert errors == []


def test_two_people_on_one_story_see_each_other_and_lose_nothing(live_server, browser, section, reporter):
    make_user("editor", "Editors")
    story = make_article(section, reporter, created_by=reporter.user, title_en="Library hours")
    errors = []
    editor_page = signed_in_page(browser, live_server.url, "editor", errors)
    reporter_page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(editor_page, story)
    open_story_form(reporter_page, story)
    expect(reporter_page.locator("#others-editing")).to_contain_text("Also open by: editor")

    editor_page.locator("#id_title_en").fill("Library hours extended")
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("changed successfully")

    reporter_page.locator("#id_subtitle_en").fill("Open until 2 a.m. in exam weeks")
    reporter_page.get_by_role("button", name="Save and continue editing").click()
    conflict = reporter_page.locator(".edit-conflict")
    expect(conflict).to_contain_text("Someone else saved this story")
    expect(conflict.locator("ins")).to_contain_text(["extended"])
    reporter_page.locator("#modeltranslation-main-switch").select_option("en")
    expect(reporter_page.locator("#id_subtitle_en")).to_have_value("Open until 2 a.m. in exam weeks")

    # The reporter merges by hand (takes the editor's headline) and saves again.
    reporter_page.locator("#id_title_en").fill("Library hours extended")
    reporter_page.get_by_role("button", name="Save and continue editing").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("changed successfully")

    story = Article.objects.get(pk=story.pk)
    assert (story.title_en, story.subtitle_en) == ("Library hours extended", "Open until 2 a.m. in exam weeks")
    assert errors == []
