"""`load_demo`: load the demo consultations (see haveyoursay.hub.demo) and their
questionnaires (haveyoursay.surveys.demo). Safe to run again."""

from django.core.management.base import BaseCommand

from haveyoursay.hub.demo import describe, load_demo
from haveyoursay.surveys.demo import load_demo_questionnaires


class Command(BaseCommand):
    help = (
        "Load the demo content: the consultations of Leicestershire County Council's "
        "'You said, we did' page (2022), with one open and one forthcoming, and their questionnaires. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        questionnaires = load_demo_questionnaires()
        self.stdout.write(f"Demo content loaded. {describe(summary)}; questionnaires: {questionnaires} created.")
