"""The comment conversation: newsroom badges and a reader's own comments page."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Comment
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


def test_the_storys_reporter_and_editors_are_marked_and_others_are_not(client, story, reporter, other_reporter):
    make_commenter_from(reporter.user, "민준")
    make_commenter_from(other_reporter.user, "하은")
    editor = make_commenter("chief", "편집국장")
    editor.groups.add(Group.objects.get(name="Editors"))
    reader = make_commenter("plain", "그냥독자")
    for author, body in ((reporter.user, "From the byline"), (other_reporter.user, "Another reporter"),
                         (editor, "From the desk"), (reader, "From a reader")):  # fmt: skip
        Comment.objects.create(article=story, author=author, body=body)

    items = {comment.body: comment for comment in client.get(f"/en/news/{story.pk}/{story.slug}/").context[
        "comments_page"].items}  # fmt: skip
    assert (items["From the byline"].by_story_reporter, items["From the byline"].by_editor) == (True, False)
    assert (items["Another reporter"].by_story_reporter, items["Another reporter"].by_editor) == (False, False)
    assert items["From the desk"].by_editor
    assert not items["From a reader"].by_story_reporter
    assert not items["From a reader"].by_editor
    content = client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert content.count("comment__badge--newsroom") == 2
    assert ">기자</span>" in content
    assert ">편집자</span>" in content


def make_commenter_from(user, nickname):
    from articles.models import ReaderProfile

    ReaderProfile.objects.create(user=user, nickname=nickname)


def test_my_comments_lists_the_readers_comments_with_their_stories(commenter_client, commenter, story, reader):
    Comment.objects.create(article=story, author=commenter, body="Mine, published")
    Comment.objects.create(article=story, author=commenter, body="Mine, held", status=Comment.Status.HELD)
    Comment.objects.create(article=story, author=reader, body="Someone else's")

    content = commenter_client.get("/en/accounts/comments/").content.decode()
    assert "Mine, published" in content
    assert "Mine, held" in content
    assert "Awaiting review" in content
    assert "Someone else's" not in content
    assert f'href="/en/news/{story.pk}/{story.slug}/#comment-' in content
    assert "A deleted comment cannot be recovered. Delete it anyway?" in content


def test_deleting_from_my_comments_comes_back_to_it(commenter_client, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="Regret")

    confirm = commenter_client.get(f"/comments/{comment.pk}/delete/?next=/accounts/comments/")
    assert 'name="next" value="/accounts/comments/"' in confirm.content.decode()
    response = commenter_client.post(f"/comments/{comment.pk}/delete/?next=/accounts/comments/")
    assert response["Location"] == "/accounts/comments/"
    assert not Comment.objects.exists()


def test_my_comments_needs_a_sign_in(client):
    response = client.get("/accounts/comments/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_story_page_query_count_is_fixed_with_badges(client, django_assert_max_num_queries, story, reporter):
    """Guards the N+1 of checking, per comment, the author's byline and editor group (12: the story's corrections
    are one query)."""
    for number in range(6):
        author = make_commenter(f"reader{number}")
        for _ in range(5):
            Comment.objects.create(article=story, author=author, body="Hello")

    with django_assert_max_num_queries(12):
        assert client.get(f"/news/{story.pk}/{story.slug}/").status_code == 200


def test_the_author_edits_within_the_window_and_the_comment_says_so(commenter_client, commenter, story):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        comment = Comment.objects.create(article=story, author=commenter, body="Teh typo")
        page = commenter_client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
        assert f"/comments/{comment.pk}/edit/" in page

        clock.shift(timedelta(seconds=30))
        assert commenter_client.get(f"/comments/{comment.pk}/edit/").status_code == 200
        response = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "The typo, fixed"})
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.body == "The typo, fixed"
        assert comment.edited_at == timezone.now()
        assert "(edited)" in commenter_client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()


def test_after_the_window_only_delete_remains(commenter_client, commenter, story, settings):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        comment = Comment.objects.create(article=story, author=commenter, body="Too late to change")
        clock.shift(timedelta(seconds=61))

        assert (
            f"/comments/{comment.pk}/edit/"
            not in commenter_client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
        )
        commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "Changed anyway"})
    comment.refresh_from_db()
    assert comment.body == "Too late to change"
    assert comment.edited_at is None


def test_nobody_edits_someone_elses_comment(commenter_client, story, reader):
    theirs = Comment.objects.create(article=story, author=reader, body="Theirs")

    assert commenter_client.post(f"/comments/{theirs.pk}/edit/", {"body": "Mine now"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.body == "Theirs"


def test_an_edit_meets_the_posting_rules_again(commenter_client, commenter, story):
    from articles.models import BlockedPhrase

    BlockedPhrase.objects.create(phrase="spam")
    comment = Comment.objects.create(article=story, author=commenter, body="Innocent")

    commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "now with s p a m"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    too_long = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "가" * 401})
    assert too_long.status_code == 400
    assert ">" + "가" * 401 + "</textarea>" in too_long.content.decode()
