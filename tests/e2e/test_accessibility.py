"""The reader pages checked by axe-core in both languages, and on a narrow phone screen."""

import pytest

from articles.models import Article
from tests.conftest import make_article
from tests.e2e.conftest import axe_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SEARCH_WORDS = {"": "수족관", "/en": "aquarium"}


def addresses(story, language_prefix: str) -> dict[str, str]:
    return {
        "home": f"{language_prefix}/",
        "section": f"{language_prefix}/sections/news/",
        "story": f"{language_prefix}/news/{story.pk}/{story.slug}/",
        "reporter": f"{language_prefix}/reporters/{story.reporters.get().pk}/",
        "search": f"{language_prefix}/search/?q={SEARCH_WORDS[language_prefix]}",
        "not found": f"{language_prefix}/no-such-page/",
    }


@pytest.mark.parametrize("language_prefix", ["", "/en"], ids=["korean", "english"])
@pytest.mark.parametrize("page_name", ["home", "section", "story", "reporter", "search", "not found"])
def test_reader_page_has_no_axe_violations(open_reader_page, long_story, page_name, language_prefix):
    page = open_reader_page()
    page.goto(addresses(long_story, language_prefix)[page_name])

    found, report = axe_report(page)
    assert found == 0, report

    if page_name == "story":
        # Again with the status bar pinned over the story and the text at its largest.
        larger = page.locator("[data-font-size-step='1']")
        while larger.get_attribute("aria-disabled") != "true":
            larger.click()
        page.locator("[data-story-body] h2").evaluate("heading => window.scrollTo(0, heading.offsetTop + 200)")
        page.locator("[data-status-bar]").wait_for(state="visible")
        found, report = axe_report(page)
        assert found == 0, report


LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4
LONG_URL = "https://www.example.ac.kr/" + "really-long-path-segment-without-any-breaks/" * 6 + "?q=" + "x" * 80


@pytest.mark.parametrize("language_prefix", ["", "/en"], ids=["korean", "english"])
def test_story_with_long_words_fits_a_360px_phone(open_reader_page, section, reporter, language_prefix):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, placement=Article.Placement.LEAD,
        title_ko=f"긴 낱말 {LONG_WORD}", title_en=f"Long word {LONG_WORD}",
        body_ko=f"<p>{LONG_WORD} 그리고 <a href='{LONG_URL}'>{LONG_URL}</a> 주소.</p><p>{LONG_URL}</p>",
        body_en=f"<p>{LONG_WORD} and <a href='{LONG_URL}'>{LONG_URL}</a> address.</p><p>{LONG_URL}</p>",
    )  # fmt: skip
    page = open_reader_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)

    for address in (f"{language_prefix}/news/{story.pk}/{story.slug}/", f"{language_prefix}/"):
        page.goto(address)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{address} is {scroll_width}px wide on a {inner_width}px screen"
