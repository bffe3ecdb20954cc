"""The newsroom: reporters draft and submit, editors approve, return and publish.

Every rule here is enforced on the server. Buttons are only offered where the
model's permission methods say yes, and a crafted POST meets the same checks.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from solo.admin import SingletonModelAdmin

from articles.admin.changelists import ArchiveListAdmin
from articles.admin.confirmations import WorkflowConfirmationMixin, workflow_note
from articles.admin.photos import StoryPhotoInline
from articles.admin.staged_edits import StagedEditMixin
from articles.admin.story_editing import StoryHistoryMixin, StoryTrashMixin
from articles.admin.story_form import NamedDateTimeInputs, NamedRowsFormSet, ReadOnlyOnLiveStoriesOfReporters
from articles.admin.story_status import StoryStatusFilter, story_status
from articles.admin.translations import StoryTranslationMixin
from articles.forms import WORKFLOW_ACTIONS, ArticleAdminForm, requested_workflow_action
from articles.models import PUBLISH_PERMISSION, Article, Byline, Reporter, Section, SiteSettings, StagedEdit, Tag
from ktnews.signin_guard import AdminAuthenticationForm

admin.site.site_header = _("KT News newsroom")
admin.site.site_title = _("KT News newsroom")
admin.site.index_title = _("Newsroom")
admin.site.login_form = AdminAuthenticationForm


@admin.register(Section)
class SectionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name_en"]}
    search_fields = ["name_ko", "name_en"]


@admin.register(Reporter)
class ReporterAdmin(TabbedTranslationAdmin):
    list_display = ["name", "position", "email", "user"]
    search_fields = ["name_ko", "name_en", "email"]
    autocomplete_fields = ["user", "portrait"]

    def has_change_permission(self, request, obj=None):
        # Reporters may keep their own profile up to date; editors manage everyone's.
        allowed = super().has_change_permission(request, obj)
        if obj is None or request.user.has_perm(PUBLISH_PERMISSION):
            return allowed
        return allowed and obj.user_id == request.user.pk

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm(PUBLISH_PERMISSION):
            return []
        return ["user"]


@admin.register(Tag)
class TagAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name_ko", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


admin.site.register(SiteSettings, SingletonModelAdmin)


class StoryListRowForm(forms.ModelForm):
    """A row of the stories list's own editing (placement), saved over the story as it is now."""

    GONE = _("This story was moved to the trash or deleted meanwhile: it was not changed.")
    #: Set when the story has left the list since it was shown (the list says so above its rows).
    gone = False

    def clean(self):
        cleaned_data = super().clean()
        self.gone = self.instance.pk is None  # the list showed it, but it has left the list since
        if self.gone or not self.has_changed():
            return cleaned_data
        # Locked until the list's save ends (the list runs in one transaction): no one saves the story in between.
        current = Article.objects.select_for_update().outside_trash().filter(pk=self.instance.pk).first()
        if current is None:
            self.gone = True
            raise ValidationError(self.GONE)
        for model_field in Article._meta.concrete_fields:
            if model_field.name not in self.fields:  # the rest of the story as saved now, not as the list read it
                setattr(self.instance, model_field.attname, getattr(current, model_field.attname))
        return cleaned_data

    def _post_clean(self):
        # A story that left the list has no row to check: Django would validate an empty story, whose missing
        # headline (a field the list does not show) it cannot report, and answer 500.
        if self.instance.pk is not None:
            super()._post_clean()


class StoryListFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        # Said above the rows: a story no longer listed has no row to carry its error.
        if any(form.gone for form in self.forms):
            raise ValidationError(StoryListRowForm.GONE)


