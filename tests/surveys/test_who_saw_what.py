"""Every time a member of staff is shown a response (its answers, the respondent's name and
email) the audit log says who, when and which response: by its reference, never its contents."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import Response

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Priya Shah", "priya.shah@example.org"


def url(name, consultation, *args):
    return reverse(f"surveys_staff:{name}", args=[consultation.pk, *args])


def sent_response(questionnaire, **fields):
    response = Response.objects.create(
        questionnaire=questionnaire, respondent_name=NAME, email=EMAIL, contact_about_outcome=True, **fields
    )
    vision = next(q for q in questionnaire.ordered_questions() if q.code == "vision")
    submission.save_answers(response, {vision: {"choice": "tend_to_agree", "other": ""}})
    return submission.submit(response)


def views_of(response):
    return AuditEvent.objects.filter(action__startswith="response.view", object_id=str(response.pk))


def test_opening_a_response_is_recorded_with_its_reference_and_nothing_it_says(officer_client, officer, questionnaire):
    consultation = questionnaire.consultation
    response = sent_response(questionnaire)
    assert officer_client.get(url("response", consultation, response.pk)).status_code == 200
    (event,) = views_of(response)
    assert (event.user, event.action, event.object_repr) == (officer, "response.view", response.reference)
    assert event.consultation_pk == consultation.pk
    assert event.sentence == "Response opened by Olu Officer"
    recorded = repr((event.object_repr, event.detail))
    assert NAME not in recorded and EMAIL not in recorded and "tend_to_agree" not in recorded


def test_each_opening_is_recorded_by_one_insert_and_nothing_more(officer_client, questionnaire):
    consultation = questionnaire.consultation
    response = sent_response(questionnaire)
    officer_client.get(url("response", consultation, response.pk))
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get(url("response", consultation, response.pk)).status_code == 200
    audit = [q["sql"] for q in queries.captured_queries if "accounts_auditevent" in q["sql"]]
    assert len([sql for sql in audit if sql.startswith("INSERT")]) == 1
    assert views_of(response).count() == 2


def test_keyed_in_response_pages_are_recorded_as_seen(officer_client, officer, questionnaire):
    consultation = questionnaire.consultation
    response = Response.objects.create(
        questionnaire=questionnaire, channel="paper", entered_by=officer, respondent_name=NAME, email=EMAIL
    )
    for address in (
        url("response_enter_details", consultation, response.pk),
        url("response_enter_page", consultation, response.pk, 1),
        url("response_enter_check", consultation, response.pk),
    ):
        assert officer_client.get(address).status_code == 200
    assert [event.detail["page"] for event in views_of(response).order_by("pk")] == [
        "details", "section 1", "check answers",
    ]
    assert set(views_of(response).values_list("action", flat=True)) == {"response.view_keyed_in"}
    assert AuditEvent.objects.get(action="response.view_keyed_in", detail__page="details").sentence == (
        "Keyed-in response opened by Olu Officer"
    )


def test_pages_for_correcting_a_keyed_in_response_are_recorded_as_seen(officer_client, questionnaire):
    consultation = questionnaire.consultation
    response = sent_response(questionnaire, channel="paper")
    assert officer_client.get(url("response_correct_details", consultation, response.pk)).status_code == 200
    assert officer_client.get(url("response_correct_page", consultation, response.pk, 1)).status_code == 200
    assert sorted(views_of(response).values_list("detail__page", flat=True)) == [
        "correct details", "correct section 1",
    ]


def test_saving_a_page_is_not_also_recorded_as_seeing_it(officer_client, officer, questionnaire):
    consultation = questionnaire.consultation
    response = Response.objects.create(questionnaire=questionnaire, channel="paper", entered_by=officer)
    officer_client.post(url("response_enter_page", consultation, response.pk, 1), {"vision": "strongly_agree"})
    assert not views_of(response).exists()
    assert AuditEvent.objects.filter(action="response.entry_answers").count() == 1


def test_someone_refused_the_page_leaves_no_record_of_seeing_it(viewer_client, questionnaire):
    response = sent_response(questionnaire)
    assert viewer_client.get(url("response", questionnaire.consultation, response.pk)).status_code == 403
    assert not views_of(response).exists()


def test_downloading_contact_details_is_recorded_without_them(officer_client, officer, questionnaire):
    consultation = questionnaire.consultation
    sent_response(questionnaire)
    download = officer_client.post(url("responses_export_contact_details", consultation))
    assert EMAIL in b"".join(download.streaming_content).decode("utf-8-sig")
    event = AuditEvent.objects.get(action="responses.export_contact_details")
    assert (event.user, event.consultation_pk, event.detail["rows"]) == (officer, consultation.pk, 1)
    assert EMAIL not in repr(event.detail)
