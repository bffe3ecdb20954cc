"""Sitemaps for search engines: every public page in both languages, and a Google News sitemap.

/sitemap.xml is an index of one sitemap per kind of page (/sitemap-stories.xml
and so on), each split into pages of ``limit`` addresses, so the archive can
grow past the 50,000 addresses one sitemap file may hold.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max, OuterRef, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext

from articles.models import Article, Reporter, Section, Tag

#: Google News reads stories of the last two days, at most 1,000 addresses per sitemap.
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_URLS = 1000


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class LanguageVersions:
    """(item, language) pairs of a queryset, read one page at a time.

    Django's i18n sitemaps list every pair in memory before paginating, which
    for 100,000 stories would load them all for each sitemap page; the
    paginator only needs a length and slices, which map onto the queryset.
    """

    def __init__(self, queryset, languages: list[str]):
        self.queryset, self.languages = queryset, languages

    def __len__(self) -> int:
        return self.queryset.count() * len(self.languages)

    def __getitem__(self, page: slice) -> list[tuple]:
        per_item = len(self.languages)
        start, stop = page.start or 0, len(self) if page.stop is None else page.stop
        first = start // per_item
        pairs = [(item, code) for item in self.queryset[first : -(-stop // per_item)] for code in self.languages]
        return pairs[start - first * per_item : stop - first * per_item]


class BilingualSitemap(Sitemap):
    """Each page in every site language, with its hreflang alternates and the Korean one as x-default."""

    i18n = True
    alternates = True
    x_default = True


class StorySitemap(BilingualSitemap):
    # Addresses per page (5,000 stories in two languages), below the 50,000
    # allowed: each comes with three alternates, and a page must render
    # well within a crawler's patience.
    limit = 10_000

    def items(self):
        return Article.objects.published().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, story):
        return story.updated_at

    def get_latest_lastmod(self):
        return self.items().aggregate(latest=Max("updated_at"))["latest"]

    @property
    def paginator(self):
        return Paginator(LanguageVersions(self.items(), site_languages()), self.limit)


def with_latest_story(queryset, stories):
    """Rows that have a published story, each with ``latest_story``: when its newest one came out."""
    newest = stories.order_by("-published_at").values("published_at")[:1]
    return queryset.annotate(latest_story=Subquery(newest)).filter(latest_story__isnull=False)


class ListingSitemap(BilingualSitemap):
    """Pages that list stories (a section's, a reporter's, a tag's): they change when a story comes out."""

    def lastmod(self, listing):
        return listing.latest_story


class SectionSitemap(ListingSitemap):
    def items(self):
        return with_latest_story(Section.objects.all(), Article.objects.published().filter(section=OuterRef("pk")))


class ReporterSitemap(ListingSitemap):
    def items(self):
        stories = Article.objects.published().filter(bylines__reporter=OuterRef("pk"))
        return with_latest_story(Reporter.objects.only("pk"), stories)


class TagSitemap(ListingSitemap):
    def items(self):
        stories = Article.objects.published().filter(tags=OuterRef("pk"))
        return with_latest_story(Tag.objects.only("pk", "slug"), stories)


class HomeSitemap(BilingualSitemap):
    changefreq = "hourly"

    def items(self):
        return ["articles:home"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        return self.latest_story

    @cached_property
    def latest_story(self):
        return Article.objects.published().aggregate(latest=Max("published_at"))["latest"]


SITEMAPS = {
    "home": HomeSitemap,
    "sections": SectionSitemap,
    "stories": StorySitemap,
    "reporters": ReporterSitemap,
    "tags": TagSitemap,
}


def news_sitemap(request):
    """Stories of the last two days in Google News' format, each language version that has its own headline.

    A version without a headline of its own shows the other language's text,
    so it is not a news article in that language and is left out.
    """
    recent = Article.objects.published().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
    stories = recent.only("pk", "slug", "published_at", "title").order_by("-published_at", "-pk")
    entries = [entry for story in stories[:NEWS_MAX_URLS] for entry in news_entries(story, request)]
    response = render(
        request, "sitemaps/news.xml", {"entries": entries[:NEWS_MAX_URLS]}, content_type="application/xml"
    )
    response.headers["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response


def news_entries(story: Article, request) -> list[dict]:
    entries = []
    for code in site_languages():
        title = getattr(story, f"title_{code}")
        if title:
            with translation.override(code):
                location = request.build_absolute_uri(story.get_absolute_url())
                entries.append(
                    {
                        "location": location,
                        "language": code,
                        "title": title,
                        "publication_name": gettext("KT News"),
                        "published_at": story.published_at,
                    }
                )
    return entries
