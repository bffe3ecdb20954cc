"""The 400, 403, 404, 500 and 503 pages: never a traceback, and the request's id so that a reader's report leads
to the log. In the newsroom (the admin), a 403 or 404 is shown inside the admin, in the member's language.

A database that does not answer (stopped, restarting, unreachable) is an outage, not a bug: readers get a
503 in their language with Retry-After, load balancers and crawlers know to come back, and the next request
connects afresh (Django opens a new connection when the old one is broken), so recovery needs no restart.
"""

import sys

from django.conf import settings
from django.contrib import admin
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults
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
def permission_denied(request, exception=None):
    if _in_the_newsroom(request):
        explanation = _("Your role in the newsroom does not include this. If you think it should, ask an editor.")
        return _newsroom_error(request, 403, _("You may not open this page"), explanation)
    return defaults.permission_denied(request, exception)


@requires_csrf_token
def page_not_found(request, exception=None):
    if _in_the_newsroom(request):
        explanation = _("It may have been deleted or moved, or the address may be mistyped.")
        return _newsroom_error(request, 404, _("There is nothing at this address in the newsroom"), explanation)
    return defaults.page_not_found(request, exception)


def _in_the_newsroom(request) -> bool:
    """A member of the newsroom on one of the admin's pages (the admin answers everyone else with its sign-in)."""
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    return bool(match and admin.site.name in match.namespaces and user and user.is_active and user.is_staff)


def _newsroom_error(request, status: int, title: str, explanation: str) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": title, "explanation": explanation}
    return render(request, "admin/newsroom_error.html", context, status=status)


@requires_csrf_token
def server_error(request):
    # Only the request id: the page must render even when whatever broke was the database or a context processor.
    context = {"request_id": getattr(request, "id", "")}
    if _database_unavailable(sys.exc_info()[1]):
        with translation.override(_language_of(request)):
            page = loader.get_template("503.html").render({**context, "retry_after": RETRY_AFTER_SECONDS})
        return HttpResponse(page, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    # In the language of the address, the admin's included, whatever the failure left active.
    with translation.override(_language_of(request)):
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
