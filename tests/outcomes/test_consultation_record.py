"""The consultation record: the evidence under the four Gunning principles, gathered from what
the system holds, with every gap listed as missing; on a staff page and as a PDF.

The consultation is the council's Strategic Plan 2022-26 as its papers tell it (seeds/001): Cabinet
approved it on 26 October 2021; it ran from 1 November 2021, extended from 21 January to
18 February 2022; the Scrutiny Commission considered the outcome on 9 March and Cabinet approved
the Plan on 29 March 2022.
"""

import datetime
import io
import re

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import AgendaItem, Decision, Meeting, Organization, VoteEvent
from haveyoursay.hub.models import Document
from haveyoursay.outcomes.models import ClosingDateChange, Consideration, WeDidEntry
from haveyoursay.outcomes.record import gather_record, render_record_pdf
from haveyoursay.reports.models import Publication
from haveyoursay.surveys.models import Questionnaire
from tests.factories import MINIMAL_PDF, make_consultation, make_document

pytestmark = pytest.mark.django_db

LONDON = timezone.get_current_timezone()
HEADINGS = ["1. Formative stage", "2. Sufficient information", "3. Adequate time", "4. Conscientious consideration"]


def at(year, month, day, hour=14):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=LONDON)


def body(name, classification):
    organization, _ = Organization.objects.get_or_create(name=name, defaults={"classification": classification})
    return organization


def item_at(organization, when, title, number=5):
    meeting = Meeting.objects.create(organization=organization, starts_at=when)
    return AgendaItem.objects.create(meeting=meeting, number=number, title=title)


def consider(consultation, item, stage, note=""):
    return Consideration.objects.create(consultation=consultation, item=item, stage=stage, note=note)


def strategic_plan(**fields):
    values = {
        "title": "Strategic Plan 2022-26",
        "slug": "strategic-plan-2022-2026",
        "status": "closed",
        "opens_on": datetime.date(2021, 11, 1),
        "closes_on": datetime.date(2022, 2, 18),
        "we_asked": "We asked for your views on our draft Strategic Plan, which sets out the council's vision.",
    }
    values.update(fields)
    return make_consultation(**values)


@pytest.fixture
def plan():
    """The Strategic Plan consultation with the full decision trail and every document."""
    consultation = strategic_plan()
    ClosingDateChange.objects.create(
        consultation=consultation, previous_closes_on=datetime.date(2022, 1, 21), closes_on=datetime.date(2022, 2, 18),
        reason="To enable further direct engagement with County Council officers and members.",
        changed_at=at(2022, 1, 10),
    )  # fmt: skip
    cabinet = body("Cabinet", Organization.Classification.EXECUTIVE)
    scrutiny = body("Scrutiny Commission", Organization.Classification.SCRUTINY)
    approval = item_at(cabinet, at(2021, 10, 26), "Draft Strategic Plan (2022-26)")
    consider(consultation, approval, Consideration.Stage.APPROVAL, "Approved a 12-week public consultation.")
    engagement = item_at(scrutiny, at(2021, 11, 17, 10), "Engagement on the Draft Strategic Plan (2022-26)")
    consider(consultation, engagement, Consideration.Stage.DURING)
    results = item_at(scrutiny, at(2022, 3, 9, 10), "Outcome of Consultation on the Draft Strategic Plan (2022-26)")
    consider(consultation, results, Consideration.Stage.RESULTS)
    decision_item = item_at(cabinet, at(2022, 3, 29), "Strategic Plan 2022-26", number=7)
    consider(consultation, decision_item, Consideration.Stage.DECISION, "Noted the outcome and approved the Plan.")
    decision = Decision.objects.create(
        item=decision_item, decided_on=datetime.date(2022, 3, 29), outcome=Decision.Outcome.APPROVED,
        text="That the Strategic Plan for 2022 to 2026 be recommended to the County Council for approval.",
    )  # fmt: skip
    VoteEvent.objects.create(
        item=decision_item, result=VoteEvent.Result.CARRIED, for_count=7, against_count=0, abstain_count=0
    )
    WeDidEntry.objects.create(
        consultation=consultation, you_said="Respondents wanted more on climate change.",
        action=WeDidEntry.Action.CHANGED, we_did="The Plan now includes the council's net zero commitments.",
        decision=decision,
    )  # fmt: skip
    for title, kind, extra in [
        ("Draft Strategic Plan 2022-26", Document.Kind.MAIN, {}),
        ("Strategic Plan summary", Document.Kind.SUMMARY, {}),
        ("Strategic Plan easy read", Document.Kind.EASY_READ, {}),
        ("Strategic Plan large print", Document.Kind.LARGE_PRINT, {}),
        ("Strategic Plan in Gujarati", Document.Kind.TRANSLATION, {"language": "Gujarati"}),
        ("Strategic Plan equality impact assessment", Document.Kind.EQUALITY_IMPACT, {}),
    ]:
        make_document(consultation, title=title, kind=kind, name=f"{kind}.pdf", **extra)
    Questionnaire.objects.create(consultation=consultation, privacy_notice="We keep your answers for two years.")
    Publication.objects.create(consultation=consultation, published_at=at(2022, 3, 1))
    consultation.we_did = "The Plan was revised."
    consultation.you_said = "259 people responded."
    consultation.save()
    consultation.publish_outcome()
    return consultation


