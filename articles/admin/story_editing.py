"""Nothing written in the story form is lost: revisions with compare and restore, autosave, who else has
the story open, the edit-conflict check (in ArticleAdminForm), and the trash instead of deletion."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from articles import editing
from articles.merging import StoryMerge
from articles.models import PUBLISH_PERMISSION, Article
from articles.models.history import note, revision_by
from articles.revisions import (
    StoryChangedMeanwhile,
    compare_states,
    describe_note,
    restore_version,
    revisions_of,
    state_after_restoring,
    state_of_article,
    state_of_version,
)

#: Revisions listed on the story's page (the compare page reaches all of them).
REVISIONS_LISTED = 50


class NewsroomPagesMixin:
    def newsroom_page(self, request, template, title, **context):
        """One of the story admin's own pages, in the admin's frame."""
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **context}
        return TemplateResponse(request, f"admin/articles/article/{template}", context)


class StoryHistoryMixin(NewsroomPagesMixin):
    """Revisions, autosave and presence for the story admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("autosave/", view(self.autosave_view), name="articles_article_autosave"),
            path("<path:object_id>/revisions/", view(self.compare_view), name="articles_article_compare"),
            path(
                "<path:object_id>/revisions/<int:version_id>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # One revision for the form, its inlines and its workflow step; save_related words its note.
        with revision_by(request.user, "saved"):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # The list's inline editing (placement) saves stories too: each save is a revision with its author.
        with revision_by(request.user, "saved"):
            return super().changelist_view(request, extra_context)

    def may_see_history(self, request, article) -> bool:
        """Editors, and the story's own reporters."""
        return request.user.has_perm(PUBLISH_PERMISSION) or article.is_by(request.user)

    def editing_context(self, request, obj) -> dict:
        """What the story form shows around itself: others editing, an autosave to offer, the history."""
        user = request.user
        restoring = self.autosave_to_restore(request, obj) is not None
        may_edit = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        context = {
            "autosave_offer": None if restoring or request.method == "POST" else editing.autosave_for(obj, user),
            "autosave_restored": restoring,
            # Text not saved as a revision from the start: a refused save shown again, or an autosave brought back.
            "unsaved_in_form": restoring or request.method == "POST",
            "autosave_delay": settings.STORY_AUTOSAVE_SECONDS,
            # Only people who may change the story count as having it open: a reader of it can overwrite nothing.
            "others_editing": editing.note_editing(obj.pk, user) if obj and may_edit else [],
        }
        if obj and self.may_see_history(request, obj):
            context["revisions"] = [
                (version, describe_note(version.revision.comment)) for version in revisions_of(obj)[:REVISIONS_LISTED]
            ]
            context["story_events"] = list(obj.events.select_related("by__reporter"))
        return context

    # Bringing an autosave back: the form's fields and its bylines and photos, as they were typed.

    def autosave_to_restore(self, request, obj):
        if request.method != "GET" or "restore_autosave" not in request.GET:
            return None
        if not hasattr(request, "_story_autosave"):
            request._story_autosave = editing.autosave_for(obj, request.user)
        return request._story_autosave

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        merge = self.story_merge(request, obj)
        if merge is not None:
            return type(form_class.__name__, (form_class,), {"merge": merge})
        autosave = self.autosave_to_restore(request, obj)
        if autosave is None:
            return form_class
        initial = {**editing.form_initial(autosave, form_class), "base_version": autosave.base_version}

        class RestoredForm(form_class):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **initial}
                super().__init__(*args, **kwargs)

        return RestoredForm

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        merge = self.story_merge(request, obj)
        if merge is not None and "data" in kwargs:
            kwargs["data"] = merge.formset_data(prefix, kwargs["data"])
        autosave = self.autosave_to_restore(request, obj)
        if autosave is not None and f"{prefix}-TOTAL_FORMS" in autosave.data:
            # The rows as they were typed, shown for checking (and their problems, if any) before saving.
            kwargs["data"] = MultiValueDict(autosave.data)
        return kwargs

    # Saving over someone else's save: see articles.merging.

    def story_merge(self, request, obj) -> StoryMerge | None:
        """This save of ``obj``, merged with the saves made since its form was opened: made once per request, before
        the form and its inlines are read, and locking the story's row until the save's transaction ends (the
        story form's view runs in one: ArticleAdmin.changeform_view)."""
        if request.method != "POST" or obj is None or obj.pk is None or "_saveasnew" in request.POST:
            return None
        if not hasattr(request, "_story_merge"):
            may_change = self.has_change_permission(request, obj)
            request._story_merge = StoryMerge(obj, request.POST) if may_change else None
        return request._story_merge

    def tell_what_was_merged(self, request, merge: StoryMerge | None) -> None:
        if merge is None or not merge.kept:
            return
        who, when = merge.latest_save()
        self.message_user(
            request,
            _(
                "%(who)s saved this story at %(when)s, while you were editing it: their changes to %(fields)s "
                "were kept with yours."
            )
            % {
                "who": who,
                "when": date_format(timezone.localtime(when), "DATETIME_FORMAT"),
                "fields": ", ".join(merge.kept),
            },
            messages.INFO,
        )

    def after_save(self, request, article, change):
        """The form's work is saved: its autosave (a new story's, for a new one) is no longer needed."""
        self.tell_what_was_merged(request, getattr(request, "_story_merge", None))
        editing.discard_autosave(article if change else None, request.user)
        if "_continue" not in request.POST:
            editing.stop_editing(article.pk, request.user)

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
        article = self._story_for(request, story_id, self.has_change_permission) if story_id else None
        if article is None and not self.has_add_permission(request):
            raise PermissionDenied
        if request.POST.get("_discard"):
            editing.discard_autosave(article, request.user)
            messages.info(request, _("The unsaved text was discarded."))
            return redirect(self._form_url(article))
        if request.POST.get("_leaving"):
            if article:
                editing.stop_editing(article.pk, request.user)
            return JsonResponse({})
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

    @staticmethod
    def _form_url(article) -> str:
        if article is None:
            return reverse("admin:articles_article_add")
        return reverse("admin:articles_article_change", args=[article.pk])

    def _story_for(self, request, object_id, allowed):
        """The story the URL names, if it is in the person's newsroom (404) and ``allowed(request, story)`` (403)."""
        article = self.get_object(request, unquote(str(object_id)))
        if article is None:
            raise Http404
        if not allowed(request, article):
            raise PermissionDenied
        return article

    # Revisions: compare any two, restore one (as a new revision).

    def compare_view(self, request, object_id):
        article = self._story_for(request, object_id, self.may_see_history)
        versions = {str(version.pk): version for version in revisions_of(article)}
        old_id, new_id = request.GET.get("old", ""), request.GET.get("new", "current")
        if old_id not in versions or (new_id != "current" and new_id not in versions):
            messages.error(request, _("Choose two revisions of this story to compare."))
            return redirect("admin:articles_article_change", article.pk)
        old, new = versions[old_id], versions.get(new_id)
        new_state = state_of_version(new) if new else state_of_article(article)
        return self.newsroom_page(
            request,
            "compare.html",
            _("Compare revisions of “%(story)s”") % {"story": article},
            original=article,
            old=old,
            new=new,
            changes=compare_states(state_of_version(old), new_state),
            can_restore=article.can_be_edited_by(request.user),
        )

    def restore_view(self, request, object_id, version_id):
        article = self._story_for(request, object_id, self.may_see_history)
        # Not has_change_permission: a reporter may open their live story's form, but only to stage an edit.
        if not article.can_be_edited_by(request.user):
            raise PermissionDenied
        version = revisions_of(article).filter(pk=version_id).first()
        if version is None:
            raise Http404
        when = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        if request.method == "POST":
            try:
                restore_version(article, version, by=request.user, seen_version=int(request.POST.get("version", -1)))
            except (StoryChangedMeanwhile, ValueError):
                messages.error(request, _("The story was saved while you were looking: check what restoring changes."))
                return redirect(request.path)
            messages.success(request, _("The revision of %(when)s was restored, as a new revision.") % {"when": when})
            return redirect("admin:articles_article_change", article.pk)
        return self.newsroom_page(
            request,
            "restore.html",
            _("Restore a revision of “%(story)s”") % {"story": article},
            original=article,
            version=version,
            # Only what restoring changes: the workflow (status, publication time, placement) stays as it is.
            changes=compare_states(state_of_article(article), state_after_restoring(article, version)),
        )


