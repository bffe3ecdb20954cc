"""The newsroom's models, one module per concept."""

from articles.models.people import Reporter
from articles.models.site import DailyReadCount, SiteSettings
from articles.models.stories import (
    NAVIGATION_CACHE_KEY,
    PUBLISH_PERMISSION,
    Article,
    ArticleQuerySet,
    Byline,
    Section,
    Tag,
)

__all__ = [
    "NAVIGATION_CACHE_KEY",
    "PUBLISH_PERMISSION",
    "Article",
    "ArticleQuerySet",
    "Byline",
    "DailyReadCount",
    "Reporter",
    "Section",
    "SiteSettings",
    "Tag",
]