def principle(record, key):
    return next(p for p in record.principles if p.key == key)


def items(record, key, what):
    return [item for item in principle(record, key).evidence if item.what == what]


def missing_names(record, key):
    return [item.what for item in principle(record, key).missing]


# -- Gathering the evidence -----------------------------------------------------------------------


def test_it_sets_the_consultation_dates_against_the_decision_dates(plan):
    record = gather_record(plan)
    formative = principle(record, "formative")
    assert [p.title for p in record.principles] == [
        "Formative stage", "Sufficient information", "Adequate time", "Conscientious consideration"
    ]
    assert items(record, "formative", "Opened")[0].on == datetime.date(2021, 11, 1)
    closed = items(record, "formative", "Closed")[0]
    assert closed.on == datetime.date(2022, 2, 18)
    assert "first set was 21 January 2022" in closed.detail
    assert items(record, "formative", "Consultation approved")[0].on == datetime.date(2021, 10, 26)
    commented = items(record, "formative", "Commented on while it ran")[0]
    assert commented.on == datetime.date(2021, 11, 17) and "Scrutiny Commission" in commented.detail
    assert "item 5, “Engagement on the Draft Strategic Plan (2022-26)”" in commented.detail
    decision = items(record, "formative", "Decision made")[0]
    assert decision.on == datetime.date(2022, 3, 29) and not decision.needs_checking
    assert "Cabinet: Approved" in decision.detail
    assert not formative.missing and not formative.to_check


def test_a_decision_made_before_the_consultation_closed_is_flagged(plan):
    cabinet = Organization.objects.get(name="Cabinet")
    early_item = item_at(cabinet, at(2022, 2, 8), "Strategic Plan: early decision", number=3)
    consider(plan, early_item, Consideration.Stage.DECISION)
    Decision.objects.create(
        item=early_item, decided_on=datetime.date(2022, 2, 8), outcome=Decision.Outcome.APPROVED, text="Approved."
    )
    record = gather_record(plan)
    flagged = principle(record, "formative").to_check
    assert [item.on for item in flagged] == [datetime.date(2022, 2, 8)]
    assert "before the consultation ends" in flagged[0].why


def test_results_considered_before_the_consultation_closed_are_flagged(plan):
    scrutiny = Organization.objects.get(name="Scrutiny Commission")
    consider(plan, item_at(scrutiny, at(2022, 2, 1), "Early results", number=2), Consideration.Stage.RESULTS)
    flagged = principle(gather_record(plan), "formative").to_check
    assert [(item.what, item.on) for item in flagged] == [("Results considered", datetime.date(2022, 2, 1))]


