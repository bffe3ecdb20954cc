"""The desk, the admin's first page: what waits for editors, what waits for each reporter, everyone's unread
notifications, in a fixed number of queries."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article, Comment, Notification
from articles.models.staging import text_of
from articles.staging import stage_edit
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db

DESK = "/admin/"


def desk_section(page: str, css_class: str) -> str:
    """The desk's box with this class, as text (up to the next box)."""
    start = page.index(f'class="module {css_class}"')
    return page[start : page.index("</table>", start)]


@pytest.fixture
def newsroom(section, reporter, other_reporter, editor):
    """Stories in every state, submitted 26 hours and 3 hours ago, one scheduled, one returned with a note."""
    with time_machine.travel(timezone.now() - timedelta(hours=26)):
        older = make_article(section, other_reporter, created_by=other_reporter.user, title_en="Older in review")
        older.submit_for_review(by=other_reporter.user)
    with time_machine.travel(timezone.now() - timedelta(hours=3, minutes=10)):
        newer = make_article(section, reporter, created_by=reporter.user, title_en="Newer in review")
        newer.submit_for_review(by=reporter.user)
    returned = make_article(section, reporter, created_by=reporter.user, title_en="Returned story")
    returned.submit_for_review(by=reporter.user)
    returned.return_to_reporter(by=editor, note="Name the second source.")
    scheduled = make_article(section, reporter, title_en="Tomorrow's story")
    scheduled.publish(by=editor, at=timezone.now() + timedelta(days=1, microseconds=123456))
    make_article(section, reporter, created_by=reporter.user, title_en="My draft")
    make_article(section, other_reporter, created_by=other_reporter.user, title_en="Colleague's draft")
    return {"older": older, "newer": newer, "returned": returned, "scheduled": scheduled}


def test_editors_see_the_review_queue_oldest_first_with_its_wait_scheduled_stories_returns_and_comments(
    editor_client, newsroom, published_article
):
    comment = Comment.objects.create(article=published_article, author=make_commenter("minji"), body="보류된 댓글")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.HELD)

    page = editor_client.get(DESK).content.decode()

    queue = desk_section(page, "desk-in-review")
    assert queue.index("Older in review") < queue.index("Newer in review")
    assert "1일 대기" in queue
    assert "3시간 대기" in queue
    assert "Returned story" not in queue
    scheduled = desk_section(page, "desk-scheduled")
    local = timezone.localtime(newsroom["scheduled"].published_at)
    assert f"{local:%Y-%m-%d %H:%M}" in scheduled
    returns = desk_section(page, "desk-returns")
    assert "Returned story" in returns
    assert "Name the second source." in returns
    assert "검토를 기다리는 댓글이 1개 있습니다" in page
    assert "/admin/articles/comment/?queue=waiting" in page
    notifications = desk_section(page, "desk-notifications")
    assert "황민준 님이 “Newer in review” 기사의 검토를 요청했습니다." in notifications
    assert "My draft" not in page
    assert 'id="content-main"' in page  # the app list stays below


def test_reporters_see_their_returned_stories_with_the_note_their_drafts_and_their_stories_in_review(
    reporter_client, newsroom
):
    page = reporter_client.get(DESK).content.decode()

    returned = desk_section(page, "desk-returned")
    assert "Returned story" in returned
    assert "Name the second source." in returned
    assert "My draft" in desk_section(page, "desk-drafts")
    assert "Newer in review" in desk_section(page, "desk-own-review")
    for not_theirs in ("Colleague&#x27;s draft", "Older in review", "desk-in-review", "desk-scheduled"):
        assert not_theirs not in page
    notifications = desk_section(page, "desk-notifications")
    assert "“Returned story” 기사를 메모와 함께 반려했습니다." in notifications
    assert "“Tomorrow&#x27;s story” 기사를 승인했습니다." in notifications


def test_marking_all_read_takes_a_post_with_its_token_and_empties_only_ones_own_list(reporter, newsroom, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter.user)
    token = client.get(DESK).context["csrf_token"]

    assert client.get("/admin/articles/notification/read/").status_code == 405
    assert client.post("/admin/articles/notification/read/").status_code == 403  # no token
    response = client.post("/admin/articles/notification/read/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=reporter.user).unread().exists()
    assert Notification.objects.filter(recipient=editor).unread().exists()
    assert "새 알림이 없습니다." in client.get(DESK).content.decode()


def add_stories(section, reporter, editor, count):
    """``count`` more stories in review, scheduled, returned and live with a reporter's staged edit, each with its
    notifications."""
    for number in range(count):
        live = make_article(section, reporter, created_by=reporter.user, status=Article.Status.PUBLISHED)
        stage_edit(live, {**text_of(live), "title_en": f"Staged {number}"}, by=reporter.user, base_version=live.version)
        waiting = make_article(section, reporter, created_by=reporter.user, title_en=f"Waiting {number}")
        waiting.submit_for_review(by=reporter.user)
        make_article(section, reporter, title_en=f"Later {number}").publish(
            by=editor, at=timezone.now() + timedelta(hours=number + 1)
        )
        back = make_article(section, reporter, created_by=reporter.user, title_en=f"Back {number}")
        back.submit_for_review(by=reporter.user)
        back.return_to_reporter(by=editor, note=f"Fix paragraph {number}.")


@pytest.mark.parametrize("stories", [1, 12])
def test_the_desk_costs_the_same_queries_however_much_waits(
    editor_client, reporter_client, editor, reporter, other_reporter, section, stories, django_assert_num_queries
):
    """Guards the N+1s of the desk: each story's byline in the review queue, each notification's story and actor
    (with their reporter profile), each return's story and editor."""
    add_stories(section, reporter, editor, stories)
    editor.first_name = "Editor"  # a name without a reporter profile
    editor.save()

    with django_assert_num_queries(13):  # one of them for the staged edits waiting
        page = editor_client.get(DESK).content.decode()
    assert page.count("/staged-edit/") == stories
    with django_assert_num_queries(7):
        assert reporter_client.get(DESK).status_code == 200


def test_an_editors_desk_lists_a_story_unpublished_back_to_review_from_its_unpublishing(editor_client, editor, section):
    story = make_article(section, status=Article.Status.PUBLISHED, title_en="Pulled story")
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        story.unpublish(by=editor)

    assert "5분 대기" in desk_section(editor_client.get(DESK).content.decode(), "desk-in-review")
