"""Preview links: an unguessable address that shows an unpublished story, or a staged edit of a live one, to a
source or an adviser.

A story's reporters and the editors make them; each lasts a number of days (7 unless chosen, at most 30) and can
be revoked. Past its time, revoked, or with its story in the trash (or deleted), a link answers 404.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.staging import StagedEdit
from articles.models.stories import PUBLISH_PERMISSION, Article

DEFAULT_DAYS = 7
MAX_DAYS = 30


def new_token() -> str:
    return secrets.token_urlsafe(32)


def may_make_preview_links(user, article) -> bool:
    """Editors, and the story's own reporters (or whoever created it)."""
    return user.has_perm(PUBLISH_PERMISSION) or article.is_by(user)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Links that still open their story: not revoked, not expired, the story outside the trash."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=now or timezone.now(), article__deleted_at__isnull=True
        )


class PreviewLink(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="preview_links"
    )
    # unique: the index the public view looks links up by.
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.article} ({self.expires_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("articles:preview_link", kwargs={"token": self.token})

    @classmethod
    def create_for(cls, article, *, by, days: int = DEFAULT_DAYS) -> "PreviewLink":
        if not may_make_preview_links(by, article):
            raise PermissionDenied
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError(_("A preview link lasts from 1 to %(max)d days.") % {"max": MAX_DAYS})
        now = timezone.now()
        return cls.objects.create(article=article, created_by=by, created_at=now, expires_at=now + timedelta(days=days))

    def revoke(self, *, by) -> None:
        if not may_make_preview_links(by, self.article):
            raise PermissionDenied
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now() and not self.article.in_trash

    def story_to_show(self, stories=Article.objects) -> Article | None:
        """The story this link shows, read from ``stories`` (the story page's queryset, with its prefetches);
        None when it is gone. An unpublished story as saved; a live story with a staged edit as the edit would
        make it (articles.models.staging), so that sources check the correction before readers see it."""
        story = stories.outside_trash().filter(pk=self.article_id).first()
        if story is None or not story.is_public:
            return story
        staged = StagedEdit.objects.filter(article=story).first()
        if staged is None:
            return story
        staged.article = story
        return staged.as_article()

    @staticmethod
    def shows_live_story(story) -> bool:
        """A live story without a staged edit (published since the link was made, or its edit published or
        discarded): readers' own page shows it, so the link leads there."""
        return story.is_public and not getattr(story, "is_staged_edit", False)
