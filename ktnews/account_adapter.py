"""The site's rules where django-allauth asks for them: readers' sign-in, sign-up and password reset.

- The reader's address is the one ktnews.client_ip trusts, so allauth's own rate limits (sign-in, sign-up,
  password reset per address) count readers, not the proxy in front of every one of them.
- Sign-in meets the guard the admin's does (ktnews.signin_guard).
- Addresses are kept in one spelling (ktnews.spelling.canonical_email), and mail about an account goes
  only to the address the account has stored, never to the spelling someone typed.
- Mail that cannot be sent is a MailNotSent the views answer with a message, not a server error.
- A redirect after sign-in never leaves HTTPS for plain HTTP.
- Mails are the paper's: its name (SiteSettings) in the subject and sender, in the reader's language.
"""

import logging
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import get_connection
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from articles.models.site import site_name
from articles.outbox import sender_address, subject_with_site_name
from ktnews.client_ip import client_ip
from ktnews.signin_guard import refusal
from ktnews.spelling import canonical_email, folded

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server did not take a message (refused, unreachable, timed out)."""


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        if message := refusal(request, credentials):
            raise forms.ValidationError(message, code="signin_paused")

    def is_safe_url(self, url: str) -> bool:
        if not super().is_safe_url(url):
            return False
        # A page served over HTTPS never sends the reader on to plain HTTP, even on this host (the host was
        # checked above; Django's own parsing decides the scheme).
        host = {urlsplit(url).netloc}
        return not self.request.is_secure() or url_has_allowed_host_and_scheme(url, host, require_https=True)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if folded(email.upper()) != folded(email):
            # U+0131 (dotless i) is a letter of its own, yet upper-cases to I: databases that compare in upper
            # case (PostgreSQL's iexact) would take it for another reader's address.
            raise forms.ValidationError(
                _("Please type this address in plain Latin letters: some of its letters pass for others."),
                code="look_alike_email",
            )
        return canonical_email(email)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The verification link carries the page the reader signed up from, so that confirming in another browser
        (the phone's mail app) still ends there, once signed in."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        back_to = self.return_address(request)
        return f"{url}?{urlencode({'next': back_to})}" if back_to else url

    def get_email_verification_redirect_url(self, email_address) -> str:
        back_to = self.return_address(self.request)
        if self.request.user.is_authenticated:
            return back_to or super().get_email_verification_redirect_url(email_address)
        login = reverse("account_login")
        return f"{login}?{urlencode({'next': back_to})}" if back_to else login

    def return_address(self, request) -> str:
        """Where the reader was before signing up or in (the form's ``next``), if it is one of ours."""
        if request is None:
            return ""
        back_to = request.POST.get("next") or request.GET.get("next") or ""
        return back_to if back_to and self.is_safe_url(back_to) else ""

    def format_email_subject(self, subject: str) -> str:
        return subject_with_site_name(subject)

    def get_from_email(self) -> str:
        return sender_address()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The paper's name and the reader's nickname for the mail's greeting (account/email/base_message.*).
        context = {"site_name": site_name(), "site_url": self.request.build_absolute_uri("/"), **context}
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:  # smtplib's errors are OSErrors, as are a refused or timed-out connection
            logger.warning("The mail server did not take %s: %s", template_prefix, error)
            forget_verification_mail(self.request, email)
            raise MailNotSent from error

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        if stored := stored_address(user, email):
            super().send_password_reset_mail(user, stored, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        if stored := address_on_record(email):
            super().send_account_already_exists_mail(stored)


def forget_verification_mail(request, email: str) -> None:
    """allauth sends one verification mail per address every few minutes and skips the rest silently: one that
    never left must not count, or the reader's next sign-up would make the account and send nothing."""
    for rate in get_rates(app="allauth.account", action="confirm_email"):
        key = get_cache_key(request, app="allauth.account", action="confirm_email", rate=rate, key=email.lower())
        cache.delete(key)


def reach_mail_server() -> None:
    """Connect to the mail server and leave, as sending would, without sending anything."""
    try:
        with get_connection():
            pass
    except OSError as error:
        logger.warning("The mail server could not be reached: %s", error)
        raise MailNotSent from error


def address_on_record(typed: str) -> str | None:
    """The stored address, of whichever account, that the typed one stands for."""
    wanted = canonical_email(typed)
    on_record = EmailAddress.objects.filter(email=wanted).values_list("email", flat=True).first()
    return on_record or get_user_model()._default_manager.filter(email=wanted).values_list("email", flat=True).first()


def stored_address(user, typed: str) -> str | None:
    """The account's own stored address that the typed one stands for, if it has one."""
    wanted = canonical_email(typed)
    stored = [address.email for address in EmailAddress.objects.filter(user=user)] + [user.email]
    return next((address for address in stored if address and canonical_email(address) == wanted), None)
