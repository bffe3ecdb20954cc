"""Searching stories in both languages, through an index on both engines.

What a query's words match (the same on PostgreSQL and SQLite):

- Korean (Hangul, and the Hanja of headlines) of two characters or more matches as a substring: 학교 finds
  학교에서, 학생회 finds 총학생회, 도서관 finds 도서관이. Korean text is indexed as its character bigrams
  (총학생회 → 총학 학생 생회), and a word of n ≥ 2 characters is the phrase of its n - 1 bigrams, side by side.
- Other words (English, numbers) match whole words, stemmed: "libraries" finds "library" and the other way
  round; no stop words are dropped, so "the" finds stories with "the". Words are split at punctuation.
- A one-character word matches that word standing alone: "a" finds "a", "물" finds "물 부족" but not 물이 or
  생물, and "3" finds "3월" (split where digits meet Korean). A single character is in nearly every story as
  part of a word: as a substring it would match them all.
- A word mixing scripts (AI반도체) needs each of its parts: "ai" as a word and 반도체 as a substring.
- A story must match every word of the query.

Order (the same rules on both engines): relevance first, in three tiers: every word found in the headline,
then every word found in the headline, subtitle or summary, then the rest (in the body); within a tier the
newest first, then the highest id. ``order="newest"`` drops the tiers. A slice of the results is ranked
among the newest stories of each tier only (RankedSearch), which gives the very slice that ranking every
match would, without ranking thousands. Counting counts every match, so it reads them all: a page that
shows the number of results of a common word counts up to a bound, ``order="newest"`` and ``[:n].count()``.

PostgreSQL: ``search_document`` (every field) and ``search_standfirst`` (the headline, weight A, with the
subtitle and summary, weight B) are tsvectors with GIN indexes, written by ``ktnews_search_vector``
(migration 0026): the words in the 'ktnews_words' configuration (English stemming without stop words), then
the bigrams. A tsvector keeps 16,383 positions and 256 of each lexeme: a Korean word found only past about
the 12,000th Korean character of a story, or after its 256th of one bigram, is missed there. SQLite: the
FTS5 table ``articles_article_search`` (porter over unicode61), a row per story with the words and the
bigrams of its headline, standfirst and body. Both are written by ``update_search_documents`` wherever
stories are written (every save, loaddata, restore, the archive import, the benchmark's bulk inserts);
SQLite's rows go with their stories.
"""

import functools
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.db.models.signals import post_delete, post_migrate, post_save
from django.db.models.sql.where import WhereNode

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
_WORD = re.compile(r"\w+")

#: Korean text, matched by substring: Hangul syllables and jamo, and the CJK ideographs (Hanja) of headlines.
KOREAN = "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3\u4e00-\u9fff"
_KOREAN_RUN = re.compile(f"[{KOREAN}]+")
#: The parts of a query word: Korean runs and runs of other letters and digits.
_PART = re.compile(f"[{KOREAN}]+|[^\\W_{KOREAN}]+")

TRANSLATED = ("ko", "en")
#: The tiers of relevance, best first: the fields each covers.
HEADLINE = ("title",)
STANDFIRST = ("title", "subtitle", "summary")
BODY = ("body_text",)  # the body as plain text, never its HTML

#: SQLite: a token between the bigrams of two Korean runs, so that no phrase spans them. A private-use
#: character: unicode61 keeps it as a token, and search_terms drops it from every query.
_RUN_BREAK = "\ue000"
SQLITE_TABLE = "articles_article_search"
SQLITE_COLUMNS = ("headline", "standfirst", "body")


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


