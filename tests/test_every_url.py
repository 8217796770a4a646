"""Every page of the site, public and staff, opened by each kind of person: none may be a 500.

The URL conf is walked as Django resolves it, so a new page is visited the day it is added.
Each URL parameter is filled from real objects made for the test (`world`); a new URL whose
parameters no entry in `URL_PARAMETERS` (or the generic admin rule) can fill fails
`test_every_url_with_parameters_has_a_fixture`, naming the URL to add one for.

GET is tried everywhere; POST with empty data wherever the view accepts it, each request
in a savepoint rolled back afterwards, so a deleting POST leaves the world as it was for the
next page.
"""

import datetime
import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django_otp.plugins.otp_totp.models import TOTPDevice
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.analysis.models import Codeframe, Quote, Theme
from haveyoursay.decisions.models import AgendaItem, Attendance, Decision, Meeting, Organization, Person
from haveyoursay.hub.models import Area, Event
from haveyoursay.outcomes.models import ClosingDateChange, Consideration, WeDidEntry
from haveyoursay.outcomes import notify, subscriptions
from haveyoursay.reports import generating
from haveyoursay.surveys import submission
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import EventNote, ImportBatch, Questionnaire, Response, Stakeholder
from tests.factories import make_consultation, make_document, make_partner, make_topic

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def walk(resolver=None, prefix="", namespace=""):
    """(name, route) for every URL pattern, in the order Django tries them; name is
    "namespace:name", or the route itself for the few patterns without a name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if pattern.name and namespace else pattern.name
            yield name or route, route, list(pattern.pattern.regex.groupindex)


def fill(route, values):
    """The route with each <converter:name> or (?P<name>…) replaced by values[name]."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.lstrip("^").rstrip("$").replace("^", "")