def test_an_officer_decision_named_in_we_did_counts_as_the_decision():
    from haveyoursay.decisions.models import Person

    consultation = strategic_plan()
    officer = Person.objects.create(family_name="Hall", kind=Person.Kind.OFFICER)
    decision = Decision.objects.create(
        delegated_officer=officer, decided_on=datetime.date(2022, 1, 5), outcome=Decision.Outcome.APPROVED,
        text="Approved under delegated powers.",
    )  # fmt: skip
    WeDidEntry.objects.create(
        consultation=consultation, you_said="More buses.", action=WeDidEntry.Action.CHANGED, we_did="Added a route.",
        decision=decision,
    )  # fmt: skip
    record = gather_record(consultation)
    assert "The decision" not in missing_names(record, "formative")
    assert [item.on for item in principle(record, "formative").to_check] == [datetime.date(2022, 1, 5)]


def test_with_no_decision_linked_the_decision_is_missing():
    record = gather_record(strategic_plan())
    assert "The decision" in missing_names(record, "formative")


def test_unset_dates_are_missing_not_hidden():
    record = gather_record(make_consultation(published=False, opens_on=None, closes_on=None))
    assert "Consultation dates" in missing_names(record, "formative")
    assert "Published" in missing_names(record, "formative")
    assert "How long it ran" in missing_names(record, "time")


def test_it_lists_each_document_with_its_format_and_when_it_was_public(plan):
    record = gather_record(plan)
    information = principle(record, "information")
    easy_read = items(record, "information", "Easy read")[0]
    assert "“Strategic Plan easy read” (PDF" in easy_read.detail
    assert easy_read.url == plan.documents.get(kind="easy_read").get_absolute_url()
    assert items(record, "information", "Translation: Gujarati")
    assert items(record, "information", "Equality impact assessment")[0].status == "recorded"
    assert items(record, "information", "Privacy notice")[0].status == "recorded"
    assert not information.missing


def test_a_document_added_before_publication_is_public_from_publication():
    consultation = strategic_plan(published=False)
    make_document(consultation, title="Draft Strategic Plan 2022-26")
    consultation.publish()
    item = items(gather_record(consultation), "information", "Main document")[0]
    assert f"public from {timezone.localdate(consultation.published_at).day}" in item.detail
    assert item.on == timezone.localdate(consultation.published_at)


def test_missing_formats_questionnaire_and_equality_impact_assessment_are_listed():
    consultation = strategic_plan(privacy_notice="")
    make_document(consultation, title="Draft Strategic Plan 2022-26")
    names = missing_names(gather_record(consultation), "information")
    assert names == [
        "Summary", "Easy read version", "Large print version", "Translation", "Equality impact assessment",
        "Questionnaire", "Privacy notice",
    ]
    easy_read = items(gather_record(consultation), "information", "Easy read version")[0]
    assert "learning disability" in easy_read.why


def test_an_equality_impact_assessment_is_uploaded_shown_to_the_public_and_listed(officer_client, client):
    consultation = strategic_plan()
    form = officer_client.get(reverse("staff:document_new", args=[consultation.pk])).content.decode()
    assert "Equality impact assessment" in form
    upload = SimpleUploadedFile("eia.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = officer_client.post(
        reverse("staff:document_new", args=[consultation.pk]),
        {"title": "Strategic Plan equality impact assessment", "kind": "equality_impact", "file": upload},
    )
    assert response.status_code == 302
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Strategic Plan equality impact assessment" in page and "Equality impact assessment ·" in page
    record = gather_record(consultation)
    assert "Equality impact assessment" not in missing_names(record, "information")
    listed = items(record, "information", "Equality impact assessment")[0]
    assert "Audit log: Document “Strategic Plan equality impact assessment” added by Olu Officer" in listed.source


