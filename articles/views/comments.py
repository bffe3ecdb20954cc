"""Readers' comments: posting, replying, recommending, reading more, editing, deleting for good, reporting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from articles.comment_rules import comments_left_today, flood_limit_reached, same_text_posted_recently
from articles.comment_text import MAX_COMMENT_LENGTH, comment_length
from articles.comment_threads import (
    REPLIES_PER_THREAD,
    REPLY_ORDERING,
    comments_shown_to,
    replies_page,
    sort_in_address,
)
from articles.forms import CommentForm, CommentReportForm
from articles.models import Article, Comment, CommentReport, ReaderProfile, delete_for_good
from articles.moderation import apply_hold_rules, ban_in_force
from articles.page_cache import READERS, anonymous_page_cache, story_comments
from articles.pagination import cursor_in_address, cursor_of
from articles.reply_notices import mail_reply_notices
from articles.views import safe_next_url
from articles.views.stories import may_post_comments, render_story, thread_list_context


@require_http_methods(["GET", "POST"])
def comment_create(request, pk):
    """Posts a comment. Asked for with GET (a reload, or the language link, after a refused comment), it sends the
    reader to the story's comment form instead of a blank 405."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if request.method == "GET":
        return redirect(f"{article.get_absolute_url()}#comment-form")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_post_comments(request.user, article):
        return redirect(f"{article.get_absolute_url()}#comments")
    form = CommentForm(request.POST, instance=Comment(article=article, author=request.user))
    if refusal := post_comment(request, form):
        return render_story(request, article, comment_form=form, status=refusal)
    return redirect(form.instance)


def post_comment(request, form, *, announce=True) -> int | None:
    """Save a new comment or reply under the rules every comment follows: no bans, no floods, no same text twice,
    held when it needs an editor's look. Returns the HTTP status of a refusal, with the reason on ``form``.
    ``announce``: say how it went in a message on the next page (the page's script says it in place instead)."""
    if ban_in_force(request.user):
        return 403
    if not form.is_valid():
        return 400
    with transaction.atomic():
        # The reader's posts one at a time: of two arriving together with the same text (a double click without
        # JavaScript), the second sees the first (PostgreSQL locks the row; SQLite takes one writer anyway).
        ReaderProfile.objects.select_for_update().filter(user=request.user).first()
        # Before the flood limits: a double click's second post uses up none of the reader's allowance.
        if repeated := same_text_posted_recently(request.user, form.cleaned_data["body"]):
            form.add_error("body", repeated)
            return 409
        if limit_message := flood_limit_reached(request):
            form.add_error("body", limit_message)
            return 429
        comment = form.save(commit=False)
        if apply_hold_rules(comment):
            comment.status = Comment.Status.HELD
        try:
            comment.save()
        except Comment.DoesNotExist:  # a reply whose thread was deleted meanwhile
            return 404
    if comment.parent_id and comment.status == Comment.Status.PUBLISHED:
        mail_reply_notices([comment], site=request.build_absolute_uri("/"))
    if announce:
        messages.add_message(request, *posting_outcome(comment))
    return None


def posting_outcome(comment) -> tuple[int, str]:
    """What the reader is told after posting: (message level, text)."""
    if comment.status == Comment.Status.HELD:
        return messages.INFO, _("Your comment will appear once an editor has reviewed it.")
    return messages.SUCCESS, _("Your comment was posted.")


#: The parameters of the "more comments" address; ``fragment`` asks for the list alone (the script's request).
COMMENT_LIST_QUERY = {
    "sort": sort_in_address,
    "after": cursor_in_address,
    "fragment": lambda value: "1" if value else None,
}


