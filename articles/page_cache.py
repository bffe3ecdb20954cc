"""Whole pages for anonymous readers from the shared cache, invalidated exactly when what they show changes.

What is kept carries the *generations* of what it shows: ``content`` (stories,
sections, reporters, photos, tags, site settings: what any page may show) and
the comments of the one story a story page shows, or of all stories for lists
(their cards count comments). Every change bumps a generation (see
``articles.cache_invalidation``, and ``recount_*`` for comments, which every
comment change ends in); the next reader gets a freshly rendered page. A story
scheduled for later bumps ``content`` when its time comes. Nothing personal is
ever stored: only readers without a session cookie get or fill the cache, and
only with responses that set no cookie.

Whole pages are served and kept by ``PageCacheMiddleware``, which sits just
inside the security middleware: a hit skips sessions, locale, CSRF,
authentication, messages, the URL resolver and the view, and costs one round
trip to the cache. A kept page records the generations it was rendered under and
is served only while they are all still current: exactly the invalidation of a
key carrying them, without a second round trip to learn the key. Fragments and
values (``cached_fragments``, ``cached_value``) carry them in their keys.
"""

import hashlib
import logging
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date, urlencode

logger = logging.getLogger(__name__)

CONTENT = "gen:content"
ALL_COMMENTS = "gen:comments"
#: Nicknames and newsroom badges, which every comment shows.
READERS = "gen:readers"
#: Comment bans (who may comment, which every signed-in reader's story page asks about themselves).
BANS = "gen:bans"
NEXT_PUBLICATION = "gen:next-publication"
MESSAGE_COOKIE = "messages"  # django.contrib.messages' cookie storage
#: How long shared caches in front (nginx, a CDN) may keep a public page.
SHARED_MAX_AGE = 5
#: A cached page lives at most this long even if nothing changes (the lists' most-read ranking moves by itself).
PAGE_TIMEOUT = 5 * 60


#: The generations a GET request has read so far (set by PageCacheMiddleware): a story page outside the page
#: cache asks for them three times (the story, its threads, the stories under it) but reads them once.
_read_this_request: ContextVar[dict | None] = ContextVar("page_cache_generations", default=None)
#: Read along with the first generations a request asks for, since most pages need them too.
USUAL = (CONTENT, ALL_COMMENTS, READERS, BANS)


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
    _forget(names)


def _forget(names) -> None:
    """What this request changed is read again when it is next asked for."""
    if (known := _read_this_request.get()) is not None:
        for name in names:
            known.pop(name, None)


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
    _forget([NEXT_PUBLICATION])


def bump_comments(article_ids) -> None:
    bump(ALL_COMMENTS, *(story_comments(pk) for pk in article_ids))


def _generations(names) -> list[int]:
    known = _read_this_request.get()
    if known is None:  # outside a GET request: read them afresh
        known = {}
    _read(known, [name for name in dict.fromkeys([*names, *USUAL]) if name not in known])
    upcoming = known.get(NEXT_PUBLICATION)
    if upcoming is not None and time.time() >= upcoming:
        bump_content()  # a scheduled story has just gone public
        _read(known, [name for name in names if name not in known])
    return [known[name] for name in names]


def _read(known, names) -> None:
    """Add the current generations of ``names`` (and when the next scheduled story goes public) to ``known``."""
    if not names:
        return
    found = cache.get_many([*names, NEXT_PUBLICATION] if NEXT_PUBLICATION not in known else names)
    known.setdefault(NEXT_PUBLICATION, found.pop(NEXT_PUBLICATION, None))
    if missing := [name for name in names if name not in found]:
        fresh = {name: _fresh_generation() for name in missing}
        for name, generation in fresh.items():
            cache.add(name, generation, timeout=None)
        # Another server may have added one first; a cache that keeps nothing leaves this request its own.
        found.update({**fresh, **cache.get_many(missing)})
    known.update(found)


