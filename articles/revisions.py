"""Story revisions, kept by django-reversion: every save, compared and restored.

The admin saves inside one revision per form (text, byline, photos and the workflow step together);
any other save (the shell, a management command, a script) gets a revision of its own from
``keep_revision_of_direct_save``, so no path changes a story without leaving one.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

import reversion
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.editing import display_name
from articles.models import Article, Byline, Photo, Reporter, Section, StoryPhoto, Tag, refresh_lead_photos

#: Kept and compared: what a person wrote or chose.
CONTENT_FIELDS = ("title", "subtitle", "summary", "body")
#: Restored from a revision besides the text: where and under whose name the story runs.
RESTORED_FIELDS = ("section", "slug", "tags")
#: Derived or kept by other code, never part of a revision.
NOT_KEPT = ("search_document", "body_text_ko", "body_text_en", "comment_count", "lead_photo")

#: What a revision's note says. Notes are stored as a kind and its details (see ``note``) and worded when shown,
#: so that each person reads them in their own language, as Django's admin history does.
NOTES = {
    "created": gettext_lazy("Created."),
    "saved": gettext_lazy("Saved."),
    "changed": gettext_lazy("Changed %(fields)s."),
    "outside": gettext_lazy("Saved outside the newsroom's forms (shell or command)."),
    "restored": gettext_lazy("Restored the revision of %(date)s."),
    "imported": gettext_lazy("Imported from the old site's archive."),
}

reversion.register(Article, exclude=NOT_KEPT, follow=("bylines", "story_photos"))
reversion.register(Byline)
reversion.register(StoryPhoto)


@receiver(post_save, sender=Article, dispatch_uid="story-revision-outside-admin")
def keep_revision_of_direct_save(sender, instance, raw=False, **kwargs):
    if raw or reversion.is_active():
        return  # loading fixtures, or inside a revision already (the admin's, a restore's)
    with reversion.create_revision():
        reversion.set_comment(note("outside"))
        reversion.add_to_revision(instance)


@receiver(post_save, sender=Byline, dispatch_uid="story-revision-byline-saved")
@receiver(post_save, sender=StoryPhoto, dispatch_uid="story-revision-photo-saved")
@receiver(post_delete, sender=Byline, dispatch_uid="story-revision-byline-deleted")
@receiver(post_delete, sender=StoryPhoto, dispatch_uid="story-revision-photo-deleted")
def keep_revision_of_direct_story_part_change(sender, instance, raw=False, origin=None, **kwargs):
    """A byline or photo added or removed outside a revision changes its story: keep the story's revision."""
    if raw or reversion.is_active() or (origin is not None and not isinstance(origin, sender)):
        return  # the story itself is being deleted, or the change is part of a revision already
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:
        with reversion.create_revision():
            reversion.set_comment(note("outside"))
            reversion.add_to_revision(article)


def note(kind: str, **details) -> str:
    """A revision's note as stored: its kind (a key of NOTES, or "workflow" with the button's action) and details."""
    return json.dumps({"kind": kind, **details})


def describe_note(stored: str) -> str:
    """A revision's note in the current language; a note not written by ``note`` is shown as it is."""
    try:
        details = json.loads(stored)
        kind = details.pop("kind")
    except (TypeError, ValueError, AttributeError, KeyError):
        return stored
    if kind == "workflow":
        from articles.forms import WORKFLOW_ACTIONS  # the forms build on this module

        return str(WORKFLOW_ACTIONS[details["action"]]["label"]) if details.get("action") in WORKFLOW_ACTIONS else ""
    if kind == "changed":
        return NOTES["changed"] % {"fields": ", ".join(_field_label(name) for name in details.get("fields", []))}
    if kind == "restored":
        when = parse_datetime(details.get("date", ""))
        return NOTES["restored"] % {"date": date_format(timezone.localtime(when), "DATETIME_FORMAT") if when else "?"}
    return str(NOTES.get(kind, ""))


