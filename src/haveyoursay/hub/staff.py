"""The staff site: the consultation team writes, previews, publishes and documents
consultations here. Every view needs a signed-in user with the right permission, and
every change is recorded in the audit log."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, Document, Event, OutcomeNotReady, Revision, Status
from haveyoursay.hub.staff_forms import ConsultationForm, DocumentForm, EventForm, ScheduleForm
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.hub.views import consultation_context
from haveyoursay.outcomes.models import ClosingDateChange
from haveyoursay.surveys.models import Questionnaire


def staff_required(permission):
    """Signed in, and holding `permission` (e.g. "hub.change_consultation"); 403 otherwise."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_consultation_for_user(request, pk, permission="hub.view_consultation"):
    """The one way a staff view reaches a consultation: the user must hold `permission`."""
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return get_object_or_404(Consultation.private_objects, pk=pk)


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True


@staff_required("hub.view_consultation")
def consultations(request):
    status = request.GET.get("status")
    items = Consultation.private_objects.in_hub_order().prefetch_related("partners")
    if status in Status.values:
        items = items.with_status([status])
    statuses = [(s.value, s.label, Consultation.private_objects.with_status([s]).count()) for s in Status]
    return render(
        request, "staff/consultations.html", {"consultations": items, "status": status, "statuses": statuses}
    )


@staff_required("hub.add_consultation")
@require_http_methods(["GET", "POST"])
def consultation_new(request):
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            consultation = form.save()
            AuditEvent.record(request.user, "consultation.create", consultation)
        messages.success(request, f"“{consultation.title}” has been saved as a draft.")
        return redirect("staff:consultation", consultation.pk)
    return render(request, "staff/consultation_form.html", {"form": form, "consultation": None})


@staff_required("hub.view_consultation")
def consultation(request, pk):
    consultation = get_consultation_for_user(request, pk)
    return render(
        request,
        "staff/consultation.html",
        {
            "consultation": consultation,
            "checklist": consultation.publishing_checklist(),
            "documents": consultation.documents.all(),
            "events": consultation.events.all(),
            # Keying in and importing responses need one: without it the page says to build it first.
            "questionnaire": Questionnaire.objects.filter(consultation=consultation).first(),
            "audit": AuditEvent.objects.filter(
                content_type__model="consultation", object_id=str(consultation.pk)
            ).select_related("user")[:20],
        },
    )