def anonymous_page_cache(depends_on, *, query=None, timeout=PAGE_TIMEOUT, same_main_for_all=False):
    """Let ``PageCacheMiddleware`` keep the view's page for readers without a session, keyed by what it shows.

    ``depends_on(**view_kwargs)`` names the generations besides ``content``; ``query`` the parameters of the
    address the page reads (see ``page_query_string``). Any other parameter (``utm_source``, ``fbclid``,
    made-up ones) is dropped from a shared page's request before the view sees it, so it neither changes the
    page nor makes another copy.
    Signed-in readers (anyone with a session cookie) always get their own page, marked private. With
    ``same_main_for_all`` (lists, whose main part shows nothing of the reader's) it is their own header and
    messages around the main part every reader shares, kept like a page (see ``shared_main``); the view
    must then leave its queries to the template (lazy values), or it would run them for nothing.
    """

    query = query or {}

    def decorator(view):
        @wraps(view)
        def cached_view(request, *args, **kwargs):
            request.page_query = query  # what the keys of this page's kept fragments may depend on
            names = (CONTENT, *depends_on(**kwargs))
            if request.method not in ("GET", "HEAD") or not _may_share(request):
                if same_main_for_all and request.method in ("GET", "HEAD"):
                    request.shared_main = KeptPage(names, _generations(names), timeout, query)
                response = view(request, *args, **kwargs)
                patch_cache_control(response, private=True, no_cache=True)
                return response
            keep_only(request, query)
            # Read before rendering: a change made meanwhile leaves the page under the older generations.
            generations = _generations(names)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.cookies and not response.streaming:
                _stamp(response)
                response.page_cache = KeptPage(names, generations, timeout, query)
            return response

        return cached_view

    return decorator


def keep_only(request, query) -> None:
    """Leave the request only the parameters the page reads, each in the one form that names a page."""
    query_string = page_query_string(request, query)
    if query_string != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query_string
        request.__dict__.pop("GET", None)  # WSGIRequest.GET is a cached property of the query string


def page_query_string(request, query) -> str:
    """The parameters of ``query`` (name -> the canonical form of a value, or None for a value that names no
    page) found in the request, the last value of each as ``request.GET.get`` reads it, in a fixed order:
    ``?sort=made-up`` is the page ``?sort`` names when it is missing, not a copy of it."""
    kept = []
    for name, canonical in query.items():
        if name in request.GET and (value := canonical(request.GET[name])) is not None:
            kept.append((name, value))
    return urlencode(kept)


def cached_fragments(request, fragments: dict) -> dict:
    """Pieces of an anonymous reader's page, each rendered once per generation of what it shows.

    ``fragments`` maps a name to (the generations it depends on besides ``content``, a function rendering it);
    all are looked up in one round trip, and only the missing ones rendered.
    """
    keys = {
        name: f"fragment:{name}:" + _page_key(request, _generations([CONTENT, *depends_on]))
        for name, (depends_on, _render) in fragments.items()
    }
    found = cache.get_many(keys.values())
    rendered = {name: found.get(key) for name, key in keys.items()}
    missing = {name: fragments[name][1]() for name, html in rendered.items() if html is None}
    if missing:
        cache.set_many({keys[name]: html for name, html in missing.items()}, PAGE_TIMEOUT)
    return {**rendered, **missing}


#: What shows that a form with a CSRF token (one reader's) was rendered: such a part is never kept.
CSRF_FIELD = 'name="csrfmiddlewaretoken"'


def shared_main(request, render) -> str:
    """The main part of a signed-in reader's page whose view said it is the same for everyone
    (``anonymous_page_cache(same_main_for_all=True)``), rendered by ``render()`` once per generation of
    what the page shows and kept as long as the page would be. Anything else: ``render()``."""
    kept = getattr(request, "shared_main", None)
    if kept is None:
        return render()
    key = "fragment:main:" + _page_key(request, kept.generations)
    if (html := cache.get(key)) is None:
        html = render()
        if CSRF_FIELD in html:  # a form crept into a shared part: keep it out of the cache, say so
            logger.error("The main part of %s holds a form with a CSRF token: not kept", request.path)
        else:
            cache.set(key, html, kept.timeout)
    return html


