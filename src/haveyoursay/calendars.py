"""The site's iCalendar feeds (meetings, consultation closing dates), built one way: a calendar
named for what it holds, each event with a UID stable across downloads (so a calendar app
updates the event rather than adding another) and one DTSTAMP, the moment it was made."""

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event


class CalendarFeed:
    """One iCalendar download: add its events, then serve it with `response()`."""

    def __init__(self, request, *, product, name):
        self.request = request
        self.host = request.get_host().split(":")[0]
        self.stamp = timezone.now()
        self.calendar = Calendar()
        self.calendar.add("prodid", f"-//haveyoursay//{product}//EN")
        self.calendar.add("version", "2.0")
        self.calendar.add("x-wr-calname", name)

    def add_event(self, uid, summary, start, end, **properties):
        """An event from `start` to `end` (dates for a whole day, datetimes for a time), with
        other `properties` by name (`last_modified` for LAST-MODIFIED; `url` a path on this
        site; None for one this event doesn't have). `uid` is made unique to this site."""
        event = Event()
        event.add("uid", f"{uid}@{self.host}")
        event.add("summary", summary)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("dtstamp", self.stamp)
        for name, value in properties.items():
            if value is None:
                continue
            if name == "url":
                value = self.request.build_absolute_uri(value)
            event.add(name.replace("_", "-"), value)
        self.calendar.add_component(event)

    def response(self, filename):
        response = HttpResponse(self.calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response
