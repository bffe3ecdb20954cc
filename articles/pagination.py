"""Keyset pagination for stories and comments: every page costs the same, however deep it goes.

Page numbers would need an OFFSET that scans every skipped row and a COUNT
over all of them; a cursor of (time, id) needs neither.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

PER_PAGE = 20


@dataclass
class KeysetPage:
    items: list
    older_cursor: str | None
    newer_cursor: str | None
    is_first: bool


def _encode(row, field) -> str:
    return f"{int(getattr(row, field).timestamp() * 1_000_000)}-{row.pk}"


def _decode(cursor: str | None):
    try:
        micros, pk = (int(part) for part in (cursor or "").split("-"))
        return datetime.fromtimestamp(micros / 1_000_000, tz=UTC), pk
    except (ValueError, OverflowError, OSError):
        return None


def keyset_page(
    queryset,
    *,
    field: str = "published_at",
    older: str | None = None,
    newer: str | None = None,
    per_page: int = PER_PAGE,
) -> KeysetPage:
    """One page of ``queryset`` newest ``field`` first, after the ``older`` cursor or before the ``newer`` one.

    A malformed cursor gives the first page rather than an error.
    """
    if (position := _decode(newer)) is not None:
        moment, pk = position
        after = Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
        rows = list(queryset.filter(after).order_by(field, "pk")[: per_page + 1])
        has_newer = len(rows) > per_page
        items = rows[:per_page][::-1]
        return KeysetPage(
            items=items,
            older_cursor=_encode(items[-1], field) if items else None,
            newer_cursor=_encode(items[0], field) if has_newer else None,
            is_first=not has_newer,
        )
    rows_query = queryset.order_by(f"-{field}", "-pk")
    if (position := _decode(older)) is not None:
        moment, pk = position
        rows_query = rows_query.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    rows = list(rows_query[: per_page + 1])
    items = rows[:per_page]
    is_first = position is None
    return KeysetPage(
        items=items,
        older_cursor=_encode(items[-1], field) if len(rows) > per_page else None,
        newer_cursor=_encode(items[0], field) if items and not is_first else None,
        is_first=is_first,
    )
