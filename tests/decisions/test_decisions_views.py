"""The public democratic records on the demo's real minutes: the meetings calendar, a meeting with
its attendance, declarations, questions, decisions and recorded vote, a member's record, the
replies still owed, the decisions list, and the iCalendar, Atom and JSON feeds. Exempt items show
their title and exemption and nothing more."""

import datetime
import json

import pytest
from icalendar import Calendar

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.decisions.models import AgendaDocument, AgendaItem, Meeting, Organization, Person, Question, Vote


@pytest.fixture
def demo(db):
    load_demo_records()


def council_meeting():
    return Meeting.objects.get(organization__name="Leicestershire County Council", starts_at__date="2022-02-23")


def test_the_calendar_lists_every_meeting_and_filters_by_body(client, demo):
    page = client.get("/meetings/").content.decode()
    assert page.count('class="hys-meeting-list__item"') == 7
    assert "Wednesday 23 February 2022, 2pm to 4:10pm" in page
    cabinet = client.get("/meetings/", {"body": "cabinet"}).content.decode()
    assert cabinet.count('class="hys-meeting-list__item"') == 2
    assert "Health Overview and Scrutiny Committee</a>" not in cabinet


def test_an_unknown_body_in_the_filter_shows_all_meetings_with_a_message(client, demo):
    response = client.get("/meetings/", {"body": "no-such-body"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.content.decode().count('class="hys-meeting-list__item"') == 7


def test_the_meeting_page_shows_attendance_declarations_the_question_and_the_recorded_vote(client, demo):
    page = client.get(f"/meetings/{council_meeting().pk}/").content.decode()
    assert "Present (51)" in page
    assert "Mr. D. Harrison CC</a> – Chairman" in page
    assert "as his family operated a taxi business" in page
    assert "Question by <a" in page and "Mr. Max Hunt CC</a> to Mr. M. T. Mullaney CC, Chairman of the Scrutiny" in page
    assert "Motion carried</strong>: 40 for, 11 against." in page
    assert "Moved by Mr. L. Breckon JP CC, seconded by Mr. R. J. Shepherd CC." in page
    assert "How each member voted (recorded vote)" in page
    pain_row = page[page.index("Mr. B. L. Pain CC</a></td>") :][:120]
    assert "For</td>" in pain_row
    welsh_row = page[page.index("Mr. G. Welsh CC</a></td>") :][:120]
    assert "Against</td>" in welsh_row
    assert "Confirmed minutes: confirmed at the" in page
    # The minutes' words as the council printed them: a link, not a link in Markdown's angle brackets.
    link = "https://politics.leics.gov.uk/ieListDocuments.aspx?CId=1045&amp;MId=6431&amp;Ver=4"
    assert f'<a href="{link}" rel="nofollow">{link}</a>' in page
    assert "&lt;https://" not in page and "&lt;u&gt;" not in page
    assert "<p>(i) Current data access to primary care services" in page and "<p>- (" not in page


def test_a_meeting_without_a_recorded_time_says_so(client, demo):
    cabinet = Meeting.objects.get(organization__slug="cabinet", starts_at__date="2022-03-29")
    page = client.get(f"/meetings/{cabinet.pk}/").content.decode()
    assert '<h1 class="govuk-heading-l">Tuesday 29 March 2022</h1>' in page
    assert "Not given in the records we hold" in page
    assert "approved the Strategic Plan" in page


def test_an_exempt_item_shows_only_its_title_and_exemption(client, demo):
    meeting = council_meeting()
    secret = AgendaItem.objects.create(
        meeting=meeting, number=49, title="Disposal of land at County Hall", is_exempt=True,
        exemption_paragraph="Paragraph 3 of Part 1 of Schedule 12A", text="<p>The asking price is</p>",
        minutes="<p>The offer accepted was</p>",
    )  # fmt: skip
    AgendaDocument.objects.create(item=secret, title="Valuation report", url="https://example.org/valuation.pdf")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Disposal of land at County Hall" in page
    assert "Exempt under Paragraph 3 of Part 1 of Schedule 12A." in page
    for hidden in ("The asking price is", "The offer accepted was", "Valuation report", "valuation.pdf"):
        assert hidden not in page
    data = client.get("/open-data/democracy.json").content.decode()
    assert "Disposal of land at County Hall" in data
    for hidden in ("The asking price is", "The offer accepted was", "valuation.pdf"):
        assert hidden not in data


def test_minutes_are_sanitised_when_shown(client, demo):
    meeting = council_meeting()
    AgendaItem.objects.create(meeting=meeting, number=50, title="Any other business",
                              minutes='<p onclick="x()">Noted.</p><script>alert(1)</script>')  # fmt: skip
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "<p>Noted.</p>" in page
    assert "alert(1)" not in page and "onclick" not in page


def test_a_members_page_shows_roles_attendance_votes_and_declarations(client, demo):
    pain = Person.objects.get(family_name="Pain")
    page = client.get(f"/members/{pain.slug}/").content.decode()
    assert '<h1 class="govuk-heading-xl">Mr. B. L. Pain CC</h1>' in page
    assert "100%: attended 1 of the 1 meeting recorded here" in page
    assert "Member, <a" in page and "Leicestershire County Council</a>" in page
    assert "Medium Term Financial Strategy 2022/23 - 2025/26</a></td>" in page
    assert '<td class="govuk-table__cell">For</td>' in page
    assert "as his family operated a taxi business" in page


def test_replies_still_owed_are_listed_until_the_reply_is_recorded(client, demo):
    page = client.get("/replies-owed/").content.decode()
    assert "Asked by Mrs. A. J. Hack CC. Reply owed by Mr. P. King CC, chairman, from the clinical" in page
    assert "In Braunstone Division" in page
    owed = Question.objects.replies_owed().get()
    owed.written_reply = "The Clinical Commissioning Groups replied as follows."
    owed.written_reply_on = datetime.date(2021, 10, 1)
    owed.save()
    assert "No replies are owed." in client.get("/replies-owed/").content.decode()


def test_decisions_can_be_filtered_by_body_outcome_and_date(client, demo):
    assert client.get("/decisions/").content.decode().count('id="decision-') == 4
    assert client.get("/decisions/", {"body": "cabinet"}).content.decode().count('id="decision-') == 2
    since = {"since_day": "1", "since_month": "1", "since_year": "2022"}
    page = client.get("/decisions/", since).content.decode()
    assert page.count('id="decision-') == 3
    assert "Draft Strategic Plan" not in page
    assert client.get("/decisions/", {"outcome": "rejected"}).content.decode().count('id="decision-') == 0


def test_a_date_filter_that_is_not_a_date_is_explained(client, demo):
    response = client.get("/decisions/", {"since_day": "31", "since_month": "2", "since_year": "2022"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Decided on or after must be a real date" in page


def test_the_meetings_calendar_is_icalendar(client, demo):
    response = client.get("/meetings.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 7
    february = next(
        e for e in events if e.decoded("dtstart") == datetime.datetime(2022, 2, 23, 14, 0, tzinfo=datetime.UTC)
    )
    assert str(february["summary"]) == "Leicestershire County Council"
    assert str(february["location"]) == "County Hall, Glenfield"
    assert february.decoded("dtend") == datetime.datetime(2022, 2, 23, 16, 10, tzinfo=datetime.UTC)
    untimed = [e for e in events if isinstance(e.decoded("dtstart"), datetime.date)
               and not isinstance(e.decoded("dtstart"), datetime.datetime)]  # fmt: skip
    assert len(untimed) == 5, "meetings whose time the minutes don't give are all-day events"
    cabinet = Calendar.from_ical(client.get("/bodies/cabinet/meetings.ics").content).walk("VEVENT")
    assert {str(e["summary"]) for e in cabinet} == {"Cabinet"}


def test_decisions_are_an_atom_feed(client, demo):
    response = client.get("/decisions.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert feed.count("<entry>") == 4
    assert "Leicestershire County Council: Report of the Cabinet: Medium Term Financial Strategy" in feed


def test_the_open_data_is_open_civic_data_shaped(client, demo):
    data = json.loads(client.get("/open-data/democracy.json").content)
    assert {"organizations", "people", "memberships", "events", "vote_events"} <= set(data)
    mtfs = next(v for v in data["vote_events"] if {"option": "yes", "value": 40} in v["counts"])
    assert {"option": "no", "value": 11} in mtfs["counts"]
    assert mtfs["result"] == "pass"
    assert len(mtfs["votes"]) == 51
    assert {"voter_id": "person/b-l-pain", "option": "yes"} in mtfs["votes"]
    assert any(o["name"] == "Health Overview and Scrutiny Committee" for o in data["organizations"])


def test_the_demo_loads_once_however_often_it_runs(demo):
    before = (Organization.objects.count(), Person.objects.count(), Meeting.objects.count(), Vote.objects.count())
    load_demo_records()
    assert (
        Organization.objects.count(),
        Person.objects.count(),
        Meeting.objects.count(),
        Vote.objects.count(),
    ) == before
    assert before[3] == 51


def test_the_body_page_lists_members_with_their_roles(client, demo):
    page = client.get("/bodies/health-overview-and-scrutiny-committee/").content.decode()
    assert "Mr. P. King CC</a> – Chair" in page
    assert page.index("Mr. P. King CC") < page.index("Mr. S. L. Bray CC"), "the chair comes first"


def test_a_bodys_petitions_are_listed_without_petitioners(client, demo):
    from haveyoursay.decisions.models import Petition

    hosc = Organization.objects.get(slug="health-overview-and-scrutiny-committee")
    Petition.objects.create(
        title="Keep the Park Drive surgery open", organization=hosc, signatures=1250,
        received_on=datetime.date(2021, 8, 2), response="The committee asked the CCGs to report back.",
        debated_at=Meeting.objects.get(organization=hosc),
    )  # fmt: skip
    page = client.get(f"/bodies/{hosc.slug}/").content.decode()
    assert "Keep the Park Drive surgery open" in page
    assert "1,250 signatures, received 2 August 2021; debated at the" in page
    assert "The committee asked the CCGs to report back." in page