class BylineFilter(admin.SimpleListFilter):
    """The stories a reporter is on the byline of, at the address Django's own filter gave them. Through a subquery:
    a join through the byline repeats a story per reporter, and the DISTINCT that undoes it reads every story of
    the reporter before the first page can be cut."""

    title = _("byline")
    parameter_name = "reporters__id__exact"
    UNSIGNED = "none"

    def lookups(self, request, model_admin):
        return [*((reporter.pk, str(reporter)) for reporter in Reporter.objects.all()), (self.UNSIGNED, _("No byline"))]

    def queryset(self, request, queryset):
        if self.value() == self.UNSIGNED:
            return queryset.exclude(pk__in=Byline.objects.values("article"))
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            raise IncorrectLookupParameters(f"No reporter {self.value()!r}")
        return queryset.filter(pk__in=Byline.objects.filter(reporter=self.value()).values("article"))


class BylineInline(ReadOnlyOnLiveStoriesOfReporters, admin.TabularInline):
    model = Byline
    formset = NamedRowsFormSet
    # Left empty, a reporter's new story is signed with their own byline.
    extra = 1
    autocomplete_fields = ["reporter"]
    fields = ["reporter", "order"]


@admin.register(Article)
class ArticleAdmin(
    WorkflowConfirmationMixin,
    StagedEditMixin,
    StoryTranslationMixin,
    NamedDateTimeInputs,
    ArchiveListAdmin,
    StoryHistoryMixin,
    StoryTrashMixin,
    TabbedTranslationAdmin,
):
    form = ArticleAdminForm
    actions = ["move_to_trash"]
    inlines = [BylineInline, StoryPhotoInline]
    list_display = ["__str__", "section", story_status, "placement", "placement_order", "byline_names", "published_at"]
    list_editable = ["placement", "placement_order"]
    list_filter = [StoryStatusFilter, "section", "placement", BylineFilter]
    autocomplete_fields = ["tags", "related_articles"]
    list_select_related = ["section"]
    search_fields = ["title_ko", "title_en"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    sortable_on_whole_table = ("published_at",)
    narrowing_parameters = frozenset({"reporters__id__exact"})

    EDITOR_ONLY_FIELDS = [
        "published_at", "review_note", "placement", "placement_order", "related_articles", "comments_enabled",
        "legacy_id",
    ]  # fmt: skip
    ALWAYS_READONLY = ["status", "approved_by", "revised_at", "created_by", "created_at", "updated_at"]
    #: Changing these on a public story shows readers a 수정 (updated) time.
    READER_VISIBLE_FIELDS = {
        f"{field}_{language}" for field in ("title", "subtitle", "summary", "body") for language in ("ko", "en")
    }
    fieldsets = [
        (None, {"fields": ["title", "subtitle", "summary", "body", "tags"]}),
        (_("Publication"), {"fields": ["section", "slug", "status", *EDITOR_ONLY_FIELDS, "approved_by"]}),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_by", "created_at", "updated_at", "revised_at"]}),
    ]

    class Media:
        js = ["articles/story-editing.js"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm(PUBLISH_PERMISSION):
            return self.ALWAYS_READONLY
        # Fields a reporter may not set are read-only, so a crafted POST
        # carrying them is ignored by the form.
        return [*self.ALWAYS_READONLY, *self.EDITOR_ONLY_FIELDS]

    def get_queryset(self, request):
        return super().get_queryset(request).in_newsroom_of(request.user).prefetch_related("bylines__reporter")

    def lists_whole_table(self, request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)  # reporters' lists leave out others' unpublished stories

    def is_narrowed(self, request) -> bool:
        return (
            super().is_narrowed(request) or request.GET.get(StoryStatusFilter.parameter_name) in StoryStatusFilter.FEW
        )

    @admin.display(description=_("byline"))
    def byline_names(self, article):
        return ", ".join(str(reporter) for reporter in article.byline)

    def view_on_site(self, article):
        # Unpublished stories get a "Preview" link instead (see the change form template).
        return article.get_absolute_url() if article.is_public else None

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=StoryListRowForm, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=StoryListFormSet, **kwargs)

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():  # StoryListRowForm's lock lasts until the rows are saved
            return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        # Placement is an editor's call: reporters get the list without its inline editing.
        changelist = super().get_changelist_instance(request)
        if not request.user.has_perm(PUBLISH_PERMISSION):
            changelist.list_editable = ()
        return changelist

    # Permissions: the model decides, the admin asks.

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        # A reporter's own published story opens as a form that only stages edits (StagedEditMixin).
        editable = obj is None or obj.can_be_edited_by(request.user) or StagedEdit.may_be_staged_by(request.user, obj)
        return allowed and editable

    def has_delete_permission(self, request, obj=None):
        # Deleting stories is an editor's decision.
        return super().has_delete_permission(request, obj) and request.user.has_perm(PUBLISH_PERMISSION)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        with transaction.atomic():
            story = self._story_to_change(request, object_id)
            if story is not None and story.in_trash and (answer := self.answer_for_story_in_trash(request, story)):
                return answer
            self._refuse_stories_outside_newsroom(request, object_id)
            return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _story_to_change(request, object_id) -> Article | None:
        """The story as it is now, trash or not. A save locks it first, until it is done: moving it to the trash or
        deleting it waits, and one that went to the trash just before is seen as such, not as missing."""
        if not str(object_id).isdigit():
            return None
        stories = Article.objects.filter(pk=object_id)
        return (stories.select_for_update() if request.method == "POST" else stories).first()

    def _refuse_stories_outside_newsroom(self, request, object_id):
        """Someone else's draft answers 403, not the admin's "perhaps it was deleted" redirect."""
        if self.get_object(request, unquote(object_id)) is None:
            try:
                exists = Article.objects.filter(pk=unquote(object_id)).exists()
            except (ValueError, ValidationError):
                exists = False
            if exists:
                raise PermissionDenied

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if request.method == "POST":
            action = requested_workflow_action(request.POST)
            if action and action not in self.workflow_actions(request, obj):
                raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            **self.editing_context(request, obj),
            "workflow_actions": self.workflow_actions(request, obj),
        }
        with transaction.atomic():
            return super().changeform_view(request, object_id, form_url, extra_context)

    def workflow_actions(self, request, obj) -> list[str]:
        """The workflow buttons ``request.user`` may press on ``obj`` (None: a new story)."""
        user = request.user
        status = obj.status if obj else Article.Status.DRAFT
        actions = []
        if user.has_perm(PUBLISH_PERMISSION):
            if status != Article.Status.PUBLISHED:
                actions.append("_publish")
            if status == Article.Status.REVIEW:
                actions.append("_return")
            if status == Article.Status.PUBLISHED:
                actions.append("_unpublish")
        elif status in Article.REPORTER_EDITABLE and (obj is None or obj.can_be_edited_by(user)):
            actions.append("_submit_for_review")
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        elif obj.is_public and set(form.changed_data) & self.READER_VISIBLE_FIELDS:
            obj.revised_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        self._sign_new_story(request, article, change)
        action = requested_workflow_action(request.POST)
        if action == "_submit_for_review":
            article.submit_for_review(by=request.user)
        elif action == "_publish":
            article.publish(by=request.user, at=form.cleaned_data.get("published_at"), note=workflow_note(request.POST))
        elif action == "_return":
            article.return_to_reporter(by=request.user, note=form.cleaned_data["review_note"])
        elif action == "_unpublish":
            article.unpublish(by=request.user)
        if action:
            self.message_user(request, WORKFLOW_ACTIONS[action]["done"], messages.SUCCESS)
        reversion.set_comment(self.revision_note(form, formsets, action, change))
        self.after_save(request, article, change)

    @staticmethod
    def _sign_new_story(request, article, change):
        """A reporter's new story carries their byline unless they chose another."""
        reporter = getattr(request.user, "reporter", None)
        if not change and reporter and not article.bylines.exists():
            article.reporters.add(reporter)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_buttons"] = [
            (name, WORKFLOW_ACTIONS[name]["label"]) for name in context.get("workflow_actions", [])
        ]
        context["review_note_for_reporter"] = (
            obj.review_note if obj and obj.status == Article.Status.RETURNED and obj.review_note else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)
