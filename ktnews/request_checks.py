"""Requests carrying text the site cannot read or store are refused with a 400 before anything reads them.

The site reads UTF-8 only, and PostgreSQL cannot store NUL. Left to the views, a form posted in another
charset made Django raise on every read of ``request.POST`` (the CSRF check, then the error page's own
CSRF check, over and over: a 500 and about a thousand log lines), and a NUL in an admin filter, an
autocomplete term or a tag's address reached a query and failed there. Checked once here, such a request
gets the 400 page in the reader's language and one log line, whatever page it was sent to.

Refused:
- a body or query declared in a charset other than UTF-8, or in one with a made-up name;
- a path, query parameter, form field (or file name) or cookie holding NUL;
- percent-encoded bytes that are not UTF-8 in the query string or a urlencoded form (a latin-1 form that
  does not say so, a lone surrogate in CESU's disguise): Django would turn them into "�" and store that.
"""

import codecs
import logging
from urllib.parse import unquote_to_bytes

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http.multipartparser import MultiPartParserError
from django.utils.http import parse_header_parameters

from ktnews.errors import bad_request

logger = logging.getLogger(__name__)

#: How much of the path the log line shows: a refused request may carry a 4 KB address.
LOGGED_PATH_CHARACTERS = 200


class Unreadable(Exception):
    """Why a request cannot be read; the message is the log line's, never shown to the reader."""


class RequestTextMiddleware:
    """Refuses, with the 400 page, requests whose text is not UTF-8 or holds NUL (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except Unreadable as reason:
            path = request.path[:LOGGED_PATH_CHARACTERS]
            # %r: a path may carry a line break, and this is to stay one line.
            logger.warning("Refused %s %r (400): %s", request.method, path, reason)
            response = bad_request(request, reason)
            response._has_been_logged = True  # the line above says it all: Django's "Bad Request" would be a second
            return response
        return self.get_response(request)


def check_request(request) -> None:
    content_type, parameters = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    if "charset" in parameters:
        check_charset(parameters["charset"])
    if "\x00" in request.path_info:
        raise Unreadable("NUL in the path")
    check_encoded_text(get_bytes_from_wsgi(request.environ, "QUERY_STRING", ""), "query string")
    if "\x00" in "".join(f"{name}{value}" for name, value in request.COOKIES.items()):
        raise Unreadable("NUL in a cookie")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if content_type == "application/x-www-form-urlencoded":
        check_encoded_text(read_body(request), "form")
    elif content_type == "multipart/form-data":
        check_form_fields(request)


def check_charset(name: str) -> None:
    try:
        known = codecs.lookup(name).name
    except LookupError:
        raise Unreadable(f"unknown charset {name[:40]!r}") from None
    if known != "utf-8":
        raise Unreadable(f"charset {known} instead of UTF-8")


def check_encoded_text(encoded: bytes, where: str) -> None:
    """A query string or urlencoded form: percent-decoded, it must be UTF-8 without NUL. Decoding it whole
    is the same as decoding each name and value: the separators are ASCII, never part of a character."""
    try:
        text = unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable(f"the {where} is not UTF-8") from None
    if "\x00" in text:
        raise Unreadable(f"NUL in the {where}")


def read_body(request) -> bytes:
    try:
        return request.body
    except RequestDataTooBig as error:  # past DATA_UPLOAD_MAX_MEMORY_SIZE
        raise Unreadable(str(error)) from None


def check_form_fields(request) -> None:
    """A multipart form, parsed as the view would read it (Django keeps the result for the view)."""
    try:
        files = [(name, [file.name for file in uploaded]) for name, uploaded in request.FILES.lists()]
        fields = [*request.POST.lists(), *files]
    except (MultiPartParserError, TooManyFieldsSent, SuspiciousOperation) as error:
        raise Unreadable(f"the form cannot be read: {error}") from None
    if any("\x00" in name or any("\x00" in (value or "") for value in values) for name, values in fields):
        raise Unreadable("NUL in the form")