def _field_label(name: str) -> str:
    """A field of the story form ("title_en") or one of its inlines ("articles.byline"), as the form labels it."""
    if "." in name:
        try:
            return str(apps.get_model(name)._meta.verbose_name_plural)
        except (LookupError, ValueError):
            return name
    base, _sep, language = name.rpartition("_")
    if base and language in dict(settings.LANGUAGES):
        return f"{Article._meta.get_field(base).verbose_name} [{language}]"
    try:
        return str(Article._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def revisions_of(article):
    """The story's versions, newest first, each with its revision (who, when, comment)."""
    return Version.objects.get_for_object(article).select_related("revision__user")


def version_at(article, version_number: int) -> Version | None:
    """The revision that saved the story at ``version_number`` (its ``version`` field), if kept."""
    for version in revisions_of(article):
        if version.field_dict.get("version") == version_number:
            return version
    return None


# Comparing


@dataclass
class FieldChange:
    label: str
    rows: list = field(default_factory=list)  # (kind, html-safe-ready parts) for the template


def paragraphs(html: str) -> list[str]:
    """A story body as the reader's paragraphs, headings and list items, in plain text."""
    text = re.sub(r"</(p|h2|h3|li|blockquote)>|<br\s*/?>", "\n", html or "", flags=re.IGNORECASE)
    return [" ".join(unescape(strip_tags(line)).split()) for line in text.split("\n") if strip_tags(line).strip()]


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Parts of a changed paragraph: ("same" | "removed" | "added", text), word by word."""
    old_words, new_words = old.split(" "), new.split(" ")
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("added", " ".join(new_words[b1:b2])))
    return parts


def diff_paragraphs(old: list[str], new: list[str]) -> list[dict]:
    """Rows for the template: unchanged paragraphs folded to a count, changed ones marked word by word."""
    rows = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            rows.append({"kind": "same", "count": a2 - a1})
        elif op == "replace" and a2 - a1 == b2 - b1:
            rows.extend(
                {"kind": "changed", "parts": _word_diff(o, n)} for o, n in zip(old[a1:a2], new[b1:b2], strict=True)
            )
        else:
            rows.extend({"kind": "removed", "text": text} for text in old[a1:a2])
            rows.extend({"kind": "added", "text": text} for text in new[b1:b2])
    return rows


def _language_name(code):
    return dict(settings.LANGUAGES)[code]


def compare_states(old: dict, new: dict) -> list[FieldChange]:
    """What changed between two story states (see ``state_of``), text field by field and language by language."""
    changes = []
    for name in CONTENT_FIELDS:
        for code, _language in settings.LANGUAGES:
            key = f"{name}_{code}"
            before, after = old["fields"].get(key) or "", new["fields"].get(key) or ""
            if before == after:
                continue
            label = f"{Article._meta.get_field(name).verbose_name} ({_language_name(code)})"
            if name == "body":
                rows = diff_paragraphs(paragraphs(before), paragraphs(after))
            else:
                rows = [{"kind": "changed", "parts": _word_diff(before, after)}]
            changes.append(FieldChange(label=label, rows=rows))
    for key, label in (
        ("section", _("section")),
        ("tags", _("tags")),
        ("byline", _("byline")),
        ("photos", _("photos")),
        ("status", _("status")),
    ):
        if old["shown"][key] != new["shown"][key]:
            changes.append(
                FieldChange(
                    label=label,
                    rows=[{"kind": "removed", "text": old["shown"][key]}, {"kind": "added", "text": new["shown"][key]}],
                )
            )
    return changes


def state_of_version(version: Version) -> dict:
    """A kept revision as a comparable state: its fields, and its byline and photos as readers would name them."""
    article_fields = version.field_dict
    related = version.revision.version_set.exclude(pk=version.pk)
    bylines = sorted(
        (v.field_dict for v in related if v.content_type.model_class() is Byline),
        key=lambda entry: (entry["order"], entry["id"]),
    )
    photos = sorted(
        (v.field_dict for v in related if v.content_type.model_class() is StoryPhoto),
        key=lambda entry: (entry["order"], entry["id"]),
    )
    return _state(
        article_fields,
        reporter_ids=[entry["reporter_id"] for entry in bylines],
        photo_ids=[entry["photo_id"] for entry in photos],
    )


def state_of_article(article: Article) -> dict:
    """The story as it is now, comparable with a kept revision."""
    article_fields = {f.attname: getattr(article, f.attname) for f in article._meta.concrete_fields}
    article_fields["tags"] = list(article.tags.values_list("pk", flat=True))
    return _state(
        article_fields,
        reporter_ids=list(article.bylines.order_by("order", "pk").values_list("reporter_id", flat=True)),
        photo_ids=list(article.story_photos.order_by("order", "pk").values_list("photo_id", flat=True)),
    )


def _state(article_fields, *, reporter_ids, photo_ids) -> dict:
    sections = {section.pk: str(section) for section in Section.objects.filter(pk=article_fields.get("section_id"))}
    reporters = Reporter.objects.in_bulk(reporter_ids)
    photos = Photo.objects.in_bulk(photo_ids)
    tags = Tag.objects.filter(pk__in=article_fields.get("tags") or [])
    status = article_fields.get("status")
    return {
        "fields": article_fields,
        "reporter_ids": reporter_ids,
        "photo_ids": photo_ids,
        "shown": {
            "section": sections.get(article_fields.get("section_id"), "—"),
            "tags": ", ".join(sorted(str(tag) for tag in tags)) or "—",
            "byline": ", ".join(str(reporters[pk]) for pk in reporter_ids if pk in reporters) or "—",
            "photos": ", ".join(str(photos[pk]) for pk in photo_ids if pk in photos) or "—",
            "status": str(Article.Status(status).label) if status in Article.Status.values else "—",
        },
    }


# Two people editing one story


@dataclass
class EditConflict:
    """Someone saved the story after this form was opened: who, when, and what they changed."""

    saved_by: str
    saved_at: datetime
    changes: list[FieldChange]
    #: True when the revision the form started from was not kept (a story older than revisions): the
    #: changes are then between the text in the form and the saved story.
    against_form: bool

    @classmethod
    def between(cls, base_version: int, current: Article, *, submitted: dict) -> "EditConflict":
        latest = revisions_of(current).first()
        base = version_at(current, base_version)
        before = state_of_version(base) if base else _state_of_form(submitted, current)
        return cls(
            saved_by=display_name(latest.revision.user) if latest and latest.revision.user else _("Someone"),
            saved_at=latest.revision.date_created if latest else current.updated_at,
            changes=compare_states(before, state_of_article(current)),
            against_form=base is None,
        )


def _state_of_form(cleaned_data: dict, current: Article) -> dict:
    fields = {
        f"{name}_{code}": cleaned_data.get(f"{name}_{code}") or ""
        for name in CONTENT_FIELDS
        for code, _language in settings.LANGUAGES
    }
    section = cleaned_data.get("section")
    fields["section_id"] = section.pk if section else current.section_id
    fields["status"] = current.status
    tags = cleaned_data.get("tags")
    fields["tags"] = [tag.pk for tag in tags] if tags is not None else list(current.tags.values_list("pk", flat=True))
    return _state(
        fields,
        reporter_ids=list(current.bylines.order_by("order", "pk").values_list("reporter_id", flat=True)),
        photo_ids=list(current.story_photos.order_by("order", "pk").values_list("photo_id", flat=True)),
    )


# Restoring


def restore_version(article: Article, version: Version, *, by) -> None:
    """Bring back a revision's text, byline, photos, section and tags, as a new revision.

    The workflow stays as it is now (status, approval, publication time, trash): restoring old words
    must not quietly unpublish or republish a story. Reporters and photos deleted since are left out.
    """
    state = state_of_version(version)
    kept = state["fields"]
    with transaction.atomic(), reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(note("restored", date=version.revision.date_created.isoformat()))
        for name in CONTENT_FIELDS:
            for code, _language in settings.LANGUAGES:
                setattr(article, f"{name}_{code}", kept.get(f"{name}_{code}") or "")
        if Section.objects.filter(pk=kept.get("section_id")).exists():
            article.section_id = kept["section_id"]
        article.slug = kept.get("slug") or article.slug
        if article.is_public:
            article.revised_at = timezone.now()
        article.save()
        article.tags.set(Tag.objects.filter(pk__in=kept.get("tags") or []))
        _restore_rows(article, Byline, "reporter", Reporter, state["reporter_ids"])
        _restore_rows(article, StoryPhoto, "photo", Photo, state["photo_ids"])
        refresh_lead_photos([article.pk])
        reversion.add_to_revision(article)


def _restore_rows(article, model, target_name, target_model, target_ids):
    existing = set(target_model.objects.filter(pk__in=target_ids).values_list("pk", flat=True))
    model.objects.filter(article=article).delete()
    for order, target_id in enumerate(pk for pk in dict.fromkeys(target_ids) if pk in existing):
        model.objects.create(article=article, order=order, **{f"{target_name}_id": target_id})