@staff_required("hub.change_consultation")
@require_http_methods(["GET", "POST"])
def consultation_edit(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_consultation")
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            Revision.bump()  # the many-to-many fields change after the save that bumped it
            AuditEvent.record(request.user, "consultation.change", consultation, fields=form.changed_data)
            if form.closing_date_moved():
                record_closing_date_change(request.user, consultation, form)
        messages.success(request, "Your changes have been saved.")
        return redirect("staff:consultation", consultation.pk)
    return render(request, "staff/consultation_form.html", {"form": form, "consultation": consultation})


def record_closing_date_change(user, consultation, form):
    change = ClosingDateChange.record(
        consultation, form.previous_closes_on, form.cleaned_data["closing_date_reason"].strip(), by=user
    )
    AuditEvent.record(
        user, "consultation.move_closing_date", consultation, previous=uk_date(change.previous_closes_on),
        closes_on=uk_date(change.closes_on), reason=change.reason,
    )  # fmt: skip


@staff_required("hub.view_consultation")
def consultation_preview(request, pk):
    consultation = get_consultation_for_user(request, pk)
    context = consultation_context(consultation.as_published(), preview=True)
    context["published"] = consultation.is_published
    response = render(request, "hub/consultation.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _state_change(action, permission, method, message):
    """A POST-only view that calls `method` on the consultation, e.g. publish()."""

    @staff_required(permission)
    @require_POST
    def view(request, pk):
        consultation = get_consultation_for_user(request, pk, permission)
        # The outcome page's buttons come back to it; every other button to the consultation.
        back = "staff:outcome" if request.POST.get("back") == "outcome" else "staff:consultation"
        try:
            with transaction.atomic():
                getattr(consultation, method)()
                AuditEvent.record(request.user, action, consultation)
        except OutcomeNotReady as refusal:
            messages.error(request, str(refusal))
            return redirect(back, consultation.pk)
        messages.success(request, message.format(title=consultation.title))
        return redirect(back, consultation.pk)

    view.__name__ = method
    return view


def _refuse_if_incomplete(request, consultation, doing):
    """A redirect back with a message naming what is missing, or None if nothing is."""
    missing = consultation.missing_for_publishing()
    if not missing:
        return None
    names = [item.missing_phrase for item in missing]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    messages.error(request, f"You cannot {doing} “{consultation.title}” yet. Add {listed} first.")
    return redirect(reverse("staff:consultation", args=[consultation.pk]) + "#checklist")


@staff_required("hub.publish_consultation")
@require_POST
def publish(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.publish_consultation")
    refused = _refuse_if_incomplete(request, consultation, "publish")
    if refused:
        return refused
    with transaction.atomic():
        consultation.publish()
        AuditEvent.record(request.user, "consultation.publish", consultation)
    messages.success(request, f"“{consultation.title}” is published. The public can see it now.")
    return redirect("staff:consultation", consultation.pk)


@staff_required("hub.publish_consultation")
@require_http_methods(["GET", "POST"])
def schedule(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.publish_consultation")
    if request.method == "POST":
        refused = _refuse_if_incomplete(request, consultation, "schedule")
        if refused:
            return refused
    initial = {}
    if consultation.is_scheduled:
        local = timezone.localtime(consultation.published_at)
        initial = {"day": local.date(), "time": clock(local)}
    form = ScheduleForm(request.POST or None, initial=initial, consultation=consultation)
    if request.method == "POST" and form.is_valid():
        at = form.cleaned_data["at"]
        with transaction.atomic():
            consultation.publish(at=at)
            AuditEvent.record(request.user, "consultation.schedule", consultation, at=at.isoformat())
        messages.success(
            request,
            f"“{consultation.title}” will be published at {clock(at)} on {timezone.localtime(at):%-d %B %Y}.",
        )
        return redirect("staff:consultation", consultation.pk)
    return render(
        request,
        "staff/schedule_form.html",
        {"form": form, "consultation": consultation, "checklist": consultation.publishing_checklist()},
    )

unpublish = _state_change(
    "consultation.unpublish", "hub.publish_consultation", "unpublish",
    "“{title}” is not published. Only staff can see it now.",
)


@staff_required("hub.publish_consultation")
@require_POST
def publish_outcome(request, pk):
    """Show the outcome, and email it to everyone who asked to hear it (outcomes/notify.py)."""
    from haveyoursay.outcomes.notify import start_outcome_mailing

    consultation = get_consultation_for_user(request, pk, "hub.publish_consultation")
    # The outcome page's button comes back to it; the consultation page's to that.
    back = "staff:outcome" if request.POST.get("back") == "outcome" else "staff:consultation"
    try:
        with transaction.atomic():
            consultation.publish_outcome()
            AuditEvent.record(request.user, "consultation.publish_outcome", consultation)
            start_outcome_mailing(consultation, request.user)
    except OutcomeNotReady as refusal:
        messages.error(request, str(refusal))
        return redirect(back, consultation.pk)
    messages.success(
        request,
        f"The outcome of “{consultation.title}” is published: “You said” and “We did” are on its page. "
        "Everyone who asked to hear it is being sent an email.",
    )
    return redirect(back, consultation.pk)


withdraw_outcome = _state_change(
    "consultation.withdraw_outcome", "hub.publish_consultation", "withdraw_outcome",
    "The outcome of “{title}” is no longer shown to the public.",
)


@staff_required("hub.add_document")
@require_http_methods(["GET", "POST"])
def document_new(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.add_document")
    form = DocumentForm(request.POST or None, request.FILES or None, instance=Document(consultation=consultation))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            document = form.save(commit=False)
            document.position = consultation.documents.count()
            document.save()
            AuditEvent.record(request.user, "document.add", consultation, document=document.title)
        messages.success(request, f"“{document.title}” has been added.")
        return redirect("staff:consultation", consultation.pk)
    return render(request, "staff/document_form.html", {"form": form, "consultation": consultation})


@staff_required("hub.change_document")
@require_http_methods(["GET", "POST"])
def document_edit(request, pk, document_pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_document")
    document = get_object_or_404(consultation.documents, pk=document_pk)
    old_file = document.file.name
    form = DocumentForm(request.POST or None, request.FILES or None, instance=document)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            document = form.save()
            AuditEvent.record(request.user, "document.change", consultation, document=document.title)
            if document.file.name != old_file:
                storage = document.file.storage
                transaction.on_commit(lambda: storage.delete(old_file))
        messages.success(request, f"“{document.title}” has been updated.")
        return redirect("staff:consultation", consultation.pk)
    return render(
        request, "staff/document_form.html", {"form": form, "consultation": consultation, "document": document}
    )


def _delete_view(model_name, related_name, permission):
    @staff_required(permission)
    @require_http_methods(["GET", "POST"])
    def view(request, pk, item_pk):
        consultation = get_consultation_for_user(request, pk, permission)
        item = get_object_or_404(getattr(consultation, related_name), pk=item_pk)
        if request.method == "POST":
            with transaction.atomic():
                item.delete()
                AuditEvent.record(request.user, f"{model_name}.delete", consultation, **{model_name: str(item)})
            messages.success(request, f"“{item}” has been removed.")
            return redirect("staff:consultation", consultation.pk)
        return render(
            request,
            "staff/confirm_delete.html",
            {"consultation": consultation, "item": item, "kind": model_name},
        )

    view.__name__ = f"{model_name}_delete"
    return view


document_delete = _delete_view("document", "documents", "hub.delete_document")
event_delete = _delete_view("event", "events", "hub.delete_event")


@staff_required("hub.add_event")
@require_http_methods(["GET", "POST"])
def event_new(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.add_event")
    form = EventForm(request.POST or None, instance=Event(consultation=consultation))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
            AuditEvent.record(request.user, "event.add", consultation, event=event.title)
        messages.success(request, f"“{event.title}” has been added.")
        return redirect("staff:consultation", consultation.pk)
    return render(request, "staff/event_form.html", {"form": form, "consultation": consultation})


@staff_required("hub.change_event")
@require_http_methods(["GET", "POST"])
def event_edit(request, pk, event_pk):
    consultation = get_consultation_for_user(request, pk, "hub.change_event")
    event = get_object_or_404(consultation.events, pk=event_pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            event = form.save()
            AuditEvent.record(request.user, "event.change", consultation, event=event.title, fields=form.changed_data)
        messages.success(request, f"“{event.title}” has been updated.")
        return redirect("staff:consultation", consultation.pk)
    return render(request, "staff/event_form.html", {"form": form, "consultation": consultation, "event": event})
