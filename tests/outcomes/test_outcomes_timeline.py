"""A consultation's timeline: the dated steps from the meeting that approved it to "We did", as
`timeline_for` gives them and as the public consultation page shows them. The Strategic Plan's
real trail (seeds/001) is the demo."""

import datetime

import pytest
from django.utils import timezone

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.decisions.models import AgendaItem, Decision, Meeting, Organization, VoteEvent
from haveyoursay.hub.demo import load_demo
from haveyoursay.outcomes.demo import load_demo_trail
from haveyoursay.outcomes.models import ClosingDateChange, Consideration
from haveyoursay.outcomes.timeline import timeline_for
from haveyoursay.reports.models import Publication
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db
Stage = Consideration.Stage


def london(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def cabinet():
    return Organization.objects.create(name="Cabinet", classification=Organization.Classification.EXECUTIVE)


def link(consultation, body, starts_at, title, stage, number=1, **item_values):
    meeting, _ = Meeting.objects.get_or_create(organization=body, starts_at=starts_at)
    item = AgendaItem.objects.create(meeting=meeting, number=number, title=title, **item_values)
    return Consideration.objects.create(consultation=consultation, item=item, stage=stage)


@pytest.fixture
def strategic_plan(db):
    load_demo()
    load_demo_records()
    load_demo_trail()
    from haveyoursay.hub.models import Consultation

    return Consultation.private_objects.get(slug="strategic-plan-2022-2026")


def test_the_strategic_plan_trail_reads_in_date_order(strategic_plan):
    entries = timeline_for(strategic_plan)
    assert [(entry.on, entry.kind) for entry in entries][:9] == [
        (datetime.date(2021, 10, 26), "approved"),
        (datetime.date(2021, 11, 1), "opened"),
        (datetime.date(2021, 11, 17), "meeting"),
        (datetime.date(2022, 1, 21), "extended"),
        (datetime.date(2022, 2, 18), "closed"),
        (datetime.date(2022, 3, 9), "meeting"),
        (datetime.date(2022, 3, 29), "meeting"),
        # The demo dates its outcome by the Cabinet decision it followed (the seeds give no date).
        (datetime.date(2022, 3, 29), "outcome"),
        (datetime.date(2022, 5, 18), "decision"),
    ]
    assert [entry.title for entry in entries[:3:2]] == [
        "Cabinet approved the consultation",
        "Scrutiny Commission commented on the consultation",
    ]


def test_the_demo_extension_gives_its_reason_and_says_its_date_is_not_recorded(strategic_plan, client):
    extension = next(entry for entry in timeline_for(strategic_plan) if entry.kind == "extended")
    assert extension.title == "Closing date extended from 21 January 2022 to 18 February 2022"
    assert extension.detail == "To enable further direct engagement with County Council officers and members."
    assert extension.date_known is False
    page = client.get(strategic_plan.get_absolute_url()).content.decode()
    assert "Date not recorded" in page
    assert "Why: To enable further direct engagement with County Council officers and members." in page


def test_the_page_shows_each_meeting_with_its_item_decision_and_link(strategic_plan, client):
    page = client.get(strategic_plan.get_absolute_url()).content.decode()
    timeline = page[page.index('id="timeline"') :]
    cabinet = Meeting.objects.get(organization__name="Cabinet", starts_at__date=datetime.date(2022, 3, 29))
    item = cabinet.items.get()
    assert f'href="/meetings/{cabinet.pk}/#item-{item.pk}">Item 1: Strategic Plan (2022-26)</a>' in timeline
    assert "Cabinet, Tuesday 29 March 2022" in timeline
    assert '<time datetime="2022-03-29">29 March 2022</time>' in timeline
    assert "and approved the Strategic Plan." in timeline
    assert "Key decision" in timeline
    # The Council's decision on 18 May 2022 is not in the records the demo holds: none is made up.
    assert "Leicestershire County Council met to make the decision" in timeline
    assert "The decision is not recorded here yet." in timeline
    assert timeline.index("26 October 2021") < timeline.index("1 November 2021") < timeline.index("18 May 2022")


def test_loading_the_demo_trail_again_changes_nothing(strategic_plan):
    assert load_demo_trail() == 5
    assert Consideration.objects.count() == 5
    assert ClosingDateChange.objects.count() == 1


def test_vote_totals_and_a_named_vote_are_shown(cabinet, client):
    consultation = make_consultation(status="closed")
    consideration = link(consultation, cabinet, london(2022, 3, 29), "Strategic Plan (2022-26)", Stage.DECISION)
    VoteEvent.objects.create(
        item=consideration.item, result=VoteEvent.Result.CARRIED, for_count=40, against_count=11, abstain_count=2,
        is_named=True,
    )  # fmt: skip
    entry = timeline_for(consultation)[0]
    assert [(vote.for_count, vote.against_count, vote.abstain_count) for vote in entry.votes] == [(40, 11, 2)]
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "<strong>Motion carried</strong>: 40 for, 11 against, 2 abstained. A recorded vote:" in page
    assert "how each member voted<span class=\"govuk-visually-hidden\"> on item 1</span></a>" in page


def test_meetings_not_held_are_left_out(cabinet):
    consultation = make_consultation(status="open")
    link(consultation, cabinet, timezone.now() + datetime.timedelta(days=30), "Results", Stage.RESULTS)
    cancelled = link(consultation, cabinet, london(2022, 3, 1), "Cancelled item", Stage.DURING)
    Meeting.objects.filter(pk=cancelled.item.meeting_id).update(status=Meeting.Status.CANCELLED)
    held = link(consultation, cabinet, london(2022, 2, 1), "Draft", Stage.APPROVAL)
    meetings = [entry.consideration for entry in timeline_for(consultation) if entry.consideration]
    assert meetings == [held]


def test_an_exempt_item_shows_only_its_title_and_exemption(cabinet, client):
    consultation = make_consultation(status="closed")
    consideration = link(
        consultation, cabinet, london(2022, 3, 29), "Disposal of land at County Hall", Stage.DECISION,
        is_exempt=True, exemption_paragraph="Paragraph 3 of Part 1 of Schedule 12A",
    )  # fmt: skip
    Consideration.objects.filter(pk=consideration.pk).update(note="The asking price was agreed.")
    Decision.objects.create(
        item=consideration.item, decided_on=datetime.date(2022, 3, 29), outcome=Decision.Outcome.APPROVED,
        text="The sale at the price offered was approved.",
    )  # fmt: skip
    VoteEvent.objects.create(item=consideration.item, result=VoteEvent.Result.CARRIED, for_count=7, against_count=1)
    entry = timeline_for(consultation)[0]
    assert (entry.detail, entry.decisions, entry.votes) == ("", (), ())
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Disposal of land at County Hall" in page
    assert "Exempt under Paragraph 3 of Part 1 of Schedule 12A." in page
    for hidden in ("The asking price was agreed.", "The sale at the price offered was approved.", "7 for"):
        assert hidden not in page


def test_a_closing_date_moved_by_staff_is_dated_and_a_shortening_says_so(cabinet):
    consultation = make_consultation(status="open")
    extended_on = consultation.closes_on
    ClosingDateChange.objects.create(
        consultation=consultation, previous_closes_on=extended_on - datetime.timedelta(days=7),
        closes_on=extended_on, reason="More time for town and parish councils.",
        changed_at=london(2022, 1, 10),
    )  # fmt: skip
    ClosingDateChange.objects.create(
        consultation=consultation, previous_closes_on=extended_on + datetime.timedelta(days=7),
        closes_on=extended_on, reason="The decision meeting moved earlier.", changed_at=london(2022, 1, 12),
    )  # fmt: skip
    moves = [entry for entry in timeline_for(consultation) if entry.kind in ("extended", "shortened")]
    assert [(entry.on, entry.kind, entry.date_known) for entry in moves] == [
        (datetime.date(2022, 1, 10), "extended", True),
        (datetime.date(2022, 1, 12), "shortened", True),
    ]
    assert moves[1].title.startswith("Closing date brought forward from")


def test_opened_closed_report_and_we_did_come_from_the_consultation(cabinet):
    consultation = make_consultation(status="closed", we_did="We shortened the Plan.")
    assert [entry.kind for entry in timeline_for(consultation)] == ["opened", "closed"]
    Publication.objects.create(consultation=consultation)
    consultation.publish_outcome()
    kinds = [entry.kind for entry in timeline_for(consultation)]
    assert kinds == ["opened", "closed", "report", "outcome"]


def test_steps_on_the_same_day_read_in_the_order_they_happen(cabinet):
    consultation = make_consultation(status="closed")
    closing_day = consultation.closes_on
    link(consultation, cabinet, london(closing_day.year, closing_day.month, closing_day.day), "Results",
         Stage.RESULTS)  # fmt: skip
    kinds = [(entry.on == closing_day, entry.kind) for entry in timeline_for(consultation)]
    assert kinds == [(False, "opened"), (True, "closed"), (True, "meeting")]


def test_an_open_consultation_has_no_closing_step_and_a_draft_has_none_at_all(cabinet):
    assert [entry.kind for entry in timeline_for(make_consultation(status="open"))] == ["opened"]
    draft = make_consultation(status="open", published=False)
    ClosingDateChange.objects.create(
        consultation=draft, previous_closes_on=draft.closes_on, closes_on=draft.closes_on + datetime.timedelta(1),
        reason="Longer.",
    )  # fmt: skip
    assert timeline_for(draft) == []


def test_a_consultation_with_no_steps_has_no_timeline_section(client):
    consultation = make_consultation(status="forthcoming")
    assert 'id="timeline"' not in client.get(consultation.get_absolute_url()).content.decode()


def test_linking_a_meeting_shows_on_the_cached_public_page_at_once(cabinet, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(status="closed")
    assert "Cabinet approved the consultation" not in client.get(consultation.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        link(consultation, cabinet, london(2022, 2, 1), "Draft", Stage.APPROVAL)
    assert "Cabinet approved the consultation" in client.get(consultation.get_absolute_url()).content.decode()
