"""What a story tells machines about itself: OpenGraph, Twitter cards and schema.org JSON-LD.

``story_metadata`` builds everything in one place, from the story as the page
already loaded it (section, byline and tags prefetched: no query of its own);
``templates/includes/story_meta.html`` only prints it.
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext

from articles.models import Article

#: OpenGraph wants a locale, not a language.
OPENGRAPH_LOCALES = {"ko": "ko_KR", "en": "en_US"}


def story_image(article: Article, request: HttpRequest) -> dict | None:
    """The story's sharing image (the lead photo's largest JPEG): absolute URL, size and alt text; or None."""
    photo = article.lead_photo
    rendition = photo.sharing_image if photo else None
    if not rendition:
        return None
    return {
        "url": request.build_absolute_uri(default_storage.url(rendition["name"])),
        "width": rendition["width"],
        "height": rendition["height"],
        "alt": photo.alt_text,
    }


def story_metadata(article: Article, request: HttpRequest) -> dict:
    """The story's sharing and search metadata, for ``includes/story_meta.html``."""
    language = get_language()
    url = request.build_absolute_uri(article.get_absolute_url())
    image = story_image(article, request)
    tags = [tag.name for tag in article.tags.all()]
    return {
        "title": article.title,
        "description": article.summary or article.subtitle,
        "url": url,
        "image": image,
        "site_name": gettext("KT News"),
        "locale": OPENGRAPH_LOCALES[language],
        "alternate_locales": [OPENGRAPH_LOCALES[code] for code, _name in settings.LANGUAGES if code != language],
        "published_time": _iso(article.published_at),
        "modified_time": _iso(article.revised_at or article.published_at),
        "section": article.section.name,
        "tags": tags,
        "twitter_card": "summary_large_image" if image else "summary",
        "json_ld": _news_article(article, request, url=url, image=image, tags=tags),
    }


def _news_article(article: Article, request: HttpRequest, *, url: str, image: dict | None, tags: list[str]) -> dict:
    """schema.org NewsArticle, as Google's article rich results read it."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary or article.subtitle,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.revised_at or article.published_at),
        "author": [
            {"@type": "Person", "name": reporter.name, "url": request.build_absolute_uri(reporter.get_absolute_url())}
            for reporter in article.byline
        ],
        "articleSection": article.section.name,
        "keywords": tags,
        "inLanguage": content_language(article),
        "publisher": {
            "@type": "Organization",
            "name": gettext("KT News"),
            "alternateName": gettext("The KU Times"),
            "url": request.build_absolute_uri(reverse("articles:home")),
            "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("articles/favicon.svg"))},
        },
    }
    if corrections := [_correction_comment(correction) for correction in article.corrections.all()]:
        data["correction"] = corrections
    if image:
        data["image"] = [
            {"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"]}
        ]
    return data


def _correction_comment(correction) -> dict:
    """A correction (정정) as schema.org's CorrectionComment, in the page's language (or the other one)."""
    return {"@type": "CorrectionComment", "text": correction.note, "datePublished": _iso(correction.published_at)}


def content_language(article: Article) -> str:
    """The language the reader actually gets: a story without a headline in this one is shown in the other."""
    language = get_language()
    if not article.untranslated:
        return language
    return next(
        (code for code, _name in settings.LANGUAGES if code != language and getattr(article, f"title_{code}", None)),
        language,
    )


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None
