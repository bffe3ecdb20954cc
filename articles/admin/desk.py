"""The desk: the admin's first page, what waits for each person, and their notifications.

Editors see the stories in review (oldest first, with how long each has waited), the scheduled ones, the comments
waiting for moderation and the latest returns; reporters see their returned stories with the editor's note, their
drafts and their stories in review; everyone sees their unread notifications (articles.notifications), marks them
read and chooses whether they also come by e-mail. A fixed number of queries, however much waits.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import F, Max, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.admin.moderation import MODERATE_PERMISSION
from articles.models import (
    PUBLISH_PERMISSION,
    Article,
    Comment,
    NewsroomPreferences,
    Notification,
    StagedEdit,
    StoryEvent,
)
from articles.notifications import person_name

#: How many of each list the desk shows (the stories list has them all).
SHOWN = 30
RECENT_RETURNS = 10
NOTIFICATIONS_SHOWN = 20
#: A story enters review when it is submitted, or unpublished back to it.
ENTERING_REVIEW = [StoryEvent.Action.SUBMITTED, StoryEvent.Action.UNPUBLISHED]


def desk_for(user) -> dict:
    """What the desk shows ``user``."""
    desk = {"notifications": unread_notifications(user)}
    if user.has_perm(PUBLISH_PERMISSION):
        desk.update(editors_desk())
    else:
        desk.update(reporters_desk(user))
    if user.has_perm(MODERATE_PERMISSION):
        desk["comments_waiting"] = Comment.objects.needing_review().count()
    return desk


def unread_notifications(user) -> list[Notification]:
    notifications = list(Notification.objects.filter(recipient=user).unread().for_desk()[:NOTIFICATIONS_SHOWN])
    for notification in notifications:
        notification.by_name = person_name(notification.event.by)
    return notifications


def editors_desk() -> dict:
    stories = Article.objects.outside_trash()
    in_review = list(
        stories.filter(status=Article.Status.REVIEW)
        .annotate(waiting_since=Max("events__at", filter=Q(events__action__in=ENTERING_REVIEW)))
        .order_by(F("waiting_since").asc(nulls_first=True), "pk")
        .select_related("section")
        .prefetch_related("bylines__reporter")[:SHOWN]
    )
    now = timezone.now()
    for story in in_review:
        story.waited = timesince(story.waiting_since or story.updated_at, now, depth=1)
    staged_edits = list(
        StagedEdit.objects.filter(article__deleted_at__isnull=True)
        .select_related("article", "author__reporter")
        .order_by("created_at", "pk")[:SHOWN]
    )
    for staged in staged_edits:
        staged.waited = timesince(staged.created_at, now, depth=1)
        staged.by_name = person_name(staged.author)
    returns = StoryEvent.objects.filter(action=StoryEvent.Action.RETURNED, article__deleted_at__isnull=True)
    recent_returns = list(returns.select_related("article", "by__reporter").order_by("-at", "-pk")[:RECENT_RETURNS])
    for event in recent_returns:
        event.by_name = person_name(event.by)
    return {
        "in_review": in_review,
        "staged_edits": staged_edits,
        "scheduled": list(stories.scheduled().order_by("published_at", "pk").select_related("section")[:SHOWN]),
        "recent_returns": recent_returns,
    }


def reporters_desk(user) -> dict:
    """The person's own stories not yet approved, in one query, newest change first."""
    Status = Article.Status
    stories = list(
        Article.objects.outside_trash()
        .written_by(user)
        .filter(status__in=[Status.RETURNED, Status.DRAFT, Status.REVIEW])
        .order_by("-updated_at", "-pk")[: SHOWN * 3]
    )
    return {
        "returned": [story for story in stories if story.status == Status.RETURNED],
        "drafts": [story for story in stories if story.status == Status.DRAFT],
        "own_in_review": [story for story in stories if story.status == Status.REVIEW],
    }


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NewsroomPreferences
        fields = ["email_notifications", "language"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Not listed in the admin's index: each person reaches their own notifications from the desk."""

    list_display = ["created_at", "recipient", "event", "read_at"]
    list_select_related = ["recipient", "event"]

    def get_model_perms(self, request):
        return {}

    # A record of what was told: superusers may read it, nobody writes it by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("read/", view(require_POST(self.mark_all_read_view)), name="articles_notification_read"),
            path("preferences/", view(self.preferences_view), name="articles_notification_preferences"),
            *super().get_urls(),
        ]

    def mark_all_read_view(self, request):
        Notification.objects.filter(recipient=request.user).mark_read()
        return redirect("admin:index")

    def preferences_view(self, request):
        """Each person's own settings: whether notifications also come by e-mail, and in which language."""
        preferences = NewsroomPreferences.of(request.user)
        form = PreferencesForm(request.POST if request.method == "POST" else None, instance=preferences)
        if request.method == "POST" and form.is_valid():
            form.save()
            self.message_user(request, _("Your notification settings were saved."), messages.SUCCESS)
            return redirect("admin:articles_notification_preferences")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("My notifications"),
            "form": form,
        }
        return TemplateResponse(request, "admin/articles/notification/preferences.html", context)
