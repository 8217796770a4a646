"""Following consultations from elsewhere: the closing dates as iCalendar (all, or one topic's),
each topic's consultations as Atom, both linked from the hub; and the meeting and decision pages
linking back to the consultations they considered."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from icalendar import Calendar

from haveyoursay.decisions.models import AgendaItem, Decision, Meeting, Organization
from haveyoursay.outcomes.models import ClosingDateChange, Consideration
from tests.factories import make_consultation, make_topic

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def topics():
    return make_topic("Council plans and budgets"), make_topic("Environment and waste")


@pytest.fixture
def consultations(topics):
    plans, environment = topics
    strategic_plan = make_consultation(status="open", title="Strategic Plan 2022-2026")
    strategic_plan.topics.add(plans)
    net_zero = make_consultation(status="forthcoming", title="Net Zero 2045")
    net_zero.topics.add(environment)
    draft = make_consultation(status="open", published=False, title="Draft budget")
    draft.topics.add(plans)
    return strategic_plan, net_zero, draft


def events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(event["summary"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_calendar_has_each_published_closing_date_as_an_all_day_event(client, consultations):
    strategic_plan, net_zero, _ = consultations
    found = events(client.get("/consultations.ics"))
    assert set(found) == {"Closing date: Strategic Plan 2022-2026", "Closing date: Net Zero 2045"}
    event = found["Closing date: Strategic Plan 2022-2026"]
    assert event.decoded("dtstart") == strategic_plan.closes_on
    assert event.decoded("dtend") == strategic_plan.closes_on + datetime.timedelta(days=1)
    assert str(event["url"]) == f"http://testserver/consultations/{strategic_plan.slug}/"
    assert str(event["description"]).startswith(f"Closes at 11:59pm on {strategic_plan.closes_on:%-d %B %Y}.")
    assert str(event["uid"]) == f"consultation-{strategic_plan.pk}-closes@testserver"


def test_an_extended_closing_date_updates_the_same_event(client, consultations):
    strategic_plan = consultations[0]
    later = strategic_plan.closes_on + datetime.timedelta(days=28)
    ClosingDateChange.objects.create(
        consultation=strategic_plan, previous_closes_on=strategic_plan.closes_on, closes_on=later, reason="More time."
    )
    strategic_plan.closes_on = later
    strategic_plan.save()
    event = events(client.get("/consultations.ics"))["Closing date: Strategic Plan 2022-2026"]
    assert event.decoded("dtstart") == later
    assert event["sequence"] == 1
    assert str(event["uid"]) == f"consultation-{strategic_plan.pk}-closes@testserver"


def test_a_topic_calendar_has_only_that_topics_published_consultations(client, consultations):
    found = events(client.get("/topics/council-plans-and-budgets/consultations.ics"))
    assert set(found) == {"Closing date: Strategic Plan 2022-2026"}
    assert client.get("/topics/no-such-topic/consultations.ics").status_code == 404


def test_a_topic_feed_is_atom_of_that_topics_published_consultations(client, consultations):
    response = client.get("/topics/council-plans-and-budgets/consultations.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text.endswith("consultations on Council plans and budgets")
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Strategic Plan 2022-2026"]
    assert entries[0].find(f"{ATOM}category").get("term") == "Council plans and budgets"
    assert client.get("/topics/no-such-topic/consultations.atom").status_code == 404


def test_the_hub_links_to_the_calendar_and_each_topics_feeds(client, consultations):
    page = client.get("/").content.decode()
    assert '<link rel="alternate" type="text/calendar"' in page and 'href="/consultations.ics"' in page
    assert "Add consultation closing dates to your calendar (iCalendar)" in page
    assert 'href="/topics/environment-and-waste/consultations.atom"' in page
    assert 'href="/topics/council-plans-and-budgets/consultations.ics"' in page
    filtered = client.get("/", {"topic": "council-plans-and-budgets"}).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Have your say: consultations on Council plans '
        'and budgets" href="/topics/council-plans-and-budgets/consultations.atom">'
    ) in filtered


def test_the_meetings_page_offers_the_closing_dates_beside_its_calendar(client):
    page = client.get("/meetings/").content.decode()
    assert 'href="/consultations.ics">Consultation closing dates (iCalendar)</a>' in page


@pytest.fixture
def considered(consultations):
    strategic_plan, _, draft = consultations
    cabinet = Organization.objects.create(name="Cabinet", classification=Organization.Classification.EXECUTIVE)
    meeting = Meeting.objects.create(organization=cabinet, starts_at=timezone.now() - datetime.timedelta(days=2))
    item = AgendaItem.objects.create(meeting=meeting, number=1, title="Strategic Plan (2022-26)")
    Decision.objects.create(
        item=item, decided_on=timezone.localdate(meeting.starts_at), outcome=Decision.Outcome.APPROVED,
        text="The Cabinet approved the Strategic Plan.",
    )  # fmt: skip
    Consideration.objects.create(consultation=strategic_plan, item=item, stage=Consideration.Stage.DECISION)
    Consideration.objects.create(consultation=draft, item=item, stage=Consideration.Stage.DECISION)
    return meeting, strategic_plan


def test_a_meeting_item_links_back_to_the_published_consultations_it_considered(client, considered):
    meeting, strategic_plan = considered
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert (
        f'Consultation considered: <a class="govuk-link" href="/consultations/{strategic_plan.slug}/">'
        "Strategic Plan 2022-2026</a>"
    ) in page
    assert "Draft budget" not in page


def test_the_decisions_list_links_back_to_the_consultation(client, considered):
    _, strategic_plan = considered
    page = client.get("/decisions/").content.decode()
    assert f'href="/consultations/{strategic_plan.slug}/">Strategic Plan 2022-2026</a>' in page
    assert "Draft budget" not in page


def test_the_decisions_list_asks_the_same_number_of_queries_however_many_decisions(
    client, considered, django_assert_max_num_queries
):
    meeting, _ = considered
    for number in range(2, 12):
        item = AgendaItem.objects.create(meeting=meeting, number=number, title=f"Item {number}")
        Decision.objects.create(
            item=item, decided_on=timezone.localdate(meeting.starts_at), outcome="noted", text="Noted."
        )
    with django_assert_max_num_queries(12):
        client.get("/decisions/")
