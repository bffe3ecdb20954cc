"""Deletes are final: no save, edit, reply, 추천, report or editor's action brings back a deleted comment or photo.

The races run with real concurrency on PostgreSQL, ten rounds each, so that a rule broken in a few tries out of ten
fails the test; the rules they rely on have plain tests too, which SQLite runs as well.
"""

import gc
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from articles import moderation
from articles.models import (
    Article,
    BlockedPhrase,
    Comment,
    CommentRecommendation,
    CommentReport,
    Photo,
    Tag,
    delete_for_good,
)
from tests.concurrency import at_once
from tests.conftest import make_article, make_commenter, make_user
from tests.test_photos import image_bytes, make_photo, photo_form, stored

pytestmark = pytest.mark.django_db

ROUNDS = 10
ALREADY_DELETED_KO = "이미 삭제된 댓글입니다."
EDIT_OF_DELETED_KO = "이 댓글은 삭제되어 고친 내용을 저장하지 못했습니다."


def concurrent(test):
    """Committed transactions, so that requests really run side by side; the migrations' roles come back after."""
    return pytest.mark.postgresql(pytest.mark.django_db(transaction=True, serialized_rollback=True)(test))


@pytest.fixture
def story(section, reporter, other_reporter):
    """A published story with a byline of two in both languages and a tag."""
    story = make_article(
        section, reporter, other_reporter, status=Article.Status.PUBLISHED,
        title_ko="심야 버스, 시험 기간에 다시 달린다", title_en="Night buses return for exam season",
        body_ko="<p>총학생회는 시험 기간 동안 심야 버스를 다시 운행한다고 밝혔다.</p>",
        body_en="<p>The student council says night buses will run again during exams.</p>",
    )  # fmt: skip
    story.tags.set([Tag.objects.create(name_ko="교통", name_en="Transport", slug="transport")])
    return story


@pytest.fixture
def people(db):
    """The comment's author, and two readers who reply, recommend and report."""
    return {
        "author": make_commenter("minji", "민지"),
        "replier": make_commenter("seojun", "서준"),
        "voter": make_commenter("jiwoo", "지우"),
    }


def conversation(story, people, number, *, replies=0) -> Comment:
    """A thread by the author, posted seconds ago (with microseconds), recommended and reported by the others,
    with ``replies`` replies that are themselves recommended."""
    posted = timezone.now() - timedelta(seconds=5, microseconds=123_457 + number)
    thread = Comment.objects.create(
        article=story, author=people["author"], body=f"버스가 주말에도 다니나요? ({number})", created_at=posted
    )
    thread.set_recommendation(people["voter"], True)
    CommentReport.objects.create(comment=thread, reporter=people["voter"], reason=CommentReport.Reason.OTHER)
    for index in range(replies):
        answer = Comment.objects.create(
            article=story, author=people["replier"], parent=thread, body=f"토요일만요 {index}",
            created_at=posted + timedelta(microseconds=1 + index),
        )  # fmt: skip
        answer.set_recommendation(people["voter"], True)
    return thread


# What each person does: a request to send, through the real URLs, from a browser signed in as them.


def edit(comment, body="고쳐 쓴 글"):
    return lambda client: client.post(f"/comments/{comment.pk}/edit/", {"body": body})


def delete(comment):
    return lambda client: client.post(f"/comments/{comment.pk}/delete/")


def reply(comment, body="저도 궁금해요"):
    return lambda client: client.post(f"/comments/{comment.pk}/replies/", {"body": body})


def recommend(comment):
    return lambda client: client.post(
        f"/comments/{comment.pk}/recommend/", {"recommended": "1"}, HTTP_ACCEPT="application/json"
    )


def report(comment):
    return lambda client: client.post(f"/comments/{comment.pk}/report/", {"reason": "spam", "details": "광고 같아요"})


def hide_on_its_page(comment):
    return lambda client: client.post(f"/admin/articles/comment/{comment.pk}/change/", {"_hide": "1"})


def hide_in_the_list(comment):
    return lambda client: client.post(
        "/admin/articles/comment/", {"action": "hide_comments", "_selected_action": [comment.pk]}
    )


def edit_photo(photo):
    return lambda client: client.post(f"/admin/articles/photo/{photo.pk}/change/", photo_form("", credit="박사진"))


def delete_photo(photo):
    return lambda client: client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})


