"""Steps readers notice ask first: approving (publishing now or scheduling) and unpublishing a story.

Pressing the button posts the story form as always. Once the form and its inlines are valid, and before anything is
saved, the server answers with a page saying what will happen and when, carrying everything posted in hidden fields
with a "Confirm" button (the confirmation marker) and a "Back to the form" one: it works without JavaScript, keeps
the CSRF check and loses nothing typed. A POST without the marker, crafted or not, publishes nothing. With
JavaScript, static/articles/workflow-confirm.js shows the same page's words as a dialog over the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.forms import WORKFLOW_ACTIONS, requested_workflow_action
from articles.models import Article

#: The Confirm button's name; its value is the workflow button it confirms.
CONFIRMED = "_workflow_confirmed"
#: The "Back to the form" button's name: the form comes back as posted, nothing saved.
BACK = "_workflow_back"
#: The optional note for the reporters, written on the confirmation page of an approval.
NOTE = "_workflow_note"
NEEDS_CONFIRMATION = {"_publish", "_unpublish"}
NOTE_MAX_LENGTH = 2000
#: Posted fields the confirmation page does not carry on: its own buttons, and the token it renews.
NOT_CARRIED = {CONFIRMED, BACK, NOTE, "csrfmiddlewaretoken"}


class ConfirmationNeeded(Exception):
    """Raised before the save, inside the form view's transaction, so that nothing of it is kept."""

    def __init__(self, action: str, article: Article, publish_at):
        super().__init__(action)
        self.action, self.article, self.publish_at = action, article, publish_at


def workflow_note(post_data) -> str:
    """The note written on the confirmation page (empty if none)."""
    return (post_data.get(NOTE) or "").strip()[:NOTE_MAX_LENGTH]


def what_will_happen(action: str, article: Article, publish_at, now=None) -> str:
    """The step said in words, with its time in Seoul and where readers will find the story."""
    if action == "_unpublish":
        return _(
            "This story leaves the site at once; its address answers 404 until it is republished. "
            "It goes back to the stories in review."
        )
    now = now or timezone.now()
    scheduled = publish_at is not None and publish_at > now
    moment = timezone.localtime(publish_at if scheduled else now)
    day_format = "MONTH_DAY_FORMAT" if moment.year == timezone.localtime(now).year else "DATE_FORMAT"
    params = {"time": f"{moment:%H:%M}", "day": date_format(moment, day_format), "where": where_readers_find(article)}
    if scheduled:
        return (
            _("This story will become public at %(time)s on %(day)s, %(where)s; until then readers cannot see it.")
            % params
        )
    return _("This story will be public at once, at %(time)s on %(day)s, %(where)s.") % params


def where_readers_find(article: Article) -> str:
    if article.placement == Article.Placement.LEAD:
        return _("on the home page as a lead story")
    if article.placement == Article.Placement.IMPORTANT:
        return _("on the home page among the important stories")
    return _("in the section %(section)s and under it on the home page") % {"section": article.section}


class BackToTheForm:
    """Mixed into the story form when "Back to the form" was pressed: valid or not, it is shown again, unsaved."""

    def clean(self):
        super().clean()
        raise ValidationError(
            gettext_lazy("Nothing was saved yet. The form is as you left it: change what you want, then save."),
            code="not_confirmed",
        )


class WorkflowConfirmationMixin:
    """For the story admin (needs NewsroomPagesMixin's ``newsroom_page``)."""

    @property
    def media(self):
        # Shows the same confirmation as a dialog over the form when JavaScript runs.
        return super().media + forms.Media(js=["articles/workflow-confirm.js"], css={"all": ["articles/desk.css"]})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConfirmationNeeded as needed:
            return self.confirmation_page(request, needed)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if request.method == "POST" and BACK in request.POST:
            return type(form_class.__name__, (BackToTheForm, form_class), {})
        return form_class

    def save_model(self, request, obj, form, change):
        # Reached only once the form and its inlines are valid, and before anything is written.
        action = requested_workflow_action(request.POST)
        if action in NEEDS_CONFIRMATION and request.POST.get(CONFIRMED) != action:
            raise ConfirmationNeeded(action, obj, form.cleaned_data.get("published_at"))
        super().save_model(request, obj, form, change)

    def confirmation_page(self, request, needed: ConfirmationNeeded):
        article = needed.article
        carried = [
            (name, value) for name, values in request.POST.lists() if name not in NOT_CARRIED for value in values
        ]
        return self.newsroom_page(
            request,
            "workflow_confirm.html",
            _("Confirm: %(step)s") % {"step": WORKFLOW_ACTIONS[needed.action]["label"]},
            original=article if article.pk else None,
            story=article,
            action=needed.action,
            what_will_happen=what_will_happen(needed.action, article, needed.publish_at),
            carried=carried,
            offers_note=needed.action == "_publish",
            note_max_length=NOTE_MAX_LENGTH,
            confirmed_name=CONFIRMED,
            back_name=BACK,
            note_name=NOTE,
        )
