"""The staff pages for personal data: what each consultation keeps and until when, erasing one
person's response, and finding everything held about a person (subject access)."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, today
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.privacy.forms import EraseResponseForm, RetentionForm, SubjectAccessForm
from haveyoursay.privacy.retention import is_due, responses_held, retention_summary
from haveyoursay.privacy.subject_access import find_person, search_hash
from haveyoursay.surveys.channels import get_response_for_user
from haveyoursay.surveys.models import Response

SEE_RETENTION = "privacy.view_retentionrun"
ERASE = "surveys.erase_response"
SUBJECT_ACCESS = "privacy.search_personal_data"


# -- Retention ----------------------------------------------------------------------------------


@staff_required(SEE_RETENTION)
def retention(request):
    """Every consultation with a closing date: when its personal data is due to be removed, and whether it has been."""
    on = today()
    rows = []
    for consultation in Consultation.private_objects.filter(closes_on__isnull=False).order_by("closes_on", "title"):
        held = responses_held(consultation)
        rows.append({
            "consultation": consultation, "ends_on": consultation.retention_ends_on,
            "due": is_due(consultation, on), "held": held.count(),
            "last_run": consultation.retention_runs.first(),
        })
    # Overdue first (it is the daily job that is late), then what comes next, then what is done.
    rows.sort(key=lambda row: (not (row["due"] and row["held"]), not row["held"], row["ends_on"]))
    return render(request, "privacy/retention.html", {"rows": rows, "today": on})


@never_cache
@staff_required(SEE_RETENTION)
@require_http_methods(["GET", "POST"])
def consultation_retention(request, pk):
    consultation = get_consultation_for_user(request, pk, SEE_RETENTION)
    may_change = request.user.has_perm("hub.change_consultation")
    form = RetentionForm(
        request.POST if request.method == "POST" and may_change else None, instance=consultation
    ) if may_change else None
    if request.method == "POST":
        if form is None:
            return redirect("privacy_staff:consultation_retention", consultation.pk)
        if form.is_valid():
            changed = form.changed_data
            if changed:
                with transaction.atomic():
                    form.save()
                    AuditEvent.record(
                        request.user, "retention.change", consultation, fields=changed,
                        months=str(consultation.retention_months), free_text=consultation.free_text_after_retention,
                    )
                messages.success(request, "The retention period is saved. The privacy notice on the consultation's "
                                          "page now gives the new date.")
            return redirect("privacy_staff:consultation_retention", consultation.pk)
    return render(
        request, "privacy/consultation_retention.html",
        {
            "consultation": consultation, "summary": retention_summary(consultation), "form": form,
            "runs": consultation.retention_runs.select_related("ran_by"), "fields": Response.PERSONAL_FIELDS,
        },
        status=400 if form is not None and form.errors else 200,
    )


# -- Erasure ------------------------------------------------------------------------------------


def published_report_of(consultation):
    """The public engagement report, if it is published: (publication, report) or (None, None)."""
    publication = getattr(consultation, "report_publication", None)
    if publication is None:
        return None, None
    return publication, consultation.reports.filter(audience="public").first()


@never_cache
@staff_required(ERASE)
@require_http_methods(["GET", "POST"])
def erase_response(request, pk, response_pk):
    """Erase one person's response at their request: anonymise it, or delete it whole."""
    consultation, response = get_response_for_user(request, pk, response_pk, ERASE)
    if response.excluded_as == Response.Exclusion.ERASED:
        messages.info(request, f"Response {response.reference} has already been erased.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    form = EraseResponseForm(request.POST if request.method == "POST" else None)
    publication, report = published_report_of(consultation)
    in_published_report = bool(
        report and response.is_counted and response.submitted_at and response.submitted_at <= report.generated_at
    )
    if request.method == "POST" and form.is_valid():
        how = form.cleaned_data["how"]
        reference = response.reference
        detail = {
            "how": how, "request_reference": form.cleaned_data["request_reference"],
            "was_counted": "yes" if response.is_counted else "no",
            "in_published_report": "yes" if in_published_report else "no",
        }
        with transaction.atomic():
            # Recorded before the row goes: the reference and what was done, nothing personal.
            action = "response.erase_delete" if how == EraseResponseForm.DELETE else "response.erase_anonymise"
            AuditEvent.record(request.user, action, response, reference=reference, **detail)
            if how == EraseResponseForm.DELETE:
                response.delete()
            else:
                response.erase(request.user)
        if how == EraseResponseForm.DELETE:
            messages.success(request, f"Response {reference} is deleted, with every answer in it.")
            return redirect("surveys_staff:responses", consultation.pk)
        messages.success(request, f"Response {reference} is anonymised and no longer counted.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    return render(
        request, "privacy/erase_response.html",
        {
            "consultation": consultation, "response": response, "form": form, "section": "responses",
            "publication": publication, "report": report, "in_published_report": in_published_report,
            "personal_fields": [Response.PERSONAL_FIELDS[name] for name in response.personal_fields_held()],
        },
        status=400 if form.errors else 200,
    )


# -- Subject access -----------------------------------------------------------------------------


@never_cache
@staff_required(SUBJECT_ACCESS)
@require_http_methods(["GET", "POST"])
def subject_access(request):
    """Search by POST, so what was searched for never appears in an address or a server's log."""
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        kind, term = form.cleaned_data["kind"], form.cleaned_data["term"]
        found = find_person(kind, term)
        AuditEvent.record(
            request.user, "subject_access.search", None, kind=SubjectAccessForm.KINDS[kind],
            search_hash=search_hash(kind, term), found=str(found.total),
        )
    return render(
        request, "privacy/subject_access.html", {"form": form, "found": found},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(SUBJECT_ACCESS)
@require_POST
def subject_access_export(request):
    """The findings as one HTML file a resident can open and read in any browser."""
    form = SubjectAccessForm(request.POST)
    if not form.is_valid():
        return render(request, "privacy/subject_access.html", {"form": form, "found": None}, status=400)
    kind, term = form.cleaned_data["kind"], form.cleaned_data["term"]
    found = find_person(kind, term)
    AuditEvent.record(
        request.user, "subject_access.export", None, kind=SubjectAccessForm.KINDS[kind],
        search_hash=search_hash(kind, term), found=str(found.total),
    )
    html = render_to_string(
        "privacy/subject_access_export.html",
        {"found": found, "generated_at": timezone.now(), "council_name": settings.COUNCIL_NAME},
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="information-we-hold-{timezone.localdate():%Y-%m-%d}.html"'
    return response
