"""What the newsroom tells its people: an entry on their desk for each workflow step that concerns them, and how
each person wants to hear of it (e-mail or not, in which language). Who is told what is articles.notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_desk(self):
        """With the story and who acted, so that a list of them costs one query."""
        return self.select_related("event__article", "event__by__reporter")

    def mark_read(self) -> int:
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    """One person told of one step of a story (a StoryEvent): shown on their desk until they have read it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        "articles.StoryEvent", verbose_name=_("event"), on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The desk lists a person's unread ones, newest first.
            models.Index(
                fields=["recipient", "-created_at"], name="notification_unread", condition=Q(read_at__isnull=True)
            )
        ]

    def __str__(self):
        return f"{self.recipient} · {self.event}"


class NewsroomPreferences(models.Model):
    """How one member of the newsroom wants to be told: by e-mail or only on their desk, and in which language.
    A person without a row gets the defaults (e-mail on, the site's language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="newsroom_preferences",
    )
    email_notifications = models.BooleanField(
        _("e-mail me newsroom notifications"),
        default=True,
        help_text=_("Stories submitted for review, returned, approved or scheduled. They are on your desk either way."),
    )
    language = models.CharField(
        _("language of my e-mails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user) -> "NewsroomPreferences":
        """The person's preferences, or unsaved defaults (uses a select_related of ``newsroom_preferences``)."""
        try:
            return user.newsroom_preferences
        except cls.DoesNotExist:
            return cls(user=user)
