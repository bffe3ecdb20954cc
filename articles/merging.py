"""Two people on one story: a save made after someone else's is merged with theirs, field by field.

Three states meet: the base (the revision the form was opened from), theirs (the story as saved now) and mine
(the submitted form). A field only I changed takes my value; one only they changed keeps theirs, and the form
shows it; one we both changed, to different values, waits until the person chooses, field by field. The byline
and the photos merge as a whole, like tags and related stories: changed by both, they ask too. Without the base
revision (a story older than revisions, a form without its version) every difference counts as changed by both.

The story's row stays locked from the start of the save to its end, so the merge is made against what is saved.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.db.models import F, ManyToManyField, Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from articles.editing import display_name
from articles.models import Article, Byline, Photo, Reporter, StoryPhoto
from articles.revisions import (
    FieldChange,
    compare_states,
    paragraphs,
    revisions_of,
    state_of_article,
    state_of_form,
    state_of_version,
    version_at,
)
from articles.richtext import StoryBodyField, sanitize_story_html

THEIRS, MINE = "theirs", "mine"
#: The form's name of the choice made on something both changed: ``_merge-title_en``, ``_merge-bylines``.
CHOICE_PREFIX = "_merge-"
#: The story's version whose changes the conflict panel showed: its choices hold for that version only.
SEEN_VERSION = "seen_version"
#: Stands for a base that is not known: equal to nothing, so every difference is a change by both.
UNKNOWN = object()


@dataclass(frozen=True)
class StoryPart:
    """An inline of the story form: rows pointing at a reporter or a photo, in order."""

    prefix: str
    model: type[Model]
    target: str
    target_model: type[Model]

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


PARTS = {
    part.prefix: part
    for part in (
        StoryPart("bylines", Byline, "reporter", Reporter),
        StoryPart("story_photos", StoryPhoto, "photo", Photo),
    )
}


@dataclass
class Difference:
    """Something both people changed, to different values: its label and both values as shown."""

    name: str
    label: str
    theirs: str
    mine: str


@dataclass
class EditConflict:
    """What the form shows when someone saved the story after it was opened."""

    saved_by: str
    saved_at: datetime
    #: What they changed since the form was opened (without the base: the saved story against the form).
    changes: list[FieldChange]
    against_form: bool
    seen_version: int
    #: Labels of what only they changed: their values are in the form now.
    kept: list[str] = field(default_factory=list)
    #: What both changed: the person chooses for each.
    differences: list[Difference] = field(default_factory=list)


class StoryMerge:
    """One save of the story form, merged with whatever was saved since the form was opened."""

    def __init__(self, article: Article, data):
        # An UPDATE locks the row until the save's transaction ends (SQLite takes its write lock): nobody saves in
        # between, and a story deleted for good meanwhile is seen here, before anything is written.
        self.gone = not Article.objects.filter(pk=article.pk).update(version=F("version"))
        if not self.gone:
            article.refresh_from_db()  # the workflow, the trash and the version as they are now, not as first read
        self.article = article
        self.data = data
        self.base_version = _number(data.get("base_version"))
        self.seen_version = _number(data.get(SEEN_VERSION))
        self.behind = self.gone or article.version != self.base_version
        self.kept: list[str] = []
        self.field_differences: list[Difference] = []
        self.part_differences: list[Difference] = []
        self.base = self._base_state() if self.behind and not self.gone else None

    def _base_state(self) -> dict | None:
        version = version_at(self.article, self.base_version) if self.base_version is not None else None
        return state_of_version(version) if version else None

    @property
    def differences(self) -> list[Difference]:
        return [*self.field_differences, *self.part_differences]

    @property
    def seen_current(self) -> bool:
        """Whether the person was shown the story as it is now (so their choices are about it)."""
        return not self.gone and self.seen_version == self.article.version

    def choice(self, name: str) -> str | None:
        if not self.seen_current:
            return None
        chosen = self.data.get(CHOICE_PREFIX + name)
        return chosen if chosen in (THEIRS, MINE) else None

    def latest_save(self) -> tuple[str, datetime]:
        """Who saved the story last, and when."""
        latest = revisions_of(self.article).first()
        if latest is None:
            return _("Someone"), self.article.updated_at
        who = display_name(latest.revision.user) if latest.revision.user else _("Someone")
        return who, latest.revision.date_created

    # The story's own fields

    def merge_fields(self, form: forms.ModelForm, cleaned_data: dict) -> None:
        """Merge the form's fields into ``cleaned_data``, and into its data so that the page shows the result."""
        if not self.behind or self.gone:
            return
        form.data = form.data.copy()
        story_fields = {model_field.name for model_field in Article._meta.get_fields()}
        for name, form_field in form.fields.items():
            # Only the story's own fields: the form's others (the version, a correction note) are this save's.
            if name in cleaned_data and name in story_fields:
                self._merge_field(form, name, form_field, cleaned_data)

    def _merge_field(self, form, name, form_field, cleaned_data) -> None:
        model_field = Article._meta.get_field(name)
        theirs = self._theirs(model_field)
        mine_key, theirs_key = _key(model_field, form_field, cleaned_data[name]), _key(model_field, form_field, theirs)
        base_key = _key(model_field, form_field, self._base(model_field)) if self.base else UNKNOWN
        if mine_key == theirs_key or base_key == theirs_key:
            return  # the same now, or changed by me only
        label = str(form_field.label)
        if base_key == mine_key:
            self.kept.append(label)
            winner = THEIRS
        else:
            winner = self.choice(name)
            if winner is None:
                shown_theirs, shown_mine = (
                    _shown(model_field, form_field, value) for value in (theirs, cleaned_data[name])
                )
                self.field_differences.append(Difference(name, label, shown_theirs, shown_mine))
        if winner == THEIRS:
            cleaned_data[name] = theirs
            put_in_data(form, name, theirs)

    def _theirs(self, model_field):
        value = getattr(self.article, model_field.name)
        return list(value.all()) if isinstance(model_field, ManyToManyField) else value

    def _base(self, model_field):
        kept = self.base["fields"]
        if isinstance(model_field, ManyToManyField):
            return kept.get(model_field.name) or []
        return kept.get(model_field.attname)

    # The byline and the photos

    def formset_data(self, prefix: str, data):
        """The inline's POST data to validate and save: my rows, theirs, or mine written against theirs (the rows
        saved now), so that rows they removed or replaced meanwhile are not mistaken for mine."""
        part = PARTS.get(prefix)
        mine = posted_rows(data, prefix, part.target) if part and self.behind else None
        if mine is None:
            return data
        rows = [] if self.gone else list(_saved_rows(self.article, part))
        mine_ids, theirs_ids = [target for target, _order in mine], [str(target) for _pk, target, _order in rows]
        base_ids = [str(pk) for pk in self.base[f"{part.target}_ids"]] if self.base else UNKNOWN
        winner = MINE
        if mine_ids == theirs_ids:
            winner = THEIRS
        elif base_ids != theirs_ids and not self.gone:
            winner = self._part_winner(part, base_ids, mine_ids, theirs_ids)
        desired = [(str(target), order) for _pk, target, order in rows] if winner == THEIRS else mine
        return rows_as_data(data, part, rows, desired)

    def _part_winner(self, part, base_ids, mine_ids, theirs_ids) -> str:
        if base_ids == mine_ids:
            self.kept.append(part.label)
            return THEIRS
        winner = self.choice(part.prefix)
        if winner is None:
            names = _names(part.target_model, [*mine_ids, *theirs_ids])
            shown_theirs, shown_mine = (
                ", ".join(names.get(pk, pk) for pk in ids) or "—" for ids in (theirs_ids, mine_ids)
            )
            self.part_differences.append(Difference(part.prefix, part.label, shown_theirs, shown_mine))
        return winner or MINE

    def conflict(self, cleaned_data: dict) -> EditConflict:
        who, when = self.latest_save()
        before = self.base or state_of_form(cleaned_data, self.article)
        return EditConflict(
            saved_by=who,
            saved_at=when,
            changes=compare_states(before, state_of_article(self.article)),
            against_form=self.base is None,
            seen_version=self.article.version,
            kept=self.kept,
            differences=self.differences,
        )


