"""Policies in the admin: editors add versions; a version in force is kept as readers saw it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from articles.models import Consent, PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(TabbedTranslationAdmin):
    list_display = ["kind", "version", "title", "effective_from", "in_force"]
    list_filter = ["kind"]
    fields = ["kind", "title", "body", "changes", "effective_from"]

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, version):
        return version.in_force_since_saved

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.in_force_since_saved:
            # Consents point at this text: a change is a new version (its page on the site shows it as readers do).
            translated = [f"{name}_{language}" for name in ("title", "body", "changes") for language in ("ko", "en")]
            return ["kind", "effective_from", *translated]
        return ["kind"] if obj is not None else []

    def get_actions(self, request):
        # "Delete selected" asks without an object: it would delete versions in force.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.in_force_since_saved)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Read only: the record of what each reader agreed to."""

    list_display = ["given_at", "user", "subject", "policy_version", "withdrawn_at"]
    list_filter = ["subject"]
    list_select_related = ["user", "policy_version"]
    search_fields = ["user__email"]
    date_hierarchy = "given_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # "Delete selected" asks without an object: it would delete versions in force.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return False
