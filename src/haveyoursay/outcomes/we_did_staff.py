"""The consultation's outcome page on the staff site: "You said, we did" as entries, each what
people said (with its live count), what the council did, and the decision that did it.

Viewing needs `hub.view_consultation`; adding, changing, removing and reordering entries needs
`hub.change_consultation`, as writing the outcome's prose does. Every change is in the audit
log, and bumps the Revision so the public page shows it at once.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Revision
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.outcomes.we_did_forms import WeDidEntryForm, decision_label


def entries_of(consultation):
    """The consultation's entries in order, with what showing them needs."""
    return consultation.we_did_entries.select_related(
        "question__page__questionnaire", "decision__item__meeting__organization", "decision__delegated_officer"
    ).prefetch_related("themes__codeframe__question", "options")


def short(entry):
    return Truncator(entry.you_said).words(12, truncate="…")


def outcome_url(consultation, anchor=""):
    return reverse("staff:outcome", args=[consultation.pk]) + (f"#{anchor}" if anchor else "")


def _entry(consultation, entry_pk):
    return get_object_or_404(consultation.we_did_entries, pk=entry_pk)


def _changed(request, action, consultation, entry):
    AuditEvent.record(request.user, action, consultation, entry=short(entry))
    Revision.bump()


@staff_required("hub.view_consultation")
def outcome(request, pk):
    consultation = get_consultation_for_user(request, pk)
    entries = list(entries_of(consultation))
    figures = figures_for(entries, public=True)
    return render(
        request,
        "outcomes/staff/outcome.html",
        {
            "consultation": consultation,
            "entries": [
                (entry, figures.get(entry.pk), decision_label(entry.decision) if entry.decision_id else "")
                for entry in entries
            ],
        },
    )


@staff_required("hub.change_consultation")
@require_http_methods(["GET", "POST"])
def entry_new(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_consultation")
    form = WeDidEntryForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save()
            _changed(request, "we_did.add", consultation, entry)
        messages.success(request, "The entry has been added.")
        return redirect(outcome_url(consultation, f"entry-{entry.pk}"))
    return render(request, "outcomes/staff/entry_form.html", {"form": form, "consultation": consultation})


@staff_required("hub.change_consultation")
@require_http_methods(["GET", "POST"])
def entry_edit(request, pk, entry_pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_consultation")
    entry = _entry(consultation, entry_pk)
    form = WeDidEntryForm(request.POST or None, instance=entry, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            entry = form.save()
            _changed(request, "we_did.change", consultation, entry)
        messages.success(request, "Your changes have been saved.")
        return redirect(outcome_url(consultation, f"entry-{entry.pk}"))
    return render(
        request, "outcomes/staff/entry_form.html", {"form": form, "consultation": consultation, "entry": entry}
    )


@staff_required("hub.change_consultation")
@require_http_methods(["GET", "POST"])
def entry_delete(request, pk, entry_pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_consultation")
    entry = _entry(consultation, entry_pk)
    if request.method == "POST":
        with transaction.atomic():
            entry.delete()
            _changed(request, "we_did.delete", consultation, entry)
        messages.success(request, f"The entry “{short(entry)}” has been removed.")
        return redirect(outcome_url(consultation, "entries"))
    return render(request, "outcomes/staff/entry_delete.html", {"consultation": consultation, "entry": entry})


@staff_required("hub.view_consultation")
@require_POST
def entry_move(request, pk, entry_pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_consultation")
    entry = _entry(consultation, entry_pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if step is None:
        messages.error(request, "Choose to move the entry up or down.")
        return redirect(outcome_url(consultation, f"entry-{entry.pk}"))
    with transaction.atomic():
        moved = entry.move(step)
        if moved:
            AuditEvent.record(
                request.user, "we_did.move", consultation, entry=short(entry), direction=request.POST["direction"]
            )
            Revision.bump()
    if moved:
        messages.success(request, f"The entry “{short(entry)}” has been moved {request.POST['direction']}.")
    else:
        messages.error(request, f"The entry “{short(entry)}” is already the {'first' if step < 0 else 'last'}.")
    return redirect(outcome_url(consultation, f"entry-{entry.pk}"))
