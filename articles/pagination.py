"""Keyset pagination for stories and comments: every page costs the same, however deep it goes.

Page numbers would need an OFFSET that scans every skipped row and a COUNT
over all of them; a cursor holding the last row's sort values needs neither.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

PER_PAGE = 20
NEWEST_FIRST = ("-published_at", "-pk")


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool


CURSOR = re.compile(r"-?\d{1,20}(?:--?\d{1,20}){0,3}")


def keyset_page(
    queryset,
    *,
    ordering: tuple[str, ...] = NEWEST_FIRST,
    after: str | None = None,
    before: str | None = None,
    per_page: int = PER_PAGE,
) -> KeysetPage:
    """One page of ``queryset`` in ``ordering``, following the ``after`` cursor or preceding the ``before`` one.

    ``ordering`` must end with the primary key so that every row has a single place.
    A malformed cursor gives the first page rather than an error.
    """
    model = queryset.model
    if (position := _decode(before, model, ordering)) is not None:
        backwards = tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)
        rows = list(queryset.filter(_beyond(backwards, position)).order_by(*backwards)[: per_page + 1])
        has_previous = len(rows) > per_page
        items = rows[:per_page][::-1]
        return KeysetPage(
            items=items,
            next_cursor=cursor_of(items[-1], ordering) if items else None,
            previous_cursor=cursor_of(items[0], ordering) if has_previous else None,
            is_first=not has_previous,
        )
    position = _decode(after, model, ordering)
    rows_query = queryset.order_by(*ordering)
    if position is not None:
        rows_query = rows_query.filter(_beyond(ordering, position))
    rows = list(rows_query[: per_page + 1])
    items = rows[:per_page]
    is_first = position is None
    return KeysetPage(
        items=items,
        next_cursor=cursor_of(items[-1], ordering) if len(rows) > per_page else None,
        previous_cursor=cursor_of(items[0], ordering) if items and not is_first else None,
        is_first=is_first,
    )


def _beyond(ordering, values) -> Q:
    """Rows that come after ``values`` in ``ordering``: (a, b) after (x, y) is a > x, or a = x and b > y.

    The first field's bound (a >= x) is also given on its own: databases use it to start the index scan
    at the cursor, where the OR alone would make them read every row before it.
    """
    alternatives, equal_so_far = [], Q()
    for name, value in zip(ordering, values, strict=True):
        field = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        alternatives.append(equal_so_far & Q(**{f"{field}__{lookup}": value}))
        equal_so_far &= Q(**{field: value})
    first = ordering[0].lstrip("-")
    bound = Q(**{f"{first}__{'lte' if ordering[0].startswith('-') else 'gte'}": values[0]})
    return bound & reduce(or_, alternatives)


def cursor_of(row, ordering) -> str:
    """The cursor that pages continue from, just after ``row``."""

    def number(value):
        return int(value.timestamp() * 1_000_000) if isinstance(value, datetime) else int(value)

    return "-".join(str(number(getattr(row, name.lstrip("-")))) for name in ordering)


def cursor_in_address(value: str) -> str | None:
    """A cursor as pages write it (numbers joined by "-"), or None: a made-up one names no page of its own."""
    return value if CURSOR.fullmatch(value) else None


def _decode(cursor: str | None, model, ordering):
    if not cursor:
        return None
    try:
        numbers = [int(part) for part in cursor.split("-")]
        if len(numbers) != len(ordering):
            return None
        return [
            datetime.fromtimestamp(number / 1_000_000, tz=UTC) if _is_moment(model, name) else number
            for name, number in zip(ordering, numbers, strict=True)
        ]
    except (ValueError, OverflowError, OSError):
        return None


def _is_moment(model, name) -> bool:
    field = name.lstrip("-")
    return field != "pk" and isinstance(model._meta.get_field(field), models.DateTimeField)