def cached_value(name, depends_on, compute):
    """Data any reader may see (not a page), computed by ``compute()`` once per generation of what it shows.

    None (nothing found) is not kept: made-up addresses must not fill the cache.
    """
    key = f"value:{name}:" + ":".join(map(str, _generations([CONTENT, *depends_on])))
    if (value := cache.get(key)) is None and (value := compute()) is not None:
        cache.set(key, value, PAGE_TIMEOUT)
    return value


_NOTHING = "nothing"


def readers_value(user, name, depends_on, compute):
    """What a signed-in reader's own pages ask about them on every request (their unread replies, a ban),
    computed once per generation of what it depends on, None included. Keyed by the reader: only they get it."""
    key = f"reader:{user.pk}:{name}:" + ":".join(map(str, _generations([CONTENT, *depends_on])))
    if (value := cache.get(key)) is None:
        value = compute()
        cache.set(key, _NOTHING if value is None else value, PAGE_TIMEOUT)
    return None if value == _NOTHING else value


#: name -> (the generations it was computed under, the value): site data kept in this process.
_in_process: dict[str, tuple] = {}


def process_value(name, depends_on, compute):
    """Small site data every page shows (the section menu, the site's settings), kept in this process while
    the generations it depends on are current: a request has read those anyway, so this costs no round trip
    to the cache, and a change made through any server is seen by every process at its next request."""
    generations = tuple(_generations([CONTENT, *depends_on]))
    kept = _in_process.get(name)
    if kept is None or kept[0] != generations:
        kept = _in_process[name] = (generations, compute())
    return kept[1]


#: Settings that change what anonymous pages show: a deployment that changes them gets new keys at once.
PAGE_SETTINGS = ("COMMENTS_BEST_MIN_RECOMMENDATIONS", "COMMENTS_CLOSE_AFTER_DAYS", "MEDIA_URL", "STATIC_URL")


