"""The comment conversation: newsroom badges and a reader's own comments page."""

import pytest
from django.contrib.auth.models import Group

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
    """Guards the N+1 of checking, per comment, the author's byline and editor group."""
    for number in range(6):
        author = make_commenter(f"reader{number}")
        for _ in range(5):
            Comment.objects.create(article=story, author=author, body="Hello")

    with django_assert_max_num_queries(8):
        assert client.get(f"/news/{story.pk}/{story.slug}/").status_code == 200
