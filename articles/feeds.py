"""RSS feeds of the latest stories (the whole paper's and one per section) and of the corrections, in the page's
language."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext, gettext_lazy

from articles.models import Article, Correction, Section
from articles.views.stories import with_bylines

FEED_STORIES = 30


def latest_stories(queryset):
    """The newest stories with section, byline and tags: three queries however many stories."""
    return with_bylines(queryset).prefetch_related("tags").order_by("-published_at", "-pk")[:FEED_STORIES]


class FeedWithCommentCounts(Rss201rev2Feed):
    """RSS 2.0 with each story's number of comments (the Slash module feed readers understand)."""

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:slash": "http://purl.org/rss/1.0/modules/slash/"}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("slash:comments", str(item["comment_count"]))


class LatestStoriesFeed(Feed):
    feed_type = FeedWithCommentCounts
    title = gettext_lazy("KT News")
    description = gettext_lazy("The KU Times, the English-language student newspaper of the university.")

    def link(self):
        return reverse("articles:home")

    def items(self):
        return latest_stories(Article.objects.published())

    def item_title(self, story):
        # The headline as text; Django's default would escape it twice, for feed readers that render HTML.
        return story.title

    def item_description(self, story):
        return story.summary

    def item_extra_kwargs(self, story):
        return {"comment_count": story.comment_count}

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return story.updated_at

    def item_author_name(self, story):
        return ", ".join(reporter.name for reporter in story.byline) or None

    def item_categories(self, story):
        return [story.section.name, *(tag.name for tag in story.tags.all())]


class SectionFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, section):
        return gettext("%(section)s · KT News") % {"section": section.name}

    def description(self, section):
        return gettext("The latest stories in %(section)s from The KU Times.") % {"section": section.name}

    def link(self, section):
        return section.get_absolute_url()

    def items(self, section):
        return latest_stories(Article.objects.published().filter(section=section))


class CorrectionsFeed(Feed):
    """The corrections record (/corrections/) for feed readers: one item per correction, linking its story."""

    title = gettext_lazy("Corrections · KT News")
    description = gettext_lazy("Corrections of stories published by The KU Times.")

    def link(self):
        return reverse("articles:corrections")

    def items(self):
        return Correction.objects.public().select_related("article__section")[:FEED_STORIES]

    def item_title(self, correction):
        return gettext("Correction: %(story)s") % {"story": correction.article.title}

    def item_description(self, correction):
        return correction.note

    def item_link(self, correction):
        return correction.get_absolute_url()

    def item_guid(self, correction):
        return f"correction-{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return correction.published_at
