"""Importing the old site's saved story pages as published stories (``manage.py import_archive``).

A page is the same story as one already here when it carries the same old number (``legacy_id``) or,
without one, the same headline and approval time: importing it again updates that story, never adds a
second. Pages are read one at a time and written in batches (bulk inserts and updates, the search index
and the byline in a few queries per batch), so an archive of thousands imports in minutes. The page
cache's content generation is bumped once at the end.

What a page decides: the headline, subtitle and body in the chosen language, the approval time (and
the revision time when the page has one), the old number and the byline. What it leaves alone: the
story's status once it exists (an editor may have unpublished it), its section (unless ``--section``
names one again), and the other language's text.
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import reversion
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.archive_pages import ArchivedStory, UnreadablePage, read_story_page
from articles.models import Article, Byline, RemovedStory, Reporter, Section
from articles.page_cache import bump_content
from articles.revisions import note
from articles.richtext import plain_text, sanitize_story_html
from articles.search import update_search_documents

PAGE_SUFFIXES = {".txt", ".html", ".htm"}
BATCH_SIZE = 200


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    #: The newsroom deleted the page's story (to the trash, or for good): an import does not bring it back.
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class PageResult:
    """What became of one file: for a change, which parts of the story changed; for a failure, why."""

    source: str
    outcome: Outcome
    headline: str = ""
    changes: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class ImportSummary:
    counts: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    new_reporters: list[str] = field(default_factory=list)
    #: Whether anything readers may see was (or, in a dry run, would have been) written.
    changed_anything: bool = False

    @property
    def failed(self) -> int:
        return self.counts[Outcome.FAILED]


def story_pages(paths: Iterable[str | Path]) -> tuple[list[Path], list[PageResult]]:
    """The saved pages among ``paths`` (folders searched through, in name order), and the paths that are missing."""
    pages, missing = [], []
    for path in map(Path, paths):
        if path.is_dir():
            pages += sorted(p for p in path.rglob("*") if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
        elif path.is_file():
            pages.append(path)
        else:
            missing.append(PageResult(str(path), Outcome.FAILED, reason=_("It does not exist.")))
    return pages, missing


def name_key(name: str) -> str:
    """A reporter's name as compared: case, spacing and Unicode form don't matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def language_of(text: str) -> str:
    """Which language field a name or position belongs in: Korean if written in Hangul, else English."""
    return "ko" if any("\uac00" <= char <= "\ud7a3" for char in text) else "en"


#: The names the command's reader sees for what an import changes in a story.
CHANGE_NAMES = {
    "title": gettext_lazy("headline"), "subtitle": gettext_lazy("subtitle"), "body": gettext_lazy("body"),
    "published_at": gettext_lazy("approval time"), "revised_at": gettext_lazy("revision time"),
    "legacy_id": gettext_lazy("old site number"), "section_id": gettext_lazy("section"),
    "byline": gettext_lazy("byline"),
}  # fmt: skip


