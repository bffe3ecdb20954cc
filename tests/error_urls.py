"""The site's URLs plus one that fails, for the tests of what a failure shows and logs."""

from django.db import OperationalError
from django.urls import path

from ktnews.urls import handler400, handler500
from ktnews.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret detail: the database password is hunter2")


def database_away_view(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def missing_table_view(request):
    raise OperationalError("no such table: articles_article")


urlpatterns = [
    path("broken/", broken_view),
    path("database-away/", database_away_view),
    path("en/database-away/", database_away_view),
    path("missing-table/", missing_table_view),
    *site_urlpatterns,
]

__all__ = ["handler400", "handler500", "urlpatterns"]
