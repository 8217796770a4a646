"""`fill_compact_answers`: write the compact copies of sent responses' closed answers that are missing.

    haveyoursay fill_compact_answers                       # every questionnaire
    haveyoursay fill_compact_answers strategic-plan-2022-26 carers-strategy

Analysis reads a response's closed answers from its compact copy when it has one that is
current, and from its answers otherwise (`surveys/compact.py`). Sending, correcting and
importing write the copies; run this after loading responses some other way (a bulk load, a
restore) or after upgrading, so that a large consultation is read quickly. Running it again
writes only what has changed since.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from haveyoursay.hub.models import Consultation
from haveyoursay.surveys.compact import fill_compact_answers
from haveyoursay.surveys.models import Questionnaire


class Command(BaseCommand):
    help = "Write the missing or stale compact copies of sent responses' closed answers, for faster analysis."

    def add_arguments(self, parser):
        parser.add_argument(
            "consultations", nargs="*", metavar="consultation",
            help="a consultation's slug, as in its web address (all consultations if none given)",
        )  # fmt: skip

    def handle(self, *args, consultations, verbosity, **options):
        questionnaires = Questionnaire.objects.select_related("consultation").order_by("pk")
        if consultations:
            found = set(Consultation.private_objects.filter(slug__in=consultations).values_list("slug", flat=True))
            unknown = [slug for slug in consultations if slug not in found]
            if unknown:
                raise CommandError(
                    f"No consultation has the address “{unknown[0]}”: check the slug in its web address."
                )
            questionnaires = questionnaires.filter(consultation__slug__in=consultations)
        for questionnaire in questionnaires:
            started = time.perf_counter()
            written = fill_compact_answers(questionnaire.pk)
            if verbosity:
                self.stdout.write(
                    f"{questionnaire.consultation.title}: {written:,} responses' answers copied "
                    f"in {time.perf_counter() - started:.1f} s"
                )