def _may_share(request) -> bool:
    """Only a reader with no session and no message waiting (e.g. "You have signed out") sees the shared page."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and MESSAGE_COOKIE not in request.COOKIES


def _address(request) -> str:
    # The full address, host and scheme included: pages link to themselves (canonical, sharing links).
    # Only the parameters the page reads count, when it said which (see anonymous_page_cache).
    if (query := getattr(request, "page_query", None)) is not None:
        kept = page_query_string(request, query)
        address = request.build_absolute_uri(escape_uri_path(request.path) + (f"?{kept}" if kept else ""))
    else:
        address = request.build_absolute_uri()
    page = [address, *(repr(getattr(settings, name)) for name in PAGE_SETTINGS)]
    return hashlib.blake2b("\n".join(page).encode(), digest_size=16).hexdigest()


def _page_key(request, generations) -> str:
    return f"page:{_address(request)}:{':'.join(map(str, generations))}"


def _stamp(response) -> None:
    response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
    response["Last-Modified"] = http_date()
    patch_cache_control(response, public=True, max_age=SHARED_MAX_AGE)


class KeptPage(NamedTuple):
    """What a view tells ``PageCacheMiddleware`` about a page it may keep for every anonymous reader."""

    names: tuple[str, ...]
    generations: list[int]
    timeout: int
    #: The parameters of the address the page reads: every other one is dropped before looking it up.
    query: dict = {}


#: How many paths each worker remembers (what the page there depends on, or that it is no kept page).
KNOWN_PATHS = 20_000
#: Longer paths are not remembered (their pages are still kept, under a digest of the address): no page
#: of the site has one, and 20,000 made-up 4 KB paths would hold 80 MB in every worker.
KNOWN_PATH_LENGTH = 500
_UNKNOWN = object()


class KnownPath(NamedTuple):
    """What a worker learnt of the page at a path the first time it rendered it."""

    names: tuple[str, ...]
    query: dict


class PageCacheMiddleware:
    """Anonymous readers' pages from the cache, before the middleware that only a rendered page needs.

    Placed right after the security middleware (and WhiteNoise): a hit is answered with the page as it
    left the inner middleware the first time, every header they added included (the Content-Security-
    Policy, X-Frame-Options, Vary, Content-Language, ETag, Cache-Control), and skips sessions, locale,
    CSRF, authentication, messages, the URL resolver and the view. The outer middleware still run, so the
    request id is fresh and ConditionalGetMiddleware answers 304. The page is kept on the way out when the
    view said it may be (``anonymous_page_cache``) and nothing on the way out made it personal: a cookie,
    a private Cache-Control, a CSP nonce. Each worker learns, per path, which parameters the page there
    reads, so that it can drop the others before looking the page up (see ``keep_only``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        # path -> KnownPath, or None: not a kept page, don't ask the cache.
        self.known = {}

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        reading = _read_this_request.set({})
        try:
            return self._respond(request) if _may_share(request) else self.get_response(request)
        finally:
            _read_this_request.reset(reading)

    def _respond(self, request):
        path = request.path
        known = self.known.get(path, _UNKNOWN)
        if known is None:
            return self.get_response(request)
        if known is not _UNKNOWN:
            request.page_query = known.query
            keep_only(request, known.query)
        # A path this worker has not rendered yet: with a query string, it cannot know which parameters count.
        if known is not _UNKNOWN or not request.META.get("QUERY_STRING"):
            try:
                if (kept := self._kept(_address(request), known)) is not None:
                    return kept
            except Exception:  # whatever the cache backend raised: render, as without a cache
                logger.warning("The page cache could not be read", exc_info=True)
        response = self.get_response(request)
        try:
            self._keep(request, response)
        except Exception:
            logger.warning("The page cache could not be written", exc_info=True)
        return response

    def _kept(self, address, known) -> HttpResponse | None:
        """The kept page, if it was rendered under the generations current now: one round trip."""
        key = f"page:{address}"
        found = cache.get_many([key] if known is _UNKNOWN else [key, *known.names, NEXT_PUBLICATION])
        if (kept := found.get(key)) is None:
            return None
        kept_names, generations, content, headers = kept
        if known is _UNKNOWN or known.names != kept_names:  # the first request for this page in this worker
            found.update(cache.get_many([*kept_names, NEXT_PUBLICATION]))
        # Should the page be rendered after all, the view needs not read them again.
        _read_this_request.get().update({name: found.get(name) for name in (*kept_names, NEXT_PUBLICATION)
                                         if name in found or name == NEXT_PUBLICATION})  # fmt: skip
        upcoming = found.get(NEXT_PUBLICATION)
        if upcoming is not None and time.time() >= upcoming:
            return None  # a scheduled story has just gone public: the view notes it and renders
        if [found.get(name) for name in kept_names] != generations:
            return None
        return HttpResponse(content, headers=headers)

    def _keep(self, request, response) -> None:
        page = getattr(response, "page_cache", None)
        if page is None or not _shareable(response):
            # Only pages that are never kept: a 404 or a redirect at this path may be a story tomorrow.
            if page is None and response.status_code == 200:
                self._remember(request.path, None)
            return
        per_request = {"date", "set-cookie", getattr(settings, "REQUEST_ID_RESPONSE_HEADER", "x-request-id").lower()}
        headers = {name: value for name, value in response.items() if name.lower() not in per_request}
        kept = (page.names, page.generations, response.content, headers)
        cache.set(f"page:{_address(request)}", kept, page.timeout)
        self._remember(request.path, KnownPath(page.names, page.query))

    def _remember(self, path, known) -> None:
        if len(path) > KNOWN_PATH_LENGTH:
            return
        if len(self.known) >= KNOWN_PATHS:
            self.known.clear()  # made-up paths must not grow a worker without bound
        self.known[path] = known


def _shareable(response) -> bool:
    """Nothing the inner middleware did on the way out made the page one reader's own."""
    policies = response.get("Content-Security-Policy", "") + response.get("Content-Security-Policy-Report-Only", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "'nonce-" not in policies
    )
