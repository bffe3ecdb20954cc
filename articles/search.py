"""Searching stories in both languages.

On PostgreSQL: a full-text index (``search_document``, the 'simple'
configuration, since Korean has no stemmer) matched by word prefix, so that
도서관 finds 도서관이 and 도서관은; plus substring matching on the Korean fields
through trigram indexes, so that 학생회 finds 총학생회; ranked by the text
search rank and trigram word similarity, among the newest 500 matches. On SQLite: case-insensitive substring
matching in every field, ranked by where the words were found.
"""

import html
import re
import unicodedata

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Greatest
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 100
RANKED_MATCHES = 500
MAX_TERMS = 8
_WORD = re.compile(r"\w+")

TRANSLATED = ("ko", "en")
#: Fields searched, by weight: a headline match counts more than a body match.
#: The body is searched as plain text (body_text_*), never through its HTML.
WEIGHTED_FIELDS = {"A": ("title",), "B": ("subtitle", "summary"), "C": ("body_text",)}


def search_terms(raw: str | None) -> list[str]:
    """The words of a reader's query: normalized, without control characters or punctuation.

    Returns [] for an empty, punctuation-only or unusable query; over-long
    queries are cut rather than refused.
    """
    text = unicodedata.normalize("NFC", raw or "")[: MAX_QUERY_LENGTH * 4]
    text = "".join(char if unicodedata.category(char)[0] != "C" else " " for char in text)[:MAX_QUERY_LENGTH]
    terms = []
    for word in _WORD.findall(text):
        word = word.replace("_", "")
        if word and word.casefold() not in (term.casefold() for term in terms):
            terms.append(word)
    return terms[:MAX_TERMS]


def search_stories(queryset, terms: list[str]):
    """Stories in ``queryset`` that contain every term, best match first."""
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, terms)
    return _search_portable(queryset, terms)


def _search_postgresql(queryset, terms):
    matches = Q()
    for term in terms:
        prefix = SearchQuery(f"{term}:*", search_type="raw", config="simple")
        korean_substring = (
            Q(title_ko__contains=term)
            | Q(subtitle_ko__contains=term)
            | Q(summary_ko__contains=term)
            | Q(body_text_ko__contains=term)
        )
        matches &= Q(search_document=prefix) | korean_substring
    whole_query = SearchQuery(" ".join(terms), search_type="plain", config="simple")
    phrase = " ".join(terms)
    # Rank the newest matches only: a word found in most of a 100,000-story archive would otherwise be
    # ranked in every story before the first page could be shown. Readers page through 200 at most.
    newest = queryset.filter(matches).order_by("-published_at", "-pk").values("pk")[:RANKED_MATCHES]
    return (
        queryset.filter(pk__in=newest)
        .annotate(
            search_rank=SearchRank(F("search_document"), whole_query)
            + Greatest(TrigramWordSimilarity(phrase, "title_ko"), TrigramWordSimilarity(phrase, "title_en"))
        )
        .order_by("-search_rank", "-published_at", "-pk")
    )


def _search_portable(queryset, terms):
    matches = Q()
    weight_cases = []
    for term in terms:
        term_match = Q()
        for weight, fields in WEIGHTED_FIELDS.items():
            field_match = Q()
            for field in fields:
                for language in TRANSLATED:
                    field_match |= Q(**{f"{field}_{language}__icontains": term})
            term_match |= field_match
            weight_cases.append(Case(When(field_match, then=Value({"A": 3, "B": 2, "C": 1}[weight])), default=0))
        matches &= term_match
    rank = sum(weight_cases[1:], weight_cases[0])
    return (
        queryset.filter(matches)
        .annotate(search_rank=Value(0, output_field=IntegerField()) + rank)
        .order_by("-search_rank", "-published_at", "-pk")
    )


def update_search_documents(queryset) -> None:
    """Refresh the full-text index of the given stories (PostgreSQL only; SQLite searches without one)."""
    if connection.vendor != "postgresql":
        return
    vector = None
    for weight, fields in WEIGHTED_FIELDS.items():
        columns = [f"{field}_{language}" for field in fields for language in TRANSLATED]
        part = SearchVector(*columns, weight=weight, config="simple")
        vector = part if vector is None else vector + part
    queryset.update(search_document=vector)


def highlight(text: str, terms: list[str], *, length: int = 240) -> SafeString:
    """A plain-text excerpt of ``text`` (HTML allowed) around the first term, with the terms in <mark>.

    Everything is escaped before the marks are added, so no markup from the
    story or the query can come through.
    """
    plain = " ".join(html.unescape(strip_tags(text or "")).split())
    if not terms:
        return escape(plain[:length])
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(plain)
    start = max(0, first.start() - length // 3) if first else 0
    excerpt = plain[start : start + length]
    pieces, position = [], 0
    for match in pattern.finditer(excerpt):
        pieces.append(escape(excerpt[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(excerpt[position:]))
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(plain) else ""
    return mark_safe(prefix + "".join(pieces) + suffix)  # noqa: S308 -- every piece is escaped above