class World:
    """One of each thing a URL can point at, made the way the site makes them."""

    def __init__(self, superuser, officer):
        self.superuser, self.officer = superuser, officer
        self.consultation = make_consultation(
            title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
            slug="carers-strategy",
            you_said="Carers asked for more respite breaks.",
        )
        self.consultation.partners.add(make_partner("Leicestershire County Council"))
        self.consultation.topics.add(make_topic("Health and social care"))
        self.consultation.areas.add(Area.objects.create(name="Charnwood"))
        self.document = make_document(self.consultation, name="carers-strategy.pdf")
        self.event = Event.objects.create(
            consultation=self.consultation, title="Carers group session", place="Loughborough Library",
            starts_at=self.consultation.created_at,
        )
        self.questionnaire = Questionnaire.objects.create(
            consultation=self.consultation,
            privacy_notice="Your responses will be stored in line with the Data Protection Act 2018.",
        )
        page = add_page(self.questionnaire, "The vision")
        self.page = page
        self.vision = add_question(
            page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision"
        )
        self.why = add_question(page, "long_text", "Why do you say this?", code="why_vision")
        self.response = Response.objects.create(questionnaire=self.questionnaire)
        agreed = {"choice": self.vision.options.first().value, "other": ""}
        submission.save_answers(self.response, {self.vision: agreed, self.why: {"text": "Respite breaks matter most."}})
        submission.submit(self.response)
        self.keyed_in = Response.objects.create(
            questionnaire=self.questionnaire, channel=Response.Channel.PAPER, entered_by=officer,
            received_on=self.consultation.opens_on,
        )
        saved = Response.objects.create(questionnaire=self.questionnaire)
        self.resume_token = submission.new_resume_link_token(saved)
        self.event_note = EventNote.objects.create(
            consultation=self.consultation, event=self.event, title="Carers group session",
            held_on=self.consultation.opens_on,
            attendees=12, summary="Carers spoke about respite.", entered_by=officer,
        )
        self.stakeholder = Stakeholder.objects.create(consultation=self.consultation, name="Healthwatch Leicestershire")
        self.batch = ImportBatch.objects.create(
            questionnaire=self.questionnaire, file_name="responses.csv", file_sha256="0" * 64, imported_by=officer
        )
        # An import that stopped part-way an hour ago, to resume or discard.
        self.unfinished_batch = ImportBatch.objects.create(
            questionnaire=self.questionnaire, file_name="more-responses.csv", file_sha256="1" * 64,
            imported_by=officer, state=ImportBatch.State.IMPORTING, rows_to_write=40,
        )
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ImportBatch.objects.filter(pk=self.unfinished_batch.pk).update(imported_at=an_hour_ago)
        self.codeframe = Codeframe.objects.create(question=self.why)
        self.theme = Theme.objects.create(codeframe=self.codeframe, label="Respite breaks", origin=Theme.Origin.PERSON)
        answer = self.response.answers.get(question=self.why)
        self.quote = Quote.objects.create(theme=self.theme, answer=answer, text=answer.value["text"])
        self.body = Organization.objects.create(name="Cabinet", classification="executive")
        self.member = Person.objects.create(name="Mr. N. J. Rushton CC", initials="N. J.", family_name="Rushton")
        self.meeting = Meeting.objects.create(
            organization=self.body, starts_at=datetime.datetime(2022, 3, 29, 14, tzinfo=datetime.UTC)
        )
        Attendance.objects.create(meeting=self.meeting, person=self.member, status=Attendance.Status.PRESENT)
        self.item = AgendaItem.objects.create(meeting=self.meeting, number=1, title="Strategic Plan (2022-26)")
        self.consideration = Consideration.objects.create(
            consultation=self.consultation, item=self.item, stage=Consideration.Stage.DECISION
        )
        ClosingDateChange.objects.create(
            consultation=self.consultation, closes_on=self.consultation.closes_on,
            previous_closes_on=self.consultation.closes_on - datetime.timedelta(days=7),
            reason="To enable further direct engagement.",
        )  # fmt: skip
        self.decision = Decision.objects.create(
            item=self.item, decided_on=datetime.date(2022, 3, 29), outcome=Decision.Outcome.APPROVED,
            text="The Cabinet noted the outcome of the consultation and approved the Strategic Plan.",
        )
        self.entry = WeDidEntry.objects.create(
            consultation=self.consultation, you_said="Carers asked for more respite breaks.",
            action=WeDidEntry.Action.CHANGED, we_did="Respite breaks are a priority.", decision=self.decision,
            question=self.vision,
        )
        self.entry.options.set(self.vision.options.all()[:2])
        self.follower, _ = subscriptions.follow("jo.bloggs@example.org", body=self.body)
        # What the sign-in limits and two-factor sign-in keep, so that their admin pages open too.
        AccessAttempt.objects.create(username="mistyped", ip_address="192.0.2.1", failures_since_start=1)
        AccessLog.objects.create(username="mistyped", ip_address="192.0.2.1")
        AccessFailureLog.objects.create(username="mistyped", ip_address="192.0.2.1")
        self.device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
        self.job = generating.start_report(self.consultation, officer)
        AuditEvent.record(officer, "consultation.publish", self.consultation)

    def import_token(self, client):
        """An upload this client's session has made, as the import pages expect."""
        upload = io.BytesIO(b"Reference,Why do you say this?\nR1,Respite breaks matter most.\n")
        upload.name = "responses.csv"
        url = fill("staff/consultations/<int:pk>/import/", {"pk": self.consultation.pk})
        location = client.post(url, {"file": upload})["Location"]
        return location.rstrip("/").split("/")[-2]


def consultation(world, client):
    return {"pk": world.consultation.pk}


def public(world, client):
    return {"slug": world.consultation.slug}


def question(world, client):
    return {"pk": world.consultation.pk, "code": world.why.code}


def theme(world, client):
    return {**question(world, client), "theme_pk": world.theme.pk}


def response(world, client):
    return {"pk": world.consultation.pk, "response_pk": world.keyed_in.pk}


def import_upload(world, client):
    return {"pk": world.consultation.pk, "token": world.import_token(client)}


