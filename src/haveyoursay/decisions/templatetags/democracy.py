"""Template filters for the democratic records."""

from django import template
from django.utils.safestring import mark_safe

from haveyoursay.decisions.moderngov import clean_html

register = template.Library()


@register.filter(is_safe=True)
def minute_html(text):
    """Agenda text and minutes, sanitised again as they are shown, wherever they came from."""
    return mark_safe(clean_html(text or ""))
