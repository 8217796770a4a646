"""The staff pages for democratic services: add and correct every record, record a recorded vote
by pasting it from the minutes, and import from ModernGov. Everyone on the staff site reads;
only those whose role allows it change anything, and every change is in the audit log.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, TextField, URLField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions import staff_forms
from haveyoursay.decisions.models import (
    AgendaDocument,
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    Meeting,
    Membership,
    Organization,
    Person,
    Petition,
    Question,
)
from haveyoursay.decisions.names import match_recorded_vote
from haveyoursay.decisions.recording import record_vote_event, voters_at
from haveyoursay.decisions.tasks import import_moderngov
from haveyoursay.hub.models import Revision
from haveyoursay.hub.staff import staff_required
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import start_job

READ = "decisions.view_meeting"


@dataclass(frozen=True)
class Kind:
    """One kind of record democratic services keep, as the staff pages name and edit it."""

    slug: str
    model: type
    form: type
    singular: str
    plural: str
    meeting_field: str = ""  # the record belongs to the meeting named in this field, if any

    def permission(self, action):
        return f"decisions.{action}_{self.model._meta.model_name}"

    def get(self, pk):
        return get_object_or_404(self.model, pk=pk)

    def page_url(self, pk):
        """Where anyone on the staff site reads one record: a meeting's own page, or the record's."""
        if self.model is Meeting:
            return reverse("decisions_staff:meeting", args=[pk])
        return reverse("decisions_staff:record", args=[self.slug, pk])


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("bodies", Organization, staff_forms.OrganizationForm, "body", "bodies"),
        Kind("people", Person, staff_forms.PersonForm, "member or officer", "members and officers"),
        Kind("memberships", Membership, staff_forms.MembershipForm, "membership", "memberships"),
        Kind("meetings", Meeting, staff_forms.MeetingForm, "meeting", "meetings"),
        Kind("items", AgendaItem, staff_forms.AgendaItemForm, "agenda item", "agenda items", "meeting"),
        Kind("documents", AgendaDocument, staff_forms.AgendaDocumentForm, "report or paper", "reports and papers"),
        Kind("attendance", Attendance, staff_forms.AttendanceForm, "attendance", "attendance", "meeting"),
        Kind("decisions", Decision, staff_forms.DecisionForm, "decision", "decisions"),
        Kind(
            "declarations",
            Declaration,
            staff_forms.DeclarationForm,
            "declaration of interest",
            "declarations",
            "meeting",
        ),  # fmt: skip
        Kind("questions", Question, staff_forms.QuestionForm, "question", "questions", "meeting"),
        Kind("petitions", Petition, staff_forms.PetitionForm, "petition", "petitions"),
    )
}


KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}
# Kept as sanitised HTML (from ModernGov or typed in), shown as the public pages show it.
HTML_FIELDS = {(AgendaItem, "text"), (AgendaItem, "minutes")}
# What an exempt item or paper keeps from the public. The public pages withhold it; so does the
# read-only page, from everyone who could not already see it on the change page.
EXEMPT_FIELDS = {(AgendaItem, "text"), (AgendaItem, "minutes"), (AgendaDocument, "url")}
WITHHELD = "Withheld: exempt information, shown only to democratic services"


@dataclass(frozen=True)
class Row:
    """One line of a record as a reader sees it."""

    label: str
    text: str
    url: str = ""
    html: bool = False
    multiline: bool = False


def record_rows(kind, obj, *, withhold_exempt=True):
    """Each field the record's form edits, labelled as the form labels it, in words a reader
    understands: choices by their names, dates in full, other records linked to their pages."""
    rows = []
    for name, form_field in kind.form.base_fields.items():
        field = kind.model._meta.get_field(name)
        value = getattr(obj, name)
        label = str(form_field.label)
        if value is None or value == "":
            rows.append(Row(label, "Not recorded"))
        elif withhold_exempt and getattr(obj, "is_exempt", False) and (kind.model, name) in EXEMPT_FIELDS:
            rows.append(Row(label, WITHHELD))
        elif field.is_relation:
            related = KIND_OF_MODEL.get(field.related_model)
            rows.append(Row(label, str(value), related.page_url(value.pk) if related else ""))
        elif field.choices:
            rows.append(Row(label, getattr(obj, f"get_{name}_display")()))
        elif isinstance(value, bool):
            rows.append(Row(label, "Yes" if value else "No"))
        elif isinstance(value, datetime.datetime):
            rows.append(Row(label, f"{uk_date(timezone.localtime(value))}, {clock(value)}"))
        elif isinstance(value, datetime.date):
            rows.append(Row(label, uk_date(value)))
        elif isinstance(field, URLField):
            rows.append(Row(label, value, value))
        else:
            html = (kind.model, name) in HTML_FIELDS
            rows.append(Row(label, str(value), html=html, multiline=isinstance(field, TextField) and not html))
    return rows


def get_kind(slug):
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("No such kind of record")
    return kind


def require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def back_to(kind, obj):
    """Where to go after changing a record: its meeting's page, or the list of its kind."""
    meeting_id = getattr(obj, f"{kind.meeting_field}_id", None) if kind.meeting_field else None
    if kind.model is Meeting:
        meeting_id = obj.pk
    if meeting_id:
        return reverse("decisions_staff:meeting", args=[meeting_id])
    return reverse("decisions_staff:records", args=[kind.slug])


