"""The open data export: no personal details, consented words redacted, rare values protected."""

import csv
import datetime
import io
import json
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import Publication
from haveyoursay.reports import opendata
from haveyoursay.reports.opendata import WITHHELD, OpenDataExport, protect
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

SUBMITTED = timezone.make_aware(datetime.datetime(2022, 7, 14, 10, 31, 7))
# Twelve respondents: six in Charnwood, five in Blaby, and one alone in Melton.
AREAS = ["charnwood"] * 6 + ["blaby"] * 5 + ["melton"]
ETHNICITY = ["white"] * 11 + ["gypsy_or_irish_traveller"]
PRIVATE_TEXT = "Please ring Sarah Jones on 07700 900123 or email sarah.jones@example.com"
CONSENTED_TEXT = "My name is Sarah Jones and my email is sarah.jones@example.com. Carers need breaks."
FORMULA_TEXT = "=2+5+cmd|' /C calc'!A0"


@pytest.fixture
def consultation(db):
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", status="closed",
    )
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="Stored in line with the Data Protection Act 2018.")
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why")
    add_question(page, "single", "How did you hear about this consultation?", code="heard",
                 options=["Leaflet", "Other, please specify"], other=["Other, please specify"])
    add_question(page, "date", "When did you last have a break from caring?", code="last_break")
    add_question(page, "postcode", "What is your postcode?", code="postcode")
    about = add_page(questionnaire, "About you")
    add_question(about, "single", "Where do you live?", code="district", options=["Charnwood", "Blaby", "Melton"], profile="area")
    add_question(about, "single", "What is your ethnic group?", code="ethnicity",
                 options=[("white", "White"), ("gypsy_or_irish_traveller", "Gypsy or Irish Traveller")], profile="ethnicity")
    add_question(about, "single", "Do you look after anyone?", code="carer", options=["Yes", "No"], profile="carer")
    questions = {q.code: q for q in questionnaire.ordered_questions()}

    def answer(response, code, value):
        Answer.objects.create(response=response, question=questions[code], value=value)

    for index, (area, ethnicity) in enumerate(zip(AREAS, ETHNICITY)):
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=SUBMITTED,
            respondent_name=f"Respondent Person{index}", email=f"person{index}@example.org",
            publication=Response.Publication.ANONYMOUS,
        )
        answer(response, "vision", {"choice": "tend_to_agree", "other": ""})
        answer(response, "district", {"choice": area, "other": ""})
        answer(response, "ethnicity", {"choice": ethnicity, "other": ""})
        answer(response, "carer", {"choice": "yes", "other": ""})
        answer(response, "last_break", {"date": "2022-06-03"})
        answer(response, "postcode", {"postcode": "LE11 3AB"})
    first, second, third, fourth = Response.objects.order_by("pk")[:4]
    Response.objects.filter(pk=first.pk).update(publication=Response.Publication.NO)
    answer(first, "why", {"text": PRIVATE_TEXT})
    answer(first, "heard", {"choice": "other_please_specify", "other": "From my neighbour Sarah Jones"})
    answer(second, "why", {"text": CONSENTED_TEXT})
    answer(third, "why", {"text": FORMULA_TEXT})
    Response.objects.filter(pk=fourth.pk).update(
        respondent_kind=Response.RespondentKind.ORGANISATION, organisation_name="Carers Network Leicestershire",
        organisation_role="Chief executive", publication=Response.Publication.WITH_NAME,
    )
    return consultation


def read_csv(chunks):
    text = b"".join(chunks).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def export_of(consultation):
    return OpenDataExport(consultation.questionnaire, threshold=5)


def everything(export):
    return b"".join(
        b"".join(render(export)) for _, render in opendata.DOWNLOADS.values()
    ).decode("utf-8")


def test_no_name_email_reference_or_private_text_appears_anywhere(consultation):
    text = everything(export_of(consultation))
    for response in Response.objects.all():
        assert response.reference not in text
        assert response.respondent_name not in text and response.email not in text
    assert "sarah.jones@example.com" not in text and "07700 900123" not in text
    assert "Sarah Jones" not in text and "Please ring" not in text and "neighbour" not in text
    assert "LE11 3AB" not in text and "Chief executive" not in text
    assert "10:31" not in text and "2022-07-14" not in text and "2022-06-03" not in text


def test_consented_free_text_appears_redacted(consultation):
    rows = read_csv(opendata.responses_csv(export_of(consultation)))
    why = [row["why"] for row in rows if row["why"]]
    assert why[0] == "My name is [name] and my email is [email]. Carers need breaks."
    assert rows[0]["why"] == "" and rows[0]["heard_other"] == "" and rows[0]["words_published"] == "no"
    assert rows[1]["words_published"] == "yes"


def test_rows_give_option_values_the_month_and_a_sequence(consultation):
    rows = read_csv(opendata.responses_csv(export_of(consultation)))
    assert [row["sequence"] for row in rows] == [str(n) for n in range(1, 13)]
    assert {row["vision"] for row in rows} == {"tend_to_agree"}
    # Months of rows too rare to show in full are withheld (see the protection test below).
    assert {row["submitted_month"] for row in rows} == {"2022-07", WITHHELD}
    assert {row["last_break"] for row in rows} == {"2022-06"}
    assert "reference" not in rows[0] and "postcode" not in rows[0]