def test_a_document_upload_is_evidenced_from_the_audit_log(plan, officer):
    AuditEvent.record(officer, "document.add", plan, document="Strategic Plan easy read")
    item = items(gather_record(plan), "information", "Easy read")[0]
    assert "Audit log: Document “Strategic Plan easy read” added by Olu Officer" in item.source


def test_the_duration_and_the_extension_with_its_reason(plan):
    record = gather_record(plan)
    duration = items(record, "time", "How long it ran")[0]
    assert duration.detail.startswith("110 days (15 weeks and 5 days), from 1 November 2021 to 18 February 2022")
    extension = items(record, "time", "Closing date extended")[0]
    assert "From 21 January 2022 to 18 February 2022" in extension.detail
    assert "further direct engagement" in extension.detail
    assert not principle(record, "time").missing


def test_under_twelve_weeks_without_a_reason_is_missing():
    consultation = strategic_plan(closes_on=datetime.date(2022, 1, 21))  # 82 days: 11 weeks and 5 days
    why = items(gather_record(consultation), "time", "Why less than 12 weeks")[0]
    assert why.is_missing
    assert "11 weeks and 5 days" in why.detail


def test_under_twelve_weeks_with_its_reason_recorded_is_evidence():
    consultation = strategic_plan(
        closes_on=datetime.date(2022, 1, 21), shorter_period_reason="The budget must be set by February."
    )
    why = items(gather_record(consultation), "time", "Why less than 12 weeks")[0]
    assert why.status == "recorded" and why.detail == "The budget must be set by February."


def test_twelve_weeks_exactly_needs_no_reason():
    consultation = strategic_plan(closes_on=datetime.date(2022, 1, 23))  # 84 days
    assert not principle(gather_record(consultation), "time").missing


def test_consideration_shows_the_report_the_meetings_the_votes_and_we_did(plan):
    record = gather_record(plan)
    consideration = principle(record, "consideration")
    report = items(record, "consideration", "Engagement report published")[0]
    assert report.on == datetime.date(2022, 3, 1)
    made = items(record, "consideration", "Made the decision")[0]
    assert "Motion carried: 7 for, 0 against, 0 abstentions." in made.detail
    assert "Decision: Approved." in made.detail
    assert items(record, "consideration", "Considered the results")[0].on == datetime.date(2022, 3, 9)
    we_did = items(record, "consideration", "We did")[0]
    assert "net zero commitments" in we_did.detail and we_did.on == datetime.date(2022, 3, 29)
    assert items(record, "consideration", "Outcome published")[0].status == "recorded"
    assert not consideration.missing


def test_with_nothing_done_after_closing_each_gap_is_missing():
    record = gather_record(strategic_plan())
    assert missing_names(record, "consideration") == [
        "Engagement report published", "Meetings that considered the results", "We did", "Outcome published",
    ]


# -- The staff page -------------------------------------------------------------------------------


def record_url(consultation):
    return reverse("record_staff:record", args=[consultation.pk])


def pdf_url(consultation):
    return reverse("record_staff:record_pdf", args=[consultation.pk])


@pytest.mark.parametrize("persona", ["officer_client", "viewer_client"])
def test_staff_who_can_see_the_consultation_see_its_record(request, persona, plan):
    response = request.getfixturevalue(persona).get(record_url(plan))
    assert response.status_code == 200
    html = response.content.decode()
    for heading in HEADINGS:
        assert heading in html
    assert "Download the record (PDF)" in html
    assert "Cabinet" in html and "29 March 2022" in html


def test_the_page_marks_missing_evidence(officer_client):
    consultation = strategic_plan()
    html = officer_client.get(record_url(consultation)).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Missing</strong>' in html
    assert "Why it matters:" in html
    assert "of evidence missing" in html


