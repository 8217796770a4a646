"""Linking a consultation to the meetings that considered it: find the meeting, choose its item,
say what the meeting did about the consultation. The consultation team and democratic services
both keep these links; every link added or removed is in the audit log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import Meeting
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.outcomes.models import Consideration
from haveyoursay.outcomes.staff_forms import ConsiderationChangeForm, ConsiderationForm, MeetingSearchForm

ADD = "outcomes.add_consideration"
CHANGE = "outcomes.change_consideration"
REMOVE = "outcomes.delete_consideration"
MEETINGS_PER_PAGE = 20


def described(item):
    """ "Cabinet, 26 October 2021, item 1: Draft Strategic Plan (2022-26)", for the audit log."""
    return f"{item.meeting}, item {item.display_number.rstrip('.')}: {item.title}"[:200]


def back_to_section(consultation):
    return reverse("staff:consultation", args=[consultation.pk]) + "#meetings"


@staff_required(ADD)
def find_meeting(request, pk):
    """Step 1: find the meeting, by body, dates or words in an item's title."""
    consultation = get_consultation_for_user(request, pk, ADD)
    form = MeetingSearchForm(request.GET or None)
    page = Paginator(form.meetings(), MEETINGS_PER_PAGE).get_page(request.GET.get("page"))
    results = [(meeting, form.matching_items(meeting)) for meeting in page.object_list]
    linked = set(consultation.considerations.values_list("item_id", flat=True))
    return render(
        request,
        "outcomes/staff/find_meeting.html",
        {
            "consultation": consultation,
            "form": form,
            "page": page,
            "results": results,
            "linked": linked,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        },
    )


@staff_required(ADD)
@require_http_methods(["GET", "POST"])
def link_item(request, pk, meeting_pk):
    """Step 2: choose the meeting's item, and say what the meeting did about the consultation."""
    consultation = get_consultation_for_user(request, pk, ADD)
    meeting = get_object_or_404(Meeting.objects.select_related("organization"), pk=meeting_pk)
    initial = {}
    if request.method == "GET" and request.GET.get("item", "").isdigit():
        initial["item"] = int(request.GET["item"])
    form = ConsiderationForm(request.POST or None, consultation=consultation, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = form.cleaned_data["item"]
        try:
            with transaction.atomic():
                Consideration.objects.create(
                    consultation=consultation, item=item, stage=form.cleaned_data["stage"],
                    note=form.cleaned_data["note"].strip(), added_by=request.user,
                )  # fmt: skip
                AuditEvent.record(request.user, "consideration.add", consultation, item=described(item))
        except IntegrityError:
            # Someone else linked the same item a moment ago.
            form.add_error("item", "This item has just been linked to the consultation by someone else")
        else:
            messages.success(request, f"{described(item)} is linked to “{consultation.title}”.")
            return redirect(back_to_section(consultation))
    return render(
        request, "outcomes/staff/link_item.html", {"consultation": consultation, "meeting": meeting, "form": form}
    )


@staff_required(CHANGE)
@require_http_methods(["GET", "POST"])
def change_link(request, pk, consideration_pk):
    """Put right what the meeting did about the consultation, or the note the timeline shows."""
    consultation = get_consultation_for_user(request, pk, CHANGE)
    consideration = get_object_or_404(
        consultation.considerations.select_related("item__meeting__organization"), pk=consideration_pk
    )
    form = ConsiderationChangeForm(
        request.POST or None, initial={"stage": consideration.stage, "note": consideration.note}
    )
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            consideration.stage = form.cleaned_data["stage"]
            consideration.note = form.cleaned_data["note"].strip()
            with transaction.atomic():
                consideration.save(update_fields=["stage", "note"])
                AuditEvent.record(
                    request.user, "consideration.change", consultation, item=described(consideration.item),
                    fields=form.changed_data,
                )  # fmt: skip
            messages.success(request, f"The link to {described(consideration.item)} has been updated.")
        return redirect(back_to_section(consultation))
    return render(
        request,
        "outcomes/staff/change_link.html",
        {"consultation": consultation, "consideration": consideration, "item": consideration.item, "form": form},
    )


@staff_required(REMOVE)
@require_http_methods(["GET", "POST"])
def unlink_item(request, pk, consideration_pk):
    consultation = get_consultation_for_user(request, pk, REMOVE)
    consideration = get_object_or_404(
        consultation.considerations.select_related("item__meeting__organization"), pk=consideration_pk
    )
    item = consideration.item
    if request.method == "POST":
        with transaction.atomic():
            consideration.delete()
            AuditEvent.record(request.user, "consideration.delete", consultation, item=described(item))
        messages.success(request, f"{described(item)} is no longer linked to “{consultation.title}”.")
        return redirect(back_to_section(consultation))
    return render(
        request,
        "outcomes/staff/unlink_item.html",
        {"consultation": consultation, "consideration": consideration, "item": item},
    )