def test_only_an_organisation_that_agreed_to_be_named_is_named(consultation):
    export = export_of(consultation)
    assert "Carers Network Leicestershire" in everything(export)
    Response.objects.filter(organisation_name="Carers Network Leicestershire").update(publication=Response.Publication.ANONYMOUS)
    assert "Carers Network Leicestershire" not in everything(export_of(consultation))


def test_equality_answers_are_only_in_the_suppressed_tables(consultation):
    export = export_of(consultation)
    rows = read_csv(opendata.responses_csv(export))
    assert "ethnicity" not in rows[0] and "carer" not in rows[0]
    figures = read_csv(opendata.tables_csv(export))
    traveller = [f for f in figures if f["question"] == "ethnicity" and f["answer"] == "gypsy_or_irish_traveller"]
    assert {f["measure"]: (f["figure"], f["withheld"]) for f in traveller} == {"count": ("", "yes"), "percent": ("", "yes")}
    vision = {f["measure"]: f["figure"] for f in figures if f["question"] == "vision" and f["answer"] == "tend_to_agree"}
    assert vision == {"count": "12", "percent": "100.0"}


def test_a_rare_area_is_withheld_and_every_combination_is_shared_by_five(consultation):
    rows = read_csv(opendata.responses_csv(export_of(consultation)))
    assert "melton" not in {row["district"] for row in rows}
    shown = Counter(row["district"] for row in rows if row["district"] != WITHHELD)
    assert shown and min(shown.values()) >= 5
    combinations = Counter((r["submitted_month"], r["channel"], r["respondent_kind"], r["district"]) for r in rows)
    assert min(combinations.values()) >= 5
    # The one organisation is too rare to show as one.
    assert "organisation" not in {row["respondent_kind"] for row in rows}


def test_protection_withholds_more_groups_until_the_withheld_are_not_a_few():
    combinations = {n: ("a", "x") for n in range(6)}
    combinations.update({n: ("b", "y") for n in range(6, 11)})
    combinations.update({11: ("c", "x")})
    protected = protect(combinations, 5)
    counts = Counter(protected.values())
    # "c" alone is withheld; one withheld response would stand out, so the five "b" go too.
    assert counts == {("a", "x"): 6, (WITHHELD, WITHHELD): 6}
    assert protect({1: ("a",), 2: ("a",)}, 5) == {1: (WITHHELD,), 2: (WITHHELD,)}
    assert protect({}, 5) == {}


def test_the_dictionary_lists_every_column_and_what_was_removed(consultation):
    export = export_of(consultation)
    dictionary = json.loads(b"".join(opendata.dictionary_json(export)))
    header = next(export.rows())
    assert [column["name"] for column in dictionary["columns"]] == header
    assert dictionary["responses"] == 12 and dictionary["disclosure_threshold"] == 5
    assert dictionary["licence"]["name"] == "Open Government Licence v3.0"
    vision = next(c for c in dictionary["columns"] if c["name"] == "vision")
    assert {"value": "tend_to_agree", "label": "Tend to agree"} in vision["values"]
    removed = " ".join(item["what"] for item in dictionary["removed"])
    assert "What is your ethnic group?" in removed and "What is your postcode?" in removed
    assert "Reference number" in removed
    json_rows = json.loads(b"".join(opendata.responses_json(export)))
    assert len(json_rows["responses"]) == 12 and list(json_rows["responses"][0]) == header


def test_csv_formula_escaping_is_kept(consultation):
    rows = read_csv(opendata.responses_csv(export_of(consultation)))
    assert rows[2]["why"] == "'" + FORMULA_TEXT


class TestDownloads:
    def public_url(self, consultation, filename="responses.csv"):
        return reverse("reports:open_data", args=[consultation.slug, filename])

    def staff_url(self, consultation, filename="responses.csv"):
        return reverse("reports_staff:open_data", args=[consultation.pk, filename])

    def test_the_public_get_nothing_until_the_report_is_published(self, client, consultation):
        assert client.get(self.public_url(consultation)).status_code == 404
        generate_report_impl(consultation.pk)
        Publication.objects.create(consultation=consultation)
        response = client.get(self.public_url(consultation))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert len(read_csv(response.streaming_content)) == 12
        assert client.get(self.public_url(consultation, "dictionary.md")).status_code == 200
        assert client.get(self.public_url(consultation, "passwords.txt")).status_code == 404

    def test_staff_with_the_report_permission_download_any_time_and_it_is_recorded(self, viewer_client, consultation):
        response = viewer_client.get(self.staff_url(consultation, "tables.csv"))
        assert response.status_code == 200
        b"".join(response.streaming_content)
        event = AuditEvent.objects.get(action="opendata.download")
        assert event.detail == {"file": "tables.csv", "rows": 12}

    def test_outsiders_are_kept_out(self, outsider_client, client, consultation):
        assert outsider_client.get(self.staff_url(consultation)).status_code == 403
        assert client.get(self.staff_url(consultation)).status_code == 302
        assert not AuditEvent.objects.filter(action="opendata.download").exists()