class ArchiveImport:
    """One run of the import: ``add_page`` each file, then ``finish``. ``report`` hears of every file's fate."""

    def __init__(
        self,
        *,
        section: Section,
        language: str,
        move_to_section: bool = False,
        dry_run: bool = False,
        report: Callable[[PageResult], None] = lambda result: None,
    ):
        self.section, self.language, self.move_to_section = section, language, move_to_section
        self.dry_run, self.report = dry_run, report
        self.summary = ImportSummary()
        self.pending: list[tuple[str, ArchivedStory]] = []
        self._forget()

    def _forget(self) -> None:
        """Drop what this run knows of the database (after a batch was refused, it may be wrong)."""
        self.reporters: dict[str, Reporter] | None = None
        #: Stories this run has seen, by old number and by (headline, approval time): a page seen twice is one story.
        self.claimed: dict[tuple, Article] = {}
        #: The byline of each story above, by id() of the story (a story not yet saved has no pk).
        self.bylines: dict[int, list[Reporter]] = {}
        #: Old numbers of stories the newsroom deleted for good: never brought back by an import.
        self.removed_numbers: set[int] = set()

    # What the command calls

    def add_page(self, path: Path) -> None:
        try:
            story = read_story_page(path)
        except UnreadablePage as problem:
            self.fail(str(path), str(problem))
            return
        if problem := self._does_not_fit(story):
            self.fail(str(path), problem)
            return
        self.pending.append((str(path), story))
        if len(self.pending) >= BATCH_SIZE:
            self._import_batch()

    def fail(self, source: str, reason: str) -> None:
        self._record(PageResult(source, Outcome.FAILED, reason=reason))

    def finish(self) -> ImportSummary:
        self._import_batch()
        if self.summary.changed_anything and not self.dry_run:
            bump_content()
        return self.summary

    def _record(self, result: PageResult) -> None:
        self.summary.counts[result.outcome] += 1
        self.report(result)

    def _deleted(self, story: ArchivedStory) -> str:
        """Why the page's story is left alone because the newsroom deleted it, or ''."""
        if story.legacy_id in self.removed_numbers:
            return _("The newsroom deleted this story for good.")
        article = self._claimed_story(story)
        if article is not None and article.in_trash:
            return _("The story is in the newsroom's trash.")
        return ""

    @staticmethod
    def _does_not_fit(story: ArchivedStory) -> str:
        """Why the story would not fit its fields (PostgreSQL would refuse the whole batch), or ''."""
        limits = [
            (story.headline, Article, "title", _("Its headline is longer than %(limit)d characters.")),
            (story.subtitle, Article, "subtitle", _("Its subtitle is longer than %(limit)d characters.")),
            (story.position, Reporter, "position", _("Its reporter's position is longer than %(limit)d characters.")),
            *(
                (name, Reporter, "name", _("A reporter's name on it is longer than %(limit)d characters."))
                for name in story.reporters
            ),
        ]
        for text, model, field_name, problem in limits:
            limit = model._meta.get_field(field_name).max_length
            if len(text) > limit:
                return problem % {"limit": limit}
        return ""

    # One batch

    def _import_batch(self, batch: list[tuple[str, ArchivedStory]] | None = None) -> None:
        if batch is None:
            batch, self.pending = self.pending, []
        if not batch:
            return
        try:
            with transaction.atomic():
                results, writes = self._write_batch(batch)
        except DatabaseError as error:
            self._forget()
            if len(batch) == 1:
                self.fail(batch[0][0], _("The database refused it (%(error)s).") % {"error": error})
            else:  # find the one page at fault: the others go in
                for item in batch:
                    self._import_batch([item])
            return
        self.summary.new_reporters += [reporter.name_ko or reporter.name_en for reporter in writes.new_reporters]
        self.summary.changed_anything |= writes.anything()
        for result in results:
            self._record(result)

    def _write_batch(self, batch: list[tuple[str, ArchivedStory]]) -> tuple[list[PageResult], "_Writes"]:
        writes = _Writes(self.language)
        bylines = self._bylines_for([story for _source, story in batch], writes)
        self._find_existing([story for _source, story in batch])
        results = []
        for source, story in batch:
            if reason := self._deleted(story):
                results.append(PageResult(source, Outcome.SKIPPED, headline=story.headline, reason=reason))
                continue
            results.append(self._import_story(source, story, bylines[id(story)], writes))
        if not self.dry_run:
            writes.save()
        return results, writes

    def _import_story(self, source: str, story: ArchivedStory, byline: list[Reporter], writes) -> PageResult:
        wanted = self._wanted_fields(story)
        article = self._claimed_story(story)
        if article is None:
            wanted.pop("section_id", None)
            article = Article(section=self.section, status=Article.Status.PUBLISHED, **wanted)
            # As Article.save() does, which bulk_create doesn't call.
            article.slug = slugify(article.title_en or article.title_ko or "", allow_unicode=True)[:120] or "story"
            writes.new(article, byline)
            outcome, changes = Outcome.CREATED, ()
        else:
            changes = self._apply(article, wanted, byline, writes)
            outcome = Outcome.UPDATED if changes else Outcome.UNCHANGED
        self.bylines[id(article)] = byline
        for key in self._keys(story):
            self.claimed[key] = article
        return PageResult(source, outcome, headline=story.headline, changes=changes)

    def _wanted_fields(self, story: ArchivedStory) -> dict:
        body = sanitize_story_html(story.body_html)
        wanted = {
            f"title_{self.language}": story.headline,
            f"subtitle_{self.language}": story.subtitle,
            f"body_{self.language}": body,
            "published_at": story.approved_at,
        }
        if story.revised_at:
            wanted["revised_at"] = story.revised_at
        if story.legacy_id:
            wanted["legacy_id"] = story.legacy_id
        if self.move_to_section:
            wanted["section_id"] = self.section.pk
        return wanted

    def _apply(self, article: Article, wanted: dict, byline: list[Reporter], writes) -> tuple[str, ...]:
        """Bring ``article`` to what the page says; returns the names of what changed."""
        changed = [name for name, value in wanted.items() if _differs(getattr(article, name), value)]
        if _byline_ids(self.bylines[id(article)]) != _byline_ids(byline):
            changed.append("byline")
        if not changed:
            return ()
        for name in changed:
            if name != "byline":
                setattr(article, name, wanted[name])
        # bulk_update doesn't run the fields' pre_save: keep the plain-text copy search reads in step.
        setattr(article, f"body_text_{self.language}", plain_text(getattr(article, f"body_{self.language}") or ""))
        writes.change(article, byline if "byline" in changed else None)
        return tuple(str(CHANGE_NAMES[name.removesuffix(f"_{self.language}")]) for name in changed)

    # Finding the stories and reporters the pages name

    def _keys(self, story: ArchivedStory) -> list[tuple]:
        natural = ("story", story.headline, story.approved_at)
        return [("legacy", story.legacy_id), natural] if story.legacy_id else [natural]

    def _claimed_story(self, story: ArchivedStory) -> Article | None:
        if story.legacy_id:
            # Under its old number, or a story imported before from a copy that had none (never another number's).
            article = self.claimed.get(("legacy", story.legacy_id))
            if article is None:
                article = self.claimed.get(("story", story.headline, story.approved_at))
                if article is not None and article.legacy_id not in (None, story.legacy_id):
                    article = None
            return article
        return self.claimed.get(("story", story.headline, story.approved_at))

    def _find_existing(self, stories: list[ArchivedStory]) -> None:
        """Load the stories the pages may already be, with their bylines, in three queries, into ``claimed``."""
        unseen = [story for story in stories if self._claimed_story(story) is None]
        numbers = {story.legacy_id for story in unseen if story.legacy_id}
        found = list(Article.objects.filter(legacy_id__in=numbers)) if numbers else []
        if numbers:
            self.removed_numbers |= set(
                RemovedStory.objects.filter(legacy_id__in=numbers).values_list("legacy_id", flat=True)
            )
        known_numbers = {article.legacy_id for article in found}
        natural = [story for story in unseen if story.legacy_id not in known_numbers]
        if natural:
            title = f"title_{self.language}"
            found += Article.objects.filter(
                **{f"{title}__in": {story.headline for story in natural}},
                published_at__in={story.approved_at for story in natural},
            ).exclude(pk__in=[article.pk for article in found])
        if not found:
            return
        reporters = {reporter.pk: reporter for reporter in self._reporters().values()}
        entries = (
            Byline.objects.filter(article__in=found).order_by("order", "pk").values_list("article_id", "reporter_id")
        )
        bylines = {article.pk: [] for article in found}
        for article_id, reporter_id in entries:
            bylines[article_id].append(reporters.get(reporter_id) or Reporter(pk=reporter_id))
        for article in sorted(found, key=lambda article: article.pk, reverse=True):  # the oldest story wins a tie
            self.bylines[id(article)] = bylines[article.pk]
            if article.legacy_id:
                self.claimed[("legacy", article.legacy_id)] = article
            self.claimed[("story", getattr(article, f"title_{self.language}"), article.published_at)] = article

    def _reporters(self) -> dict[str, Reporter]:
        """Every reporter by each of their names (Korean and English), loaded once per run."""
        if self.reporters is None:
            self.reporters = {}
            for reporter in Reporter.objects.order_by("-pk"):  # the oldest reporter wins a shared name
                for name in (reporter.name_ko, reporter.name_en):
                    if name:
                        self.reporters[name_key(name)] = reporter
        return self.reporters

    def _bylines_for(self, stories: list[ArchivedStory], writes) -> dict[int, list[Reporter]]:
        """Each story's reporters, by id() of the story: matched by name, or created (with the page's position)."""
        reporters, bylines = self._reporters(), {}
        for story in stories:
            bylines[id(story)] = []
            language = language_of(story.position)
            for name in story.reporters:
                reporter = reporters.get(name_key(name))
                if reporter is None:
                    reporter = Reporter(**{f"name_{language_of(name)}": name})
                    reporters[name_key(name)] = reporter
                    writes.new_reporter(reporter)
                if story.position and not getattr(reporter, f"position_{language}"):
                    setattr(reporter, f"position_{language}", story.position)
                    writes.position(reporter, language)
                if reporter not in bylines[id(story)]:
                    bylines[id(story)].append(reporter)
        return bylines