def search_stories(queryset, terms: list[str], *, order: str = "relevance"):
    """Stories in ``queryset`` that match every term, best match first (``order="newest"``: newest first).

    The result is ``queryset`` filtered and ordered: it may be counted (every match), sliced, or ordered again.
    """
    parts = [_parts(term) for term in terms]
    if not any(parts):
        return queryset.none()
    if connection.vendor == "postgresql":
        matches, headline, standfirst = _postgresql_matches(parts)
    else:
        matches, headline, standfirst = _sqlite_matches(parts)
    found = queryset.filter(matches)
    if order == "newest":
        return found.order_by("-published_at", "-pk")
    tier = Case(When(headline, then=Value(3)), When(standfirst, then=Value(2)), default=Value(1))
    ranked = found.annotate(search_tier=tier).order_by("-search_tier", "-published_at", "-pk")
    ranked.__class__ = _ranked_class(type(ranked))
    ranked.tiers = (found, queryset.filter(headline), queryset.filter(standfirst))
    return ranked


class RankedSearch:
    """Search results best first, of which a slice is ranked among the newest stories of each tier only.

    A slice's stories, [:n], are among the n newest that have every word in the headline, the n newest that
    have them in the headline, subtitle or summary, and the n newest of all: whatever comes before a story in
    the order is in its tier or a better one, and newer if in its tier. So a page is found by walking the
    newest stories until n of each tier are found, never by ranking every match of a word found in most
    stories, and it is the page that ranking them all would give. Counting counts every match. Filtered
    after the search (rather than before), the results are ranked in full.
    """

    tiers = None

    def _clone(self):
        clone = super()._clone()
        clone.tiers = self.tiers
        return clone

    def _filter_or_exclude(self, *args, **kwargs):
        # Filtered after the search, the tiers' newest would not be those of the results: rank them all.
        narrowed = super()._filter_or_exclude(*args, **kwargs)
        narrowed.tiers = None
        return narrowed

    def __getitem__(self, k):
        if not isinstance(k, slice) or k.stop is None or self.tiers is None or self.query.is_sliced:
            return super().__getitem__(k)
        newest = [_compiled(tier.order_by("-published_at", "-pk").values("pk")[: k.stop]) for tier in self.tiers]
        newest = [(sql, params) if sql else ("SELECT NULL WHERE 1 = 0", []) for sql, params in newest]
        headline, standfirst = [RawSQL(*tier) for tier in newest[1:]]  # noqa: S611
        bounded = self._chain()
        bounded.tiers = None
        # The lists hold results only: read their stories alone, by primary key (tested against the search
        # again, the engines would read every story).
        bounded.query.where = WhereNode()
        # A story of a tier beyond its tier's list is no better than the list's last (older, no better tier):
        # the tiers the lists give keep the order of those before it.
        tier = Case(When(pk__in=headline, then=Value(3)), When(pk__in=standfirst, then=Value(2)), default=Value(1))
        return bounded.filter(pk__in=_union(newest)).annotate(search_tier=tier)[k]


