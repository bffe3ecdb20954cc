"""Every ``<time datetime>`` a reader's page carries is a valid HTML date or time: at most three fraction digits,
though the workflow and comments store microseconds (Django's "c" format writes six)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from articles.models import Article, Comment, Correction, Tag
from articles.staging import add_correction
from tests.admin_forms import story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

#: A valid global date and time, or a date, as HTML allows them in ``datetime``.
VALID = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:\d\d))?$")


def times_in(page: str) -> list[str]:
    return re.findall(r'<time[^>]*\sdatetime="([^"]*)"', page)


def test_every_time_on_the_pages_of_a_story_published_revised_and_discussed_is_valid(
    editor_client, commenter_client, commenter, editor, section, reporter
):
    # Published and then revised through the workflow: both moments carry microseconds.
    story = make_article(section, reporter, title_ko="기숙사 식당 개편", title_en="Dormitory cafeteria revamp",
                         body_ko="<p>메뉴가 바뀐다.</p>", body_en="<p>The menu changes.</p>")  # fmt: skip
    story.tags.add(Tag.objects.create(name_ko="기숙사", name_en="Dormitory", slug="dormitory"))
    story.submit_for_review(by=reporter.user)
    story.publish(by=editor)
    story = Article.objects.get(pk=story.pk)
    assert story.published_at.microsecond
    other = make_article(section, reporter, title_ko="식당 메뉴 투표", title_en="Menu vote")
    other.publish(by=editor)  # stays as the workflow wrote it: lists show its microseconds' moment
    with time_machine.travel(story.published_at + timedelta(minutes=10, microseconds=345_678)):
        editor_client.post(
            f"/admin/articles/article/{story.pk}/change/", story_form_data(story, body_en="<p>From March.</p>")
        )
    story.refresh_from_db()
    assert story.was_revised
    add_correction(story, by=editor, note_ko="개편 날짜를 바로잡았습니다.", note_en="The date was corrected.")
    question = Comment.objects.create(article=story, author=commenter, body="주말에도 여나요?")
    Comment.objects.create(article=story, author=commenter, body="답글입니다", parent=question)
    assert story.revised_at.microsecond
    assert Correction.objects.get().published_at.microsecond

    pages = {
        "story (ko)": Client().get(story.get_absolute_url()),
        "story (en)": Client().get(f"/en{story.get_absolute_url()}"),
        "story, signed in": commenter_client.get(story.get_absolute_url()),
        "home": Client().get("/"),
        "section": Client().get(section.get_absolute_url()),
        "tag": Client().get("/tags/dormitory/"),
        "search": Client().get("/search/", {"q": "기숙사"}),
        "corrections": Client().get("/corrections/"),
        "replies": commenter_client.get(f"/comments/{question.pk}/replies/"),
        "comment edit": commenter_client.get(f"/comments/{question.pk}/edit/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        found = times_in(response.content.decode())
        assert found or name in {"tag", "section"}, f"{name}: no <time>"
        invalid = [value for value in found if not VALID.match(value)]
        assert not invalid, f"{name}: {invalid}"


def test_messages_are_a_list_inside_a_live_region(commenter_client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, title_ko="도서관 개방")
    commenter_client.post(f"/comments/story/{story.pk}/new/", {"body": "좋은 소식이네요"})
    page = commenter_client.get(story.get_absolute_url()).content.decode()
    assert '<div role="status">\n<ul class="messages">' in page
    assert '<ul class="messages" role="status">' not in page
