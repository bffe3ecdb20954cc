"""Readers' comments: posting, reading more, deleting for good, reporting."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import get_usage

from articles.comment_text import MAX_COMMENT_LENGTH, comment_length
from articles.forms import CommentForm, CommentReportForm
from articles.models import Article, Comment, CommentReport
from articles.moderation import ban_in_force, hold_reason
from articles.views import safe_next_url
from articles.views.stories import comments_page, render_story


@require_POST
@login_required
def comment_create(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    if not article.accepts_comments() or not hasattr(request.user, "reader_profile"):
        return redirect(f"{article.get_absolute_url()}#comments")
    form = CommentForm(request.POST, instance=Comment(article=article, author=request.user))
    if ban_in_force(request.user):
        return render_story(request, article, comment_form=form, status=403)
    if form.is_valid():
        if limit_message := flood_limit_reached(request):
            form.add_error("body", limit_message)
            return render_story(request, article, comment_form=form, status=429)
        comment = form.save(commit=False)
        if hold_reason(comment):
            comment.status = Comment.Status.HELD
        comment.save()
        if comment.status == Comment.Status.HELD:
            messages.info(request, _("Your comment will appear once an editor has reviewed it."))
        else:
            messages.success(request, _("Your comment was posted."))
        return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")
    return render_story(request, article, comment_form=form, status=400)


def flood_limit_reached(request) -> str | None:
    """A message when the reader has posted too much, counted in the site's shared cache."""
    limits = (
        ("comments-minute", f"{settings.COMMENTS_PER_MINUTE}/m",
         _("You can post %(count)d comments a minute. Please wait a moment and try again.")),
        ("comments-day", f"{settings.COMMENTS_PER_DAY}/d",
         _("You have reached today's limit of %(count)d comments. You can comment again tomorrow.")),
    )  # fmt: skip
    for group, rate, message in limits:
        usage = get_usage(request, group=group, key="user", rate=rate, method="POST", increment=True)
        if usage and usage["should_limit"]:
            return message % {"count": usage["limit"]}
    return None


def comment_list(request, pk):
    """More comments, 20 at a time: a page of its own without JavaScript, a fragment with it."""
    article = get_object_or_404(Article.objects.published(), pk=pk)
    page = comments_page(request, article, older=request.GET.get("older"))
    context = {"article": article, "comments_page": page}
    if request.GET.get("fragment"):
        return render(request, "includes/comment_list.html", context)
    return render(request, "articles/comment_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request, pk):
    """GET asks the irreversible question; POST deletes. Someone else's comment is simply not found."""
    comment = get_object_or_404(Comment.objects.filter(author=request.user).select_related("article"), pk=pk)
    if request.method == "POST":
        article = comment.article
        comment.delete()
        messages.success(request, _("Your comment was deleted."))
        return redirect(safe_next_url(request, f"{article.get_absolute_url()}#comments"))
    return render(request, "articles/comment_confirm_delete.html", {"comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request, pk):
    """Rewrite one's own comment within the edit window; the same rules as posting apply again."""
    comment = get_object_or_404(Comment.objects.filter(author=request.user).select_related("article"), pk=pk)
    back = f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    if not comment.can_be_edited_by(request.user):
        messages.info(request, _("The time to edit this comment has passed. You can still delete it."))
        return redirect(back)
    form = CommentForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        comment = form.save(commit=False)
        comment.edited_at = timezone.now()
        if hold_reason(comment):
            comment.status = Comment.Status.HELD
        comment.save()
        messages.success(request, _("Your comment was updated."))
        return redirect(back)
    context = {"comment": comment, "comment_form": form, "comment_limit": MAX_COMMENT_LENGTH,
               "comment_length": comment_length(form["body"].value())}  # fmt: skip
    return render(request, "articles/comment_edit.html", context, status=400 if form.errors else 200)


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
    back = f"{comment.article.get_absolute_url()}#comment-{comment.pk}"
    if CommentReport.objects.filter(comment=comment, reporter=request.user).exists():
        messages.info(request, _("You have already reported this comment. The editors will review it."))
        return redirect(back)
    form = CommentReportForm(request.POST or None, instance=CommentReport(comment=comment, reporter=request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Thank you. Your report was received and the editors will review it."))
        return redirect(back)
    return render(request, "articles/comment_report.html", {"comment": comment, "form": form})