def _compiled(queryset) -> tuple[str, tuple]:
    """A queryset's SQL and parameters; ("", ()) if it can find nothing (an empty list of ids)."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return "", ()


def _union(parts) -> RawSQL:
    """The ids that the compiled queries find, in one list (written out: SQLite takes no LIMIT in a UNION's
    parts)."""
    sql = " UNION ".join(f"SELECT * FROM ({part}) AS tier{n}" for n, (part, _) in enumerate(parts))  # noqa: S608
    return RawSQL(sql, [param for _, params in parts for param in params])  # noqa: S611


@functools.cache
def _ranked_class(queryset_class):
    return type(queryset_class.__name__, (RankedSearch, queryset_class), {})


def _parts(term: str) -> list[tuple[bool, str]]:
    """(is Korean, text) for each part of a query word: AI반도체 → (False, "ai"), (True, "반도체")."""
    return [(bool(_KOREAN_RUN.fullmatch(part)), part.casefold()) for part in _PART.findall(term)]


def bigrams(run: str) -> str:
    """The bigrams of a Korean run, in order: 총학생회 → "총학 학생 생회"."""
    return " ".join(run[index : index + 2] for index in range(len(run) - 1))


def _postgresql_query(parts, weight: str = "") -> SearchQuery:
    """The tsquery of every part (written out: the parts are letters and digits only, no tsquery syntax),
    matching only lexemes of ``weight`` if given (A: the headline)."""
    query = None
    for is_korean, text in (part for term in parts for part in term):
        if is_korean and len(text) > 1:
            phrase = " <-> ".join(f"{gram}:{weight}" if weight else gram for gram in bigrams(text).split())
            part = SearchQuery(phrase, search_type="raw", config="english")
        else:
            part = SearchQuery(f"{text}:{weight}" if weight else text, search_type="raw", config="ktnews_words")
        query = part if query is None else query & part
    return query


def _postgresql_matches(parts):
    query = _postgresql_query(parts)
    headline = Q(search_standfirst=_postgresql_query(parts, "A"))
    return Q(search_document=query), headline, Q(search_standfirst=query)


def _sqlite_expression(parts) -> str:
    """An FTS5 query: every part a quoted phrase (quotes cannot occur: the terms are letters and digits)."""
    phrases = []
    for is_korean, text in (part for term in parts for part in term):
        phrases.append(f'"{bigrams(text)}"' if is_korean and len(text) > 1 else f'"{text}"')
    return " AND ".join(phrases)


#: SQLite: a word found in this many stories or fewer is looked up by their ids (see _sqlite_rows).
FEW_MATCHES = 500


def _sqlite_rows(expression: str, ids: list[int]) -> Q:
    """The stories the FTS5 query finds, given the first FEW_MATCHES + 1 of them. SQLite keeps no statistics
    here, and for ``id IN (its matches)`` it walks the newest stories, testing each: quick for a word in many
    stories (a page is soon full), but every story is read for a rare one. So a few matches are named by id, and
    SQLite reads those stories alone."""
    if len(ids) <= FEW_MATCHES:
        return Q(pk__in=ids)
    # Not by primary key (an expression of it), whatever SQLite knows: walking the newest stories, a page is
    # soon full, while looking up every match reads them all.
    sql = f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s"  # noqa: S608
    return Q(In(F("pk") + 0, RawSQL(sql, [expression])))  # noqa: S611


def _sqlite_first_ids(expressions: list[str]) -> list[list[int]]:
    """The first FEW_MATCHES + 1 stories each FTS5 query finds, all in one statement."""
    one = f"SELECT * FROM (SELECT %s, rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH %s LIMIT %s)"  # noqa: S608
    found = [[] for _expression in expressions]
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join([one] * len(expressions)),
            [value for index, expression in enumerate(expressions) for value in (index, expression, FEW_MATCHES + 1)],
        )
        for index, pk in cursor.fetchall():
            found[index].append(pk)
    return found


def _sqlite_matches(parts):
    expression = _sqlite_expression(parts)
    expressions = [expression, f"{{headline}} : ({expression})", f"{{headline standfirst}} : ({expression})"]
    matches, headline, standfirst = (
        _sqlite_rows(each, ids) for each, ids in zip(expressions, _sqlite_first_ids(expressions), strict=True)
    )
    return matches, headline, standfirst


def _columns(fields) -> list[str]:
    return [f"{field}_{language}" for field in fields for language in TRANSLATED]


def _postgresql_vector(fields, weight: str) -> str:
    text = " || ' ' || ".join(f"coalesce({column}, '')" for column in _columns(fields))
    return f"ktnews_search_vector({text}, '{weight}')"


_STANDFIRST_SQL = f"{_postgresql_vector(HEADLINE, 'A')} || {_postgresql_vector(('subtitle', 'summary'), 'B')}"
_DOCUMENT_SQL = f"{_STANDFIRST_SQL} || {_postgresql_vector(BODY, 'C')}"


def update_search_documents(queryset) -> None:
    """Index the given stories again, as they are in the database now."""
    if connection.vendor == "postgresql":
        # One statement for any number of stories (a restore indexes them all); the SQL is made of constants.
        standfirst, document = RawSQL(_STANDFIRST_SQL, []), RawSQL(_DOCUMENT_SQL, [])  # noqa: S611
        queryset.update(search_standfirst=standfirst, search_document=document)
    elif connection.vendor == "sqlite":
        _update_sqlite_rows(queryset)


def rebuild_search_index(queryset) -> None:
    """Index every story of ``queryset`` (all the stories there are) again, forgetting every other."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SQLITE_TABLE}")  # noqa: S608
    update_search_documents(queryset)


