"""Right of reply (반론보도·정정보도 청구): a reader's or a named person's request, and the editors' queue.

A request is received from the story page's form, then accepted and published under the story, or declined with
a reason. Each step is dated, records the editor who took it, and writes the requester a mail in the language they
used the form in. Publishing changes the story's public page, so it refreshes the story's kept page (and only it).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles.models.stories import PUBLISH_PERMISSION, Article
from articles.outbox import send_later
from articles.page_cache import bump, story_comments

#: Editors handle the queue: the publish permission, or this one alone (given to the Editors group).
HANDLE_PERMISSION = "articles.handle_replyrequest"


def may_handle_replies(user) -> bool:
    return user.has_perm(HANDLE_PERMISSION) or user.has_perm(PUBLISH_PERMISSION)


class ReplyRequestQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ReplyRequest.State.PUBLISHED)

    def waiting(self):
        """What an editor still has to decide or publish."""
        return self.filter(state__in=[ReplyRequest.State.RECEIVED, ReplyRequest.State.ACCEPTED])


class ReplyRequest(models.Model):
    class Relation(models.TextChoices):
        NAMED = "named", _("I am named or concerned in the story")
        READER = "reader", _("I am a reader")

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction (the story states something untrue)")
        REPLY = "reply", _("Reply (I want my side published)")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        PUBLISHED = "published", _("Published")
        DECLINED = "declined", _("Declined")

    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="reply_requests"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    relation = models.CharField(_("relation to the story"), max_length=10, choices=Relation.choices)
    kind = models.CharField(_("kind of request"), max_length=10, choices=Kind.choices)
    what_is_wrong = models.TextField(_("what is wrong"))
    text = models.TextField(_("text to publish"))
    show_name = models.BooleanField(
        _("publish the name"), default=True, help_text=_("Whether the requester's name may appear with the reply.")
    )
    #: The language the requester used the form in: their mails are written in it.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RECEIVED)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True, editable=False)
    decline_reason = models.TextField(_("reason for declining"), blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ReplyRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("reply or correction request")
        verbose_name_plural = _("reply and correction requests")
        permissions = [("handle_replyrequest", _("Can accept, publish and decline reply requests"))]
        indexes = [models.Index(fields=["article", "state", "published_at"], name="reply_request_story_state")]

    def __str__(self):
        return f"{self.name}: {self.article}"

    # The queue: received → accepted → published, or declined (from received or accepted) with a reason.

    def accept(self, *, by) -> None:
        self._step(by, {self.State.RECEIVED}, self.State.ACCEPTED, "accepted_at")

    def publish(self, *, by, story_url: str) -> None:
        """Show the reply under the story; ``story_url`` (absolute) goes into the requester's mail."""
        self._step(by, {self.State.ACCEPTED}, self.State.PUBLISHED, "published_at", story_url=story_url)
        recount_published_replies(self.article_id)

    def decline(self, *, by, reason: str) -> None:
        if not reason.strip():
            raise ValidationError({"decline_reason": _("Give the reason for declining: the requester is told it.")})
        self.decline_reason = reason.strip()
        self._step(by, {self.State.RECEIVED, self.State.ACCEPTED}, self.State.DECLINED, "declined_at")

    def _step(self, by, allowed_from, to, dated_field, **mail_context) -> None:
        if not may_handle_replies(by):
            raise PermissionDenied
        with transaction.atomic():
            current = ReplyRequest.objects.select_for_update().get(pk=self.pk)
            if current.state not in allowed_from:
                raise ValidationError(
                    _("This step is not possible: the request is %(state)s.") % {"state": current.get_state_display()}
                )
            self.state = to
            self.decided_by = by
            setattr(self, dated_field, timezone.now())
            self.save(update_fields=["state", "decided_by", dated_field, "decline_reason"])
            self.tell_requester(to, **mail_context)

    def tell_requester(self, step: str, **extra) -> None:
        """The requester's mail about ``step`` (received, accepted, published, declined), in their language."""
        send_later(
            to=self.email,
            template=f"mail/reply_request/{step}",
            # The receipt goes out before anyone read the request: it greets no one by the name typed in it.
            context={"reply_request": self, "article": self.article, **extra}
            | ({} if step == self.State.RECEIVED else {"name": self.name}),
            language=self.language,
        )

    def story_url_in_own_language(self) -> str:
        """The story's path in the language the requester used (readers of /en/ get the English page)."""
        with translation.override(self.language):
            return reverse("articles:detail", kwargs={"pk": self.article_id, "slug": self.article.slug})


def recount_published_replies(article_id) -> None:
    """Keep the story's count of published replies (its page queries them only when there are some) and refresh
    the story's kept page: the story's own generation covers its page and nothing else."""
    count = ReplyRequest.objects.published().filter(article_id=article_id).count()
    Article.objects.filter(pk=article_id).update(published_reply_count=count)
    bump(story_comments(article_id))


@receiver(post_delete, sender=ReplyRequest, dispatch_uid="reply-request-deleted")
def published_reply_deleted(sender, instance, **kwargs):
    # A superuser may delete a request; a published one leaves its story's page.
    if instance.state == ReplyRequest.State.PUBLISHED:
        recount_published_replies(instance.article_id)


def published_replies_of(article) -> list[ReplyRequest]:
    """The replies shown under ``article``, oldest first: none without a query when its count says none, the
    ones attached by ``with_published_replies`` if it was, else one query."""
    if not article.published_reply_count or article.pk is None:  # an unsaved story (a staged edit's) has none
        return []
    if not hasattr(article, "published_replies"):
        with_published_replies(article)
    return article.published_replies


def with_published_replies(article):
    """Attach the published replies to ``article`` (before it is kept in the cache with them); None passes."""
    if article is not None:
        if article.published_reply_count:
            replies = ReplyRequest.objects.published().order_by("published_at", "pk")
            prefetch_related_objects([article], Prefetch("reply_requests", replies, to_attr="published_replies"))
        else:
            article.published_replies = []
    return article
