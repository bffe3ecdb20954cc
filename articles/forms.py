from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from articles.comment_text import normalize_comment
from articles.merging import EditConflict, StoryMerge
from articles.models import Article, Comment, CommentReport, Consent, ReaderProfile
from articles.models.people import normalize_nickname
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
    #: The story's version when the form was opened: a save from an older one would overwrite someone's work.
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Article
        fields = [
            "title", "subtitle", "summary", "body", "tags", "section", "slug", "published_at", "review_note",
            "placement", "placement_order", "related_articles", "comments_enabled", "legacy_id",
        ]  # fmt: skip

    #: This save merged with the saves made since the form was opened; the admin sets it (the inlines share it).
    merge: StoryMerge | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("base_version", self.instance.version)
        #: Set when someone else saved the story since this form was opened and the save waits for a choice.
        self.conflict: EditConflict | None = None

    def clean(self):
        cleaned_data = super().clean()
        self._merge_with_saves_since_opened(cleaned_data)
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

    def _merge_with_saves_since_opened(self, cleaned_data):
        """Someone saved the story after this form was opened: merge their changes with these (see
        articles.merging), or refuse, keeping this text in the form, until each field both changed is chosen."""
        if self.instance._state.adding or "base_version" not in self.fields:
            return
        # The admin makes the merge before the inlines are read (they merge too); on its own, the form makes it here.
        self.merge = self.merge or StoryMerge(self.instance, self.data)
        if self.merge.gone:
            raise forms.ValidationError(
                _(
                    "This story was deleted for good while you were editing it, so it cannot be saved. "
                    "Your text is still in the form below: copy what you want to keep."
                ),
                code="story_deleted",
            )
        self.merge.merge_fields(self, cleaned_data)
        action = requested_workflow_action(self.data)
        # A workflow button acts on the story as the person saw it: once their changes are shown, it may go on.
        unseen_before_action = self.merge.behind and action and not self.merge.seen_current
        if not self.merge.differences and not unseen_before_action:
            return
        self.conflict = self.merge.conflict(cleaned_data)
        raise self._conflict_error(action)

    def _conflict_error(self, action) -> forms.ValidationError:
        params = {
            "who": self.conflict.saved_by,
            "when": date_format(timezone.localtime(self.conflict.saved_at), "DATETIME_FORMAT"),
        }
        if self.conflict.differences:
            return forms.ValidationError(
                _(
                    "%(who)s saved this story at %(when)s, after you opened it, and changed some of what you changed. "
                    "Nothing was saved yet: for each of those, keep their version or use yours, then save again."
                ),
                code="edit_conflict",
                params=params,
            )
        return forms.ValidationError(
            _(
                "%(who)s saved this story at %(when)s, after you opened it. Their changes are now in the form below: "
                "check them, then press “%(button)s” again."
            ),
            code="edit_conflict",
            params={**params, "button": WORKFLOW_ACTIONS[action]["label"]},
        )

    def _require_content_ready(self, cleaned_data):
        if not any(sanitize_story_html(cleaned_data.get(name)) for name in ("body_ko", "body_en")):
            self.add_error("body_en", _("Write the story's body before sending it on."))


def validated_nickname(raw: str, profile: ReaderProfile | None = None) -> str:
    """The nickname normalized first, then checked against every rule, uniqueness included, as field errors."""
    candidate = ReaderProfile(pk=profile.pk if profile else None, nickname=normalize_nickname(raw))
    candidate._state.adding = not candidate.pk  # an existing profile may keep its own nickname
    try:
        candidate.full_clean(exclude=["user"])
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    return candidate.nickname


class NicknameSignupForm(forms.Form):
    """What the reader sign-up adds to allauth's (site and social accounts alike): the nickname, and the consents
    Korean law asks for, each on its own — the terms and the collection of personal data required, e-mails not."""

    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=20,
        help_text=_("2 to 20 characters, shown with your comments. Your email is never shown."),
    )
    agree_terms = forms.BooleanField(
        label=_("I agree to the terms of use (required)"),
        error_messages={"required": _("To sign up, please agree to the terms of use.")},
    )
    agree_privacy = forms.BooleanField(
        label=_("I agree to the collection and use of my personal data described above (required)"),
        error_messages={"required": _("To sign up, please agree to the collection and use of your personal data.")},
    )
    agree_emails = forms.BooleanField(
        label=_("Send me e-mails from KT News, such as the weekly newsletter (optional)"), required=False
    )

    def clean_nickname(self):
        return validated_nickname(self.cleaned_data["nickname"])

    def signup(self, request, user):
        ReaderProfile.objects.create(user=user, nickname=self.cleaned_data["nickname"])
        Consent.record_signup(user, emails=self.cleaned_data["agree_emails"])


class NicknameForm(forms.ModelForm):
    class Meta:
        model = ReaderProfile
        fields = ["nickname"]

    def clean_nickname(self):
        return validated_nickname(self.cleaned_data["nickname"], self.instance)


class ReplyMailForm(forms.ModelForm):
    """답글 알림 by e-mail, off until the reader ticks it."""

    class Meta:
        model = ReaderProfile
        fields = ["reply_mail"]
        labels = {"reply_mail": _("E-mail me when someone replies to my comments")}


class CommentForm(forms.ModelForm):
    """A reader's comment. Only the text comes from the reader; the story and author come from the request."""

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": _("Your comment")}
        widgets = {
            # No maxlength: browsers count UTF-16 units there, and the server is the authority.
            "body": forms.Textarea(attrs={"rows": 4, "data-comment-body": "", "aria-describedby": "comment-counter"}),
        }

    def clean_body(self):
        return normalize_comment(self.cleaned_data["body"])


class CommentReportForm(forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["reason", "details"]
        labels = {
            "reason": _("What is wrong with this comment?"),
            "details": _("Anything editors should know (optional)"),
        }
        widgets = {"reason": forms.RadioSelect}
        error_messages = {"reason": {"required": _("Choose what is wrong with this comment.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No reason chosen for the reader: the model's default ("something else") would be a guess they never made.
        self.fields["reason"].initial = None
        self.initial.pop("reason", None)
