from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles.sitemaps import SITEMAPS, news_sitemap
from articles.views import accounts, reply_notices
from articles.views import stories as views
from ktnews.health import healthz
from ktnews.media import media_file

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", views.favicon),
    # For crawlers, in both languages at once: outside the language prefixes.
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-news.xml", news_sitemap, name="sitemap-news"),
    path("sitemap-<slug:section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

# Korean pages have no prefix; English pages live under /en/.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/profile/", accounts.reader_account, name="reader_account"),
    path("accounts/delete/", accounts.delete_account, name="account_delete"),
    path("accounts/my-data/", accounts.download_my_data, name="account_data"),
    path("accounts/comments/", accounts.my_comments, name="my_comments"),
    path("accounts/replies/", reply_notices.reader_replies, name="reader_replies"),
    path("accounts/replies/mail/", reply_notices.reply_mail_choice, name="reply_mail_choice"),
    # allauth's own, answering when mail cannot be sent (articles/views/accounts.py).
    path("accounts/login/", accounts.LoginView.as_view(), name="account_login"),
    path("accounts/signup/", accounts.SignupView.as_view(), name="account_signup"),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="account_reset_password"),
    path("accounts/email/", accounts.EmailView.as_view(), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    # Photos' renditions, when no web server in front serves MEDIA_ROOT (the embedded default).
    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", media_file, name="media")]

handler400 = "ktnews.errors.bad_request"
handler403 = "ktnews.errors.permission_denied"
handler404 = "ktnews.errors.page_not_found"
handler500 = "ktnews.errors.server_error"