def _number(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _key(model_field, form_field, value):
    """A field's value as compared: what the form can tell apart (no microseconds the widget drops, no spaces
    around text, the body as sanitized), relations by their keys, many-to-many as a set."""
    if isinstance(model_field, ManyToManyField):
        return frozenset(str(item.pk if isinstance(item, Model) else item) for item in value or [])
    if model_field.is_relation:
        return None if value is None else str(value.pk if isinstance(value, Model) else value)
    if isinstance(value, datetime) and not form_field.widget.supports_microseconds:
        value = value.replace(microsecond=0)
    if isinstance(model_field, StoryBodyField):
        value = sanitize_story_html(value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in (None, "") else value


def _shown(model_field, form_field, value) -> str:
    """A field's value as the conflict panel shows it, in the reader's language and Seoul time."""
    if isinstance(model_field, StoryBodyField):
        return "\n\n".join(paragraphs(value)) or "—"
    if isinstance(value, (list, tuple, QuerySet)):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, ""):
        return "—"
    if isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField):
        return str(dict(form_field.choices).get(value, value))
    return str(value)


def _names(model, pks) -> dict[str, str]:
    found = model.objects.in_bulk([pk for pk in pks if pk.isdigit()])
    return {str(pk): str(item) for pk, item in found.items()}


