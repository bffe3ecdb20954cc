"""The site, plus two yardsticks the benchmark compares it with (never part of the real site)."""

from django.urls import path

from bench import views
from ktnews.urls import handler500  # noqa: F401
from ktnews.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/straightforward/<int:pk>/", views.straightforward_story),
    path("bench/bare/", views.bare),
    *site_urlpatterns,
]
