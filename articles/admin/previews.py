"""Preview links in the newsroom (articles.models.previews): a page per story, reached from the story form, that
lists its links with their addresses to copy, makes a new one (POST, 1 to 30 days) and revokes one (POST). Open to
the editors and the story's own reporters; the model checks it again."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from articles.models import Article, PreviewLink
from articles.models.previews import DEFAULT_DAYS, MAX_DAYS, may_make_preview_links


class PreviewLinkForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """No list of its own: the links are managed on each story's page (``story_links_view``)."""

    def has_module_permission(self, request):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("story/<int:article_id>/", view(self.story_links_view), name="articles_previewlink_story"),
            path("<int:link_id>/revoke/", view(require_POST(self.revoke_view)), name="articles_previewlink_revoke"),
        ]

    def _story_for(self, request, article_id) -> Article:
        article = get_object_or_404(Article.objects.in_newsroom_of(request.user), pk=article_id)
        if not may_make_preview_links(request.user, article):
            raise PermissionDenied
        return article

    def story_links_view(self, request, article_id):
        article = self._story_for(request, article_id)
        form = PreviewLinkForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            PreviewLink.create_for(article, by=request.user, days=form.cleaned_data["days"])
            self.message_user(request, _("A new preview link was made: copy it from the list."), messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        links = article.preview_links.select_related("created_by")
        context = {
            **self.admin_site.each_context(request),
            "opts": Article._meta,
            "title": _("Preview links: %(story)s") % {"story": article},
            "article": article,
            "form": form,
            "links": [(link, request.build_absolute_uri(link.get_absolute_url())) for link in links],
        }
        return TemplateResponse(
            request, "admin/articles/previewlink/story_links.html", context, status=400 if form.is_bound else 200
        )

    def revoke_view(self, request, link_id):
        link = get_object_or_404(PreviewLink.objects.select_related("article"), pk=link_id)
        article = self._story_for(request, link.article_id)
        link.revoke(by=request.user)
        self.message_user(
            request, _("The preview link was revoked: it answers “not found” from now on."), messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:articles_previewlink_story", args=[article.pk]))
