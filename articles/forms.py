from django import forms
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from articles.richtext import sanitize_story_html

#: The newsroom's workflow buttons: the POST name, its label and what it says when done.
WORKFLOW_ACTIONS = {
    "_submit_for_review": {
        "label": _("Submit for review"),
        "done": _("The story was submitted to the editors for review."),
    },
    "_publish": {
        "label": _("Approve and publish"),
        "done": _("The story was approved and published (or scheduled, if its time is in the future)."),
    },
    "_return": {
        "label": _("Return to reporter"),
        "done": _("The story was returned to its reporter with your note."),
    },
    "_unpublish": {
        "label": _("Unpublish"),
        "done": _("The story was taken off the site and is back in review."),
    },
}


def requested_workflow_action(post_data) -> str | None:
    """The workflow button pressed in a submitted admin form, if any."""
    pressed = [name for name in WORKFLOW_ACTIONS if name in post_data]
    return pressed[0] if len(pressed) == 1 else None


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "summary", "body", "tags", "section", "slug", "published_at", "review_note",
            "placement", "placement_order", "related_articles", "comments_enabled", "legacy_id",
        ]  # fmt: skip

    def clean(self):
        cleaned_data = super().clean()
        action = requested_workflow_action(self.data)
        if action in {"_submit_for_review", "_publish"}:
            self._require_content_ready(cleaned_data)
        if action == "_return" and not (cleaned_data.get("review_note") or "").strip():
            self.add_error("review_note", _("Write a note telling the reporter what to change."))
        if action == "_unpublish" and self.instance.status != Article.Status.PUBLISHED:
            raise forms.ValidationError(_("Only a published story can be unpublished."))
        published = self.instance.status == Article.Status.PUBLISHED
        if (
            published
            and action != "_unpublish"
            and "published_at" in self.fields
            and not cleaned_data.get("published_at")
        ):
            self.add_error(
                "published_at",
                _("A published story needs its publication time. To take it off the site, unpublish it."),
            )
        if action == "_return" and self.instance.status == Article.Status.PUBLISHED:
            raise forms.ValidationError(_("Unpublish the story before returning it."))
        return cleaned_data

    def _require_content_ready(self, cleaned_data):
        if not any(sanitize_story_html(cleaned_data.get(name)) for name in ("body_ko", "body_en")):
            self.add_error("body_en", _("Write the story's body before sending it on."))
