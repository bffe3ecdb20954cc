"""Staging an edit of a live story, publishing it (with a public correction, if the editor writes one) and
discarding it. The staged text is kept in ``StagedEdit`` until then; readers see the live text."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article, Correction, StagedEdit, StoryEvent
from articles.models.history import revision_by
from articles.models.staging import text_of
from articles.revisions import StoryChangedMeanwhile, version_at


@transaction.atomic
@transaction.atomic
def stage_edit(
    article: Article, values: dict[str, str], *, by, base_version: int, notes=None, replacing=False
) -> StagedEdit:
    """Keep ``values`` (the staged text) as the story's staged edit, written against the story at
    ``base_version`` (the version its form was opened at), with the correction ``notes`` written with it
    ({"correction_note_ko": ..., "correction_note_en": ...}), if any.

    Over a staged edit already waiting, only what this form changed is added to it (nobody's staged words are
    lost), unless the form was opened from that staged edit (``replacing``): then it is the staged edit's new text.
    """
    if not StagedEdit.may_be_staged_by(by, article):
        raise PermissionDenied
    # The story's row, locked: two first stagings at once wait for each other instead of one failing.
    Article.objects.select_for_update().filter(pk=article.pk).first()
    waiting = StagedEdit.objects.select_for_update().filter(article=article).first()
    if waiting is not None:
        if not replacing:
            form_base, _version = _text_at(article, base_version)
            mine = {name: value for name, value in values.items() if value != form_base.get(name, "")}
            values = {**waiting.values, **mine}
        base_values, base_version = waiting.base_values, waiting.base_version
    else:
        base_values, base_version = _text_at(article, base_version)
    staged, created = StagedEdit.objects.update_or_create(
        article=article,
        defaults={
            "values": values,
            "base_values": base_values,
            "base_version": base_version,
            # Whoever staged it first stays its author (adding to it does not take it over).
            "author": waiting.author if waiting is not None and waiting.author_id else by,
            **{name: note for name, note in (notes or {}).items() if note or waiting is None},
        },
    )
    if created and not staged.may_be_published_by(by):
        # A reporter's edit waits for an editor: the editors hear of it (articles.notifications).
        StoryEvent.objects.create(article=article, action=StoryEvent.Action.STAGED, by=by)
    return staged


def _text_at(article: Article, version: int) -> tuple[dict[str, str], int]:
    """The story's staged fields as saved at ``version`` and that version; the text now if it was not kept."""
    kept = version_at(article, version) if version != article.version else None
    if kept is None:
        return text_of(article), article.version
    return {**text_of(article), **{name: kept.field_dict.get(name) or "" for name in text_of(article)}}, version


@transaction.atomic
def publish_staged_edit(staged: StagedEdit, *, by, seen_version: int, note_ko="", note_en="") -> Article:
    """Apply the staged edit to the live story through its normal save (a revision, a new version, 수정 time,
    the page cache), with a public correction when a note is given; the staged edit is then gone.

    ``seen_version`` is the story's version the editor compared against: saved since, nothing happens
    (StoryChangedMeanwhile). A field someone changed differently on the live story since the edit was
    written is not overwritten: ValidationError, nothing changes.
    """
    if not staged.may_be_published_by(by):
        raise PermissionDenied
    article = Article.objects.select_for_update().get(pk=staged.article_id)
    if article.version != seen_version:
        raise StoryChangedMeanwhile
    if conflicts := staged.conflicting_fields(article):
        raise ValidationError(
            _("Since this edit was staged, the live story changed in %(fields)s: edit the story instead.")
            % {"fields": ", ".join(conflicts)}
        )
    changed = staged.changed_fields()
    with revision_by(by, "changed", fields=changed):
        for name in changed:
            setattr(article, name, staged.values[name])
        if article.is_public:
            article.revised_at = timezone.now()
        article.save()
    add_correction(article, by=by, note_ko=note_ko, note_en=note_en)
    StoryEvent.objects.create(article=article, action=StoryEvent.Action.STAGED_PUBLISHED, by=by)
    staged.delete()
    return article


def add_correction(article: Article, *, by, note_ko="", note_en="") -> Correction | None:
    """A public correction of the story, if a note was written in either language."""
    note_ko, note_en = note_ko.strip(), note_en.strip()
    if not (note_ko or note_en):
        return None
    return Correction.objects.create(article=article, note_ko=note_ko, note_en=note_en, by=by)


def discard_staged_edit(staged: StagedEdit) -> None:
    staged.delete()
