"""Story revisions, kept by django-reversion: every save, compared and restored.

The admin saves inside one revision per form (text, byline, photos and the workflow step together);
any other save (the shell, a management command, a script) gets a revision of its own from
``keep_revision_of_direct_save``, so no path changes a story without leaving one.
"""

import difflib
import json
import re
from dataclasses import dataclass, field
from html import unescape

import reversion
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reversion.models import Version

from articles.fixture_loading import loaded_as_saved
from articles.models import Article, Byline, Photo, Reporter, Section, StoryPhoto, Tag, refresh_lead_photos
from articles.models.history import note, revision_by

#: Kept and compared: what a person wrote or chose.
CONTENT_FIELDS = ("title", "subtitle", "summary", "body")
#: The story form's other fields, compared as a value before and after.
OTHER_FIELDS = (
    "section", "tags", "byline", "photos", "status", "slug", "published_at", "placement", "placement_order",
    "comments_enabled", "related_articles", "legacy_id", "review_note",
)  # fmt: skip
#: Derived or kept by other code, never part of a revision.
NOT_KEPT = ("search_document", "body_text_ko", "body_text_en", "comment_count", "lead_photo")

#: What a revision's note says, by the kind ``note`` stored (articles.models.history).
NOTES = {
    "created": gettext_lazy("Created."),
    "saved": gettext_lazy("Saved."),
    "changed": gettext_lazy("Changed %(fields)s."),
    "outside": gettext_lazy("Saved outside the newsroom's forms (shell or command)."),
    "restored": gettext_lazy("Restored the revision of %(date)s."),
    "imported": gettext_lazy("Imported from the old site's archive."),
    "trashed": gettext_lazy("Moved to the trash."),
    "untrashed": gettext_lazy("Restored from the trash."),
}

reversion.register(Article, exclude=NOT_KEPT, follow=("bylines", "story_photos"))
reversion.register(Byline)
reversion.register(StoryPhoto)


def _keep_revisions_of(articles) -> None:
    with reversion.create_revision():
        reversion.set_comment(note("outside"))
        for article in articles:
            reversion.add_to_revision(article)


@receiver(post_save, sender=Article, dispatch_uid="story-revision-outside-admin")
def keep_revision_of_direct_save(sender, instance, raw=False, **kwargs):
    if raw or reversion.is_active():
        return  # loading fixtures, or inside a revision already (the admin's, a workflow step's, a restore's)
    _keep_revisions_of([instance])


@receiver(post_save, sender=Byline, dispatch_uid="story-revision-byline-saved")
@receiver(post_save, sender=StoryPhoto, dispatch_uid="story-revision-photo-saved")
@receiver(post_delete, sender=Byline, dispatch_uid="story-revision-byline-deleted")
@receiver(post_delete, sender=StoryPhoto, dispatch_uid="story-revision-photo-deleted")
def keep_revision_of_direct_story_part_change(sender, instance, raw=False, origin=None, **kwargs):
    """A byline or photo added or removed outside a revision changes its story: keep the story's revision."""
    deleting_the_story = isinstance(origin, Article) or (isinstance(origin, QuerySet) and origin.model is Article)
    if raw or reversion.is_active() or deleting_the_story:
        return
    _keep_revisions_of(Article.objects.filter(pk=instance.article_id))


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="story-revision-tags")
@receiver(m2m_changed, sender=Article.related_articles.through, dispatch_uid="story-revision-related")
@receiver(m2m_changed, sender=Byline, dispatch_uid="story-revision-reporters")  # article.reporters.add(...)
def keep_revision_of_direct_relation_change(sender, instance, action, reverse, pk_set, **kwargs):
    """``story.tags.add(tag)`` (or ``tag.articles.add(story)``) outside a revision: keep the stories' revisions.
    Not while loaddata sets a loaded story's tags: m2m_changed has no ``raw`` flag (articles.fixture_loading)."""
    if not action.startswith("post_") or reversion.is_active() or loaded_as_saved(instance):
        return
    if not reverse:
        _keep_revisions_of([instance])
    elif pk_set:
        _keep_revisions_of(Article.objects.filter(pk__in=pk_set))


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
        return NOTES["restored"] % {"date": _moment(when) if when else "?"}
    return str(NOTES.get(kind, ""))


