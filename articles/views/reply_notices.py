"""답글 알림 (reply notices): the reader's page of replies to their comments and the newsroom's answers, and the
choice of an e-mail for each (articles.reply_notices has the rules)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.forms import ReplyMailForm
from articles.models import Comment
from articles.pagination import keyset_page
from articles.reply_notices import mark_replies_seen

NEWEST_FIRST = ("-published_at", "-pk")


@never_cache
@login_required
def reader_replies(request):
    """Replies to the reader's comments and the newsroom's answers, newest first. Seeing the first page marks
    them all read; those that were new are marked so on it."""
    profile = getattr(request.user, "reader_profile", None)
    if profile is None:
        return redirect(f"{reverse('reader_account')}?next={request.path}")
    notices = (
        Comment.objects.reply_notices_for(request.user)
        .select_related("article", "author__reader_profile", "parent")
        .with_newsroom_badges()
    )
    older, newer = request.GET.get("older"), request.GET.get("newer")
    page = keyset_page(notices, ordering=NEWEST_FIRST, after=older, before=newer)
    seen_before = profile.replies_seen_at
    if page.is_first and not older:
        mark_replies_seen(profile)
    return render(request, "account/reader_replies.html", {"page": page, "seen_before": seen_before})


@require_POST
@login_required
def reply_mail_choice(request):
    """The reader's account page's checkbox: an e-mail for each reply, written in the language of this page."""
    profile = getattr(request.user, "reader_profile", None)
    if profile is None:
        return redirect("reader_account")
    form = ReplyMailForm(request.POST, instance=profile)
    if form.is_valid():
        form.instance.mail_language = get_language()
        form.instance.save(update_fields=["reply_mail", "mail_language"])
        saved = _("We will e-mail you about replies.") if profile.reply_mail else _("No more e-mails about replies.")
        messages.success(request, saved)
    return redirect("reader_account")
