"""The reader site. Every public page starts from ``Article.objects.published()``."""

import operator
from datetime import timedelta
from functools import partial

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles.comment_rules import comments_left_today
from articles.comment_text import MAX_COMMENT_LENGTH, comment_length
from articles.comment_threads import (
    REPLIES_PER_THREAD,
    Sort,
    best_comments,
    chosen_sort,
    sort_in_address,
    thread_page,
)
from articles.forms import CommentForm
from articles.models import Article, Byline, Correction, Reporter, Section, SiteSettings, StoryPhoto, Tag
from articles.models.replies import published_replies_of, with_published_replies
from articles.moderation import ban_in_force
from articles.page_cache import (
    ALL_COMMENTS,
    READERS,
    anonymous_page_cache,
    cached_fragments,
    cached_value,
    process_value,
    story_comments,
)
from articles.pagination import cursor_in_address, keyset_page
from articles.readership import most_read, record_read
from articles.shared_threads import filled_threads, render_shared_threads
from ktnews.security import allow_kakao_sdk

HOME_SECTION_STORIES = 4
HOME_SECTION_WINDOW_DAYS = 365
RELATED_STORIES = 5
RELATED_SECTION_WINDOW_DAYS = 180
#: The home page's most-read list moves with every read, not with an edit: it is redrawn this often.
MOST_READ_REFRESH_SECONDS = 60


def with_bylines(queryset):
    """Stories with their section and byline, in two queries however many stories."""
    return queryset.select_related("section", "lead_photo").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("reporter__portrait"))
    )


#: The parameters of a list page's address (see story_listing): every other one is ignored.
LISTING_QUERY = {"older": cursor_in_address, "newer": cursor_in_address}


def story_listing(request, stories):
    """A page of ``stories`` newest first, at the cursor in the request (?older= or ?newer=), looked up when the
    template first reads it (see lazy_context)."""
    after, before = request.GET.get("older"), request.GET.get("newer")
    return SimpleLazyObject(lambda: keyset_page(with_bylines(stories), after=after, before=before))


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("articles/favicon.svg"), permanent=True)


@anonymous_page_cache(lambda: [ALL_COMMENTS], timeout=MOST_READ_REFRESH_SECONDS, same_main_for_all=True)
def home(request):
    return render(request, "articles/home.html", lazy_context(front_page, FRONT_PAGE))


#: What the home page shows (front_page's keys).
FRONT_PAGE = ("lead", "other_leads", "important", "sections_with_stories", "most_read", "most_commented")


def front_page() -> dict:
    """The home page's stories: the lead and important ones the desk placed, each section's newest, the rankings."""
    published = Article.objects.published()
    # Up to six of each grade, in one query: many important stories can't push the lead off the page.
    placed = with_bylines(
        published.filter(placement__in=[Article.Placement.LEAD, Article.Placement.IMPORTANT])
        .annotate(
            rank_in_grade=Window(
                RowNumber(),
                partition_by=F("placement"),
                order_by=[F("placement_order").asc(), F("published_at").desc()],
            )
        )
        .filter(rank_in_grade__lte=6)
        .order_by("placement_order", "-published_at")
    )
    leads = [story for story in placed if story.placement == Article.Placement.LEAD]
    important = [story for story in placed if story.placement == Article.Placement.IMPORTANT][:6]
    return {
        "lead": leads[0] if leads else None,
        "other_leads": leads[1:4],
        "important": important,
        "sections_with_stories": latest_by_section(published, exclude=[story.pk for story in placed]),
        "most_read": most_read(),
        "most_commented": list(
            published.filter(comment_count__gt=0, published_at__gte=timezone.now() - timedelta(days=30)).order_by(
                "-comment_count", "-published_at"
            )[:5]
        ),
    }


def lazy_context(compute, keys) -> dict:
    """A template context whose values ``compute()`` (a dict with ``keys``) makes only when the template first
    reads one: a signed-in reader's list page whose main part is kept (see shared_main) runs no query for it."""
    values = SimpleLazyObject(compute)
    return {key: SimpleLazyObject(partial(operator.getitem, values, key)) for key in keys}


def latest_by_section(published, exclude):
    """The newest few stories of every section, in one or two queries however many sections and stories."""
    recent = published.filter(published_at__gte=timezone.now() - timedelta(days=HOME_SECTION_WINDOW_DAYS)).exclude(
        pk__in=exclude
    )
    if connection.features.supports_slicing_ordering_in_compound:
        # One short index scan per section (PostgreSQL), rather than numbering a whole year of stories.
        newest = [
            recent.filter(section_id=section.pk)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:HOME_SECTION_STORIES]
            for section in Section.for_navigation()
        ]
        chosen = list(newest[0].union(*newest[1:], all=True)) if newest else []
        ranked = recent.filter(pk__in=chosen)
    else:
        ranked = recent.annotate(
            rank_in_section=Window(RowNumber(), partition_by=F("section_id"), order_by=F("published_at").desc())
        ).filter(rank_in_section__lte=HOME_SECTION_STORIES)
    grouped = {}
    for story in ranked.select_related("section", "lead_photo").order_by(
        "section__position", "section_id", "-published_at"
    ):
        grouped.setdefault(story.section, []).append(story)
    return list(grouped.items())


