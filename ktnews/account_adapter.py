"""The site's rules where django-allauth asks for them: readers' sign-in, sign-up and password reset.

- The reader's address is the one ktnews.client_ip trusts, so allauth's own rate limits (sign-in, sign-up,
  password reset per address) count readers, not the proxy in front of every one of them.
- Sign-in meets the guard the admin's does (ktnews.signin_guard).
- Addresses are kept in one spelling (ktnews.accounts.canonical_email), and mail about an account goes
  only to the address the account has stored, never to the spelling someone typed.
- Mail that cannot be sent is a MailNotSent the views answer with a message, not a server error.
- A redirect after sign-in never leaves HTTPS for plain HTTP.
"""

import logging
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection

from ktnews.accounts import canonical_email
from ktnews.client_ip import client_ip
from ktnews.signin_guard import refusal

logger = logging.getLogger(__name__)


class MailNotSent(Exception):
    """The mail server did not take a message (refused, unreachable, timed out)."""


def served_over_https(request) -> bool:
    """This request came over HTTPS, or the site sends every request there (a plain-HTTP page is a downgrade)."""
    return request.is_secure() or settings.SECURE_SSL_REDIRECT


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        if message := refusal(request, credentials):
            raise forms.ValidationError(message, code="signin_paused")

    def is_safe_url(self, url: str) -> bool:
        if url and served_over_https(self.request) and urlsplit(url.strip()).scheme.lower() == "http":
            return False
        return super().is_safe_url(url)

    def clean_email(self, email: str) -> str:
        return canonical_email(super().clean_email(email))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:  # smtplib's errors are OSErrors, as are a refused or timed-out connection
            logger.warning("The mail server did not take %s: %s", template_prefix, error)
            raise MailNotSent from error

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        if stored := stored_address(user, email):
            super().send_password_reset_mail(user, stored, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        if stored := address_on_record(email):
            super().send_account_already_exists_mail(stored)


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
