"""What editors use to keep the comments civil: hold rules, bans and the audit trail."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

from articles.blocked_words import letters_of


class BlockedPhrase(models.Model):
    """A word or phrase that sends a comment to the moderation queue instead of the page."""

    class Match(models.TextChoices):
        ANYWHERE = "anywhere", _("Anywhere, also inside longer words")
        WORD = "word", _("Only as a whole word")

    phrase = models.CharField(
        _("word or phrase"),
        max_length=100,
        unique=True,
        help_text=_(
            "Matched ignoring case, spaces, symbols and look-alike letters, so “시 발”, “ㅅㅣㅂㅏㄹ”, “tlqkf” "
            "and “sh1t” match “시발” and “shit”. A variant spelled differently (“씨발”) is an entry of its own."
        ),
    )
    match = models.CharField(
        _("matches"),
        max_length=10,
        choices=Match.choices,
        default=Match.ANYWHERE,
        # In the database too: a word added outside Django (a script's INSERT) still matches as before.
        db_default=Match.ANYWHERE,
        help_text=_(
            "“Anywhere” also catches the word with endings attached (“시발놈”); list innocent words that contain "
            "it as allowed words. Spelled out with spaces or symbols, an entry matches only as a whole word, and "
            "so does one of initial consonants alone (“ㅅㅂ”)."
        ),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")

    def __str__(self):
        return self.phrase

    def clean(self):
        if not letters_of(self.phrase):
            raise ValidationError({"phrase": _("There is no letter or digit to look for in this entry.")})


class AllowedPhrase(models.Model):
    """An innocent word that contains a blocked one (시발점 contains 시발): never a reason to hold a comment."""

    phrase = models.CharField(
        _("word"),
        max_length=100,
        unique=True,
        help_text=_("Written as readers write it, e.g. “시발점”; a blocked word inside it is not held."),
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["phrase"]
        verbose_name = _("allowed word")
        verbose_name_plural = _("allowed words")

    def __str__(self):
        return self.phrase


class HoldRules(SingletonModel):
    """When a comment waits for an editor instead of appearing at once."""

    max_links = models.PositiveSmallIntegerField(
        _("most links allowed"), default=2, help_text=_("A comment with more links than this is held.")
    )
    hold_first_comments = models.PositiveSmallIntegerField(
        _("hold new readers' first comments"),
        default=0,
        help_text=_("A reader's comments are held until this many of theirs were approved (0: never hold)."),
    )

    class Meta:
        verbose_name = _("hold rules")

    def __str__(self):
        return str(_("Hold rules"))


class CommentBanQuerySet(models.QuerySet):
    def in_force(self):
        now = timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gt=now))


class CommentBan(models.Model):
    """A reader barred from commenting, for a reason, until a date or for good."""

    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reader"), on_delete=models.CASCADE, related_name="comment_bans"
    )
    reason = models.CharField(_("reason"), max_length=300)
    until = models.DateTimeField(_("until"), null=True, blank=True, help_text=_("Empty: until an editor lifts it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("banned by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("banned at"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lifted by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip

    objects = CommentBanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("comment ban")
        verbose_name_plural = _("comment bans")
        indexes = [models.Index(fields=["reader", "lifted_at"], name="comment_ban_reader")]

    def __str__(self):
        return f"{self.reader}: {self.reason}"


class ModerationLogEntry(models.Model):
    """Who did what to which comment and when. Kept after a deletion, without the deleted text."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DELETE = "delete", _("Deleted permanently")
        DISMISS = "dismiss", _("Reports dismissed")
        BAN = "ban", _("Reader banned")
        UNBAN = "unban", _("Ban lifted")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("editor"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Plain numbers and names, not foreign keys: the entry outlives the comment, the story and the account.
    comment_id = models.PositiveBigIntegerField(_("comment number"), null=True, blank=True)
    article_id = models.PositiveBigIntegerField(_("story number"), null=True, blank=True)
    article_title = models.CharField(_("story"), max_length=200, blank=True)
    reader_id = models.PositiveBigIntegerField(_("reader's account number"), null=True, blank=True)
    reader_name = models.CharField(_("reader"), max_length=150, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self):
        return f"{self.get_action_display()} #{self.comment_id or '-'}"
