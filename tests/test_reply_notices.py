"""답글 알림 (reply notices): the bell's count, the page of replies marked read when seen, the newsroom's answers,
and the optional e-mail for each reply. Held, hidden and deleted replies never count."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from articles import moderation
from articles.models import Article, BlockedPhrase, Comment, OutgoingMail, ReaderProfile, delete_for_good
from articles.reply_notices import unread_reply_count
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db

START = datetime(2026, 12, 4, 1, 0, 0, 250000, tzinfo=UTC)


@pytest.fixture
def story(section, reporter):
    return make_article(
        section,
        reporter,
        status=Article.Status.PUBLISHED,
        title_ko="심야버스 다시 달린다",
        title_en="Night buses return",
        # Before the fixed times the tests travel to, whenever they run.
        published_at=datetime(2026, 11, 30, 23, 0, 0, 500000, tzinfo=UTC),
    )


@pytest.fixture
def replier(db):
    return make_commenter("seojun", "서준")


@pytest.fixture
def thread(story, commenter):
    return Comment.objects.create(article=story, author=commenter, body="주말에도 운행하나요?", created_at=START)


def reply_to(thread, author, body, minutes, **fields):
    return Comment.objects.create(
        article=thread.article, author=author, parent=thread, body=body, created_at=START + timedelta(minutes=minutes),
        **fields,
    )  # fmt: skip


def bell(client, language=""):
    """The bell's count as the header shows it ("" when none), and its accessible name."""
    page = client.get(f"{language}/").content.decode()
    link = re.search(r'<a class="reply-bell[^"]*" href="([^"]+)" data-reply-bell\s+aria-label="([^"]+)">', page)
    count = re.search(r"data-reply-bell-count>([^<]+)<", page)
    return (count.group(1) if count else ""), link.group(2), link.group(1)


def test_the_bell_counts_unread_replies_and_the_page_lists_them_newest_first_then_marks_them_read(
    commenter_client, commenter, thread, replier
):
    ReaderProfile.objects.filter(user=commenter).update(replies_seen_at=START)
    reply_to(thread, replier, "네, 토요일까지요.", 3)
    reply_to(thread, replier, "일요일은 안 한대요.", 7)
    reply_to(thread, commenter, "감사합니다!", 8)  # one's own reply is no news

    with time_machine.travel(START + timedelta(minutes=10), tick=False):
        assert bell(commenter_client) == ("2", "답글 알림: 새 답글 2개", "/accounts/replies/")
        assert bell(commenter_client, "/en") == ("2", "Replies: 2 new", "/en/accounts/replies/")
        page = commenter_client.get("/accounts/replies/").content.decode()

        assert page.index("일요일은 안 한대요.") < page.index("네, 토요일까지요.")
        assert "감사합니다!" not in page
        assert page.count("새 답글</span>") == 2
        assert "내 댓글 “주말에도 운행하나요?”에 단 답글" in page
        assert "7분 전" in page
        assert bell(commenter_client) == ("", "답글 알림: 새 답글 없음", "/accounts/replies/")
        english = commenter_client.get("/en/accounts/replies/").content.decode()
    assert "In reply to your comment “주말에도 운행하나요?”" in english
    assert "Night buses return" in english
    assert "New</span>" not in english  # seen now


def test_the_newsrooms_answer_in_a_thread_the_reader_replied_in_is_a_notice(
    client, story, commenter, replier, reporter_user
):
    someone_elses = Comment.objects.create(article=story, author=replier, body="배차 간격은요?", created_at=START)
    too_early = reply_to(someone_elses, reporter_user, "기사에 곧 추가합니다.", 1)
    reply_to(someone_elses, commenter, "저도 궁금합니다.", 2)
    answer = reply_to(someone_elses, reporter_user, "평일 20분, 주말 30분입니다.", 5)
    reply_to(someone_elses, make_commenter("jiwoo", "지우"), "고마워요", 6)  # a reader's reply there is not for me
    ReaderProfile.objects.filter(user=commenter).update(replies_seen_at=START)

    assert list(Comment.objects.reply_notices_for(commenter)) == [answer]
    assert too_early not in Comment.objects.reply_notices_for(commenter)
    client.force_login(commenter)
    page = client.get("/accounts/replies/").content.decode()
    assert "평일 20분, 주말 30분입니다." in page
    assert '<span class="comment__badge comment__badge--newsroom">기자</span>' in page
    assert "내가 답글을 단 댓글에서" in page
    assert "In a thread you replied to" in client.get("/en/accounts/replies/").content.decode()


