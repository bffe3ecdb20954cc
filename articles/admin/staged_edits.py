"""Staged edits and corrections in the story admin: "Save as staged edit" on a published story's form, the
review page comparing the staged text with the live one (publish or discard it there), the correction note
editors may add to an ordinary save of a live story, and the corrections' own admin."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TabbedTranslationAdmin

from articles import editing
from articles.models import PUBLISH_PERMISSION, Article, Correction, StagedEdit
from articles.models.staging import staged_field_names
from articles.revisions import StoryChangedMeanwhile, compare_states, state_of_article
from articles.richtext import sanitize_story_html
from articles.staging import add_correction, discard_staged_edit, publish_staged_edit, stage_edit

#: The story form's button that keeps the edit as a staged edit instead of saving it live.
STAGE_BUTTON = "_stage"
CORRECTION_FIELDS = ("correction_note_ko", "correction_note_en")


class CorrectionNoteForm(forms.Form):
    """The public correction an editor may write with a save of a live story (or with a staged edit's
    publication): one per language, both optional; none written, no correction."""

    correction_note_ko = forms.CharField(
        label=gettext_lazy("Correction (Korean)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown to readers at the foot of the story and on the corrections page, dated today."),
    )  # fmt: skip
    correction_note_en = forms.CharField(
        label=gettext_lazy("Correction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Shown to readers at the foot of the story and on the corrections page, dated today."),
    )  # fmt: skip

    @cached_property
    def changed_data(self):
        # A note is not a change of the story: its revision names only the story's fields.
        return [name for name in super().changed_data if name not in CORRECTION_FIELDS]


class PublishStagedEditForm(CorrectionNoteForm):
    """The review page's form: the story's version as the editor saw it, and the correction note."""

    version = forms.IntegerField(widget=forms.HiddenInput)


def staged_text_form(data, article):
    """The staged fields of a posted story form, validated as the story's own (a headline in some language)."""
    form_class = forms.modelform_factory(Article, fields=staged_field_names())
    return form_class(data, instance=Article.objects.get(pk=article.pk))


#: Posted by a story form opened from the staged edit (``?staged_edit``): its text replaces the staged one.
OPENED_FROM = "_staged_edit_opened"


def opened_marker(staged: StagedEdit) -> str:
    """Names the staged edit as it was when a form was opened from it."""
    return staged.updated_at.isoformat()


def staged_by(staged: StagedEdit | None) -> str:
    if staged is None:
        return ""
    return editing.display_name(staged.author) if staged.author else _("Someone")