# How to fill each URL's parameters, by URL name. The Django admin's object pages are filled
# by `admin_parameters` below.
URL_PARAMETERS = {
    "hub:consultation": public,
    "hub:document": lambda w, c: {"pk": w.document.pk, "name": w.document.download_name},
    "surveys:start": public,
    "surveys:page": lambda w, c: {**public(w, c), "number": 1},
    "surveys:check": public,
    "surveys:declaration": public,
    "surveys:confirmation": public,
    "surveys:saved": public,
    "surveys:resume": public,
    "surveys:resume_link": lambda w, c: {"token": w.resume_token},
    "reports:report": public,
    "reports:download": lambda w, c: {**public(w, c), "fmt": "pdf"},
    "reports:open_data": lambda w, c: {**public(w, c), "filename": "responses.csv"},
    "privacy_staff:consultation_retention": consultation,
    "privacy_staff:erase_response": response,
    "staff:consultation": consultation,
    "staff:consultation_edit": consultation,
    "staff:consultation_preview": consultation,
    "staff:publish": consultation,
    "staff:schedule": consultation,
    "staff:unpublish": consultation,
    "staff:publish_outcome": consultation,
    "staff:withdraw_outcome": consultation,
    "staff:outcome": consultation,
    "staff:we_did_new": consultation,
    "staff:we_did_edit": lambda w, c: {"pk": w.consultation.pk, "entry_pk": w.entry.pk},
    "staff:we_did_delete": lambda w, c: {"pk": w.consultation.pk, "entry_pk": w.entry.pk},
    "staff:we_did_move": lambda w, c: {"pk": w.consultation.pk, "entry_pk": w.entry.pk},
    "staff:document_new": consultation,
    "staff:document_edit": lambda w, c: {"pk": w.consultation.pk, "document_pk": w.document.pk},
    "staff:document_delete": lambda w, c: {"pk": w.consultation.pk, "item_pk": w.document.pk},
    "staff:event_new": consultation,
    "staff:event_edit": lambda w, c: {"pk": w.consultation.pk, "event_pk": w.event.pk},
    "staff:event_delete": lambda w, c: {"pk": w.consultation.pk, "item_pk": w.event.pk},
    "surveys_staff:questionnaire": consultation,
    "surveys_staff:questionnaire_edit": consultation,
    "surveys_staff:about_you": consultation,
    "surveys_staff:preview": lambda w, c: {"pk": w.consultation.pk, "number": 1},
    "surveys_staff:page_new": consultation,
    "surveys_staff:page_edit": lambda w, c: {"pk": w.consultation.pk, "page_pk": w.page.pk},
    "surveys_staff:page_move": lambda w, c: {"pk": w.consultation.pk, "page_pk": w.page.pk},
    "surveys_staff:page_delete": lambda w, c: {"pk": w.consultation.pk, "page_pk": w.page.pk},
    "surveys_staff:question_new": lambda w, c: {"pk": w.consultation.pk, "page_pk": w.page.pk},
    "surveys_staff:question_edit": lambda w, c: {"pk": w.consultation.pk, "question_pk": w.why.pk},
    "surveys_staff:question_move": lambda w, c: {"pk": w.consultation.pk, "question_pk": w.why.pk},
    "surveys_staff:question_delete": lambda w, c: {"pk": w.consultation.pk, "question_pk": w.why.pk},
    "surveys_staff:responses": consultation,
    "surveys_staff:response_new": consultation,
    "surveys_staff:responses_export": consultation,
    "surveys_staff:responses_export_contact_details": consultation,
    "surveys_staff:response": lambda w, c: {"pk": w.consultation.pk, "response_pk": w.response.pk},
    "surveys_staff:response_stakeholder": lambda w, c: {"pk": w.consultation.pk, "response_pk": w.response.pk},
    "surveys_staff:response_enter_details": response,
    "surveys_staff:response_enter_page": lambda w, c: {**response(w, c), "number": 1},
    "surveys_staff:response_enter_check": response,
    "surveys_staff:response_correct_details": response,
    "surveys_staff:response_correct_page": lambda w, c: {**response(w, c), "number": 1},
    "surveys_staff:response_mark": lambda w, c: {"pk": w.consultation.pk, "response_pk": w.response.pk},
    "surveys_staff:response_unmark": lambda w, c: {"pk": w.consultation.pk, "response_pk": w.response.pk},
    "surveys_staff:import_undo": lambda w, c: {"pk": w.consultation.pk, "batch_pk": w.batch.pk},
    "admin:otp_totp_totpdevice_config": lambda w, c: {"pk": w.device.pk},
    "admin:otp_totp_totpdevice_qrcode": lambda w, c: {"pk": w.device.pk},
    "accounts_staff:person": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:deactivate": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:reactivate": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:unlock": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:invite_again": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:reset_two_factor": lambda w, c: {"pk": w.officer.pk},
    "accounts_staff:set_password": lambda w, c: {"uidb64": "MQ", "token": "set-password"},
    "surveys_staff:event_notes": consultation,
    "surveys_staff:event_note_new": consultation,
    "surveys_staff:event_note_edit": lambda w, c: {"pk": w.consultation.pk, "note_pk": w.event_note.pk},
    "surveys_staff:event_note_delete": lambda w, c: {"pk": w.consultation.pk, "note_pk": w.event_note.pk},
    "surveys_staff:stakeholders": consultation,
    "surveys_staff:stakeholder_new": consultation,
    "surveys_staff:stakeholder_edit": lambda w, c: {"pk": w.consultation.pk, "stakeholder_pk": w.stakeholder.pk},
    "surveys_staff:stakeholder_delete": lambda w, c: {"pk": w.consultation.pk, "stakeholder_pk": w.stakeholder.pk},
    "surveys_staff:import_upload": consultation,
    "surveys_staff:import_template": consultation,
    "surveys_staff:import_mapping": import_upload,
    "surveys_staff:import_check": import_upload,
    "surveys_staff:import_run": import_upload,
    "surveys_staff:import_done": lambda w, c: {"pk": w.consultation.pk, "batch_pk": w.batch.pk},
    "surveys_staff:import_resume": lambda w, c: {"pk": w.consultation.pk, "batch_pk": w.unfinished_batch.pk},
    "surveys_staff:import_discard": lambda w, c: {"pk": w.consultation.pk, "batch_pk": w.unfinished_batch.pk},
    "reports_staff:report": consultation,
    "reports_staff:regenerate": consultation,
    "reports_staff:publish": consultation,
    "reports_staff:unpublish": consultation,
    "reports_staff:download": lambda w, c: {"pk": w.consultation.pk, "audience": "staff", "fmt": "pdf"},
    "reports_staff:open_data": lambda w, c: {"pk": w.consultation.pk, "filename": "responses.csv"},
    "analysis_staff:comments": question,
    "analysis_staff:theme_questions": consultation,
    "analysis_staff:codeframe": question,
    "analysis_staff:suggest_themes": question,
    "analysis_staff:apply_themes": question,
    "analysis_staff:decide_proposal": question,
    "analysis_staff:add_theme": question,
    "analysis_staff:merge_themes": question,
    "analysis_staff:code_next": question,
    "analysis_staff:review_queue": question,
    "analysis_staff:agreement": question,
    "analysis_staff:quotes": question,
    "analysis_staff:stance": question,
    "analysis_staff:decide_quote": lambda w, c: {**question(w, c), "quote_pk": w.quote.pk},
    "analysis_staff:theme": theme,
    "analysis_staff:split_theme": theme,
    "analysis_staff:delete_theme": theme,
    "analysis_staff:move_answers": theme,
    "jobs_staff:job": lambda w, c: {"pk": w.job.pk},
    "decisions:meeting": lambda w, c: {"pk": w.meeting.pk},
    "decisions:body": lambda w, c: {"slug": w.body.slug},
    "decisions:body_calendar": lambda w, c: {"slug": w.body.slug},
    "decisions:member": lambda w, c: {"slug": w.member.slug},
    "decisions_staff:meeting": lambda w, c: {"pk": w.meeting.pk},
    "decisions_staff:recorded_vote": lambda w, c: {"item_pk": w.item.pk},
    "decisions_staff:records": lambda w, c: {"kind": "meetings"},
    "decisions_staff:record_new": lambda w, c: {"kind": "items"},
    "decisions_staff:record": lambda w, c: {"kind": "items", "pk": w.item.pk},
    "decisions_staff:record_edit": lambda w, c: {"kind": "items", "pk": w.item.pk},
    "decisions_staff:record_delete": lambda w, c: {"kind": "items", "pk": w.item.pk},
    "jobs_staff:consultation_jobs": consultation,
    "record_staff:record": consultation,
    "record_staff:record_pdf": consultation,
    "outcomes:topic_closing_dates": lambda w, c: {"slug": w.consultation.topics.first().slug},
    "outcomes:topic_feed": lambda w, c: {"slug": w.consultation.topics.first().slug},
    "outcomes_staff:find_meeting": consultation,
    "outcomes_staff:link_item": lambda w, c: {"pk": w.consultation.pk, "meeting_pk": w.meeting.pk},
    "outcomes_staff:change_link": lambda w, c: {"pk": w.consultation.pk, "consideration_pk": w.consideration.pk},
    "outcomes_staff:unlink_item": lambda w, c: {"pk": w.consultation.pk, "consideration_pk": w.consideration.pk},
    "outcomes:follow_consultation": public,
    "outcomes:follow_body": lambda w, c: {"slug": w.body.slug},
    "outcomes:confirm": lambda w, c: {
        "token": subscriptions.confirmation_token("jo.bloggs@example.org", consultation=w.consultation)
    },
    "outcomes:unsubscribe": lambda w, c: {"token": notify.unsubscribe_token(follower=w.follower)},
    "outcomes_staff:outcome_emails": consultation,
    "outcomes_staff:retry_outcome_emails": consultation,
    "api:consultation": public,
    "api:body": lambda w, c: {"slug": w.body.slug},
    "api:person": lambda w, c: {"slug": w.member.slug},
    "api:meeting": lambda w, c: {"meeting_id": w.meeting.pk},
    "api:decision": lambda w, c: {"decision_id": w.decision.pk},
}

