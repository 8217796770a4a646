"""What staff see of responses, and the channels beyond the web form: responses keyed in
from paper, email and phone, notes of events and group sessions, the stakeholders the
council asked directly, and the raw response download.

A keyed-in response goes through the same `submission` functions as one sent online, so
routing, checking and the one-way step to "submitted" are the same whoever types it. Every
change and every download is recorded in the audit log.
"""

import secrets

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Sum
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, today
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.surveys import submission
from haveyoursay.surveys.channels_forms import (
    CorrectDetailsForm,
    CorrectionReasonField,
    EventNoteForm,
    LinkStakeholderForm,
    MarkResponseForm,
    ReferenceSearchForm,
    ResponseDetailsForm,
    StakeholderForm,
    StakeholdersAddForm,
    UndoImportForm,
)
from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
from haveyoursay.surveys.models import EventNote, ImportBatch, Response, Stakeholder, save_with_free_reference
from haveyoursay.surveys.question_types import AnswerError

# Event notes and stakeholders are read by whoever may read responses (the consultation
# team and analysts): the roles grant no separate "view" permission for them.
SEE_RESPONSES = "surveys.view_response"
# Correcting a keyed-in response, marking any response as a duplicate or withdrawn, and
# undoing an import: the consultation team's, never an analyst's.
CORRECT_RESPONSES = "surveys.change_response"
KEYED_IN = list(Response.KEYED_IN)
# What the response page lists as its history, from the audit log.
HISTORY_ACTIONS = [
    "response.correct", "response.correct_details", "response.mark_duplicate", "response.mark_withdrawn",
    "response.unmark",
]
RESPONSES_PER_PAGE = 50
ENTRY_TOKENS = "haveyoursay_entry_tokens"
ENTRY_TOKENS_KEPT = 20


def questionnaire_of(consultation):
    try:
        return consultation.questionnaire
    except Consultation.questionnaire.RelatedObjectDoesNotExist:
        return None


def get_questionnaire(consultation):
    questionnaire = questionnaire_of(consultation)
    if questionnaire is None:
        raise Http404("This consultation has no questionnaire")
    return questionnaire


def get_response_for_user(request, pk, response_pk, permission):
    """(consultation, response): the response must belong to the consultation's questionnaire."""
    consultation = get_consultation_for_user(request, pk, permission)
    response = get_object_or_404(
        Response.objects.select_related(
            "questionnaire", "stakeholder", "entered_by", "import_batch", "duplicate_of", "excluded_by",
        ),
        pk=response_pk, questionnaire__consultation=consultation,
    )
    return consultation, response


def get_correctable_for_user(request, pk, response_pk):
    """A sent response keyed in by staff, to be corrected. Online responses are the
    respondent's own words, and imported ones are corrected by undoing the import."""
    consultation, response = get_response_for_user(request, pk, response_pk, CORRECT_RESPONSES)
    if not response.is_submitted or not response.is_keyed_in:
        raise Http404("Only sent paper, email and phone responses are corrected")
    return consultation, response


def get_import_batch_for_user(request, pk, batch_pk, permission):
    consultation = get_consultation_for_user(request, pk, permission)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("imported_by", "undone_by"),
        pk=batch_pk, questionnaire__consultation=consultation,
    )
    return consultation, batch


def get_entry_for_user(request, pk, response_pk):
    """A response being keyed in by staff; online and imported ones are not theirs to type."""
    consultation, response = get_response_for_user(request, pk, response_pk, "surveys.add_response")
    if response.channel not in KEYED_IN:
        raise Http404("Only paper, email and phone responses are keyed in")
    return consultation, response


def record_seen(request, response, seen, *, keyed_in=False):
    """Someone's name, email or answers were put on a screen: record who saw which response,
    and which page (`seen`), with its reference only, never what it says. One insert."""
    if request.method != "POST":
        action = "response.view_keyed_in" if keyed_in else "response.view"
        AuditEvent.record(request.user, action, response, page=seen)


