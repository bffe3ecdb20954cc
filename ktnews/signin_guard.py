"""Refusing password guessing, for readers' sign-in and the newsroom's admin alike.

Both ways in check before any password is looked at: readers' sign-in through
django-allauth's adapter, the newsroom's through the admin's login form. Failures
are counted in the shared cache (while it does not answer, in each process: see
``counting_cache``) per account (the name or email typed,
whether or not such an account exists, so a refusal tells nothing about who has
one) and per address. Past the limit, sign-in is refused for the rest of a fixed
window: more attempts do not make it longer; an address the account has signed in
from before is exempt from the account's pause (so an attacker elsewhere cannot keep
a reporter out of the newsroom), and resetting the password by email lifts the
account's pause at once. IPv6 addresses count by /64.
Addresses get a larger allowance than accounts: a whole campus may share one.
"""

from ipaddress import ip_address, ip_network

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.signals import password_reset
from django import forms
from django.conf import settings
from django.contrib.admin import forms as admin_forms
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.utils.translation import gettext as _

from ktnews.cache import counting_cache
from ktnews.client_ip import client_ip

IDENTIFYING_FIELDS = ("username", "email", "login")
#: An address the account signed in from stays exempt from the account's pause this long.
KNOWN_ADDRESS_DAYS = 90


def _account(credentials) -> str:
    typed = next((credentials.get(field) for field in IDENTIFYING_FIELDS if credentials.get(field)), "")
    return str(typed).strip().casefold()


def _address(request) -> str:
    """The reader's address; for IPv6 its /64, which one subscriber gets whole and can rotate through."""
    address = client_ip(request)
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    return str(ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else str(parsed)


def _keys(request, credentials) -> dict[str, str]:
    keys = {"address": f"signin-failures:address:{_address(request)}"}
    if account := _account(credentials):
        keys["account"] = f"signin-failures:account:{account}"
    return keys


def _known_key(account: str, address: str) -> str:
    return f"signin-known:{account}:{address}"


def _limits() -> dict[str, int]:
    return {"account": settings.SIGNIN_FAILURES_PER_ACCOUNT, "address": settings.SIGNIN_FAILURES_PER_ADDRESS}


def refusal(request, credentials) -> str | None:
    """The message for a sign-in refused without looking at the password, or None."""
    if request is None:
        return None
    keys = _keys(request, credentials)
    if "account" in keys and cache.get(_known_key(_account(credentials), _address(request))):
        # Signed in from here before: others' failures on this account do not keep its owner out.
        del keys["account"]
    counts = counting_cache().get_many(list(keys.values()))
    limits = _limits()
    for kind, key in keys.items():
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
    counts = counting_cache()
    for key in _keys(request, credentials).values():
        counts.add(key, 0, timeout=window)  # the window starts at the first failure and stays fixed
        try:
            counts.incr(key)
        except ValueError:  # expired between add and incr, or the shared cache has just stopped answering
            counting_cache().set(key, 1, timeout=window)


@receiver(user_logged_in)
def forget_account_failures(sender, request, user, **kwargs):
    """The right password ends the account's count (not the address's), and makes this address known."""
    clear_account(user)
    if request is not None:
        address = _address(request)
        for name in _names(user):
            cache.set(_known_key(name, address), True, timeout=KNOWN_ADDRESS_DAYS * 24 * 60 * 60)


def _names(user) -> set[str]:
    """Every name the account signs in with, as the guard counts them."""
    return {name.strip().casefold() for name in (user.get_username(), getattr(user, "email", "")) if name}


def clear_account(user) -> None:
    """Lift the lock of every name the account signs in with (after a password reset, too)."""
    keys = [f"signin-failures:account:{name}" for name in _names(user)]
    # Both: a reset made while Redis is down must not leave its pause waiting for when it answers again.
    cache.delete_many(keys)
    if (counts := counting_cache()) is not cache:
        counts.delete_many(keys)


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
