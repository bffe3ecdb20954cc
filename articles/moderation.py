"""Moderating readers' comments: what is held at posting time (and why), editors' actions and bans.

Every editor's action changes the comments, keeps the stories' comment counts
exact and writes the audit trail in one transaction.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.blocked_words import BlockedWords, compiled
from articles.models import (
    AllowedPhrase,
    BlockedPhrase,
    Comment,
    CommentBan,
    CommentReport,
    HoldRules,
    ModerationLogEntry,
    delete_for_good,
    lock_for_recount,
    recount_comments,
    recount_replies,
)
from articles.page_cache import BANS, readers_value
from articles.reply_notices import mail_reply_notices

Action = ModerationLogEntry.Action
HeldRule = Comment.HeldRule
#: A link as readers write one: with its scheme, from www., or a bare domain (bit.ly/x, example.com/path).
#: A bare domain ends in a known or a country's lower-case ending, so "e.g.", "3.5" and "Dr.Oh" are not links,
#: nor is an e-mail address; Korean may touch it on either side (링크는bit.ly/x).
_LINK = re.compile(
    r"(?i:https?://|www\.)\S+"
    r"|(?<![A-Za-z0-9@.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+"
    r"(?:com|net|org|info|biz|xyz|app|dev|site|online|shop|link|club|top|[a-z]{2})(?![A-Za-z0-9@-])(?:/\S*)?"
)


@dataclass(frozen=True)
class Hold:
    """Why a comment waits for an editor: the rule it met and what in it met the rule."""

    rule: HeldRule
    text: str = ""


def apply_hold_rules(comment: Comment) -> Hold | None:
    """Note on ``comment`` (held_rule, held_text, for the queue once it is saved) why it must wait for an
    editor, and return that reason; None when it may appear at once."""
    hold = _hold_for(comment)
    comment.held_rule, comment.held_text = (hold.rule, hold.text[:200]) if hold else ("", "")
    return hold


def _hold_for(comment: Comment) -> Hold | None:
    if found := blocked_words().first_match(comment.body):
        return Hold(HeldRule.BLOCKED_WORD, found.text)
    rules = HoldRules.get_solo()
    links = links_in(comment.body)
    if len(links) > rules.max_links:
        return Hold(HeldRule.LINKS, " ".join(links))
    if rules.hold_first_comments:
        approved = Comment.objects.filter(author_id=comment.author_id, status=Comment.Status.PUBLISHED).count()
        if approved < rules.hold_first_comments:
            return Hold(HeldRule.NEW_READER)
    return None


def blocked_words() -> BlockedWords:
    """The editors' lists, read in two queries and compiled once for as long as they stay as they are."""
    blocked = BlockedPhrase.objects.order_by("pk").values_list("phrase", "match")
    allowed = AllowedPhrase.objects.order_by("pk").values_list("phrase", flat=True)
    return compiled(tuple((phrase, match == BlockedPhrase.Match.WORD) for phrase, match in blocked), tuple(allowed))


def links_in(text: str) -> list[str]:
    """The links in ``text``, full-width forms read as what they look like."""
    return _LINK.findall(unicodedata.normalize("NFKC", text))


def ban_in_force(user) -> CommentBan | None:
    """The reader's longest ban in force, kept until bans change (page_cache.BANS) or it runs out."""
    if not user.is_authenticated:
        return None
    ban = readers_value(user, "ban", [BANS], lambda: longest_ban(user))
    if ban is not None and ban.until is not None and ban.until <= timezone.now():
        return longest_ban(user)  # ran out since: the reader may be free, or under another ban
    return ban


def longest_ban(user) -> CommentBan | None:
    # The longest ban first: one without an end date outlasts any other.
    return CommentBan.objects.in_force().filter(reader=user).order_by(F("until").desc(nulls_first=True)).first()


def _log(action, editor, comments=(), *, reader=None, note=""):
    entries = [
        ModerationLogEntry(
            action=action, editor=editor, comment_id=comment.pk, article_id=comment.article_id,
            article_title=str(comment.article)[:200], reader_id=comment.author_id,
            reader_name=_reader_name(comment.author), note=note,
        )
        for comment in comments
    ]  # fmt: skip
    if reader is not None:
        entries.append(
            ModerationLogEntry(
                action=action, editor=editor, reader_id=reader.pk, reader_name=_reader_name(reader), note=note
            )
        )
    ModerationLogEntry.objects.bulk_create(entries)


