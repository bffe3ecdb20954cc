"""The story page's sharing and search metadata (see articles.structured_data)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles import structured_data

register = template.Library()

# The escaping of django.utils.html.json_script: no "</script>" or "<!--" can
# end the element early, and the JSON still parses to the same text.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def story_metadata(context, article) -> dict:
    return structured_data.story_metadata(article, context["request"])


@register.filter
def json_ld(data) -> SafeString:
    """``data`` in a JSON-LD block, escaped as ``json_script`` escapes (json_script can't set the type)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
