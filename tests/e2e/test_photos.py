"""A reporter uploads a photo with its caption and credit from the story form, and sees it on the preview."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article, Photo
from tests.conftest import make_article
from tests.e2e.conftest import collect_errors
from tests.e2e.test_newsroom_workflow import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def phone_photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (2400, 1600), (30, 110, 60)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def test_a_reporter_uploads_a_photo_from_the_story_form_and_sees_it_on_the_preview(
    live_server, browser, section, reporter
):
    story = make_article(section, reporter, title_en="Botanic garden reopens", body_en="<p>The gates open at nine.</p>")
    errors = []
    page = signed_in_page(browser, live_server.url, reporter.user.username, errors)
    page.goto(f"/en/admin/articles/article/{story.pk}/change/")

    # The "+" beside the photo picker opens the library's upload form in a small window.
    with page.expect_popup() as popup_opened:
        page.locator("#add_id_story_photos-0-photo").click()
    popup = popup_opened.value
    collect_errors(popup, errors)
    popup.locator("#id_original").set_input_files(
        {"name": "DSC_0420.JPG", "mimeType": "image/jpeg", "buffer": phone_photo()}
    )
    popup.locator("#modeltranslation-main-switch").select_option("en")
    popup.locator("#id_caption_en").fill("The rose garden on reopening day")
    popup.locator("#id_alt_text_en").fill("Visitors walking between rows of red roses")
    popup.locator("#id_credit").fill("Lee Photo")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")

    photo = Photo.objects.get()
    expect(page.locator("#id_story_photos-0-photo")).to_have_value(str(photo.pk))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    story.refresh_from_db()
    assert story.lead_photo == photo

    page.get_by_role("link", name="Preview", exact=True).click()
    preview = page
    expect(preview).to_have_url(re.compile(rf"/preview/{story.pk}/$"))
    figure = preview.locator("figure.story-photo--lead")
    expect(figure.locator("figcaption")).to_contain_text("The rose garden on reopening day")
    expect(figure.locator("figcaption")).to_contain_text("Photo: Lee Photo")
    image = figure.get_by_role("img", name="Visitors walking between rows of red roses")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert image.evaluate("img => img.currentSrc").endswith(".webp")
    assert errors == []
    assert Article.objects.get(pk=story.pk).status == Article.Status.DRAFT
