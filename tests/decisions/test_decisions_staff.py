"""Democratic services on the staff site: records added and corrected with every rule's message and
every change audited, a recorded vote pasted from the minutes, checked and then recorded, and an
import from ModernGov run as background work. Others on the staff site read; outsiders see nothing."""

import datetime
import re

import pytest
from django.test import Client
from django.utils.html import escape

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.decisions.models import AgendaItem, Meeting, Organization, Person, Vote, VoteEvent
from haveyoursay.decisions.staff import KINDS
from haveyoursay.jobs.models import Job
from tests.decisions.moderngov_site import Site


@pytest.fixture
def clerk(make_user):
    """Keeps the democratic records."""
    return make_user("clerk", groups=["Democratic services"], first_name="Dee", last_name="Clerk", is_staff=True)


@pytest.fixture
def clerk_client(clerk):
    client = Client()
    client.force_login(clerk)
    return client


@pytest.fixture
def demo(db):
    load_demo_records()


def council_meeting():
    return Meeting.objects.get(organization__name="Leicestershire County Council", starts_at__date="2022-02-23")


def mtfs():
    return AgendaItem.objects.get(meeting=council_meeting(), number=47, sub_letter="a")


@pytest.mark.parametrize(
    "path",
    [
        "/staff/democracy/",
        "/staff/democracy/records/meetings/",
        "/staff/democracy/records/people/",
        "/staff/democracy/meetings/{m}/",
    ],
)
def test_staff_read_and_outsiders_are_refused(demo, clerk_client, viewer_client, officer_client, outsider_client,
                                              client, path):  # fmt: skip
    path = path.format(m=council_meeting().pk)
    for reader in (clerk_client, viewer_client, officer_client):
        assert reader.get(path).status_code == 200
    assert outsider_client.get(path).status_code == 403
    assert client.get(path).status_code == 302  # to sign in


def test_only_democratic_services_change_records(demo, clerk_client, viewer_client, officer_client):
    meeting = council_meeting()
    for refused in (viewer_client, officer_client):
        assert refused.get("/staff/democracy/records/meetings/new/").status_code == 403
        assert refused.post(f"/staff/democracy/records/meetings/{meeting.pk}/delete/").status_code == 403
        assert refused.post(f"/staff/democracy/items/{mtfs().pk}/recorded-vote/", {}).status_code == 403
        assert refused.get("/staff/democracy/import/").status_code == 403
    assert clerk_client.get("/staff/democracy/records/meetings/new/").status_code == 200
    assert clerk_client.get(f"/staff/democracy/records/meetings/{meeting.pk}/change/").status_code == 200


def test_everyone_who_reads_a_list_can_open_each_record_it_links_to(demo, clerk_client, viewer_client,
                                                                   officer_client):  # fmt: skip
    """The lists link to a read-only page of each record, which offers changing it only to those who may."""
    for kind in KINDS.values():
        listed = viewer_client.get(f"/staff/democracy/records/{kind.slug}/").content.decode()
        links = re.findall(r'<li><a class="govuk-link" href="([^"]+)">', listed)
        assert len(links) == min(kind.model.objects.count(), 500), kind.slug
        for link in links:
            for reader in (viewer_client, officer_client):
                page = reader.get(link, follow=True)
                assert page.status_code == 200, link
                assert "/change/" not in page.content.decode() and "/delete/" not in page.content.decode(), link
    person = Person.objects.exclude(initials="").first()
    page = officer_client.get(f"/staff/democracy/records/people/{person.pk}/").content.decode()
    assert escape(person.name) in page and escape(person.initials) in page and "Not recorded" in page
    page = clerk_client.get(f"/staff/democracy/records/people/{person.pk}/").content.decode()
    assert f'href="/staff/democracy/records/people/{person.pk}/change/">Change this member or officer' in page


def test_an_exempt_item_s_text_is_withheld_from_readers_who_may_not_change_it(demo, clerk_client, viewer_client):
    item = AgendaItem.objects.create(
        meeting=council_meeting(), number=50, title="Property disposal", is_exempt=True,
        text="<p>The sale price agreed.</p>", minutes="<p>Sold for the price agreed.</p>",
    )  # fmt: skip
    read = viewer_client.get(f"/staff/democracy/records/items/{item.pk}/").content.decode()
    assert "Property disposal" in read and "price agreed" not in read
    assert read.count("Withheld: exempt information") == 2
    assert "Sold for the price agreed." in clerk_client.get(f"/staff/democracy/records/items/{item.pk}/").content.decode()


def test_the_meeting_page_links_each_attendance_declaration_and_question_to_a_page_its_readers_can_open(
    demo, viewer_client
):
    page = viewer_client.get(f"/staff/democracy/meetings/{council_meeting().pk}/").content.decode()
    links = re.findall(r'href="(/staff/democracy/records/[^"]+)"', page)
    assert links
    for link in links:
        assert viewer_client.get(link).status_code == 200, link


