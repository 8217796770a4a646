"""Erasing one person's response at their request: anonymised or deleted, never counted again,
the effect on a published report said before it is done, and audited without their details."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.analysis.models import Codeframe, Quote, Theme
from haveyoursay.reports.models import EngagementReport, Publication
from haveyoursay.surveys.models import Answer, Response
from tests.privacy.conftest import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def jo(carers):
    return send(
        carers, why="My husband Tom cares for me. Email jo.bloggs@example.org.", other="Ask at Age UK",
        respondent_name="Jo Bloggs", email="jo.bloggs@example.org", contact_about_outcome=True,
    )


def erase_url(response):
    return reverse("privacy_staff:erase_response", args=[response.questionnaire.consultation_id, response.pk])


def publish_report(consultation, generated_at):
    EngagementReport.objects.create(
        consultation=consultation, audience="public", html="<p>Report</p>", response_count=1,
        data_fingerprint="0" * 32, generated_at=generated_at,
    )
    return Publication.objects.create(consultation=consultation)


class TestAnonymising:
    def test_it_removes_their_details_and_words_keeps_closed_answers_and_stops_counting_it(
        self, carers, jo, officer_client
    ):
        reply = officer_client.post(erase_url(jo), {"how": "anonymise", "request_reference": "IG-2024-117"})
        assert reply.status_code == 302
        jo.refresh_from_db()
        assert (jo.respondent_name, jo.email, jo.contact_about_outcome) == ("", "", False)
        assert jo.excluded_as == Response.Exclusion.ERASED and jo.status() == "Erased"
        assert not Response.objects.counted().filter(pk=jo.pk).exists()
        values = {a.question.code: a.value for a in Answer.objects.filter(response=jo).select_related("question")}
        assert values == {
            "vision": {"choice": "tend_to_agree", "other": ""},
            "why_vision": {"text": Answer.REMOVED_TEXT},
            "find_out": {"choices": ["other"], "other": Answer.REMOVED_TEXT},
        }

    def test_quotes_of_their_words_are_removed(self, carers, jo, officer_client):
        codeframe = Codeframe.objects.create(question=carers.ordered_questions().get(code="why_vision"))
        theme = Theme.objects.create(codeframe=codeframe, label="Carers", origin=Theme.Origin.PERSON)
        Quote.objects.create(theme=theme, answer=Answer.objects.get(response=jo, question__code="why_vision"),
                             text="My husband [name] cares for me.")
        officer_client.post(erase_url(jo), {"how": "anonymise"})
        assert not Quote.objects.exists()

    def test_it_is_audited_without_their_details(self, jo, officer_client):
        officer_client.post(erase_url(jo), {"how": "anonymise", "request_reference": "IG-2024-117"})
        event = AuditEvent.objects.get(action="response.erase_anonymise")
        assert event.sentence == f"Response {jo.reference} anonymised at the respondent's request by Olu Officer"
        assert event.detail["request_reference"] == "IG-2024-117"
        assert "Bloggs" not in str(event.detail) and "example.org" not in str(event.detail)
        assert "Tom" not in str(event.detail)

    def test_an_erased_response_cannot_be_counted_again(self, jo, officer_client):
        officer_client.post(erase_url(jo), {"how": "anonymise"})
        unmark = reverse("surveys_staff:response_unmark", args=[jo.questionnaire.consultation_id, jo.pk])
        officer_client.post(unmark)
        jo.refresh_from_db()
        assert jo.excluded_as == Response.Exclusion.ERASED
        page = officer_client.get(reverse("surveys_staff:response", args=[jo.questionnaire.consultation_id, jo.pk]))
        assert "Count it again" not in page.content.decode() and "Erased at the respondent" in page.content.decode()


class TestDeleting:
    def test_it_deletes_the_response_and_every_answer(self, jo, officer_client):
        reply = officer_client.post(erase_url(jo), {"how": "delete"})
        assert reply.status_code == 302
        assert not Response.objects.filter(pk=jo.pk).exists() and not Answer.objects.filter(response_id=jo.pk).exists()
        event = AuditEvent.objects.get(action="response.erase_delete")
        assert event.sentence == f"Response {jo.reference} deleted at the respondent's request by Olu Officer"
        assert "Bloggs" not in str(event.detail)


class TestTheConfirmationPage:
    def test_it_says_published_figures_are_not_rewritten_when_the_report_counted_it(self, carers, jo, officer_client):
        publish_report(carers.consultation, timezone.now())
        html = officer_client.get(erase_url(jo)).content.decode()
        assert "This response was counted in the engagement report published on" in html
        assert "The published figures are not rewritten" in html and "The next time the report is made" in html
        assert "Name" in html and "Email address (for the outcome)" in html

    def test_it_says_no_report_is_published_when_none_is(self, jo, officer_client):
        html = officer_client.get(erase_url(jo)).content.decode()
        assert "No engagement report on this consultation has been published" in html

    def test_choosing_nothing_is_an_error_and_keeps_the_reference_typed(self, jo, officer_client):
        reply = officer_client.post(erase_url(jo), {"request_reference": "IG-2024-117"})
        assert reply.status_code == 400
        html = reply.content.decode()
        assert "Select whether to anonymise the response or delete it completely" in html
        assert 'value="IG-2024-117"' in html
        jo.refresh_from_db()
        assert jo.email == "jo.bloggs@example.org"

    def test_an_email_address_is_refused_as_the_requests_reference(self, jo, officer_client):
        reply = officer_client.post(erase_url(jo), {"how": "delete", "request_reference": "jo.bloggs@example.org"})
        assert reply.status_code == 400 and Response.objects.filter(pk=jo.pk).exists()

    def test_the_response_page_links_to_it_for_the_team_only(self, jo, officer_client, make_user):
        url = reverse("surveys_staff:response", args=[jo.questionnaire.consultation_id, jo.pk])
        assert erase_url(jo) in officer_client.get(url).content.decode()
        analyst = Client()
        analyst.force_login(make_user("analyst", groups=["Analyst"]))
        assert erase_url(jo) not in analyst.get(url).content.decode()
        assert analyst.post(erase_url(jo), {"how": "delete"}).status_code == 403
        assert Response.objects.filter(pk=jo.pk).exists()


def test_the_staff_download_names_an_erased_response_as_such(carers, jo, officer_client):
    officer_client.post(erase_url(jo), {"how": "anonymise"})
    export = officer_client.get(reverse("surveys_staff:responses_export", args=[carers.consultation_id]))
    rows = b"".join(export.streaming_content).decode().splitlines()
    row = next(line for line in rows if jo.reference in line)
    assert ",erased," in row and "Bloggs" not in row
