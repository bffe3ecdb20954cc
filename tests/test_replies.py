"""Replies (답글): one level of threads, placeholders that keep a thread readable, and moderation of replies."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import moderation
from articles.models import Article, BlockedPhrase, Comment, CommentBan, ModerationLogEntry, delete_for_good
from tests.concurrency import at_once
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


@pytest.fixture
def thread(story, reader_with_nickname):
    return Comment.objects.create(article=story, author=reader_with_nickname, body="Will they run on weekends?")


@pytest.fixture
def reader_with_nickname(db):
    return make_commenter("seojun", "서준")


def page(client, story, language=""):
    return client.get(f"{language}/news/{story.pk}/{story.slug}/").content.decode()


def reply(client, comment, body):
    return client.post(f"/comments/{comment.pk}/replies/", {"body": body})


def counted(story):
    story.refresh_from_db()
    return story.comment_count


def test_a_reply_shows_under_its_comment_with_a_count_and_show_replies(commenter_client, client, story, thread):
    response = reply(commenter_client, thread, "Saturdays only, says the notice")

    answer = Comment.objects.get(body="Saturdays only, says the notice")
    assert answer.parent == thread
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{thread.pk}/replies/#comment-{answer.pk}"
    thread.refresh_from_db()
    assert thread.reply_count == 1
    assert counted(story) == 2
    response = client.get(f"/news/{story.pk}/{story.slug}/")
    content = response.content.decode()
    assert '<details class="replies" data-replies>' in content
    assert "답글 1" in content
    assert content.index("Will they run on weekends?") < content.index("Saturdays only, says the notice")
    assert "Reply 1" in page(client, story, "/en")
    assert [comment.body for comment in response.context["comments_page"].items] == ["Will they run on weekends?"]


def test_a_reply_to_a_reply_joins_the_same_thread(commenter_client, story, thread, reader_with_nickname):
    first = Comment.objects.create(article=story, author=reader_with_nickname, body="First reply", parent=thread)

    reply(commenter_client, first, "Answering the reply")

    assert Comment.objects.get(body="Answering the reply").parent == thread
    assert commenter_client.get(f"/comments/{first.pk}/replies/")["Location"] == f"/comments/{thread.pk}/replies/"


def test_the_thread_page_lists_every_reply_and_works_for_anyone(client, story, thread, commenter):
    for number in range(3):
        Comment.objects.create(article=story, author=commenter, body=f"Reply {number}", parent=thread)

    content = client.get(f"/en/comments/{thread.pk}/replies/").content.decode()
    assert content.index("Will they run on weekends?") < content.index("Reply 0") < content.index("Reply 2")
    assert "Sign in to reply" in content


def test_a_refused_reply_comes_back_on_the_thread_page_with_its_text(commenter_client, thread):
    too_long = "가" * 401

    response = reply(commenter_client, thread, too_long)

    assert response.status_code == 400
    content = response.content.decode()
    assert too_long in content
    assert "댓글은 400자까지 쓸 수 있습니다. 지금 401자입니다." in content
    assert not Comment.objects.filter(parent=thread).exists()


def test_replies_need_a_sign_in(client, thread):
    response = reply(client, thread, "Anonymous answer")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.filter(parent=thread).exists()


def test_no_replies_to_a_hidden_comment_or_on_a_closed_story(commenter_client, editor, story, thread):
    moderation.hide(Comment.objects.filter(pk=thread.pk), by=editor)
    reply(commenter_client, thread, "To a hidden comment")
    assert not Comment.objects.filter(parent=thread).exists()

    moderation.restore(Comment.objects.filter(pk=thread.pk), by=editor)
    Article.objects.filter(pk=story.pk).update(comments_enabled=False)
    reply(commenter_client, thread, "On a closed story")
    assert not Comment.objects.filter(parent=thread).exists()


def test_replies_follow_the_rules_of_comments_bans_and_holds(commenter_client, commenter, editor, thread):
    moderation.ban(commenter, by=editor, reason="Insults")

    assert reply(commenter_client, thread, "Banned but trying").status_code == 403
    assert not Comment.objects.filter(parent=thread).exists()


def test_deleting_a_comment_with_replies_leaves_a_placeholder_without_its_text(client, story, commenter, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="An answer", parent=thread)
    author = Client()
    author.force_login(thread.author)

    author.post(f"/comments/{thread.pk}/delete/")

    thread.refresh_from_db()
    assert (thread.status, thread.body, thread.author) == (Comment.Status.DELETED, "", None)
    assert not Comment.objects.filter(body="Will they run on weekends?").exists()
    content = page(client, story)
    assert "삭제된 댓글입니다." in content
    assert "An answer" in content
    assert "This comment was deleted." in page(client, story, "/en")
    assert counted(story) == 1

    # The last reply deleted, nothing is left to hold the placeholder up.
    replier = Client()
    replier.force_login(commenter)
    replier.post(f"/comments/{answer.pk}/delete/")
    assert not Comment.objects.exists()
    assert counted(story) == 0


def test_a_deleted_account_leaves_placeholders_where_others_replied(story, commenter, thread, reader_with_nickname):
    lonely = Comment.objects.create(article=story, author=reader_with_nickname, body="Nobody answered this")
    Comment.objects.create(article=story, author=commenter, body="An answer", parent=thread)

    reader_with_nickname.delete()

    assert not Comment.objects.filter(pk=lonely.pk).exists()
    thread.refresh_from_db()
    assert (thread.status, thread.body, thread.author) == (Comment.Status.DELETED, "", None)
    assert counted(story) == 1


def test_a_hidden_comment_keeps_its_thread(client, editor, story, commenter, thread):
    Comment.objects.create(article=story, author=commenter, body="The answer stays", parent=thread)

    moderation.hide(Comment.objects.filter(pk=thread.pk), by=editor)

    content = page(client, story)
    assert "Will they run on weekends?" not in content
    assert "관리자에 의해 숨겨진 댓글입니다" in content
    assert "The answer stays" in content


def test_moderation_covers_replies_counts_and_the_log(editor_client, editor, client, story, commenter, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="Rude reply", parent=thread)

    editor_client.post(f"/admin/articles/comment/{answer.pk}/change/", {"_hide": "1"})

    thread.refresh_from_db()
    assert thread.reply_count == 0
    assert counted(story) == 1
    assert "Rude reply" not in page(client, story)
    assert ModerationLogEntry.objects.get(comment_id=answer.pk).action == ModerationLogEntry.Action.HIDE

    editor_client.post(
        "/admin/articles/comment/",
        {"action": "delete_selected", "_selected_action": [thread.pk], "post": "yes"},
    )
    thread.refresh_from_db()
    assert thread.status == Comment.Status.DELETED
    assert thread.body == ""
    assert ModerationLogEntry.objects.filter(comment_id=thread.pk, action=ModerationLogEntry.Action.DELETE).exists()


def test_the_admin_delete_page_does_not_list_replies_as_going(editor_client, story, commenter, thread):
    Comment.objects.create(article=story, author=commenter, body="A reply that stays", parent=thread)

    content = editor_client.get(f"/en/admin/articles/comment/{thread.pk}/delete/").content.decode()

    assert "A reply that stays" not in content
    assert "Replies to it stay" in content


def test_a_reply_is_edited_within_the_window_and_comes_back_to_its_thread(commenter_client, commenter, story, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="Typo in reply", parent=thread)

    response = commenter_client.post(f"/comments/{answer.pk}/edit/", {"body": "Fixed reply"})

    assert response["Location"] == f"/comments/{thread.pk}/replies/#comment-{answer.pk}"
    answer.refresh_from_db()
    assert answer.body == "Fixed reply"


def test_my_comments_links_a_reply_to_its_thread(commenter_client, commenter, story, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="My reply", parent=thread)

    content = commenter_client.get("/accounts/comments/").content.decode()

    assert f'href="/comments/{thread.pk}/replies/#comment-{answer.pk}"' in content


def test_a_reader_without_a_nickname_is_asked_for_one_first(thread):
    from tests.conftest import make_user

    nameless = Client()
    nameless.force_login(make_user("no_nickname"))

    response = reply(nameless, thread, "Hello")

    assert response["Location"] == f"/accounts/profile/?next=/comments/{thread.pk}/replies/"
    assert "/accounts/profile/?next=" in nameless.get(f"/comments/{thread.pk}/replies/").content.decode()
    assert not Comment.objects.filter(parent=thread).exists()


def test_a_thread_held_after_an_edit_keeps_its_replies_in_view(client, story, commenter, thread, reader_with_nickname):
    Comment.objects.create(article=story, author=commenter, body="A reply that must stay", parent=thread)
    BlockedPhrase.objects.create(phrase="forbidden")
    author = Client()
    author.force_login(reader_with_nickname)

    author.post(f"/comments/{thread.pk}/edit/", {"body": "Now forbidden words"})

    thread.refresh_from_db()
    assert thread.status == Comment.Status.HELD
    content = page(client, story, "/en")
    assert "A reply that must stay" in content
    assert "Now forbidden words" not in content
    assert "This comment is waiting for an editor" in content
    assert "Now forbidden words" in author.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()
    assert counted(story) == 1


def test_a_long_threads_new_reply_lands_on_the_page_that_shows_it(commenter_client, story, thread, monkeypatch):
    monkeypatch.setattr("articles.comment_threads.REPLIES_PER_THREAD", 3)
    monkeypatch.setattr("articles.views.comments.REPLIES_PER_THREAD", 3)
    for number in range(4):
        Comment.objects.create(article=story, author=thread.author, body=f"Earlier {number}", parent=thread)

    location = reply(commenter_client, thread, "The newest reply")["Location"]

    assert "?after=" in location
    assert "The newest reply" in commenter_client.get(location).content.decode()


def test_deleting_the_last_reply_under_a_placeholder_goes_back_to_the_story(story, commenter, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="Only reply", parent=thread)
    delete_for_good(Comment.objects.filter(pk=thread.pk))
    replier = Client()
    replier.force_login(commenter)

    response = replier.post(f"/comments/{answer.pk}/delete/")

    assert response["Location"] == f"/news/{story.pk}/{story.slug}/#comments"
    assert not Comment.objects.exists()


def test_no_reply_link_under_a_hidden_thread(commenter_client, editor, story, thread, reader_with_nickname):
    Comment.objects.create(article=story, author=reader_with_nickname, body="An answer", parent=thread)
    moderation.hide(Comment.objects.filter(pk=thread.pk), by=editor)

    assert f'href="#reply-form-{thread.pk}"' not in page(commenter_client, story)
    assert (
        f'href="#reply-form-{thread.pk}"'
        not in commenter_client.get(f"/comments/{thread.pk}/replies/").content.decode()
    )


def test_banning_from_a_selection_with_a_placeholder_bans_the_real_authors(editor_client, story, commenter, thread):
    answer = Comment.objects.create(article=story, author=commenter, body="Rude", parent=thread)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    response = editor_client.post(
        "/admin/articles/comment/",
        {"action": "ban_authors", "_selected_action": [thread.pk, answer.pk], "apply": "1", "reason": "Insults"},
    )

    assert response.status_code == 302
    assert list(CommentBan.objects.values_list("reader", flat=True)) == [commenter.pk]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_replies_posted_at_once_are_all_counted(story):
    thread = Comment.objects.create(article=story, author=make_commenter("asker"), body="Anyone?")
    repliers = [make_commenter(f"replier{number}") for number in range(10)]
    answers = at_once(
        [(replier, lambda client, name=replier.username: reply(client, thread, f"Me, {name}")) for replier in repliers]
    )

    assert [answer.status_code for answer in answers] == [302] * 10
    thread.refresh_from_db()
    assert thread.reply_count == 10
    assert counted(story) == 11


def test_a_reply_to_a_thread_deleted_while_it_was_written_comes_back_to_copy(commenter_client, thread):
    assert commenter_client.get(f"/comments/{thread.pk}/replies/").status_code == 200
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    response = reply(commenter_client, thread, "주말엔 안 다녀요")

    assert response.status_code == 404
    page = response.content.decode()
    assert "답글을 단 댓글이 삭제되어 답글을 등록하지 못했습니다." in page
    assert "readonly>주말엔 안 다녀요</textarea>" in page  # nothing says which story it was on: to copy
    assert not Comment.objects.filter(body="주말엔 안 다녀요").exists()


def test_a_reply_to_a_thread_left_as_a_placeholder_can_go_on_the_story_instead(commenter_client, story, thread):
    Comment.objects.create(article=story, author=make_commenter("early"), body="Sundays too", parent=thread)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    response = reply(commenter_client, thread, "주말엔 안 다녀요")

    assert response.status_code == 404
    page = response.content.decode()
    assert f'action="/comments/story/{story.pk}/new/"' in page
    assert ">주말엔 안 다녀요</textarea>" in page
    assert thread.replies.count() == 1


def test_a_late_edit_of_a_reply_can_be_posted_as_a_new_reply_in_the_thread(commenter_client, commenter, story, thread):
    answer = Comment.objects.create(
        article=story, author=commenter, body="Typo in reply", parent=thread,
        created_at=timezone.now() - timedelta(hours=1, microseconds=7),
    )  # fmt: skip

    response = commenter_client.post(f"/comments/{answer.pk}/edit/", {"body": "Fixed reply"})

    assert response.status_code == 409
    assert f'action="/comments/{thread.pk}/replies/"' in response.content.decode()
    assert reply(commenter_client, thread, "Fixed reply").status_code == 302
    assert list(thread.replies.order_by("created_at").values_list("body", flat=True)) == [
        "Typo in reply",
        "Fixed reply",
    ]
