"""Readers' comments on stories, and their reports of other readers' comments."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.comment_text import MAX_COMMENT_LENGTH, normalize_comment
from articles.models.stories import Article, Byline


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What every reader sees: published comments."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def listed_for(self, user):
        """What the comment list shows ``user``: published comments, hidden ones (as a placeholder
        without their text), and their own comments awaiting review."""
        shown = Q(status__in=[Comment.Status.PUBLISHED, Comment.Status.HIDDEN])
        if user.is_authenticated:
            shown |= Q(status=Comment.Status.HELD, author=user)
        return self.filter(shown)

    def with_newsroom_badges(self):
        """Mark comments by a reporter on the story's byline, or by an editor, in the same query."""
        on_byline = Byline.objects.filter(article=OuterRef("article_id"), reporter__user=OuterRef("author_id"))
        editors = get_user_model().groups.through.objects.filter(user=OuterRef("author_id"), group__name="Editors")
        return self.annotate(by_story_reporter=Exists(on_byline), by_editor=Exists(editors))

    def needing_review(self):
        """What an editor still has to look at: held comments, and published ones that were reported."""
        return self.filter(Q(status=Comment.Status.HELD) | Q(status=Comment.Status.PUBLISHED, reports__isnull=False))


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden by an editor")

    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, hide, restore and delete readers' comments"))]
        indexes = [
            models.Index(fields=["article", "status", "-created_at", "-id"], name="comment_article_listing"),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
        ]

    def __str__(self):
        return self.body[:40]

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            recount_comments([self.article_id])

    @property
    def is_within_edit_window(self) -> bool:
        """Still young enough to be rewritten (and not hidden by an editor)."""
        window = timedelta(seconds=settings.COMMENTS_EDIT_WINDOW_SECONDS)
        return self.status != self.Status.HIDDEN and timezone.now() < self.created_at + window

    def can_be_edited_by(self, user) -> bool:
        """Its author may rewrite it for a short while after posting; after that, only delete it."""
        return user.is_authenticated and user.pk == self.author_id and self.is_within_edit_window

    def clean(self):
        self.body = normalize_comment(self.body)
        if not self.body:
            raise ValidationError({"body": _("Write something before posting.")})
        if len(self.body) > MAX_COMMENT_LENGTH:
            raise ValidationError(
                {
                    "body": _("A comment can be at most %(limit)d characters; this one has %(count)d.")
                    % {"limit": MAX_COMMENT_LENGTH, "count": len(self.body)}
                }
            )


@receiver(post_delete, sender=Comment)
def recount_after_deletion(sender, instance, **kwargs):
    """However a comment goes (its author, an editor, an account or a story deleted), counts follow."""
    recount_comments([instance.article_id])


def recount_comments(article_ids) -> None:
    """Store each story's number of visible comments, so pages show it without counting rows."""
    visible = (
        Comment.objects.visible()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(total=Count("pk"))
        .values("total")
    )
    Article.objects.filter(pk__in=list(article_ids)).update(comment_count=Coalesce(Subquery(visible), 0))


class CommentReport(models.Model):
    """A reader's report of someone else's comment, for the editors' moderation queue."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        ABUSE = "abuse", _("Insults, harassment or hate")
        PRIVACY = "privacy", _("Someone's private information")
        FALSE = "false", _("False information")
        OTHER = "other", _("Something else")

    comment = models.ForeignKey(Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices, default=Reason.OTHER)
    details = models.CharField(_("details"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="comment_report_once_per_reader"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment_id}"
