"""답글 알림 (reply notices): how many replies a reader has not seen, marking them seen, and the optional e-mail
for each reply.

There is no row per notice: a reader's notices are the replies ``Comment.objects.reply_notices_for`` finds, and the
unread ones those published after ``ReaderProfile.replies_seen_at``. A reply counts, shows and is mailed only once
it is published: a held one when an editor approves it (moderation.approve), never one hidden or deleted.
"""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Comment, ReaderProfile
from articles.outbox import send_later
from articles.page_cache import ALL_COMMENTS, READERS, readers_value

#: The bell shows "99+" past this: counting further costs more and tells the reader nothing.
UNREAD_SHOWN_AT_MOST = 99


def unread_reply_count(user) -> int | None:
    """The reader's unread replies, up to UNREAD_SHOWN_AT_MOST + 1, in one query; None for someone who has no
    reader profile (no comments, so no replies)."""
    profile = getattr(user, "reader_profile", None) if user.is_authenticated else None
    if profile is None:
        return None
    # Asked on every page the reader opens (the bell): kept until comments, stories or badges change, or they
    # open their replies (a new replies_seen_at is a new key).
    seen = profile.replies_seen_at.timestamp()
    return readers_value(user, f"unread-replies:{seen}", [ALL_COMMENTS, READERS], lambda: _count_unread(user, profile))


def _count_unread(user, profile) -> int:
    # The two kinds apart, in one statement: each then starts from the reader's own comments by an index (their
    # OR in one WHERE would have the database look at every reply published since).
    unread = Comment.objects.filter(published_at__gt=profile.replies_seen_at)
    kinds = [unread.replies_to_comments_of(user), unread.newsroom_answers_to(user)]
    either = kinds[0].order_by().values("pk").union(kinds[1].order_by().values("pk"))
    return either[: UNREAD_SHOWN_AT_MOST + 1].count()


def mark_replies_seen(profile: ReaderProfile) -> None:
    profile.replies_seen_at = timezone.now()
    profile.save(update_fields=["replies_seen_at"])


def mail_reply_notices(replies, *, site: str | None = None) -> int:
    """Queue, for each of ``replies`` just published, a mail to each reader it is news to who asked for them (in
    that reader's language); how many were queued. ``site`` is the site's address (the request's), for the link."""
    site = (site or settings.SITE_URL).rstrip("/")
    queued = 0
    for reply in replies:
        for profile in readers_to_mail(reply):
            language = profile.mail_language or settings.LANGUAGE_CODE
            with translation.override(language):
                link = site + reply.get_absolute_url()
                profile_link = site + reverse("reader_account")
            context = {"profile": profile, "name": profile.nickname, "reply": reply, "article": reply.article,
                       "link": link, "profile_link": profile_link, "replier": reply_author_name(reply)}  # fmt: skip
            send_later(to=profile.user.email, template="mail/reply_notice", context=context, language=language)
            queued += 1
    return queued


def readers_to_mail(reply) -> list[ReaderProfile]:
    """The readers whose notices ``reply`` is among (the inverse of reply_notices_for) and who want a mail."""
    if reply.status != Comment.Status.PUBLISHED or not reply.parent_id:
        return []
    # Only the thread's author and those who replied in it before can be told; the rule itself then decides.
    in_thread = Comment.objects.filter(
        Q(pk=reply.parent_id) | Q(parent_id=reply.parent_id, created_at__lt=reply.created_at)
    )
    candidates = (
        ReaderProfile.objects.filter(reply_mail=True, user__in=in_thread.values("author_id"))
        .exclude(user_id=reply.author_id)
        .exclude(user__email="")
        .select_related("user")
    )
    return [
        profile
        for profile in candidates
        if Comment.objects.reply_notices_for(profile.user).filter(pk=reply.pk).exists()
    ]


def reply_author_name(reply) -> str:
    profile = getattr(reply.author, "reader_profile", None) if reply.author else None
    return profile.nickname if profile else ""