def test_a_meeting_with_no_attendance_recorded_says_so(demo, viewer_client):
    meeting = Meeting.objects.filter(attendance__isnull=True).first()
    page = viewer_client.get(f"/staff/democracy/meetings/{meeting.pk}/").content.decode()
    attendance = page[page.index('<h2 class="govuk-heading-m">Attendance</h2>') :][:400]
    assert "None recorded." in attendance and "(0)" not in page


def test_an_unknown_kind_of_record_is_not_found(demo, clerk_client):
    assert clerk_client.get("/staff/democracy/records/nonsense/").status_code == 404
    assert clerk_client.get("/staff/democracy/records/meetings/999999/").status_code == 404
    assert clerk_client.get("/staff/democracy/records/people/999999/").status_code == 404


def test_adding_a_meeting_is_audited(demo, clerk_client, clerk):
    cabinet = Organization.objects.get(slug="cabinet")
    response = clerk_client.post(
        "/staff/democracy/records/meetings/new/",
        {"organization": cabinet.pk, "starts_at": "2022-06-21T14:00", "time_known": "on", "ends_at": "",
         "venue": "County Hall, Glenfield", "status": "scheduled", "minutes_status": "none",
         "party_whip_declared": "unknown"},
    )  # fmt: skip
    meeting = Meeting.objects.get(organization=cabinet, starts_at__date="2022-06-21")
    assert response.status_code == 302 and response["Location"] == f"/staff/democracy/meetings/{meeting.pk}/"
    event = AuditEvent.objects.get(action="democracy.meeting.add")
    assert event.user == clerk and event.object_id == str(meeting.pk)