def _differs(current, wanted) -> bool:
    # Untranslated text is None or "" depending on how the story was made.
    return (current or None) != (wanted or None)


def _byline_ids(reporters: list[Reporter]) -> list[int]:
    return [reporter.pk or id(reporter) for reporter in reporters]


class _Writes:
    """What one batch writes, in as few queries as the database allows."""

    def __init__(self, language: str):
        self.language = language
        self.new_articles: list[tuple[Article, list[Reporter]]] = []
        self.changed_articles: list[Article] = []
        self.new_bylines: list[tuple[Article, list[Reporter]]] = []
        self.new_reporters: list[Reporter] = []
        self.positions: dict[str, list[Reporter]] = {}

    def new(self, article: Article, byline: list[Reporter]) -> None:
        self.new_articles.append((article, byline))

    def change(self, article: Article, byline: list[Reporter] | None) -> None:
        if article.pk is None:  # made earlier in this batch (or, in a dry run, this run): not written yet
            if byline is not None:
                self.new_articles = [(a, byline if a is article else b) for a, b in self.new_articles]
            return
        if article not in self.changed_articles:
            self.changed_articles.append(article)
        if byline is not None:
            self.new_bylines = [(a, b) for a, b in self.new_bylines if a is not article] + [(article, byline)]

    def new_reporter(self, reporter: Reporter) -> None:
        self.new_reporters.append(reporter)

    def position(self, reporter: Reporter, language: str) -> None:
        if reporter.pk is not None:
            self.positions.setdefault(language, []).append(reporter)

    def anything(self) -> bool:
        return bool(self.new_articles or self.changed_articles or self.new_reporters or self.positions)

    def save(self) -> None:
        Reporter.objects.bulk_create(self.new_reporters)
        for language, reporters in self.positions.items():
            Reporter.objects.bulk_update(reporters, [f"position_{language}"])
        created = Article.objects.bulk_create([article for article, _byline in self.new_articles])
        if self.changed_articles:
            now = timezone.now()
            for article in self.changed_articles:
                article.updated_at = now
                # As Article.save() does: a newsroom form opened before the import can't silently undo it.
                article.version = F("version") + 1
            language = self.language
            fields = [f"title_{language}", f"subtitle_{language}", f"body_{language}", f"body_text_{language}",
                      "published_at", "revised_at", "legacy_id", "section", "updated_at", "version"]  # fmt: skip
            Article.objects.bulk_update(self.changed_articles, fields)
        replaced = [article.pk for article, _byline in self.new_bylines]
        if replaced:
            # Rare (a page's byline changed): Byline's delete signals refresh the page cache, as they should.
            Byline.objects.filter(article_id__in=replaced).delete()
        Byline.objects.bulk_create(
            Byline(article=article, reporter=reporter, order=order)
            for article, byline in [*self.new_articles, *self.new_bylines]
            for order, reporter in enumerate(byline)
        )
        written = [article.pk for article in created] + [article.pk for article in self.changed_articles]
        if written:
            update_search_documents(Article.objects.filter(pk__in=written))
            keep_revisions(written)


def keep_revisions(article_ids: list[int]) -> None:
    """One revision for the batch's stories, as every other path that changes a story leaves one
    (articles.revisions); read back with what it keeps prefetched, so it costs a few queries, not a few per story."""
    # A version's label is str() of its object: a byline's names its reporter, a photo's its photo.
    stories = Article.objects.filter(pk__in=article_ids).prefetch_related(
        "bylines__reporter", "story_photos__photo", "tags", "related_articles"
    )
    with reversion.create_revision():
        reversion.set_comment(note("imported"))
        for story in stories:
            reversion.add_to_revision(story)
