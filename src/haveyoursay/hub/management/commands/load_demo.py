"""`load_demo`: load the demo consultations (see haveyoursay.hub.demo), their questionnaires
(haveyoursay.surveys.demo), synthetic responses to them (haveyoursay.surveys.demo_responses,
and for the Strategic Plan haveyoursay.surveys.demo_strategic_plan), the population tables to
compare respondents with (haveyoursay.analysis.demo), the democratic records
(haveyoursay.decisions.demo), the decision trail (haveyoursay.outcomes.demo) and the Strategic Plan's "We did"
(haveyoursay.outcomes.demo_we_did). Safe to run again."""

from django.core.management.base import BaseCommand

from haveyoursay.analysis.demo import load_demo_population_tables
from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.hub.demo import describe, load_demo
from haveyoursay.outcomes.demo import load_demo_trail
from haveyoursay.outcomes.demo_we_did import load_demo_we_did
from haveyoursay.surveys.demo import load_demo_questionnaires
from haveyoursay.surveys.demo_responses import load_demo_responses
from haveyoursay.surveys.demo_strategic_plan import load_demo_strategic_plan_survey


class Command(BaseCommand):
    help = (
        "Load the demo content: the consultations of Leicestershire County Council's "
        "'You said, we did' page (2022), with one open and one forthcoming, their questionnaires, "
        "synthetic (made-up, clearly labelled) responses to them, Census 2021 population figures, and the "
        "council's meetings, decisions and votes from its minutes, and the Strategic Plan's decision trail. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        questionnaires = load_demo_questionnaires()
        responses = sum(load_demo_responses().values())
        strategic_plan = load_demo_strategic_plan_survey()
        tables = load_demo_population_tables()
        meetings = load_demo_records()
        considered = load_demo_trail()
        entries = load_demo_we_did()
        self.stdout.write(
            f"Demo content loaded. {describe(summary)}; questionnaires: {questionnaires} created; "
            f"synthetic responses: {responses:,} created, and {strategic_plan} to the Strategic Plan survey; "
            f"population tables: {tables} created or updated; meetings: {meetings}; "
            f"meeting items linked to consultations: {considered}; “We did” entries: {entries} created."
        )
