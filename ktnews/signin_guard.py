"""Refusing password guessing, for readers' sign-in and the newsroom's admin alike.

Both ways in check before any password is looked at: readers' sign-in through
django-allauth's adapter, the newsroom's through the admin's login form. Failures
are counted in the shared cache per account (the name or email typed,
whether or not such an account exists, so a refusal tells nothing about who has
one) and per address. Past the limit, sign-in is refused for the rest of a fixed
window: more attempts do not make it longer, so nobody can lock a reporter out
for good, and resetting the password by email lifts the account's lock at once.
Addresses get a larger allowance than accounts: a whole campus may share one.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from django import forms
from django.conf import settings
from django.contrib.admin import forms as admin_forms
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import gettext as _

from ktnews.client_ip import client_ip

IDENTIFYING_FIELDS = ("username", "email", "login")


def _account(credentials) -> str:
    typed = next((credentials.get(field) for field in IDENTIFYING_FIELDS if credentials.get(field)), "")
    return str(typed).strip().casefold()


def _keys(request, credentials) -> dict[str, str]:
    keys = {"address": f"signin-failures:address:{client_ip(request)}"}
    if account := _account(credentials):
        keys["account"] = f"signin-failures:account:{account}"
    return keys


def _limits() -> dict[str, int]:
    return {"account": settings.SIGNIN_FAILURES_PER_ACCOUNT, "address": settings.SIGNIN_FAILURES_PER_ADDRESS}


def refusal(request, credentials) -> str | None:
    """The message for a sign-in refused without looking at the password, or None."""
    if request is None:
        return None
    counts = cache.get_many(list(_keys(request, credentials).values()))
    limits = _limits()
    for kind, key in _keys(request, credentials).items():
        if counts.get(key, 0) >= limits[kind]:
            minutes = settings.SIGNIN_LOCKOUT_MINUTES
            return _(
                "Too many failed sign-ins for this account or from this network. Sign-in is paused for up to "
                "%(minutes)d minutes; reset your password to sign in now."
            ) % {"minutes": minutes}
    return None


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    window = settings.SIGNIN_LOCKOUT_MINUTES * 60
    for key in _keys(request, credentials).values():
        cache.add(key, 0, timeout=window)  # the window starts at the first failure and stays fixed
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)


@receiver(user_logged_in)
def forget_account_failures(sender, request, user, **kwargs):
    """The right password ends the account's count (not the address's)."""
    clear_account(user)


def clear_account(user) -> None:
    """Lift the lock of every name the account signs in with (after a password reset, too)."""
    names = {user.get_username(), getattr(user, "email", "")}
    cache.delete_many([f"signin-failures:account:{name.strip().casefold()}" for name in names if name])


class AccountAdapter(DefaultAccountAdapter):
    """Readers' sign-in (django-allauth) meets the same guard as the admin's, with its message."""

    def pre_authenticate(self, request, **credentials):
        if message := refusal(request, credentials):
            raise forms.ValidationError(message, code="signin_paused")


class AdminAuthenticationForm(admin_forms.AdminAuthenticationForm):
    """The admin's sign-in form: while paused, the password is not even checked."""

    def clean(self):
        if message := refusal(self.request, {"username": self.cleaned_data.get("username")}):
            raise forms.ValidationError(message, code="signin_paused")
        return super().clean()


@receiver(password_reset)
def lift_lock_after_password_reset(sender, request, user, **kwargs):
    clear_account(user)
