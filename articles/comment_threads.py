"""How readers see the comment area: threads in the order they chose, each with its replies, and BEST.

Every list here costs a fixed number of queries however many comments, replies and
recommendations there are: author, newsroom badges and the reader's own recommendations
come with the rows, and one more query brings the replies of a whole page of threads.
"""

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from articles.models import Comment
from articles.pagination import keyset_page

THREADS_PER_PAGE = 20
REPLIES_PER_THREAD = 50  # shown under a thread on the story page; the thread's own page has them all
BEST_COMMENTS = 3


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest")
    OLDEST = "oldest", _("Oldest")
    RECOMMENDED = "recommended", _("Most recommended")
    REPLIES = "replies", _("Most replies")


ORDERINGS = {
    Sort.NEWEST: ("-created_at", "-pk"),
    Sort.OLDEST: ("created_at", "pk"),
    Sort.RECOMMENDED: ("-recommendation_count", "-created_at", "-pk"),
    Sort.REPLIES: ("-reply_count", "-created_at", "-pk"),
}
REPLY_ORDERING = ("created_at", "pk")


def sort_in_address(value: str) -> str | None:
    """The order as the address names it, or None for a made-up one (which shows the default)."""
    return value if value in Sort.values else None


def chosen_sort(request) -> Sort:
    """The order in the address (?sort=), so that it can be shared; newest when missing or unknown."""
    value = request.GET.get("sort")
    return Sort(value) if value in Sort.values else Sort.NEWEST


def comments_shown_to(user):
    """The comments ``user`` may see, with what each one shows: nickname, newsroom badge, their 추천 and report."""
    return (
        Comment.objects.listed_for(user)
        .select_related("author__reader_profile")
        .with_newsroom_badges()
        .with_reader_state(user)
        .with_reader_reports(user)
    )


def thread_page(user, article, *, sort: Sort = Sort.NEWEST, after=None):
    """A page of ``article``'s threads in ``sort`` order, each with its first replies."""
    replies = comments_shown_to(user).order_by(*REPLY_ORDERING)[:REPLIES_PER_THREAD]
    threads = (
        comments_shown_to(user)
        .threads()
        .filter(article=article)
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="shown_replies"))
    )
    return keyset_page(threads, ordering=ORDERINGS[sort], after=after, per_page=THREADS_PER_PAGE)


def replies_page(user, thread, *, after=None):
    """The replies to ``thread``, oldest first, for the thread's own page."""
    replies = comments_shown_to(user).filter(parent=thread)
    return keyset_page(replies, ordering=REPLY_ORDERING, after=after, per_page=REPLIES_PER_THREAD)


def best_comments(user, article) -> list:
    """BEST: up to three threads with the most recommendations, each with at least the site's minimum."""
    return list(
        comments_shown_to(user)
        .visible()
        .threads()
        .filter(article=article, recommendation_count__gte=max(settings.COMMENTS_BEST_MIN_RECOMMENDATIONS, 1))
        .order_by(*ORDERINGS[Sort.RECOMMENDED])[:BEST_COMMENTS]
    )
