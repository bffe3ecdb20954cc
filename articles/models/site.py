"""What the site keeps about itself: reading counts and the settings editors change."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from articles.models.stories import Article


class DailyReadCount(models.Model):
    """How many readers opened a story on one day (Asia/Seoul), for the most-read list.

    Counted from the page's reading beacon, not from the page view itself, so
    that counting never slows the page (or bypasses its cache), bots that run
    no JavaScript are not counted, and reloads within a while count once.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_reads")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("readers"), default=0)

    class Meta:
        verbose_name = _("daily read count")
        verbose_name_plural = _("daily read counts")
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="daily_read_count_unique_day")]
        indexes = [models.Index(fields=["day"], name="daily_read_count_day")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.count}"


class SiteSettings(SingletonModel):
    """Settings editors change in the admin without a deployment."""

    name = models.CharField(
        _("site name"),
        max_length=60,
        blank=True,
        help_text=_("The paper's name as readers see it in mails and their subjects, in each language."),
    )
    kakao_javascript_key = models.CharField(
        _("Kakao JavaScript key"),
        max_length=64,
        blank=True,
        help_text=_(
            "The JavaScript key of the paper's Kakao Developers app. With it, the KakaoTalk share button "
            "opens KakaoTalk's share sheet; without it, the button is a plain link."
        ),
    )

    class Meta:
        verbose_name = _("site settings")

    def __str__(self):
        return str(_("Site settings"))


def site_name() -> str:
    """The paper's name in the active language, as editors set it (mails name the paper, not the server)."""
    return SiteSettings.get_solo().name or str(_("KT News"))
