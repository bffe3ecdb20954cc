"""The story form's controls named for everyone, screen readers included, in the newsroom member's language.

Django's admin shows a tabular inline's boxes under column headings and a date-and-time field as two inputs
after one label, so those inputs have no name of their own; these give them one. (What the admin's scripts
draw, the editor and the pickers, is named by articles/static/articles/story-form.js.)
"""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class NamedRowsFormSet(BaseInlineFormSet):
    """An inline's rows, each box named by its column (the delete box by what it deletes)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        item = self.model._meta.verbose_name
        for name, field in form.fields.items():
            if name == "DELETE":
                field.widget.attrs["aria-label"] = _("Delete this %(item)s") % {"item": item}
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", capfirst(field.label))


class NamedDateTimeInputs:
    """A ModelAdmin mixin: each half of a date-and-time field is named, as "approved at, date" and "…, time"."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(formfield.widget, AdminSplitDateTime):
            date, time = formfield.widget.widgets
            field = capfirst(formfield.label)
            date.attrs["aria-label"] = _("%(field)s, date") % {"field": field}
            time.attrs["aria-label"] = _("%(field)s, time") % {"field": field}
        return formfield


class ReadOnlyOnLiveStoriesOfReporters:
    """For the story form's inlines (byline, photos): on a reporter's own live story, whose form only stages the
    text (articles.admin.staged_edits), the rows are shown, not offered for changing."""

    @staticmethod
    def _live_for_reporter(request, obj) -> bool:
        return obj is not None and obj.status == obj.Status.PUBLISHED and not obj.can_be_edited_by(request.user)

    def has_add_permission(self, request, obj=None):
        return not self._live_for_reporter(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._live_for_reporter(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._live_for_reporter(request, obj) and super().has_delete_permission(request, obj)
