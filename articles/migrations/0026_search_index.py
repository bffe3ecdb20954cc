"""Search through an index on both engines (articles.search): Korean by character bigrams, English stemmed.

PostgreSQL: a text search configuration that stems English without dropping stop words, the function that
writes a field group's tsvector, the headline-and-standfirst vector with its GIN index; the trigram indexes
go (Korean substrings are found through the bigrams now). SQLite: the FTS5 table. Both filled for the stories
there are, with the indexing spelled out here, so that this migration keeps working whatever the search code
becomes.
"""

import re

import django.contrib.postgres.search
from django.db import migrations

KOREAN = "\u1100-\u11ff\u3131-\u318e\uac00-\ud7a3\u4e00-\u9fff"
OLD_TRIGRAM_INDEXES = ("article_title_ko_trgm", "article_subtitle_ko_trgm", "article_body_text_ko_trgm")

POSTGRESQL = [
    "CREATE TEXT SEARCH DICTIONARY ktnews_english_stem (TEMPLATE = snowball, LANGUAGE = english)",
    "CREATE TEXT SEARCH CONFIGURATION ktnews_words (COPY = english)",
    "ALTER TEXT SEARCH CONFIGURATION ktnews_words ALTER MAPPING REPLACE english_stem WITH ktnews_english_stem",
    # The words, split at punctuation (as SQLite's unicode61 splits them: no host names, file paths or versions
    # as PostgreSQL's parser makes of example.com, a/b, 1.2) and where Korean meets other letters (AI반도체 →
    # ai, 반도체), then the bigrams of every Korean run, runs apart by a stop word of 'english' (a), so that no
    # bigram phrase spans two of them.
    rf"""
    CREATE FUNCTION ktnews_search_vector(content text, weight "char") RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT setweight(
        to_tsvector('ktnews_words', regexp_replace(
          regexp_replace(coalesce(content, ''), '[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+', ' ', 'g'),
          '([{KOREAN}]+)', ' \1 ', 'g'))
        || to_tsvector('english', coalesce((
          SELECT string_agg(
            (SELECT string_agg(substr(run[1], position, 2), ' ' ORDER BY position)
             FROM generate_series(1, char_length(run[1]) - 1) AS position),
            ' a ' ORDER BY number)
          FROM regexp_matches(coalesce(content, ''), '[{KOREAN}]{{2,}}', 'g') WITH ORDINALITY AS runs(run, number)
        ), '')),
        weight)
    $$
    """,  # noqa: S608 -- constants only
    "CREATE INDEX article_search_standfirst ON articles_article USING gin (search_standfirst)",
    *(f"DROP INDEX IF EXISTS {name}" for name in OLD_TRIGRAM_INDEXES),
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS article_search_standfirst",
    'DROP FUNCTION IF EXISTS ktnews_search_vector(text, "char")',
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS ktnews_words",
    "DROP TEXT SEARCH DICTIONARY IF EXISTS ktnews_english_stem",
    "CREATE INDEX IF NOT EXISTS article_title_ko_trgm ON articles_article USING gin (title_ko gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_subtitle_ko_trgm ON articles_article USING gin (subtitle_ko gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS article_body_text_ko_trgm ON articles_article USING gin (body_text_ko gin_trgm_ops)",
]


def _vector(columns, weight):
    text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"ktnews_search_vector({text}, '{weight}')"


STANDFIRST = f"{_vector(['title_ko', 'title_en'], 'A')} || " + _vector(
    ["subtitle_ko", "subtitle_en", "summary_ko", "summary_en"], "B"
)
DOCUMENT = f"{STANDFIRST} || {_vector(['body_text_ko', 'body_text_en'], 'C')}"

_RUN = re.compile(f"[{KOREAN}]+")
RUN_BREAK = "\ue000"  # a token that no query has (a private-use character), so that no phrase spans two runs


def _indexed_text(*texts):
    text = " ".join(value or "" for value in texts)
    words = _RUN.sub(lambda run: f" {run.group()} ", text)
    runs = [" ".join(run[i : i + 2] for i in range(len(run) - 1)) for run in _RUN.findall(text) if len(run) > 1]
    return f"{words} {RUN_BREAK} {f' {RUN_BREAK} '.join(runs)}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
        schema_editor.execute(
            f"UPDATE articles_article SET search_standfirst = {STANDFIRST}, search_document = {DOCUMENT}"  # noqa: S608
        )
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE articles_article_search USING fts5("
            "headline, standfirst, body, tokenize = 'porter unicode61 remove_diacritics 0')"
        )
        Article = apps.get_model("articles", "Article")
        rows = Article.objects.values_list(
            "pk", "title_ko", "title_en", "subtitle_ko", "subtitle_en", "summary_ko", "summary_en",
            "body_text_ko", "body_text_en",
        )  # fmt: skip
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO articles_article_search (rowid, headline, standfirst, body) VALUES (%s, %s, %s, %s)",
                [(r[0], _indexed_text(*r[1:3]), _indexed_text(*r[3:7]), _indexed_text(*r[7:])) for r in rows],
            )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_REVERSE:
            schema_editor.execute(statement)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS articles_article_search")


class Migration(migrations.Migration):
    dependencies = [("articles", "0025_reader_reply_notices")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_standfirst",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
