"""Staff link a consultation to the meeting items that considered it (find the meeting, choose
the item, say what the meeting did), and remove a link; moving a published consultation's
closing date asks why and records it. The consultation team and democratic services may link;
everyone else on the staff site may only read."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import AgendaItem, Meeting, Organization
from haveyoursay.outcomes.models import ClosingDateChange, Consideration
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", groups=["Democratic services"], first_name="Dee", last_name="Clerk", is_staff=True)


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def consultation():
    return make_consultation(status="closed", title="Strategic Plan 2022-2026")


@pytest.fixture
def cabinet():
    return Organization.objects.create(name="Cabinet", classification=Organization.Classification.EXECUTIVE)


@pytest.fixture
def meeting(cabinet):
    starts_at = datetime.datetime(2021, 10, 26, tzinfo=timezone.get_default_timezone())
    return Meeting.objects.create(organization=cabinet, starts_at=starts_at, time_known=False)


@pytest.fixture
def item(meeting):
    return AgendaItem.objects.create(meeting=meeting, number=1, title="Draft Strategic Plan (2022-26)")


def find_url(consultation):
    return reverse("outcomes_staff:find_meeting", args=[consultation.pk])


def link_url(consultation, meeting):
    return reverse("outcomes_staff:link_item", args=[consultation.pk, meeting.pk])


def test_democratic_services_link_an_item_and_it_is_audited(clerk_client, clerk, consultation, item):
    response = clerk_client.post(
        link_url(consultation, item.meeting),
        {"item": item.pk, "stage": "approval", "note": "The Cabinet approved a 12-week public consultation."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:consultation", args=[consultation.pk]) + "#meetings"
    consideration = Consideration.objects.get()
    assert (consideration.consultation, consideration.item, consideration.stage) == (consultation, item, "approval")
    assert consideration.added_by == clerk
    event = AuditEvent.objects.get(action="consideration.add")
    assert event.consultation_pk == consultation.pk
    assert event.sentence == (
        "Meeting item “Cabinet, 26 October 2021, item 1: Draft Strategic Plan (2022-26)” linked by Dee Clerk"
    )


def test_the_consultation_team_links_and_removes_an_item(officer_client, consultation, item):
    officer_client.post(link_url(consultation, item.meeting), {"item": item.pk, "stage": "approval"})
    consideration = Consideration.objects.get()
    page = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
    assert "Meetings that considered it" in page and "Item 1: Draft Strategic Plan (2022-26)</a>" in page
    remove = reverse("outcomes_staff:unlink_item", args=[consultation.pk, consideration.pk])
    assert "Are you sure you want to remove the link" in officer_client.get(remove).content.decode()
    assert officer_client.post(remove).status_code == 302
    assert not Consideration.objects.exists()
    assert AuditEvent.objects.get(action="consideration.delete").sentence.startswith(
        "Link to meeting item “Cabinet, 26 October 2021, item 1: Draft Strategic Plan (2022-26)” removed by"
    )
    assert item.__class__.objects.filter(pk=item.pk).exists()  # the meeting's own record stays


def test_readers_are_refused_and_see_no_link_controls(viewer_client, outsider_client, client, consultation, item):
    for url in (find_url(consultation), link_url(consultation, item.meeting)):
        assert viewer_client.get(url).status_code == 403
        assert outsider_client.get(url).status_code == 403
        assert client.get(url).status_code == 302  # to the sign-in page
    refused = viewer_client.post(link_url(consultation, item.meeting), {"item": item.pk, "stage": "approval"})
    assert refused.status_code == 403
    assert not Consideration.objects.exists()
    page = viewer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
    assert "Meetings that considered it" in page
    assert "Link a meeting that considered it" not in page


def test_an_item_already_linked_is_refused_with_what_was_typed_kept(officer_client, consultation, item):
    Consideration.objects.create(consultation=consultation, item=item, stage="approval")
    response = officer_client.post(
        link_url(consultation, item.meeting), {"item": item.pk, "stage": "decision", "note": "Approved the Plan."}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Item 1 is already linked to this consultation (“Approved the consultation”)" in page
    assert "Approved the Plan.</textarea>" in page
    assert Consideration.objects.count() == 1


def test_missing_choices_and_a_long_note_are_explained(officer_client, consultation, item):
    page = officer_client.post(link_url(consultation, item.meeting), {"note": "x" * 601}).content.decode()
    assert "Choose the agenda item that considered the consultation" in page
    assert "Choose what the meeting did about the consultation" in page
    assert "Note must be 600 characters or fewer" in page
    assert not Consideration.objects.exists()


def test_an_item_of_another_meeting_is_refused(officer_client, consultation, item, cabinet):
    other = Meeting.objects.create(organization=cabinet, starts_at=timezone.now() - datetime.timedelta(days=3))
    page = officer_client.post(link_url(consultation, other), {"item": item.pk, "stage": "approval"}).content.decode()
    assert "Choose one of this meeting&#x27;s agenda items" in page
    assert not Consideration.objects.exists()


def test_a_cancelled_meeting_cannot_be_linked(officer_client, consultation, item):
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.CANCELLED)
    page = officer_client.post(link_url(consultation, item.meeting), {"item": item.pk, "stage": "during"}).content
    assert "This meeting was cancelled, so it considered nothing" in page.decode()
    assert not Consideration.objects.exists()


def test_a_meeting_without_an_agenda_says_so(clerk_client, consultation, cabinet):
    empty = Meeting.objects.create(organization=cabinet, starts_at=timezone.now() + datetime.timedelta(days=9))
    page = clerk_client.get(link_url(consultation, empty)).content.decode()
    assert "This meeting has no agenda items yet." in page
    assert reverse("decisions_staff:meeting", args=[empty.pk]) in page


def test_meetings_are_found_by_body_dates_and_words_in_an_item_title(officer_client, consultation, item, cabinet):
    scrutiny = Organization.objects.create(name="Scrutiny Commission", classification="scrutiny")
    for day in range(1, 26):
        Meeting.objects.create(organization=scrutiny, starts_at=datetime.datetime(2021, 6, day, tzinfo=datetime.UTC))
    everything = officer_client.get(find_url(consultation)).content.decode()
    assert "26 meetings" in everything and 'aria-label="Meetings pages"' in everything
    by_body = officer_client.get(find_url(consultation), {"body": "cabinet"}).content.decode()
    assert "1 meeting found" in by_body
    by_words = officer_client.get(find_url(consultation), {"q": "strategic DRAFT"}).content.decode()
    assert "1 meeting found" in by_words
    assert f"{link_url(consultation, item.meeting)}?item={item.pk}" in by_words
    by_dates = officer_client.get(
        find_url(consultation),
        {"since_day": "1", "since_month": "6", "since_year": "2021", "until_day": "10", "until_month": "6",
         "until_year": "2021"},
    ).content.decode()  # fmt: skip
    assert "10 meetings found" in by_dates
    chosen = officer_client.get(f"{link_url(consultation, item.meeting)}?item={item.pk}").content.decode()
    assert f'value="{item.pk}" checked' in chosen


def test_dates_the_wrong_way_round_are_explained(officer_client, consultation, item):
    page = officer_client.get(
        find_url(consultation),
        {"since_day": "10", "since_month": "6", "since_year": "2022", "until_day": "1", "until_month": "6",
         "until_year": "2022"},
    ).content.decode()  # fmt: skip
    assert "There is a problem" in page
    assert "Met on or before must be the same as or after met on or after" in page


class TestClosingDateChanges:
    def edit(self, client, consultation, **changes):
        data = {
            "title": consultation.title, "slug": consultation.slug, "summary": consultation.summary,
            "opens_on_day": consultation.opens_on.day, "opens_on_month": consultation.opens_on.month,
            "opens_on_year": consultation.opens_on.year, "closes_on_day": consultation.closes_on.day,
            "closes_on_month": consultation.closes_on.month, "closes_on_year": consultation.closes_on.year,
            "closes_at_time": "11:59pm", "contact_name": consultation.contact_name,
            "contact_email": consultation.contact_email, "respond_email": consultation.respond_email,
            "privacy_notice": consultation.privacy_notice, "retention_months": consultation.retention_months,
        }  # fmt: skip
        data.update(changes)
        return client.post(reverse("staff:consultation_edit", args=[consultation.pk]), data)

    def test_moving_a_published_closing_date_needs_a_reason(self, officer_client):
        consultation = make_consultation(status="open")
        later = consultation.closes_on + datetime.timedelta(days=28)
        response = self.edit(
            officer_client, consultation, closes_on_day=later.day, closes_on_month=later.month,
            closes_on_year=later.year,
        )  # fmt: skip
        page = response.content.decode()
        assert response.status_code == 200
        assert "Say why the closing date is changing" in page
        assert f'name="closes_on_day" type="text" inputmode="numeric" value="{later.day}"' in page
        consultation.refresh_from_db()
        assert consultation.closes_on != later
        assert not ClosingDateChange.objects.exists()

    def test_an_extension_with_its_reason_is_recorded_audited_and_shown(self, officer_client, officer, client):
        consultation = make_consultation(status="open")
        before = consultation.closes_on
        later = before + datetime.timedelta(days=28)
        response = self.edit(
            officer_client, consultation, closes_on_day=later.day, closes_on_month=later.month,
            closes_on_year=later.year, closing_date_reason="To enable further direct engagement with members.",
        )  # fmt: skip
        assert response.status_code == 302
        change = ClosingDateChange.objects.get()
        assert (change.previous_closes_on, change.closes_on, change.changed_by) == (before, later, officer)
        assert change.reason == "To enable further direct engagement with members."
        event = AuditEvent.objects.get(action="consultation.move_closing_date")
        assert event.sentence == (
            f"Closing date moved from {before:%-d %B %Y} to {later:%-d %B %Y} by Olu Officer"
        )
        page = client.get(consultation.get_absolute_url()).content.decode()
        assert f"Closing date extended from {before:%-d %B %Y} to {later:%-d %B %Y}" in page
        assert "Why: To enable further direct engagement with members." in page

    def test_other_changes_and_drafts_need_no_reason(self, officer_client):
        published = make_consultation(status="open")
        assert self.edit(officer_client, published, title="Strategic Plan, revised").status_code == 302
        draft = make_consultation(status="open", published=False)
        form = officer_client.get(reverse("staff:consultation_edit", args=[draft.pk])).content.decode()
        assert "Why the closing date is changing" not in form
        later = draft.closes_on + datetime.timedelta(days=7)
        response = self.edit(
            officer_client, draft, closes_on_day=later.day, closes_on_month=later.month, closes_on_year=later.year
        )
        assert response.status_code == 302
        assert not ClosingDateChange.objects.exists()


def test_a_decision_recorded_by_democratic_services_shows_on_the_cached_timeline_at_once(
    clerk_client, client, item, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(status="closed")
        Consideration.objects.create(consultation=consultation, item=item, stage="decision")
    before = client.get(consultation.get_absolute_url()).content.decode()
    assert "The Cabinet approved the Strategic Plan." not in before
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(
            reverse("decisions_staff:record_new", args=["decisions"]),
            {"item": item.pk, "decided_on_day": "26", "decided_on_month": "10", "decided_on_year": "2021",
             "outcome": "approved", "text": "The Cabinet approved the Strategic Plan."},
        )  # fmt: skip
    assert response.status_code == 302
    assert "The Cabinet approved the Strategic Plan." in client.get(consultation.get_absolute_url()).content.decode()


def test_items_already_linked_are_named_so_when_choosing(officer_client, consultation, item):
    Consideration.objects.create(consultation=consultation, item=item, stage="approval")
    found = officer_client.get(find_url(consultation), {"q": "strategic"}).content.decode()
    assert "Item 1: Draft Strategic Plan (2022-26)</a> – already linked" in found
    choosing = officer_client.get(link_url(consultation, item.meeting)).content.decode()
    assert "Item 1: Draft Strategic Plan (2022-26) – already linked</label>" in choosing


def test_a_link_of_another_consultation_cannot_be_removed_through_this_one(officer_client, consultation, item):
    other = make_consultation(status="closed")
    theirs = Consideration.objects.create(consultation=other, item=item, stage="approval")
    url = reverse("outcomes_staff:unlink_item", args=[consultation.pk, theirs.pk])
    assert officer_client.post(url).status_code == 404
    assert Consideration.objects.filter(pk=theirs.pk).exists()


def test_the_consultations_history_tells_of_links_added(officer_client, consultation, item):
    officer_client.post(link_url(consultation, item.meeting), {"item": item.pk, "stage": "approval"})
    page = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
    sentence = "Meeting item “Cabinet, 26 October 2021, item 1: Draft Strategic Plan (2022-26)” linked by Olu Officer"
    assert sentence in page


def test_a_links_stage_and_note_are_put_right_and_audited(clerk_client, consultation, item):
    consideration = Consideration.objects.create(consultation=consultation, item=item, stage="during", note="Typo")
    url = reverse("outcomes_staff:change_link", args=[consultation.pk, consideration.pk])
    assert "Change the link to item 1" in clerk_client.get(url).content.decode()
    refused = clerk_client.post(url, {"note": "Approved the consultation."}).content.decode()
    assert "Choose what the meeting did about the consultation" in refused
    assert "Approved the consultation.</textarea>" in refused
    assert clerk_client.post(url, {"stage": "approval", "note": "Approved the consultation."}).status_code == 302
    consideration.refresh_from_db()
    assert (consideration.stage, consideration.note, consideration.item) == ("approval", "Approved the consultation.", item)
    event = AuditEvent.objects.get(action="consideration.change")
    assert event.detail["fields"] == ["stage", "note"]
    assert event.sentence.startswith("Link to meeting item “Cabinet, 26 October 2021, item 1")
