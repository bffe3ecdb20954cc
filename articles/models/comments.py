"""Readers' comments on stories, and their reports of other readers' comments."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.comment_text import MAX_COMMENT_LENGTH, normalize_comment
from articles.models.stories import Article, Byline
from articles.page_cache import bump_comments


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What every reader sees: published comments."""
        return self.filter(status=Comment.Status.PUBLISHED)

    def listed_for(self, user):
        """What the comment list shows ``user``: published comments, hidden and deleted ones (as
        placeholders without their text, so their replies still read), their own comments awaiting
        review, and others' held threads that have replies (as placeholders too)."""
        shown = Q(status__in=[Comment.Status.PUBLISHED, Comment.Status.HIDDEN, Comment.Status.DELETED])
        # A thread held after an edit keeps its replies in view, under a placeholder.
        shown |= Q(status=Comment.Status.HELD, reply_count__gt=0)
        if user.is_authenticated:
            shown |= Q(status=Comment.Status.HELD, author=user)
        return self.filter(shown)

    def threads(self):
        """Top-level comments, the ones replies hang under."""
        return self.filter(parent__isnull=True)

    def with_reader_state(self, user):
        """Mark the comments ``user`` has recommended, in the same query."""
        if not user.is_authenticated:
            return self.annotate(recommended_by_reader=Value(False))
        mine = CommentRecommendation.objects.filter(comment=OuterRef("pk"), reader=user)
        return self.annotate(recommended_by_reader=Exists(mine))

    def with_reader_reports(self, user):
        """Mark the comments ``user`` has reported ("Reported" instead of a second report link), in the same query."""
        if not user.is_authenticated:
            return self  # no report links for them (and a second Value() here upsets Django's sliced prefetch)
        return self.annotate(
            reported_by_reader=Exists(CommentReport.objects.filter(comment=OuterRef("pk"), reporter=user))
        )

    def reply_notices_for(self, user):
        """답글 알림: the replies ``user`` is told about, on public stories: others' published replies to their
        comments, and the newsroom's answers in threads where they had replied before. Held, hidden and deleted
        replies are never among them (a held one joins once approved: see Comment.published_at)."""
        return self.replies_to_comments_of(user) | self.newsroom_answers_to(user)

    def replies_to_comments_of(self, user):
        """Others' published replies to ``user``'s comments, on public stories (the reader's comments first, by
        their author index, then their replies by the parent's)."""
        return self._notices_for(user).filter(parent__author=user)

    def newsroom_answers_to(self, user):
        """Replies by the newsroom (a reporter on the byline, an editor) in threads where ``user`` replied before."""
        mine = Comment.objects.filter(author=user)
        earlier_reply_of_mine = mine.filter(parent=OuterRef("parent_id"), created_at__lt=OuterRef("created_at"))
        threads_replied_in = mine.filter(parent__isnull=False).values("parent_id")
        return self._notices_for(user).filter(
            Q(parent__in=threads_replied_in) & Q(Exists(earlier_reply_of_mine)) & newsroom_authored()
        )

    def _notices_for(self, user):
        return self.visible().filter(parent__isnull=False, article__in=Article.objects.published()).exclude(author=user)

    def with_newsroom_badges(self):
        """Mark comments by a reporter on the story's byline, or by an editor, in the same query."""
        on_byline = Byline.objects.filter(article=OuterRef("article_id"), reporter__user=OuterRef("author_id"))
        editors = get_user_model().groups.through.objects.filter(user=OuterRef("author_id"), group__name="Editors")
        return self.annotate(by_story_reporter=Exists(on_byline), by_editor=Exists(editors))

    def editable_by(self, user, *, at=None):
        """What ``user`` may still rewrite at ``at`` (now): their own comments, neither hidden nor deleted, inside
        the edit window. Comment.can_be_edited_by() as a condition, for the UPDATE that saves an edit."""
        if not user.is_authenticated:
            return self.none()
        opened_after = (at or timezone.now()) - edit_window()
        return self.filter(author=user, status__in=Comment.EDITABLE, created_at__gt=opened_after)

    def needing_review(self):
        """What an editor still has to look at: held comments, and published ones that were reported.

        As a list of ids read from the status index and the reports, each comment once: the condition joined to
        the reports (an OR across two tables) read every comment, and repeated a comment once per report."""
        held = Comment.objects.filter(status=Comment.Status.HELD).order_by().values("pk")
        reported = CommentReport.objects.filter(comment__status=Comment.Status.PUBLISHED).order_by().values("comment")
        return self.filter(pk__in=held.union(reported))


