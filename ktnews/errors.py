"""The 400, 500 and 503 pages: never a traceback, and the request's id so that a reader's report leads to the log.

A database that does not answer (stopped, restarting, unreachable) is an outage, not a bug: readers get a
503 in their language with Retry-After, load balancers and crawlers know to come back, and the next request
connects afresh (Django opens a new connection when the old one is broken), so recovery needs no restart.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import requires_csrf_token

#: Seconds a reader (and a crawler) is asked to wait while the database is unreachable.
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception=None):
    """The 400 page, in the language of the address (it may be answered before LocaleMiddleware runs: see
    ktnews/request_checks.py). Unlike Django's, it asks for no CSRF token: for a form Django cannot read,
    the token check reads the form again, fails again, and the page itself became a 500."""
    context = {"request_id": getattr(request, "id", "")}
    with translation.override(_language_of(request)):
        return HttpResponseBadRequest(loader.get_template("400.html").render(context))


@requires_csrf_token
def server_error(request):
    # Only the request id: the page must render even when whatever broke was the database or a context processor.
    context = {"request_id": getattr(request, "id", "")}
    if _database_unavailable(sys.exc_info()[1]):
        with translation.override(_language_of(request)):
            page = loader.get_template("503.html").render({**context, "retry_after": RETRY_AFTER_SECONDS})
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return HttpResponseServerError(loader.get_template("500.html").render(context))


def _language_of(request) -> str:
    """Korean pages have no prefix, English ones /en/: the address says, whatever has run before."""
    return translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE


def _database_unavailable(error) -> bool:
    """The database could not be reached, went away or is locked, as opposed to a query that is wrong
    (Django raises its own OperationalError for the driver's: refused, dropped, timed out, locked; SQLite
    uses it for a missing table or a syntax error too, which are bugs)."""
    if not isinstance(error, OperationalError | InterfaceError):
        return False
    return not str(error).startswith(("no such ", "near ")) and "syntax error" not in str(error)
