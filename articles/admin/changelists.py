"""The admin's lists of rows: dates checked, and each page's work bounded however large the table grows.

Django turns the date hierarchy's year, month and day parameters into a date without bounds: a 30-digit year
raised OverflowError, and year 9999 failed computing the year after it; both answered 500. Here they are
wrong parameters like any other, and the admin answers them as it does a made-up filter (``?e=1``).

Left to itself, Django's list also reads the whole table on every page, which at a million comments takes
seconds: it counts every row it could show (once for the pager, once more for "N total"), asks for every year,
month and day that holds a row to draw the date links, and lets any column sort the whole table. The lists that
reach archive scale (ArchiveListAdmin: comments and stories) instead

- count at most EXACT_UP_TO rows, or take PostgreSQL's estimate when the list is a whole table unfiltered, and say
  so ("about 1,000,000", "more than 10,000"); their pages reach as far as EXACT_UP_TO rows, the rest is reached
  by date, by a filter or by the other order;
- sort the whole table only by columns an index keeps in order (the others once the list is narrowed).

Every list with a date hierarchy draws its date links from its first and last row (two reads of an index)
instead of from every distinct date: a year, month or day between them that holds no row still has its link.
"""

import datetime
from math import ceil

from django.contrib.admin import ShowFacets
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Rows a list counts one by one, and pages through, before it says "more than".
EXACT_UP_TO = 10_000


class DateBoundChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:  # raised only by parameters that name no date
            raise IncorrectLookupParameters(error) from error

    @cached_property
    def date_links(self) -> dict:
        """What admin/date_hierarchy.html shows, as Django's date_hierarchy tag makes it, from two rows only."""
        field = self.date_hierarchy
        year, month, day = (self.params.get(f"{field}__{part}") for part in ("year", "month", "day"))
        if year and month and day:
            chosen = datetime.date(int(year), int(month), int(day))
            return self._links(self._date_link(year, month), _title(chosen, "YEAR_MONTH_FORMAT"), [(None, chosen)])
        first, last = self._first_and_last(field)
        if first and not year and first.year == last.year:  # one year only: its months at once, as Django does
            year = first.year
            month = first.month if first.month == last.month else None
        if year and month:
            days = [datetime.date(int(year), int(month), number) for number in _span(first, last, "day")]
            choices = [(self._date_link(year, month, day.day), day) for day in days]
            return self._links(self._date_link(year), str(year), choices, "MONTH_DAY_FORMAT")
        if year:
            months = [datetime.date(int(year), number, 1) for number in _span(first, last, "month")]
            choices = [(self._date_link(year, month.month), month) for month in months]
            return self._links(self._date_link(), _("All dates"), choices, "YEAR_MONTH_FORMAT")
        years = [{"link": self._date_link(number), "title": str(number)} for number in _span(first, last, "year")]
        return {"show": True, "back": None, "choices": years}

    def _first_and_last(self, field) -> tuple:
        """The earliest and the latest date of the rows listed (in local time), each read at one end of an index."""
        dates = self.queryset.filter(**{f"{field}__isnull": False}).values_list(field, flat=True)
        first, last = dates.order_by(field).first(), dates.order_by(f"-{field}").first()
        if first is None or last is None:
            return None, None
        if isinstance(first, datetime.datetime) and timezone.is_aware(first):
            return timezone.localtime(first), timezone.localtime(last)
        return first, last

    def _date_link(self, *parts) -> str:
        names = [f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day")]
        return self.get_query_string(dict(zip(names, parts, strict=False)), [f"{self.date_hierarchy}__"])

    @staticmethod
    def _links(back_link, back_title, choices, date_form="MONTH_DAY_FORMAT") -> dict:
        return {
            "show": True,
            "back": {"link": back_link, "title": back_title},
            "choices": [{"link": link, "title": _title(day, date_form)} for link, day in choices],
        }


def _span(first, last, part: str) -> range:
    """The years, months or days from the first row's to the last row's (none without rows)."""
    return range(getattr(first, part), getattr(last, part) + 1) if first else range(0)


def _title(day: datetime.date, date_form: str) -> str:
    return capfirst(formats.date_format(day, date_form))


class DateHierarchyAdmin:
    """For a ModelAdmin with ``date_hierarchy``: dates out of range are wrong parameters, not a 500."""

    def get_changelist(self, request, **kwargs):
        return DateBoundChangeList


class BoundedPaginator(Paginator):
    """A pager that counts at most ``exact_up_to`` rows (and one more, to know there are more), or takes the
    database's estimate of a whole table (``estimate_from``, a model), and pages through ``exact_up_to`` rows.

    ``strategy`` says which count it gave: EXACT, CAPPED (more than ``exact_up_to``) or ESTIMATED."""

    EXACT, CAPPED, ESTIMATED = "exact", "capped", "estimated"
    exact_up_to = EXACT_UP_TO

    def __init__(self, object_list, per_page, *, estimate_from=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.estimate_from = estimate_from
        self.strategy = None

    @cached_property
    def count(self) -> int:
        estimate = estimated_rows(self.estimate_from, self.object_list.db) if self.estimate_from else None
        if estimate is not None and estimate > self.exact_up_to:
            self.strategy = self.ESTIMATED
            return estimate
        counted = self.object_list.order_by().values("pk")[: self.exact_up_to + 1].count()
        self.strategy = self.CAPPED if counted > self.exact_up_to else self.EXACT
        return counted

    @cached_property
    def num_pages(self) -> int:
        return ceil(max(1, min(self.count, self.exact_up_to) - self.orphans) / self.per_page)

    @property
    def end_note(self) -> str:
        """Said under the pages when rows lie past the last of them."""
        if self.count <= self.exact_up_to:
            return ""
        return _(
            "The pages list the first %(count)s. To reach the others, narrow the list (by date, with a filter or a "
            "search) or sort it the other way."
        ) % {"count": formats.number_format(self.exact_up_to, force_grouping=True)}

    @property
    def count_display(self) -> str:
        shown = formats.number_format(
            self.exact_up_to if self.strategy == self.CAPPED else self.count, force_grouping=True
        )
        if self.strategy == self.ESTIMATED:
            return _("about %(count)s") % {"count": shown}
        if self.strategy == self.CAPPED:
            return _("more than %(count)s") % {"count": shown}
        return shown


def estimated_rows(model, using) -> int | None:
    """PostgreSQL's own estimate of the rows in ``model``'s table, as its planner makes it (the rows per page it
    last measured times the table's pages now), in two significant digits; None elsewhere or if never measured."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples / relpages * (pg_relation_size(oid) / current_setting('block_size')::int) "
            "FROM pg_class WHERE oid = %s::regclass AND relpages > 0 AND reltuples >= 0",
            [connection.ops.quote_name(model._meta.db_table)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    estimate = round(row[0])
    return round(estimate, 2 - len(str(estimate))) if estimate >= 100 else estimate


class ArchiveChangeList(DateBoundChangeList):
    """A list whose every page does bounded work: see the module's docstring."""

    def get_results(self, request):
        unfiltered = not self.get_filters_params() and not self.query
        whole_table = unfiltered and self.model_admin.lists_whole_table(request)
        paginator = BoundedPaginator(
            self.queryset, self.list_per_page, estimate_from=self.model if whole_table else None
        )
        self.paginator = paginator
        self.result_count = paginator.count
        self.result_count_display = paginator.count_display
        self.show_full_result_count, self.full_result_count = False, None
        self.show_admin_actions = True
        self.can_show_all = self.result_count <= self.list_max_show_all
        self.multi_page = self.result_count > self.list_per_page
        if (self.show_all and self.can_show_all) or not self.multi_page:
            # Counted as fitting: cut all the same, in case rows came meanwhile.
            self.result_list = self.queryset[: max(self.list_max_show_all, self.list_per_page)]
            return
        try:
            self.result_list = paginator.page(self.page_num).object_list
        except InvalidPage as error:
            raise IncorrectLookupParameters(error) from error

    def get_ordering_field(self, field_name):
        # A column the list does not offer to sort by sorts nothing, even when a crafted address asks for it.
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def selection_notes(self) -> dict:
        """The action bar's "All N selected" in the words of the count (Django's own words take the number)."""
        note = ngettext("%(total_count)s selected", "All %(total_count)s selected", self.result_count)
        return {"selection_note_all": note % {"total_count": self.result_count_display}}


class ArchiveListAdmin(DateHierarchyAdmin):
    """For the lists that reach archive scale: bounded counts, pages and sorts (see ArchiveChangeList).

    Django's filter counts ("Show counts") would count every row once per choice: they are not offered."""

    show_full_result_count = False
    show_facets = ShowFacets.NEVER
    #: The columns that sort the whole table through an index. The others sort a narrowed list only.
    sortable_on_whole_table: tuple[str, ...] = ()
    #: Parameters that narrow the list to a bounded number of rows: all its columns sort it then.
    narrowing_parameters: frozenset[str] = frozenset()

    def lists_whole_table(self, request) -> bool:
        """Whether ``request``'s person sees (nearly) the whole table when the list is unfiltered: then it is
        counted by the database's estimate, and sorted by indexed columns only."""
        return False

    def get_changelist(self, request, **kwargs):
        return ArchiveChangeList

    def is_narrowed(self, request) -> bool:
        """Whether the list is narrowed to a bounded number of rows (one story's comments, the queue): then every
        column sorts it."""
        return bool(request.GET.keys() & self.narrowing_parameters)

    def get_sortable_by(self, request):
        sortable = super().get_sortable_by(request)
        if not self.lists_whole_table(request) or self.is_narrowed(request):
            return sortable
        return [name for name in sortable if name in self.sortable_on_whole_table]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if isinstance(changelist, ArchiveChangeList):
            response.context_data.update(changelist.selection_notes())
        return response
