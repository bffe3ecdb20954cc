"""Story bodies are sanitized on every save path: no script ever reaches a reader."""

import pytest

from articles.models import Article
from tests.admin_forms import story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

HOSTILE_BODY = (
    '<p onclick="steal()">Hello <script>alert("x")</script>'
    '<a href="javascript:alert(1)">click</a> <a href="JaVaScRiPt:alert(2)">again</a>'
    '<img src="x" onerror="alert(3)"><span style="color:red">styled</span></p>'
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>'
    '<svg><script>alert(4)</script></svg><form action="https://evil.example"><input name="x"></form>'
)


def test_saving_from_the_shell_strips_scripts_handlers_and_javascript_links(section):
    story = make_article(section, body_en=HOSTILE_BODY, body_ko=HOSTILE_BODY)
    story.refresh_from_db()

    for body in (story.body_en, story.body_ko):
        lowered = body.lower()
        for forbidden in ("<script", "alert", "onclick", "onerror", "javascript:", "<iframe", "<style", "style=",
                          "<img", "<svg", "<form", "<input"):  # fmt: skip
            assert forbidden not in lowered, forbidden
        assert "Hello" in body
        assert "styled" in body


def test_formatting_reporters_use_survives(section):
    body = (
        "<h2>Subheading</h2><h3>Smaller</h3><p><strong>Bold</strong>, <em>italic</em> and "
        '<a href="https://ku.example/notice">a link</a>.</p><blockquote><p>A quote.</p></blockquote>'
        "<ul><li>one</li></ul><ol><li>two</li></ol>"
    )
    story = make_article(section, body_en=body)
    story.refresh_from_db()

    for kept in ("<h2>", "<h3>", "<strong>", "<em>", '<a href="https://ku.example/notice"', "<blockquote>",
                 "<ul>", "<ol>", "<li>"):  # fmt: skip
        assert kept in story.body_en
    assert 'rel="noopener noreferrer nofollow"' in story.body_en


def test_bulk_created_stories_are_sanitized_too(section):
    (story,) = Article.objects.bulk_create([Article(section=section, title_en="Bulk", body_en=HOSTILE_BODY)])

    assert "<script" not in Article.objects.get(pk=story.pk).body_en


def test_an_empty_editor_paragraph_counts_as_no_body(section):
    story = make_article(section, body_en="<p></p>")

    assert story.body_en == ""


def test_the_admin_sanitizes_what_it_saves(editor_client, section):
    response = editor_client.post(
        "/en/admin/articles/article/add/", story_form_data(section=section, title_en="Hostile", body_en=HOSTILE_BODY)
    )

    assert response.status_code == 302
    assert "<script" not in Article.objects.get(title_en="Hostile").body_en


def test_a_published_page_shows_no_script_from_the_body(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, body_en=HOSTILE_BODY)

    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert b"alert(" not in response.content
    assert b"javascript:" not in response.content.lower()
