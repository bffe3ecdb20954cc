from articles.models import Section


def site_navigation(request):
    """The sections for the header menu (cached: no query on most pages)."""
    return {"navigation_sections": Section.for_navigation}