def counts_are_right(story):
    """Each stored count equals what the rows say; no recommendation or report hangs on a placeholder."""
    story.refresh_from_db()
    assert story.comment_count == Comment.objects.visible().filter(article=story).count()
    for comment in Comment.objects.filter(article=story):
        assert comment.reply_count == comment.replies.filter(status=Comment.Status.PUBLISHED).count()
        assert comment.recommendation_count == comment.recommendations.count()
    placeholders = Comment.objects.filter(status=Comment.Status.DELETED)
    assert not CommentRecommendation.objects.filter(comment__in=placeholders).exists()
    assert not CommentReport.objects.filter(comment__in=placeholders).exists()
    assert not placeholders.exclude(body="", author=None).exists()
    # A placeholder stays only while it has replies; a reply never outlives its thread.
    assert not placeholders.filter(replies=None).exists()


def small_image() -> bytes:
    """A photo that still gets renditions, made quickly: the races make twenty."""
    return image_bytes(size=(800, 533))


def private(name) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / name


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# What the races rely on, one request after another


def test_saving_a_copy_of_a_deleted_comment_does_not_bring_it_back(story, people):
    thread = conversation(story, people, 0)
    copy = Comment.objects.get(pk=thread.pk)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    copy.body = "Brought back?"
    with pytest.raises(Comment.DoesNotExist):
        copy.save()

    assert not Comment.objects.filter(pk=thread.pk).exists()
    counts_are_right(story)


def test_saving_a_copy_of_a_deleted_thread_does_not_give_its_placeholder_the_text_back(story, people):
    thread = conversation(story, people, 0, replies=1)
    copy = Comment.objects.get(pk=thread.pk)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    with pytest.raises(Comment.DoesNotExist):
        copy.save()

    thread.refresh_from_db()
    assert (thread.status, thread.body, thread.author) == (Comment.Status.DELETED, "", None)
    counts_are_right(story)


def test_an_edit_of_a_comment_deleted_in_another_tab_is_not_found_and_keeps_the_text(story, people):
    author = signed_in(people["author"])
    thread = conversation(story, people, 0)
    assert author.get(f"/comments/{thread.pk}/edit/").status_code == 200
    delete(thread)(signed_in(people["author"]))

    response = edit(thread, "고쳐 쓴 댓글\n두 줄")(author)

    assert response.status_code == 404
    page = response.content.decode()
    assert EDIT_OF_DELETED_KO in page
    assert ">고쳐 쓴 댓글\n두 줄</textarea>" in page
    assert not Comment.objects.filter(pk=thread.pk).exists()


def test_a_second_delete_is_not_found_and_says_so(story, people):
    author = signed_in(people["author"])
    thread = conversation(story, people, 0, replies=1)

    assert delete(thread)(author).status_code == 302
    response = delete(thread)(author)

    assert response.status_code == 404
    assert ALREADY_DELETED_KO in response.content.decode()


def test_a_delete_repeated_in_english_is_not_found_in_english(story, people):
    author = signed_in(people["author"])
    thread = conversation(story, people, 0)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    response = author.post(f"/en/comments/{thread.pk}/delete/")

    assert response.status_code == 404
    assert "This comment was already deleted." in response.content.decode()


def test_a_reply_to_a_thread_deleted_meanwhile_is_refused_with_its_text_kept(story, people):
    thread = conversation(story, people, 0)
    copy = Comment.objects.get(pk=thread.pk)  # as the reply view loaded it
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    with pytest.raises(Comment.DoesNotExist):
        Comment(article=story, author=people["replier"], parent=copy, body="늦은 답글").save()

    assert not Comment.objects.filter(body="늦은 답글").exists()
    counts_are_right(story)


def test_a_reply_to_a_deleted_placeholder_is_refused(story, people):
    thread = conversation(story, people, 0, replies=1)
    copy = Comment.objects.get(pk=thread.pk)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    with pytest.raises(Comment.DoesNotExist):
        Comment(article=story, author=people["voter"], parent=copy, body="늦은 답글").save()

    assert thread.replies.count() == 1
    counts_are_right(story)


def test_a_recommendation_of_a_comment_deleted_meanwhile_is_not_found_even_as_a_placeholder(story, people):
    thread = conversation(story, people, 0, replies=1)
    copy = Comment.objects.get(pk=thread.pk)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    with pytest.raises(Comment.DoesNotExist):
        copy.set_recommendation(make_commenter("late"), True)

    assert not CommentRecommendation.objects.filter(comment_id=thread.pk).exists()


