from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Newsroom")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles import cache_invalidation, checks, lookups, notifications, revisions  # noqa: F401 -- receivers
        from ktnews import signin_guard  # noqa: F401 -- counts failed sign-ins from the first one
