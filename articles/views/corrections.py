"""The site's corrections record (정정): every public correction, newest first, each linking its story."""

from django.shortcuts import render

from articles.models import Correction
from articles.page_cache import anonymous_page_cache
from articles.pagination import keyset_page
from articles.views.stories import LISTING_QUERY


def public_corrections():
    """Corrections of the stories readers may see, with their story (and its section, for its address)."""
    return Correction.objects.public().select_related("article__section")


@anonymous_page_cache(lambda: [], query=LISTING_QUERY)
def correction_list(request):
    page = keyset_page(public_corrections(), after=request.GET.get("older"), before=request.GET.get("newer"))
    return render(request, "articles/corrections.html", {"page": page})
