"""Counting readers for the most-read list, cheaply and without bots or reloads."""

from datetime import timedelta
from functools import lru_cache

from crawleruseragents import is_crawler
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from articles.models import Article, DailyReadCount
from ktnews.rate_limits import Limit, client_network

#: One read per address and story in this many seconds, whatever browser (User-Agent) it comes with.
REREAD_WINDOW_SECONDS = 30 * 60
MOST_READ_DAYS = 7
#: A user agent is told apart by its first characters: every crawler in the list names itself well before
#: this, and a longer header (a client padding it) costs no more to look at.
AGENT_CHARACTERS_LOOKED_AT = 512

_first_read = Limit("story-read", count=1, window=REREAD_WINDOW_SECONDS)


@lru_cache(maxsize=2048)
def _is_crawler(agent: str) -> bool:
    # Browsers' user agents repeat: the list's thousand-odd patterns are matched once for each.
    return is_crawler(agent, case_sensitive=False)


def is_probably_a_bot(request) -> bool:
    """No user agent at all, or one the maintained crawler-user-agents list names (Googlebot, Yeti,
    Daumoa, link previewers, curl, headless browsers), case aside as crawlers spell themselves both ways.
    Apps' in-app browsers (Daum, KakaoTalk, Naver) and phones whose model contains "bot" are readers."""
    agent = request.headers.get("User-Agent", "")[:AGENT_CHARACTERS_LOOKED_AT]
    return not agent.strip() or _is_crawler(agent)


def record_read(request, article_id: int) -> bool:
    """Count one read of a story; False for a bot, or when the address read it within the window."""
    if is_probably_a_bot(request):
        return False
    if _first_read.hit(f"{article_id}:{client_network(request)}") > 1:
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
