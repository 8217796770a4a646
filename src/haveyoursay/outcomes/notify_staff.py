"""The staff page following a consultation's outcome emails: how many have gone, are waiting
or failed, and a way to try the failed ones again."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.jobs.models import Job
from haveyoursay.outcomes import notify, subscriptions
from haveyoursay.outcomes.notify_models import MOST_ATTEMPTS, Delivery, Mailing


@staff_required("hub.view_consultation")
@never_cache
def outcome_emails(request, pk):
    consultation = get_consultation_for_user(request, pk)
    mailing = Mailing.objects.filter(consultation=consultation).first()
    context = {"consultation": consultation, "mailing": mailing}
    if mailing is not None:
        context.update(
            counts=mailing.counts(),
            job=Job.objects.filter(subject=f"mailing {mailing.pk}").order_by("-created_at", "-pk").first(),
            errors=mailing.deliveries.filter(state__in=[Delivery.State.FAILED, Delivery.State.GIVEN_UP])
            .values_list("error").annotate(n=Count("pk")).order_by("-n", "error"),
            most_attempts=MOST_ATTEMPTS,
            interrupted=mailing.deliveries.filter(state=Delivery.State.GIVEN_UP, error=notify.INTERRUPTED).count(),
        )  # fmt: skip
    return render(request, "outcomes/staff/outcome_emails.html", context)


@staff_required("hub.publish_consultation")
@require_POST
def retry_outcome_emails(request, pk):
    consultation = get_consultation_for_user(request, pk, "hub.publish_consultation")
    mailing = Mailing.objects.filter(consultation=consultation).first()
    job, retried = notify.retry_failures(mailing, request.user) if mailing is not None else (None, 0)
    if job is None:
        messages.info(request, "There were no failed emails to try again.")
    else:
        messages.success(request, f"Trying {retried} email{'' if retried == 1 else 's'} again.")
    return redirect("outcomes_staff:outcome_emails", consultation.pk)


@never_cache
@staff_required("surveys.erase_response")
@require_POST
def erase_followers(request):
    """At a person's request: stop every update their address asked for, and delete it. The
    address comes by POST, from the subject access page, and is never written to the audit log."""
    from haveyoursay.privacy.subject_access import search_hash

    email = request.POST.get("email", "").strip()
    if not email:
        messages.error(request, "Search for the person's email address first.")
        return redirect("privacy_staff:subject_access")
    deleted = subscriptions.erase_follower_address(email)
    AuditEvent.record(
        request.user, "followers.erase", None, search_hash=search_hash("email", email), deleted=str(deleted)
    )
    messages.success(
        request, f"Stopped {deleted} update{'' if deleted == 1 else 's'} and deleted the email address they went to."
    )
    return redirect("privacy_staff:subject_access")