def test_a_report_of_a_comment_deleted_meanwhile_leaves_no_row(story, people):
    thread = conversation(story, people, 0, replies=1)
    copy = Comment.objects.get(pk=thread.pk)
    delete_for_good(Comment.objects.filter(pk=thread.pk))

    with pytest.raises(Comment.DoesNotExist):
        CommentReport.objects.create(comment=copy, reporter=make_commenter("late"))

    assert not CommentReport.objects.filter(comment_id=thread.pk).exists()


def test_an_edit_of_a_photos_caption_keeps_its_files_and_leaves_none_open(editor_client, editor):
    photo = make_photo(small_image(), caption_en="Lanterns over the square", uploaded_by=editor)
    files = [stored(rendition["name"]) for rendition in photo.renditions] + [private(photo.original.name)]

    assert edit_photo(photo)(editor_client).status_code == 302

    photo.refresh_from_db()
    assert photo.credit == "박사진"
    assert all(path.exists() for path in files)
    gc.collect()  # an original left open would warn here, and the warning is an error


def test_saving_a_copy_of_a_deleted_photo_does_not_bring_it_back(editor):
    photo = make_photo(caption_en="Lanterns over the square", uploaded_by=editor)
    copy = Photo.objects.get(pk=photo.pk)
    photo.delete()

    copy.caption_en = "Brought back?"
    with pytest.raises(Photo.DoesNotExist):
        copy.save()

    assert not Photo.objects.exists()


# Races: real requests at the same moment, ten rounds each


@concurrent
def test_an_edit_and_a_delete_at_the_same_moment_never_bring_the_comment_back(story, people):
    author = people["author"]
    for number in range(ROUNDS):
        thread = conversation(story, people, number)
        edited, deleted = at_once([(author, edit(thread)), (author, delete(thread))])

        assert deleted.status_code == 302
        assert edited.status_code in (302, 404)
        if edited.status_code == 404:
            assert EDIT_OF_DELETED_KO in edited.content.decode()
        assert not Comment.objects.filter(pk=thread.pk).exists(), f"round {number}: the edit brought it back"
        counts_are_right(story)


@concurrent
def test_an_edit_racing_the_delete_of_a_thread_leaves_only_its_placeholder(story, people):
    author = people["author"]
    for number in range(ROUNDS):
        thread = conversation(story, people, number, replies=2)
        edited, deleted = at_once([(author, edit(thread)), (author, delete(thread))])

        assert (deleted.status_code, edited.status_code in (302, 404)) == (302, True)
        thread.refresh_from_db()
        assert (thread.status, thread.body, thread.author, thread.edited_at) == (Comment.Status.DELETED, "", None, None)
        counts_are_right(story)


@concurrent
def test_of_two_deletes_at_the_same_moment_one_succeeds_and_the_other_is_not_found(story, people):
    author = people["author"]
    for number in range(ROUNDS):
        thread = conversation(story, people, number, replies=number % 2)
        answers = at_once([(author, delete(thread)), (author, delete(thread))])

        assert sorted(answer.status_code for answer in answers) == [302, 404], f"round {number}"
        refused = next(answer for answer in answers if answer.status_code == 404)
        assert ALREADY_DELETED_KO in refused.content.decode()
        counts_are_right(story)


@concurrent
def test_a_reply_racing_the_delete_of_its_thread_leaves_no_orphan(story, people):
    for number in range(ROUNDS):
        thread = conversation(story, people, number)
        replier = make_commenter(f"replier{number}")  # one each: a reader may post only three a minute
        replied, deleted = at_once([(replier, reply(thread)), (people["author"], delete(thread))])

        assert deleted.status_code == 302
        assert replied.status_code in (302, 404)
        if replied.status_code == 404:
            assert "저도 궁금해요</textarea>" in replied.content.decode()  # the reply's text, to post again
            assert not Comment.objects.filter(pk=thread.pk).exists()
        else:  # the reply came first: the thread stays as its placeholder
            assert Comment.objects.get(pk=thread.pk).status == Comment.Status.DELETED
        counts_are_right(story)


@concurrent
def test_recommendations_racing_a_delete_leave_nothing_behind(story, people):
    voters = [make_commenter(f"voter{number}") for number in range(3)]
    for number in range(ROUNDS):
        thread = conversation(story, people, number, replies=number % 2)
        *recommended, deleted = at_once(
            [(voter, recommend(thread)) for voter in voters] + [(people["author"], delete(thread))]
        )

        assert deleted.status_code == 302
        for answer in recommended:
            assert answer.status_code in (200, 404), f"round {number}: {answer.status_code}"
            if answer.status_code == 404:
                assert answer.json() == {"error": "삭제되었거나 숨겨진 댓글이라 추천할 수 없습니다."}
        counts_are_right(story)


