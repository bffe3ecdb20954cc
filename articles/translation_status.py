"""Which languages a story has, which one it was written in, and whether its translation is out of date.

A story is written in its ``original_language``; the other language, once it has a headline, is its
translation. ``translation_stale`` is kept by every save of the story (``follow_translation``, called by
``Article.save`` with the row locked), comparing the text as stored with the text being saved:

- the translation's text changed (someone updated it), or the newsroom marked it current: not stale;
- otherwise the original's text changed: stale;
- otherwise (placement, tags, workflow steps…): as it was.

A story without a translation is never stale, and choosing the other language as the original starts afresh.
"""

from django.conf import settings
from django.utils.translation import get_language

from articles.richtext import sanitize_story_html

#: The story's own text, in each language: what a translation translates.
TRANSLATED_FIELDS = ("title", "subtitle", "summary", "body")
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
#: The fields whose save makes follow_translation look at the text.
WATCHED_FIELDS = frozenset(
    {f"{name}_{code}" for name in TRANSLATED_FIELDS for code in LANGUAGE_CODES}
    | {"original_language", "translation_stale"}
)


def fields_in(language: str) -> list[str]:
    return [f"{name}_{language}" for name in TRANSLATED_FIELDS]


def other_language(language: str) -> str:
    return next(code for code in LANGUAGE_CODES if code != language)


def first_headline_language(article) -> str:
    """The language of the headline written first: Korean if there is one (the paper's default), else English."""
    return "ko" if article.title_ko else "en"


def original_language_of(article) -> str:
    return article.original_language or first_headline_language(article)


def translation_language_of(article) -> str:
    return other_language(original_language_of(article))


def has_language(article, language: str) -> bool:
    """Whether the story has a headline of its own in ``language`` (readers see the other's without one)."""
    return bool(getattr(article, f"title_{language}", None))


def translation_is_stale_here(article) -> bool:
    """Whether the page being rendered shows the story's translation, and it predates the original's revision."""
    translation = translation_language_of(article)
    return article.translation_stale and get_language() == translation and has_language(article, translation)


def _comparable(name: str, value) -> str:
    # Bodies are sanitized on save: compared as stored, a body saved unchanged is unchanged.
    return sanitize_story_html(value) if name.startswith("body_") else (value or "")


def _changed(stored: dict, saved: dict, language: str) -> bool:
    return any(_comparable(name, stored[name]) != _comparable(name, saved[name]) for name in fields_in(language))


def follow_translation(article, update_fields: set | None) -> None:
    """Before ``article`` is saved: fill its original language if empty, and keep ``translation_stale`` by the rule
    above. ``update_fields`` is the set the save writes (None: a new story), extended here with what this sets."""
    if not article.original_language:
        article.original_language = first_headline_language(article)
        if update_fields is not None:
            update_fields.add("original_language")
    if update_fields is None:
        article.translation_stale = False
    elif update_fields & WATCHED_FIELDS:
        stored = type(article).objects.filter(pk=article.pk).values(*WATCHED_FIELDS).first()
        article.translation_stale = _stale_after_save(stored, article, update_fields)
        update_fields.add("translation_stale")
    article.translation_marked_current = False


def _stale_after_save(stored: dict, article, update_fields: set) -> bool:
    # The row as this save leaves it: what it writes, and the rest as stored (this copy may be older).
    saved = {name: getattr(article, name) if name in update_fields else value for name, value in stored.items()}
    original = saved["original_language"]
    translation = other_language(original)
    if not saved[f"title_{translation}"] or article.translation_marked_current:
        return False
    if _changed(stored, saved, translation):
        return False
    if _changed(stored, saved, original):
        return True
    return stored["translation_stale"] and stored["original_language"] == original
