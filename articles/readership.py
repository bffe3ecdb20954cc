"""Counting readers for the most-read list, cheaply and without bots or reloads."""

import hashlib
import re
from datetime import timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from articles.models import Article, DailyReadCount
from ktnews.client_ip import client_ip

#: A reader who reloads the story within this many seconds is counted once.
REREAD_WINDOW_SECONDS = 30 * 60
MOST_READ_DAYS = 7

# Crawlers, link previewers and tools that announce themselves.
_BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|kakaotalk-scrap|yeti|daum|bingpreview|headless|"
    r"python-requests|curl|wget|httpclient|lighthouse",
    re.IGNORECASE,
)


def is_probably_a_bot(request) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(_BOT_AGENT.search(agent))


def reader_fingerprint(request) -> str:
    """A short, non-reversible token for one reader's address and browser."""
    seed = f"{client_ip(request)}|{request.headers.get('User-Agent', '')}"
    return hashlib.blake2b(seed.encode(), digest_size=8).hexdigest()


def record_read(request, article_id: int) -> bool:
    """Count one read of a story; False when it is a bot or a reload within the window."""
    if is_probably_a_bot(request):
        return False
    if not cache.add(f"read:{article_id}:{reader_fingerprint(request)}", 1, REREAD_WINDOW_SECONDS):
        return False
    day = timezone.localdate()
    counted = DailyReadCount.objects.filter(article_id=article_id, day=day)
    if not counted.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                DailyReadCount.objects.create(article_id=article_id, day=day, count=1)
        except IntegrityError:  # another request created today's row first
            counted.update(count=F("count") + 1)
    return True


def most_read(limit: int = 5):
    """The published stories with the most readers over the last week."""
    since = timezone.localdate() - timedelta(days=MOST_READ_DAYS - 1)
    return (
        Article.objects.published()
        .filter(daily_reads__day__gte=since)
        .annotate(recent_reads=Sum("daily_reads__count"))
        .order_by("-recent_reads", "-published_at")[:limit]
    )
