"""Every row of the database as Django data, and back: the portable part of a backup (articles.backups).

Dumped: one JSON object a line (gzipped), model after model, with Django's serializers, so that SQLite
and PostgreSQL read the same file. Rows keep their ids (the moderation log, revisions and the admin's
history name objects by id); only content types and permissions, which ``migrate`` makes in every
database with ids of its own, are named by natural key, and written first so that the rows after them
can be matched. Many-to-many links are rows of their own (their tables are dumped like any other),
times keep their microseconds (Django's JSON encoder keeps milliseconds only), and the search index,
which every restore makes again, is left out.

Loaded: into tables ``migrate`` has just made, emptied of the few rows it made (the newsroom's roles, the
site settings: the archive has them as they were), in batches of multi-row INSERTs, as loaddata's raw
save would write each row: no model's ``save()``, no signal, so nothing is "saved" again (no revision,
no recount, no cache bump per row). Then the constraints are checked, the id sequences moved past the
loaded ids, and the search index rebuilt in one statement (PostgreSQL's; SQLite keeps none).
"""

import gzip
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import connection
from django.db.models import Model
from django.utils import translation

from articles.models import Article
from articles.search import rebuild_search_index

ROWS_FILE = "data.jsonl.gz"
FORMAT_1_FILE = "data.json.gz"
#: Rows that migrate makes in every database, with ids of its own: named by natural key, matched on restore.
RENUMBERED = (ContentType, Permission)
#: Sign-ins are not kept: each is a key to someone's account (and a restored site asks people to sign in).
NOT_KEPT = ("sessions.session",)
#: Columns every restore makes again (PostgreSQL's full-text index, a third of a story's row there).
REBUILT = (Article._meta.get_field("search_document"), Article._meta.get_field("search_standfirst"))
#: Rows a multi-row INSERT carries (fewer on SQLite, whose statements take 999 values).
BATCH = 1_000


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds, as JavaScript's dates; a backup keeps every digit."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class RowSerializer(jsonl.Serializer):
    """Django's JSON-lines serializer, naming only renumbered rows by natural key, and without many-to-many
    lists in the rows (the links are dumped as rows of their own)."""

    def __init__(self, natural_keys: dict):
        self.natural_keys = natural_keys

    def handle_fk_field(self, obj, field):
        names = self.natural_keys.get(field.related_model)
        if names is None:
            return super().handle_fk_field(obj, field)  # the id, as kept
        target = getattr(obj, field.attname)
        self._current[field.name] = None if target is None else names[target]

    def handle_field(self, obj, field):
        if field not in REBUILT:
            super().handle_field(obj, field)

    def handle_m2m_field(self, obj, field):
        pass

    def end_object(self, obj):
        # One string a row: json.dump writes piece by piece through Python's own encoder, five times slower.
        self.stream.write(json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "\n")
        self._current = None


def kept_models() -> list[type[Model]]:
    """Every table's model, the renumbered ones first; links (auto-created through models) included."""
    others = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
        if model not in RENUMBERED and model._meta.label_lower not in NOT_KEPT
    ]
    return [*RENUMBERED, *others]


def _natural_keys() -> dict:
    types = {pk: [app, model] for pk, app, model in ContentType.objects.values_list("pk", "app_label", "model")}
    permissions = Permission.objects.values_list("pk", "codename", "content_type")
    return {ContentType: types, Permission: {pk: [codename, *types[kind]] for pk, codename, kind in permissions}}


@translation.override(settings.LANGUAGE_CODE)  # a translated field's own column is read in it (modeltranslation)
def dump(path: Path) -> Path:
    """Write every kept row to ``path``, inside the caller's transaction."""
    serializer = RowSerializer(_natural_keys())
    # Level 6, as the gzip tool: 9 (the module's default) takes half as long again for a file 1% smaller.
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=6) as stream:
        for model in kept_models():
            rows = model._base_manager.order_by("pk").iterator(chunk_size=2_000)
            named = model in RENUMBERED
            serializer.serialize(rows, stream=stream, cls=ExactJSONEncoder, use_natural_primary_keys=named)
    return path


