from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from articles.models import Article, Byline


def _story_page_queryset(queryset):
    return queryset.select_related("section").prefetch_related(
        Prefetch("bylines", queryset=Byline.objects.select_related("reporter"))
    )


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("articles/favicon.svg"), permanent=True)


def home(request):
    latest = _story_page_queryset(Article.objects.published())[:20]
    return render(request, "articles/home.html", {"articles": latest})


def article_detail(request, pk, slug=None):
    article = get_object_or_404(_story_page_queryset(Article.objects.published()), pk=pk)
    if slug != article.slug:
        # The headline (and so the slug) may change; old addresses keep working.
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})


@never_cache
@staff_member_required
def article_preview(request, pk):
    """The story as readers would see it, for the newsroom, before it is public."""
    newsroom_stories = Article.objects.in_newsroom_of(request.user)
    article = get_object_or_404(_story_page_queryset(newsroom_stories), pk=pk)
    response = render(request, "articles/article_detail.html", {"article": article, "is_preview": True})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
