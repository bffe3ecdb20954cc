"""The rules a new comment meets before it is saved, besides its text's (articles.comment_text) and the hold rules
(articles.moderation): how often a reader, and an address, may post; no same text twice in a few minutes; and how
many comments a reader has left today, for the form to say when few are."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Comment
from ktnews.rate_limits import Limit, client_network

#: The form says how many comments are left today once this few are.
FEW_COMMENTS_LEFT = 10


def same_text_posted_recently(author, body: str) -> str | None:
    """A message when ``author`` posted this very text (as stored) within COMMENTS_DUPLICATE_WINDOW_SECONDS: a
    double click, a reload that posts again, or the same words pasted under every story."""
    window = settings.COMMENTS_DUPLICATE_WINDOW_SECONDS
    since = timezone.now() - timedelta(seconds=window)
    if not Comment.objects.filter(author=author, body=body, created_at__gte=since).exists():
        return None
    minutes = max(1, window // 60)
    return ngettext(
        "You posted this same text a moment ago. Write something new, or post it again after %(minutes)d minute.",
        "You posted this same text a moment ago. Write something new, or post it again after %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def comments_left_today(user) -> int | None:
    """How many more comments ``user`` may post in their daily window, when FEW_COMMENTS_LEFT or fewer are left
    (None otherwise, and for someone who cannot comment). Read from the limit's counter: no query."""
    if not user.is_authenticated:
        return None
    daily = reader_daily_limit()
    left = max(0, daily.count - daily.count_of(str(user.pk), recount=lambda since: recent_comments(user, since)))
    return left if left <= FEW_COMMENTS_LEFT else None


def recent_comments(user, since) -> int:
    return Comment.objects.filter(author=user, created_at__gte=since).count()


def reader_daily_limit() -> Limit:
    return Limit("comments-reader-day", settings.COMMENTS_PER_DAY, 24 * 60 * 60)


def flood_limit_reached(request) -> str | None:
    """A message when the reader, or everyone at the reader's address together, has posted too much.

    The reader's own limits are counted first, so that a reader refused by them uses up none of the
    address's allowance (which a whole campus behind one address shares). While the shared cache does
    not answer, the reader's limits are counted from their own recent comments, the address's in each
    process (ktnews.rate_limits)."""
    reader = str(request.user.pk)

    for limit, message in reader_comment_limits():
        if limit.exceeded_by_hit(reader, recount=lambda since: recent_comments(request.user, since)):
            return message % {"count": limit.count}
    address = client_network(request)
    for limit, message in address_comment_limits():
        if limit.exceeded_by_hit(address):
            return message % {"count": limit.count}
    return None


def reader_comment_limits() -> list[tuple[Limit, str]]:
    return [
        (Limit("comments-reader-minute", settings.COMMENTS_PER_MINUTE, 60),
         _("You can post %(count)d comments a minute. Please wait a moment and try again.")),
        (reader_daily_limit(),
         _("You have reached today's limit of %(count)d comments. You can comment again tomorrow.")),
    ]  # fmt: skip


def address_comment_limits() -> list[tuple[Limit, str]]:
    return [
        (Limit("comments-address-minute", settings.COMMENTS_PER_ADDRESS_PER_MINUTE, 60),
         _("Many comments have come from your network in the last minute (at most %(count)d). "
           "Please wait a moment and try again.")),
        (Limit("comments-address-hour", settings.COMMENTS_PER_ADDRESS_PER_HOUR, 60 * 60),
         _("Your network has reached its limit of %(count)d comments an hour. Please try again later.")),
    ]  # fmt: skip