@anonymous_page_cache(lambda pk: [story_comments(pk), READERS], query=COMMENT_LIST_QUERY)
def comment_list(request, pk):
    """More threads, 20 at a time: a page of its own without JavaScript, a fragment with it."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    fragment = bool(request.GET.get("fragment"))
    return_url = None if fragment else request.get_full_path()
    context = {"article": article, **thread_list_context(request, article, after=request.GET.get("after"),
                                                         return_url=return_url)}  # fmt: skip
    if fragment:
        return render(request, "includes/comment_list.html", context)
    return render(request, "articles/comment_list.html", context)


@require_http_methods(["GET", "POST"])
def comment_replies(request, pk):
    """A thread on a page of its own: the comment, all its replies, and the reply form.

    Replies are posted here; a reply to a reply joins the same thread.
    """
    in_public_stories = Comment.objects.filter(article__in=Article.objects.published()).select_related("article")
    comment = in_public_stories.filter(pk=pk).first()
    if comment and comment.parent_id:
        if request.method == "GET":
            return redirect("articles:comment_replies", comment.parent_id)
        comment = in_public_stories.filter(pk=comment.parent_id).first()
    user = request.user
    thread = comment and comments_shown_to(user).select_related("article").filter(pk=comment.pk).first()
    if thread is None:
        if request.method == "POST":  # deleted while the reply was being written
            return reply_refused(request, None)
        raise Http404
    article = thread.article
    ban = ban_in_force(user)
    can_reply = not ban and may_post_comments(user, article) and thread.status == Comment.Status.PUBLISHED
    form = CommentForm()
    status = 200
    # The story page's script posts the reply and shows it in place (or its errors) without leaving the story.
    in_place = request.method == "POST" and "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not hasattr(user, "reader_profile"):
            return redirect(f"{reverse('reader_account')}?next={request.path}")
        if thread.status == Comment.Status.DELETED:
            return reply_refused(request, thread)
        if not can_reply and not ban:
            if in_place:
                return JsonResponse({"errors": [_("Replies are closed here.")]}, status=403)
            messages.info(request, _("Replies are closed here."))
            return redirect("articles:comment_replies", thread.pk)
        form = CommentForm(request.POST, instance=Comment(article=article, author=user, parent=thread))
        if (status := post_comment(request, form, announce=not in_place)) is None:
            if in_place:
                return reply_in_place(request, form.instance, thread, can_reply)
            return redirect(where_a_reply_shows(form.instance, on_page=safe_next_url(request, None)))
        if status == 404:  # the thread was deleted as the reply was saved
            return reply_refused(request, thread)
        if in_place:
            refusal = _("You cannot comment on this site.") if status == 403 else _("Your reply was not posted.")
            return JsonResponse({"errors": form.errors.get("body", []) or [refusal]}, status=status)
    context = {
        "article": article,
        "thread": thread,
        "replies_page": replies_page(user, thread, after=request.GET.get("after")),
        "comment_form": form,
        "comment_length": comment_length(form["body"].value()),
        "comment_limit": MAX_COMMENT_LENGTH,
        "comment_ban": ban,
        "can_reply": can_reply,
        "needs_nickname": user.is_authenticated and not hasattr(user, "reader_profile"),
        "comment_return_url": request.get_full_path(),
        "comments_left_today": comments_left_today(user) if can_reply else None,
    }
    return render(request, "articles/comment_replies.html", context, status=status)


def reply_in_place(request, reply, thread, can_reply):
    """The posted reply as the story page shows it, for the script to add under its thread, with the thread's new
    "Replies N" and what to tell the reader."""
    shown = comments_shown_to(request.user).get(pk=reply.pk)
    count = Comment.objects.values_list("reply_count", flat=True).get(pk=thread.pk)
    context = {"comment": shown, "with_replies": False, "best": False, "thread_status": thread.status,
               "can_reply": can_reply}  # fmt: skip
    level, message = posting_outcome(shown)
    return JsonResponse(
        {
            "html": render_to_string("includes/comment.html", context, request).strip(),
            "replies": ngettext("Reply %(counter)s", "Replies %(counter)s", count) % {"counter": count},
            "message": message,
            "held": level == messages.INFO,
        },
        status=201,
    )


def reply_refused(request, thread):
    """A reply to a thread deleted meanwhile (``thread`` is its placeholder, or None when nothing is left): the text
    comes back, to post as a comment on the story instead, or to copy."""
    reason = _("The comment you replied to was deleted, so your reply was not posted.")
    return comment_refused(request, reason, status=404, heading=_("Your reply was not posted"),
                           article=thread and thread.article, text=request.POST.get("body", ""),
                           post_anew_to=thread and where_to_post_anew(request.user, thread))  # fmt: skip


def where_a_reply_shows(reply, *, on_page: str | None = None) -> str:
    """The page the reply was posted from (``on_page``: the story) at the reply, while it is among the replies
    shown there; else the thread's page at the reply, past the first page of replies when the thread is long."""
    earlier = Comment.objects.filter(parent_id=reply.parent_id).filter(
        Q(created_at__lt=reply.created_at) | Q(created_at=reply.created_at, pk__lt=reply.pk)
    )
    thread = reverse("articles:comment_replies", args=[reply.parent_id])
    if earlier.count() < REPLIES_PER_THREAD:
        return f"{(on_page or thread).split('#')[0]}#comment-{reply.pk}"
    previous = earlier.order_by("-created_at", "-pk").first()
    return f"{thread}?after={cursor_of(previous, REPLY_ORDERING)}#comment-{reply.pk}"


