"""The decision trail in templates: a consultation's timeline, and the feeds of each topic."""

from django import template

from haveyoursay.hub.models import Consultation, Topic
from haveyoursay.outcomes.timeline import timeline_for

register = template.Library()


@register.simple_tag
def timeline(consultation):
    """{% timeline consultation as entries %}: its dated steps so far, oldest first."""
    return timeline_for(consultation)


@register.simple_tag
def considerations_of(consultation):
    """{% considerations_of consultation as links %}: the meeting items linked to it, in date order."""
    return consultation.considerations.select_related("item__meeting__organization")


@register.simple_tag
def topics_with_consultations():
    """The topics that have a published consultation, for their feeds."""
    return Topic.objects.filter(consultations__in=Consultation.public_objects.all()).distinct()


@register.filter
def item_number(item):
    """ "8(a)", "1": an agenda item's number as a sentence names it."""
    return item.display_number.rstrip(".")
