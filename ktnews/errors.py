"""The 500 page: never a traceback, and the request's id so that a reader's report leads to the log."""

from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request):
    # Only the request id: the page must render even when whatever broke was the database or a context processor.
    page = loader.get_template("500.html").render({"request_id": getattr(request, "id", "")})
    return HttpResponseServerError(page)
