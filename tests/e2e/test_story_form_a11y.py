"""The story form in the newsroom member's language, checked by axe-core, and a photo placed in the body.

axe-core comes with axe-playwright-python (requirements-dev.txt), so CI needs nothing more than its browser.
Nothing on the form is left out of the check: the admin's own markup passes too, once story-form.js has named
what Django's admin, modeltranslation and the editor draw without a name.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Article, StoryPhoto
from tests.conftest import make_article
from tests.test_photos import image_bytes, make_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

#: What axe-core's impacts mean for us: these block a keyboard or screen reader user, the others are advice.
BLOCKING = {"critical", "serious"}


@pytest.fixture
def festival(section, reporter):
    story = make_article(
        section, reporter, status=Article.Status.REVIEW, title_ko="봄 축제 개막", title_en="Spring festival opens",
        body_ko="<p>첫째 문단.</p><p>둘째 문단.</p>", body_en="<p>First paragraph.</p><p>Second paragraph.</p>",
    )  # fmt: skip
    lantern = make_photo(image_bytes(size=(640, 480)), caption_ko="등불 행렬", caption_en="The lantern walk")
    StoryPhoto.objects.create(article=story, photo=lantern, order=0)
    return story, lantern


def open_story_form(page, story, prefix):
    page.goto(f"{prefix}/admin/articles/article/{story.pk}/change/")
    # The editor's modules run after the page loads: wait for its menu, named in the page's language.
    expect(page.locator(".field-body_ko .prose-menubar [data-name='bold']")).to_have_count(1)


@pytest.mark.parametrize(
    ("prefix", "bold", "body"),
    [("", "굵게", "본문 (한국어)"), ("/en", "Bold", "Body (Korean)")],
    ids=["korean", "english"],
)
def test_the_story_form_has_no_serious_axe_violation_and_speaks_the_members_language(
    open_signed_in_page, editor, festival, prefix, bold, body
):
    story, _lantern = festival
    page = open_signed_in_page(editor)
    open_story_form(page, story, prefix)

    expect(page.locator(".field-body_ko [data-name='bold']")).to_have_attribute("title", bold)
    expect(page.locator(".field-body_ko .tiptap")).to_have_attribute("aria-label", body)
    results = Axe().run(page)
    blocking = [rule for rule in results.response["violations"] if rule["impact"] in BLOCKING]
    assert not blocking, results.generate_report()
    assert "Base version" not in page.content()

    # The tabs still switch languages after their nested links lost their addresses.
    page.locator("li[aria-controls='tab_id_body_en']").click()
    expect(page.locator("#tab_id_body_en .tiptap")).to_be_visible()


def test_a_reporter_places_one_of_the_storys_photos_between_paragraphs(open_signed_in_page, editor, festival):
    story, lantern = festival
    page = open_signed_in_page(editor)
    open_story_form(page, story, "")

    # The picker shows each photo's thumbnail.
    page.locator("#story_photos-1 .select2-selection").click()
    expect(page.locator(".select2-results__option .photo-choice__thumbnail").first).to_be_visible()
    page.keyboard.press("Escape")

    page.locator(".field-body_ko .tiptap p").first.click()
    page.keyboard.press("End")
    page.locator(".field-body_ko [data-name='storyPhoto']").click()
    dialog = page.get_by_role("dialog", name="넣을 사진을 고르세요 (이 기사의 사진)")
    dialog.get_by_role("button", name="등불 행렬").click()
    expect(page.locator(".field-body_ko figure.story-photo-placeholder")).to_contain_text("사진: 등불 행렬")

    page.locator("input[name='_save']").click()
    page.wait_for_url("**/admin/articles/article/")
    story.refresh_from_db()
    assert story.body_ko == f'<p>첫째 문단.</p><figure data-photo="{lantern.pk}"></figure><p>둘째 문단.</p>'
