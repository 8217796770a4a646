"""Feeds to follow consultations from elsewhere: closing dates as iCalendar, beside the meetings
calendar, and each topic's consultations as Atom, beside the hub's own feed. All of them, or one
topic's."""

import datetime

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from haveyoursay.calendars import CalendarFeed
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
    feed = CalendarFeed(request, product="consultation closing dates", name=name)
    for consultation in consultations.prefetch_related("closing_date_changes"):
        feed.add_event(
            f"consultation-{consultation.pk}-closes",
            f"Closing date: {consultation.title}",
            consultation.closes_on,
            consultation.closes_on + datetime.timedelta(days=1),
            last_modified=consultation.updated_at,
            sequence=len(consultation.closing_date_changes.all()),
            transp="TRANSPARENT",
            description=f"Closes at {clock(consultation.closes_at_time)} on {uk_date(consultation.closes_on)}. "
            f"{consultation.summary}",
            url=consultation.get_absolute_url(),
        )
    return feed.response("consultations.ics")


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
