"""Sorting the threads (in the address, without JavaScript) and the BEST comments above them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Comment
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


@pytest.fixture
def threads(story):
    """Four threads: posted one minute apart, with different numbers of recommendations and replies."""
    author, replier = make_commenter("author"), make_commenter("replier")
    start = timezone.now() - timedelta(hours=1)
    shapes = {"first": (2, 0), "second": (9, 1), "third": (0, 3), "fourth": (5, 2)}
    made = {}
    for minute, (body, (recommendations, replies)) in enumerate(shapes.items()):
        made[body] = Comment.objects.create(
            article=story, author=author, body=body, created_at=start + timedelta(minutes=minute)
        )
        for number in range(replies):
            Comment.objects.create(article=story, author=replier, body=f"re {body} {number}", parent=made[body])
        for number in range(recommendations):
            made[body].set_recommendation(make_commenter(f"fan-{body}-{number}"), True)
    return made


def listed(client, story, **params):
    response = client.get(f"/news/{story.pk}/{story.slug}/", params)
    return [comment.body for comment in response.context["comments_page"].items]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (None, ["fourth", "third", "second", "first"]),
        ("newest", ["fourth", "third", "second", "first"]),
        ("oldest", ["first", "second", "third", "fourth"]),
        ("recommended", ["second", "fourth", "first", "third"]),
        ("replies", ["third", "fourth", "second", "first"]),
        ("nonsense", ["fourth", "third", "second", "first"]),
    ],
)
def test_threads_sort_by_the_order_in_the_address(client, story, threads, sort, expected):
    assert listed(client, story, **({"sort": sort} if sort else {})) == expected


def test_the_order_links_work_without_javascript_and_mark_the_current_one(client, story, threads):
    content = client.get(f"/en/news/{story.pk}/{story.slug}/", {"sort": "oldest"}).content.decode()

    assert f'<a href="/en/news/{story.pk}/{story.slug}/?sort=oldest#comments" aria-current="true">Oldest</a>' in content
    assert f'<a href="/en/news/{story.pk}/{story.slug}/?sort=recommended#comments">Most recommended</a>' in content


def test_more_comments_keeps_the_order(client, story, threads, settings, monkeypatch):
    monkeypatch.setattr("articles.comment_threads.THREADS_PER_PAGE", 3)
    first = client.get(f"/news/{story.pk}/{story.slug}/", {"sort": "recommended"})
    cursor = first.context["comments_page"].next_cursor

    rest = client.get(f"/comments/story/{story.pk}/", {"sort": "recommended", "after": cursor})

    assert [comment.body for comment in rest.context["comments_page"].items] == ["third"]
    assert f"?sort=recommended&amp;after={cursor}" in first.content.decode()


def test_best_shows_up_to_three_with_at_least_the_minimum(client, story, threads, settings):
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 2
    response = client.get(f"/news/{story.pk}/{story.slug}/")
    assert [comment.body for comment in response.context["best_comments"]] == ["second", "fourth", "first"]
    content = response.content.decode()
    assert "베스트 댓글" in content
    assert 'id="best-comment-' in content

    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 5
    assert [c.body for c in client.get(f"/news/{story.pk}/{story.slug}/").context["best_comments"]] == [
        "second",
        "fourth",
    ]
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 10
    response = client.get(f"/news/{story.pk}/{story.slug}/")
    assert response.context["best_comments"] == []
    assert "베스트 댓글" not in response.content.decode()


def test_replies_are_never_best_and_hidden_comments_leave_best(client, editor, story, threads, settings):
    from articles import moderation

    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 1
    popular_reply = Comment.objects.get(body="re third 0")
    for number in range(20):
        popular_reply.set_recommendation(make_commenter(f"reply-fan-{number}"), True)
    moderation.hide(Comment.objects.filter(body="second"), by=editor)

    best = client.get(f"/news/{story.pk}/{story.slug}/").context["best_comments"]
    assert [comment.body for comment in best] == ["fourth", "first"]


def test_story_page_query_count_is_fixed_with_replies_and_recommendations(
    client, commenter_client, django_assert_max_num_queries, story, threads, settings
):
    """Guards the N+1s of replies per thread, and of badges and recommendation state per comment and reply (the
    story's corrections are one query of the story)."""
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 1
    for sort in ("newest", "recommended", "replies"):
        with django_assert_max_num_queries(12):
            assert client.get(f"/news/{story.pk}/{story.slug}/", {"sort": sort}).status_code == 200
        with django_assert_max_num_queries(17):  # five more signed in, the reply bell's count among them
            assert commenter_client.get(f"/news/{story.pk}/{story.slug}/", {"sort": sort}).status_code == 200
