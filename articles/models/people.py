"""The people behind and in front of the paper: reporters on bylines, readers with nicknames."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Reporter(models.Model):
    """A name on a byline. It may belong to a login account, or to nobody (a graduate)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(
        _("position"), max_length=100, blank=True, help_text=_('Shown on the byline, e.g. "KT Reporter".')
    )
    email = models.EmailField(_("email"), blank=True)
    bio = models.TextField(_("bio"), blank=True)
    portrait = models.ImageField(_("portrait"), upload_to="reporters/", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporter",
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:reporter", kwargs={"pk": self.pk})
