"""Sending mail without making anyone wait for it: ``send_later`` queues a mail in the current transaction and
tries to send it once that commits; ``send_due_mail`` sends what waits (see articles.models.mail).

Mails are written when queued, in the recipient's language, so that the queue needs nothing but its rows.
"""

import contextlib
import logging
import smtplib
import socket
import time
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from articles.models.mail import OutgoingMail
from articles.models.site import site_name

logger = logging.getLogger(__name__)

#: What a mail server that is down, refusing or slow raises; anything else is a bug and is raised.
SENDING_FAILURES = (smtplib.SMTPException, OSError, socket.timeout)


def send_later(*, to: str, template: str, context: dict, language: str) -> OutgoingMail:
    """Queue the mail ``template`` (``<template>_subject.txt``, ``<template>.txt`` and, if it exists,
    ``<template>.html``) to ``to``, written in ``language``; it goes out after the current transaction commits
    (never if it rolls back)."""
    with translation.override(language):
        # What every reader's mail says at its foot (account/email/base_message.*), in the mail's language.
        context = {"site_name": site_name(), "site_url": f"{settings.SITE_URL}/", **context}
        subject = " ".join(_plain_text(f"{template}_subject.txt", context).split())
        text = _plain_text(f"{template}.txt", context)
        try:
            html = render_to_string(f"{template}.html", context)
        except TemplateDoesNotExist:
            html = ""
    with translation.override(language):
        subject = subject_with_site_name(subject)[:300]
    mail = OutgoingMail.objects.create(to=to, subject=subject, text=text, html=html, language=language)
    transaction.on_commit(lambda: _send_now_unless_server_failed(mail.pk), robust=True)
    return mail


#: After the mail server failed, this process leaves new mail to the timer for this long: a change that queues ten
#: mails while the server hangs waits for one timeout, not ten.
QUIET_AFTER_FAILURE_SECONDS = 60
_last_failure = {"at": float("-inf")}


def _send_now_unless_server_failed(pk) -> None:
    if time.monotonic() - _last_failure["at"] < QUIET_AFTER_FAILURE_SECONDS:
        return
    _sent, failed = send_due_mail(only=[pk])
    if failed:
        _last_failure["at"] = time.monotonic()


def sender_address() -> str:
    """DEFAULT_FROM_EMAIL's address under the paper's name in the active language ("KT 뉴스 <news@…>")."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return (
        f'"{site_name()}" <{address}>' if any(mark in site_name() for mark in '",<>@') else f"{site_name()} <{address}>"
    )


def subject_with_site_name(subject: str) -> str:
    """A mail's subject as every mail of the site begins: the paper's name, in the active language."""
    return f"[{site_name()}] {subject}"


def _plain_text(template_name: str, context: dict) -> str:
    """A plain-text template rendered without HTML escaping (a headline's "<" stays "<")."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_due_mail(*, only=None, limit: int = 500) -> tuple[int, int]:
    """Send up to ``limit`` mails that are due (or only the mails with these ids, if due): (sent, failed). Stops at
    the first failure, since a mail server that refused one mail will keep the others waiting for as long."""
    due = OutgoingMail.objects.due().order_by("next_attempt_at", "pk")
    if only is not None:
        due = due.filter(pk__in=only)
    # The ids first: no cursor stays open on the table while the mail server takes its time.
    ids = list(due.values_list("pk", flat=True)[:limit])
    sent = failed = 0
    connection = get_connection(fail_silently=False)
    try:
        for mail in _claimed(ids):
            try:
                _message(mail, connection).send()
            except SENDING_FAILURES as error:
                mail.mark_failed(error)
                logger.warning("Mail %s to the mail server failed (attempt %s): %s", mail.pk, mail.attempts, error)
                failed += 1
                break
            mail.mark_sent()
            sent += 1
    finally:
        with contextlib.suppress(SENDING_FAILURES):
            connection.close()
    return sent, failed


def _claimed(ids):
    """Each of these mails that this sender wins, as it is now (another sender may have taken or sent some)."""
    for pk in ids:
        if OutgoingMail.claim(pk):
            yield OutgoingMail.objects.get(pk=pk)


def _message(mail: OutgoingMail, connection) -> EmailMultiAlternatives:
    with translation.override(mail.language):
        sender = sender_address()
    message = EmailMultiAlternatives(mail.subject, mail.text, sender, to=[mail.to], connection=connection)
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message
