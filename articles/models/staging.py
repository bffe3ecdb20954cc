"""Staged edits: a change of a live story saved without going live, until an editor publishes or discards it.

The staged text lives here, never in the story's row, so every public page, feed, search index, sitemap and
cached page keeps showing the live text (they all read ``Article``). Publishing goes through
``articles.staging.publish_staged_edit``.
"""

import copy

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.stories import PUBLISH_PERMISSION, Article

#: The story's fields a staged edit holds, each in every language.
STAGED_TEXT = ("title", "subtitle", "summary", "body")


def staged_field_names() -> list[str]:
    return [f"{name}_{code}" for name in STAGED_TEXT for code, _language in settings.LANGUAGES]


def text_of(article: Article) -> dict[str, str]:
    """The story's staged fields as they are on ``article``."""
    return {name: getattr(article, name) or "" for name in staged_field_names()}


class StagedEdit(models.Model):
    """The text of a published story as someone wants it, waiting for an editor: one per story."""

    article = models.OneToOneField(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="staged_edit"
    )
    #: The staged text: {"title_ko": ..., "body_en": ...}.
    values = models.JSONField(_("staged text"), default=dict)
    #: The live text the edit was written against (the form's version), to tell what it changes.
    base_values = models.JSONField(_("text it was written against"), default=dict)
    base_version = models.PositiveIntegerField(_("story version it was written against"))
    #: A correction note written with the edit, offered again when it is published.
    correction_note_ko = models.TextField(_("correction note (Korean)"), blank=True)
    correction_note_en = models.TextField(_("correction note (English)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("staged edit")
        verbose_name_plural = _("staged edits")

    def __str__(self):
        return str(self.article)

    def changed_fields(self) -> list[str]:
        """The fields this edit changes, against the text it was written on."""
        return [name for name in staged_field_names() if self.values.get(name, "") != self.base_values.get(name, "")]

    def conflicting_fields(self, live: Article) -> list[str]:
        """Fields this edit changes that someone changed differently on the live story since it was written."""
        now = text_of(live)
        return [
            name
            for name in self.changed_fields()
            if now[name] != self.base_values.get(name, "") and now[name] != self.values.get(name, "")
        ]

    def as_article(self) -> Article:
        """The live story with this edit's changes: an unsaved copy, for the compare view and previews. It keeps
        the story's id, so its byline, photos and tags are the live ones; never save it."""
        article = copy.copy(self.article)
        article.__dict__.pop("_prefetched_objects_cache", None)
        for name in self.changed_fields():
            setattr(article, name, self.values[name])
        article.is_staged_edit = True
        return article

    @staticmethod
    def may_be_staged_by(user, article: Article) -> bool:
        """Edits of a published story may be staged by whoever may change it (editors) and by the story's own
        reporters, who cannot change it live: their edit waits for an editor."""
        if article.status != Article.Status.PUBLISHED or article.in_trash:
            return False
        return article.can_be_edited_by(user) or (user.has_perm("articles.change_article") and article.is_by(user))

    def may_be_published_by(self, user) -> bool:
        return user.has_perm(PUBLISH_PERMISSION)

    def may_be_discarded_by(self, user) -> bool:
        return user.has_perm(PUBLISH_PERMISSION) or (user.is_authenticated and self.author_id == user.pk)
