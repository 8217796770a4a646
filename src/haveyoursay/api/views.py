"""The read-only JSON API, version 1: consultations with their timelines and "We did", and the
democratic records (bodies, people, meetings with their agendas, decisions and votes).

Every operation is a GET (HEAD too), public, and sends nothing the public pages don't show. The
OpenAPI description is made from these functions and `api/schemas.py`, and served beside them.
"""

import math
import re

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError

from haveyoursay.api import schemas
from haveyoursay.api.shaping import Shaper
from haveyoursay.decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Organization,
    Person,
    Vote,
    VoteEvent,
)
from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.outcomes.timeline import timeline_for

DESCRIPTION = """Consultations, their timelines and what the council did about what people said,
and the council’s meetings, decisions and votes, as JSON. Read-only and open to all: no key is
needed. Nothing personal about anyone who responded to a consultation is ever included.
Meetings and votes follow Open Civic Data’s Event and VoteEvent; bodies and people, Popolo."""

api = NinjaAPI(
    title="Have your say open data API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)

NOT_FOUND = {404: schemas.Error}
BAD_QUERY = {422: schemas.Error}
SLUG = re.compile(schemas.SLUG_PATTERN)


def parameter_of(location):
    """The parameter an error is about, from pydantic's location: ("query", "status", 0) is status."""
    names = [part for part in location[1:] if isinstance(part, str) and part != "filters"]
    return names[0] if names else ""


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    errors = [{"parameter": parameter_of(e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors]
    message = "; ".join(f"{e['parameter'] or 'The request'}: {e['message']}" for e in errors)
    return api.create_response(request, {"message": message, "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"message": str(exc) or "Not found", "errors": []}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"message": str(exc), "errors": []}, status=exc.status_code)


def page_of(request, queryset, query, shape):
    """One page of `queryset`, each shaped by `shape`, with links to the pages either side."""
    count = queryset.count()
    start = (query.page - 1) * query.limit
    results = [shape(row) for row in queryset[start : start + query.limit]] if start < count else []

    def link(page):
        parameters = request.GET.copy()
        parameters["page"] = page
        return request.build_absolute_uri(f"{request.path}?{parameters.urlencode()}")

    pages = math.ceil(count / query.limit)
    return {
        "count": count,
        "page": query.page,
        "limit": query.limit,
        "pages": pages,
        "next": link(query.page + 1) if query.page < pages else None,
        "previous": link(min(query.page - 1, pages)) if query.page > 1 and pages else None,
        "results": results,
    }


def by_slug(queryset, slug, what):
    """The row of `queryset` with `slug`; 404 for none, or for text that can't be a slug."""
    if SLUG.match(slug):
        found = queryset.filter(slug=slug).first()
        if found is not None:
            return found
    raise Http404(f"There is no {what} {slug!r}")


def by_id(queryset, pk, what):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404(f"There is no {what} {pk}")
    return found


def with_labels(consultations):
    return consultations.prefetch_related("topics", "areas", "partners")


# -- Consultations ----------------------------------------------------------------------------


@api.get(
    "/consultations",
    response={200: schemas.ConsultationPage, **BAD_QUERY},
    url_name="consultations",
    operation_id="consultations",
    tags=["Consultations"],
    summary="Consultations",
)
def consultations(request, filters: Query[schemas.ConsultationQuery]):
    """Published consultations, open ones first (soonest closing), then forthcoming, then closed
    (most recently closed first)."""
    queryset = Consultation.public_objects.all()
    if filters.status:
        queryset = queryset.with_status(filters.status)
    if filters.topic:
        queryset = queryset.filter(topics__slug=filters.topic)
    if filters.area:
        queryset = queryset.filter(areas__slug=filters.area)
    queryset = with_labels(queryset.distinct().in_hub_order())
    return page_of(request, queryset, filters, Shaper(request).consultation_summary)


@api.get(
    "/consultations/{slug}",
    response={200: schemas.ConsultationDetail, **NOT_FOUND},
    url_name="consultation",
    operation_id="consultation",
    tags=["Consultations"],
    summary="A consultation",
)
def consultation(request, slug: str = Path(..., description="The consultation’s id (its slug).")):
    """A consultation with its documents, dates, how to respond, how many responses count, its
    timeline from approval to decision, and "You said, we did" once the outcome is published."""
    queryset = with_labels(Consultation.public_objects.select_related("follows")).prefetch_related(
        "documents",
        "events",
        Prefetch(
            "we_did_entries",
            queryset=WeDidEntry.objects.select_related(
                "question", "decision__item__meeting__organization", "decision__delegated_officer"
            ).prefetch_related("themes__codeframe__question", "options"),
        ),
    )
    found = by_slug(queryset, slug, "published consultation")
    return Shaper(request).consultation_detail(found, timeline_for(found))


# -- Bodies and people ------------------------------------------------------------------------


@api.get(
    "/bodies",
    response={200: schemas.OrganizationPage, **BAD_QUERY},
    url_name="bodies",
    operation_id="bodies",
    tags=["Democracy"],
    summary="Bodies",
)
def bodies(request, filters: Query[schemas.PageQuery]):
    """The council, its cabinet, committees, scrutiny bodies and boards (Popolo organizations)."""
    return page_of(
        request, Organization.objects.select_related("parent").order_by("name", "pk"), filters,
        Shaper(request).organization,
    )  # fmt: skip


@api.get(
    "/bodies/{slug}",
    response={200: schemas.OrganizationDetail, **NOT_FOUND},
    url_name="body",
    operation_id="body",
    tags=["Democracy"],
    summary="A body",
)
def body(request, slug: str = Path(..., description="The body’s slug.")):
    """A body with its members today."""
    organization = by_slug(Organization.objects.select_related("parent"), slug, "body")
    shaper = Shaper(request)
    members = Membership.objects.on(timezone.localdate()).filter(organization=organization)
    return {
        **shaper.organization(organization),
        "memberships": [shaper.membership(m) for m in members.select_related("person", "organization")],
    }


@api.get(
    "/people",
    response={200: schemas.PersonPage, **BAD_QUERY},
    url_name="people",
    operation_id="people",
    tags=["Democracy"],
    summary="People",
)
def people(request, filters: Query[schemas.PersonQuery]):
    """Councillors, co-opted members and the officers named in the records: what the public
    pages show of them."""
    queryset = Person.objects.all()
    if filters.body:
        members = Membership.objects.on(timezone.localdate()).filter(organization__slug=filters.body)
        queryset = queryset.filter(pk__in=members.values("person"))
    queryset = queryset.order_by("family_name", "initials", "given_name", "pk")
    return page_of(request, queryset, filters, Shaper(request).person)


@api.get(
    "/people/{slug}",
    response={200: schemas.PersonDetail, **NOT_FOUND},
    url_name="person",
    operation_id="person",
    tags=["Democracy"],
    summary="A person",
)
def person(request, slug: str = Path(..., description="The person’s slug.")):
    """A person with every membership they have held."""
    found = by_slug(Person.objects.all(), slug, "person")
    shaper = Shaper(request)
    memberships = found.memberships.select_related("person", "organization").order_by("-start_date", "organization")
    return {**shaper.person(found), "memberships": [shaper.membership(m) for m in memberships]}


# -- Meetings and decisions -------------------------------------------------------------------


@api.get(
    "/meetings",
    response={200: schemas.MeetingPage, **BAD_QUERY},
    url_name="meetings",
    operation_id="meetings",
    tags=["Democracy"],
    summary="Meetings",
)
def meetings(request, filters: Query[schemas.MeetingQuery]):
    """Meetings of every body, or of one, newest first. The dates are the days they are held
    on, where the council is."""
    queryset = Meeting.objects.select_related("organization")
    if filters.body:
        queryset = queryset.filter(organization__slug=filters.body)
    if filters.since:
        queryset = queryset.filter(starts_at__date__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(starts_at__date__lte=filters.until)
    return page_of(request, queryset.order_by("-starts_at", "-pk"), filters, Shaper(request).meeting)


@api.get(
    "/meetings/{meeting_id}",
    response={200: schemas.MeetingDetail, **NOT_FOUND, **BAD_QUERY},
    url_name="meeting",
    operation_id="meeting",
    tags=["Democracy"],
    summary="A meeting",
)
def meeting(request, meeting_id: int = Path(..., ge=1, le=schemas.MAX_ID, description="The meeting’s id.")):
    """A meeting (an Open Civic Data Event) with who took part, and its agenda: each item with
    its papers, decisions and votes, named votes with each member’s vote. An item taken in
    private shows its title and exemption paragraph alone."""
    found = by_id(Meeting.objects.select_related("organization"), meeting_id, "meeting")
    items = found.items.select_related("meeting__organization").prefetch_related(
        "documents",
        "decisions",
        Prefetch("vote_events", queryset=VoteEvent.objects.select_related("moved_by", "seconded_by")),
        Prefetch("vote_events__votes", queryset=Vote.objects.select_related("person")),
    )
    considered = {}
    published = Consultation.public_objects.all()
    for item_id, slug in (
        AgendaItem.objects.filter(meeting=found, considerations__consultation__in=published)
        .order_by("pk", "considerations__consultation__title")
        .values_list("pk", "considerations__consultation__slug")
    ):
        considered.setdefault(item_id, []).append(slug)
    attendance = Attendance.objects.filter(meeting=found).select_related("person")
    return Shaper(request).meeting_detail(found, items, attendance, considered)


@api.get(
    "/decisions",
    response={200: schemas.DecisionPage, **BAD_QUERY},
    url_name="decisions",
    operation_id="decisions",
    tags=["Democracy"],
    summary="Decisions",
)
def decisions(request, filters: Query[schemas.DecisionQuery]):
    """Decisions of the council’s bodies and of officers under delegated powers, newest first."""
    queryset = Decision.objects.select_related("item__meeting__organization", "delegated_officer")
    if filters.body:
        queryset = queryset.filter(item__meeting__organization__slug=filters.body)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    if filters.since:
        queryset = queryset.filter(decided_on__gte=filters.since)
    if filters.until:
        queryset = queryset.filter(decided_on__lte=filters.until)
    shaper = Shaper(request)
    return page_of(request, queryset.order_by("-decided_on", "-pk"), filters, shaper.decision)


@api.get(
    "/decisions/{decision_id}",
    response={200: schemas.Decision, **NOT_FOUND, **BAD_QUERY},
    url_name="decision",
    operation_id="decision",
    tags=["Democracy"],
    summary="A decision",
)
def decision(request, decision_id: int = Path(..., ge=1, le=schemas.MAX_ID, description="The decision’s id.")):
    """A decision; for one taken in private, its outcome, date and maker, without its text."""
    queryset = Decision.objects.select_related("item__meeting__organization", "delegated_officer")
    return Shaper(request).decision(by_id(queryset, decision_id, "decision"))

