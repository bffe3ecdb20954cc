"""The reader's form for a reply or correction request (articles.models.replies); the server is the authority."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from articles.models import ReplyRequest

#: Long enough for a reply of several paragraphs, short enough to stay a reply.
MAX_TEXT_LENGTH = 5000
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")


class ReplyRequestForm(forms.ModelForm):
    """What the requester types. The story and the language come from the request, the state from the editors."""

    class Meta:
        model = ReplyRequest
        fields = ["name", "email", "phone", "relation", "kind", "what_is_wrong", "text", "show_name"]
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail address"),
            "phone": _("Your phone number (optional)"),
            "relation": _("How are you related to the story?"),
            "kind": _("What do you request?"),
            "what_is_wrong": _("What is wrong in the story?"),
            "text": _("Your text, as you want it published"),
            "show_name": _("Publish my name with the text"),
        }
        help_texts = {
            "email": _("We write to you there at each step of your request. It is never published."),
            "show_name": _("Without it, the text is signed “the requester”."),
        }
        widgets = {
            "relation": forms.RadioSelect,
            "kind": forms.RadioSelect,
            # No maxlength: browsers count UTF-16 units there, and the server is the authority.
            "what_is_wrong": forms.Textarea(attrs={"rows": 5}),
            "text": forms.Textarea(attrs={"rows": 10}),
        }

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and not PHONE.match(phone):
            raise ValidationError(_("Enter a phone number of digits, optionally with +, spaces, dashes or brackets."))
        return phone

    def clean_what_is_wrong(self):
        return self._bounded_text("what_is_wrong")

    def clean_text(self):
        return self._bounded_text("text")

    def _bounded_text(self, name) -> str:
        text = self.cleaned_data[name].strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(
                _("Keep this to %(max)d characters (it has %(count)d).") % {"max": MAX_TEXT_LENGTH, "count": len(text)}
            )
        return text