def put_in_data(form: forms.Form, name: str, value) -> None:
    """Write ``value`` into the form's (copied) data the way its widget would post it."""
    widget = form.fields[name].widget
    widget = getattr(widget, "widget", widget)  # the admin's wrapper around a relation's widget
    html_name = form.add_prefix(name)
    if isinstance(widget, forms.MultiWidget):
        for suffix, part_widget, part in zip(
            widget.widgets_names, widget.widgets, widget.decompress(value), strict=True
        ):
            form.data[html_name + suffix] = part_widget.format_value(part) or ""
    elif getattr(widget, "allow_multiple_selected", False):
        form.data.setlist(html_name, [str(item.pk) for item in value])
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            form.data[html_name] = "on"
        else:
            form.data.pop(html_name, None)
    else:
        form.data[html_name] = "" if value is None else str(value.pk if isinstance(value, Model) else value)


def posted_rows(data, prefix: str, target: str) -> list[tuple[str, str]] | None:
    """The inline's rows as posted, in byline order: (reporter or photo id, order); None if it was not posted."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", "")), 1000)
    except ValueError:
        return None
    rows = []
    for index in range(total):
        row = f"{prefix}-{index}"
        chosen, order = data.get(f"{row}-{target}"), data.get(f"{row}-order") or "0"
        if chosen and not data.get(f"{row}-DELETE"):
            rows.append((int(order) if order.isdigit() else 0, index, chosen, order))
    return [(chosen, order) for _number, _index, chosen, order in sorted(rows)]


def _saved_rows(article, part: StoryPart):
    rows = part.model.objects.filter(article_id=article.pk).order_by("order", "pk")
    return rows.values_list("pk", f"{part.target}_id", "order")


def rows_as_data(data, part: StoryPart, rows, desired):
    """The inline's POST data that turns the saved ``rows`` (pk, target id, order) into ``desired`` (target id,
    order): rows kept, with their new order, or deleted; new rows for the rest."""
    data = data.copy()
    for key in [key for key in data if key.startswith(f"{part.prefix}-") and key[len(part.prefix) + 1].isdigit()]:
        del data[key]
    saved = {str(target) for _pk, target, _order in rows}
    kept, added = {}, []
    for target, order in desired:
        if target in saved and target not in kept:
            kept[target] = order
        else:
            added.append((target, order))
    for index, (pk, target, order) in enumerate(rows):
        _write_row(data, part, index, {"id": pk, part.target: target, "order": kept.get(str(target), order)})
        if str(target) not in kept:
            data[f"{part.prefix}-{index}-DELETE"] = "on"
    for index, (target, order) in enumerate(added, start=len(rows)):
        _write_row(data, part, index, {part.target: target, "order": order})
    data[f"{part.prefix}-TOTAL_FORMS"] = str(len(rows) + len(added))
    data[f"{part.prefix}-INITIAL_FORMS"] = str(len(rows))
    return data


def _write_row(data, part, index, values) -> None:
    for name, value in values.items():
        data[f"{part.prefix}-{index}-{name}"] = str(value)
