"""Corrections (정정) of published stories: the public note readers see at the foot of the story, on the site's
corrections page and feed, and in the story's structured data."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.stories import Article


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """The corrections readers may see: those of the stories they may see."""
        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    """One public note of what a change of a live story corrected; a story may carry several."""

    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(
        _("correction note"), blank=True, help_text=_("What was wrong and what is right now, for readers.")
    )
    published_at = models.DateTimeField(_("corrected at"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_newest_first")]

    def __str__(self):
        return f"{self.article} · {timezone.localtime(self.published_at):%Y-%m-%d}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def clean(self):
        if not (self.note_ko or self.note_en):
            raise ValidationError({"note_ko": _("Write the correction in at least one language.")})
