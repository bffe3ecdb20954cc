"""Whole pages for anonymous readers from the shared cache, invalidated exactly when what they show changes.

A cached page's key carries the *generations* of what it shows: ``content``
(stories, sections, reporters, photos, tags, site settings: what any page may
show) and the comments of the one story a story page shows, or of all stories
for lists (their cards count comments). Every change bumps a generation (see
``articles.signals``, and ``recount_*`` for comments, which every comment change
ends in); the next reader gets a fresh page under the new key and the old one
expires unread. A story scheduled for later bumps ``content`` when its time
comes. Nothing personal is ever stored: only readers without a session cookie
get or fill the cache, and only with responses that set no cookie.
"""

import hashlib
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

CONTENT = "gen:content"
ALL_COMMENTS = "gen:comments"
#: Nicknames and newsroom badges, which every comment shows.
READERS = "gen:readers"
NEXT_PUBLICATION = "gen:next-publication"
MESSAGE_COOKIE = "messages"  # django.contrib.messages' cookie storage
#: How long shared caches in front (nginx, a CDN) may keep a public page.
SHARED_MAX_AGE = 5
#: A cached page lives at most this long even if nothing changes (the lists' most-read ranking moves by itself).
PAGE_TIMEOUT = 5 * 60


def story_comments(article_id) -> str:
    return f"gen:comments:{article_id}"


def _fresh_generation() -> int:
    # Microseconds: a generation lost from the cache restarts above every value it ever had.
    return time.time_ns() // 1000


def bump(*names) -> None:
    """Now, and again once the change is committed: a page rendered in between, from the data as it was
    before, must not be kept under the new generation."""
    _bump(names)
    transaction.on_commit(lambda: _bump(names))


def _bump(names) -> None:
    for name in names:
        try:
            cache.incr(name)
        except ValueError:  # never set, or evicted
            cache.set(name, _fresh_generation(), timeout=None)


def bump_content() -> None:
    """Something any page may show changed; also note when the next scheduled story goes public."""
    from articles.models import Article

    bump(CONTENT)
    # Stories scheduled for later go public by the clock, with no save to bump anything: note the next one.
    upcoming = (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=datetime.now(UTC))
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set(NEXT_PUBLICATION, upcoming.timestamp() if upcoming else None, timeout=None)


def bump_comments(article_ids) -> None:
    bump(ALL_COMMENTS, *(story_comments(pk) for pk in article_ids))


def _generations(names) -> list[int]:
    known = cache.get_many([*names, NEXT_PUBLICATION])
    upcoming = known.get(NEXT_PUBLICATION)
    if upcoming is not None and time.time() >= upcoming:
        bump_content()  # a scheduled story has just gone public
        known = cache.get_many(names)
    missing = [name for name in names if name not in known]
    if missing:
        for name in missing:
            cache.add(name, _fresh_generation(), timeout=None)
        known.update(cache.get_many(missing))
    return [known[name] for name in names]


def anonymous_page_cache(depends_on, *, timeout=PAGE_TIMEOUT):
    """Serve the view's page to readers without a session from the cache, keyed by what it shows.

    ``depends_on(**view_kwargs)`` names the generations besides ``content``. Signed-in readers (anyone
    with a session cookie) always get their own freshly rendered page, marked private.
    """

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or not _may_share(request):
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            names = [CONTENT, *depends_on(**kwargs)]
            key = _page_key(request, _generations(names))
            if (stored := cache.get(key)) is not None:
                return _from_cache(stored)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                _stamp(response)
                cache.set(key, _for_cache(response), timeout)
            return response

        return cached_view

    return decorator


def cached_fragment(name, request, depends_on, render):
    """A piece of an anonymous reader's page, rendered by ``render()`` once per generation of what it shows."""
    key = f"fragment:{name}:" + _page_key(request, _generations([CONTENT, *depends_on]))
    if (html := cache.get(key)) is None:
        html = render()
        cache.set(key, html, PAGE_TIMEOUT)
    return html


def cached_value(name, depends_on, compute):
    """Data any reader may see (not a page), computed by ``compute()`` once per generation of what it shows.

    None (nothing found) is not kept: made-up addresses must not fill the cache.
    """
    key = f"value:{name}:" + ":".join(map(str, _generations([CONTENT, *depends_on])))
    if (value := cache.get(key)) is None and (value := compute()) is not None:
        cache.set(key, value, PAGE_TIMEOUT)
    return value


#: Settings that change what anonymous pages show: a deployment that changes them gets new keys at once.
PAGE_SETTINGS = ("COMMENTS_BEST_MIN_RECOMMENDATIONS", "COMMENTS_CLOSE_AFTER_DAYS", "MEDIA_URL", "STATIC_URL")


def _may_share(request) -> bool:
    """Only a reader with no session and no message waiting (e.g. "You have signed out") sees the shared page."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGE_COOKIE not in request.COOKIES


def _page_key(request, generations) -> str:
    # The full address, host and scheme included: pages link to themselves (canonical, sharing links).
    page = [request.build_absolute_uri(), *(repr(getattr(settings, name)) for name in PAGE_SETTINGS)]
    address = hashlib.blake2b("\n".join(page).encode(), digest_size=16).hexdigest()
    return f"page:{address}:{':'.join(map(str, generations))}"


def _stamp(response) -> None:
    response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
    response["Last-Modified"] = http_date()
    patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)


def _for_cache(response) -> tuple:
    # The page's own additions to the Content-Security-Policy (Kakao's SDK) go with it.
    return response.content, list(response.items()), getattr(response, "_csp_update", None)


def _from_cache(stored) -> HttpResponse:
    content, headers, csp_update = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    if csp_update:
        response._csp_update = csp_update
    return response