@staff_required(READ)
def index(request):
    return render(
        request,
        "decisions/staff/index.html",
        {
            "kinds": KINDS.values(),
            "meetings": Meeting.objects.select_related("organization").order_by("-starts_at")[:20],
            "last_import": AuditEvent.objects.filter(action="democracy.import_moderngov")
            .select_related("user")
            .first(),
            "import_jobs": Job.objects.recent().filter(subject="moderngov")[:5],
        },
    )


@staff_required(READ)
def records(request, kind):
    kind = get_kind(kind)
    return render(
        request,
        "decisions/staff/records.html",
        {
            "kind": kind,
            "records": [(record, kind.page_url(record.pk)) for record in kind.model.objects.all()[:500]],
            "count": kind.model.objects.count(),
            "can_add": request.user.has_perm(kind.permission("add")),
        },
    )


@staff_required(READ)
def record(request, kind, pk):
    """One record, read-only, for everyone who reads the lists; changing it is a page of its own."""
    kind = get_kind(kind)
    obj = kind.get(pk)
    if kind.model is Meeting:
        return redirect(kind.page_url(pk))
    meeting_id = getattr(obj, f"{kind.meeting_field}_id", None) if kind.meeting_field else None
    can_change = request.user.has_perm(kind.permission("change"))
    return render(
        request,
        "decisions/staff/record.html",
        {
            "kind": kind,
            "record": obj,
            "rows": record_rows(kind, obj, withhold_exempt=not can_change),
            "meeting": getattr(obj, kind.meeting_field) if meeting_id else None,
            "can_change": can_change,
            "can_delete": request.user.has_perm(kind.permission("delete")),
        },
    )


@staff_required(READ)
def meeting(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("organization"), pk=pk)
    return render(
        request,
        "decisions/staff/meeting.html",
        {
            "meeting": meeting,
            "items": meeting.items.prefetch_related("decisions", "vote_events", "documents"),
            "attendance": meeting.attendance.select_related("person"),
            "declarations": meeting.declarations.select_related("person"),
            "questions": meeting.questions.select_related("asked_by"),
            "history": AuditEvent.objects.filter(
                content_type__model="meeting", object_id=str(meeting.pk)
            ).select_related("user")[:20],
        },
    )


def initial_from(request, kind):
    """A new record's fields filled from the page it was asked for on (?meeting=12)."""
    initial = {}
    for name in ("meeting", "item", "organization", "person"):
        value = request.GET.get(name, "")
        if value.isdigit() and name in kind.form.base_fields:
            initial[name] = int(value)
    return initial


def audit_subject(kind, obj):
    """What the audit log files a change under: the meeting for records that belong to one."""
    if kind.model is Meeting:
        return obj
    if kind.meeting_field and getattr(obj, f"{kind.meeting_field}_id", None):
        return getattr(obj, kind.meeting_field)
    return obj