def channel_counts(questionnaire):
    """[(label, counted, not counted, in progress)] for every channel, and the totals as a last row."""
    counted, not_counted, in_progress = {}, {}, {}
    if questionnaire is not None:
        def by_channel(responses):
            return dict(responses.values_list("channel").annotate(n=Count("pk")).values_list("channel", "n"))
        responses = Response.objects.filter(questionnaire=questionnaire).order_by()
        counted = by_channel(responses.counted())
        not_counted = by_channel(responses.not_counted())
        in_progress = by_channel(responses.filter(state=Response.State.IN_PROGRESS))
    table = [
        (label, counted.get(value, 0), not_counted.get(value, 0), in_progress.get(value, 0))
        for value, label in Response.Channel.choices
    ]
    totals = ("Total", *(sum(row[column] for row in table) for column in (1, 2, 3)))
    return table, totals


def event_note_totals(consultation):
    totals = consultation.event_notes.aggregate(notes=Count("pk"), attendees=Sum("attendees"))
    return {"notes": totals["notes"], "attendees": totals["attendees"] or 0}


# -- Responses --------------------------------------------------------------------------------


@staff_required("surveys.view_response")
def responses(request, pk):
    consultation = get_consultation_for_user(request, pk, "surveys.view_response")
    questionnaire = questionnaire_of(consultation)
    search = ReferenceSearchForm(request.GET if "reference" in request.GET else None)
    if questionnaire is not None and search.is_valid():
        typed = search.cleaned_data["reference"]
        found = questionnaire.responses.with_reference(typed).first()
        if found is not None:
            return redirect("surveys_staff:response", consultation.pk, found.pk)
        search.add_error("reference", f"No response to this consultation has the reference “{typed.strip()}”")
    channel = request.GET.get("channel")
    if channel not in Response.Channel.values:
        channel = None
    not_counted = request.GET.get("show") == "not_counted"
    submitted = Response.objects.none()
    keying_in = Response.objects.none()
    if questionnaire is not None:
        submitted = questionnaire.responses.submitted().select_related("stakeholder", "import_batch", "duplicate_of")
        if not_counted:
            submitted = submitted.not_counted()
        if channel:
            submitted = submitted.filter(channel=channel)
        keying_in = questionnaire.responses.filter(state=Response.State.IN_PROGRESS, channel__in=KEYED_IN)
    paginator = Paginator(submitted.order_by("-submitted_at", "-pk"), RESPONSES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts, totals = channel_counts(questionnaire)
    return render(
        request, "surveys/staff/channels/responses.html",
        {
            "consultation": consultation, "questionnaire": questionnaire, "counts": counts, "totals": totals,
            "notes": event_note_totals(consultation), "page": page, "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "channel": channel, "channels": Response.Channel.choices, "not_counted": not_counted,
            "keying_in": keying_in.select_related("entered_by").order_by("started_at"),
            "search": search, "section": "responses",
        },
        status=400 if search.errors else 200,
    )


@staff_required("surveys.view_response")
def response_detail(request, pk, response_pk):
    consultation, response = get_response_for_user(request, pk, response_pk, "surveys.view_response")
    if not response.is_submitted:
        if response.channel in KEYED_IN and request.user.has_perm("surveys.add_response"):
            return redirect("surveys_staff:response_enter_check", consultation.pk, response.pk)
        raise Http404("This response has not been sent yet")
    record_seen(request, response, "response")
    journey = submission.Journey(response)
    link_form = None
    if request.user.has_perm("surveys.change_stakeholder") and consultation.stakeholders.exists():
        link_form = LinkStakeholderForm(consultation=consultation, initial={"stakeholder": response.stakeholder_id})
    may_correct = request.user.has_perm(CORRECT_RESPONSES)
    return render(
        request, "surveys/staff/channels/response.html",
        {
            "consultation": consultation, "response": response, "sections": journey.check_answers(),
            "link_form": link_form, "section": "responses", "history": response_history(response, journey),
            "may_correct": may_correct, "correct": may_correct and response.is_keyed_in,
            "duplicates": list(response.duplicates.values_list("reference", flat=True)),
        },
    )


def response_history(response, journey):
    """[AuditEvent] of the corrections and marks made to a response, newest first, each with
    `questions`: the texts of the questions a correction changed."""
    texts = {question.code: question.text for page in journey.pages for question in page.questions.all()}
    events = list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Response), object_id=str(response.pk),
            action__in=HISTORY_ACTIONS,
        ).select_related("user")
    )
    for event in events:
        event.questions = [texts.get(code, code) for code in event.detail.get("questions", [])]
    return events


