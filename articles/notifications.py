"""Who hears of a story's workflow step, and how: an entry on their desk, and an e-mail unless they turned those off.

A story submitted for review, or a reporter's staged edit of a live one, is news for the editors; returned,
approved and published, scheduled, or its staged edit published, it is news for its reporters (the byline's
accounts and whoever created it). Nobody is told of their own step. Every step is a StoryEvent (see
Article._record and articles.staging), so this listens to one thing: a StoryEvent being created. The entries and the
e-mails are written in the step's transaction; the outbox sends the e-mails once it commits (articles.outbox).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation

from articles import editing
from articles.models import NewsroomPreferences, Notification, StoryEvent
from articles.outbox import send_later

Action = StoryEvent.Action
#: The steps that tell someone, and the mail template of each (templates/articles/mail/).
MAIL_TEMPLATES = {
    Action.SUBMITTED: "articles/mail/story_submitted",
    Action.RETURNED: "articles/mail/story_returned",
    Action.PUBLISHED: "articles/mail/story_published",
    Action.SCHEDULED: "articles/mail/story_scheduled",
    Action.STAGED: "articles/mail/story_staged",
    Action.STAGED_PUBLISHED: "articles/mail/story_revised",
}
#: The steps that are news for the editors; the others are for the story's reporters.
FOR_EDITORS = {Action.SUBMITTED, Action.STAGED}


@receiver(post_save, sender=StoryEvent, dispatch_uid="notify_of_story_event")
def notify_of_story_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.action in MAIL_TEMPLATES:
        notify(instance)


def notify(event: StoryEvent) -> list:
    """Tell the people ``event`` concerns: a desk entry each, and a mail in their language to those who want one."""
    with transaction.atomic():
        people = recipients_of(event)
        Notification.objects.bulk_create([Notification(recipient=person, event=event) for person in people])
        for person in people:
            preferences = NewsroomPreferences.of(person)
            if preferences.email_notifications and person.email:
                send_later(
                    to=person.email,
                    template=MAIL_TEMPLATES[event.action],
                    context=mail_context(event, preferences.language),
                    language=preferences.language,
                )
    return people


def recipients_of(event: StoryEvent) -> list:
    """The editors for a submission, the story's reporters for the rest; never the person who acted."""
    people = editors() if event.action in FOR_EDITORS else reporters_of(event.article)
    return list(people.exclude(pk=event.by_id).order_by("pk"))


def editors():
    """Active staff who may publish: through a group, a permission of their own, or as superusers."""
    may_publish = Q(is_superuser=True)
    for holder in ("groups__permissions", "user_permissions"):
        may_publish |= Q(**{f"{holder}__codename": "publish_article", f"{holder}__content_type__app_label": "articles"})
    people = get_user_model().objects.filter(is_active=True, is_staff=True)
    return people.filter(pk__in=people.filter(may_publish).values("pk")).select_related("newsroom_preferences")


def reporters_of(article):
    """The accounts on the story's byline and the account that created it, if active."""
    people = get_user_model().objects.filter(is_active=True)
    on_story = Q(reporter__bylines__article=article) | Q(pk=article.created_by_id)
    return people.filter(pk__in=people.filter(on_story).values("pk")).select_related("newsroom_preferences")


def person_name(user) -> str:
    """How the newsroom knows someone: their byline name, else their full name, else their username ("" for an
    account deleted since)."""
    return editing.display_name(user) if user is not None else ""


def mail_context(event: StoryEvent, language: str) -> dict:
    """What the mails say, with links to the story's form and to the notification settings in ``language``."""
    with translation.override(language):
        return {
            "event": event,
            "story": str(event.article),
            "by": person_name(event.by),
            "note": event.note,
            "story_url": absolute_url(reverse("admin:articles_article_change", args=[event.article_id])),
            "review_url": absolute_url(reverse("admin:articles_article_staged_edit", args=[event.article_id])),
            "preferences_url": absolute_url(reverse("admin:articles_notification_preferences")),
        }


def absolute_url(path: str) -> str:
    """A mail has no request to take the host from: the site's address comes from settings (SITE_URL)."""
    return f"{settings.SITE_URL}{path}"
