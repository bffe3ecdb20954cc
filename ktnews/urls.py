from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from articles import views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", views.favicon),
]

# Korean pages have no prefix; English pages live under /en/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
