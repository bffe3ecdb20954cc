"""manage.py import_archive PATH...: the old site's saved pages as published stories (articles/archive_import.py)."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from articles.archive_import import ArchiveImport, ImportSummary, Outcome, PageResult, story_pages
from articles.models import Section


class Command(BaseCommand):
    help = (
        "Import the old site's saved story pages (the browser's plain text or the article page's HTML) as "
        "published stories. Importing a page again updates its story; it never adds a second one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Saved pages, or folders searched through for .txt and .html files.",
        )
        parser.add_argument("--section", help="The slug of the section the stories go in (default: the first section).")
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="The language the pages are written in (default: en).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, and write nothing.")

    def handle(self, *args, paths, section=None, language="en", dry_run=False, verbosity=1, **options):
        self.verbosity, self.dry_run = verbosity, dry_run
        pages, missing = story_pages(paths)
        if not pages and not missing:
            raise CommandError(_("No saved pages (.txt, .html) in the given folders."))
        importer = ArchiveImport(
            section=self.target_section(section),
            language=language,
            move_to_section=section is not None,
            dry_run=dry_run,
            report=self.report_page,
        )
        for result in missing:
            importer.fail(result.source, result.reason)
        # On a terminal only (disable=None): a log or a test gets the summary alone.
        progress = tqdm(total=len(pages), unit="page", file=sys.stderr, disable=None if verbosity else True)
        with progress:
            for path in pages:
                importer.add_page(path)
                progress.update()
            summary = importer.finish()
        files = len(pages) + len(missing)
        style = self.style.WARNING if summary.failed else self.style.SUCCESS
        self.stdout.write(self.summary_line(summary, files), style)
        if summary.failed:
            raise CommandError(
                ngettext(
                    "%(failed)d of %(files)d file could not be imported (see above).",
                    "%(failed)d of %(files)d files could not be imported (see above).",
                    files,
                )
                % {"failed": summary.failed, "files": files}
            )

    def summary_line(self, summary: ImportSummary, files: int) -> str:
        counts = {"files": files, **{outcome.value: count for outcome, count in summary.counts.items()}}
        if self.dry_run:
            line = ngettext(
                "Dry run, nothing was written. Of %(files)d file, %(created)d would be created, %(updated)d "
                "updated, %(unchanged)d unchanged, %(failed)d failed.",
                "Dry run, nothing was written. Of %(files)d files, %(created)d would be created, %(updated)d "
                "updated, %(unchanged)d unchanged, %(failed)d failed.",
                files,
            )
        else:
            line = ngettext(
                "Imported %(files)d file: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(failed)d failed.",
                "Imported %(files)d files: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
                "%(failed)d failed.",
                files,
            )
        line %= counts
        if summary.counts[Outcome.SKIPPED]:
            line += " " + ngettext(
                "%(skipped)d was left out: the newsroom deleted its story.",
                "%(skipped)d were left out: the newsroom deleted their stories.",
                summary.counts[Outcome.SKIPPED],
            ) % {"skipped": summary.counts[Outcome.SKIPPED]}
        if summary.new_reporters:
            line += " " + _("New reporters: %(names)s.") % {"names": ", ".join(summary.new_reporters)}
        return line

    def target_section(self, slug: str | None) -> Section:
        if slug is None:
            section = Section.objects.first()
            if section is None:
                raise CommandError(_("The site has no section yet: create one in the admin, or give --section."))
            return section
        section = Section.objects.filter(slug=slug).first()
        if section is None:
            known = ", ".join(Section.objects.values_list("slug", flat=True)) or _("none")
            raise CommandError(
                _('No section with the slug "%(slug)s" (the sections are: %(known)s).') % {"slug": slug, "known": known}
            )
        return section

    def report_page(self, result: PageResult) -> None:
        """A line per failure always; per change in a dry run; per page at -v 2."""
        if result.outcome == Outcome.FAILED:
            line, stream = (
                _("%(file)s: skipped. %(reason)s") % {"file": result.source, "reason": result.reason},
                self.stderr,
            )
        elif result.outcome == Outcome.SKIPPED:
            line, stream = (
                _("%(file)s: left out: %(headline)s. %(reason)s")
                % {"file": result.source, "headline": result.headline, "reason": result.reason},
                self.stdout,
            )
        elif self.verbosity >= 2 or (self.dry_run and result.outcome != Outcome.UNCHANGED):
            line, stream = self.outcome_line(result), self.stdout
        else:
            return
        with tqdm.external_write_mode(file=sys.stderr):  # clear the bar, write the line, draw the bar again
            stream.write(line)

    def outcome_line(self, result: PageResult) -> str:
        if self.dry_run:
            lines = {
                Outcome.CREATED: _("%(file)s: would create: %(headline)s"),
                Outcome.UPDATED: _("%(file)s: would update: %(headline)s (%(changes)s)"),
                Outcome.UNCHANGED: _("%(file)s: would leave unchanged: %(headline)s"),
            }
        else:
            lines = {
                Outcome.CREATED: _("%(file)s: created: %(headline)s"),
                Outcome.UPDATED: _("%(file)s: updated: %(headline)s (%(changes)s)"),
                Outcome.UNCHANGED: _("%(file)s: unchanged: %(headline)s"),
            }
        return lines[result.outcome] % {
            "file": result.source, "headline": result.headline, "changes": ", ".join(result.changes)
        }  # fmt: skip
