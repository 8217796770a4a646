"""The raw response download: stable columns, safe cells, no personal data, and a record of
every download."""

import csv
import datetime
import io

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation
from haveyoursay.surveys import submission
from haveyoursay.surveys.exports import ResponseExporter, csv_chunks, safe_cell
from haveyoursay.surveys.models import Response, Stakeholder
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

FIXED_COLUMNS = [
    "reference", "channel", "submitted_at", "received_on", "respondent_kind", "organisation_name",
    "organisation_role", "stakeholder", "publication", "synthetic", "status", "duplicate_of",
]
ANSWER_COLUMNS = [
    "vision", "why_vision",
    "priorities_identification", "priorities_valued", "priorities_young_carers",
    "change_vision",
    "find_out_gp_surgery", "find_out_council_website", "find_out_friends_and_family", "find_out_other",
    "find_out_other_text",
    "anything_else",
]


def sent(questionnaire, answers, **fields):
    """A response with `answers` ({code: value}) sent through the site's own functions."""
    response = Response.objects.create(questionnaire=questionnaire, **fields)
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    submission.save_answers(response, {questions[code]: value for code, value in answers.items()})
    return submission.submit(response)


def agree(choice="tend_to_agree"):
    return {"choice": choice, "other": ""}


def export_url(consultation, contact=False):
    name = "responses_export_contact_details" if contact else "responses_export"
    return reverse(f"surveys_staff:{name}", args=[consultation.pk])


def read(download):
    assert isinstance(download, StreamingHttpResponse)
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark, so Excel reads the accents right
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def as_dicts(rows):
    header, *data = rows
    return [dict(zip(header, row, strict=True)) for row in data]


@pytest.fixture
def consultation(questionnaire):
    return questionnaire.consultation


@pytest.fixture
def analyst_client(make_user):
    client = Client()
    client.force_login(make_user("analyst", groups=["Analyst"], is_staff=True))
    return client


