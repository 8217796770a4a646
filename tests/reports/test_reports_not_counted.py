"""A response marked as withdrawn, one marked as a duplicate and one brought in by an import
that was undone are in no figure: the analysis dataset, its tables, the stakeholder list, the
free-text themes, the engagement report (both versions, and the public page's count), the open
data and the response counts. The staff download keeps them, each named by its status."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.models import AnswerCoding, Codeframe, Theme, ThemeAssignment
from haveyoursay.analysis.tables import analyse, stakeholder_summary
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.reports import opendata
from haveyoursay.reports.generating import data_fingerprint, generate_report_impl
from haveyoursay.reports.models import EngagementReport
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
from haveyoursay.surveys.models import Answer, ImportBatch, Questionnaire, Response
from haveyoursay.surveys.submission import correct_answers
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

COUNTED = 6
EXCLUDED_TEXT = "Close the Loughborough carers' centre"
EXCLUDED_ORGANISATIONS = ["Withdrawn Carers Forum", "Duplicate Carers Network", "Undone Import Trust"]


@pytest.fixture
def consultation(db):
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", status="closed",
    )
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="As the Act requires.")
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why")
    add_question(page, "single", "Where do you live?", code="district", options=["Charnwood", "Blaby"], profile="area")
    questions = {q.code: q for q in questionnaire.ordered_questions()}

    def respond(vision, why, **fields):
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(),
            publication=Response.Publication.ANONYMOUS, **fields,
        )
        Answer.objects.create(response=response, question=questions["vision"], value={"choice": vision, "other": ""})
        Answer.objects.create(response=response, question=questions["why"], value={"text": why})
        Answer.objects.create(response=response, question=questions["district"], value={"choice": "charnwood", "other": ""})
        return response

    counted = [respond("tend_to_agree", "Carers need breaks that are easy to book.") for _ in range(COUNTED - 1)]
    counted.append(respond(
        "tend_to_agree", "Young carers need support at school.",
        respondent_kind=Response.RespondentKind.ORGANISATION, organisation_name="Carers Trust",
    ))
    organisation = {"respondent_kind": Response.RespondentKind.ORGANISATION}
    withdrawn = respond(
        "strongly_disagree", EXCLUDED_TEXT, organisation_name=EXCLUDED_ORGANISATIONS[0], **organisation
    )
    withdrawn.mark_withdrawn(None, "Asked by email to withdraw it")
    duplicate = respond(
        "strongly_disagree", EXCLUDED_TEXT, channel=Response.Channel.PAPER,
        organisation_name=EXCLUDED_ORGANISATIONS[1], **organisation,
    )
    duplicate.mark_duplicate(counted[0], None)
    batch = ImportBatch.objects.create(questionnaire=questionnaire, file_name="survey-tool.csv", file_sha256="0" * 64)
    undone = respond(
        "strongly_disagree", EXCLUDED_TEXT, channel=Response.Channel.IMPORT, import_batch=batch, import_key="R1",
        organisation_name=EXCLUDED_ORGANISATIONS[2], **organisation,
    )
    batch.undo(None, "Dates read month first")
    consultation.counted = counted
    consultation.excluded = {"withdrawn": withdrawn, "duplicate": duplicate, "import_undone": undone}
    return consultation


def excluded_pks(consultation):
    return {response.pk for response in consultation.excluded.values()}


def test_only_the_counted_responses_are_counted(consultation):
    assert set(Response.objects.counted()) == set(consultation.counted)
    assert Response.objects.submitted().count() == COUNTED + 3
    assert set(Response.objects.not_counted()) == set(consultation.excluded.values())


@pytest.mark.parametrize("in_database", [True, False])
def test_the_analysis_dataset_and_its_tables(consultation, in_database):
    dataset = load_dataset(consultation.questionnaire, in_database=in_database)
    assert set(dataset.frame.index) == {response.pk for response in consultation.counted}
    assert "strongly_disagree" not in set(dataset.frame["vision"].dropna())
    assert dataset.open_answer_counts == {"why": COUNTED}
    analysis = analyse(dataset, stakeholders=stakeholder_summary(consultation.questionnaire))
    assert analysis.respondents == COUNTED
    vision = next(result for result in analysis.questions if result.question == "vision")
    counts = {row.value: row.count for row in vision.rows}
    assert counts["tend_to_agree"] == COUNTED and counts["strongly_disagree"] == 0
    assert [o.name for o in analysis.stakeholders.organisations] == ["Carers Trust"]


def test_the_free_text_themes(consultation):
    question = consultation.questionnaire.ordered_questions().get(code="why")
    assert themes.count_comments(question) == COUNTED
    assert EXCLUDED_TEXT not in [comment.text for comment in themes.load_comments(question)]
    codeframe = Codeframe.objects.create(question=question)
    theme = Theme.objects.create(codeframe=codeframe, label="Breaks and respite")
    # Coded before they were marked: the codings stay, but are not counted.
    for answer in Answer.objects.filter(question=question):
        ThemeAssignment.objects.create(theme=theme, answer=answer)
    assert themes.theme_counts(codeframe) == {theme.pk: COUNTED}
    for answer in Answer.objects.filter(question=question):
        AnswerCoding.objects.create(codeframe=codeframe, answer=answer, needs_review=True, confidence=0.4)
    counted_answers = set(Answer.objects.filter(question=question, response__in=consultation.counted))
    # Each counted text offered once (copies teach what one does), and nothing uncounted.
    counted_texts = {answer.value["text"] for answer in counted_answers}
    for queue in (themes.next_to_code(codeframe, how_many=20), themes.low_confidence_queue(codeframe, how_many=20)):
        assert set(queue) <= counted_answers
        assert sorted(answer.value["text"] for answer in queue) == sorted(counted_texts)


def test_the_staff_theme_page_lists_only_counted_answers(consultation, officer_client):
    question = consultation.questionnaire.ordered_questions().get(code="why")
    theme = Theme.objects.create(codeframe=Codeframe.objects.create(question=question), label="Breaks and respite")
    for answer in Answer.objects.filter(question=question):
        ThemeAssignment.objects.create(theme=theme, answer=answer)
    page = officer_client.get(reverse("analysis_staff:theme", args=[consultation.pk, "why", theme.pk]))
    assert page.status_code == 200 and page.context["count"] == COUNTED
    assert EXCLUDED_TEXT not in page.content.decode()


def test_the_engagement_report_and_the_public_count(consultation, officer_client, client):
    generate_report_impl(consultation.pk)
    for report in EngagementReport.objects.filter(consultation=consultation):
        assert report.response_count == COUNTED
        for name in EXCLUDED_ORGANISATIONS:
            assert name not in report.html
        assert EXCLUDED_TEXT not in report.html
    officer_client.post(reverse("reports_staff:publish", args=[consultation.pk]))
    page = client.get(reverse("reports:report", args=[consultation.slug])).content.decode()
    assert f"from {COUNTED} responses" in page


def test_marking_a_response_makes_the_report_out_of_date(consultation):
    before = data_fingerprint(consultation)
    consultation.counted[1].mark_withdrawn(None, "Asked by phone")
    assert data_fingerprint(consultation) != before
    consultation.counted[1].unmark()
    assert data_fingerprint(consultation) != before  # a new report is made: the same figures, made again


def test_the_open_data(consultation):
    export = opendata.OpenDataExport(consultation.questionnaire, threshold=5)
    rows = list(csv.DictReader(io.StringIO(b"".join(opendata.responses_csv(export)).decode("utf-8")[1:])))
    assert len(rows) == COUNTED and {row["vision"] for row in rows} == {"tend_to_agree"}
    assert export.dictionary()["responses"] == COUNTED
    text = b"".join(b"".join(render(export)) for _, render in opendata.DOWNLOADS.values()).decode("utf-8")
    assert "strongly_disagree,Strongly disagree,count,0,6," in text  # tables.csv: none of the 6 counted
    assert EXCLUDED_TEXT not in text and not any(name in text for name in EXCLUDED_ORGANISATIONS)


def test_the_staff_download_keeps_them_each_with_its_status(consultation, officer_client):
    rows = list(csv.DictReader(io.StringIO(b"".join(
        csv_chunks(ResponseExporter(consultation.questionnaire).rows())
    ).decode("utf-8")[1:])))
    status = {row["reference"]: (row["status"], row["duplicate_of"]) for row in rows}
    excluded = consultation.excluded
    assert status[excluded["withdrawn"].reference] == ("withdrawn", "")
    assert status[excluded["duplicate"].reference] == ("duplicate", consultation.counted[0].reference)
    assert status[excluded["import_undone"].reference] == ("import_undone", "")
    assert [row["status"] for row in rows].count("counted") == COUNTED


def test_the_staff_response_counts(consultation, officer_client):
    page = officer_client.get(reverse("surveys_staff:responses", args=[consultation.pk]))
    assert page.context["totals"] == ("Total", COUNTED, 3, 0)
    listed = officer_client.get(reverse("surveys_staff:responses", args=[consultation.pk]), {"show": "not_counted"})
    assert {response.pk for response in listed.context["page"].object_list} == excluded_pks(consultation)


def test_the_fingerprint_is_read_without_the_answers(consultation):
    with CaptureQueriesContext(connection) as queries:
        data_fingerprint(consultation)
    assert queries.captured_queries
    assert not any(Answer._meta.db_table in query["sql"] for query in queries.captured_queries)


def test_an_import_completing_a_correction_and_an_erasure_each_make_the_report_out_of_date(consultation):
    questionnaire = consultation.questionnaire
    batch = ImportBatch.objects.create(
        questionnaire=questionnaire, file_name="survey-tool-2.csv", file_sha256="1" * 64,
        state=ImportBatch.State.IMPORTING,
    )  # fmt: skip
    Response.objects.create(
        questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(),
        channel=Response.Channel.IMPORT, import_batch=batch, import_key="R2",
    )  # fmt: skip
    fingerprints = [data_fingerprint(consultation)]
    assert data_fingerprint(consultation) == fingerprints[0]  # an import still being written counts for nothing yet
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.COMPLETE)
    fingerprints.append(data_fingerprint(consultation))
    vision = questionnaire.ordered_questions().get(code="vision")
    assert correct_answers(consultation.counted[0], {vision: {"choice": "strongly_agree", "other": ""}}) == ["vision"]
    fingerprints.append(data_fingerprint(consultation))
    consultation.counted[1].erase(None)
    fingerprints.append(data_fingerprint(consultation))
    assert len(set(fingerprints)) == 4
