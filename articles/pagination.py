"""Keyset pagination for story lists: every page costs the same, however deep in the archive.

Page numbers would need an OFFSET that scans every skipped story and a COUNT
over the whole archive; a cursor of (publication time, id) needs neither.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q

PER_PAGE = 20


@dataclass
class StoryPage:
    stories: list
    older_cursor: str | None
    newer_cursor: str | None
    is_first: bool


def _encode(story) -> str:
    return f"{int(story.published_at.timestamp() * 1_000_000)}-{story.pk}"


def _decode(cursor: str | None):
    try:
        micros, pk = (int(part) for part in (cursor or "").split("-"))
        return datetime.fromtimestamp(micros / 1_000_000, tz=UTC), pk
    except (ValueError, OverflowError, OSError):
        return None


def story_page(queryset, *, older: str | None = None, newer: str | None = None, per_page: int = PER_PAGE) -> StoryPage:
    """One page of ``queryset`` newest first, after the ``older`` cursor or before the ``newer`` one.

    A malformed cursor gives the first page rather than an error.
    """
    if (position := _decode(newer)) is not None:
        moment, pk = position
        after = Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk)
        rows = list(queryset.filter(after).order_by("published_at", "pk")[: per_page + 1])
        has_newer = len(rows) > per_page
        stories = rows[:per_page][::-1]
        return StoryPage(
            stories=stories,
            older_cursor=_encode(stories[-1]) if stories else None,
            newer_cursor=_encode(stories[0]) if has_newer else None,
            is_first=not has_newer,
        )
    rows_query = queryset.order_by("-published_at", "-pk")
    if (position := _decode(older)) is not None:
        moment, pk = position
        rows_query = rows_query.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    rows = list(rows_query[: per_page + 1])
    stories = rows[:per_page]
    is_first = position is None
    return StoryPage(
        stories=stories,
        older_cursor=_encode(stories[-1]) if len(rows) > per_page else None,
        newer_cursor=_encode(stories[0]) if stories and not is_first else None,
        is_first=is_first,
    )
