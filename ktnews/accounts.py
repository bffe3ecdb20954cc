"""Which account a typed name or address means, however it is spelled (ktnews.spelling).

An address is kept and looked up in its one spelling, so a look-alike of a reader's address is their
account, not a second one, and the database's own case rules (which differ between PostgreSQL and SQLite)
never decide whose account, or mailbox, a name stands for.

The site's one sign-in backend lives here too: it finds the account by that rule and checks exactly one
password whether or not the account exists, so the answer's timing tells nobody who has one.
"""

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from ktnews.spelling import canonical_email, folded


def accounts_named(name: str) -> list:
    """The accounts a name typed at sign-in means: by address if it has an @, and by username."""
    name = (name or "").strip()
    if not name:
        return []
    found = []
    if "@" in name:
        found = filter_users_by_email(canonical_email(name), prefer_verified=True, for_login=True)
    username_field = get_user_model().USERNAME_FIELD
    by_username = get_user_model()._default_manager.filter(**{f"{username_field}__iexact": folded(name)})
    found += [user for user in by_username if folded(user.get_username()) == folded(name) and user not in found]
    return found


class AccountBackend(AuthenticationBackend):
    """Readers and the newsroom alike: one lookup, and one password check even for nobody's name.

    Django's ModelBackend next to allauth's checked a password up to three times for a known address and
    twice for an unknown one: a failed sign-in answered about a hash's time (300 ms) sooner for nobody.
    """

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None and credentials.get("password"):
            # The answer for a password: the backends listed after this one (they keep sessions signed in
            # before it came) must not check it again, or an existing account would cost more checks.
            raise PermissionDenied
        return user

    def _authenticate(self, request, **credentials):
        password = credentials.get("password") or ""
        for user in accounts_named(credentials.get("email") or credentials.get("username")):
            if self._check_password(user, password):
                return user
        return None  # no password checked: allauth's authenticate() spends the same time on a dummy
