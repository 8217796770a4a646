"""`haveyoursay send_meeting_updates`: email the followers of each body about the decisions
recorded for its meetings.

Run it once a day, like `apply_retention` (see the README): a meeting's decisions are keyed in
one at a time or imported, and waiting a day sends them in one email. Each meeting is emailed
about once; running it again, or more often, sends nothing twice. The emails themselves are
sent by the background worker.
"""

from django.core.management.base import BaseCommand

from haveyoursay.outcomes.notify import start_meeting_mailings


class Command(BaseCommand):
    help = "Queue emails to the followers of each body about meetings whose decisions have been recorded."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=30, help="look at meetings held in this many days up to now (default 30)"
        )

    def handle(self, *, days, verbosity, **options):
        jobs = start_meeting_mailings(since_days=days)
        if verbosity:
            self.stdout.write(
                f"Queued emails about {len(jobs)} meeting{'' if len(jobs) == 1 else 's'}." if jobs
                else "No meeting of a followed body has new decisions to tell its followers about."
            )
