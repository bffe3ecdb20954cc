"""The outbox: what mail went out, what waits for the mail server, and what was given up (articles.outbox)."""

from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.admin.changelists import DateHierarchyAdmin
from articles.models import OutgoingMail


class MailStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting")), ("sent", _("Sent")), ("given_up", _("Given up"))]

    def queryset(self, request, queryset):
        conditions = {
            "waiting": Q(sent_at__isnull=True, given_up=False),
            "sent": Q(sent_at__isnull=False),
            "given_up": Q(given_up=True),
        }
        return queryset.filter(conditions[self.value()]) if self.value() in conditions else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "language", "sent_at", "attempts", "given_up"]
    list_filter = [MailStateFilter, "language"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutgoingMail._meta.fields if field.editable]
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Try the selected unsent mails again now"), permissions=["view"])
    def try_again(self, request, queryset):
        count = queryset.filter(sent_at__isnull=True).update(
            given_up=False, next_attempt_at=timezone.now(), claimed_until=None
        )
        message = ngettext(
            "%(count)d mail will be tried again within a minute.",
            "%(count)d mails will be tried again within a minute.",
            count,
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
