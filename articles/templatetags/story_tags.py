from django import template

from articles.search import highlight

register = template.Library()


@register.filter
def highlight_terms(text, terms):
    """An escaped excerpt of ``text`` with the search terms marked."""
    return highlight(text, terms)
