"""Approving (now or for later) and unpublishing ask first, saying what will happen and when; only the page's Confirm
does it, with everything the editor typed; the stories list tells scheduled stories from live ones."""

from datetime import datetime

import pytest
import time_machine
from django.test import Client

from articles.models import Article, StoryEvent
from tests.admin_forms import posted_by_page, story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/articles/article/"
NOW = "2026-12-04 14:05:30.123456 +0900"


def change_url(article, language=""):
    return f"{language}/admin/articles/article/{article.pk}/change/"


@pytest.fixture
def in_review(section, reporter):
    story = make_article(section, reporter, created_by=reporter.user, title_ko="도서관 24시간 개방", placement="lead")
    story.submit_for_review(by=reporter.user)
    return story


@pytest.fixture
def csrf_editor_client(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    return client


def opened_page_token(client, url) -> str:
    return client.get(url).context["csrf_token"]


@time_machine.travel(NOW, tick=False)
def test_publishing_now_asks_first_then_publishes_what_was_typed(csrf_editor_client, in_review):
    token = opened_page_token(csrf_editor_client, change_url(in_review))
    typed = story_form_data(in_review, title_en="Library opens all night", csrfmiddlewaretoken=token, _publish="1")

    asked = csrf_editor_client.post(change_url(in_review), typed)

    assert asked.status_code == 200
    page = asked.content.decode()
    assert "이 기사는 지금 바로(12월 4일 14:05) 홈페이지의 머리기사로 공개됩니다." in page
    in_review.refresh_from_db()
    assert (in_review.status, in_review.title_en) == (Article.Status.REVIEW, "Library opens around the clock for exams")
    assert 'value="Library opens all night"' in page  # carried in a hidden field, nothing typed lost

    done = csrf_editor_client.post(change_url(in_review), posted_by_page(asked, _workflow_confirmed="_publish"))

    assert done.status_code == 302
    in_review.refresh_from_db()
    assert in_review.is_public
    assert in_review.title_en == "Library opens all night"


def test_a_crafted_post_without_the_confirmation_or_confirming_another_step_publishes_nothing(editor_client, in_review):
    for crafted in ({"_publish": "1"}, {"_publish": "1", "_workflow_confirmed": "_unpublish"}):
        response = editor_client.post(change_url(in_review), story_form_data(in_review, **crafted))
        assert response.status_code == 200
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.REVIEW
    assert not in_review.events.filter(action=StoryEvent.Action.PUBLISHED).exists()


@time_machine.travel(NOW, tick=False)
def test_scheduling_says_when_the_story_will_be_public_in_the_editors_language(editor_client, in_review):
    form = story_form_data(in_review, published_at_0="2026-12-05", published_at_1="09:00:00", _publish="1")

    asked = editor_client.post(change_url(in_review, "/en"), form)

    assert (
        "This story will become public at 09:00 on December 5, on the home page as a lead story; "
        "until then readers cannot see it." in asked.content.decode()
    )
    editor_client.post(change_url(in_review, "/en"), posted_by_page(asked, _workflow_confirmed="_publish"))
    in_review.refresh_from_db()
    assert in_review.is_scheduled


def test_unpublishing_says_the_address_will_answer_404_and_waits_for_the_confirmation(editor_client, published_article):
    asked = editor_client.post(change_url(published_article), story_form_data(published_article, _unpublish="1"))

    assert "다시 게재할 때까지 기사 주소는 404(찾을 수 없음)로 응답합니다" in asked.content.decode()
    published_article.refresh_from_db()
    assert published_article.is_public
    editor_client.post(change_url(published_article), posted_by_page(asked, _workflow_confirmed="_unpublish"))
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.REVIEW


def test_back_to_the_form_shows_it_as_typed_and_saves_nothing(editor_client, in_review):
    asked = editor_client.post(change_url(in_review), story_form_data(in_review, title_en="Typed", _publish="1"))

    back = editor_client.post(change_url(in_review), posted_by_page(asked, _workflow_back="1"))

    assert back.status_code == 200
    assert back.context["adminform"].form["title_en"].value() == "Typed"
    assert "아직 아무것도 저장되지 않았습니다" in back.content.decode()
    in_review.refresh_from_db()
    assert (in_review.status, in_review.title_en) == (Article.Status.REVIEW, "Library opens around the clock for exams")


def test_a_form_with_errors_is_shown_again_before_any_confirmation(editor_client, in_review):
    response = editor_client.post(
        change_url(in_review), story_form_data(in_review, body_en="", body_ko="", _publish="1")
    )

    assert "body_en" in response.context["adminform"].form.errors


@time_machine.travel(NOW, tick=False)
def test_the_stories_list_shows_a_scheduled_story_with_its_time_and_filters_by_status(editor_client, section, reporter):
    make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Live story")
    make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_en="Tomorrow's story",
        published_at=datetime.fromisoformat("2026-12-05T09:00:00.654321+09:00"),
    )  # fmt: skip
    make_article(section, reporter, status=Article.Status.RETURNED, title_en="Returned story")

    listed = editor_client.get(LIST_URL).content.decode()
    assert "예약 2026-12-05 09:00" in listed

    scheduled = editor_client.get(LIST_URL, {"state": "scheduled"}).content.decode()
    assert "Tomorrow&#x27;s story" in scheduled
    assert "Live story" not in scheduled
    live = editor_client.get(LIST_URL, {"state": "live"}).content.decode()
    assert "Live story" in live
    assert "Tomorrow&#x27;s story" not in live
    returned = editor_client.get(LIST_URL, {"state": "returned"}).content.decode()
    assert "Returned story" in returned
    assert "Live story" not in returned


def test_a_new_story_published_at_once_is_created_only_once_confirmed(editor_client, section):
    form = story_form_data(section=section, title_ko="새 기사", body_ko="<p>본문</p>", _publish="1")

    asked = editor_client.post("/admin/articles/article/add/", form)

    assert "이 기사는 지금 바로(" in asked.content.decode()
    assert not Article.objects.filter(title_ko="새 기사").exists()
    editor_client.post("/admin/articles/article/add/", posted_by_page(asked, _workflow_confirmed="_publish"))
    assert Article.objects.get(title_ko="새 기사").is_public