def test_only_those_who_may_change_the_consultation_are_sent_to_put_a_gap_right(officer_client, viewer_client):
    consultation = strategic_plan()
    fix = reverse("staff:consultation_edit", args=[consultation.pk]) + "#we_did"
    assert fix in officer_client.get(record_url(consultation)).content.decode()
    html = viewer_client.get(record_url(consultation)).content.decode()
    assert fix not in html and "Put right" not in html


def test_an_analyst_sees_the_record(make_user, plan, client):
    client.force_login(make_user("analyst", groups=["Analyst"]))
    assert client.get(record_url(plan)).status_code == 200


def test_it_refuses_outsiders_and_sends_the_signed_out_to_sign_in(outsider_client, client, plan):
    assert outsider_client.get(record_url(plan)).status_code == 403
    assert outsider_client.get(pdf_url(plan)).status_code == 403
    response = client.get(record_url(plan))
    assert response.status_code == 302 and reverse("staff:login") in response["Location"]


def test_an_unknown_consultation_is_not_found(officer_client):
    assert officer_client.get(reverse("record_staff:record", args=[999999])).status_code == 404
    assert officer_client.get(reverse("record_staff:record_pdf", args=[999999])).status_code == 404


def test_the_consultation_page_links_to_its_record(viewer_client, plan):
    html = viewer_client.get(reverse("staff:consultation", args=[plan.pk])).content.decode()
    assert record_url(plan) in html


def test_the_reason_for_a_short_consultation_is_saved_from_the_edit_form(officer_client, officer):
    consultation = strategic_plan(closes_on=datetime.date(2022, 1, 21))
    form = officer_client.get(reverse("staff:consultation_edit", args=[consultation.pk])).context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "all"):
            value = [v.pk for v in value.all()]
        if name in ("opens_on", "closes_on"):
            data.update({f"{name}-day": value.day, f"{name}-month": value.month, f"{name}-year": value.year})
        elif isinstance(value, list):
            data[name] = [v.pk if hasattr(v, "pk") else v for v in value]
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    data["shorter_period_reason"] = "The budget must be set by February."
    response = officer_client.post(reverse("staff:consultation_edit", args=[consultation.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    consultation.refresh_from_db()
    assert consultation.shorter_period_reason == "The budget must be set by February."


# -- The PDF --------------------------------------------------------------------------------------


def pdf_text(data):
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_pdf_shows_each_principle_with_its_evidence(plan):
    text = pdf_text(render_record_pdf(gather_record(plan)))
    assert "Consultation record" in text and "Strategic Plan 2022-26" in text
    for heading in HEADINGS:
        assert heading in text
    # 1: the dates against the decision
    assert "1 November 2021" in text and "18 February 2022" in text and "29 March 2022" in text
    # 2: the documents by name and format
    assert "Strategic Plan easy read" in text and "Strategic Plan equality impact assessment" in text
    # 3: the duration and the extension's reason
    assert "110 days (15 weeks and 5 days)" in text and "further direct engagement" in text
    # 4: the report, the vote, We did
    assert "Engagement report published" in text and "Motion carried: 7 for, 0 against" in text
    assert "net zero commitments" in text
    assert "Missing:" not in text


def test_the_pdf_lists_missing_evidence_as_missing():
    consultation = strategic_plan(closes_on=datetime.date(2022, 1, 21))
    text = pdf_text(render_record_pdf(gather_record(consultation)))
    assert "Missing: No easy read version was published." in text
    assert "Missing: It ran for 11 weeks and 5 days, less than 12 weeks, and no reason is recorded." in text
    assert "Missing: No decision is linked to the consultation" in text
    assert "Missing: No engagement report has been published." in text


def test_downloading_the_pdf_is_named_for_the_consultation_and_audited(viewer_client, viewer, plan):
    response = viewer_client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="strategic-plan-2022-2026-consultation-record.pdf"' in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "4. Conscientious consideration" in pdf_text(response.content)
    event = AuditEvent.objects.get(action="record.download")
    assert event.user == viewer and event.consultation_pk == plan.pk
    assert event.sentence == "Consultation record downloaded by Vic Viewer"