def _reader_name(user) -> str:
    if user is None:  # the placeholder of a deleted comment
        return ""
    profile = getattr(user, "reader_profile", None)
    return f"{profile.nickname} ({user.get_username()})" if profile else user.get_username()


def _change_status(comments, new_status, action, *, by, allowed_from, **changes) -> list[Comment]:
    """Give the chosen comments ``new_status`` (and ``changes``), log it and recount; the comments changed."""
    with transaction.atomic():
        chosen = list(comments.filter(status__in=allowed_from).select_related("article", "author__reader_profile"))
        locked = lock_for_recount(
            {comment.article_id for comment in chosen},
            {comment.pk for comment in chosen} | {comment.parent_id for comment in chosen if comment.parent_id},
        )
        # As they are under the locks: one deleted (or changed) meanwhile is left as it is now, never brought back.
        chosen = [comment for comment in chosen if locked.get(comment.pk) in allowed_from]
        Comment.objects.filter(pk__in=[comment.pk for comment in chosen]).update(status=new_status, **changes)
        _log(action, by, chosen)
        recount_comments({comment.article_id for comment in chosen})
        recount_replies({comment.parent_id for comment in chosen if comment.parent_id})
    for comment in chosen:
        comment.status = new_status
    return chosen


def approve(comments, *, by) -> int:
    """Publish held comments; the replies among them are news to the readers they answer (reply notices)."""
    with transaction.atomic():
        approved = _change_status(comments, Comment.Status.PUBLISHED, Action.APPROVE, by=by,
                                  allowed_from=[Comment.Status.HELD], published_at=timezone.now())  # fmt: skip
        mail_reply_notices([comment for comment in approved if comment.parent_id])
    return len(approved)


def hide(comments, *, by) -> int:
    """Replace comments by a placeholder for readers; reversible."""
    allowed = [Comment.Status.PUBLISHED, Comment.Status.HELD]
    return len(_change_status(comments, Comment.Status.HIDDEN, Action.HIDE, by=by, allowed_from=allowed))


def restore(comments, *, by) -> int:
    # A comment hidden while still held is published for the first time now.
    first_shown = Coalesce("published_at", Value(timezone.now()))
    return len(_change_status(comments, Comment.Status.PUBLISHED, Action.RESTORE, by=by,
                              allowed_from=[Comment.Status.HIDDEN], published_at=first_shown))  # fmt: skip


def dismiss_reports(comments, *, by) -> int:
    """Clear the reports on comments an editor found acceptable."""
    with transaction.atomic():
        reported = list(
            comments.filter(reports__isnull=False).distinct().select_related("article", "author__reader_profile")
        )
        CommentReport.objects.filter(comment__in=reported).delete()
        _log(Action.DISMISS, by, reported)
    return len(reported)


def delete_permanently(comments, *, by) -> int:
    """Remove comments and their text for good (one with replies stays as a placeholder, as when its
    author deletes it); the log keeps who, what number, which story and when."""
    with transaction.atomic():
        doomed = list(comments.select_related("article", "author__reader_profile"))
        deleted = delete_for_good(Comment.objects.filter(pk__in=[comment.pk for comment in doomed]))
        _log(Action.DELETE, by, [comment for comment in doomed if comment.pk in deleted])
    return len(deleted)


def ban(reader, *, by, reason: str, until=None) -> CommentBan:
    with transaction.atomic():
        entry = CommentBan.objects.create(reader=reader, reason=reason, until=until, created_by=by)
        _log(Action.BAN, by, reader=reader, note=reason)
    return entry


def lift_ban(entry: CommentBan, *, by) -> None:
    with transaction.atomic():
        entry.lifted_at = timezone.now()
        entry.lifted_by = by
        entry.save(update_fields=["lifted_at", "lifted_by"])
        _log(Action.UNBAN, by, reader=entry.reader, note=entry.reason)