class TestColumns:
    def test_the_columns_are_the_same_whatever_routing_did(self, officer_client, questionnaire, consultation):
        agreed = sent(questionnaire, {"vision": agree("strongly_agree")})
        disagreed = sent(
            questionnaire,
            {"vision": agree("strongly_disagree"), "change_vision": {"text": "Name young carers first."}},
        )
        rows = read(officer_client.get(export_url(consultation)))
        assert rows[0] == FIXED_COLUMNS + ANSWER_COLUMNS
        assert all(len(row) == len(rows[0]) for row in rows)
        by_reference = {row["reference"]: row for row in as_dicts(rows)}
        # Routed past the concerns page: an empty cell, not a missing column.
        assert by_reference[agreed.reference]["change_vision"] == ""
        assert by_reference[disagreed.reference]["change_vision"] == "Name young carers first."
        assert by_reference[agreed.reference]["vision"] == "Strongly agree"

    def test_a_question_nobody_was_routed_to_is_an_empty_column(self, questionnaire):
        sent(questionnaire, {"vision": agree()})
        exporter = ResponseExporter(questionnaire)
        rows = list(exporter.rows())
        column = rows[0].index("change_vision")
        assert [row[column] for row in rows[1:]] == [""]

    def test_each_question_type_gives_its_own_columns(self, officer_client, questionnaire, consultation):
        sent(questionnaire, {
            "vision": agree(),
            "priorities": {"rows": {"identification": "very_important", "young_carers": "fairly_important"}},
            "find_out": {"choices": ["gp_surgery", "other"], "other": "Carers' centre"},
        })
        row = as_dicts(read(officer_client.get(export_url(consultation))))[0]
        assert row["priorities_identification"] == "Very important"
        assert row["priorities_valued"] == ""
        assert row["priorities_young_carers"] == "Fairly important"
        assert (row["find_out_gp_surgery"], row["find_out_council_website"], row["find_out_other"]) == ("1", "0", "1")
        assert row["find_out_other_text"] == "Carers' centre"

    def test_the_fixed_columns(self, officer_client, questionnaire, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        response = sent(
            questionnaire, {"vision": agree()}, channel=Response.Channel.PAPER, received_on=datetime.date(2022, 7, 30),
            respondent_kind="organisation", organisation_name="Leicestershire Police",
            organisation_role="Chief Inspector", stakeholder=police, publication="anonymous",
        )
        Response.objects.filter(pk=response.pk).update(
            submitted_at=datetime.datetime(2022, 7, 31, 22, 30, tzinfo=datetime.UTC)
        )
        row = as_dicts(read(officer_client.get(export_url(consultation))))[0]
        assert {name: row[name] for name in FIXED_COLUMNS} == {
            "reference": response.reference, "channel": "paper",
            "submitted_at": "2022-07-31T23:30:00+01:00",  # British Summer Time
            "received_on": "2022-07-30", "respondent_kind": "organisation",
            "organisation_name": "Leicestershire Police", "organisation_role": "Chief Inspector",
            "stakeholder": "Leicestershire Police", "publication": "anonymous", "synthetic": "no",
            "status": "counted", "duplicate_of": "",
        }

    def test_only_sent_responses_are_exported(self, officer_client, questionnaire, consultation):
        sent(questionnaire, {"vision": agree()})
        Response.objects.create(questionnaire=questionnaire)
        other = make_consultation()
        assert len(read(officer_client.get(export_url(consultation)))) == 2
        assert officer_client.get(export_url(other)).status_code == 404  # no questionnaire


    def test_the_queries_do_not_grow_with_the_responses(self, officer_client, questionnaire, consultation,
                                                         django_assert_max_num_queries):
        sent(questionnaire, {"vision": agree()})
        with django_assert_max_num_queries(30) as few:
            read(officer_client.get(export_url(consultation)))
        for _ in range(20):
            sent(questionnaire, {"vision": agree(), "find_out": {"choices": ["gp_surgery"], "other": ""}})
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(read(officer_client.get(export_url(consultation)))) == 22


class TestSafety:
    @pytest.mark.parametrize("text, expected", [
        ("=HYPERLINK(\"http://evil.example\",\"Click\")", "'=HYPERLINK(\"http://evil.example\",\"Click\")"),
        ("+44 116 305 6803", "'+44 116 305 6803"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("Carers need recognising.", "Carers need recognising."),
        ("", ""),
        (None, ""),
    ])
    def test_formula_like_cells_are_escaped(self, text, expected):
        assert safe_cell(text) == expected

    def test_answers_that_look_like_formulas_reach_the_file_escaped(self, officer_client, questionnaire, consultation):
        sent(
            questionnaire, {"vision": agree(), "why_vision": {"text": "=cmd|'/C calc'!A0"}},
            respondent_kind="organisation", organisation_name="@Carers Trust",
        )
        row = as_dicts(read(officer_client.get(export_url(consultation))))[0]
        assert row["why_vision"] == "'=cmd|'/C calc'!A0"
        assert row["organisation_name"] == "'@Carers Trust"

    def test_accents_and_other_scripts_survive(self, officer_client, questionnaire, consultation):
        sent(questionnaire, {"vision": agree(), "why_vision": {"text": "Café – ਮਦਦ, “quoted”\nsecond line"}})
        row = as_dicts(read(officer_client.get(export_url(consultation))))[0]
        assert row["why_vision"] == "Café – ਮਦਦ, “quoted”\nsecond line"

    def test_csv_chunks_are_bytes_a_line_at_a_time(self):
        chunks = list(csv_chunks([["a", "=b"], ["c", "d"]]))
        assert chunks == ["\ufeff".encode(), b"a,'=b\r\n", b"c,d\r\n"]


class TestPersonalData:
    def make(self, questionnaire):
        return sent(
            questionnaire, {"vision": agree()}, respondent_name="Jane Carer", email="jane.carer@example.org",
            contact_about_outcome=True, publication="name",
        )

    def test_names_and_email_addresses_are_left_out(self, officer_client, questionnaire, consultation):
        self.make(questionnaire)
        download = officer_client.get(export_url(consultation))
        body = b"".join(download.streaming_content).decode("utf-8-sig")
        assert "Jane Carer" not in body and "jane.carer@example.org" not in body
        assert "email" not in body.splitlines()[0] and "respondent_name" not in body.splitlines()[0]

    def test_the_contact_details_variant_asks_first_then_includes_them(self, officer_client, officer, questionnaire,
                                                                      consultation):
        self.make(questionnaire)
        confirm = officer_client.get(export_url(consultation, contact=True))
        assert confirm.status_code == 200 and "It holds personal data" in confirm.content.decode()
        assert not AuditEvent.objects.filter(action__startswith="responses.export").exists()
        row = as_dicts(read(officer_client.post(export_url(consultation, contact=True))))[0]
        assert (row["respondent_name"], row["email"], row["contact_about_outcome"]) == (
            "Jane Carer", "jane.carer@example.org", "yes",
        )
        event = AuditEvent.objects.get()
        assert (event.action, event.user, event.detail) == (
            "responses.export_contact_details", officer, {"rows": 1, "format": "csv"},
        )


class TestWhoMayDownload:
    def test_officer_and_analyst_may(self, officer_client, analyst_client, questionnaire, consultation):
        for client in (officer_client, analyst_client):
            download = client.get(export_url(consultation))
            assert download.status_code == 200
            assert download["Content-Type"] == "text/csv; charset=utf-8"
            assert download["Content-Disposition"].startswith('attachment; filename="carers-strategy-responses-')
            assert download["Cache-Control"] == "private, no-store"
            read(download)

    def test_an_analyst_gets_the_anonymised_responses_but_not_names_and_emails(
        self, analyst_client, questionnaire, consultation
    ):
        sent(
            questionnaire, {"vision": agree()},
            respondent_name="Jane Carer", email="jane.carer@example.org", contact_about_outcome=True,
        )
        assert analyst_client.get(export_url(consultation)).status_code == 200
        assert analyst_client.get(export_url(consultation, contact=True)).status_code == 403
        assert analyst_client.post(export_url(consultation, contact=True)).status_code == 403
        assert list(AuditEvent.objects.values_list("action", flat=True)) == ["responses.export"]

    def test_an_analyst_is_not_offered_the_contact_details_download(
        self, analyst_client, officer_client, questionnaire, consultation
    ):
        address = reverse("surveys_staff:responses", args=[consultation.pk])
        contact_link = export_url(consultation, contact=True)
        assert contact_link not in analyst_client.get(address).content.decode()
        assert contact_link in officer_client.get(address).content.decode()

    @pytest.mark.parametrize("contact", [False, True])
    def test_viewer_and_outsider_are_refused_and_the_public_sent_to_sign_in(
        self, client, viewer_client, outsider_client, questionnaire, consultation, contact
    ):
        sent(questionnaire, {"vision": agree()})
        for method in ("get", "post"):
            assert getattr(viewer_client, method)(export_url(consultation, contact)).status_code == 403
            assert getattr(outsider_client, method)(export_url(consultation, contact)).status_code == 403
            assert getattr(client, method)(export_url(consultation, contact))["Location"].startswith(
                reverse("staff:login")
            )
        assert not AuditEvent.objects.exists()

    def test_a_draft_consultation_is_exported_to_staff(self, officer_client, questionnaire, consultation):
        Consultation.private_objects.filter(pk=consultation.pk).update(published_at=None)
        assert officer_client.get(export_url(consultation)).status_code == 200


class TestAudit:
    def test_every_download_is_recorded_with_its_row_count_and_no_data(self, analyst_client, questionnaire,
                                                                       consultation):
        sent(questionnaire, {"vision": agree(), "why_vision": {"text": "Private words"}})
        sent(questionnaire, {"vision": agree()})
        read(analyst_client.get(export_url(consultation)))
        read(analyst_client.get(export_url(consultation)))
        events = AuditEvent.objects.filter(action="responses.export")
        assert events.count() == 2
        event = events.first()
        assert event.user.username == "analyst" and event.at is not None
        assert event.detail == {"rows": 2, "format": "csv"}
        assert event.object_id == str(consultation.pk)
        assert "Private words" not in str(event.detail) + event.object_repr

    def test_the_count_matches_the_rows_even_if_a_response_arrives_mid_download(self, questionnaire):
        sent(questionnaire, {"vision": agree()})
        exporter = ResponseExporter(questionnaire)
        count = exporter.count()
        sent(questionnaire, {"vision": agree()})
        assert len(list(exporter.rows())) - 1 == count == 1
