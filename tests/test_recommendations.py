"""추천: once per reader, never one's own, taken back at will, and exact counts under concurrent clicks."""

import pytest
from django.test import Client

from articles import moderation
from articles.models import Article, Comment, CommentRecommendation, delete_for_good
from tests.concurrency import at_once
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


@pytest.fixture
def comment(story):
    return Comment.objects.create(article=story, author=make_commenter("author"), body="Run them all night")


def recommend(client, comment, recommended="1", **headers):
    return client.post(f"/comments/{comment.pk}/recommend/", {"recommended": recommended}, **headers)


def count_of(comment):
    comment.refresh_from_db()
    return comment.recommendation_count


def test_a_reader_recommends_once_and_takes_it_back(commenter_client, comment, story):
    response = recommend(commenter_client, comment)
    assert response.status_code == 302
    assert response["Location"] == f"/news/{story.pk}/{story.slug}/#comment-{comment.pk}"
    recommend(commenter_client, comment)  # a second click of the same button changes nothing
    assert count_of(comment) == 1
    assert CommentRecommendation.objects.count() == 1

    recommend(commenter_client, comment, "0")
    assert count_of(comment) == 0
    assert not CommentRecommendation.objects.exists()


def test_the_page_shows_the_count_and_the_readers_own_state(commenter_client, client, comment, story):
    recommend(commenter_client, comment)

    mine = commenter_client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert 'aria-pressed="true">추천 <span data-recommend-count>1</span>' in mine
    assert 'name="recommended" value="0"' in mine
    others = Client()
    others.force_login(make_commenter("other"))
    theirs = others.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert 'aria-pressed="false">추천 <span data-recommend-count>1</span>' in theirs
    assert "추천 1" in client.get(f"/news/{story.pk}/{story.slug}/").content.decode()


def test_the_script_gets_json(commenter_client, comment):
    response = recommend(commenter_client, comment, HTTP_ACCEPT="application/json")

    assert response.json() == {"recommended": True, "count": 1}


def test_nobody_recommends_their_own_comment(comment):
    author = Client()
    author.force_login(comment.author)

    response = recommend(author, comment, HTTP_ACCEPT="application/json")

    assert response.status_code == 403
    assert response.json()["error"] == "자신의 댓글은 추천할 수 없습니다."
    assert count_of(comment) == 0
    assert "data-recommend" not in author.get(comment.get_absolute_url()).content.decode().split("comment__body")[1]


def test_recommending_needs_a_sign_in_and_a_post(client, commenter_client, comment):
    assert recommend(client, comment)["Location"].startswith("/accounts/login/")
    assert commenter_client.get(f"/comments/{comment.pk}/recommend/").status_code == 405
    assert count_of(comment) == 0


def test_hidden_and_held_comments_cannot_be_recommended(commenter_client, comment, editor):
    moderation.hide(Comment.objects.filter(pk=comment.pk), by=editor)

    assert recommend(commenter_client, comment).status_code == 404
    assert count_of(comment) == 0


def test_banned_readers_cannot_recommend(commenter_client, commenter, comment, editor):
    moderation.ban(commenter, by=editor, reason="Vote rigging")

    assert recommend(commenter_client, comment, HTTP_ACCEPT="application/json").status_code == 403
    assert count_of(comment) == 0


def test_a_deleted_account_takes_its_recommendations_off_the_count(commenter_client, commenter, comment):
    recommend(commenter_client, comment)

    commenter.delete()

    assert count_of(comment) == 0


def test_the_csrf_check_applies(commenter, comment):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(commenter)

    assert recommend(strict, comment).status_code == 403
    assert count_of(comment) == 0


@pytest.mark.postgresql
# Committed transactions, so that the clicks really run side by side; the roles the migrations made come back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_clicks_give_exact_counts(story):
    """Twelve readers click at once, two of them twice, and then four take theirs back at once:
    no recommendation may be lost or counted twice."""
    comment = Comment.objects.create(article=story, author=make_commenter("author"), body="Popular")
    readers = [make_commenter(f"reader{number}") for number in range(12)]

    def click_all(clicks):
        answers = at_once(
            [
                (reader, lambda client, value=recommended: recommend(client, comment, value))
                for reader, recommended in clicks
            ]
        )
        assert [answer.status_code for answer in answers] == [302] * len(clicks)

    click_all([(reader, "1") for reader in readers] + [(readers[0], "1"), (readers[1], "1")])
    assert CommentRecommendation.objects.filter(comment=comment).count() == 12
    assert count_of(comment) == 12

    click_all([(reader, "0") for reader in readers[:4]] + [(readers[0], "0")])
    assert count_of(comment) == 8
    assert CommentRecommendation.objects.filter(comment=comment).count() == 8


def test_a_comment_hidden_while_the_click_waits_gets_no_recommendation(commenter, comment, editor):
    stale = Comment.objects.get(pk=comment.pk)  # loaded by the view before the editor acts
    moderation.hide(Comment.objects.filter(pk=comment.pk), by=editor)

    stale.set_recommendation(commenter, True)

    assert count_of(comment) == 0
    assert not CommentRecommendation.objects.exists()


def test_without_javascript_a_recommendation_comes_back_to_the_page_it_was_made_on(commenter_client, comment, story):
    reply = Comment.objects.create(article=story, author=comment.author, body="A reply", parent=comment)
    thread_page = f"/comments/{comment.pk}/replies/"
    assert f'name="next" value="{thread_page}#comment-{reply.pk}"' in commenter_client.get(thread_page).content.decode()

    response = commenter_client.post(
        f"/comments/{reply.pk}/recommend/", {"recommended": "1", "next": f"{thread_page}#comment-{reply.pk}"}
    )

    assert response["Location"] == f"{thread_page}#comment-{reply.pk}"
    more = commenter_client.get(f"/comments/story/{story.pk}/?sort=oldest").content.decode()
    assert f'name="next" value="/comments/story/{story.pk}/?sort=oldest#comment-{comment.pk}"' in more


def test_the_script_is_told_in_json_when_the_comment_was_deleted_meanwhile(commenter_client, comment, story):
    delete_for_good(Comment.objects.filter(pk=comment.pk))

    response = recommend(commenter_client, comment, HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response.json() == {"error": "삭제되었거나 숨겨진 댓글이라 추천할 수 없습니다."}
    without_script = recommend(commenter_client, comment)
    assert without_script.status_code == 404
    assert "삭제되었거나 숨겨진 댓글이라 추천할 수 없습니다." in without_script.content.decode()
    assert not CommentRecommendation.objects.exists()
