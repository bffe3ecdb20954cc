"""The newsroom's models, one module per concept."""

from articles.models.comments import (
    Comment,
    CommentRecommendation,
    CommentReport,
    delete_for_good,
    lock_for_recount,
    recount_comments,
    recount_replies,
)
from articles.models.corrections import Correction
from articles.models.history import RemovedStory, StoryAutosave, StoryEvent
from articles.models.mail import OutgoingMail
from articles.models.moderation import AllowedPhrase, BlockedPhrase, CommentBan, HoldRules, ModerationLogEntry
from articles.models.notifications import NewsroomPreferences, Notification
from articles.models.people import ReaderProfile, Reporter
from articles.models.photos import Photo, StoryPhoto, refresh_lead_photos
from articles.models.policies import Consent, PolicyKind, PolicyVersion
from articles.models.previews import PreviewLink
from articles.models.replies import ReplyRequest
from articles.models.site import DailyReadCount, SiteSettings
from articles.models.staging import StagedEdit
from articles.models.stories import (
    PUBLISH_PERMISSION,
    Article,
    ArticleQuerySet,
    Byline,
    Section,
    Tag,
)

__all__ = [
    "PUBLISH_PERMISSION",
    "AllowedPhrase",
    "Article",
    "ArticleQuerySet",
    "BlockedPhrase",
    "Byline",
    "Comment",
    "CommentBan",
    "CommentRecommendation",
    "CommentReport",
    "Consent",
    "Correction",
    "DailyReadCount",
    "HoldRules",
    "ModerationLogEntry",
    "NewsroomPreferences",
    "Notification",
    "OutgoingMail",
    "Photo",
    "PolicyKind",
    "PolicyVersion",
    "PreviewLink",
    "ReaderProfile",
    "RemovedStory",
    "ReplyRequest",
    "Reporter",
    "Section",
    "SiteSettings",
    "StagedEdit",
    "StoryAutosave",
    "StoryEvent",
    "StoryPhoto",
    "Tag",
    "delete_for_good",
    "lock_for_recount",
    "recount_comments",
    "recount_replies",
    "refresh_lead_photos",
]
