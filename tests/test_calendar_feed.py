"""The one way the site builds an iCalendar download, shared by the meetings calendar and the
consultation closing dates (their own tests are in decisions/ and outcomes/)."""

import datetime

from django.test import RequestFactory
from icalendar import Calendar

from haveyoursay.calendars import CalendarFeed


def built(settings, **extra):
    settings.ALLOWED_HOSTS = ["consult.example.gov.uk"]
    request = RequestFactory().get("/meetings.ics", HTTP_HOST="consult.example.gov.uk:8443")
    feed = CalendarFeed(request, product="meetings", name="Leicestershire County Council: meetings")
    feed.add_event("meeting-1", "Cabinet", datetime.date(2022, 3, 29), datetime.date(2022, 3, 30),
                   location=None, url="/meetings/1/", status="CONFIRMED")  # fmt: skip
    feed.add_event("meeting-2", "Leicestershire County Council", datetime.date(2022, 2, 23),
                   datetime.date(2022, 2, 24), last_modified=datetime.datetime(2022, 2, 1, tzinfo=datetime.UTC),
                   **extra)  # fmt: skip
    return feed.response("meetings.ics")


def test_it_names_the_calendar_and_serves_it_inline_as_text_calendar(settings):
    response = built(settings)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="meetings.ics"'
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["prodid"]) == "-//haveyoursay//meetings//EN"
    assert str(calendar["x-wr-calname"]) == "Leicestershire County Council: meetings"


def test_each_event_has_a_uid_unique_to_the_site_and_the_same_stamp(settings):
    events = Calendar.from_ical(built(settings).content).walk("VEVENT")
    assert [str(event["uid"]) for event in events] == [
        "meeting-1@consult.example.gov.uk", "meeting-2@consult.example.gov.uk",
    ]  # fmt: skip
    assert events[0]["dtstamp"].dt == events[1]["dtstamp"].dt


def test_properties_are_kept_with_full_addresses_and_none_left_out(settings):
    first, second = Calendar.from_ical(built(settings).content).walk("VEVENT")
    assert {name for name, _ in first.property_items(recursive=False)} - {"BEGIN", "END"} == {
        "UID", "SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "URL", "STATUS",
    }  # fmt: skip
    assert str(first["url"]) == "http://consult.example.gov.uk:8443/meetings/1/"
    assert "LOCATION" not in first
    assert second["last-modified"].dt == datetime.datetime(2022, 2, 1, tzinfo=datetime.UTC)
    assert first["dtstart"].dt == datetime.date(2022, 3, 29)