# Pages after which the person is signed in again, so the walk carries on as them.
SIGNING_OUT = {"staff:logout", "admin:logout"}

ADMIN_MODEL_PAGE = re.compile(r"^django-admin/(\w+)/(\w+)/")


def admin_parameters(name, route, parameters, world):
    """The admin's object pages, filled with an object of their model; None if not one."""
    if not route.startswith("django-admin/"):
        return None
    if set(parameters) == {"app_label"}:
        return {"app_label": "hub"}
    if set(parameters) == {"url"}:
        return {"url": "no-such-page/"}
    if set(parameters) == {"content_type_id", "object_id"}:
        return {
            "content_type_id": ContentType.objects.get_for_model(world.consultation).pk,
            "object_id": world.consultation.pk,
        }
    match = ADMIN_MODEL_PAGE.match(route)
    if match and set(parameters) in ({"object_id"}, {"id"}):
        model = apps.get_model(*match.groups())
        first = model._default_manager.order_by("pk").first()
        if first is None:
            raise AssertionError(f"Make a {model.__name__} in World so the admin page {name} ({route}) can be opened")
        return {parameters[0]: first.pk}
    return None


def every_url():
    return list(walk())


def test_every_url_with_parameters_has_a_fixture():
    missing = [
        f"{name} ({route})"
        for name, route, parameters in every_url()
        if parameters and name not in URL_PARAMETERS and not route.startswith("django-admin/")
    ]
    assert not missing, (
        "These URLs have parameters the page-by-page test cannot fill. Add a fixture for each to "
        "URL_PARAMETERS in tests/test_every_url.py: " + "; ".join(missing)
    )


