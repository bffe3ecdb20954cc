"""The search page's address: the words, the order, the period and the section, checked by one form.

Every parameter is optional, and a value the form does not know (an old link, a typo, a crafted address)
falls back to its default instead of an error: the reader still gets results. The address the page writes
into its own links names only what differs from the defaults.
"""

from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Section
from articles.search import search_stories, search_terms

#: What the page shows of a query, as the search box holds it.
MAX_QUERY_LENGTH = 200
MAX_PAGE = 10

RELEVANCE, NEWEST = "relevance", "newest"
SORTS = {RELEVANCE: _("Best match"), NEWEST: _("Newest")}
PERIODS = {
    "all": (_("Any time"), None),
    "week": (_("Past week"), timedelta(days=7)),
    "month": (_("Past month"), timedelta(days=30)),
    "year": (_("Past year"), timedelta(days=365)),
}


@dataclass(frozen=True)
class Search:
    """What a reader asked for, every value checked."""

    query: str = ""
    sort: str = RELEVANCE
    period: str = "all"
    section: Section | None = None
    page: int = 1

    @cached_property
    def terms(self) -> list[str]:
        return search_terms(self.query)

    @property
    def is_narrowed(self) -> bool:
        return self.period != "all" or self.section is not None

    @property
    def sorts(self) -> list[dict]:
        """Each order the results come in, with its address (back at the first page) and whether it is this one."""
        return [
            {"label": label, "address": self.address(sort=sort, page=1), "current": sort == self.sort}
            for sort, label in SORTS.items()
        ]

    @property
    def wider_address(self) -> str:
        """The same words in every period and section."""
        return self.address(period="all", section=None, page=1)

    def stories(self, published):
        """The ``published`` stories found, in the order asked for: ``search_stories`` among those of the
        period and section."""
        if since := PERIODS[self.period][1]:
            published = published.filter(published_at__gte=timezone.now() - since)
        if self.section is not None:
            published = published.filter(section=self.section)
        found = search_stories(published, self.terms)
        return found.order_by("-published_at", "-pk") if self.sort == NEWEST else found

    def form(self) -> "SearchForm":
        """The form as the page shows it: with what was understood, so a value that fell back to its default
        shows the default (and no field is marked invalid)."""
        section = self.section.slug if self.section else ""
        return SearchForm(initial={"q": self.query, "period": self.period, "section": section, "sort": self.sort})

    def address(self, **changes) -> str:
        """The query string of this search with ``changes`` (page=2, sort="newest"), defaults left out."""
        changed = replace(self, **changes)
        values = {
            "q": changed.query,
            "sort": changed.sort if changed.sort != RELEVANCE else "",
            "period": changed.period if changed.period != "all" else "",
            "section": changed.section.slug if changed.section else "",
            "page": changed.page if changed.page != 1 else "",
        }
        return urlencode({name: value for name, value in values.items() if value})


class SearchForm(forms.Form):
    """The search page's form; ``search()`` gives what it asks for, whatever the address held."""

    q = forms.CharField(
        label=_("Words to look for in headlines and stories"),
        required=False,
        # The box takes what the page shows; a longer query from an address is cut, not refused.
        widget=forms.SearchInput(attrs={"maxlength": MAX_QUERY_LENGTH}),
    )
    period = forms.ChoiceField(
        label=_("Period"), required=False, choices=[(value, label) for value, (label, _since) in PERIODS.items()]
    )
    section = forms.ChoiceField(label=_("Section"), required=False)
    sort = forms.ChoiceField(required=False, choices=list(SORTS.items()))
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)
        # The sections the header lists, kept in each process: no query to check or offer them.
        self.sections = {section.slug: section for section in Section.for_navigation()}
        self.fields["section"].choices = [
            ("", _("All sections")),
            *((slug, section.name) for slug, section in self.sections.items()),
        ]

    def clean_section(self):
        return self.sections.get(self.cleaned_data["section"])

    def clean_page(self):
        page = self.cleaned_data["page"]
        return min(page, MAX_PAGE) if page else None

    def search(self) -> Search:
        """What was asked for: each value that failed its check (or was left out) replaced by its default."""
        self.is_valid()
        given = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        if "q" in given:
            given["query"] = given.pop("q")[:MAX_QUERY_LENGTH]
        return Search(**given)
