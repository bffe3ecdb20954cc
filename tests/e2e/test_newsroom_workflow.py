"""The newsroom's daily flow in a real browser: draft, return, revise, publish, read."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADLINE = "Night buses return to the main gate"


def signed_in_page(browser: Browser, base_url: str, username: str, errors: list) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    collect_errors(page, errors)
    page.goto("/en/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Newsroom")).to_be_visible()
    return page


def open_story(page: Page) -> None:
    page.goto("/en/admin/articles/article/")
    page.get_by_role("link", name=HEADLINE).click()
    page.locator("#modeltranslation-main-switch").select_option("en")


def type_in_body(page: Page, text: str) -> None:
    editor = page.locator("#tab_id_body_en").get_by_role("textbox")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_story_goes_from_draft_through_return_to_publication(live_server, browser, section, reporter):
    make_user("editor", "Editors")
    errors = []
    reporter_page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    editor_page = signed_in_page(browser, live_server.url, "editor", errors)

    # The reporter drafts the story in English and submits it for review.
    reporter_page.goto("/en/admin/articles/article/add/")
    reporter_page.locator("#modeltranslation-main-switch").select_option("en")
    reporter_page.locator("#id_title_en").fill(HEADLINE)
    type_in_body(reporter_page, "The late-night shuttle runs again from Monday.")
    reporter_page.locator("#id_section").select_option(label="News")
    reporter_page.get_by_role("button", name="Submit for review").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("submitted to the editors for review")

    # The editor returns it with a note.
    open_story(editor_page)
    expect(editor_page.locator(".story-status")).to_contain_text("In review")
    editor_page.locator("#id_review_note").fill("Add the timetable and who pays for it.")
    editor_page.get_by_role("button", name="Return to reporter").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("returned to its reporter")

    # The reporter reads the note, revises and resubmits.
    open_story(reporter_page)
    expect(reporter_page.locator(".review-note")).to_contain_text("Add the timetable and who pays for it.")
    reporter_page.keyboard.press("Enter")
    type_in_body(reporter_page, " Buses leave every 20 minutes; the student council pays.")
    reporter_page.get_by_role("button", name="Submit for review").click()
    expect(reporter_page.locator(".messagelist")).to_contain_text("submitted to the editors for review")

    # The editor approves and publishes, after a confirmation over the form that says what will happen, with a note.
    open_story(editor_page)
    editor_page.get_by_role("button", name="Approve and publish").click()
    confirmation = editor_page.get_by_role("dialog", name=HEADLINE)
    expect(confirmation).to_contain_text("This story will be public at once, at ")
    confirmation.get_by_label("A note for the reporters").fill("Well done: timetable and all.")
    confirmation.get_by_role("button", name="Confirm").click()
    expect(editor_page.locator(".messagelist")).to_contain_text("approved and published")

    # The reporter finds the approval and the note on their desk.
    reporter_page.goto("/en/admin/")
    expect(reporter_page.locator(".desk-notifications")).to_contain_text("Well done: timetable and all.")

    # A reader finds it on the home page and reads it, byline and all.
    reader_page = browser.new_context(base_url=live_server.url).new_page()
    collect_errors(reader_page, errors)
    reader_page.goto("/en/")
    reader_page.get_by_role("link", name=HEADLINE).click()
    expect(reader_page).to_have_url(re.compile(r"/en/news/\d+/night-buses-return-to-the-main-gate/$"))
    expect(reader_page.get_by_role("heading", level=1)).to_have_text(HEADLINE)
    expect(reader_page.locator(".story__body")).to_contain_text("the student council pays")
    expect(reader_page.locator(".story__info")).to_contain_text("Hwang Min-jun")

    assert errors == []