@translation.override(settings.LANGUAGE_CODE)  # and written in it, as every save from the shell writes it
def load(packed: IO[bytes], *, legacy: bool = False) -> None:
    """Load the rows of a dump (``legacy``: format 1, dumpdata's JSON) into freshly migrated tables, inside the
    caller's transaction."""
    empty_tables()
    with gzip.open(packed, "rt", encoding="utf-8") as stream:
        loaded = _insert_all(_records(stream, legacy=legacy))
    connection.check_constraints(table_names=[model._meta.db_table for model in loaded])
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(loaded)):
            cursor.execute(statement)
    _rebuild_search_index()
    if connection.vendor == "postgresql":
        # Freshly filled tables have no statistics until autovacuum comes round: searches and the admin's lists
        # would be planned as if the tables were empty (seconds each at 100,000 stories).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _records(stream: IO[str], *, legacy: bool) -> Iterator[dict]:
    if legacy:
        yield from json.load(stream)  # one list: format 1 archives were small enough to be read whole
        return
    for line in stream:
        if line.strip():
            yield json.loads(line)


def _rebuild_search_index() -> None:
    """The full-text index is the engine's own, made again: on PostgreSQL in the stories' rows, in one
    statement; on SQLite in a table of its own (the rows keep no vectors there: from PostgreSQL they would go
    stale, story by story)."""
    if connection.vendor != "postgresql":
        Article.objects.update(search_document=None, search_standfirst=None)
    rebuild_search_index(Article.objects.all())


def empty_tables() -> None:
    """Delete every kept row but the renumbered ones: after `migrate`, the few it made (the newsroom's roles,
    the site settings), which the archive has as they were."""
    tables = [model._meta.db_table for model in kept_models() if model not in RENUMBERED]
    with connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(statement)


def _insert_all(records: Iterator[dict]) -> set[type[Model]]:
    """Insert the rows a batch at a time; returns the models loaded. A batch is deserialized once the batches
    before it are in, since format 1 names rows of earlier batches by natural key (a comment's author)."""
    loaded, links = set(), defaultdict(list)
    for batch in _batches(records):
        items = list(PythonDeserializer(batch))
        rows = [item.object for item in items]
        if isinstance(rows[0], RENUMBERED):
            for item in items:
                if item.object.pk is None:  # of a model since removed: migrate did not make it
                    item.save()
            continue
        loaded.add(_insert(rows))
        for item in items:
            _collect_links(item, links)
    for through, rows in links.items():
        loaded.add(through)
        through.objects.bulk_create(rows, batch_size=BATCH)
    return loaded


def _batches(records: Iterator[dict]) -> Iterator[list[dict]]:
    """Consecutive records of one model, BATCH at most."""
    batch = []
    for record in records:
        if batch and (record["model"] != batch[0]["model"] or len(batch) >= BATCH):
            yield batch
            batch = []
        batch.append(record)
    if batch:
        yield batch


def _collect_links(item, links: dict) -> None:
    """Format 1 kept many-to-many links inside the rows (format 2 has them as rows of their own)."""
    for name, targets in item.m2m_data.items():
        field = item.object._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        links[through].extend(through(**{source: item.object.pk, target: pk}) for pk in targets)


def _insert(rows: list[Model]) -> type[Model]:
    model = type(rows[0])
    fields = [field for field in model._meta.local_concrete_fields if not field.generated]
    size = max(1, min(len(rows), connection.ops.bulk_batch_size(fields, rows)))
    for start in range(0, len(rows), size):
        # raw=True writes the values as they are, as loaddata's raw save does: bulk_create would stamp the
        # auto_now fields (a story's updated_at, a comment's time) with the time of the restore.
        model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)
    return model
