"""The reader site's views, by what they serve: stories, comments, readers' accounts."""

from allauth.account.adapter import get_adapter


def safe_next_url(request, fallback: str) -> str:
    """Where to go after a form: the ``next`` the page asked for, if it stays on this site (and on HTTPS when
    the site is served over it). One rule with sign-in's redirects: ktnews.account_adapter decides both."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path: redirect() would take anything else ("999", "home") for the name of a URL pattern and fail.
    if target and target.startswith("/") and get_adapter(request).is_safe_url(target):
        return target
    return fallback