class StagedEditMixin:
    """For ArticleAdmin: staged edits of published stories and the corrections that go with edits."""

    def get_urls(self):
        review = self.admin_site.admin_view(self.staged_edit_view)
        return [path("<path:object_id>/staged-edit/", review, name="articles_article_staged_edit"), *super().get_urls()]

    # The story form

    def _offers_correction(self, request, obj) -> bool:
        return obj is not None and obj.is_public and request.user.has_perm(PUBLISH_PERMISSION)

    def get_form(self, request, obj=None, **kwargs):
        if self._offers_correction(request, obj):
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base, CorrectionNoteForm), {})
        form_class = super().get_form(request, obj, **kwargs)
        staged = self._staged_edit_to_open(request, obj)
        if staged is None:
            return form_class
        # The staged text in the form, written against its own version: staging it again keeps what it changes.
        initial = {**staged.values, "base_version": staged.base_version}

        class StagedTextForm(form_class):
            def __init__(self, *args, **kwargs):
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **initial}
                super().__init__(*args, **kwargs)

        return StagedTextForm

    @staticmethod
    def _staged_edit_to_open(request, obj) -> StagedEdit | None:
        """The staged edit to show in the story form (``?staged_edit`` on the form's address)."""
        if request.method != "GET" or "staged_edit" not in request.GET or obj is None:
            return None
        if not StagedEdit.may_be_staged_by(request.user, obj):
            return None
        return StagedEdit.objects.filter(article=obj).first()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._offers_correction(request, obj):
            return fieldsets
        return [*fieldsets, (_("Correction"), {"fields": list(CORRECTION_FIELDS)})]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        waiting = StagedEdit.objects.filter(article=form.instance).first() if OPENED_FROM in request.POST else None
        if waiting is not None and request.POST[OPENED_FROM] == opened_marker(waiting):
            waiting.delete()  # its text, opened in the form, was saved live: nothing is left to publish
        if all(name in form.cleaned_data for name in CORRECTION_FIELDS):
            add_correction(
                form.instance,
                by=request.user,
                note_ko=form.cleaned_data["correction_note_ko"],
                note_en=form.cleaned_data["correction_note_en"],
            )

    @staticmethod
    def stages_only(request, obj) -> bool:
        """Whether ``request.user`` may only stage edits of ``obj``: a reporter's own live story. Every save of
        their form is a staged edit; it never changes what readers see."""
        return (
            obj is not None
            and not obj.can_be_edited_by(request.user)
            and StagedEdit.may_be_staged_by(request.user, obj)
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            story = Article.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
            if STAGE_BUTTON in request.POST or self.stages_only(request, story):
                return self.stage_view(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            staged = StagedEdit.objects.filter(article=obj).select_related("author__reporter").first()
            context.update(staged_edit=staged, staged_by=staged_by(staged))
            if staged and self._staged_edit_to_open(request, obj):
                context.update(staged_edit_opened=(OPENED_FROM, opened_marker(staged)))
            if StagedEdit.may_be_staged_by(request.user, obj):
                buttons = context.get("workflow_buttons", [])
                context["workflow_buttons"] = [*buttons, (STAGE_BUTTON, _("Save as staged edit"))]
            if self.stages_only(request, obj):
                context.update(
                    stages_only=True, show_save=False, show_save_and_continue=False, show_save_and_add_another=False
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def stage_view(self, request, object_id):
        """The form's text kept as the story's staged edit; the live story is untouched."""
        article = self._story_for(
            request, object_id, lambda request, story: StagedEdit.may_be_staged_by(request.user, story)
        )
        form = staged_text_form(request.POST, article)
        base_version = request.POST.get("base_version", "")
        base_version = int(base_version) if base_version.isdigit() else article.version
        if not form.is_valid():
            # Nothing typed is lost: the form comes back with it, as an unsaved copy.
            editing.save_autosave(article, request.user, request.POST, base_version)
            for error in form.errors.values():
                messages.error(request, " ".join(error))
            return redirect(reverse("admin:articles_article_change", args=[article.pk]) + "?restore_autosave=1")
        values = {name: form.cleaned_data[name] or "" for name in staged_field_names()}
        values.update({name: sanitize_story_html(value) for name, value in values.items() if name.startswith("body_")})
        notes = {name: request.POST.get(name, "").strip() for name in CORRECTION_FIELDS}
        waiting = StagedEdit.objects.filter(article=article).first()
        replacing = waiting is not None and request.POST.get(OPENED_FROM) == opened_marker(waiting)
        stage_edit(article, values, by=request.user, base_version=base_version, notes=notes, replacing=replacing)
        editing.discard_autosave(article, request.user)
        messages.success(
            request,
            _(
                "Saved as a staged edit: readers still see the live text until an editor publishes it. "
                "Only the text (headline, subtitle, summary, body) is staged."
            ),
        )
        return redirect("admin:articles_article_staged_edit", article.pk)

    # The review page

    def staged_edit_view(self, request, object_id):
        article = self._story_for(request, object_id, self.may_see_history)
        staged = StagedEdit.objects.filter(article=article).select_related("author__reporter").first()
        if staged is None:
            raise Http404
        notes = {name: getattr(staged, name) for name in CORRECTION_FIELDS}
        form = PublishStagedEditForm(request.POST or None, initial={"version": article.version, **notes})
        if request.method == "POST":
            answer = self._act_on_staged_edit(request, article, staged, form)
            if answer is not None:
                return answer
        return self.newsroom_page(
            request,
            "staged_edit.html",
            _("Staged edit of “%(story)s”") % {"story": article},
            original=article,
            staged=staged,
            staged_by=staged_by(staged),
            form=form,
            changes=compare_states(state_of_article(article), state_of_article(staged.as_article())),
            live_changed_since=article.version != staged.base_version,
            conflicts=staged.conflicting_fields(article),
            can_publish=staged.may_be_published_by(request.user),
            can_discard=staged.may_be_discarded_by(request.user),
        )

    def _act_on_staged_edit(self, request, article, staged, form):
        if "_discard_staged" in request.POST:
            if not staged.may_be_discarded_by(request.user):
                raise PermissionDenied
            discard_staged_edit(staged)
            messages.success(request, _("The staged edit was discarded; the live story is unchanged."))
            return redirect("admin:articles_article_change", article.pk)
        if "_publish_staged" not in request.POST:
            return None
        if not staged.may_be_published_by(request.user):
            raise PermissionDenied
        if not form.is_valid():
            return None
        try:
            publish_staged_edit(
                staged,
                by=request.user,
                seen_version=form.cleaned_data["version"],
                note_ko=form.cleaned_data["correction_note_ko"],
                note_en=form.cleaned_data["correction_note_en"],
            )
        except StoryChangedMeanwhile:
            messages.error(request, _("The story was saved while you were looking: check the changes again."))
            return None
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return None
        messages.success(request, _("The staged edit was published: readers see it now."))
        return redirect("admin:articles_article_change", article.pk)


@admin.register(Correction)
class CorrectionAdmin(TabbedTranslationAdmin):
    """Editors correct or remove a correction; new ones are written with the story's edit."""

    list_display = ["article", "published_at", "by"]
    list_select_related = ["article", "by"]
    search_fields = ["note_ko", "note_en", "article__title_ko", "article__title_en"]
    autocomplete_fields = ["article"]
    readonly_fields = ["by"]
    date_hierarchy = "published_at"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.by = request.user
        super().save_model(request, obj, form, change)