class StoryTrashMixin(NewsroomPagesMixin):
    """Deleting a story moves it to the trash; editors restore it from there or delete it for good."""

    def get_urls(self):
        trash = path("trash/", self.admin_site.admin_view(self.trash_view), name="articles_article_trash")
        return [trash, *super().get_urls()]

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

    def answer_for_story_in_trash(self, request, article):
        """A story in the trash is not edited. A save that arrives after it went there (the form was open) is kept
        as the person's unsaved copy, offered back once the story is restored; None: refused as any other story."""
        editor = request.user.has_perm(PUBLISH_PERMISSION)
        if request.method == "POST" and article.can_be_edited_by(request.user):
            base_version = request.POST.get("base_version", "")
            editing.save_autosave(
                article, request.user, request.POST, int(base_version) if base_version.isdigit() else 0
            )
            text = _(
                "This story was moved to the trash while you were editing it, so your changes were not saved in it. "
                "They are kept as your unsaved copy, offered back when the story is restored from the trash."
            )
        elif editor:
            text = _("This story is in the trash: restore it to edit it.")
        else:
            return None
        self.message_user(request, text, messages.WARNING)
        return redirect("admin:articles_article_trash" if editor else "admin:articles_article_changelist")

    def response_change(self, request, obj):
        if not obj.in_trash:
            return super().response_change(request, obj)
        # Moved there while this person was editing: the save kept it there, and its form is no longer open to them.
        self.message_user(
            request,
            _(
                "%(who)s moved this story to the trash while you were editing it. Your changes are saved in it, "
                "and it stays in the trash: editors can restore it from there."
            )
            % {"who": editing.display_name(obj.deleted_by) if obj.deleted_by else _("Someone")},
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))

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
        return self.newsroom_page(
            request,
            "trash.html",
            _("Trash"),
            stories=in_trash.select_related("section", "deleted_by").order_by("-deleted_at"),
            trash_days=settings.STORY_TRASH_DAYS,
        )

    def _act_on_trash(self, request, in_trash):
        action = request.POST.get("action")
        chosen = in_trash.filter(pk__in=[pk for pk in request.POST.getlist("story") if pk.isdigit()])
        if action == "empty" and "confirmed" not in request.POST:
            chosen = in_trash  # the question lists them all; only those listed are deleted once confirmed
        stories = list(chosen)
        if action not in {"restore", "delete", "empty"} or not stories:
            messages.warning(request, _("Choose the stories first."))
        elif action == "restore":
            restored = sum(article.restore_from_trash(by=request.user) for article in stories)
            messages.success(
                request,
                ngettext("Restored %(count)d story.", "Restored %(count)d stories.", restored) % {"count": restored},
            )
        elif "confirmed" not in request.POST:
            return self.newsroom_page(request, "trash_confirm.html", _("Delete for good?"), stories=stories)
        else:
            count = chosen.delete_for_good()
            messages.success(
                request,
                ngettext("Deleted %(count)d story for good.", "Deleted %(count)d stories for good.", count)
                % {"count": count},
            )
        return redirect("admin:articles_article_trash")
