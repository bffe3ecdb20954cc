"""Which account a typed name or address means, however it is spelled.

One spelling per name: NFKC and case folding make full-width letters (U+FF41…), the long s (U+017F) and
other compatibility forms the letters they stand for. An address is kept and looked up in that
spelling, so a look-alike of a reader's address is their account, not a second one, and the database's
own case rules (which differ between PostgreSQL and SQLite) never decide whose mailbox a message goes to.

The site's one sign-in backend lives here too: it finds the account by that rule and checks exactly one
password whether or not the account exists, so the answer's timing tells nobody who has one.
"""

import unicodedata
from contextlib import suppress

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.internal.userkit import filter_users_by_email
from django.contrib.auth import get_user_model

#: Dots that mail software reads as the dot between domain labels (IDNA), though NFKC keeps them.
LABEL_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def folded(text: str) -> str:
    """The spelling names are compared in: NFKC, case folded (and NFKC again: folding can undo it)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").casefold())


def canonical_email(address: str) -> str:
    """The address as stored and compared: both parts folded, the domain as mail software delivers it."""
    local, at, domain = folded(address.strip()).rpartition("@")
    if not at:
        return folded(address.strip())
    domain = domain.translate(LABEL_DOTS)
    # IDNA's own mapping (what sending does to the domain), back to letters a reader recognises; a domain it
    # cannot map is not one mail can go to, and the address validator refuses it.
    with suppress(UnicodeError):
        domain = domain.encode("idna").decode("idna")
    return f"{local}@{domain}"


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

    def _authenticate(self, request, **credentials):
        password = credentials.get("password") or ""
        for user in accounts_named(credentials.get("email") or credentials.get("username")):
            if self._check_password(user, password):
                return user
        return None  # no password checked: allauth's authenticate() spends the same time on a dummy