def test_a_meeting_ending_before_it_starts_is_refused_with_nothing_lost(demo, clerk_client):
    cabinet = Organization.objects.get(slug="cabinet")
    response = clerk_client.post(
        "/staff/democracy/records/meetings/new/",
        {"organization": cabinet.pk, "starts_at": "2022-06-21T14:00", "time_known": "on",
         "ends_at": "2022-06-21T13:00", "venue": "Typed by hand", "status": "scheduled", "minutes_status": "none"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "The meeting must end after it starts." in page
    assert 'value="Typed by hand"' in page
    assert not Meeting.objects.filter(venue="Typed by hand").exists()


def test_an_agenda_number_used_twice_is_refused(demo, clerk_client):
    meeting = council_meeting()
    response = clerk_client.post(
        "/staff/democracy/records/items/new/",
        {"meeting": meeting.pk, "number": 47, "sub_letter": "a", "title": "Again"},
    )
    assert response.status_code == 200
    assert "Item 47(a) is already on this meeting" in response.content.decode()
    assert not AgendaItem.objects.filter(title="Again").exists()


def test_a_decision_on_a_meeting_not_yet_held_is_refused(demo, clerk_client):
    cabinet = Organization.objects.get(slug="cabinet")
    future = Meeting.objects.create(
        organization=cabinet, starts_at=datetime.datetime(2099, 1, 5, 14, tzinfo=datetime.UTC)
    )
    item = AgendaItem.objects.create(meeting=future, number=1, title="Budget")
    response = clerk_client.post(
        "/staff/democracy/records/decisions/new/",
        {"item": item.pk, "decided_on_day": "5", "decided_on_month": "1", "decided_on_year": "2099",
         "outcome": "approved", "text": "Approved"},
    )  # fmt: skip
    assert "The meeting has not been held yet: record its decisions once it has met." in response.content.decode()


def test_a_record_others_refer_to_cannot_be_removed(demo, clerk_client):
    council = Organization.objects.get(name="Leicestershire County Council")
    response = clerk_client.post(f"/staff/democracy/records/bodies/{council.pk}/delete/")
    assert response.status_code == 200
    assert "cannot be removed while other records refer to it" in response.content.decode()
    assert Organization.objects.filter(pk=council.pk).exists()


def test_removing_an_item_is_audited_against_its_meeting(demo, clerk_client, clerk):
    item = AgendaItem.objects.get(meeting=council_meeting(), number=46)
    response = clerk_client.post(f"/staff/democracy/records/items/{item.pk}/delete/")
    assert response["Location"] == f"/staff/democracy/meetings/{council_meeting().pk}/"
    event = AuditEvent.objects.get(action="democracy.agendaitem.delete")
    assert event.object_id == str(council_meeting().pk)
    assert event.detail["record"].startswith("46. Position statements")


PARAGRAPH = """For the Motion
Mr Allen, Mr Ashman and Mrs A. Wright

Against the Motion
Mr Welsh"""


@pytest.fixture
def sale(demo):
    """A new item at the County Council meeting, with no vote recorded on it yet."""
    return AgendaItem.objects.create(meeting=council_meeting(), number=49, title="A motion")


def test_a_pasted_recorded_vote_is_checked_then_recorded(sale, clerk_client, clerk):
    path = f"/staff/democracy/items/{sale.pk}/recorded-vote/"
    data = {"kind": "motion", "result": "carried", "motion_text": "That it be approved.", "paragraph": PARAGRAPH}
    checked = clerk_client.post(path, data).content.decode()
    assert "Check the names" in checked and "Record this vote" in checked
    assert "Mrs. A. Wright CC" in checked
    assert not VoteEvent.objects.filter(item=sale).exists(), "checking records nothing"

    response = clerk_client.post(path, {**data, "confirm": "yes"})
    assert response.status_code == 302
    event = VoteEvent.objects.get(item=sale)
    assert (event.for_count, event.against_count, event.abstain_count, event.is_named) == (3, 1, 0, True)
    assert Vote.objects.get(vote_event=event, person__family_name="Welsh").option == "against"
    audit = AuditEvent.objects.get(action="democracy.voteevent.add")
    assert audit.user == clerk and audit.detail["for_count"] == 3


def test_an_ambiguous_name_is_shown_and_nothing_is_recorded(sale, clerk_client):
    path = f"/staff/democracy/items/{sale.pk}/recorded-vote/"
    data = {"kind": "motion", "result": "carried", "paragraph": PARAGRAPH.replace("Mrs A. Wright", "Mrs Wright"),
            "confirm": "yes"}  # fmt: skip
    page = clerk_client.post(path, data).content.decode()
    assert "The vote cannot be recorded as it stands" in page
    assert "“Mrs Wright” could be Mrs. A. Wright CC or Mrs. M. Wright CC" in page
    assert "Record this vote" not in page
    assert not VoteEvent.objects.filter(item=sale).exists()


def test_totals_that_disagree_are_refused(sale, clerk_client):
    path = f"/staff/democracy/items/{sale.pk}/recorded-vote/"
    paragraph = PARAGRAPH + "\nThe motion was carried, 4 members voting for the motion and 1 member against."
    data = {"kind": "motion", "result": "carried", "paragraph": paragraph, "confirm": "yes"}
    page = clerk_client.post(path, data).content.decode()
    assert "The minute says 4 members voted for, but 3 are named." in page
    assert not VoteEvent.objects.filter(item=sale).exists()


def test_an_empty_paste_says_what_to_paste(sale, clerk_client):
    page = clerk_client.post(f"/staff/democracy/items/{sale.pk}/recorded-vote/", {"result": "carried"}).content.decode()
    assert "Paste the recorded vote from the minutes" in page


def test_the_moderngov_import_runs_as_a_job_and_is_audited(db, clerk_client, clerk, django_capture_on_commit_callbacks):
    site = Site()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = clerk_client.post(
            "/staff/democracy/import/",
            {"url": site.url, "since_day": "1", "since_month": "12", "since_year": "2025",
             "until_day": "31", "until_month": "3", "until_year": "2026"},
        )  # fmt: skip
    finally:
        site.server.shutdown()
        site.server.server_close()
    job = Job.objects.get(subject="moderngov")
    assert response["Location"] == f"/staff/jobs/{job.pk}/"
    assert job.state == Job.State.SUCCEEDED
    assert Meeting.objects.filter(moderngov_id__in=[4966, 4967]).count() == 2
    audit = AuditEvent.objects.get(action="democracy.import_moderngov")
    assert audit.user == clerk and audit.detail["created"]["meetings"] == 2


def test_a_failed_import_says_what_was_wrong_and_imports_nothing(db, clerk_client, django_capture_on_commit_callbacks):
    site = Site()
    site.replace(("GetMeeting", "lMeetingId=4967"), b"<meetingstatus>Confirmed", b"<meetingstatus>Abandoned")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            clerk_client.post(
            "/staff/democracy/import/",
            {"url": site.url, "since_day": "1", "since_month": "12", "since_year": "2025",
             "until_day": "31", "until_month": "3", "until_year": "2026"},
        )  # fmt: skip
    finally:
        site.server.shutdown()
        site.server.server_close()
    job = Job.objects.get(subject="moderngov")
    assert job.state == Job.State.FAILED
    assert "Meeting 4967, meetingstatus: “Abandoned” is not a status this importer knows." in job.error_message
    assert Meeting.objects.count() == 0


def test_the_import_form_explains_bad_input(db, clerk_client):
    page = clerk_client.post(
        "/staff/democracy/import/",
        {"url": "ftp://example.org", "since_day": "1", "since_month": "4", "since_year": "2026",
         "until_day": "1", "until_month": "4", "until_year": "2025"},
    ).content.decode()  # fmt: skip
    assert "There is a problem" in page
    assert "Enter a web address" in page
    assert "Meetings until must be the same as or after meetings from" in page
    assert not Job.objects.exists()
