"""The public democratic records: bodies and their members, the meetings calendar, each
meeting with its agenda, attendance, declarations, minutes, decisions and votes, each member's
record, the replies still owed, the decisions list, and feeds of them (iCalendar, Atom, JSON).

An exempt item shows its title and its exemption paragraph and nothing more, wherever it
appears.
"""

import datetime

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from haveyoursay.calendars import CalendarFeed
from haveyoursay.decisions.models import (
    Attendance,
    Decision,
    Declaration,
    Meeting,
    Membership,
    Organization,
    Person,
    Question,
    Vote,
    VoteEvent,
)
from haveyoursay.govuk_forms import GovukDateField, GovukForm
from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.models import Consideration

PAGE_SIZE = 20


class MeetingFilterForm(GovukForm):
    body = forms.ModelChoiceField(
        queryset=Organization.objects.all(), to_field_name="slug", required=False, empty_label="All bodies"
    )


class DecisionFilterForm(GovukForm):
    body = forms.ModelChoiceField(
        queryset=Organization.objects.all(), to_field_name="slug", required=False, empty_label="All bodies"
    )
    outcome = forms.ChoiceField(choices=[("", "Any outcome"), *Decision.Outcome.choices], required=False)
    since = GovukDateField(label="Decided on or after", required=False)
    until = GovukDateField(label="Decided on or before", required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "Decided on or before must be the same as or after decided on or after")
        return data


def meetings_with_bodies():
    return Meeting.objects.select_related("organization")


@require_safe
def meetings(request):
    form = MeetingFilterForm(request.GET)
    selected = form.cleaned_data["body"] if form.is_valid() else None
    queryset = meetings_with_bodies()
    if selected:
        queryset = queryset.filter(organization=selected)
    now = timezone.now()
    upcoming = queryset.filter(starts_at__gte=now).order_by("starts_at")
    past = Paginator(queryset.filter(starts_at__lt=now).order_by("-starts_at"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "decisions/meetings.html",
        {"form": form, "selected": selected, "upcoming": upcoming, "past": past},
    )


def considered_consultations(lookup="considerations"):
    """The published consultations each item considered, for "Consultation considered: …"."""
    published = Consultation.public_objects.all()
    return Prefetch(
        lookup,
        queryset=Consideration.objects.filter(consultation__in=published).select_related("consultation"),
        to_attr="public_considerations",
    )


def agenda_for(meeting):
    """The meeting's items with everything each shows, in as few queries as the page needs."""
    return meeting.items.prefetch_related(
        considered_consultations(),
        "documents",
        "decisions",
        Prefetch("vote_events", queryset=VoteEvent.objects.select_related("moved_by", "seconded_by")),
        Prefetch("vote_events__votes", queryset=Vote.objects.select_related("person")),
        Prefetch("declarations", queryset=Declaration.objects.select_related("person")),
        Prefetch("questions", queryset=Question.objects.select_related("asked_by", "asked_of", "reply_owed_by")),
    )


@require_safe
def meeting(request, pk):
    meeting = get_object_or_404(meetings_with_bodies().select_related("minutes_confirmed_by__meeting"), pk=pk)
    attendance = list(meeting.attendance.select_related("person", "substitute_for"))
    groups = [
        (label, [a for a in attendance if a.status == status])
        for status, label in (
            (Attendance.Status.PRESENT, "Present"),
            (Attendance.Status.SUBSTITUTE, "Substitutes"),
            (Attendance.Status.APOLOGIES, "Apologies"),
            (Attendance.Status.ABSENT, "Absent"),
            (Attendance.Status.IN_ATTENDANCE, "In attendance"),
            (Attendance.Status.EXPECTED, "Expected"),
        )
    ]
    return render(
        request,
        "decisions/meeting.html",
        {
            "meeting": meeting,
            "items": agenda_for(meeting),
            "attendance_groups": [(label, people) for label, people in groups if people],
            "declarations": meeting.declarations.select_related("person", "item"),
        },
    )


@require_safe
def bodies(request):
    organizations = Organization.objects.annotate(meeting_count=Count("meetings")).select_related("parent")
    by_kind = {}
    for organization in organizations:
        by_kind.setdefault(organization.get_classification_display(), []).append(organization)
    return render(request, "decisions/bodies.html", {"groups": sorted(by_kind.items())})


@require_safe
def body(request, slug):
    organization = get_object_or_404(Organization.objects.select_related("parent"), slug=slug)
    today = timezone.localdate()
    members = Membership.objects.on(today).filter(organization=organization).select_related("person").order_by("role")
    now = timezone.now()
    return render(
        request,
        "decisions/body.html",
        {
            "body": organization,
            "members": sorted(
                members, key=lambda m: (m.role not in ("chair", "vice_chair"), m.role, m.person.family_name)
            ),
            "upcoming": organization.meetings.filter(starts_at__gte=now).order_by("starts_at")[:10],
            "recent": organization.meetings.filter(starts_at__lt=now).order_by("-starts_at")[:10],
            "children": organization.children.all(),
            "petitions": organization.petitions.select_related("debated_at"),
        },
    )


def attendance_rate(person):
    """(attended, expected) over the meetings a member was expected at that have been held."""
    held = Attendance.objects.filter(
        person=person, meeting__status=Meeting.Status.SCHEDULED, meeting__starts_at__lte=timezone.now()
    ).exclude(status__in=[Attendance.Status.IN_ATTENDANCE, Attendance.Status.EXPECTED])
    counted = held.aggregate(
        attended=Count("pk", filter=Q(status__in=Attendance.VOTING)),
        expected=Count("pk"),
    )
    return counted["attended"], counted["expected"]


@require_safe
def member(request, slug):
    person = get_object_or_404(Person, slug=slug)
    attended, expected = attendance_rate(person)
    return render(
        request,
        "decisions/member.html",
        {
            "person": person,
            "memberships": person.memberships.select_related("organization").order_by("-start_date", "organization"),
            "attended": attended,
            "expected": expected,
            "rate": round(100 * attended / expected) if expected else None,
            "votes": person.votes.select_related("vote_event__item__meeting__organization").order_by(
                "-vote_event__item__meeting__starts_at"
            ),
            "declarations": person.declarations.select_related("meeting__organization", "item").order_by(
                "-meeting__starts_at"
            ),
            "questions": person.questions_asked.select_related("meeting__organization").order_by("-meeting__starts_at"),
        },
    )


@require_safe
def replies_owed(request):
    today = timezone.localdate()
    owed = [(q, (today - timezone.localdate(q.meeting.starts_at)).days) for q in Question.objects.replies_owed()]
    return render(request, "decisions/replies_owed.html", {"owed": owed})


def filtered_decisions(form):
    queryset = Decision.objects.select_related("item__meeting__organization", "delegated_officer").prefetch_related(
        considered_consultations("item__considerations")
    )
    if not form.is_valid():
        return queryset
    data = form.cleaned_data
    if data.get("body"):
        queryset = queryset.filter(item__meeting__organization=data["body"])
    if data.get("outcome"):
        queryset = queryset.filter(outcome=data["outcome"])
    if data.get("since"):
        queryset = queryset.filter(decided_on__gte=data["since"])
    if data.get("until"):
        queryset = queryset.filter(decided_on__lte=data["until"])
    return queryset


@require_safe
def decisions(request):
    form = DecisionFilterForm(request.GET)
    queryset = filtered_decisions(form)  # a filter with an error is shown with its message, and not applied
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "decisions/decisions.html", {"form": form, "page": page})