@anonymous_page_cache(lambda slug: [ALL_COMMENTS], query=LISTING_QUERY, same_main_for_all=True)
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    page = story_listing(request, Article.objects.published().filter(section=section))
    return render(
        request, "articles/section_detail.html", {"section": section, "current_section": section, "page": page}
    )


@anonymous_page_cache(lambda pk, slug=None: [story_comments(pk), READERS], query={"sort": sort_in_address})
def article_detail(request, pk, slug=None):
    try:
        article = public_story(pk)
    except Http404:
        if Article.was_deleted(pk=pk):
            return story_gone(request)
        raise
    if slug != article.slug:
        # The headline (and so the slug) may change; old addresses keep working.
        return redirect(article, permanent=True)
    return render_story(request, article)


def public_story(pk) -> Article:
    """The published story with all its page shows of it (section, bylines, tags, photos, replies), loaded once per
    change of the site's content or of its comment count, and kept: four queries saved on every page."""
    story = cached_value(
        f"story:{pk}", [story_comments(pk)],
        lambda: with_published_replies(story_page_queryset(Article.objects.published()).filter(pk=pk).first()),
    )  # fmt: skip
    if story is None:
        raise Http404
    return story


def render_story(request, article, *, comment_form=None, status=200):
    """The story page; with ``comment_form`` when a posted comment comes back with an error."""
    context = {**story_context(article), **comment_area(request, article, comment_form)}
    if status != 200:
        # A refused comment comes back at its POST address: the language links lead to the story instead.
        context["page_path"] = article.get_absolute_url()
    if request.method == "GET":
        context.update(kept_story_parts(request, article, context))
    response = render(request, "articles/article_detail.html", context, status=status)
    if context["site_settings"].kakao_javascript_key:
        allow_kakao_sdk(response)
    return response


def kept_story_parts(request, article, context) -> dict:
    """The parts of the story page kept once per change of what they show: the story itself, its sharing
    metadata, the comment threads (most of the page's queries and rendering) and the stories under it. What is
    left to render is the page's frame and, for a signed-in reader, their comment form and header.

    Signed-in readers share one rendering of the threads with every part that is theirs (their comments'
    links, their 추천) in all its variants, filled in per request (articles.shared_threads)."""

    def rendering(template):
        return partial(render_to_string, f"includes/{template}.html", context, request)

    comments = [story_comments(article.pk)]
    fragments = {
        "story_meta_html": (comments, rendering("story_meta")),
        "story_article_html": (comments, rendering("story_article")),
        "story_more_html": ([], rendering("story_more")),
    }
    if not request.user.is_authenticated:
        fragments["comment_threads_html"] = ([*comments, READERS], rendering("comment_threads"))
        return cached_fragments(request, fragments)
    # Whether the reader may reply changes every thread (the reply boxes): one shared rendering for each.
    shared_name = "signed_in_threads_replying" if context["can_reply"] else "signed_in_threads"
    fragments[shared_name] = ([*comments, READERS], partial(render_shared_threads, request, article, context))
    kept = cached_fragments(request, fragments)
    threads = filled_threads(request, article, kept.pop(shared_name), left_today=context["comments_left_today"])
    return kept if threads is None else {**kept, "comment_threads_html": threads}


def comment_area(request, article, form=None) -> dict:
    """The story page's comment area: the form (or the reason there is none), BEST, and a page of threads
    in the order the reader chose (kept for anonymous readers: see render_story)."""
    user = request.user
    context = {
        **thread_list_context(request, article),
        "best_comments": SimpleLazyObject(lambda: best_comments(user, article)),
        "comment_sorts": Sort.choices,
        "comment_form": form or CommentForm(),
        "comment_length": comment_length(form.data.get("body")) if form is not None else 0,
        "needs_nickname": user.is_authenticated and not hasattr(user, "reader_profile"),
    }
    return context


def thread_list_context(request, article, *, after=None, return_url=None) -> dict:
    """What a page of threads needs, on the story page and as "more comments".

    ``return_url`` is where forms without JavaScript (추천) come back to; the story page by default.
    """
    user = request.user
    sort = chosen_sort(request)
    ban = ban_in_force(user)
    return {
        "comments_page": SimpleLazyObject(lambda: thread_page(user, article, sort=sort, after=after)),
        "comment_sort": sort,
        "comment_return_url": return_url or f"{article.get_absolute_url()}?sort={sort}",
        "comment_ban": ban,
        "can_reply": (can_reply := not ban and may_post_comments(user, article)),
        "comments_left_today": comments_left_today(user) if can_reply else None,
        "comment_limit": MAX_COMMENT_LENGTH,
        "replies_per_thread": REPLIES_PER_THREAD,
    }


