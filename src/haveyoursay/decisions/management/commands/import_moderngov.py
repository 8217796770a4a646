"""`import_moderngov`: bring a council's bodies, meetings, agendas and members in from ModernGov.

    haveyoursay import_moderngov --url https://democracy.example.gov.uk
    haveyoursay import_moderngov --url https://democracy.example.gov.uk --from 2025-01-01 --to 2026-12-31

Importing again updates what an earlier import brought in; it never adds copies. If anything the
site sends cannot be read, the problems are listed by meeting and field and nothing changes.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.moderngov import ModernGovError, import_site


def iso_date(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date written as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Import bodies, meetings, agenda items, attendance and members from a ModernGov site."

    def add_arguments(self, parser):
        today = datetime.date.today()
        parser.add_argument(
            "--url", required=True, help="the council's democracy site, e.g. https://democracy.example.gov.uk"
        )
        parser.add_argument(
            "--from",
            dest="from_date",
            default=str(today.replace(year=today.year - 1)),
            help="the first meeting date to import, YYYY-MM-DD (default: a year ago)",
        )
        parser.add_argument(
            "--to",
            dest="to_date",
            default=str(today.replace(year=today.year + 1)),
            help="the last meeting date to import, YYYY-MM-DD (default: a year ahead)",
        )

    def handle(self, *args, **options):
        from_date, to_date = iso_date(options["from_date"]), iso_date(options["to_date"])
        if to_date < from_date:
            raise CommandError("--to must not be before --from.")
        try:
            summary = import_site(options["url"], from_date=from_date, to_date=to_date)
        except ModernGovError as error:
            raise CommandError(
                "Nothing was imported, because:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from None
        AuditEvent.record(
            None, "democracy.import_moderngov", None, site=options["url"], created=summary.created,
            updated=summary.updated, command_line=True,
        )  # fmt: skip
        for line in summary.lines() or ["Nothing to import."]:
            self.stdout.write(line)
