from django import template

from articles.body_photos import story_body
from articles.search import highlight

register = template.Library()


@register.filter
def highlight_terms(text, terms):
    """An escaped excerpt of ``text`` with the search terms marked."""
    return highlight(text, terms)


@register.simple_tag
def body_with_photos(article, story_photos):
    """The story's body with its placed photos, and the photos left to show after it (articles/body_photos.py)."""
    return story_body(article.body, story_photos)
