"""Mail goes out after the change it tells about commits, waits while the mail server is down, and goes once."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from articles.models import OutgoingMail
from articles.outbox import send_due_mail, send_later


@pytest.fixture
def mail_template(settings, tmp_path):
    """A mail of the test's own, in subject, text and HTML, with a word the catalogues translate."""
    folder = tmp_path / "mail_templates"
    (folder / "test").mkdir(parents=True)
    (folder / "test" / "hello_subject.txt").write_text("{% load i18n %}\n{% translate 'Draft' %}: {{ title }}\n")
    (folder / "test" / "hello.txt").write_text("{% load i18n %}{% translate 'Draft' %}\n{{ title }}\n")
    (folder / "test" / "hello.html").write_text("<p>{{ title }}</p>\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return "test/hello"


def queue(template, title="신입생 <환영>", language="ko"):
    return send_later(to="reporter@ktnews.example", template=template, context={"title": title}, language=language)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_goes_out_once_its_transaction_commits_in_the_recipients_language(own_smtp, mail_template):
    with transaction.atomic():
        mail = queue(mail_template)
        assert own_smtp.messages == []  # not before the commit
    (message,) = own_smtp.messages
    assert message["Subject"] == "[KT 뉴스] 작성중: 신입생 <환영>"  # the paper's name in the reader's language
    assert message["To"] == "reporter@ktnews.example"
    text, html = (part.get_content() for part in message.iter_parts())
    assert text.splitlines()[:2] == ["작성중", "신입생 <환영>"]  # plain text is not escaped
    assert "<p>신입생 &lt;환영&gt;</p>" in html
    mail.refresh_from_db()
    assert mail.sent_at is not None
    assert mail.attempts == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_that_queues_many_mails_while_the_server_is_down_waits_for_it_once(own_smtp, mail_template):
    own_smtp.stop()
    with transaction.atomic():
        mails = [queue(mail_template, title=f"기사 {number}") for number in range(5)]
    attempts = sorted(
        OutgoingMail.objects.filter(pk__in=[mail.pk for mail in mails]).values_list("attempts", flat=True)
    )
    assert attempts == [0, 0, 0, 0, 1]  # one try; the rest wait for the timer, not for four more timeouts
    own_smtp.start()
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        call_command("send_queued_mail")
    assert len(own_smtp.messages) == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_of_a_change_that_rolled_back_is_never_sent(own_smtp, mail_template):
    def failing_save():
        with transaction.atomic():
            queue(mail_template)
            raise RuntimeError("the save failed")

    with pytest.raises(RuntimeError):
        failing_save()
    assert own_smtp.messages == []
    assert not OutgoingMail.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_the_mail_server_is_down_mail_waits_and_the_timer_sends_it_later_once(own_smtp, mail_template):
    own_smtp.stop()
    with transaction.atomic():
        mail = queue(mail_template, language="en")  # the commit's attempt fails: the save does not
    mail.refresh_from_db()
    assert (mail.sent_at, mail.attempts) == (None, 1)
    assert "Connection" in mail.last_error
    own_smtp.start()
    call_command("send_queued_mail")
    assert own_smtp.messages == []  # its retry is not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        call_command("send_queued_mail")
        call_command("send_queued_mail")
    (message,) = own_smtp.messages
    assert message["Subject"] == "[KT News] Draft: 신입생 <환영>"


@pytest.mark.django_db
def test_a_mail_the_server_keeps_refusing_is_given_up_after_its_last_retry(settings, mail_template):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False  # discard: refused
    mail = queue(mail_template)
    moment = timezone.now()
    for _attempt in range(7):
        moment += timedelta(hours=13)
        with time_machine.travel(moment):
            send_due_mail()
    mail.refresh_from_db()
    assert (mail.given_up, mail.attempts) == (True, 7)
    assert not OutgoingMail.objects.due(moment + timedelta(days=30)).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_senders_at_the_same_moment_send_each_mail_once(own_smtp, mail_template):
    own_smtp.stop()
    with transaction.atomic():
        for number in range(20):
            queue(mail_template, title=f"기사 {number}")
    OutgoingMail.objects.update(next_attempt_at=timezone.now(), attempts=0)
    own_smtp.start()
    start = threading.Barrier(3)

    def sender():
        start.wait()
        try:
            send_due_mail()
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    titles = sorted(message.get_body(("plain",)).get_content().splitlines()[1] for message in own_smtp.messages)
    assert titles == sorted(f"기사 {number}" for number in range(20))
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 20
