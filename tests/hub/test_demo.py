"""The demo content: the council's real consultations, loaded once however often it is run."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from haveyoursay.hub.demo import CONSULTATIONS, DEMONSTRATION_NOTICE, demo_pdf, load_demo
from haveyoursay.hub.models import Area, Consultation, Document, PartnerBody, Status, Topic

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 10)

# The eight closed consultations of the council's "You said, we did" page, with their real dates.
SEED_CONSULTATIONS = {
    "Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025": (
        datetime.date(2022, 6, 6),
        datetime.date(2022, 7, 31),
    ),
    "Net zero strategy and action plan 2045": (datetime.date(2022, 5, 4), datetime.date(2022, 7, 26)),
    "End of life care and support services in Leicestershire and Rutland": (
        datetime.date(2022, 6, 8),
        datetime.date(2022, 7, 13),
    ),
    "Pharmacy services 2022": (datetime.date(2022, 2, 28), datetime.date(2022, 4, 21)),
    "Leicestershire's Resources and Waste Strategy 2022-2050": (datetime.date(2022, 1, 31), datetime.date(2022, 4, 25)),
    "Leicestershire County Council Strategic Plan 2022-2026": (datetime.date(2021, 11, 1), datetime.date(2022, 2, 18)),
    "Leicestershire Communities Approach 2022-2026": (datetime.date(2021, 11, 1), datetime.date(2022, 2, 18)),
    "Local Cycling and Walking Infrastructure Plans (LCWIPs): Engagement 1": (
        datetime.date(2022, 1, 20),
        datetime.date(2022, 2, 20),
    ),
}


@pytest.fixture
def demo():
    return load_demo(today=TODAY)


def counts():
    return {
        "consultations": Consultation.private_objects.count(),
        "documents": Document.objects.count(),
        "partner bodies": PartnerBody.objects.count(),
        "topics": Topic.objects.count(),
        "areas": Area.objects.count(),
        "partner links": Consultation.partners.through.objects.count(),
        "topic links": Consultation.topics.through.objects.count(),
        "area links": Consultation.areas.through.objects.count(),
    }


def test_the_eight_closed_consultations_have_their_real_titles_and_dates(demo):
    for title, (opens_on, closes_on) in SEED_CONSULTATIONS.items():
        consultation = Consultation.public_objects.get(title=title)
        assert (consultation.opens_on, consultation.closes_on) == (opens_on, closes_on), title


def test_on_a_given_day_eight_are_closed_one_open_and_one_forthcoming(demo):
    public = Consultation.public_objects
    closed = public.with_status([Status.CLOSED], on=TODAY)
    assert set(closed.values_list("title", flat=True)) == set(SEED_CONSULTATIONS)
    assert public.with_status([Status.OPEN], on=TODAY).count() == 1
    assert public.with_status([Status.FORTHCOMING], on=TODAY).count() == 1
    assert public.count() == 10
    assert not Consultation.private_objects.with_status([Status.DRAFT], on=TODAY).exists()

    engagement_2 = public.get(slug="local-cycling-and-walking-infrastructure-plans-engagement-2")
    assert engagement_2.status_on(TODAY) == Status.OPEN
    assert engagement_2.opens_on == TODAY - datetime.timedelta(days=14)
    assert engagement_2.closes_on == TODAY + datetime.timedelta(days=28)
    assert engagement_2.follows.slug == "local-cycling-and-walking-infrastructure-plans-engagement-1"

    assessments = public.get(slug="pharmaceutical-needs-assessments")
    assert assessments.status_on(TODAY) == Status.FORTHCOMING
    assert assessments.opens_on == TODAY + datetime.timedelta(days=21)
    assert assessments.closes_on == TODAY + datetime.timedelta(days=81)
    assert assessments.follows.title == "Pharmacy services 2022"

    for consultation in public.with_status([Status.CLOSED], on=TODAY):
        assert consultation.status_on(TODAY) == Status.CLOSED


def test_the_carers_strategy_is_run_jointly_and_has_its_four_documents(demo):
    carers = Consultation.public_objects.get(slug="joint-carers-strategy-2022-2025")
    assert set(carers.partners.values_list("name", flat=True)) == {
        "Leicester City Council",
        "Leicestershire County Council",
        "Rutland County Council",
        "Leicester City Clinical Commissioning Group",
        "West Leicestershire Clinical Commissioning Group",
        "East Leicestershire and Rutland Clinical Commissioning Group",
    }
    assert set(carers.partners.filter(kind=PartnerBody.Kind.NHS).values_list("name", flat=True)) == {
        "Leicester City Clinical Commissioning Group",
        "West Leicestershire Clinical Commissioning Group",
        "East Leicestershire and Rutland Clinical Commissioning Group",
    }
    assert [(d.title, d.kind) for d in carers.documents.all()] == [
        ("Strategy and consultation summary", Document.Kind.SUMMARY),
        ("LLR Carers Strategy", Document.Kind.MAIN),
        ("Draft action plan", Document.Kind.SUPPORTING),
        ("Carers Strategy - easy read format", Document.Kind.EASY_READ),
    ]
    assert list(carers.topics.values_list("name", flat=True)) == ["Health and social care"]
    assert not carers.outcome_is_published


def test_the_strategic_plan_outcome_is_published(demo):
    plan = Consultation.public_objects.get(title="Leicestershire County Council Strategic Plan 2022-2026")
    assert "259 responses" in plan.you_said
    assert plan.we_did.startswith("There were several key findings from the consultation")
    assert plan.outcome_is_published


def test_the_strategic_plan_we_did_does_not_repeat_its_entries(demo):
    from haveyoursay.outcomes.demo_we_did import load_demo_we_did

    load_demo_we_did()
    plan = Consultation.public_objects.get(slug="strategic-plan-2022-2026")
    entries = list(plan.we_did_entries.all())
    assert entries
    # The council's list of changes is given once, by the entries.
    for entry in entries:
        assert entry.we_did[:60] not in plan.we_did


def test_the_lcwip_we_did_is_dated_after_the_engagement_closed_not_the_day_of_loading(demo):
    lcwip = Consultation.public_objects.get(slug="local-cycling-and-walking-infrastructure-plans-engagement-1")
    assert lcwip.closes_on == datetime.date(2022, 2, 20)
    assert timezone.localdate(lcwip.outcome_published_at) == datetime.date(2022, 2, 21)


def test_the_strategic_plan_we_did_is_dated_the_cabinet_decision_it_followed_not_the_day_of_loading(demo):
    from haveyoursay.outcomes.timeline import timeline_for

    plan = Consultation.public_objects.get(slug="strategic-plan-2022-2026")
    assert timezone.localdate(plan.outcome_published_at) == datetime.date(2022, 3, 29)
    published = [entry for entry in timeline_for(plan, today=TODAY) if entry.kind == "outcome"]
    assert [entry.on for entry in published] == [datetime.date(2022, 3, 29)]


def test_a_demo_loaded_before_the_outcome_was_dated_is_dated_when_loaded_again(demo):
    Consultation.private_objects.filter(slug="strategic-plan-2022-2026").update(outcome_published_at=timezone.now())
    load_demo(today=TODAY)
    plan = Consultation.public_objects.get(slug="strategic-plan-2022-2026")
    assert timezone.localdate(plan.outcome_published_at) == datetime.date(2022, 3, 29)


def test_only_consultations_with_you_said_or_we_did_publish_an_outcome(demo):
    for consultation in Consultation.public_objects.all():
        assert consultation.outcome_is_published == bool(consultation.you_said or consultation.we_did)
    assert set(
        Consultation.public_objects.filter(outcome_published_at__isnull=False).values_list("slug", flat=True)
    ) == {"strategic-plan-2022-2026", "local-cycling-and-walking-infrastructure-plans-engagement-1"}


def test_contacts_are_only_those_the_council_gave(demo):
    communities = Consultation.public_objects.get(slug="communities-approach-2022-2026")
    assert (communities.contact_email, communities.contact_phone) == ("communities@leics.gov.uk", "0116 305 7743")
    net_zero = Consultation.public_objects.get(slug="net-zero-strategy-and-action-plan-2045")
    assert net_zero.contact_email == "netzero@leics.gov.uk"
    others = Consultation.public_objects.exclude(pk__in=[communities.pk, net_zero.pk])
    # Where a page names no contact, the council's Policy Team (its engagement report's contact).
    assert set(others.values_list("contact_email", "contact_phone")) == {("policy@leics.gov.uk", "0116 305 6803")}


def test_every_demo_consultation_passes_its_publishing_checklist(demo):
    from haveyoursay.surveys.demo import load_demo_questionnaires

    load_demo_questionnaires()
    for consultation in Consultation.private_objects.all():
        assert not consultation.missing_for_publishing(), (consultation.slug, consultation.missing_for_publishing())
    end_of_life = Consultation.public_objects.get(slug="end-of-life-care-and-support-services")
    assert "JSNA chapters" in end_of_life.privacy_notice


def test_every_document_is_a_small_pdf_whose_size_is_its_real_size(demo, media_root):
    documents = Document.objects.all()
    assert documents.count() == sum(len(data["documents"]) for data in CONSULTATIONS)
    for document in documents:
        path = media_root / document.file.name
        content = path.read_bytes()
        assert content.startswith(b"%PDF-")
        assert content.rstrip().endswith(b"%%EOF")
        assert document.size_bytes == len(content) == path.stat().st_size
        assert document.file_format == "PDF"
        assert document.file.name.endswith(".pdf")


def test_the_generated_pdf_shows_the_title_and_the_notice_and_its_cross_reference_table_is_right():
    pdf = demo_pdf("Draft Net Zero Strategy and Action Plan")
    assert b"(Draft Net Zero Strategy and Action Plan) Tj" in pdf
    assert f"({DEMONSTRATION_NOTICE}) Tj".encode() in pdf
    xref_at = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[xref_at:].startswith(b"xref\n")
    entries = pdf[xref_at:].split(b"\n")[3:9]
    for number, entry in enumerate(entries, start=1):
        offset = int(entry[:10])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert demo_pdf("A (bracketed) title") != demo_pdf("A bracketed title")
    assert b"(A \\(bracketed\\) title) Tj" in demo_pdf("A (bracketed) title")


def test_loading_twice_creates_nothing_more_and_changes_nothing(demo, media_root):
    before = counts()
    files_before = sorted(path.name for path in media_root.rglob("*") if path.is_file())
    published_before = dict(Consultation.private_objects.values_list("slug", "published_at"))
    updated_before = dict(Consultation.private_objects.values_list("slug", "updated_at"))

    again = load_demo(today=TODAY)

    assert counts() == before
    assert before["consultations"] == 10 and before["partner bodies"] == 8
    assert sorted(path.name for path in media_root.rglob("*") if path.is_file()) == files_before
    assert dict(Consultation.private_objects.values_list("slug", "published_at")) == published_before
    assert dict(Consultation.private_objects.values_list("slug", "updated_at")) == updated_before
    for name, tally in again.items():
        assert tally["created"] == tally["updated"] == 0, name
    assert demo["consultations"]["created"] == 10


def test_loading_on_a_later_day_moves_only_the_relative_dates(demo):
    later = TODAY + datetime.timedelta(days=5)
    summary = load_demo(today=later)
    assert summary["consultations"]["updated"] == 2
    assert summary["consultations"]["created"] == 0
    public = Consultation.public_objects
    assert public.with_status([Status.OPEN], on=later).count() == 1
    assert public.with_status([Status.FORTHCOMING], on=later).count() == 1
    assert public.with_status([Status.CLOSED], on=later).count() == 8


def test_a_missing_file_is_made_again_and_other_documents_are_left_alone(demo, media_root):
    document = Document.objects.get(title="Options Appraisal")
    (media_root / document.file.name).unlink()
    others = dict(Document.objects.exclude(pk=document.pk).values_list("pk", "file"))

    summary = load_demo(today=TODAY)

    assert summary["documents"]["updated"] == 1 and summary["documents"]["created"] == 0
    document.refresh_from_db()
    assert (media_root / document.file.name).read_bytes().startswith(b"%PDF-")
    assert dict(Document.objects.exclude(pk=document.pk).values_list("pk", "file")) == others


def test_the_management_command_loads_the_demo_and_says_so(capsys):
    call_command("load_demo")
    first = capsys.readouterr().out
    assert first.count("\n") == 1
    assert "consultations: 10 created" in first
    call_command("load_demo")
    assert "consultations: 0 created, 0 updated, 10 unchanged" in capsys.readouterr().out
    assert Consultation.public_objects.count() == 10
