from django import template

from articles.body_photos import story_body
from articles.search_excerpts import highlight, story_excerpt

register = template.Library()


@register.filter
def highlight_terms(text, terms):
    """``text`` (a headline) escaped, with the search terms marked (articles/search_excerpts.py)."""
    return highlight(text, terms)


@register.simple_tag
def search_excerpt(story, terms):
    """The passage of ``story`` that holds the search terms, marked, in the language it was found in."""
    return story_excerpt(story, terms)


@register.simple_tag
def body_with_photos(article, story_photos):
    """The story's body with its placed photos, and the photos left to show after it (articles/body_photos.py)."""
    return story_body(article.body, story_photos)
