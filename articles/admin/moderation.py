"""Comment moderation for editors: the queue, hold rules, bans and the audit trail.

Reporters may read the comments on their own stories here; only editors
(the moderate_comment permission) may act, and every action is logged by
articles.moderation.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Func, IntegerField, OuterRef, Q, Subquery
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from solo.admin import SingletonModelAdmin

from articles import moderation
from articles.admin.changelists import ArchiveListAdmin, DateHierarchyAdmin
from articles.models import (
    AllowedPhrase,
    Article,
    BlockedPhrase,
    Comment,
    CommentBan,
    CommentReport,
    HoldRules,
    ModerationLogEntry,
    ReaderProfile,
)

MODERATE_PERMISSION = "articles.moderate_comment"


class QueueFilter(admin.SimpleListFilter):
    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting (reported or held)")), ("reported", _("Reported")), ("held", _("Held"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.needing_review()
        if self.value() == "reported":
            return queryset.filter(pk__in=CommentReport.objects.values("comment"))
        if self.value() == "held":
            return queryset.filter(status=Comment.Status.HELD)
        return queryset


class BanForm(forms.Form):
    reason = forms.CharField(label=_("Reason (the reader sees it)"), max_length=300)
    until = forms.DateTimeField(
        label=_("Until"), required=False, help_text=_("Leave empty to ban until an editor lifts it.")
    )


def search_words(search_term: str) -> list[str]:
    """The words of a search as Django's admin splits them: by spaces, a quoted phrase kept whole."""
    quoted = ('"', "'")
    return [
        unescape_string_literal(bit) if bit.startswith(quoted) and bit[0] == bit[-1] else bit
        for bit in smart_split(search_term)
    ]


def report_count() -> Subquery:
    """The comment's reports, counted for its row alone: a COUNT joined to the list would group the whole table."""
    reports = CommentReport.objects.filter(comment=OuterRef("pk")).order_by()
    return Subquery(reports.annotate(count=Func("pk", function="COUNT")).values("count"), output_field=IntegerField())