# -- Correcting a keyed-in response, and marking any as a duplicate or withdrawn ---------------


@never_cache
@staff_required(CORRECT_RESPONSES)
@require_http_methods(["GET", "POST"])
def response_correct_page(request, pk, response_pk, number):
    """One page of a saved paper, email or phone response, corrected through the same
    questions it was keyed in with, and the reason why."""
    consultation, response = get_correctable_for_user(request, pk, response_pk)
    journey = submission.Journey(response)
    current = journey.page_at(number)
    if current is None:
        raise Http404("The response has no such section")
    record_seen(request, response, f"correct section {number}", keyed_in=True)
    form = journey.form_for(current, request.POST if request.method == "POST" else None)
    form.fields["reason"] = CorrectionReasonField()
    if request.method == "POST":
        values = submission.clean_page(form)
        if values is not None:
            with transaction.atomic():
                changed = submission.correct_answers(response, values)
                if changed:
                    AuditEvent.record(
                        request.user, "response.correct", response, page=current.title,
                        questions=changed, reason=form.cleaned_data["reason"],
                    )
            if changed:
                messages.success(request, f"Response {response.reference} is corrected.")
            else:
                messages.info(request, f"No answers were changed, so response {response.reference} is as it was.")
            return redirect("surveys_staff:response", consultation.pk, response.pk)
    return render(
        request, "surveys/staff/channels/correct_page.html",
        {
            "consultation": consultation, "response": response, "page": current, "number": number,
            "total": len(journey.visible_pages()), "form": form, "section": "responses",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(CORRECT_RESPONSES)
@require_http_methods(["GET", "POST"])
def response_correct_details(request, pk, response_pk):
    """How and when a saved keyed-in response arrived and who it is from, corrected."""
    consultation, response = get_correctable_for_user(request, pk, response_pk)
    record_seen(request, response, "correct details", keyed_in=True)
    form = CorrectDetailsForm(
        request.POST if request.method == "POST" else None, consultation=consultation, instance=response
    )
    if request.method == "POST" and form.is_valid():
        fields = [name for name in form.changed_data if name != "reason"]
        if fields:
            with transaction.atomic():
                form.save()
                # The names of the fields, never what was in them.
                AuditEvent.record(
                    request.user, "response.correct_details", response, fields=fields,
                    reason=form.cleaned_data["reason"],
                )
            messages.success(request, f"Response {response.reference} is corrected.")
        else:
            messages.info(request, f"Nothing was changed, so response {response.reference} is as it was.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    return render(
        request, "surveys/staff/channels/correct_details.html",
        {"consultation": consultation, "form": form, "response": response, "section": "responses"},
        status=400 if form.errors else 200,
    )


@never_cache
@staff_required(CORRECT_RESPONSES)
@require_http_methods(["GET", "POST"])
def response_mark(request, pk, response_pk):
    """Mark a sent response as a duplicate or withdrawn: kept, shown as such, never counted."""
    consultation, response = get_response_for_user(request, pk, response_pk, CORRECT_RESPONSES)
    if not response.is_submitted:
        raise Http404("Only a sent response is marked")
    if response.excluded_as:
        messages.info(request, f"Response {response.reference} is already marked. Undo that first to mark it again.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    form = MarkResponseForm(request.POST if request.method == "POST" else None, response=response)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reason = data["reason"].strip()
        with transaction.atomic():
            if data["mark"] == Response.Exclusion.DUPLICATE:
                response.mark_duplicate(data["original"], request.user, reason)
                AuditEvent.record(
                    request.user, "response.mark_duplicate", response,
                    duplicate_of=data["original"].reference, reason=reason,
                )
                done = f"Response {response.reference} is marked as a duplicate of {data['original'].reference}"
            else:
                response.mark_withdrawn(request.user, reason)
                AuditEvent.record(request.user, "response.mark_withdrawn", response, reason=reason)
                done = f"Response {response.reference} is marked as withdrawn"
        messages.success(request, f"{done}. It is no longer counted.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    return render(
        request, "surveys/staff/channels/mark.html",
        {
            "consultation": consultation, "response": response, "form": form, "section": "responses",
            "duplicates": list(response.duplicates.values_list("reference", flat=True)),
        },
        status=400 if form.errors else 200,
    )


@staff_required(CORRECT_RESPONSES)
@require_POST
def response_unmark(request, pk, response_pk):
    """Count a response again that was marked as a duplicate or withdrawn by mistake."""
    consultation, response = get_response_for_user(request, pk, response_pk, CORRECT_RESPONSES)
    # An erased response is never counted again: the person asked for it to be gone.
    if response.excluded_as and response.excluded_as != Response.Exclusion.ERASED:
        was = response.get_excluded_as_display().lower()
        with transaction.atomic():
            response.unmark()
            AuditEvent.record(request.user, "response.unmark", response, was=was)
        counted = "It is counted again." if response.is_counted else "It is still not counted: its import was undone."
        messages.success(request, f"Response {response.reference} is no longer marked as {was}. {counted}")
    return redirect("surveys_staff:response", consultation.pk, response.pk)


# -- Undoing an import -------------------------------------------------------------------------


@never_cache
@staff_required(CORRECT_RESPONSES)
@require_http_methods(["GET", "POST"])
def import_undo(request, pk, batch_pk):
    """Stop counting every response an import brought in, so the file can be corrected and
    imported again. The responses are kept, shown as from an undone import."""
    consultation, batch = get_import_batch_for_user(request, pk, batch_pk, CORRECT_RESPONSES)
    back = reverse("surveys_staff:import_done", args=[consultation.pk, batch.pk])
    affected = batch.responses.count()
    form = UndoImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and batch.undone_at is None and form.is_valid():
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.undone_at is None:
                locked.undo(request.user, form.cleaned_data["reason"])
                AuditEvent.record(
                    request.user, "responses.import_undo", consultation, batch=batch.pk, file=batch.file_name,
                    responses=affected, reason=form.cleaned_data["reason"],
                )
        messages.success(
            request,
            f"The import of {batch.file_name} is undone: its {affected:,} response{pluralize(affected)} "
            f"{pluralize(affected, 'is,are')} no longer counted. You can now import the file again.",
        )
        return redirect(back)
    return render(
        request, "surveys/staff/channels/import_undo.html",
        {
            "consultation": consultation, "batch": batch, "form": form, "affected": affected, "back_url": back,
            "marked": batch.responses.exclude(excluded_as="").count(),
            "linked": batch.responses.filter(stakeholder__isnull=False).count(),
            "section": "responses",
        },
        status=400 if form.errors else 200,
    )


@staff_required("surveys.change_stakeholder")
@require_POST
def response_stakeholder(request, pk, response_pk):
    """Link a response to one of the stakeholders the council asked, or unlink it."""
    consultation, response = get_response_for_user(request, pk, response_pk, "surveys.change_stakeholder")
    form = LinkStakeholderForm(request.POST, consultation=consultation)
    if not form.is_valid():
        messages.error(request, "Select a stakeholder from the list.")
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    stakeholder = form.cleaned_data["stakeholder"]
    if stakeholder != response.stakeholder:
        with transaction.atomic():
            response.stakeholder = stakeholder
            response.save(update_fields=["stakeholder", "updated_at"])
            AuditEvent.record(
                request.user, "response.link_stakeholder", consultation,
                response=response.reference, stakeholder=stakeholder.name if stakeholder else None,
            )
    if stakeholder:
        messages.success(request, f"Response {response.reference} is linked to “{stakeholder}”.")
    else:
        messages.success(request, f"Response {response.reference} is no longer linked to a stakeholder.")
    return redirect("surveys_staff:response", consultation.pk, response.pk)


# -- Keying in a paper, email or phone response ----------------------------------------------


def remember_entry(request, token, response):
    tokens = request.session.get(ENTRY_TOKENS, {})
    tokens[token] = response.pk
    request.session[ENTRY_TOKENS] = dict(list(tokens.items())[-ENTRY_TOKENS_KEPT:])


def entry_url(consultation, response, number=1):
    return reverse("surveys_staff:response_enter_page", args=[consultation.pk, response.pk, number])


@never_cache
@staff_required("surveys.add_response")
@require_http_methods(["GET", "POST"])
def response_new(request, pk):
    """Step 1: how and when it arrived and who it is from. The response is made here, once;
    the pages that follow carry its number in their address."""
    consultation = get_consultation_for_user(request, pk, "surveys.add_response")
    questionnaire = questionnaire_of(consultation)
    if questionnaire is None:
        # Answers are typed page by page into the questionnaire's questions: without one there is
        # nothing to type into. Say so on a staff page, and where to build it, rather than a 404.
        return render(
            request, "surveys/staff/channels/entry_no_questionnaire.html",
            {"consultation": consultation, "section": "responses"},
        )
    token = request.POST.get("entry_token", "")[:64] or secrets.token_urlsafe(16)
    if request.method == "POST":
        # The same form sent twice (a double click, a resend) goes on with the response it made.
        made = request.session.get(ENTRY_TOKENS, {}).get(token)
        earlier = Response.objects.filter(pk=made, questionnaire=questionnaire).first() if made else None
        if earlier is not None:
            return redirect(entry_url(consultation, earlier))
    form = ResponseDetailsForm(
        request.POST or None, consultation=consultation,
        instance=Response(questionnaire=questionnaire, entered_by=request.user),
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            response = save_with_free_reference(form.save(commit=False))
            AuditEvent.record(
                request.user, "response.entry_start", consultation,
                response=response.reference, channel=response.channel,
            )
        remember_entry(request, token, response)
        return redirect(entry_url(consultation, response))
    return render(
        request, "surveys/staff/channels/entry_details.html",
        {"consultation": consultation, "form": form, "entry_token": token, "response": None, "section": "responses"},
    )


@never_cache
@staff_required("surveys.add_response")
@require_http_methods(["GET", "POST"])
def response_enter_details(request, pk, response_pk):
    consultation, response = get_entry_for_user(request, pk, response_pk)
    if response.is_submitted:
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    record_seen(request, response, "details", keyed_in=True)
    form = ResponseDetailsForm(request.POST or None, consultation=consultation, instance=response)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            AuditEvent.record(request.user, "response.entry_details", response, fields=form.changed_data)
        return redirect("surveys_staff:response_enter_check", consultation.pk, response.pk)
    return render(
        request, "surveys/staff/channels/entry_details.html",
        {"consultation": consultation, "form": form, "response": response, "section": "responses"},
    )


@never_cache
@staff_required("surveys.add_response")
@require_http_methods(["GET", "POST"])
def response_enter_page(request, pk, response_pk, number):
    """One page of the questionnaire, routed by the answers so far, exactly as online."""
    consultation, response = get_entry_for_user(request, pk, response_pk)
    if response.is_submitted:
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    journey = submission.Journey(response)
    current = journey.page_at(number)
    check_url = reverse("surveys_staff:response_enter_check", args=[consultation.pk, response.pk])
    if current is None:
        return redirect(check_url)
    record_seen(request, response, f"section {number}", keyed_in=True)
    returning = request.GET.get("return") == "check"
    form = journey.form_for(current, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        values = submission.clean_page(form)
        if values is not None:
            with transaction.atomic():
                submission.save_answers(response, values)
                AuditEvent.record(request.user, "response.entry_answers", response, page=current.title)
            if "save" in request.POST:
                messages.success(
                    request, f"Response {response.reference} is saved. Carry on with it from “Being keyed in”."
                )
                return redirect("surveys_staff:responses", consultation.pk)
            journey.refresh()
            if returning and journey.first_unanswered_required() is None:
                return redirect(check_url)
            next_number = journey.next_page_number(current)
            if next_number is None:
                return redirect(check_url)
            return redirect(entry_url(consultation, response, next_number) + ("?return=check" if returning else ""))
    return render(
        request, "surveys/staff/channels/entry_page.html",
        {
            "consultation": consultation, "response": response, "page": current, "number": number,
            "total": len(journey.visible_pages()), "form": form, "returning": returning, "section": "responses",
            "back_url": (
                check_url if returning
                else entry_url(consultation, response, number - 1) if number > 1
                else reverse("surveys_staff:response_enter_details", args=[consultation.pk, response.pk])
            ),
        },
    )


@never_cache
@staff_required("surveys.add_response")
@require_http_methods(["GET", "POST"])
def response_enter_check(request, pk, response_pk):
    """Check the answers, then save the response. Saving twice saves it once."""
    consultation, response = get_entry_for_user(request, pk, response_pk)
    problem = None
    if request.method == "POST":
        try:
            with transaction.atomic():
                already_sent = Response.objects.select_for_update().get(pk=response.pk).is_submitted
                response = submission.submit(response)
                if not already_sent:
                    AuditEvent.record(
                        request.user, "response.enter", consultation,
                        response=response.reference, channel=response.channel,
                    )
        except AnswerError as error:
            problem = str(error)
        else:
            if not already_sent:
                messages.success(request, f"Response {response.reference} is saved.")
            return redirect("surveys_staff:response", consultation.pk, response.pk)
    elif response.is_submitted:
        return redirect("surveys_staff:response", consultation.pk, response.pk)
    record_seen(request, response, "check answers", keyed_in=True)
    journey = submission.Journey(response)
    return render(
        request, "surveys/staff/channels/entry_check.html",
        {
            "consultation": consultation, "response": response, "sections": journey.check_answers(),
            "missing": journey.first_unanswered_required(), "problem": problem, "section": "responses",
        },
    )


# -- Raw response download --------------------------------------------------------------------


def _download(request, consultation, *, with_contact_details):
    exporter = ResponseExporter(get_questionnaire(consultation), with_contact_details=with_contact_details)
    # Who downloaded how many rows, and when; never the data itself.
    AuditEvent.record(
        request.user,
        "responses.export_contact_details" if with_contact_details else "responses.export",
        consultation, rows=exporter.count(), format="csv",
    )
    suffix = "-with-contact-details" if with_contact_details else ""
    download = StreamingHttpResponse(csv_chunks(exporter.rows()), content_type="text/csv; charset=utf-8")
    download["Content-Disposition"] = (
        f'attachment; filename="{consultation.slug}-responses{suffix}-{today():%Y-%m-%d}.csv"'
    )
    download["Cache-Control"] = "private, no-store"
    return download


@staff_required("surveys.export_response")
def responses_export(request, pk):
    consultation = get_consultation_for_user(request, pk, "surveys.export_response")
    return _download(request, consultation, with_contact_details=False)


@staff_required("surveys.export_contact_details")
@require_http_methods(["GET", "POST"])
def responses_export_contact_details(request, pk):
    """Names and email addresses as well: asked for on purpose, with a button, not a link.

    A permission of its own: analysts download the anonymised responses, not who sent them."""
    consultation = get_consultation_for_user(request, pk, "surveys.export_contact_details")
    questionnaire = get_questionnaire(consultation)
    if request.method == "POST":
        return _download(request, consultation, with_contact_details=True)
    return render(
        request, "surveys/staff/channels/export_contact_details.html",
        {
            "consultation": consultation, "section": "responses",
            "count": questionnaire.responses.filter(state=Response.State.SUBMITTED).count(),
        },
    )


# -- Event and group-session notes ------------------------------------------------------------


@staff_required(SEE_RESPONSES)
def event_notes(request, pk):
    consultation = get_consultation_for_user(request, pk, SEE_RESPONSES)
    return render(
        request, "surveys/staff/channels/event_notes.html",
        {
            "consultation": consultation, "notes": consultation.event_notes.select_related("event"),
            "totals": event_note_totals(consultation), "section": "event_notes",
        },
    )


@staff_required("surveys.add_eventnote")
@require_http_methods(["GET", "POST"])
def event_note_new(request, pk):
    consultation = get_consultation_for_user(request, pk, "surveys.add_eventnote")
    form = EventNoteForm(
        request.POST or None, consultation=consultation,
        instance=EventNote(consultation=consultation, entered_by=request.user),
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            note = form.save()
            AuditEvent.record(request.user, "event_note.add", consultation, note=note.title, attendees=note.attendees)
        messages.success(request, f"The note of “{note.title}” has been added.")
        return redirect("surveys_staff:event_notes", consultation.pk)
    return render(
        request, "surveys/staff/channels/event_note_form.html",
        {"consultation": consultation, "form": form, "note": None, "section": "event_notes"},
    )


@staff_required("surveys.change_eventnote")
@require_http_methods(["GET", "POST"])
def event_note_edit(request, pk, note_pk):
    consultation = get_consultation_for_user(request, pk, "surveys.change_eventnote")
    note = get_object_or_404(consultation.event_notes, pk=note_pk)
    form = EventNoteForm(request.POST or None, consultation=consultation, instance=note)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            note = form.save()
            AuditEvent.record(request.user, "event_note.change", consultation, note=note.title, fields=form.changed_data)
        messages.success(request, f"The note of “{note.title}” has been updated.")
        return redirect("surveys_staff:event_notes", consultation.pk)
    return render(
        request, "surveys/staff/channels/event_note_form.html",
        {"consultation": consultation, "form": form, "note": note, "section": "event_notes"},
    )


@staff_required("surveys.delete_eventnote")
@require_http_methods(["GET", "POST"])
def event_note_delete(request, pk, note_pk):
    consultation = get_consultation_for_user(request, pk, "surveys.delete_eventnote")
    note = get_object_or_404(consultation.event_notes, pk=note_pk)
    back = reverse("surveys_staff:event_notes", args=[consultation.pk])
    if request.method == "POST":
        with transaction.atomic():
            note.delete()
            AuditEvent.record(request.user, "event_note.delete", consultation, note=note.title)
        messages.success(request, f"The note of “{note.title}” has been removed.")
        return redirect(back)
    return render(
        request, "surveys/staff/channels/confirm_delete.html",
        {
            "consultation": consultation, "item": f"the note of “{note.title}”", "back_url": back,
            "consequence": f"Its summary and its {note.attendees:,} attendees will no longer be counted.",
            "section": "event_notes",
        },
    )


# -- Stakeholders -----------------------------------------------------------------------------


@staff_required(SEE_RESPONSES)
def stakeholders(request, pk):
    consultation = get_consultation_for_user(request, pk, SEE_RESPONSES)
    # Prefetched, so `has_responded` reads its responses without a query per stakeholder.
    items = list(
        consultation.stakeholders.order_by("name").prefetch_related(
            Prefetch("responses", Response.objects.select_related("import_batch").order_by("submitted_at", "pk"))
        )
    )
    responded = sum(1 for s in items if s.has_responded)
    return render(
        request, "surveys/staff/channels/stakeholders.html",
        {
            "consultation": consultation, "stakeholders": items, "targeted": len(items), "responded": responded,
            "section": "stakeholders",
        },
    )


@staff_required("surveys.add_stakeholder")
@require_http_methods(["GET", "POST"])
def stakeholder_new(request, pk):
    """Add one stakeholder or a list of them; names already listed are reported, not doubled."""
    consultation = get_consultation_for_user(request, pk, "surveys.add_stakeholder")
    form = StakeholdersAddForm(request.POST or None, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        new, repeated = form.cleaned_data["names"]
        added = []
        with transaction.atomic():
            for name in new:
                try:
                    with transaction.atomic():
                        Stakeholder.objects.create(
                            consultation=consultation, name=name, kind=form.cleaned_data["kind"],
                            invited_on=form.cleaned_data["invited_on"],
                        )
                    added.append(name)
                except IntegrityError:  # added by someone else a moment ago
                    repeated.append(name)
            if added:
                AuditEvent.record(request.user, "stakeholder.add", consultation, stakeholders=added)
        if added:
            messages.success(request, f"{len(added)} stakeholder{'s' if len(added) != 1 else ''} added.")
        if repeated:
            messages.info(request, f"Already on the list, so not added again: {', '.join(repeated)}.")
        return redirect("surveys_staff:stakeholders", consultation.pk)
    return render(
        request, "surveys/staff/channels/stakeholders_add.html",
        {"consultation": consultation, "form": form, "section": "stakeholders"},
    )


@staff_required("surveys.change_stakeholder")
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request, pk, stakeholder_pk):
    consultation = get_consultation_for_user(request, pk, "surveys.change_stakeholder")
    stakeholder = get_object_or_404(consultation.stakeholders, pk=stakeholder_pk)
    form = StakeholderForm(request.POST or None, instance=stakeholder)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            stakeholder = form.save()
            AuditEvent.record(
                request.user, "stakeholder.change", consultation, stakeholder=stakeholder.name,
                fields=form.changed_data,
            )
        messages.success(request, f"“{stakeholder}” has been updated.")
        return redirect("surveys_staff:stakeholders", consultation.pk)
    return render(
        request, "surveys/staff/channels/stakeholder_form.html",
        {"consultation": consultation, "form": form, "stakeholder": stakeholder, "section": "stakeholders"},
    )


@staff_required("surveys.delete_stakeholder")
@require_http_methods(["GET", "POST"])
def stakeholder_delete(request, pk, stakeholder_pk):
    consultation = get_consultation_for_user(request, pk, "surveys.delete_stakeholder")
    stakeholder = get_object_or_404(consultation.stakeholders, pk=stakeholder_pk)
    back = reverse("surveys_staff:stakeholders", args=[consultation.pk])
    if request.method == "POST":
        with transaction.atomic():
            stakeholder.delete()
            AuditEvent.record(request.user, "stakeholder.delete", consultation, stakeholder=stakeholder.name)
        messages.success(request, f"“{stakeholder}” has been removed from the stakeholders.")
        return redirect(back)
    linked = stakeholder.responses.count()
    consequence = "It will no longer be counted as targeted."
    if linked:
        consequence += (
            f" {linked} response{'s are' if linked != 1 else ' is'} linked to it: "
            f"{'they' if linked != 1 else 'it'} will be kept, no longer linked."
        )
    return render(
        request, "surveys/staff/channels/confirm_delete.html",
        {
            "consultation": consultation, "item": f"“{stakeholder}”", "back_url": back,
            "consequence": consequence, "section": "stakeholders",
        },
    )
