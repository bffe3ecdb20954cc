"""Template helpers for every page of the reader site."""

from datetime import datetime

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import timezone

from articles.page_cache import shared_main as kept_shared_main

register = template.Library()


@register.simple_tag(takes_context=True)
def page_in_language(context, language_code: str, absolute: bool = False) -> str:
    """This page's address in another language (the language switch and hreflang alternates)."""
    request = context["request"]
    # A page shown at an address that only takes POST (a refused comment) names the page to switch instead.
    url = translate_url(context.get("page_path") or request.get_full_path(), language_code)
    return request.build_absolute_uri(url) if absolute else url


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


@register.simple_tag
def other_languages(current: str) -> list[tuple[str, str]]:
    """(code, name in its own language) of every site language but ``current``."""
    own_names = {"ko": "한국어", "en": "English"}
    return [(code, own_names.get(code, code)) for code, _name in settings.LANGUAGES if code != current]


@register.filter
def html_datetime(moment: datetime) -> str:
    """The moment for a ``datetime`` attribute: Seoul's time with its offset and at most milliseconds, since HTML
    allows no more than three fraction digits (Django's "c" writes six)."""
    return timezone.localtime(moment).isoformat(timespec="milliseconds") if moment else ""


def wrapping_tag(library, name: str, render) -> None:
    """Register ``{% name %}…{% endname %}``, rendered by ``render(context, inside)`` where ``inside()`` renders
    what it wraps: the kept-fragment tags of the page cache and the shared comment threads."""

    class WrappingNode(template.Node):
        def __init__(self, nodelist):
            self.nodelist = nodelist

        def render(self, context):
            return render(context, lambda: self.nodelist.render(context))

    def compile_tag(parser, token):
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return WrappingNode(nodelist)

    library.tag(name, compile_tag)


# {% shared_main %}…{% endshared_main %}: the page's main part, kept for signed-in readers when the view says it
# is the same for everyone (see articles.page_cache.shared_main).
wrapping_tag(register, "shared_main", lambda context, inside: kept_shared_main(context["request"], inside))
