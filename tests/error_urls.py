"""The site's URLs plus one that fails, for the tests of what a failure shows and logs."""

from django.urls import path

from ktnews.urls import handler500
from ktnews.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("secret detail: the database password is hunter2")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
