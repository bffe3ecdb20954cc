"""Reading the newsroom's compare pages (revisions, edit conflicts) as a person sees them."""

import re

HIDDEN_LABEL = r'(?:<span class="visually-hidden">[^<]*</span>)?'


def added(page: str) -> list[str]:
    """The texts marked as added (<ins>), without the label screen readers hear before them."""
    return re.findall(rf"<ins>{HIDDEN_LABEL}([^<]*)</ins>", page)


def removed(page: str) -> list[str]:
    return re.findall(rf"<del>{HIDDEN_LABEL}([^<]*)</del>", page)
