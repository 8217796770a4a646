"""Template filters every page uses: dates as UK councils write them, and rich text."""

import datetime
from functools import lru_cache

import markdown
import nh3
from django import template
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import mark_safe

register = template.Library()

# What Markdown written by staff may become on a public page; everything else is removed.
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "a", "strong", "em", "b", "i",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "hr", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}


@lru_cache(maxsize=512)
def render_markdown(text):
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    # Headings typed as "# Title" would compete with the page's own h1: start at h2.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


@register.filter(is_safe=True)
def rich_text(text):
    """Markdown typed by staff, as sanitised HTML."""
    return mark_safe(render_markdown(text))


def uk_date(value):
    return format_date(value, "j F Y")


def date_range_text(opens_on, closes_on):
    """"6 June – 31 July 2022"; "1 November 2021 – 18 February 2022"."""
    if opens_on is None:
        return "Dates to be confirmed"
    if closes_on is None:
        return f"From {uk_date(opens_on)}"
    if opens_on.year == closes_on.year:
        return f"{format_date(opens_on, 'j F')} – {uk_date(closes_on)}"
    return f"{uk_date(opens_on)} – {uk_date(closes_on)}"


@register.filter
def date_range(consultation):
    return date_range_text(consultation.opens_on, consultation.closes_on)


def days_phrase(days, verb):
    if days == 0:
        return f"{verb} today"
    if days == 1:
        return f"{verb} tomorrow"
    return f"{verb} in {days} days"


def closing_text(consultation):
    """"closes at 11:59pm on 5 January 2026", or "closed at …" once it has."""
    if consultation.closes_on is None:
        return "closing date not set"
    verb = "closed" if consultation.status == "closed" else "closes"
    return f"{verb} at {clock(consultation.closes_at_time)} on {uk_date(consultation.closes_on)}"


@register.filter
def closing(consultation):
    return closing_text(consultation)


@register.filter
def timing(consultation):
    """"Closes in 12 days", "Closes today", "Opens tomorrow", "Closed 31 July 2022"."""
    if consultation.days_left is not None:
        return days_phrase(consultation.days_left, "Closes")
    if consultation.days_until_opens is not None:
        return days_phrase(consultation.days_until_opens, "Opens")
    if consultation.status == "closed":
        return f"Closed {uk_date(consultation.closes_on)}"
    if consultation.status == "forthcoming":
        return "Opening date to be confirmed"
    return ""


@register.filter
def clock(value):
    """Times as GOV.UK writes them: "10am", "2:30pm", "midday", "midnight"."""
    if not isinstance(value, datetime.time):
        value = timezone.localtime(value)
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


STATUS_TAG_CLASSES = {
    "open": "govuk-tag--green",
    "forthcoming": "govuk-tag--blue",
    "closed": "govuk-tag--grey",
    "draft": "govuk-tag--yellow",
    "scheduled": "govuk-tag--purple",
}


@register.filter
def status_tag_class(status):
    return STATUS_TAG_CLASSES.get(status, "")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed: for pagination links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def fields_of(form, question):
    """The bound fields a question put on a page form (one, or one per statement or option)."""
    return [form[name] for name in form.field_names[question.pk]]