@concurrent
def test_reports_racing_a_delete_leave_nothing_behind(story, people):
    reporters = [make_commenter(f"reporter{number}") for number in range(3)]
    for number in range(ROUNDS):
        thread = conversation(story, people, number, replies=number % 2)
        *reported, deleted = at_once(
            [(reporter, report(thread)) for reporter in reporters] + [(people["author"], delete(thread))]
        )

        assert deleted.status_code == 302
        assert {answer.status_code for answer in reported} <= {302, 404}, f"round {number}"
        assert not CommentReport.objects.filter(comment_id=thread.pk).exists()
        counts_are_right(story)


@concurrent
def test_an_editor_hiding_a_comment_while_its_author_edits_it_keeps_it_hidden(story, people, editor):
    # A newsroom's long list of blocked words: an edit checks them all, between reading the comment and saving it.
    BlockedPhrase.objects.bulk_create(BlockedPhrase(phrase=f"광고문구{number}") for number in range(5000))
    for number in range(ROUNDS):
        thread = conversation(story, people, number)
        hidden, edited = at_once([(editor, hide_in_the_list(thread)), (people["author"], edit(thread))])

        assert hidden.status_code == 302
        assert edited.status_code in (302, 409)
        thread.refresh_from_db()
        assert thread.status == Comment.Status.HIDDEN, f"round {number}: the edit brought the comment back"
        counts_are_right(story)


def editor_acts_while_the_author_deletes(story, people, editor, action):
    """Ten rounds of the editor's ``action`` at the moment the author deletes the comment, against a comment with a
    reply or without; then the editor restores it. Nothing may bring it back."""
    for number in range(ROUNDS):
        thread = conversation(story, people, number, replies=number % 2)
        at_once([(editor, action(thread)), (people["author"], delete(thread))])
        moderation.restore(Comment.objects.filter(pk=thread.pk), by=editor)

        if number % 2:
            thread.refresh_from_db()
            assert (thread.status, thread.body) == (Comment.Status.DELETED, ""), f"round {number}"
        else:
            assert not Comment.objects.filter(pk=thread.pk).exists(), f"round {number}: brought back"
        counts_are_right(story)


@concurrent
def test_an_editor_hiding_a_comment_on_its_page_as_its_author_deletes_it_never_brings_it_back(story, people, editor):
    editor_acts_while_the_author_deletes(story, people, editor, hide_on_its_page)


@concurrent
def test_an_editor_hiding_a_comment_in_the_list_as_its_author_deletes_it_never_brings_it_back(story, people, editor):
    editor_acts_while_the_author_deletes(story, people, editor, hide_in_the_list)


@concurrent
def test_an_edit_of_a_photo_and_its_delete_at_the_same_moment_leave_no_photo_and_no_files(editor):
    other_editor = make_user("deskeditor", "Editors")
    for number in range(ROUNDS):
        photo = make_photo(small_image(), caption_en=f"Lanterns over the square, night {number}", uploaded_by=editor)
        files = [stored(rendition["name"]) for rendition in photo.renditions] + [private(photo.original.name)]
        edited, deleted = at_once([(editor, edit_photo(photo)), (other_editor, delete_photo(photo))])

        assert (edited.status_code, deleted.status_code) == (302, 302)
        assert not Photo.objects.filter(pk=photo.pk).exists(), f"round {number}: the edit brought the photo back"
        assert not any(path.exists() for path in files)


@concurrent
def test_of_two_deletes_of_a_photo_at_the_same_moment_one_deletes_and_the_other_is_not_found(editor):
    other_editor = make_user("deskeditor", "Editors")
    for number in range(ROUNDS):
        photo = make_photo(small_image(), caption_en=f"Lanterns over the square, night {number}", uploaded_by=editor)
        answers = at_once([(editor, delete_photo(photo)), (other_editor, delete_photo(photo))])

        # The one that found it gone goes where the admin sends any missing object, with its message.
        assert sorted(answer["Location"] for answer in answers) == ["/admin/", "/admin/articles/photo/"], number
        assert not Photo.objects.filter(pk=photo.pk).exists()