# -- Feeds ------------------------------------------------------------------------------------------


# A cancelled meeting stays in subscribers' calendars, struck through; a postponed one is
# tentative until it has a new date; any other is confirmed.
CALENDAR_STATUS = {Meeting.Status.CANCELLED: "CANCELLED", Meeting.Status.POSTPONED: "TENTATIVE"}


@require_safe
def meetings_calendar(request, slug=None):
    """Meetings as iCalendar, for a calendar app to subscribe to: all bodies, or one."""
    queryset = meetings_with_bodies().order_by("starts_at")
    name = f"{settings.COUNCIL_NAME}: meetings"
    if slug is not None:
        organization = get_object_or_404(Organization, slug=slug)
        queryset = queryset.filter(organization=organization)
        name = f"{organization.name}: meetings"
    feed = CalendarFeed(request, product="meetings", name=name)
    for meeting in queryset:
        if meeting.time_known:
            start, end = meeting.starts_at, meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2)
        else:
            start = timezone.localdate(meeting.starts_at)
            end = start + datetime.timedelta(days=1)
        feed.add_event(
            f"meeting-{meeting.pk}", str(meeting.organization), start, end,
            location=meeting.venue or None,
            url=reverse("decisions:meeting", args=[meeting.pk]),
            status=CALENDAR_STATUS.get(meeting.status, "CONFIRMED"),
        )  # fmt: skip
    return feed.response("meetings.ics")


