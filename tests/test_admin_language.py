"""The newsroom in its member's language end to end: the story form's labels, the editor's, and the error pages."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from ktnews.urls import handler400, handler403, handler404, handler500
from ktnews.urls import urlpatterns as site_urlpatterns
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

HANGUL = re.compile("[가-힣]")


def broken_newsroom_page(request):
    raise RuntimeError("a bug in a newsroom page")


def forbidden_reader_page(request):
    raise PermissionDenied


# This module is also the URLconf of the error page tests: the site's, with a failing page in the admin and a
# forbidden one on the reader site, in both languages.
urlpatterns = [
    *i18n_patterns(
        path("admin/broken/", broken_newsroom_page),
        path("forbidden/", forbidden_reader_page),
        prefix_default_language=False,
    ),
    *site_urlpatterns,
]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class ReadableText(HTMLParser):
    """What a person reads of the story form's controls: labels, column and section headings, help texts, and
    the names and tooltips of controls."""

    READ_INSIDE = {"label", "th", "h2", "legend", "summary"}
    NAMES = ("aria-label", "title", "placeholder")

    def __init__(self):
        super().__init__()
        self.texts, self._open, self._divs = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.texts.extend(attributes[name] for name in self.NAMES if attributes.get(name))
        if tag in self.READ_INSIDE:
            self._open.append(tag)
        if tag == "div":
            self._divs.append("help" in (attributes.get("class") or "").split())

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()
        if tag == "div" and self._divs:
            self._divs.pop()

    def handle_data(self, data):
        if (self._open or any(self._divs)) and data.strip():
            self.texts.append(data.strip())


def readable_texts(html: str) -> list[str]:
    start = html.index('id="article_form"')
    form = html[start : html.index("</form>", start)]
    parser = ReadableText()
    parser.feed(form)
    return parser.texts


@pytest.fixture
def festival(section, reporter):
    return make_article(
        section, reporter, title_ko="봄 축제 개막", title_en="Spring festival opens",
        body_ko="<p>축제가 열렸다.</p>", body_en="<p>The festival opened.</p>",
    )  # fmt: skip


def story_form(client, story, prefix="") -> str:
    response = client.get(f"{prefix}/admin/articles/article/{story.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


#: Read as they are in Korean too: the language tabs' codes, the editor's numbering samples.
SAME_IN_KOREAN = {"ko", "en", "1, 2, 3", "a, b, c", "A, B, C", "i, ii, iii", "I, II, III"}


def test_every_label_help_text_and_control_name_on_the_story_form_is_korean(editor_client, festival):
    content = story_form(editor_client, festival)

    english = [text for text in readable_texts(content) if not HANGUL.search(text) and text not in SAME_IN_KOREAN]
    assert not english, english
    for control in ("published_at_0", "published_at_1", "bylines-0-order", "bylines-0-DELETE", "story_photos-0-order"):
        tag = re.search(rf'<input[^>]*id="id_{control}"[^>]*>', content).group()
        assert HANGUL.search(re.search(r'aria-label="([^"]*)"', tag).group(1)), tag


@pytest.mark.parametrize(("prefix", "in_korean"), [("", True), ("/en", False)], ids=["korean", "english"])
def test_the_body_editors_buttons_and_dialogs_are_given_in_the_members_language(
    editor_client, festival, prefix, in_korean
):
    content = story_form(editor_client, festival, prefix)

    labels = json.loads(
        content.split('<script id="story-editor-labels" type="application/json">')[1].split("</script>")[0]
    )
    assert {"bold", "italic", "insert link", "undo", "URL", "photo from this story"} <= labels.keys()
    readable = [text for text in labels.values() if text not in SAME_IN_KOREAN]
    assert all(bool(HANGUL.search(text)) == in_korean for text in readable), labels
    assert labels["bold"] == ("굵게" if in_korean else "Bold")


def test_the_hidden_edit_version_travels_with_the_form_without_a_label(editor_client, festival):
    content = story_form(editor_client, festival)

    assert f'<input type="hidden" name="base_version" value="{festival.version}" id="id_base_version">' in content
    assert 'for="id_base_version"' not in content
    assert "Base version" not in content
    assert "field-base_version" not in content


# Error pages


@pytest.mark.parametrize(
    ("prefix", "title", "header"),
    [
        ("", "이 페이지를 열 권한이 없습니다", "KT 뉴스 편집국"),
        ("/en", "You may not open this page", "KT News newsroom"),
    ],
    ids=["korean", "english"],
)
def test_a_forbidden_story_answers_403_inside_the_admin_in_the_members_language(
    other_reporter, festival, prefix, title, header
):
    colleague = Client()
    colleague.force_login(other_reporter.user)  # festival is someone else's draft

    response = colleague.get(f"{prefix}/admin/articles/article/{festival.pk}/change/")

    assert response.status_code == 403
    content = response.content.decode()
    assert f"<h1>{title}</h1>" in content
    assert header in content, "shown inside the admin"
    assert f'href="{prefix}/admin/"' in content


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "편집국에 이 주소의 페이지가 없습니다"), ("/en", "There is nothing at this address in the newsroom")],
    ids=["korean", "english"],
)
def test_a_missing_newsroom_page_answers_404_inside_the_admin(editor_client, prefix, title):
    response = editor_client.get(f"{prefix}/admin/articles/no-such-page/")

    assert response.status_code == 404
    content = response.content.decode()
    assert f"<h1>{title}</h1>" in content
    assert 'id="nav-sidebar"' in content or 'id="header"' in content


def test_a_missing_story_in_the_admin_says_so_in_korean(editor_client):
    response = editor_client.get("/admin/articles/article/999999/change/", follow=True)

    assert "존재하지 않습니다" in response.content.decode()


def test_readers_still_get_the_sites_own_404(client, editor):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


@pytest.mark.urls("tests.test_admin_language")
@pytest.mark.parametrize(
    ("prefix", "page_title"), [("", "서버에서 오류가 발생했습니다"), ("/en", "Something went wrong on our side")]
)
def test_a_server_error_in_the_newsroom_shows_the_error_page_in_the_members_language(editor, prefix, page_title):
    client = Client(raise_request_exception=False)
    client.force_login(editor)

    response = client.get(f"{prefix}/admin/broken/")

    assert response.status_code == 500
    assert page_title in response.content.decode()
    assert "a bug in a newsroom page" not in response.content.decode()


@pytest.mark.urls("tests.test_admin_language")
@pytest.mark.parametrize(
    ("prefix", "page_title"), [("", "이 페이지를 열 권한이 없습니다"), ("/en", "You may not open this page")]
)
def test_a_forbidden_reader_page_is_the_sites_own_in_the_readers_language(client, prefix, page_title):
    response = client.get(f"{prefix}/forbidden/")

    assert response.status_code == 403
    content = response.content.decode()
    assert f'<h1 class="page-title">{page_title}</h1>' in content
    assert "KT News newsroom" not in content
    assert "KT 뉴스 편집국" not in content
