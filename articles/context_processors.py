from articles.models import Section


def site_navigation(request):
    """The sections for the header menu, as a lazy queryset (no query unless a template uses it)."""
    return {"navigation_sections": Section.objects.all()}