def test_every_fixture_is_for_a_url_that_exists():
    names = {name for name, _, _ in every_url()}
    assert not set(URL_PARAMETERS) - names, f"No such URL: {sorted(set(URL_PARAMETERS) - names)}"


@pytest.fixture
def world(make_user, settings, django_capture_on_commit_callbacks):
    superuser = make_user("root", is_staff=True, is_superuser=True, first_name="Sam", last_name="Root")
    officer = make_user("officer", groups=["Consultation team"], first_name="Olu", last_name="Officer", is_staff=True)
    settings.TASKS = DATABASE_TASKS  # queued, never run here: the admin's task results get a row
    with django_capture_on_commit_callbacks(execute=True):
        made = World(superuser, officer)
    return made


@pytest.mark.parametrize("persona", ["superuser", "officer", "public"])
def test_no_page_is_a_server_error(persona, world):
    client = Client(raise_request_exception=False)
    if persona != "public":
        client.force_login(world.superuser if persona == "superuser" else world.officer)
    failures, visited = [], 0
    for name, route, parameters in every_url():
        if parameters:
            values = admin_parameters(name, route, parameters, world)
            if values is None:
                values = URL_PARAMETERS[name](world, client)
        else:
            values = {}
        url = fill(route, values)
        for method in ("get", "post"):
            with transaction.atomic():
                response = getattr(client, method)(url, {})
                transaction.set_rollback(True)
            visited += 1
            if response.status_code >= 500:
                failures.append(f"{method.upper()} {url} ({name}): {response.status_code}")
            if persona != "public" and name in SIGNING_OUT:
                client.force_login(world.superuser if persona == "superuser" else world.officer)
    assert visited > 300
    assert not failures, f"As {persona}:\n" + "\n".join(failures)