def indexed_text(*texts: str) -> str:
    """A field group as SQLite's index holds it: the words (split where Korean meets other letters), then the
    bigrams of each Korean run, a break between runs."""
    text = " ".join(texts)
    words = _KOREAN_RUN.sub(lambda run: f" {run.group()} ", text)
    runs = [bigrams(run) for run in _KOREAN_RUN.findall(text) if len(run) > 1]
    return f"{words} {_RUN_BREAK} {f' {_RUN_BREAK} '.join(runs)}"


_SQLITE_BATCH = 500


def _update_sqlite_rows(queryset) -> None:
    fields = ("pk", *_columns(HEADLINE), *_columns(("subtitle", "summary")), *_columns(BODY))
    rows = queryset.order_by().values_list(*fields)
    with connection.cursor() as cursor:
        batch = []
        for row in rows.iterator(chunk_size=_SQLITE_BATCH):
            texts = [value or "" for value in row[1:]]
            batch.append((row[0], indexed_text(*texts[:2]), indexed_text(*texts[2:6]), indexed_text(*texts[6:])))
            if len(batch) == _SQLITE_BATCH:
                _write_sqlite_rows(cursor, batch)
                batch = []
        _write_sqlite_rows(cursor, batch)


def _write_sqlite_rows(cursor, rows) -> None:
    if rows:  # FTS5 replaces the row of the same rowid
        columns = ", ".join(SQLITE_COLUMNS)
        cursor.executemany(f"INSERT OR REPLACE INTO {SQLITE_TABLE} (rowid, {columns}) VALUES (%s, %s, %s, %s)", rows)  # noqa: S608


def forget_sqlite_rows(pks) -> None:
    """Remove deleted stories from SQLite's index (PostgreSQL's is in the stories' own rows)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(f"DELETE FROM {SQLITE_TABLE} WHERE rowid = %s", [(pk,) for pk in pks])  # noqa: S608


def _index_loaded_story(sender, instance, raw=False, **kwargs):
    # loaddata saves its rows raw, through Model.save_base: Article.save, which indexes, is not called.
    if raw:
        update_search_documents(type(instance).objects.filter(pk=instance.pk))


def _forget_deleted_story(sender, instance, **kwargs):
    forget_sqlite_rows([instance.pk])


#: SQLite, until someone runs ANALYZE: that a story's status is shared by many (in SQLite's own terms, a
#: million stories with 250,000 for each status), or SQLite takes the publication index for the narrowest
#: of all and walks every published story to find the few ids a rare word has (see _sqlite_rows).
SQLITE_STATISTICS = ("articles_article", "article_status_published", "1000000 250000 1")


def _keep_sqlite_statistics(sender, using, **kwargs):
    """After every migrate: one that rebuilds the stories' table drops what SQLite knew of it."""
    if sender.label != "articles" or connections[using].vendor != "sqlite":
        return
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE sqlite_schema")  # makes sqlite_stat1 if need be, and reads no story
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", SQLITE_STATISTICS[:2])
        if cursor.fetchone() is None:
            cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", SQLITE_STATISTICS)
            cursor.execute("ANALYZE sqlite_schema")  # SQLite reads its statistics again


post_migrate.connect(_keep_sqlite_statistics, dispatch_uid="keep-sqlite-statistics")
post_save.connect(_index_loaded_story, sender="articles.Article", dispatch_uid="index-loaded-story")
post_delete.connect(_forget_deleted_story, sender="articles.Article", dispatch_uid="forget-deleted-story")
