from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from articles.models import Article


class Command(BaseCommand):
    help = "Delete for good the stories that have been in the trash longer than KTNEWS_STORY_TRASH_DAYS (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Empty the whole trash, however recent.")

    def handle(self, *args, **options):
        in_trash = Article.objects.in_trash()
        deleted = (in_trash if options["all"] else in_trash.trash_expired()).delete_for_good()
        self.stdout.write(
            ngettext(
                "Deleted %(count)d story for good (kept in the trash %(days)d days).",
                "Deleted %(count)d stories for good (kept in the trash %(days)d days).",
                deleted,
            )
            % {"count": deleted, "days": settings.STORY_TRASH_DAYS}
        )
