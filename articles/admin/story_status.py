"""A story's status as the newsroom means it in the stories list: a scheduled story is not yet published."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article


class StoryStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"
    LIVE, SCHEDULED = "live", "scheduled"
    #: The states a small share of the archive is in (all but live): a list of them sorts by any column.
    FEW = {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED, SCHEDULED}

    def lookups(self, request, model_admin):
        Status = Article.Status
        return [
            (Status.DRAFT, Status.DRAFT.label),
            (Status.REVIEW, Status.REVIEW.label),
            (Status.RETURNED, Status.RETURNED.label),
            (self.SCHEDULED, _("Scheduled")),
            (self.LIVE, _("Published (live)")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.SCHEDULED:
            return queryset.scheduled()
        if self.value() == self.LIVE:
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())
        if self.value() in {Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED}:
            return queryset.filter(status=self.value())
        return queryset


@admin.display(description=_("status"), ordering="status")
def story_status(article: Article) -> str:
    """ "Scheduled 2026-12-05 09:00" (Seoul time) for a story approved for later, else its workflow status."""
    if article.is_scheduled:
        return _("Scheduled %(time)s") % {"time": f"{timezone.localtime(article.published_at):%Y-%m-%d %H:%M}"}
    return article.get_status_display()
