"""What happened to a story besides its text: the publication history, unsaved work, stories gone for good.

The text itself is kept by django-reversion (see articles.revisions).
"""

import json
from contextlib import contextmanager

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from reversion.models import Revision, Version


def note(kind: str, **details) -> str:
    """A revision's note as stored: its kind and details, worded only when shown (articles.revisions.describe_note),
    so that each person reads it in their own language, as Django's admin history does."""
    return json.dumps({"kind": kind, **details})


@contextmanager
def revision_by(user, kind: str, **details):
    """Whatever is saved inside is one revision by ``user`` with this note (or part of the revision already open)."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(note(kind, **details))
        yield


def forget_revisions(article_ids) -> None:
    """Delete the stories' kept revisions: their versions, their bylines' and photos' versions in the same
    revisions, and the revisions left empty (an import's revision holds many stories: those stay)."""
    ids = {str(pk) for pk in article_ids}
    story_versions = Version.objects.filter(content_type__app_label="articles", content_type__model="article")
    story_versions = story_versions.filter(object_id__in=ids)
    revision_ids = set(story_versions.values_list("revision_id", flat=True))
    story_versions.delete()
    parts = Version.objects.filter(
        revision_id__in=revision_ids,
        content_type__app_label="articles",
        content_type__model__in=["byline", "storyphoto"],
    )
    Version.objects.filter(
        pk__in=[part.pk for part in parts.only("pk", "serialized_data") if _article_of(part) in ids]
    ).delete()
    Revision.objects.filter(pk__in=revision_ids, version__isnull=True).delete()


def _article_of(part_version) -> str:
    """The story a kept byline or photo belongs to, read from its serialized data (the story may be gone)."""
    try:
        return str(json.loads(part_version.serialized_data)[0]["fields"]["article"])
    except (ValueError, LookupError, TypeError):
        return ""


class StoryEvent(models.Model):
    """One step of a story's way to readers: who submitted, returned, approved, unpublished or deleted it, and when."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned to the reporter")
        PUBLISHED = "published", _("Approved and published")
        SCHEDULED = "scheduled", _("Approved and scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        TRASHED = "trashed", _("Moved to the trash")
        RESTORED = "restored", _("Restored from the trash")
        STAGED = "staged", _("Edit staged for review")
        STAGED_PUBLISHED = "revised", _("Staged edit published")

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("story"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    scheduled_for = models.DateTimeField(_("publication time"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("publication history entry")
        verbose_name_plural = _("publication history")
        indexes = [
            models.Index(fields=["article", "-at"], name="story_event_article_at"),
            # The desk's latest returns.
            models.Index(fields=["action", "-at"], name="story_event_action_at"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"


class StoryAutosave(models.Model):
    """The story form as someone left it, saved every few seconds while they type: not a revision.

    One per person and story (and one per person for a story not yet saved); a real save discards it.
    """

    article = models.ForeignKey(
        "articles.Article", verbose_name=_("story"), on_delete=models.CASCADE, null=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.CASCADE, related_name="+")
    #: The story's version the form was opened at: restoring it and saving then meets the edit-conflict check.
    base_version = models.PositiveIntegerField(default=0)
    #: The form's fields, name → list of values, as the browser would post them.
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="autosave_per_story_and_user"),
            models.UniqueConstraint(fields=["user"], condition=Q(article=None), name="autosave_per_new_story"),
        ]

    def __str__(self):
        return f"{self.user} · {self.saved_at:%Y-%m-%d %H:%M:%S}"


class RemovedStory(models.Model):
    """The number of a story deleted for good, so its address answers 410 Gone rather than 404."""

    article_id = models.PositiveIntegerField(primary_key=True)
    legacy_id = models.PositiveIntegerField(null=True, blank=True, unique=True)
    removed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("removed story")
        verbose_name_plural = _("removed stories")

    def __str__(self):
        return str(self.article_id)