@staff_required(READ)
@require_http_methods(["GET", "POST"])
def record_edit(request, kind, pk=None):
    kind = get_kind(kind)
    require(request, kind.permission("change" if pk is not None else "add"))
    obj = kind.get(pk) if pk is not None else None
    form = kind.form(request.POST or None, instance=obj, initial=initial_from(request, kind) if obj is None else None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save()
                Revision.bump()  # a consultation's timeline shows its meetings' items, decisions and votes
                AuditEvent.record(
                    request.user, f"democracy.{kind.model._meta.model_name}.{'change' if obj else 'add'}",
                    audit_subject(kind, saved), record=str(saved)[:200], fields=form.changed_data,
                )  # fmt: skip
        except IntegrityError:
            form.add_error(None, f"This {kind.singular} could not be saved: it clashes with one already recorded.")
        else:
            messages.success(request, f"The {kind.singular} “{saved}” has been saved.")
            return redirect(back_to(kind, saved))
    return render(request, "decisions/staff/record_form.html", {"kind": kind, "form": form, "record": obj})


@staff_required(READ)
@require_http_methods(["GET", "POST"])
def record_delete(request, kind, pk):
    kind = get_kind(kind)
    require(request, kind.permission("delete"))
    obj = kind.get(pk)
    problem = ""
    if request.method == "POST":
        destination = back_to(kind, obj)
        try:
            with transaction.atomic():
                subject = audit_subject(kind, obj)
                description = str(obj)[:200]
                obj.delete()
                Revision.bump()
                AuditEvent.record(
                    request.user, f"democracy.{kind.model._meta.model_name}.delete",
                    subject if subject is not obj else None, record=description,
                )  # fmt: skip
        except ProtectedError as error:
            problem = (
                f"“{obj}” cannot be removed while other records refer to it "
                f"({len(error.protected_objects)}, for example “{next(iter(error.protected_objects))}”). "
                "Remove or change those first."
            )
        else:
            messages.success(request, f"The {kind.singular} “{description}” has been removed.")
            return redirect(destination)
    return render(request, "decisions/staff/record_delete.html", {"kind": kind, "record": obj, "problem": problem})


@staff_required(READ)
@require_http_methods(["GET", "POST"])
def recorded_vote(request, item_pk):
    """Paste a recorded vote from the minutes; check each name against the members present; record it
    only when every name is one member and the totals agree, after the person has seen the matches."""
    require(request, "decisions.add_voteevent")
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__organization"), pk=item_pk)
    form = staff_forms.RecordedVoteForm(request.POST or None)
    matches, problems = [], []
    if request.method == "POST" and form.is_valid():
        people = list(voters_at(item.meeting))
        _, matches, problems = match_recorded_vote(form.cleaned_data["paragraph"], people)
        if not people:
            problems.insert(0, "No one is recorded as present at this meeting: record the attendance first.")
        if not problems and request.POST.get("confirm") == "yes":
            data = form.cleaned_data
            try:
                event = record_vote_event(
                    item, kind=data["kind"], result=data["result"], motion_text=data["motion_text"],
                    moved_by=data["moved_by"], seconded_by=data["seconded_by"],
                    votes=[(m.person, m.option) for m in matches],
                )  # fmt: skip
            except ValidationError as error:
                problems = error.messages
            else:
                Revision.bump()
                AuditEvent.record(
                    request.user, "democracy.voteevent.add", item.meeting, item=str(item)[:200],
                    result=event.result, for_count=event.for_count, against_count=event.against_count,
                    abstain_count=event.abstain_count, named=True,
                )  # fmt: skip
                messages.success(
                    request,
                    f"The recorded vote on item {item.display_number} has been saved: {event.for_count} for, "
                    f"{event.against_count} against, {event.abstain_count} abstained.",
                )
                return redirect("decisions_staff:meeting", item.meeting_id)
    return render(
        request,
        "decisions/staff/recorded_vote.html",
        {"item": item, "form": form, "matches": matches, "problems": problems, "checked": bool(matches) or problems},
    )


@staff_required(READ)
@require_http_methods(["GET", "POST"])
def moderngov_import(request):
    require(request, "decisions.add_meeting")
    today = datetime.date.today()
    form = staff_forms.ModernGovImportForm(
        request.POST or None,
        initial={"since": today.replace(year=today.year - 1), "until": today.replace(year=today.year + 1)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            job = start_job(
                Job.Kind.IMPORT, None, request.user, import_moderngov, data["url"], data["since"].isoformat(),
                data["until"].isoformat(), request.user.pk, title=f"Import meetings from {data['url']}"[:200],
                subject="moderngov",
            )  # fmt: skip
        return redirect("jobs_staff:job", job.pk)
    return render(request, "decisions/staff/import.html", {"form": form})
