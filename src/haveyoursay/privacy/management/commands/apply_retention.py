"""`haveyoursay apply_retention`: remove personal data whose retention period has ended.

Run it once a day (cron, a systemd timer, or the scheduler of the platform the site runs on);
see the README. Running it more often, or again after a failure, is safe.
"""

from django.core.management.base import BaseCommand, CommandError

from haveyoursay.hub.models import today
from haveyoursay.privacy.retention import apply_retention, due_consultations


class Command(BaseCommand):
    help = "Remove names, contact details and personal details in comments from responses past their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say which consultations are due, and change nothing"
        )

    def handle(self, *, dry_run, verbosity, **options):
        due = due_consultations(today())
        if not due:
            if verbosity:
                self.stdout.write("No consultation is past its retention period with personal data still held.")
            return
        failed = []
        for consultation in due:
            if dry_run:
                self.stdout.write(
                    f"Due since {consultation.retention_ends_on:%d %B %Y}: {consultation.title} (#{consultation.pk})"
                )
                continue
            try:
                run = apply_retention(consultation)
            except Exception as error:
                # Go on with the others; the message is not printed, as it could quote data.
                failed.append(consultation.pk)
                self.stderr.write(f"Consultation #{consultation.pk} could not be done: {type(error).__name__}.")
                continue
            if run is not None and verbosity:
                self.stdout.write(
                    f"{consultation.title} (#{consultation.pk}): personal data removed from "
                    f"{run.responses_anonymised} responses; {run.unsent_deleted} unsent responses deleted."
                )
        if failed:
            raise CommandError(f"{len(failed)} consultation(s) could not be done: #{', #'.join(map(str, failed))}.")
