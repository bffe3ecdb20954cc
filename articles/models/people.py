"""The people behind and in front of the paper: reporters on bylines, readers with nicknames."""

import re
import unicodedata
from itertools import cycle

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ktnews.spelling import folded


class Reporter(models.Model):
    """A name on a byline. It may belong to a login account, or to nobody (a graduate)."""

    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(
        _("position"), max_length=100, blank=True, help_text=_('Shown on the byline, e.g. "KT Reporter".')
    )
    email = models.EmailField(_("email"), blank=True)
    bio = models.TextField(_("bio"), blank=True)
    portrait = models.ForeignKey(
        "articles.Photo",
        verbose_name=_("portrait"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A photo from the photo library, cropped square on the page."),
    )
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


RESERVED_NICKNAMES = {
    "admin", "administrator", "editor", "reporter", "moderator", "staff", "kt", "ktnews", "kt news",
    "kutimes", "ku times", "관리자", "운영자", "편집자", "편집장", "기자", "kt뉴스", "kt 뉴스",
}  # fmt: skip

nickname_format = RegexValidator(
    r"^[\w가-힣][\w가-힣 ._-]*[\w가-힣]$",
    _("Use letters, numbers, spaces, dots, hyphens or underscores, starting and ending with a letter or number."),
)


#: Hangul letters typed on their own (ㅋㅋ): NFKC would make them jamo meant to join into syllables.
HANGUL_LETTERS_ALONE = re.compile(r"([\u3131-\u318e\uffa0-\uffdc]+)")


def normalize_nickname(value: str) -> str:
    """The nickname as stored and compared: NFKC (full-width and other look-alike letters are the letters
    they stand for, so the case-insensitive uniqueness rule sees them), single spaces, no space around."""
    runs = HANGUL_LETTERS_ALONE.split(value or "")
    value = "".join(
        run if alone else unicodedata.normalize("NFKC", run) for alone, run in zip(cycle((False, True)), runs)
    )
    return unicodedata.normalize("NFC", " ".join(value.split()))


def not_reserved(value: str) -> None:
    if " ".join(folded(value).split()) in RESERVED_NICKNAMES:
        raise ValidationError(_("This nickname is reserved for the newsroom. Please choose another."))


class ReaderProfile(models.Model):
    """What the site shows of a reader: the nickname on their comments, never their email."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_profile", verbose_name=_("account")
    )
    nickname = models.CharField(
        _("nickname"),
        max_length=20,
        validators=[MinLengthValidator(2), nickname_format, not_reserved],
        help_text=_("2 to 20 characters, shown with your comments."),
    )
    # 답글 알림: replies published after this moment are unread (articles.reply_notices); no row per reply.
    replies_seen_at = models.DateTimeField(_("replies last seen at"), default=timezone.now)
    reply_mail = models.BooleanField(
        _("e-mail me about replies"), default=False, help_text=_("An e-mail for each reply to my comments.")
    )
    # The language of the page where the reader asked for those mails: the one they are written in.
    mail_language = models.CharField(_("language of e-mails"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("reader profile")
        verbose_name_plural = _("reader profiles")
        constraints = [
            models.UniqueConstraint(
                Lower("nickname"),
                name="reader_nickname_unique_ignoring_case",
                violation_error_message=_("This nickname is already taken. Please choose another."),
            ),
        ]

    def __str__(self):
        return self.nickname

    def save(self, *args, **kwargs):
        self.nickname = normalize_nickname(self.nickname)
        super().save(*args, **kwargs)

    def clean(self):
        # Before the uniqueness check (full_clean runs clean() first): it compares the stored spelling.
        self.nickname = normalize_nickname(self.nickname)


def display_name(user) -> str:
    """What the site calls someone in its messages and mails (allauth's ACCOUNT_USER_DISPLAY): a reader's
    nickname, a reporter's name; never the username allauth made up for a reader."""
    if not getattr(user, "pk", None):
        return str(_("reader"))
    profile = ReaderProfile.objects.filter(user=user).only("nickname").first()
    if profile:
        return profile.nickname
    reporter = Reporter.objects.filter(user=user).first()
    if reporter:
        return str(reporter)
    return user.get_full_name() or str(_("reader"))
