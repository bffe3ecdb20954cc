"""The newsroom's models, one module per concept."""

from articles.models.comments import Comment, CommentReport, recount_comments
from articles.models.people import ReaderProfile, Reporter
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
    "Comment",
    "CommentReport",
    "DailyReadCount",
    "ReaderProfile",
    "Reporter",
    "Section",
    "SiteSettings",
    "Tag",
    "recount_comments",
]