def _moment(when) -> str:
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")


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
    return Version.objects.get_for_object(article).select_related("revision__user__reporter")


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
    #: {"kind": "same", "count": n} | {"kind": "changed", "parts": [(kind, words)]} | {"kind": "removed"|"added",
    #: "text": text}, in order: what the template shows.
    rows: list[dict] = field(default_factory=list)


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
            pairs = zip(old[a1:a2], new[b1:b2], strict=True)
            rows.extend({"kind": "changed", "parts": _word_diff(before, after)} for before, after in pairs)
        else:
            rows.extend({"kind": "removed", "text": text} for text in old[a1:a2])
            rows.extend({"kind": "added", "text": text} for text in new[b1:b2])
    return rows


def compare_states(old: dict, new: dict) -> list[FieldChange]:
    """What changed between two story states (see ``_state``): the text word by word, per field and language,
    then every other field of the form as its value before and after."""
    changes = []
    for name in CONTENT_FIELDS:
        for code, language in settings.LANGUAGES:
            key = f"{name}_{code}"
            before, after = old["fields"].get(key) or "", new["fields"].get(key) or ""
            if before == after:
                continue
            label = f"{Article._meta.get_field(name).verbose_name} ({language})"
            if name == "body":
                rows = diff_paragraphs(paragraphs(before), paragraphs(after))
            else:
                rows = [{"kind": "changed", "parts": _word_diff(before, after)}]
            changes.append(FieldChange(label=label, rows=rows))
    for name in OTHER_FIELDS:
        before, after = old["shown"][name], new["shown"][name]
        if before != after:
            rows = [{"kind": "removed", "text": before}, {"kind": "added", "text": after}]
            changes.append(FieldChange(label=_other_field_label(name), rows=rows))
    return changes


def _other_field_label(name: str) -> str:
    if name == "photos":
        return str(StoryPhoto._meta.verbose_name_plural)
    if name == "byline":
        return str(Byline._meta.verbose_name_plural)
    return str(Article._meta.get_field(name).verbose_name)


def state_of_version(version: Version) -> dict:
    """A kept revision as a comparable state: its fields, and its byline and photos as readers would name them."""
    related = version.revision.version_set.exclude(pk=version.pk).select_related("content_type")
    parts = {Byline: [], StoryPhoto: []}
    for part in related:
        if part.content_type.model_class() in parts:
            parts[part.content_type.model_class()].append(part.field_dict)
    mine = [entry for entries in parts.values() for entry in entries if entry["article_id"] == version.field_dict["id"]]
    in_order = sorted(mine, key=lambda entry: (entry["order"], entry["id"]))
    return _state(
        version.field_dict,
        reporter_ids=[entry["reporter_id"] for entry in in_order if "reporter_id" in entry],
        photo_ids=[entry["photo_id"] for entry in in_order if "photo_id" in entry],
    )


def state_of_article(article: Article) -> dict:
    """The story as it is now, comparable with a kept revision."""
    article_fields = {f.attname: getattr(article, f.attname) for f in article._meta.concrete_fields}
    article_fields["tags"] = list(article.tags.values_list("pk", flat=True))
    article_fields["related_articles"] = list(article.related_articles.values_list("pk", flat=True))
    return _state(
        article_fields,
        reporter_ids=list(article.bylines.order_by("order", "pk").values_list("reporter_id", flat=True)),
        photo_ids=list(article.story_photos.order_by("order", "pk").values_list("photo_id", flat=True)),
    )