def test_held_hidden_and_deleted_replies_never_count_and_a_held_one_counts_once_approved(
    commenter_client, commenter, thread, replier, editor
):
    BlockedPhrase.objects.create(phrase="바보")
    ReaderProfile.objects.filter(user=commenter).update(replies_seen_at=START)
    hidden = reply_to(thread, replier, "곧 숨겨질 답글", 1)
    deleted = reply_to(thread, replier, "곧 지울 답글", 2)
    moderation.hide(Comment.objects.filter(pk=hidden.pk), by=editor)
    delete_for_good(Comment.objects.filter(pk=deleted.pk))
    replier_client = Client()
    replier_client.force_login(replier)
    replier_client.post(f"/comments/{thread.pk}/replies/", {"body": "바보 같은 질문"})
    held = Comment.objects.get(status=Comment.Status.HELD)

    assert unread_reply_count(commenter) == 0
    page = commenter_client.get("/accounts/replies/").content.decode()  # seen: after the held reply was posted
    assert "바보 같은 질문" not in page
    assert "곧 숨겨질 답글" not in page

    moderation.approve(Comment.objects.filter(pk=held.pk), by=editor)
    assert bell(commenter_client)[0] == "1"
    assert "바보 같은 질문" in commenter_client.get("/accounts/replies/").content.decode()


def test_the_count_and_the_page_cost_a_fixed_number_of_queries_however_many_replies(
    commenter_client, commenter, thread, replier, django_assert_num_queries
):
    """Guards the N+1s of the page (each reply's author, nickname, badge, story and comment replied to) and keeps
    the bell at one query. The page: session, account, profile, the replies, marking them read, the bell, sections."""
    ReaderProfile.objects.filter(user=commenter).update(replies_seen_at=START)
    for number in range(25):
        reply_to(thread, make_commenter(f"reader{number}"), f"답글 {number}", number + 1)
    profile = ReaderProfile.objects.select_related("user").get(user=commenter)

    with django_assert_num_queries(1):
        assert unread_reply_count(profile.user) == 25
    with django_assert_num_queries(7):
        first = commenter_client.get("/accounts/replies/")
    assert first.content.decode().count('class="comment reply-notice') == 20
    older = first.context["page"].next_cursor
    rest = commenter_client.get("/accounts/replies/", {"older": older}).content.decode()
    assert rest.count('class="comment reply-notice') == 5
    assert "답글 0" in rest


# The e-mail


def test_reply_mail_is_off_by_default_and_written_in_the_language_the_reader_chose_it_in(
    client, commenter, thread, replier, story, editor
):
    replier_client = Client()
    replier_client.force_login(replier)
    replier_client.post(f"/comments/{thread.pk}/replies/", {"body": "네, 토요일까지요."})
    assert not OutgoingMail.objects.exists()

    client.force_login(commenter)
    account = client.get("/en/accounts/profile/").content.decode()
    assert '<input type="checkbox" name="reply_mail" id="reply-mail">' in account
    assert client.post("/en/accounts/replies/mail/", {"reply_mail": "on"})["Location"] == "/en/accounts/profile/"
    assert (
        ReaderProfile.objects.get(user=commenter).reply_mail,
        ReaderProfile.objects.get(user=commenter).mail_language,
    ) == (
        True,
        "en",
    )
    replier_client.post(f"/en/comments/{thread.pk}/replies/", {"body": "And Sundays until midnight."})

    mail = OutgoingMail.objects.get()
    reply = Comment.objects.get(body="And Sundays until midnight.")
    assert mail.to == commenter.email
    assert mail.subject == "[KT News] 서준 replied to your comment"
    assert "Hello 민지," in mail.text
    assert "서준 replied on “Night buses return”:" in mail.text
    assert "And Sundays until midnight." in mail.text
    assert f"\nhttp://testserver/en/comments/{thread.pk}/replies/#comment-{reply.pk}\n" in mail.text
    assert "\nhttp://testserver/en/accounts/profile/\n" in mail.text
    assert client.get("/accounts/my-data/").json()["account"]["reply_notices"]["e_mail_for_each_reply"] is True


def test_a_held_reply_is_mailed_when_approved_in_korean(commenter, thread, replier, editor):
    BlockedPhrase.objects.create(phrase="바보")
    ReaderProfile.objects.filter(user=commenter).update(reply_mail=True, mail_language="ko")
    replier_client = Client()
    replier_client.force_login(replier)
    replier_client.post(f"/en/comments/{thread.pk}/replies/", {"body": "바보 같은 질문은 없어요"})
    assert not OutgoingMail.objects.exists()

    moderation.approve(Comment.objects.filter(status=Comment.Status.HELD), by=editor)

    mail = OutgoingMail.objects.get()
    assert mail.subject == "[KT 뉴스] 서준님이 내 댓글에 답글을 달았습니다"
    assert "민지님, 안녕하세요." in mail.text
    assert "“심야버스 다시 달린다”" in mail.text
    assert "\n답글 보기:\nhttp" in mail.text


def test_reading_ones_replies_or_choosing_reply_mail_keeps_everyone_elses_cached_story_pages(
    client, commenter, story, thread, replier
):
    reply_to(thread, replier, "네, 주말에도 다닙니다.", minutes=1)
    anonymous = Client()
    page = f"/news/{story.pk}/{story.slug}/"
    assert anonymous.get(page).context is not None  # rendered, and kept
    assert anonymous.get(page).context is None  # from the page cache

    client.force_login(commenter)
    client.get("/accounts/replies/")
    client.post("/accounts/replies/mail/", {"reply_mail": "on"})

    assert anonymous.get(page).context is None  # still kept: nothing readers see changed
    ReaderProfile.objects.filter(user=replier).get().save()  # a nickname's save does change comment pages
    assert anonymous.get(page).context is not None
