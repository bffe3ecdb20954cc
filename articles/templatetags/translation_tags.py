"""The reader's note on a story page showing a translation that predates the original's latest revision."""

from django import template
from django.urls import translate_url

from articles.translation_status import original_language_of, translation_is_stale_here

register = template.Library()

#: Each language named in itself, for the link to the original.
OWN_NAMES = {"ko": "한국어", "en": "English"}


@register.inclusion_tag("includes/translation_notice.html", takes_context=True)
def translation_notice(context, article) -> dict:
    """Shown only on the translation's page, while it is out of date; links to the original's page."""
    if not translation_is_stale_here(article):
        return {"stale": False}
    original = original_language_of(article)
    return {
        "stale": True,
        "original_code": original,
        "original_name": OWN_NAMES.get(original, original),
        "original_url": translate_url(context["request"].get_full_path(), original),
    }