def may_post_comments(user, article) -> bool:
    """Signed in with a nickname, on a story still open to comments (bans are checked apart)."""
    return user.is_authenticated and hasattr(user, "reader_profile") and article.accepts_comments()


def story_page_queryset(queryset):
    photos = StoryPhoto.objects.select_related("photo")
    corrections = Prefetch("corrections", queryset=Correction.objects.order_by("published_at", "pk"))
    return with_bylines(queryset).prefetch_related("tags", Prefetch("story_photos", queryset=photos), corrections)


def story_context(article, **extra):
    """The story page's context; what is under the story is only looked up if it is rendered (see render_story)."""
    published = Article.objects.published().exclude(pk=article.pk)
    neighbours = SimpleLazyObject(lambda: section_neighbours(article, published))
    return {
        "article": article,
        "current_section": article.section,
        "site_settings": process_value("site-settings", [], SiteSettings.get_solo),
        "related_stories": SimpleLazyObject(lambda: related_stories(article, published)),
        "previous_story": SimpleLazyObject(lambda: neighbours[0]),
        "next_story": SimpleLazyObject(lambda: neighbours[1]),
        "published_replies": published_replies_of(article),
        **extra,
    }


def section_neighbours(article, published):
    """The stories just before and after ``article`` in its section, in one query."""
    if not article.published_at:
        return None, None
    in_section = published.filter(section_id=article.section_id)
    moment, pk = article.published_at, article.pk
    older = in_section.filter(Q(published_at__lt=moment) | Q(published_at=moment, pk__lt=pk))
    newer = in_section.filter(Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk))
    neighbours = Article.objects.filter(
        Q(pk__in=older.order_by("-published_at", "-pk").values("pk")[:1])
        | Q(pk__in=newer.order_by("published_at", "pk").values("pk")[:1])
    )
    previous_story = next_story = None
    for story in neighbours:
        if (story.published_at, story.pk) < (moment, pk):
            previous_story = story
        else:
            next_story = story
    return previous_story, next_story


def related_stories(article, published):
    """Editor's picks first, then stories sharing the most tags, then recent ones from the section; one query."""
    tag_ids = [tag.pk for tag in article.tags.all()]
    picked = Article.related_articles.through.objects.filter(from_article_id=article.pk)
    recent_in_section = Q(section_id=article.section_id)
    if article.published_at:
        recent_in_section &= Q(published_at__gte=article.published_at - timedelta(days=RELATED_SECTION_WINDOW_DAYS))
    return list(
        published.filter(Q(pk__in=picked.values("to_article_id")) | Q(tags__in=tag_ids) | recent_in_section)
        .annotate(
            picked=Exists(picked.filter(to_article_id=OuterRef("pk"))),
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
        )
        .select_related("section", "lead_photo")
        .order_by("-picked", "-shared_tags", "-published_at")[:RELATED_STORIES]
    )


def legacy_redirect(request):
    """The old site's /news/articleView.html?idxno=N addresses lead to the story that was N."""
    try:
        legacy_id = int(request.GET.get("idxno", ""))
    except ValueError:
        raise Http404 from None
    article = Article.objects.published().only("pk", "slug").filter(legacy_id=legacy_id).first()
    if article is None:
        if Article.was_deleted(legacy_id=legacy_id):
            return story_gone(request)
        raise Http404
    return redirect(article, permanent=True)


def story_gone(request):
    """410 Gone: the story was deleted on purpose, so search engines and readers' bookmarks can let it go."""
    return render(request, "410.html", status=410)


@anonymous_page_cache(lambda pk: [ALL_COMMENTS], query=LISTING_QUERY, same_main_for_all=True)
def reporter_detail(request, pk):
    reporter = get_object_or_404(Reporter, pk=pk)
    page = story_listing(request, Article.objects.published().filter(bylines__reporter=reporter))
    return render(request, "articles/reporter_detail.html", {"reporter": reporter, "page": page})


@anonymous_page_cache(lambda slug: [ALL_COMMENTS], query=LISTING_QUERY, same_main_for_all=True)
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    page = story_listing(request, Article.objects.published().filter(tags=tag))
    return render(request, "articles/tag_detail.html", {"tag": tag, "page": page})


@csrf_exempt  # Counting a read changes nothing of the reader's, and cached pages carry no token.
@require_POST
def story_read(request, pk):
    """The story page's reading beacon: counts one reader towards the most-read list."""
    if Article.objects.published().filter(pk=pk).exists():
        record_read(request, pk)
    return HttpResponse(status=204)


@never_cache
@staff_member_required
def article_preview(request, pk):
    """The story as readers would see it, for the newsroom, before it is public."""
    newsroom_stories = Article.objects.in_newsroom_of(request.user)
    article = get_object_or_404(story_page_queryset(newsroom_stories), pk=pk)
    context = {**story_context(article, is_preview=True), **comment_area(request, article)}
    response = render(request, "articles/article_detail.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
