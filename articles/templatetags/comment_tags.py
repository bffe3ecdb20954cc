"""Template helpers for the comment area and reply notices: times as portals show them, and the bell's count."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.reply_notices import unread_reply_count

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
