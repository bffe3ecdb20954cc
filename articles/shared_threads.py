"""A signed-in reader's comment threads, from one rendering every signed-in reader shares.

The threads are most of a story page's rendering (a hundred includes and eighty URL reversals for a page of
twenty threads), and almost nothing in them is one reader's own: which comments they wrote (edit and delete
instead of 추천 and report), which they recommended or reported, and how many comments they may still post
today. So the threads are rendered once per generation of the story's comments, language, order and whether
the reader may reply (kept like anonymous readers' threads: ``articles.page_cache.cached_fragments``), with
each comment's actions rendered for every state a reader can be in (``{% per_reader %}`` in
``includes/comment.html``) and the reply boxes' daily count for every value it can have
(``{% per_reader_quota %}``). A request picks each comment's state from one query and fills in the reader's
CSRF token.

A reader with a comment awaiting review on the story is the one reader who sees it among the threads: their
threads are rendered for them alone (``None`` here).
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Value
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from articles.comment_rules import FEW_COMMENTS_LEFT
from articles.comment_threads import best_comments, thread_page
from articles.models import Comment, CommentRecommendation, CommentReport

OWN, OWN_EDITABLE = "own", "own-editable"
#: What the reader's state query says of a comment.
RECOMMENDED, REPORTED, HELD = "recommended", "reported", "held"
#: (recommended by the reader, reported by the reader) -> the state's name.
OTHERS = {
    (False, False): "other",
    (True, False): "other-recommended",
    (False, True): "other-reported",
    (True, True): "other-recommended-reported",
}


@dataclass
class CommentActions:
    """One comment's actions (추천, reply, edit, delete, report), rendered for every state a reader can be in."""

    comment_id: int
    author_id: int | None
    #: Until when its author may still edit it; None once it can never be edited (hidden, deleted).
    editable_until: datetime | None
    variants: dict[str, str]

    def for_reader(self, reader_id, recommended: set, reported: set, now: datetime) -> str:
        if self.author_id is not None and self.author_id == reader_id:
            editable = self.editable_until is not None and now < self.editable_until
            return self.variants[OWN_EDITABLE if editable else OWN]
        return self.variants[OTHERS[self.comment_id in recommended, self.comment_id in reported]]


@dataclass
class SharedThreads:
    """The threads' HTML with a marker around each reader's part, and those parts in every variant.

    The marker is new for every rendering, so no comment's text can forge one."""

    marker: str = field(default_factory=lambda: secrets.token_hex(12))
    csrf_placeholder: str = field(default_factory=lambda: secrets.token_hex(12))
    html: str = ""
    actions: list[CommentActions] = field(default_factory=list)
    #: The reply boxes' "N more comments today" for each value comments_left_today() can give.
    quota: dict[int | None, str] | None = None

    def add_actions(self, actions: CommentActions) -> str:
        self.actions.append(actions)
        return f"{self.marker}{len(self.actions) - 1}{self.marker}"

    def quota_slot(self, render) -> str:
        """Where a reply box says how many comments are left; ``render(left)`` renders it for one value."""
        if self.quota is None:
            self.quota = {left: render(left) for left in [None, *range(FEW_COMMENTS_LEFT + 1)]}
        return f"{self.marker}quota{self.marker}"

    def comment_ids(self) -> list[int]:
        return sorted({actions.comment_id for actions in self.actions})

    def filled_for(self, request, recommended: set, reported: set, left: int | None) -> SafeString:
        """The threads for ``request``'s reader, who recommended and reported those comments and may post ``left``
        more comments today (comments_left_today)."""
        user, now = request.user, timezone.now()
        pieces = self.html.split(self.marker)
        for index in range(1, len(pieces), 2):  # every other piece is a slot's name
            slot = pieces[index]
            if slot == "quota":
                pieces[index] = self.quota[left]
            else:
                pieces[index] = self.actions[int(slot)].for_reader(user.pk, recommended, reported, now)
        return mark_safe("".join(pieces).replace(self.csrf_placeholder, get_token(request)))  # noqa: S308 -- rendered by templates


class SignedInReader:
    """Who the shared rendering is for: a signed-in reader who wrote none of the comments."""

    is_authenticated = True
    is_anonymous = False
    pk = id = 0


class CommentAs:
    """A comment as one state of reader sees it (recommended by them, reported, still editable)."""

    def __init__(self, comment, **state):
        self._comment = comment
        self.__dict__.update(state)

    def __getattr__(self, name):
        return getattr(self._comment, name)


def reader_states(comment):
    """(state, the reader's id, what the comment looks like to them) for every state a reader can be in."""
    yield OWN_EDITABLE, comment.author_id, {"is_within_edit_window": True}
    yield OWN, comment.author_id, {"is_within_edit_window": False}
    for (recommended, reported), state in OTHERS.items():
        yield state, SignedInReader.pk, {"recommended_by_reader": recommended, "reported_by_reader": reported}


def render_shared_threads(request, article, context) -> SharedThreads:
    """``includes/comment_threads.html`` as every signed-in reader without a comment awaiting review sees it."""
    shared = SharedThreads()
    nobody = AnonymousUser()  # the comments anyone may see, with nobody's 추천 or reports
    sort = context["comment_sort"]
    shared.html = render_to_string(
        "includes/comment_threads.html",
        {
            **context,
            "user": SignedInReader(),
            "comments_page": SimpleLazyObject(lambda: thread_page(nobody, article, sort=sort)),
            "best_comments": SimpleLazyObject(lambda: best_comments(nobody, article)),
            "csrf_token": shared.csrf_placeholder,
            "shared_threads": shared,
        },
        request,
    )
    return shared


def filled_threads(request, article, shared: SharedThreads, *, left_today: int | None) -> SafeString | None:
    """The shared threads with this reader's parts; None when the reader has a comment awaiting review on the
    story (which only they see). One query of three parts, each by an index: the reader's 추천 and reports among
    the comments shown, and their held comments on the story."""
    user = request.user
    shown = shared.comment_ids()
    recommended = CommentRecommendation.objects.filter(reader=user, comment_id__in=shown).values_list(
        "comment_id", Value(RECOMMENDED)
    )
    reported = CommentReport.objects.filter(reporter=user, comment_id__in=shown).values_list(
        "comment_id", Value(REPORTED)
    )
    held = Comment.objects.filter(article=article, author=user, status=Comment.Status.HELD).values_list(
        "pk", Value(HELD)
    )
    states = {RECOMMENDED: set(), REPORTED: set(), HELD: set()}
    # Without their default orderings, which a compound statement does not allow.
    for comment_id, state in recommended.order_by().union(reported.order_by(), held.order_by(), all=True):
        states[state].add(comment_id)
    if states[HELD]:
        return None
    return shared.filled_for(request, states[RECOMMENDED], states[REPORTED], left_today)
