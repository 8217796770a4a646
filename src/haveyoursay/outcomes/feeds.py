"""Feeds to follow consultations from elsewhere: closing dates as iCalendar, beside the meetings
calendar, and each topic's consultations as Atom, beside the hub's own feed. All of them, or one
topic's."""

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from haveyoursay.hub.models import Consultation, Topic
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.hub.views import ConsultationFeed, cached_public_page


def closing_dates_calendar(request, slug=None):
    """Each published consultation's closing day as an all-day event, with the closing time in
    its description. A moved closing date updates the same event (same UID, a higher SEQUENCE)."""
    consultations = Consultation.public_objects.filter(closes_on__isnull=False).order_by("closes_on", "title")
    name = f"{settings.COUNCIL_NAME}: consultation closing dates"
    if slug is not None:
        topic = get_object_or_404(Topic, slug=slug)
        consultations = consultations.filter(topics=topic)
        name = f"{settings.COUNCIL_NAME}: {topic.name} consultation closing dates"
    calendar = Calendar()
    calendar.add("prodid", "-//haveyoursay//consultation closing dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = request.get_host().split(":")[0]
    stamp = timezone.now()
    for consultation in consultations.prefetch_related("closing_date_changes"):
        event = Event()
        event.add("uid", f"consultation-{consultation.pk}-closes@{host}")
        event.add("summary", f"Closing date: {consultation.title}")
        event.add("dtstart", consultation.closes_on)
        event.add("dtend", consultation.closes_on + datetime.timedelta(days=1))
        event.add("dtstamp", stamp)
        event.add("last-modified", consultation.updated_at)
        event.add("sequence", len(consultation.closing_date_changes.all()))
        event.add("transp", "TRANSPARENT")
        event.add(
            "description",
            f"Closes at {clock(consultation.closes_at_time)} on {uk_date(consultation.closes_on)}. "
            f"{consultation.summary}",
        )
        event.add("url", request.build_absolute_uri(consultation.get_absolute_url()))
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="consultations.ics"'
    return response


class TopicConsultationFeed(ConsultationFeed):
    """One topic's consultations, newest first, as Atom: the hub's feed at an address that stays put."""

    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{settings.SITE_NAME}: {settings.COUNCIL_NAME} consultations on {topic.name}"

    def link(self, topic):
        return reverse("hub:index") + f"?topic={topic.slug}"

    def subtitle(self, topic):
        return f"Consultations and engagements on {topic.name}, newest first."

    def items(self, topic):
        return (
            Consultation.public_objects.filter(topics=topic).order_by("-published_at").prefetch_related("topics")[:50]
        )


closing_dates = require_safe(cached_public_page(closing_dates_calendar))
topic_feed = require_safe(cached_public_page(TopicConsultationFeed()))