@admin.register(Comment)
class CommentAdmin(ArchiveListAdmin, admin.ModelAdmin):
    """The moderation queue, newest first. At a million comments it stays one page's work (ArchiveListAdmin): the
    whole table sorts by posting time only (an index keeps it), the queue, a story's or a reader's comments by
    any column."""

    list_display = [
        "created_at",
        "text",
        "story",
        "author_name",
        "status",
        "held_for",
        "report_count",
        "report_reasons",
    ]
    list_filter = [QueueFilter, "status", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["article", "author__reader_profile"]
    search_fields = ["body", "author__reader_profile__nickname"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    sortable_on_whole_table = ("created_at",)
    narrowing_parameters = frozenset({"queue", "article__id__exact", "author__id__exact"})
    fields = ["article", "author_name", "body", "status", "held_for", "created_at", "report_reasons"]
    readonly_fields = fields
    actions = [
        "approve_comments",
        "hide_comments",
        "restore_comments",
        "dismiss_reports",
        "ban_authors",
        "delete_selected",
    ]
    change_form_template = "admin/articles/comment/change_form.html"
    delete_confirmation_template = "admin/articles/comment/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/articles/comment/delete_selected_confirmation.html"

    def get_queryset(self, request):
        comments = super().get_queryset(request).annotate(report_count=report_count()).prefetch_related("reports")
        # A story in the trash takes its comments off the site: there is nothing to moderate until it is restored.
        comments = comments.filter(article__deleted_at__isnull=True)
        if request.user.has_perm(MODERATE_PERMISSION):
            return comments
        # Reporters read the comments on their own stories, nothing else.
        return comments.filter(article__in=Article.objects.written_by(request.user).values("pk"))

    def lists_whole_table(self, request) -> bool:
        return self.has_moderate_permission(request)  # reporters list the comments on their own stories

    def get_search_results(self, request, queryset, search_term):
        """As Django searches ``search_fields``: each word in the comment or in its reader's nickname. The nicknames
        are looked up apart, among the readers: joined to the comments, they hid from PostgreSQL how many comments
        match, and it sorted all the matches instead of reading the newest from the posting-time index."""
        for word in search_words(search_term):
            readers = ReaderProfile.objects.filter(nickname__icontains=word).values("user")
            queryset = queryset.filter(Q(body__icontains=word) | Q(author__in=readers))
        return queryset, False

    def lookup_allowed(self, lookup, value, request=None):
        # The story and author links in the list filter by these.
        return lookup in {"article__id__exact", "author__id__exact"} or super().lookup_allowed(lookup, value, request)

    # Columns

    @admin.display(description=_("comment"))
    def text(self, comment):
        if comment.status == Comment.Status.DELETED:
            return _("This comment was deleted.")
        body = Truncator(comment.body).chars(80)
        if comment.status == Comment.Status.HIDDEN:
            body = format_html("<s>{}</s>", body)
        if comment.parent_id:
            return format_html('<span title="{}">↳</span> {}', _("a reply"), body)
        return body

    @admin.display(description=_("story"), ordering="article")
    def story(self, comment):
        queue = reverse("admin:articles_comment_changelist")
        return format_html(
            '<a href="{}?article__id__exact={}">{}</a> <a href="{}" title="{}">↗</a>',
            queue, comment.article_id, Truncator(str(comment.article)).chars(40),
            comment.article.get_absolute_url(), _("the story on the site"),
        )  # fmt: skip

    @admin.display(description=_("reader"), ordering="author__reader_profile__nickname")
    def author_name(self, comment):
        if comment.author is None:  # a deleted comment's placeholder keeps nobody's name
            return "—"
        profile = getattr(comment.author, "reader_profile", None)
        name = profile.nickname if profile else comment.author.get_username()
        queue = reverse("admin:articles_comment_changelist")
        return format_html(
            '<a href="{}?author__id__exact={}" title="{}">{}</a>',
            queue, comment.author_id, _("all comments by this reader"), name,
        )  # fmt: skip

    @admin.display(description=_("why held"), ordering="held_rule")
    def held_for(self, comment):
        if not comment.held_rule:
            return "—"
        if not comment.held_text:
            return comment.get_held_rule_display()
        return format_html("{}: <q>{}</q>", comment.get_held_rule_display(), comment.held_text)

    @admin.display(description=_("act"))
    def row_actions(self, comment):
        """Approve and hide without the action menu. The buttons post the list's own form (its CSRF token
        included) to the row's address: a form of their own cannot sit inside the list's."""
        buttons = []
        if comment.status == Comment.Status.HELD:
            buttons.append(("approve", _("Approve")))
        if comment.status in (Comment.Status.PUBLISHED, Comment.Status.HELD):
            buttons.append(("hide", _("Hide")))
        return format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            ((reverse(f"admin:articles_comment_{name}", args=[comment.pk]), label) for name, label in buttons),
        )

    @admin.display(description=_("reports"), ordering="report_count")
    def report_count(self, comment):
        return comment.report_count

    @admin.display(description=_("reasons"))
    def report_reasons(self, comment):
        return format_html_join(
            ", ", "{}{}", ((report.get_reason_display(), f": {report.details}" if report.details else "")
                           for report in comment.reports.all()),
        )  # fmt: skip

    def get_list_display(self, request):
        if self.has_moderate_permission(request):
            return [*self.list_display, "row_actions"]
        return self.list_display

    # Who may do what

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(MODERATE_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(MODERATE_PERMISSION)

    def has_moderate_permission(self, request):
        return request.user.has_perm(MODERATE_PERMISSION)

    # The moderation log is the record for comments: Django's own admin history
    # would keep each comment's text (its str) after the comment is deleted.

    def log_addition(self, request, obj, message):
        pass

    def log_change(self, request, obj, message):
        pass

    def log_deletions(self, request, queryset):
        pass

    # Deleting goes through the moderation log; the confirmation pages carry the readers' warning.

    def get_deleted_objects(self, objs, request):
        """Only the comments themselves go: their replies stay under a placeholder, so Django's list of
        cascaded objects would mislead (and would quote the replies' text)."""
        comments = list(objs)
        summary = {Comment._meta.verbose_name_plural: len(comments)}
        return [Truncator(comment.body).chars(80) for comment in comments], summary, set(), []

    def delete_model(self, request, obj):
        moderation.delete_permanently(Comment.objects.filter(pk=obj.pk), by=request.user)

    def delete_queryset(self, request, queryset):
        moderation.delete_permanently(queryset, by=request.user)

    def save_model(self, request, obj, form, change):
        """Nothing: every field is read-only, and saving the page's copy would write back a comment its author
        has since rewritten, or bring back one deleted meanwhile. The buttons act through articles.moderation."""

    # Actions, in bulk from the list and one at a time from a comment's page

    def _act(self, request, queryset, action, done_message):
        count = action(Comment.objects.filter(pk__in=queryset.values("pk")), by=request.user)
        self.message_user(request, done_message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected held comments"), permissions=["moderate"])
    def approve_comments(self, request, queryset):
        self._act(request, queryset, moderation.approve, _("%(count)d comment(s) approved."))

    @admin.action(description=_("Hide the selected comments"), permissions=["moderate"])
    def hide_comments(self, request, queryset):
        self._act(request, queryset, moderation.hide, _("%(count)d comment(s) hidden."))

    @admin.action(description=_("Restore the selected hidden comments"), permissions=["moderate"])
    def restore_comments(self, request, queryset):
        self._act(request, queryset, moderation.restore, _("%(count)d comment(s) restored."))

    @admin.action(description=_("Dismiss the reports on the selected comments"), permissions=["moderate"])
    def dismiss_reports(self, request, queryset):
        self._act(request, queryset, moderation.dismiss_reports, _("Reports dismissed on %(count)d comment(s)."))

    @admin.action(description=_("Ban the authors of the selected comments"), permissions=["moderate"])
    def ban_authors(self, request, queryset):
        form = BanForm(request.POST if "apply" in request.POST else None)
        # A deleted comment's placeholder has no author left to ban.
        readers = {comment.author for comment in queryset.select_related("author__reader_profile") if comment.author}
        if form.is_valid():
            for reader in readers:
                moderation.ban(reader, by=request.user, **form.cleaned_data)
            count = len(readers)
            self.message_user(request, ngettext("%d reader banned.", "%d readers banned.", count) % count)
            return None
        context = {
            **self.admin_site.each_context(request), "title": _("Ban readers from commenting"), "form": form,
            "readers": readers, "queryset": queryset, "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/comment/ban_authors.html", context)

    # One comment's approve and hide buttons in the list

    def get_urls(self):
        row_actions = [
            path(f"<int:object_id>/{name}/", self.admin_site.admin_view(view), name=f"articles_comment_{name}")
            for name, view in (("approve", self.approve_view), ("hide", self.hide_view))
        ]
        return row_actions + super().get_urls()

    def approve_view(self, request, object_id):
        return self._row_action(request, object_id, self.approve_comments)

    def hide_view(self, request, object_id):
        return self._row_action(request, object_id, self.hide_comments)

    def _row_action(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        action(request, self.get_queryset(request).filter(pk=object_id))
        return HttpResponseRedirect(self._queue_to_return_to(request))

    def _queue_to_return_to(self, request) -> str:
        """The queue as the editor left it (its filters and page), when the browser says where that was."""
        queue = reverse("admin:articles_comment_changelist")
        came_from = request.headers.get("referer", "")
        safe = url_has_allowed_host_and_scheme(came_from, {request.get_host()}, require_https=request.is_secure())
        return came_from if safe and urlsplit(came_from).path == queue else queue

    def response_change(self, request, obj):
        actions = {
            "_approve": self.approve_comments, "_hide": self.hide_comments,
            "_restore": self.restore_comments, "_dismiss": self.dismiss_reports,
        }  # fmt: skip
        for name, action in actions.items():
            if name in request.POST:
                action(request, Comment.objects.filter(pk=obj.pk))
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_moderate": self.has_moderate_permission(request)}
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(CommentBan)
class CommentBanAdmin(admin.ModelAdmin):
    list_display = ["reader", "reason", "until", "in_force", "created_by", "created_at", "lifted_at"]
    list_select_related = ["reader", "created_by"]
    list_filter = ["lifted_at", "until"]
    search_fields = ["reader__username", "reader__reader_profile__nickname", "reason"]
    autocomplete_fields = ["reader"]
    fields = ["reader", "reason", "until"]
    actions = ["lift_bans"]

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, entry):
        return entry.lifted_at is None and (entry.until is None or entry.until > timezone.now())

    def has_change_permission(self, request, obj=None):
        # A ban is lifted, not rewritten: the record of it stays as it was.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_changeform_initial_data(self, request):
        # "Ban this reader" on a comment's page arrives with ?reader=<id>.
        return {"reader": request.GET.get("reader")}

    def save_model(self, request, obj, form, change):
        saved = moderation.ban(obj.reader, by=request.user, reason=obj.reason, until=obj.until)
        obj.pk = saved.pk

    @admin.action(description=_("Lift the selected bans"), permissions=["change"])
    def lift_bans(self, request, queryset):
        entries = list(queryset.filter(lifted_at__isnull=True))
        for entry in entries:
            moderation.lift_ban(entry, by=request.user)
        self.message_user(request, ngettext("%d ban lifted.", "%d bans lifted.", len(entries)) % len(entries))


@admin.register(ModerationLogEntry)
class ModerationLogEntryAdmin(DateHierarchyAdmin, admin.ModelAdmin):
    """The audit trail: readable by editors, editable by nobody."""

    list_display = ["created_at", "action", "editor", "comment_id", "article_title", "reader_name", "note"]
    list_select_related = ["editor"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["reader_name", "article_title", "note", "=comment_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BlockedPhrase)
class BlockedPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "match", "created_at"]
    list_filter = ["match"]
    search_fields = ["phrase"]


@admin.register(AllowedPhrase)
class AllowedPhraseAdmin(admin.ModelAdmin):
    list_display = ["phrase", "created_at"]
    search_fields = ["phrase"]


admin.site.register(HoldRules, SingletonModelAdmin)
