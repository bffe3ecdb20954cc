from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from articles.models.mail import OutgoingMail
from articles.outbox import send_due_mail


class Command(BaseCommand):
    help = "Send the mail that waits for the mail server (run every minute by deploy/systemd/ktnews-mail.timer)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="Send at most this many mails in this run.")

    def handle(self, *args, **options):
        sent, failed = send_due_mail(limit=options["limit"])
        waiting = OutgoingMail.objects.waiting().count()
        self.stdout.write(
            _("Sent %(sent)d, failed %(failed)d; %(waiting)d waiting.")
            % {"sent": sent, "failed": failed, "waiting": waiting}
        )
