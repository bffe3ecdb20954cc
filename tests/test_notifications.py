"""Each workflow step tells the people it concerns, on their desk and by mail in their language, never the person
who acted; the mail goes through the outbox, so a mail server that is down neither blocks nor fails the step."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, NewsroomPreferences, Notification, OutgoingMail
from tests.admin_forms import confirmed, story_form_data
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

SITE = "https://news.example.ac.kr"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def chief(db):
    """A second editor, who reads the newsroom in English."""
    chief = make_user("chief", "Editors")
    NewsroomPreferences.objects.create(user=chief, language="en")
    return chief


@pytest.fixture
def story(section, reporter, other_reporter):
    """A Korean-first story by two reporters, created by the first; its headline has characters HTML escapes."""
    return make_article(
        section, reporter, other_reporter, created_by=reporter.user,
        title_ko="총학생회 <선거> 연기", title_en="Student council <election> postponed",
    )  # fmt: skip


def mails_to() -> dict:
    """The outbox: recipient → (subject, text), one mail each."""
    mails = {}
    for mail in OutgoingMail.objects.order_by("pk"):
        assert mail.to not in mails, f"two mails to {mail.to}"
        mails[mail.to] = (mail.subject, mail.text, mail.html, mail.language)
    return mails


def told(event_action) -> set[str]:
    return set(Notification.objects.filter(event__action=event_action).values_list("recipient__username", flat=True))


def test_a_submission_tells_each_active_editor_in_their_language_and_not_the_reporter(
    reporter_client, story, editor, chief, own_smtp, django_capture_on_commit_callbacks
):
    retired = make_user("retired_editor", "Editors")
    retired.is_active = False
    retired.save()
    mailless = make_user("mailless_editor", "Editors")
    mailless.email = ""
    mailless.save()

    with django_capture_on_commit_callbacks(execute=True):
        response = reporter_client.post(change_url(story), story_form_data(story, _submit_for_review="1"))

    assert response.status_code == 302
    assert told("submitted") == {"editor", "chief", "mailless_editor"}  # a desk entry even without an address
    mails = mails_to()
    assert set(mails) == {"editor@example.com", "chief@example.com"}
    subject, text, html, language = mails["editor@example.com"]
    assert (subject, language) == ("[KT 뉴스] 검토 요청: 총학생회 <선거> 연기", "ko")
    assert "황민준 님이 “총학생회 <선거> 연기” 기사의 검토를 요청했습니다." in text
    assert f"{SITE}/admin/articles/article/{story.pk}/change/" in text
    assert "총학생회 &lt;선거&gt; 연기" in html
    assert f'href="{SITE}/admin/articles/article/{story.pk}/change/"' in html
    subject, text, html, language = mails["chief@example.com"]
    assert (subject, language) == ("[KT News] In review: Student council <election> postponed", "en")
    assert "Hwang Min-jun submitted “Student council <election> postponed” for review." in text
    assert "approve and publish it, or return it to the reporter" in text
    assert f"{SITE}/en/admin/articles/article/{story.pk}/change/" in text
    assert f"{SITE}/en/admin/articles/notification/preferences/" in text
    assert sorted(message["To"] for message in own_smtp.messages) == ["chief@example.com", "editor@example.com"]
    message = next(message for message in own_smtp.messages if message["To"] == "chief@example.com")
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]


def test_a_return_tells_the_stories_reporters_with_the_note_and_not_the_editors(
    editor_client, story, editor, chief, reporter, other_reporter
):
    story.submit_for_review(by=reporter.user)
    OutgoingMail.objects.all().delete()

    response = editor_client.post(
        change_url(story), story_form_data(story, review_note="취재원 두 명을 더 확인하세요.", _return="1")
    )

    assert response.status_code == 302
    assert told("returned") == {"reporter", "colleague"}
    mails = mails_to()
    assert set(mails) == {"reporter@example.com", "colleague@example.com"}
    subject, text, _html, _language = mails["reporter@example.com"]
    assert subject == "[KT 뉴스] 반려: 총학생회 <선거> 연기"
    assert "취재원 두 명을 더 확인하세요." in text
    assert "수정한 뒤 다시 검토를 요청하세요" in text


def test_publishing_tells_the_reporters_with_the_editors_note_from_the_confirmation(editor_client, story, reporter):
    story.submit_for_review(by=reporter.user)
    OutgoingMail.objects.all().delete()
    NewsroomPreferences.objects.create(user=reporter.user, language="en")

    form = {**story_form_data(story), **confirmed("_publish"), "_workflow_note": "Great sourcing. Lead tomorrow."}
    assert editor_client.post(change_url(story), form).status_code == 302

    story.refresh_from_db()
    assert story.is_public
    subject, text, _html, _language = mails_to()["reporter@example.com"]
    assert subject == "[KT News] Published: Student council <election> postponed"
    assert "it is on the site now" in text
    assert "Great sourcing. Lead tomorrow." in text
    assert told("published") == {"reporter", "colleague"}


def test_scheduling_tells_the_reporters_when_the_story_will_be_public(editor_client, story, reporter):
    story.submit_for_review(by=reporter.user)
    OutgoingMail.objects.all().delete()

    with time_machine.travel("2026-12-04 14:05:30.123456 +0900", tick=False):
        form = story_form_data(story, published_at_0="2026-12-05", published_at_1="09:00:00", **confirmed("_publish"))
        assert editor_client.post(change_url(story), form).status_code == 302

    subject, text, _html, _language = mails_to()["reporter@example.com"]
    assert subject == "[KT 뉴스] 예약: 총학생회 <선거> 연기"
    assert "2026년 12월 5일 9:00 오전에 공개됩니다" in text


def test_a_person_who_turned_mails_off_is_told_on_the_desk_only(client, story, reporter, editor):
    client.force_login(reporter.user)
    response = client.post(
        "/admin/articles/notification/preferences/", {"language": "ko"}
    )  # the box unticked: no e-mail
    assert response.status_code == 302
    assert NewsroomPreferences.objects.get(user=reporter.user).email_notifications is False

    story.submit_for_review(by=reporter.user)
    story.return_to_reporter(by=editor, note="Add the date of the new vote.")

    assert "reporter@example.com" not in mails_to()
    assert "colleague@example.com" in mails_to()
    assert told("returned") == {"reporter", "colleague"}


def test_nobody_is_told_of_their_own_step(section, editor, chief, reporter):
    by_the_editor = make_article(section, reporter, created_by=editor)
    by_the_editor.submit_for_review(by=editor)  # an editor may send their own story to the desk
    assert told("submitted") == {"chief"}

    by_the_editor.return_to_reporter(by=editor, note="Wrong section.")
    assert told("returned") == {"reporter"}  # the byline's reporter; the editor who created it returned it
    assert "editor@example.com" not in {mail.to for mail in OutgoingMail.objects.filter(subject__contains="반려")}


def test_with_the_mail_server_down_publishing_succeeds_and_its_mail_goes_later_once(
    editor_client, story, reporter, own_smtp, django_capture_on_commit_callbacks
):
    story.submit_for_review(by=reporter.user)
    OutgoingMail.objects.all().delete()  # the editors' mail of the submission
    own_smtp.stop()

    with django_capture_on_commit_callbacks(execute=True):  # the outbox tries at once, after the commit
        response = editor_client.post(change_url(story), {**story_form_data(story), **confirmed("_publish")})

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    waiting = OutgoingMail.objects.waiting()
    assert sorted(waiting.values_list("to", flat=True)) == ["colleague@example.com", "reporter@example.com"]
    assert sum(waiting.values_list("attempts", flat=True)) == 1  # the second was left to the timer at once
    own_smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        call_command("send_queued_mail")
        call_command("send_queued_mail")
    assert sorted(message["To"] for message in own_smtp.messages) == ["colleague@example.com", "reporter@example.com"]
    assert not OutgoingMail.objects.waiting().exists()


def test_a_reporters_staged_edit_tells_the_editors_once_and_its_publication_tells_the_reporters(
    reporter_client, editor_client, story, editor, chief, reporter, other_reporter
):
    from articles.models import StoryEvent

    story.publish(by=editor)
    OutgoingMail.objects.all().delete()
    live = Article.objects.get(pk=story.pk)
    data = story_form_data(live, title_en="Student council <election> postponed to May")
    reporter_client.post(change_url(live), {**data, "_stage": "Save as staged edit"})
    reporter_client.post(change_url(live), {**data, "title_ko": "총학생회 선거 5월로", "_stage": "Save as staged edit"})

    assert told(StoryEvent.Action.STAGED) == {editor.username, chief.username}  # once, not per save
    mails = mails_to()
    subject, text, _html, language = mails[chief.email]
    assert (subject, language) == ("[KT News] Staged edit to review: Student council <election> postponed", "en")
    assert f"{SITE}/en/admin/articles/article/{story.pk}/staged-edit/" in text.splitlines()  # on a line of its own
    assert reporter.user.email not in mails  # not the reporter who staged it

    OutgoingMail.objects.all().delete()
    version = Article.objects.get(pk=story.pk).version
    editor_client.post(f"/admin/articles/article/{story.pk}/staged-edit/", {"version": version, "_publish_staged": "1"})
    assert told(StoryEvent.Action.STAGED_PUBLISHED) == {reporter.user.username, other_reporter.user.username}
    subject, _text, _html, _language = mails_to()[reporter.user.email]
    assert subject == "[KT 뉴스] 수정안 게시: 총학생회 선거 5월로"