class DecisionFeed(Feed):
    """Decisions as they are recorded, newest first, as Atom."""

    feed_type = Atom1Feed

    def title(self):
        return f"{settings.COUNCIL_NAME}: decisions"

    def link(self):
        return reverse("decisions:decisions")

    def subtitle(self):
        return "Decisions of the council's bodies and officers, newest first."

    def items(self):
        return Decision.objects.select_related("item__meeting__organization", "delegated_officer")[:50]

    def item_title(self, decision):
        maker = decision.decision_maker
        title = decision.item.title if decision.item_id and not decision.item.is_exempt else "Decision"
        return f"{maker}: {title} – {decision.get_outcome_display()}"

    def item_description(self, decision):
        if decision.item_id and decision.item.is_exempt:
            return f"Taken in private ({decision.item.exemption_paragraph})."
        return decision.text

    def item_link(self, decision):
        if decision.item_id:
            return reverse("decisions:meeting", args=[decision.item.meeting_id]) + f"#item-{decision.item_id}"
        return reverse("decisions:decisions") + f"#decision-{decision.pk}"

    def item_pubdate(self, decision):
        day = decision.published_on or decision.decided_on
        return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=timezone.get_default_timezone())


decision_feed = require_safe(DecisionFeed())


@require_safe
def open_data(request):
    """Everything on these pages as JSON in Open Civic Data / Popolo shape, for reuse."""

    def url(name, *args):
        return request.build_absolute_uri(reverse(name, args=args))

    organizations = [
        {
            "id": f"organization/{o.slug}",
            "name": o.name,
            "classification": o.classification,
            "parent_id": f"organization/{o.parent.slug}" if o.parent_id else None,
            "sources": [{"url": url("decisions:body", o.slug)}],
        }
        for o in Organization.objects.select_related("parent")
    ]
    people = [
        {
            "id": f"person/{p.slug}",
            "name": p.name,
            "honorific_prefix": p.honorific_prefix,
            "given_name": p.given_name,
            "family_name": p.family_name,
            "honorific_suffix": p.honorific_suffix,
            "party": p.party,
            "division": p.division,
            "sources": [{"url": url("decisions:member", p.slug)}],
        }
        for p in Person.objects.all()
    ]
    memberships = [
        {
            "person_id": f"person/{m.person.slug}",
            "organization_id": f"organization/{m.organization.slug}",
            "role": m.get_role_display(),
            "start_date": m.start_date.isoformat() if m.start_date else None,
            "end_date": m.end_date.isoformat() if m.end_date else None,
        }
        for m in Membership.objects.select_related("person", "organization")
    ]
    events = []
    for meeting in meetings_with_bodies().prefetch_related("items__documents", "items__decisions"):
        agenda = []
        for item in meeting.items.all():
            entry = {"id": f"item/{item.pk}", "order": item.display_number, "description": item.title}
            if item.is_exempt:
                entry["exempt"] = item.exemption_paragraph or True
            else:
                entry["documents"] = [{"note": d.title, "url": d.url} for d in item.documents.all() if d.url]
                entry["decisions"] = [{"outcome": d.outcome, "text": d.text} for d in item.decisions.all()]
            agenda.append(entry)
        events.append(
            {
                "id": f"event/{meeting.pk}",
                "name": str(meeting),
                "classification": "meeting",
                "organization_id": f"organization/{meeting.organization.slug}",
                "start_date": meeting.starts_at.isoformat()
                if meeting.time_known
                else str(timezone.localdate(meeting.starts_at)),
                "end_date": meeting.ends_at.isoformat() if meeting.ends_at else None,
                "location": {"name": meeting.venue},
                "status": {"scheduled": "confirmed"}.get(meeting.status, meeting.status),
                "agenda": agenda,
                "sources": [{"url": url("decisions:meeting", meeting.pk)}],
            }
        )
    vote_events = []
    for event in VoteEvent.objects.select_related("item__meeting", "moved_by", "seconded_by").prefetch_related(
        Prefetch("votes", queryset=Vote.objects.select_related("person"))
    ):
        if event.item.is_exempt:
            continue
        counts = [
            {"option": option, "value": value}
            for option, value in (
                ("yes", event.for_count),
                ("no", event.against_count),
                ("abstain", event.abstain_count),
            )
            if value is not None
        ]
        vote_events.append(
            {
                "id": f"vote_event/{event.pk}",
                "event_id": f"event/{event.item.meeting_id}",
                "motion": {"text": event.motion_text, "classification": event.kind},
                "result": {"carried": "pass", "lost": "fail"}[event.result],
                "counts": counts,
                "votes": [
                    {
                        "voter_id": f"person/{v.person.slug}",
                        "option": {"for": "yes", "against": "no"}.get(v.option, v.option),
                    }
                    for v in event.votes.all()
                ],
            }
        )
    return JsonResponse(
        {
            "organizations": organizations,
            "people": people,
            "memberships": memberships,
            "events": events,
            "vote_events": vote_events,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )
