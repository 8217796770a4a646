"""The API against its own OpenAPI description: schemathesis makes requests for every operation
from the description (valid ones, and ones that break its rules) and sends them through the
WSGI application in this process. No answer may be a server error, and every answer must be
what the description says (status, content type, headers, body). Derandomised, with a fixed
number of examples, so each run sends the same requests."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from haveyoursay.api.views import api
from haveyoursay.decisions.models import (
    AgendaDocument,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Organization,
    Person,
    Vote,
    VoteEvent,
)
from haveyoursay.outcomes.models import Consideration, WeDidEntry
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire
from tests.factories import make_consultation, make_document, make_topic

application = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))

EXAMPLES = 25


@pytest.fixture
def one_connection():
    """Requests through the WSGI application keep the test's database connection, as Django's
    test client does: closing it at the end of each request would end the test's transaction
    (on PostgreSQL; SQLite's in-memory database ignores the close)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def records(db, settings, one_connection):
    """A little of everything the API shows, from the council's own records: a closed consultation
    with its outcome and We did, an open one, the Cabinet meeting that decided, a recorded vote,
    an item taken in private, and an officer's delegated decision."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    plan = make_consultation(
        title="Strategic Plan (2022-26)", slug="strategic-plan-2022-2026", status="closed",
        you_said="There was a high level of support for the council's vision.",
        we_did="Each sub-outcome now includes how we will measure success.",
    )  # fmt: skip
    plan.topics.add(make_topic("Council and democracy"))
    make_document(plan, title="Draft Strategic Plan 2022-26")
    plan.publish_outcome()
    make_consultation(title="Net Zero Strategy and Action Plan 2045", slug="net-zero-2045")
    questionnaire = Questionnaire.objects.create(consultation=plan, privacy_notice="Stored in line with the law.")
    add_question(add_page(questionnaire, "Your views"), "long_text", "Why do you say this?", code="why")
    council = Organization.objects.create(name="Leicestershire County Council", classification="council")
    cabinet = Organization.objects.create(name="Cabinet", classification="executive", parent=council)
    rushton = Person.objects.create(name="Mr. N. J. Rushton CC", initials="N. J.", family_name="Rushton")
    breckon = Person.objects.create(name="Mr. L. Breckon JP CC", initials="L.", family_name="Breckon")
    officer = Person.objects.create(name="John Sinnott", family_name="Sinnott", kind="officer", role="Chief Executive")
    Membership.objects.create(person=rushton, organization=cabinet, role="chair", start_date=datetime.date(2021, 5, 1))
    Membership.objects.create(person=breckon, organization=cabinet, start_date=datetime.date(2021, 5, 1))
    meeting = Meeting.objects.create(
        organization=cabinet, starts_at=datetime.datetime(2022, 3, 29, 14, tzinfo=datetime.UTC), venue="County Hall"
    )
    next_month = timezone.now() + datetime.timedelta(days=30)
    Meeting.objects.create(organization=cabinet, starts_at=next_month, time_known=False)
    for person in (rushton, breckon):
        Attendance.objects.create(meeting=meeting, person=person, status=Attendance.Status.PRESENT)
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Strategic Plan (2022-26)")
    AgendaDocument.objects.create(
        item=item, title="Report of the Chief Executive", url="https://example.org/report.pdf"
    )
    decision = Decision.objects.create(
        item=item, decided_on=datetime.date(2022, 3, 29), outcome="approved", is_key_decision=True,
        text="The Cabinet noted the outcome of the consultation and approved the Strategic Plan.",
    )  # fmt: skip
    vote = VoteEvent.objects.create(item=item, motion_text="That the Strategic Plan be approved.", result="carried",
                                    for_count=2, against_count=0, is_named=True, moved_by=rushton)  # fmt: skip
    for person in (rushton, breckon):
        Vote.objects.create(vote_event=vote, person=person, option="for")
    secret = AgendaItem.objects.create(meeting=meeting, number=2, title="Acquisition of land", is_exempt=True,
                                       exemption_paragraph="Paragraph 3 of Part 1 of Schedule 12A")  # fmt: skip
    Decision.objects.create(item=secret, decided_on=datetime.date(2022, 3, 29), outcome="approved", text="Agreed.")
    Decision.objects.create(delegated_officer=officer, decided_on=datetime.date(2022, 4, 1), outcome="approved",
                            text="Agreed the final design of the Strategic Plan.")  # fmt: skip
    Consideration.objects.create(consultation=plan, item=item, stage=Consideration.Stage.DECISION)
    Consideration.objects.create(consultation=plan, item=secret, stage=Consideration.Stage.RESULTS)
    WeDidEntry.objects.create(consultation=plan, you_said="Concerns about housebuilding in greenfield areas.",
                              action="changed", we_did="The sub-outcome around housing was removed.",
                              decision=decision)  # fmt: skip
    return {"plan": plan, "meeting": meeting, "decision": decision, "cabinet": cabinet, "rushton": rushton}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)  # fmt: skip
def test_every_answer_matches_the_description_and_none_is_a_server_error(case, records):
    case.call_and_validate(app=application)


def test_the_records_that_exist_are_answered_as_described(records):
    """The generated ids and slugs seldom name a real record: each real one, checked the same way."""
    found = {
        ("/api/v1/consultations/{slug}", "slug"): [records["plan"].slug, "net-zero-2045"],
        ("/api/v1/meetings/{meeting_id}", "meeting_id"): [m.pk for m in Meeting.objects.all()],
        ("/api/v1/decisions/{decision_id}", "decision_id"): [d.pk for d in Decision.objects.all()],
        ("/api/v1/bodies/{slug}", "slug"): [o.slug for o in Organization.objects.all()],
        ("/api/v1/people/{slug}", "slug"): [p.slug for p in Person.objects.all()],
    }
    for (path, name), values in found.items():
        for value in values:
            case = schema[path]["GET"].Case(path_parameters={name: value})
            response = case.call_and_validate(app=application)
            assert response.status_code == 200, (path, value)
    for path in ("/api/v1/consultations", "/api/v1/meetings", "/api/v1/decisions", "/api/v1/bodies",
                 "/api/v1/people"):  # fmt: skip
        response = schema[path]["GET"].Case(query={"limit": 1}).call_and_validate(app=application)
        assert response.json()["results"], path