def _state(article_fields, *, reporter_ids, photo_ids) -> dict:
    """A story's fields, with what the compare page shows of each field that is not text."""
    reporters = Reporter.objects.in_bulk(reporter_ids)
    photos = Photo.objects.in_bulk(photo_ids)
    section = Section.objects.filter(pk=article_fields.get("section_id")).first()
    related = Article.objects.filter(pk__in=article_fields.get("related_articles") or [])

    def names(objects):
        return ", ".join(str(item) for item in objects) or "—"

    shown = {
        "section": str(section) if section else "—",
        "tags": names(sorted(str(tag) for tag in Tag.objects.filter(pk__in=article_fields.get("tags") or []))),
        "byline": names(reporters[pk] for pk in reporter_ids if pk in reporters),
        "photos": names(photos[pk] for pk in photo_ids if pk in photos),
        "related_articles": names(sorted(str(story) for story in related)),
        "published_at": _moment(article_fields["published_at"]) if article_fields.get("published_at") else "—",
        "comments_enabled": _("yes") if article_fields.get("comments_enabled") else _("no"),
    }
    for name in ("status", "placement"):
        value = article_fields.get(name)
        shown[name] = str(dict(Article._meta.get_field(name).choices).get(value, "—"))
    for name in ("slug", "placement_order", "legacy_id", "review_note"):
        value = article_fields.get(name)
        shown[name] = "—" if value in (None, "") else str(value)
    return {"fields": article_fields, "reporter_ids": reporter_ids, "photo_ids": photo_ids, "shown": shown}


# Two people editing one story (see articles.merging)


def state_of_form(cleaned_data: dict, current: Article) -> dict:
    """The story as a submitted form would save it, comparable with the saved one (when the form's base
    revision is not known)."""
    fields = {
        f"{name}_{code}": cleaned_data.get(f"{name}_{code}") or ""
        for name in CONTENT_FIELDS
        for code, _language in settings.LANGUAGES
    }
    saved = state_of_article(current)
    fields = {**saved["fields"], **fields}
    for name in (
        "slug",
        "published_at",
        "placement",
        "placement_order",
        "comments_enabled",
        "legacy_id",
        "review_note",
    ):
        if name in cleaned_data:
            fields[name] = cleaned_data[name]
    if cleaned_data.get("section"):
        fields["section_id"] = cleaned_data["section"].pk
    for name in ("tags", "related_articles"):
        if cleaned_data.get(name) is not None:
            fields[name] = [item.pk for item in cleaned_data[name]]
    return _state(fields, reporter_ids=saved["reporter_ids"], photo_ids=saved["photo_ids"])


# Restoring


class StoryChangedMeanwhile(Exception):
    """The story was saved after the person looked at what restoring would change."""


def state_after_restoring(article: Article, version: Version) -> dict:
    """The story as restoring ``version`` would leave it (see ``restore_version``): its text, section, slug, tags,
    byline and photos as kept (less what was deleted since), everything else as it is now. Compared with the
    story now, it shows exactly what restoring changes."""
    now, kept = state_of_article(article), state_of_version(version)
    fields = {**now["fields"]}
    for name in CONTENT_FIELDS:
        for code, _language in settings.LANGUAGES:
            fields[f"{name}_{code}"] = kept["fields"].get(f"{name}_{code}") or ""
    if Section.objects.filter(pk=kept["fields"].get("section_id")).exists():
        fields["section_id"] = kept["fields"]["section_id"]
    fields["slug"] = kept["fields"].get("slug") or fields["slug"]
    fields["tags"] = list(Tag.objects.filter(pk__in=kept["fields"].get("tags") or []).values_list("pk", flat=True))
    reporters = set(Reporter.objects.filter(pk__in=kept["reporter_ids"]).values_list("pk", flat=True))
    photos = set(Photo.objects.filter(pk__in=kept["photo_ids"]).values_list("pk", flat=True))
    return _state(
        fields,
        reporter_ids=[pk for pk in dict.fromkeys(kept["reporter_ids"]) if pk in reporters],
        photo_ids=[pk for pk in dict.fromkeys(kept["photo_ids"]) if pk in photos],
    )


def restore_version(article: Article, version: Version, *, by, seen_version: int) -> None:
    """Bring back a revision's text, byline, photos, section and tags, as a new revision.

    The workflow stays as it is now (status, approval, publication time, trash): restoring old words
    must not quietly unpublish or republish a story. Reporters and photos deleted since are left out.
    ``seen_version`` is the story's version the person compared against; if it was saved since, nothing
    happens (StoryChangedMeanwhile), as in the story form.
    """
    state = state_of_version(version)
    kept = state["fields"]
    with transaction.atomic(), revision_by(by, "restored", date=version.revision.date_created.isoformat()):
        if not Article.objects.filter(pk=article.pk, version=seen_version).update(version=F("version")):
            raise StoryChangedMeanwhile
        article.refresh_from_db()
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
