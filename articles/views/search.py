"""The search page: stories found in both languages, by best match or newest, within a period and a section."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.functional import cached_property

from articles.models import Article
from articles.search_forms import MAX_PAGE, SearchForm
from articles.views.stories import with_bylines

RESULTS_PER_PAGE = 20
#: Counting every match of a word most stories have reads them all (half a second at 100,000 stories): the page
#: counts this many at most and says "more than" past it.
COUNTED_AT_MOST = 1000


class SearchPaginator(Paginator):
    """Pages of results whose count stops at COUNTED_AT_MOST + 1 (readers page through 200 at most)."""

    @cached_property
    def count(self) -> int:
        # Newest first, the bounded count walks the publication index and stops (see articles.search).
        return self.object_list.order_by("-published_at", "-pk")[: COUNTED_AT_MOST + 1].count()

    @property
    def counted_past_limit(self) -> bool:
        return self.count > COUNTED_AT_MOST


def search(request):
    wanted = SearchForm(request.GET).search()
    page = None
    if wanted.terms:
        found = wanted.stories(with_bylines(Article.objects.published()))
        # Paginator counts the stories found (the page says how many) and gives the last page for one past it.
        page = SearchPaginator(found, RESULTS_PER_PAGE).get_page(wanted.page)
    context = {
        "form": wanted.form(),
        "search": wanted,
        "query": wanted.query,
        "terms": wanted.terms,
        "page": page,
        "counted_at_most": f"{COUNTED_AT_MOST:,}",
        "results": page.object_list if page else [],
        **_page_addresses(wanted, page),
    }
    return render(request, "articles/search.html", context)


def _page_addresses(wanted, page) -> dict:
    """Where the links before and after ``page`` lead (with every other parameter kept); no link past the
    last page readers may reach."""
    if page is None:
        return {"page_number": 1, "previous_address": None, "next_address": None, "has_next": False}
    has_next = page.has_next() and page.number < MAX_PAGE
    return {
        "page_number": page.number,
        "previous_address": wanted.address(page=page.number - 1) if page.has_previous() else None,
        "next_address": wanted.address(page=page.number + 1) if has_next else None,
        "has_next": has_next,
    }
