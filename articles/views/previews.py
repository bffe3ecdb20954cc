"""A preview link's page: the story page as readers would see it, for whoever holds the link.

Never kept by any cache, never indexed, no comments and no read beacon, and no referrer: the address is the
key, and must not leak to the sites the story links to. A link past its time, revoked, or whose story went to the
trash answers 404.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control

from articles.models import Article, PreviewLink
from articles.views.stories import story_context, story_page_queryset


def preview_link(request, token):
    link = get_object_or_404(PreviewLink.objects.usable(), token=token)
    story = link.story_to_show(story_page_queryset(Article.objects))
    if story is None:
        raise Http404
    if link.shows_live_story(story):
        return redirect(story)
    response = render(request, "articles/article_detail.html", story_context(story, is_preview=True, preview_link=link))
    patch_cache_control(response, private=True, no_store=True, no_cache=True, max_age=0)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
