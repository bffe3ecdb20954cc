"""Refusing password guessing, for readers' sign-in and the newsroom's admin alike.

Both ways in check before any password is looked at: readers' sign-in through
django-allauth's adapter (ktnews.account_adapter), the newsroom's through the
admin's login form. Failures are counted by ktnews.rate_limits (in the shared cache; while it
does not answer, in each process) per account (its username, its
address and their look-alike spellings are one account, see ktnews.accounts; a
name nobody has is counted as typed, folded, so a refusal tells nothing about who
has one) and per address. Past the limit, sign-in is refused for the rest of a
fixed window: more attempts do not make it longer; an address the account has
signed in from before is exempt from the account's pause (so an attacker elsewhere
cannot keep a reporter out of the newsroom), and resetting the password by email
lifts the account's pause at once. IPv6 addresses count by /64.
Addresses get a larger allowance than accounts: a whole campus may share one.
"""

from hashlib import sha256

from allauth.account.signals import password_reset
from django import forms
from django.conf import settings
from django.contrib.admin import forms as admin_forms
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import gettext as _

from ktnews.accounts import accounts_named
from ktnews.rate_limits import Limit, client_network
from ktnews.spelling import canonical_email, folded

IDENTIFYING_FIELDS = ("username", "email", "login")
#: An address the account signed in from stays exempt from the account's pause this long.
KNOWN_ADDRESS_DAYS = 90


def _account(credentials) -> str:
    """The account the name typed means (one count for its username and address), or the name as folded."""
    typed = str(next((credentials.get(field) for field in IDENTIFYING_FIELDS if credentials.get(field)), ""))
    if accounts := accounts_named(typed):
        return _account_of(accounts[0])
    if not typed.strip():
        return ""
    name = canonical_email(typed) if "@" in typed else folded(typed.strip())
    return "name:" + sha256(name.encode()).hexdigest()  # a key of one length, whatever was typed


def _account_of(user) -> str:
    return f"user:{user.pk}"


def _limits() -> dict[str, Limit]:
    window = settings.SIGNIN_LOCKOUT_MINUTES * 60
    return {
        "account": Limit("signin-failures-account", settings.SIGNIN_FAILURES_PER_ACCOUNT, window),
        "address": Limit("signin-failures-address", settings.SIGNIN_FAILURES_PER_ADDRESS, window),
    }


def _counted(request, account: str) -> dict[str, str]:
    """What each limit counts this attempt under: the reader's network, and the account when one was named."""
    counted = {"address": client_network(request)}
    if account:
        counted["account"] = account
    return counted


def _known_key(account: str, address: str) -> str:
    return f"signin-known:{account}:{address}"


def refusal(request, credentials) -> str | None:
    """The message for a sign-in refused without looking at the password, or None."""
    if request is None:
        return None
    account = _account(credentials)
    counted = _counted(request, account)
    if account and cache.get(_known_key(account, counted["address"])):
        # Signed in from here before: others' failures on this account do not keep its owner out.
        del counted["account"]
    limits = _limits()
    if any(limits[kind].reached(key) for kind, key in counted.items()):
        return _(
            "Too many failed sign-ins for this account or from this network. Sign-in is paused for up to "
            "%(minutes)d minutes; reset your password to sign in now."
        ) % {"minutes": settings.SIGNIN_LOCKOUT_MINUTES}
    return None


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    limits = _limits()
    for kind, key in _counted(request, _account(credentials)).items():
        limits[kind].hit(key)


@receiver(user_logged_in)
def forget_account_failures(sender, request, user, **kwargs):
    """The right password ends the account's count (not the address's), and makes this address known."""
    clear_account(user)
    if request is not None:
        known = _known_key(_account_of(user), client_network(request))
        cache.set(known, True, timeout=KNOWN_ADDRESS_DAYS * 24 * 60 * 60)


def clear_account(user) -> None:
    """Lift the account's lock (after a password reset, too), in the shared cache and in this process: a reset
    made while Redis is down must not leave its pause waiting for when it answers again."""
    _limits()["account"].clear(_account_of(user))


class AdminAuthenticationForm(admin_forms.AdminAuthenticationForm):
    """The admin's sign-in form: while paused, the password is not even checked."""

    def clean(self):
        if message := refusal(self.request, {"username": self.cleaned_data.get("username")}):
            raise forms.ValidationError(message, code="signin_paused")
        return super().clean()


@receiver(password_reset)
def lift_lock_after_password_reset(sender, request, user, **kwargs):
    clear_account(user)
