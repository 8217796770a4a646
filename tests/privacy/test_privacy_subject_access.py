"""Finding everything held about a person across consultations, and the file they are sent."""

import pytest
from django.test import Client
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.surveys.models import EventNote, Questionnaire, Response, Stakeholder
from tests.factories import make_consultation
from tests.privacy.conftest import send

pytestmark = pytest.mark.django_db

SEARCH = reverse("privacy_staff:subject_access")
EXPORT = reverse("privacy_staff:subject_access_export")


@pytest.fixture
def held(carers):
    """Jo's paper response, a save-and-return address on another consultation, a mention, a note."""
    jo = send(carers, why="More respite breaks.", respondent_name="Jo Bloggs", email="Jo.Bloggs@example.org")
    other = make_consultation(title="Draft Net Zero Strategy", slug="net-zero")
    questionnaire = Questionnaire.objects.create(consultation=other, privacy_notice="Stored securely.")
    unsent = Response.objects.create(questionnaire=questionnaire, resume_email="jo.bloggs@example.org")
    mention = send(carers, why="Jo Bloggs from our group says the same.")
    note = EventNote.objects.create(
        consultation=carers.consultation, title="Carers group session", held_on=carers.consultation.closes_on,
        attendees=8, summary="Jo Bloggs asked about respite.",
    )
    Stakeholder.objects.create(consultation=carers.consultation, name="Bloggs Family Carers Group")
    return {"jo": jo, "unsent": unsent, "mention": mention, "note": note}


class TestSearching:
    def test_an_email_address_finds_their_responses_and_save_and_return_address_in_every_consultation(
        self, held, officer_client
    ):
        page = officer_client.post(SEARCH, {"kind": "email", "term": "jo.bloggs@EXAMPLE.org"})
        html = page.content.decode()
        assert page.status_code == 200
        assert held["jo"].reference in html and held["unsent"].reference in html
        assert "Responses (2)" in html

    def test_a_name_also_finds_comments_event_notes_and_stakeholder_records_that_mention_it(
        self, held, officer_client
    ):
        html = officer_client.post(SEARCH, {"kind": "name", "term": "Bloggs"}).content.decode()
        assert held["jo"].reference in html
        assert f"response {held['mention'].reference}" in html
        assert "Carers group session" in html and "Bloggs Family Carers Group" in html

    def test_a_reference_finds_its_response_however_it_is_typed(self, held, officer_client):
        typed = held["jo"].reference.replace("-", " ").lower()
        html = officer_client.post(SEARCH, {"kind": "reference", "term": typed}).content.decode()
        assert "Responses (1)" in html and held["jo"].reference in html

    def test_the_search_is_audited_with_a_hash_never_the_words_searched_for(self, held, officer_client):
        officer_client.post(SEARCH, {"kind": "email", "term": "jo.bloggs@example.org"})
        officer_client.post(SEARCH, {"kind": "email", "term": " JO.BLOGGS@example.org"})
        first, second = AuditEvent.objects.filter(action="subject_access.search").order_by("pk")
        assert "bloggs" not in str(first.detail).lower()
        assert first.detail["search_hash"] == second.detail["search_hash"] and first.detail["found"] == "2"
        assert first.sentence == "Search for the information held about a person by email address made by Olu Officer"

    def test_bad_input_is_explained_next_to_the_field_and_kept(self, officer_client):
        reply = officer_client.post(SEARCH, {"kind": "email", "term": "jo.bloggs at example"})
        html = reply.content.decode()
        assert reply.status_code == 400
        assert "Enter an email address in the correct format" in html and 'value="jo.bloggs at example"' in html
        assert "Select whether you are searching" in officer_client.post(SEARCH, {"term": "x"}).content.decode()

    def test_it_is_for_the_consultation_team_only(self, held, make_user):
        client = Client()
        client.force_login(make_user("analyst", groups=["Analyst"]))
        assert client.post(SEARCH, {"kind": "name", "term": "Bloggs"}).status_code == 403
        assert client.post(EXPORT, {"kind": "name", "term": "Bloggs"}).status_code == 403


class TestTheFile:
    def test_it_lists_each_response_with_its_questions_and_answers_in_words(self, held, officer_client):
        reply = officer_client.post(EXPORT, {"kind": "email", "term": "jo.bloggs@example.org"})
        assert reply["Content-Type"] == "text/html; charset=utf-8"
        assert reply["Content-Disposition"].startswith('attachment; filename="information-we-hold-')
        html = reply.content.decode()
        assert "The information Leicestershire County Council holds about you" in html
        assert "To what extent do you agree or disagree with the proposed vision?</th><td>Tend to agree" in html
        assert "Why do you say this?</th><td>More respite breaks." in html
        assert "Jo Bloggs" in html and "Draft Net Zero Strategy" in html and "never sent" in html

    def test_the_download_is_audited_without_the_search(self, held, officer_client):
        officer_client.post(EXPORT, {"kind": "name", "term": "Jo Bloggs"})
        event = AuditEvent.objects.get(action="subject_access.export")
        assert "Bloggs" not in str(event.detail) and event.detail["kind"] == "name"
        assert event.sentence == "Information held about a person, found by name, downloaded by Olu Officer"