def newsroom_authored() -> Q:
    """Written by a reporter on the story's byline or by an editor: the comments that carry a newsroom badge."""
    on_byline = Byline.objects.filter(article=OuterRef("article_id"), reporter__user=OuterRef("author_id"))
    editors = get_user_model().groups.through.objects.filter(user=OuterRef("author_id"), group__name="Editors")
    return Q(Exists(on_byline)) | Q(Exists(editors))


def edit_window() -> timedelta:
    return timedelta(seconds=settings.COMMENTS_EDIT_WINDOW_SECONDS)


class Comment(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Awaiting review")
        HIDDEN = "hidden", _("Hidden by an editor")
        DELETED = "deleted", _("Deleted, kept as a placeholder for its replies")

    class HeldRule(models.TextChoices):
        BLOCKED_WORD = "blocked_word", _("blocked word")
        LINKS = "links", _("too many links")
        NEW_READER = "new_reader", _("a new reader's first comments")

    #: What its author may still rewrite (within the edit window): not what an editor hid, nor a placeholder.
    EDITABLE = [Status.PUBLISHED, Status.HELD]

    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="comments")
    # Empty only on the placeholder of a deleted comment that has replies: nothing of it is kept.
    # A deleted account's comments are removed by delete_readers_comments() before this applies.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        related_name="comments",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        on_delete=models.CASCADE,
        related_name="replies",
        null=True,
        blank=True,
    )
    body = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # When readers could first see it: its posting, or an editor's approval of a held one. Reply notices
    # (articles.reply_notices) count from it, so that a reply approved late is news when it appears.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    # Why it was last held, for the editor who reviews it (articles.moderation.apply_hold_rules).
    held_rule = models.CharField(
        _("held for"),
        max_length=20,
        choices=HeldRule.choices,
        blank=True,
        help_text=_("The hold rule this comment met when it was last held."),
    )
    held_text = models.CharField(
        _("held text"),
        max_length=200,
        blank=True,
        help_text=_("What in the comment met the rule, as the reader wrote it (the blocked word, the links)."),
    )
    # Kept up to date by recount_replies() and recommend()/take_back_recommendation(), so that
    # sorting and the BEST comments read a column instead of counting rows.
    reply_count = models.PositiveIntegerField(_("replies"), default=0, editable=False)
    recommendation_count = models.PositiveIntegerField(_("recommendations"), default=0, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, hide, restore and delete readers' comments"))]
        indexes = [
            models.Index(fields=["article", "status", "-created_at", "-id"], name="comment_article_listing"),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
            # One index per way the story page sorts its threads, and one for each thread's replies.
            models.Index(
                fields=["article", "-created_at", "-id"], condition=Q(parent=None), name="comment_threads_by_time"
            ),
            models.Index(
                fields=["article", "-recommendation_count", "-created_at", "-id"],
                condition=Q(parent=None),
                name="comment_threads_by_votes",
            ),
            models.Index(
                fields=["article", "-reply_count", "-created_at", "-id"],
                condition=Q(parent=None),
                name="comment_threads_by_replies",
            ),
            models.Index(fields=["parent", "created_at", "id"], name="comment_replies_in_order"),
            # The moderation queue's pages (articles.admin.moderation): newest first, of all or of one status.
            models.Index(fields=["-created_at", "-id"], name="comment_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="comment_status_newest"),
        ]

    def __str__(self):
        return self.body[:40]

    def save(self, *args, **kwargs):
        """Insert a new comment, or update one that is still there: never insert a deleted one again.

        Raises Comment.DoesNotExist, writing nothing, for a comment deleted since it was read (or made a
        placeholder: its text and author stay gone), and for a reply whose thread was deleted meanwhile.
        """
        adding = self._state.adding
        if adding and self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = self.created_at
        with transaction.atomic():
            stored = lock_for_recount([self.article_id], [pk for pk in (self.parent_id, self.pk) if pk])
            deleted = self.Status.DELETED
            if adding and self.parent_id and stored.get(self.parent_id, deleted) == deleted:
                raise Comment.DoesNotExist(f"Comment {self.parent_id}, replied to, was deleted.")
            # Only a placeholder may be saved over a placeholder.
            if not adding and (self.pk not in stored or stored[self.pk] == deleted != self.status):
                raise Comment.DoesNotExist(f"Comment {self.pk} was deleted.")
            super().save(*args, **(kwargs if adding else {"force_update": True, **kwargs}))
            recount_comments([self.article_id])
            if self.parent_id:
                recount_replies([self.parent_id])

    def get_absolute_url(self):
        """Where it reads in context: on its story for a thread, on its thread's page for a reply."""
        if self.parent_id:
            return f"{reverse('articles:comment_replies', args=[self.parent_id])}#comment-{self.pk}"
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_placeholder(self) -> bool:
        """Shown without its text: hidden by an editor, or deleted while others had replied to it."""
        return self.status in (self.Status.HIDDEN, self.Status.DELETED)

    @property
    def edit_window_ends_at(self):
        return self.created_at + edit_window()

    @property
    def edit_seconds_left(self) -> int:
        """Whole seconds left to rewrite it (rounded down: never promise more than there is)."""
        return max(0, int((self.edit_window_ends_at - timezone.now()).total_seconds()))

    @property
    def is_within_edit_window(self) -> bool:
        """Still young enough to be rewritten (and neither hidden by an editor nor deleted)."""
        return self.status in self.EDITABLE and timezone.now() < self.edit_window_ends_at

    def can_be_edited_by(self, user) -> bool:
        """Its author may rewrite it for a short while after posting; after that, only delete it."""
        return user.is_authenticated and user.pk == self.author_id and self.is_within_edit_window

    def rewrite(self, body: str, *, by, held: bool = False) -> bool:
        """Store ``body`` as the comment's new text while ``by`` may still edit it, held for review if ``held``
        (for the reason apply_hold_rules() noted on it).

        One UPDATE carrying every condition decides, after the locks every recount takes: when the comment was
        deleted, hidden or its window closed in the meantime it writes nothing (no row comes back) and answers
        False.
        """
        now = timezone.now()
        held_for = {"status": self.Status.HELD, "held_rule": self.held_rule, "held_text": self.held_text}
        changes = {"body": body, "edited_at": now, **(held_for if held else {})}
        with transaction.atomic():
            lock_for_recount([self.article_id], [pk for pk in (self.parent_id, self.pk) if pk])
            if not Comment.objects.editable_by(by, at=now).filter(pk=self.pk).update(**changes):
                return False
            recount_comments([self.article_id])
            if self.parent_id:
                recount_replies([self.parent_id])
        for field, value in changes.items():
            setattr(self, field, value)
        return True

    def can_be_recommended_by(self, user) -> bool:
        """Any signed-in reader may recommend a published comment, except its own author."""
        return user.is_authenticated and user.pk != self.author_id and self.status == self.Status.PUBLISHED

    def set_recommendation(self, reader, recommended: bool) -> int:
        """Add (or take back) ``reader``'s recommendation and return the new count.

        Every change to one comment's recommendations waits for its row lock, so the stored count is
        recounted by one transaction at a time and stays exact however many readers click at once. Raises
        Comment.DoesNotExist when the comment was deleted meanwhile (hidden, it just takes no recommendation).
        """
        with transaction.atomic():
            status = Comment.objects.select_for_update().filter(pk=self.pk).values_list("status", flat=True).first()
            if status in (None, self.Status.DELETED):  # a placeholder is a deleted comment too
                raise Comment.DoesNotExist(f"Comment {self.pk} was deleted.")
            mine = CommentRecommendation.objects.filter(comment=self, reader=reader)
            if not recommended:
                mine.delete()
            elif status == self.Status.PUBLISHED and not mine.exists():  # hidden meanwhile: no
                CommentRecommendation.objects.create(comment=self, reader=reader)
            recount_recommendations([self.pk])
            self.recommendation_count = Comment.objects.values_list("recommendation_count", flat=True).get(pk=self.pk)
        return self.recommendation_count

    def clean(self):
        if self.status == self.Status.DELETED:
            return  # a placeholder keeps no text: nothing to check (an editor's page may be reading one)
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
    if instance.parent_id:
        recount_replies([instance.parent_id])


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def delete_readers_comments(sender, instance, **kwargs):
    """A deleted account takes its comments along, leaving placeholders where others replied.

    Django has already gathered the rows its on_delete touches; SET_NULL then finds the deleted ones gone
    and the placeholders already without an author.
    """
    delete_for_good(Comment.objects.filter(author=instance))


def delete_for_good(comments) -> set[int]:
    """Delete ``comments`` and their text for good; the keys of those it deleted.

    One that others replied to becomes a placeholder ("This comment was deleted.") without text or
    author, so its thread still reads; a placeholder goes too once its last reply does. Of two deletes
    of one comment at the same moment, the second finds nothing left to delete.
    """
    with transaction.atomic():
        seen = list(comments.values("pk", "article_id", "parent_id"))
        lock_for_recount({row["article_id"] for row in seen}, {row[key] for row in seen for key in ("pk", "parent_id")})
        # Read again under the locks: what another transaction deleted meanwhile is no longer there.
        doomed = {
            comment.pk: comment
            for comment in comments.filter(pk__in=[row["pk"] for row in seen])
            .exclude(status=Comment.Status.DELETED)
            .only("pk", "article_id", "parent_id")
        }
        parents = {comment.parent_id for comment in doomed.values() if comment.parent_id}
        replied_to = set(
            Comment.objects.filter(parent__in=doomed.keys())
            .exclude(pk__in=doomed.keys())
            .values_list("parent_id", flat=True)
        )
        Comment.objects.filter(pk__in=replied_to).update(
            body="", author=None, status=Comment.Status.DELETED, edited_at=None, recommendation_count=0
        )
        CommentRecommendation.objects.filter(comment__in=replied_to).delete()
        CommentReport.objects.filter(comment__in=replied_to).delete()
        Comment.objects.filter(pk__in=doomed.keys() - replied_to).delete()  # counts follow on post_delete
        Comment.objects.filter(pk__in=parents, status=Comment.Status.DELETED).exclude(
            Exists(Comment.objects.filter(parent=OuterRef("pk")))
        ).delete()
        recount_comments({comment.article_id for comment in doomed.values()})
        recount_replies(parents | replied_to)
    return set(doomed)


def lock_for_recount(article_ids, comment_ids=()) -> dict[int, str]:
    """Take the row locks of the stories, then the comments, whose counts a transaction will recount;
    the status of each comment locked (one deleted meanwhile is missing).

    A recount reads the rows committed when its statement starts: without the locks, two replies
    posted at once could each count only themselves. Stories before comments, each in key order,
    everywhere, so that two transactions never wait for each other.
    """
    list(Article.objects.select_for_update().filter(pk__in=list(article_ids)).order_by("pk").values_list("pk"))
    comment_ids = [pk for pk in comment_ids if pk]
    if not comment_ids:
        return {}
    locked = Comment.objects.select_for_update().filter(pk__in=comment_ids).order_by("pk")
    return dict(locked.values_list("pk", "status"))


def _counted(rows, per):
    """How many of ``rows`` belong to the outer row (through their ``per`` field), for storing counts in one
    UPDATE instead of counting rows on every page."""
    per_row = rows.filter(**{per: OuterRef("pk")}).order_by().values(per).annotate(total=Count("pk")).values("total")
    return Coalesce(Subquery(per_row), 0)


def recount_comments(article_ids) -> None:
    """Store each story's number of visible comments."""
    article_ids = list(article_ids)
    Article.objects.filter(pk__in=article_ids).update(comment_count=_counted(Comment.objects.visible(), "article"))
    bump_comments(article_ids)  # every change readers see of comments ends here: their pages follow


def recount_replies(parent_ids) -> None:
    """Store each thread's number of visible replies, for "Replies N" and sorting by replies."""
    Comment.objects.filter(pk__in=list(parent_ids)).update(reply_count=_counted(Comment.objects.visible(), "parent"))


def recount_recommendations(comment_ids) -> None:
    comment_ids = list(comment_ids)
    recommendations = _counted(CommentRecommendation.objects.all(), "comment")
    Comment.objects.filter(pk__in=comment_ids).update(recommendation_count=recommendations)
    bump_comments(Comment.objects.filter(pk__in=comment_ids).values_list("article_id", flat=True).distinct())


class CommentRecommendation(models.Model):
    """추천: one reader's recommendation of someone else's comment."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="recommendations"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("recommended at"), default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader"], name="comment_recommended_once_per_reader"),
        ]

    def __str__(self):
        return f"{self.reader_id} → {self.comment_id}"


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

    def save(self, *args, **kwargs):
        """A report is taken only on a comment still shown, held under its row lock until the report is in: one
        deleted (or hidden) meanwhile raises Comment.DoesNotExist, so no report is left on a placeholder."""
        with transaction.atomic():
            if not list(Comment.objects.visible().select_for_update().filter(pk=self.comment_id).values_list("pk")):
                raise Comment.DoesNotExist(f"Comment {self.comment_id} is no longer shown.")
            super().save(*args, **kwargs)


@receiver(post_delete, sender=CommentRecommendation)
def recount_after_recommendation_deleted(sender, instance, **kwargs):
    """A reader's account deleted takes their recommendations, and the counts, with it."""
    recount_recommendations([instance.comment_id])
