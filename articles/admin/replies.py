"""The editors' queue of reply and correction requests (articles.models.replies): received → accepted →
published, or declined with a reason. Each step is a POST button on the request's page (or a bulk action for
accepting and publishing), allowed to whoever may handle replies; the model checks it again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.admin.changelists import DateHierarchyAdmin
from articles.models import ReplyRequest
from articles.models.replies import may_handle_replies

STEP_DONE = {
    "accept": _("The request was accepted; the requester was told."),
    "publish": _("The reply is published under the story; the requester was told."),
    "decline": _("The request was declined; the requester was told the reason."),
}


@admin.register(ReplyRequest)
class ReplyRequestAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    list_display = ["received_at", "article", "name", "kind", "relation", "state", "decided_by"]
    list_filter = ["state", "kind", "relation"]
    list_select_related = ["article", "decided_by"]
    search_fields = ["name", "email", "article__title_ko", "article__title_en"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "article", "name", "email", "phone", "relation", "kind", "what_is_wrong", "text", "show_name", "language",
        "state", "received_at", "accepted_at", "published_at", "declined_at", "decline_reason", "decided_by",
    ]  # fmt: skip
    actions = ["accept_selected", "publish_selected"]

    # The requester's words are theirs: nobody edits them, and the steps are the only changes.

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_handle_permission(self, request):
        return may_handle_replies(request.user)

    def get_urls(self):
        step = path(
            "<int:object_id>/step/", self.admin_site.admin_view(self.step_view), name="articles_replyrequest_step"
        )
        return [step, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "may_handle": self.has_handle_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id):
        return require_POST(self._take_step)(request, object_id)

    def _take_step(self, request, object_id):
        if not self.has_handle_permission(request):
            raise PermissionDenied
        reply = get_object_or_404(ReplyRequest.objects.select_related("article"), pk=object_id)
        step = request.POST.get("step")
        if step not in STEP_DONE:
            raise PermissionDenied
        try:
            self._step(request, reply, step)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, STEP_DONE[step], messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:articles_replyrequest_change", args=[reply.pk]))

    @staticmethod
    def _step(request, reply, step) -> None:
        if step == "accept":
            reply.accept(by=request.user)
        elif step == "publish":
            reply.publish(by=request.user, story_url=request.build_absolute_uri(reply.story_url_in_own_language()))
        else:
            reply.decline(by=request.user, reason=request.POST.get("decline_reason", ""))

    @admin.action(description=_("Accept the selected received requests"), permissions=["handle"])
    def accept_selected(self, request, queryset):
        self._in_bulk(request, queryset.filter(state=ReplyRequest.State.RECEIVED), "accept")

    @admin.action(description=_("Publish the selected accepted replies"), permissions=["handle"])
    def publish_selected(self, request, queryset):
        self._in_bulk(request, queryset.filter(state=ReplyRequest.State.ACCEPTED), "publish")

    def _in_bulk(self, request, queryset, step):
        done = 0
        for reply in queryset.select_related("article"):
            try:
                self._step(request, reply, step)
            except ValidationError:  # taken by another editor meanwhile
                continue
            done += 1
        self.message_user(request, _("%(count)d request(s) done.") % {"count": done}, messages.SUCCESS)