@require_POST
@login_required
def comment_recommend(request, pk):
    """추천, or taking it back (recommended=0). Answers JSON to the page's script, else goes back."""
    recommendable = Comment.objects.visible().filter(article__in=Article.objects.published())
    comment = recommendable.select_related("article").filter(pk=pk).first()
    wants_json = "application/json" in request.headers.get("Accept", "")
    if comment is None:
        return recommendation_refused(request, wants_json)
    if not comment.can_be_recommended_by(request.user) or ban_in_force(request.user):
        refusal = _("You cannot recommend your own comment.")
        if comment.author_id != request.user.pk:
            refusal = _("You cannot recommend comments while you are barred from commenting.")
        if wants_json:
            return JsonResponse({"error": refusal}, status=403)
        messages.error(request, refusal)
        return redirect(safe_next_url(request, comment.get_absolute_url()))
    recommended = request.POST.get("recommended") != "0"
    try:
        count = comment.set_recommendation(request.user, recommended)
    except Comment.DoesNotExist:  # deleted while the click waited
        return recommendation_refused(request, wants_json, comment.article)
    if wants_json:
        return JsonResponse({"recommended": recommended, "count": count})
    return redirect(safe_next_url(request, comment.get_absolute_url()))


def recommendation_refused(request, wants_json, article=None):
    """Not found, with the reason: to the script as JSON (it shows the error), else as a page."""
    refusal = _("This comment was deleted or hidden, so it cannot be recommended.")
    if wants_json:
        return JsonResponse({"error": refusal}, status=404)
    return comment_refused(request, refusal, status=404, article=article)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """GET asks the irreversible question; POST deletes. Someone else's comment is simply not found, and so is one
    deleted already: of two deletes at the same moment (two tabs, a double click), one deletes, the other says so."""
    mine = Comment.objects.filter(author=request.user)
    comment = mine.select_related("article").filter(pk=pk).first()
    if comment is None or (request.method == "POST" and not delete_for_good(mine.filter(pk=pk))):
        article = comment.article if comment else None
        return comment_refused(request, _("This comment was already deleted."), status=404, article=article)
    if request.method == "POST":
        # Back to the thread, unless it went too (a placeholder whose last reply this was).
        thread_left = comment.parent_id and Comment.objects.filter(pk=comment.parent_id).exists()
        thread = reverse("articles:comment_replies", args=[comment.parent_id]) if thread_left else None
        back = thread or f"{comment.article.get_absolute_url()}#comments"
        messages.success(request, _("Your comment was deleted."))
        return redirect(safe_next_url(request, back))
    return render(request, "articles/comment_confirm_delete.html", {"comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """Rewrite one's own comment within the edit window; the same rules as posting apply again.

    A save that comes too late, or finds the comment hidden or deleted meanwhile, writes nothing and gives the
    reader's text back with the reason (see edit_refused).
    """
    own = Comment.objects.filter(author=request.user).exclude(status=Comment.Status.DELETED)
    comment = own.select_related("article").filter(pk=pk).first()
    if request.method == "GET":
        if comment is None:
            raise Http404
        if not comment.can_be_edited_by(request.user):
            messages.info(request, _("The time to edit this comment has passed. You can still delete it."))
            return redirect(comment.get_absolute_url())
        return edit_page(request, comment, CommentForm(instance=comment))
    if comment is None or not comment.can_be_edited_by(request.user):
        return edit_refused(request, comment)
    form = CommentForm(request.POST, instance=comment)
    if not form.is_valid():
        return edit_page(request, comment, form, status=400)
    if not comment.rewrite(form.cleaned_data["body"], by=request.user, held=bool(apply_hold_rules(comment))):
        return edit_refused(request, comment)
    messages.success(request, _("Your comment was updated."))
    return redirect(comment.get_absolute_url())


def edit_page(request, comment, form, *, status=200):
    context = {"comment": comment, "comment_form": form, "comment_limit": MAX_COMMENT_LENGTH,
               "comment_length": comment_length(form["body"].value())}  # fmt: skip
    return render(request, "articles/comment_edit.html", context, status=status)


def edit_refused(request, comment):
    """The reader's rewrite of ``comment`` (None when it was not there at all) back, with why it was not saved."""
    mine = Comment.objects.filter(author=request.user)
    status = comment and mine.filter(pk=comment.pk).values_list("status", flat=True).first()
    if status in (None, Comment.Status.DELETED):
        reason, code = _("This comment was deleted, so your changes were not saved."), 404
    elif status == Comment.Status.HIDDEN:
        reason, code = _("An editor has hidden this comment, so your changes were not saved."), 409
    else:
        reason, code = _("The time to edit this comment had passed, so your changes were not saved."), 409
    return comment_refused(request, reason, status=code, heading=_("Your changes were not saved"),
                           article=comment and comment.article, text=request.POST.get("body", ""),
                           post_anew_to=comment and where_to_post_anew(request.user, comment))  # fmt: skip


def where_to_post_anew(user, comment) -> str | None:
    """Where text kept from ``comment`` can be posted as a new comment: in its thread while the thread takes
    replies, else on its story; None when the reader may not post there now."""
    public = Article.objects.published().filter(pk=comment.article_id).exists()
    if not public or ban_in_force(user) or not may_post_comments(user, comment.article):
        return None
    if comment.parent_id and Comment.objects.visible().filter(pk=comment.parent_id).exists():
        return reverse("articles:comment_replies", args=[comment.parent_id])
    return reverse("articles:comment_create", args=[comment.article_id])


def comment_refused(request, reason, *, status, heading=None, article=None, text=None, post_anew_to=None):
    """A page saying why nothing was done to a comment. What the reader wrote (``text``) comes back in a box that
    posts it as a new comment (to ``post_anew_to``), or to copy when it cannot be posted."""
    context = {
        "heading": heading or _("Comment not found"), "reason": reason, "article": article, "kept_text": text,
        "post_anew_to": post_anew_to, "comment_form": CommentForm(initial={"body": text}),
        "comment_limit": MAX_COMMENT_LENGTH, "comment_length": comment_length(text or ""),
    }  # fmt: skip
    return render(request, "articles/comment_refused.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def comment_report(request, pk):
    reportable = (
        Comment.objects.visible()
        .filter(article__in=Article.objects.published())
        .exclude(author=request.user)
        .select_related("article")
    )
    comment = get_object_or_404(reportable, pk=pk)
    back = comment.get_absolute_url()
    if CommentReport.objects.filter(comment=comment, reporter=request.user).exists():
        messages.info(request, _("You have already reported this comment. The editors will review it."))
        return redirect(back)
    form = CommentReportForm(request.POST or None, instance=CommentReport(comment=comment, reporter=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except Comment.DoesNotExist:  # deleted or hidden meanwhile
            reason = _("This comment was deleted or hidden meanwhile, so there is nothing left to report.")
            return comment_refused(request, reason, status=404, article=comment.article)
        messages.success(request, _("Thank you. Your report was received and the editors will review it."))
        return redirect(back)
    return render(request, "articles/comment_report.html", {"comment": comment, "form": form})
