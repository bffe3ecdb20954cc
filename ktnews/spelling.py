"""One spelling per name: what NFKC and case folding make the same.

Full-width letters (U+FF41…), the long s (U+017F), the Kelvin sign, mathematical letters and other
compatibility forms are the letters they stand for, in any case: a name typed in one of them is the
same name, for an account's address as for a nickname.
"""

import unicodedata
from contextlib import suppress

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
