"""Nothing written is lost, in a real browser: autosave as the tab closes, the warning before leaving, and two
people on one story choosing field by field."""

import time

import pytest
from playwright.sync_api import expect

from articles.models import Article, StoryAutosave, Tag
from tests.conftest import make_article, make_user
from tests.e2e.conftest import Axe
from tests.e2e.test_newsroom_workflow import signed_in_page, type_in_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_story_form(page, article):
    page.goto(f"/en/admin/articles/article/{article.pk}/change/")
    page.locator("#modeltranslation-main-switch").select_option("en")


def wait_for_autosave(**lookup) -> StoryAutosave:
    """The autosave the closing page sent: a beacon is delivered after the page is gone."""
    deadline = time.monotonic() + 10
    while (autosave := StoryAutosave.objects.filter(**lookup).first()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert autosave is not None, "no autosave arrived"
    return autosave


def axe_report_on(page, selector) -> tuple[int, str]:
    """axe-core's violations inside ``selector`` (the admin around it is Django's own)."""
    results = Axe().run(page, context=selector)
    return results.violations_count, results.generate_report()


@pytest.fixture
def story(section, reporter, other_reporter):
    """A draft with both languages, two reporters and a tag."""
    story = make_article(
        section, reporter, other_reporter, created_by=reporter.user,
        title_ko="기숙사비 인상", title_en="Dormitory fees rise", subtitle_en="From next semester",
        summary_en="The dormitory board voted for the rise.", body_ko="<p>운영위원회가 의결했다.</p>",
    )  # fmt: skip
    story.tags.set([Tag.objects.create(name_ko="기숙사", name_en="Dormitories", slug="dormitories")])
    return story


def test_unsaved_text_comes_back_after_the_tab_was_closed(live_server, browser, story, reporter, settings):
    settings.STORY_AUTOSAVE_SECONDS = 1
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
    page.once("dialog", lambda dialog: dialog.accept())  # leaving the typed text: the browser asks first
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


def test_text_typed_just_before_the_tab_closes_is_kept_and_leaving_asks_first(live_server, browser, story, reporter):
    """The autosave waits for three quiet seconds; the tab closes within one. The page asked before closing, and
    kept the text on its way out."""
    errors, dialogs = [], []
    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(page, story)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))

    page.locator("#id_subtitle_en").press_sequentially("Typed a moment before closing. ", delay=10)
    type_in_body(page, " Last sentence, typed just now.")
    page.close(run_before_unload=True)  # as a person closing the tab, who then confirms leaving
    page.wait_for_event("close")  # meanwhile the page asks (and the handler above answers)

    autosave = wait_for_autosave(article=story, user=reporter.user)
    assert dialogs == ["beforeunload"]
    assert autosave.data["subtitle_en"] == ["Typed a moment before closing. From next semester"]
    story.refresh_from_db()
    assert story.subtitle_en == "From next semester"  # an autosave, not a save

    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(page, story)
    page.get_by_role("link", name="Bring back the unsaved text").click()
    page.locator("#modeltranslation-main-switch").select_option("en")
    expect(page.locator("#id_subtitle_en")).to_have_value("Typed a moment before closing. From next semester")
    expect(page.locator("#tab_id_body_en").get_by_role("textbox")).to_contain_text("Last sentence, typed just now.")
    assert errors == []


def test_a_form_left_unchanged_or_just_saved_leaves_without_asking(live_server, browser, story, reporter):
    errors, dialogs = [], []
    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    open_story_form(page, story)
    page.locator("#id_title_en").click()
    page.goto("/en/admin/")

    open_story_form(page, story)
    page.locator("#id_title_en").fill("Dormitory fees rise by 4 percent")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("changed successfully")
    page.goto("/en/admin/")

    assert dialogs == []
    assert errors == []


def test_two_people_on_one_story_choose_field_by_field_and_lose_nothing(live_server, browser, story, reporter):
    make_user("editor", "Editors")
    errors = []
    editor_page = signed_in_page(browser, live_server.url, "editor", errors)
    reporter_page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    open_story_form(editor_page, story)
    open_story_form(reporter_page, story)
    expect(reporter_page.locator("#others-editing")).to_contain_text("Also open by: editor")

    editor_page.locator("#id_title_en").fill("Dormitory fees rise 4%")
    editor_page.locator("#id_subtitle_en").fill("The board's vote was 7 to 2")
    editor_page.get_by_role("button", name="Save and continue editing").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("changed successfully")

    reporter_page.locator("#id_title_en").fill("Dormitory fees rise by 4 percent")
    reporter_page.locator("#id_summary_en").fill("The board voted on Monday; students object.")
    reporter_page.get_by_role("button", name="Save and continue editing").click()
    conflict = reporter_page.locator(".edit-conflict")
    headline = conflict.get_by_role("group", name="Headline [en]")
    expect(headline).to_contain_text("Dormitory fees rise 4%")  # theirs
    expect(headline).to_contain_text("Dormitory fees rise by 4 percent")  # mine
    assert errors == []
    violations, report = axe_report_on(reporter_page, ".edit-conflict")
    assert violations == 0, report
    errors.clear()  # axe-core's own inline styles, which the page's CSP rightly refuses
    reporter_page.locator("#modeltranslation-main-switch").select_option("en")
    expect(reporter_page.locator("#id_title_en")).to_have_value("Dormitory fees rise by 4 percent")
    expect(reporter_page.locator("#id_subtitle_en")).to_have_value("The board's vote was 7 to 2")  # only theirs

    # Saving again without choosing overwrites nothing: the question comes back.
    reporter_page.get_by_role("button", name="Save and continue editing").click()
    expect(reporter_page.locator(".edit-conflict").get_by_role("group", name="Headline [en]")).to_be_visible()
    assert Article.objects.get(pk=story.pk).title_en == "Dormitory fees rise 4%"

    reporter_page.locator(".edit-conflict").get_by_label("Use mine").check()
    reporter_page.get_by_role("button", name="Save and continue editing").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("changed successfully")

    story = Article.objects.get(pk=story.pk)
    assert story.title_en == "Dormitory fees rise by 4 percent"
    assert story.subtitle_en == "The board's vote was 7 to 2"
    assert story.summary_en == "The board voted on Monday; students object."
    assert [tag.slug for tag in story.tags.all()] == ["dormitories"]
    assert errors == []
