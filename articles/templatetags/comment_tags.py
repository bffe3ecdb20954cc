"""Template helpers for the comment area and reply notices: times as portals show them, and the bell's count."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Comment
from articles.reply_notices import unread_reply_count
from articles.shared_threads import CommentActions, CommentAs, SignedInReader, reader_states
from articles.templatetags.site_tags import wrapping_tag

register = template.Library()


@register.filter
def time_ago(moment: datetime, now: datetime | None = None) -> str:
    """방금 전, N분 전, N시간 전, then the date: how Korean portals date a comment (the page's script keeps it
    current, since an anonymous reader's page may have been kept a few minutes)."""
    if not moment:
        return ""
    age = (now or timezone.now()) - moment
    if age < timedelta(minutes=1):
        return _("just now")
    if age < timedelta(hours=1):
        minutes = int(age.total_seconds() // 60)
        return ngettext("%(count)d minute ago", "%(count)d minutes ago", minutes) % {"count": minutes}
    if age < timedelta(days=1):
        hours = int(age.total_seconds() // 3600)
        return ngettext("%(count)d hour ago", "%(count)d hours ago", hours) % {"count": hours}
    return date_format(timezone.localtime(moment), "COMMENT_DATE_FORMAT")


@register.simple_tag(takes_context=True)
def unread_replies(context) -> int | None:
    """The signed-in reader's unread replies for the bell (one query), or None when they have no reader profile."""
    return unread_reply_count(context["user"])


def per_reader(context, inside) -> str:
    """``{% per_reader %}…{% endper_reader %}`` around a comment's actions: in the threads signed-in readers share
    (see articles.shared_threads), rendered for every state a reader can be in; anywhere else, as it is."""
    shared = context.get("shared_threads")
    if shared is None:
        return inside()
    comment = context["comment"]
    variants = {}
    for state, reader_id, looks in reader_states(comment):
        reader = SignedInReader()
        reader.pk = reader.id = reader_id
        with context.push(user=reader, comment=CommentAs(comment, **looks)):
            variants[state] = inside()
    editable_until = comment.edit_window_ends_at if comment.status in Comment.EDITABLE else None
    return shared.add_actions(CommentActions(comment.pk, comment.author_id, editable_until, variants))


def per_reader_quota(context, inside) -> str:
    """``{% per_reader_quota %}…{% endper_reader_quota %}`` around "N more comments today" (comments_left_today):
    in the shared threads, rendered once for every value it can have; anywhere else, as it is."""
    shared = context.get("shared_threads")
    if shared is None:
        return inside()

    def render_for(left):
        with context.push(comments_left_today=left):
            return inside()

    return shared.quota_slot(render_for)


wrapping_tag(register, "per_reader", per_reader)
wrapping_tag(register, "per_reader_quota", per_reader_quota)
