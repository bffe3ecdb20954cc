"""Nothing written in the story form is lost: revisions with compare and restore, autosave, who else has
the story open, the edit-conflict check (in ArticleAdminForm), and the trash instead of deletion."""

import reversion
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles import editing
from articles.models import PUBLISH_PERMISSION, Article
from articles.revisions import (
    compare_states,
    describe_note,
    note,
    restore_version,
    revisions_of,
    state_of_article,
    state_of_version,
)

#: Revisions listed on the story's page (the compare page reaches all of them).
REVISIONS_LISTED = 50


class StoryHistoryMixin:
    """Revisions, autosave and presence for the story admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path("trash/", view(self.trash_view), name="articles_article_trash"),
            path("<path:object_id>/revisions/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's inline editing (placement) saves stories too: each save is a revision with its author.
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changelist_view(request, extra_context)

    def may_see_history(self, request, article) -> bool:
        """Editors, and the story's own reporters."""
        return request.user.has_perm(PUBLISH_PERMISSION) or article.is_by(request.user)

    def editing_context(self, request, obj) -> dict:
        """What the story form shows around itself: others editing, an autosave to offer, the history."""
        user = request.user
        restoring = request.method == "GET" and "restore_autosave" in request.GET
        context = {
            "autosave_offer": None if restoring or request.method == "POST" else editing.autosave_for(obj, user),
            "autosave_restored": restoring,
            "autosave_delay": settings.STORY_AUTOSAVE_SECONDS,
            "others_editing": editing.note_editing(obj.pk, user) if obj else [],
        }
        if obj and self.may_see_history(request, obj):
            context["revisions"] = [
                (version, describe_note(version.revision.comment)) for version in revisions_of(obj)[:REVISIONS_LISTED]
            ]
            context["story_events"] = list(obj.events.select_related("by__reporter"))
        return context

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        autosave = editing.autosave_for(obj, request.user) if "restore_autosave" in request.GET else None
        if autosave is None or request.method != "GET":
            return form_class
        initial = {**editing.form_initial(autosave, form_class), "base_version": autosave.base_version}

        class RestoredForm(form_class):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **initial}
                super().__init__(*args, **kwargs)

        return RestoredForm

    def after_save(self, request, article, change):
        """The form's work is saved: its autosave (a new story's, for a new one) is no longer needed."""
        editing.discard_autosave(article if change else None, request.user)

    def revision_note(self, form, formsets, workflow_action, change) -> str:
        if workflow_action:
            return note("workflow", action=workflow_action)
        if not change:
            return note("created")
        changed = [name for name in form.changed_data if name != "base_version"]
        changed += [formset.model._meta.label_lower for formset in formsets if formset.has_changed()]
        return note("changed", fields=changed) if changed else note("saved")

    # The page's script: autosave every few seconds of quiet, and a heartbeat for "who else has it open".

    def autosave_view(self, request):
        if request.method != "POST":
            return JsonResponse({"error": "POST only"}, status=405)
        story_id = request.POST.get("_story") or None
        article = self._editable_story(request, story_id) if story_id else None
        if article is None and not self.has_add_permission(request):
            raise PermissionDenied
        if request.POST.get("_discard"):
            editing.discard_autosave(article, request.user)
            messages.info(request, _("The unsaved text was discarded."))
            return redirect(
                reverse("admin:articles_article_change", args=[article.pk])
                if article
                else reverse("admin:articles_article_add")
            )
        others = editing.note_editing(article.pk, request.user) if article else []
        if request.POST.get("_presence_only"):
            return JsonResponse({"others": others})
        try:
            base_version = int(request.POST.get("base_version", ""))
        except ValueError:
            base_version = article.version if article else 0
        autosave = editing.save_autosave(article, request.user, request.POST, base_version)
        saved_at = timezone.localtime(autosave.saved_at)
        return JsonResponse(
            {"saved_at": saved_at.isoformat(), "saved_at_display": date_format(saved_at, "H:i:s"), "others": others}
        )

    def _editable_story(self, request, object_id):
        article = self.get_object(request, unquote(str(object_id)))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    # Revisions: compare any two, restore one (as a new revision).

    def _story_with_history(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.may_see_history(request, article):
            raise PermissionDenied
        return article

    def compare_view(self, request, object_id):
        article = self._story_with_history(request, object_id)
        versions = {str(version.pk): version for version in revisions_of(article)}
        old_id, new_id = request.GET.get("old", ""), request.GET.get("new", "current")
        if old_id not in versions or (new_id != "current" and new_id not in versions):
            messages.error(request, _("Choose two revisions of this story to compare."))
            return redirect("admin:articles_article_change", article.pk)
        old, new = versions[old_id], versions.get(new_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Compare revisions of “%(story)s”") % {"story": article},
            "old": old,
            "new": new,
            "changes": compare_states(
                state_of_version(old), state_of_version(new) if new else state_of_article(article)
            ),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, object_id, version_id):
        article = self._story_with_history(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        version = revisions_of(article).filter(pk=version_id).first()
        if version is None:
            raise Http404
        if request.method == "POST":
            restore_version(article, version, by=request.user)
            when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
            messages.success(request, _("The revision of %(when)s was restored, as a new revision.") % {"when": when})
            return redirect("admin:articles_article_change", article.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": _("Restore a revision of “%(story)s”") % {"story": article},
            "version": version,
            "changes": compare_states(state_of_article(article), state_of_version(version)),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)


class StoryTrashMixin:
    """Deleting a story moves it to the trash; editors restore it from there or delete it for good."""

    def delete_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "trash_days": settings.STORY_TRASH_DAYS}
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # Nothing is deleted yet: no related objects to list, no permissions on them needed.
        return [str(obj) for obj in objs], {}, set(), []

    def delete_model(self, request, obj):
        obj.move_to_trash(by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            article.move_to_trash(by=request.user)

    def response_delete(self, request, obj_display, obj_id):
        self.message_user(
            request,
            _("“%(story)s” is in the trash. Editors can restore it from there for %(days)d days.")
            % {"story": obj_display, "days": settings.STORY_TRASH_DAYS},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by move_to_trash: the story is not deleted
        return actions

    def move_to_trash(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d story is in the trash; editors can restore it for %(days)d days.",
                "%(count)d stories are in the trash; editors can restore them for %(days)d days.",
                len(queryset),
            )
            % {"count": len(queryset), "days": settings.STORY_TRASH_DAYS},
            messages.SUCCESS,
        )

    move_to_trash.short_description = gettext_lazy("Move the selected stories to the trash")
    move_to_trash.allowed_permissions = ["delete"]

    def trash_view(self, request):
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied
        in_trash = Article.objects.in_trash()
        if request.method == "POST":
            return self._act_on_trash(request, in_trash)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Trash"),
            "stories": in_trash.select_related("section", "deleted_by").order_by("-deleted_at"),
            "trash_days": settings.STORY_TRASH_DAYS,
        }
        return TemplateResponse(request, "admin/articles/article/trash.html", context)

    def _act_on_trash(self, request, in_trash):
        chosen = in_trash.filter(pk__in=[pk for pk in request.POST.getlist("story") if pk.isdigit()])
        action = request.POST.get("action")
        if action == "restore":
            for article in chosen:
                article.restore_from_trash(by=request.user)
            messages.success(request, _("Restored %(count)d stories.") % {"count": len(chosen)})
        elif action in {"delete", "empty"}:
            doomed = in_trash if action == "empty" else chosen
            if "confirmed" not in request.POST:
                return self._confirm_deletion(request, action, doomed)
            count = doomed.delete_for_good()
            messages.success(request, _("Deleted %(count)d stories for good.") % {"count": count})
        return redirect("admin:articles_article_trash")

    def _confirm_deletion(self, request, action, doomed):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Delete for good?"),
            "action": action,
            "stories": doomed.select_related("section").order_by("-deleted_at"),
        }
        return TemplateResponse(request, "admin/articles/article/trash_confirm.html", context)
