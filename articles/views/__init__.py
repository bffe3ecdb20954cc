"""The reader site's views, by what they serve: stories, comments, readers' accounts."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str) -> str:
    """Where to go after a form: the ``next`` the page asked for, if it stays on this site."""
    target = request.POST.get("next") or request.GET.get("next")
    # A path: redirect() would take anything else ("999", "home") for the name of a URL pattern and fail.
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
