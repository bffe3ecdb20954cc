"""Mail waiting to go out: written in the same transaction as the change it tells about, sent after it commits.

A mail is a row until an SMTP server has taken it, so a save never waits for the mail server or fails with it:
when the server is down the mail waits, and the ``send_queued_mail`` command (a timer in deploy/systemd) sends it
later. Claiming a row before sending it keeps two senders (a request and the timer, or two servers) from sending it
twice.
"""

from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Minutes to wait before each retry of a mail the server refused or could not take; then it is given up.
RETRY_AFTER_MINUTES = (1, 5, 15, 60, 180, 720)
#: A sender that claimed a mail and died is presumed gone after this long: the mail may be tried again.
CLAIM_LASTS = timedelta(minutes=10)


class OutgoingMailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Not yet sent, not given up, its next try due and not being sent by someone else right now."""
        now = now or timezone.now()
        return self.filter(sent_at__isnull=True, given_up=False, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )

    def waiting(self):
        return self.filter(sent_at__isnull=True, given_up=False)


class OutgoingMail(models.Model):
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    given_up = models.BooleanField(_("given up"), default=False)

    objects = OutgoingMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(
                fields=["next_attempt_at"], name="outgoing_mail_due", condition=Q(sent_at__isnull=True, given_up=False)
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"

    @classmethod
    def claim(cls, pk) -> bool:
        """Take mail ``pk`` for sending; False if another sender has it or it was sent meanwhile. One UPDATE, so
        that of two senders racing for it exactly one wins, on SQLite as on PostgreSQL."""
        now = timezone.now()
        return cls.objects.filter(pk=pk).due(now).update(claimed_until=now + CLAIM_LASTS) == 1

    def mark_sent(self) -> None:
        self.sent_at = timezone.now()
        self.claimed_until = None
        self.save(update_fields=["sent_at", "claimed_until"])

    def mark_failed(self, error: Exception) -> None:
        """Wait before the next try, longer each time; after the last, give up (the admin's outbox shows it)."""
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        self.claimed_until = None
        if self.attempts > len(RETRY_AFTER_MINUTES):
            self.given_up = True
        else:
            self.next_attempt_at = timezone.now() + timedelta(minutes=RETRY_AFTER_MINUTES[self.attempts - 1])
        self.save(update_fields=["attempts", "last_error", "claimed_until", "given_up", "next_attempt_at"])
