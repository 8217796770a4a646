"""Sending the outcome to everyone who asked for it, once each, and then forgetting their address.

When staff publish a consultation's outcome, `start_outcome_mailing` queues the work. The
worker (`send_mailing`) first writes down who is to get an email: each counted response whose
respondent ticked "contact me when the outcome is published" and gave an address, and each
confirmed follower of the consultation, one email an address. Each is a `Delivery`, unique
for its mailing and person, so that however often the work runs, nobody is added twice.

Then it sends in batches. A batch is claimed by marking its deliveries "sending" with a token
of its own, in one UPDATE that only changes rows still waiting: two workers (or the same work
queued twice) never claim the same row, on PostgreSQL (which also skips rows another worker
has locked) or SQLite (whose writers take turns). A delivery claimed is either sent, or failed
and waits its turn to be tried again (5, 20, 80, 320 minutes later), or after the fifth
failure is given up; a worker that stopped mid-batch leaves "sending" rows that are given up
as interrupted, never sent again by themselves, because they may have gone.

Once an email has gone, the address it went to is deleted: from every response to the
consultation that gave it, and the consultation's followers with it. An address whose response
was erased, unsubscribed or passed its retention period before its turn is simply not written
to. Logs and records name deliveries by number and errors by the name of their class, never
by an address.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, ignore_progress, run_job, start_job
from haveyoursay.outcomes.notify_models import MOST_ATTEMPTS, Delivery, Follower, Mailing, address_key

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A delivery still "sending" this long after it was claimed belongs to a worker that stopped.
INTERRUPTED_AFTER = datetime.timedelta(minutes=30)
INTERRUPTED = "Interrupted"
UNSUBSCRIBE_SALT = "haveyoursay.outcomes.unsubscribe"
NO_SITE_URL = (
    "No emails were sent, because the site does not know its own address to link to. Ask the site's "
    "administrators to set SITE_URL (for example https://haveyoursay.example.gov.uk), then try again."
)


# -- Starting -----------------------------------------------------------------------------------


def start_outcome_mailing(consultation, user):
    """Queue the emails telling people `consultation`'s outcome; the Job that sends them.

    Called as the outcome is published. The mailing is made once; publishing again after
    withdrawing only writes to people not yet written to."""
    mailing, _ = Mailing.objects.get_or_create(
        kind=Mailing.Kind.OUTCOME, consultation=consultation, defaults={"started_by": user}
    )
    return start_sending(mailing, user)


def start_sending(mailing, user, run_after=None):
    """Queue `send_mailing` for `mailing` (at `run_after`, if the queue can wait); the Job."""
    queued = send_mailing if run_after is None else send_mailing.using(run_after=run_after)
    title = "Emails about the outcome" if mailing.kind == Mailing.Kind.OUTCOME else "Emails about a meeting"
    if run_after is not None:
        title += ": trying again"
    return start_job(
        Job.Kind.EMAIL, mailing.consultation, user, queued, mailing.pk, title=title, subject=f"mailing {mailing.pk}"
    )


def retry_failures(mailing, user):
    """Try again now every email that failed or was given up: one more attempt each. The Job, or
    None when there was nothing to try again."""
    with transaction.atomic():
        retried = mailing.deliveries.filter(state__in=[Delivery.State.FAILED, Delivery.State.GIVEN_UP]).update(
            state=Delivery.State.PENDING, next_attempt_at=timezone.now()
        )
        if not retried:
            return None, 0
        AuditEvent.record(user, "outcome_emails.retry", mailing.consultation or mailing.meeting, emails=retried)
        return start_sending(mailing, user), retried


# -- Who is written to ----------------------------------------------------------------------------


def add_recipients(mailing, now=None):
    """Write down a Delivery for everyone `mailing` is for who has none yet; how many were added.

    Safe to run again and at the same time as another run: the database's unique constraints
    decide, and a row that is already there is left as it is."""
    from haveyoursay.surveys.models import Response

    now = now or timezone.now()
    taken = set(mailing.deliveries.exclude(address_key="").values_list("address_key", flat=True))
    rows = []

    def add(email, **who):
        key = address_key(email)
        if key not in taken:
            taken.add(key)
            rows.append(Delivery(mailing=mailing, address_key=key, next_attempt_at=now, **who))

    if mailing.kind == Mailing.Kind.OUTCOME:
        responses = (
            Response.objects.counted()
            .filter(questionnaire__consultation=mailing.consultation, contact_about_outcome=True,
                    personal_data_removed_at__isnull=True)
            .exclude(email="")
            .exclude(outcome_deliveries__mailing=mailing)
            .order_by("pk")
        )  # fmt: skip
        for pk, email in responses.values_list("pk", "email").iterator():
            add(email, response_id=pk)
        followers = mailing.consultation.followers.all()
    else:
        followers = mailing.meeting.organization.followers.all()
    for pk, email in followers.exclude(deliveries__mailing=mailing).order_by("pk").values_list("pk", "email"):
        add(email, follower_id=pk)
    Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def recipient_address(delivery):
    """The address to write to, or "" if it has gone since the delivery was written down."""
    if delivery.response_id is not None:
        response = delivery.response
        if (response.contact_about_outcome and response.email and response.is_counted
                and response.personal_data_removed_at is None):
            return response.email
        return ""
    if delivery.follower_id is not None:
        return delivery.follower.email
    return ""


# -- Sending ---------------------------------------------------------------------------------------


@task()
def send_mailing(job_id, mailing_id):
    return run_job(job_id, send_mailing_impl, mailing_id)


def send_mailing_impl(mailing_id, *, progress=ignore_progress, now=None, batch_size=BATCH_SIZE):
    """Send every email of the mailing that is due; counts of what has happened to them all."""
    mailing = Mailing.objects.select_related("consultation", "meeting__organization").filter(pk=mailing_id).first()
    if mailing is None:
        raise JobError("These emails are no longer to be sent: what they were about has been deleted.")
    if not settings.SITE_URL:
        raise JobError(NO_SITE_URL)
    if mailing.kind == Mailing.Kind.OUTCOME and not mailing.consultation.outcome_is_published:
        raise JobError(
            "No emails were sent, because the outcome is no longer shown to the public. Publish the outcome "
            "again to send them."
        )
    add_recipients(mailing, now)
    give_up_interrupted(mailing, now)
    sent_before = mailing.counts()["sent"]
    due = due_deliveries(mailing, now)
    total, done = due.count(), 0
    progress(0, total, "Sending emails")
    while done < total:
        claimed = claim_batch(mailing, now, batch_size)
        if not claimed:
            break
        send_batch(mailing, claimed, now)
        done += len(claimed)
        progress(done, total, "Sending emails")
    schedule_retry(mailing)
    counts = mailing.counts()
    if sent_now := counts["sent"] - sent_before:
        # Numbers only: who they went to is on no record.
        action = "outcome_emails.sent" if mailing.kind == Mailing.Kind.OUTCOME else "meeting_emails.sent"
        AuditEvent.record(
            None, action, mailing.consultation or mailing.meeting,
            sent=f"{sent_now} email{'' if sent_now == 1 else 's'}",
            failed=counts["failed"], given_up=counts["given_up"],
        )  # fmt: skip
    return {"mailing": mailing.pk, "sent": counts["sent"], "failed": counts["failed"], "given_up": counts["given_up"]}


def due_deliveries(mailing, now=None):
    return mailing.deliveries.filter(
        state__in=[Delivery.State.PENDING, Delivery.State.FAILED], next_attempt_at__lte=now or timezone.now()
    )


def claim_batch(mailing, now=None, size=BATCH_SIZE):
    """Mark up to `size` due deliveries as being sent by this run, and return them.

    Only rows still waiting change, so a row claimed by another worker in the meantime is not
    claimed again; PostgreSQL also skips rows another worker holds locked rather than waiting."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        candidates = due_deliveries(mailing, now).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids, state__in=[Delivery.State.PENDING, Delivery.State.FAILED]).update(
            state=Delivery.State.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(
        Delivery.objects.filter(claim=token, state=Delivery.State.SENDING)
        .select_related("response__questionnaire", "response__import_batch", "follower")
        .order_by("pk")
    )


def give_up_interrupted(mailing, now=None):
    """Deliveries left "sending" by a worker that stopped: they may have gone, so they are not
    sent again unless staff ask for it."""
    now = now or timezone.now()
    stuck = mailing.deliveries.filter(state=Delivery.State.SENDING, claimed_at__lt=now - INTERRUPTED_AFTER)
    count = stuck.update(state=Delivery.State.GIVEN_UP, error=INTERRUPTED)
    if count:
        logger.warning("Mailing %s: %s emails were being sent by a worker that stopped; given up.", mailing.pk, count)
    return count


def send_batch(mailing, deliveries, now=None):
    messages = []
    for delivery in deliveries:
        address = recipient_address(delivery)
        if not address:
            Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
                state=Delivery.State.NOT_SENT, address_key=""
            )
            continue
        messages.append((delivery, address, build_message(mailing, delivery, address)))
    if not messages:
        return
    email_connection = get_connection()
    try:
        email_connection.open()
    except Exception as error:
        for delivery, _, _ in messages:
            record_failure(delivery, error, now)
        return
    try:
        for delivery, address, message in messages:
            message.connection = email_connection
            try:
                message.send()
            except Exception as error:
                record_failure(delivery, error, now)
            else:
                record_sent(mailing, delivery, address, now)
    finally:
        try:
            email_connection.close()
        except Exception as error:  # the messages have gone; a connection that fails to close is no failure of theirs
            logger.info("Mailing %s: closing the email connection failed (%s).", mailing.pk, type(error).__name__)


def record_failure(delivery, error, now=None):
    now = now or timezone.now()
    given_up = delivery.attempts >= MOST_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
        state=Delivery.State.GIVEN_UP if given_up else Delivery.State.FAILED,
        error=type(error).__name__[:100],
        next_attempt_at=now + delivery.retry_after,
    )
    logger.warning(
        "Email %s of mailing %s failed on attempt %s (%s)%s.", delivery.pk, delivery.mailing_id, delivery.attempts,
        type(error).__name__, ": given up" if given_up else "",
    )  # fmt: skip


def record_sent(mailing, delivery, address, now=None):
    """Mark it sent, and delete the address wherever it was kept for this."""
    from haveyoursay.surveys.models import Response

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            state=Delivery.State.SENT, sent_at=now or timezone.now(), address_key="", error=""
        )
        if mailing.kind == Mailing.Kind.OUTCOME:
            Response.objects.filter(
                questionnaire__consultation=mailing.consultation, contact_about_outcome=True, email__iexact=address
            ).update(email="")
            Follower.objects.filter(consultation=mailing.consultation, email_key=address_key(address)).delete()


def schedule_retry(mailing):
    """Queue the next attempt at the failed emails for when the first of them is due, if the
    queue can hold work until then. (Without one, staff try again from the mailing's page.)"""
    first = mailing.deliveries.filter(state=Delivery.State.FAILED).order_by("next_attempt_at").first()
    if first is None or not send_mailing.get_backend().supports_defer:
        return None
    return start_sending(mailing, None, run_after=first.next_attempt_at)


# -- The message --------------------------------------------------------------------------------


def unsubscribe_token(delivery=None, *, response=None, follower=None):
    if delivery is not None:
        response, follower = delivery.response, delivery.follower
    value = {"r": response.pk} if response is not None else {"f": follower.pk}
    return signing.dumps(value, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(token):
    return settings.SITE_URL + reverse("outcomes:unsubscribe", args=[token])


def build_message(mailing, delivery, address):
    unsubscribe = unsubscribe_url(unsubscribe_token(delivery))
    context = {
        "mailing": mailing, "consultation": mailing.consultation, "meeting": mailing.meeting,
        "follower": delivery.follower, "respondent": delivery.response_id is not None,
        "unsubscribe_url": unsubscribe, "council_name": settings.COUNCIL_NAME, "site_name": settings.SITE_NAME,
    }  # fmt: skip
    if mailing.kind == Mailing.Kind.OUTCOME:
        context["link"] = settings.SITE_URL + mailing.consultation.get_absolute_url() + "#you-said"
        subject = f"The outcome of {mailing.consultation.title}"
        name = "outcome"
    else:
        context["link"] = settings.SITE_URL + reverse("decisions:meeting", args=[mailing.meeting.pk])
        context["body"] = mailing.meeting.organization
        context["decisions"] = meeting_decisions(mailing.meeting)
        subject = f"Decisions made at {mailing.meeting}"
        name = "meeting"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"outcomes/email/{name}.txt", context),
        to=[address],
        headers={
            # RFC 8058: mail programs offer their own "Unsubscribe", which POSTs to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string(f"outcomes/email/{name}.html", context), "text/html")
    return message


# -- Meetings of followed bodies -------------------------------------------------------------------


def meeting_decisions(meeting):
    from haveyoursay.decisions.models import Decision

    return Decision.objects.filter(item__meeting=meeting).select_related("item").order_by("item__number", "pk")


def start_meeting_mailings(since_days=30, now=None):
    """For each meeting of a followed body, held in the last `since_days` days with decisions
    recorded, queue one email to the body's followers, once: [Job].

    Run daily (`haveyoursay send_meeting_updates`): a meeting's decisions are keyed in one by one
    or imported, and a day's wait sends them together rather than one email each."""
    from haveyoursay.decisions.models import Meeting

    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__lte=now,
            starts_at__gte=now - datetime.timedelta(days=since_days),
            organization__followers__isnull=False, items__decisions__isnull=False, mailing__isnull=True,
        )
        .distinct()
        .order_by("starts_at")
    )  # fmt: skip
    jobs = []
    for meeting in meetings:
        with transaction.atomic():
            mailing, created = Mailing.objects.get_or_create(kind=Mailing.Kind.MEETING, meeting=meeting)
            if created:
                jobs.append(start_sending(mailing, None))
    return jobs


# -- Retention ------------------------------------------------------------------------------------


def forget_followers_of(consultation):
    """At the end of the consultation's retention period: its followers' addresses are deleted,
    and emails still waiting for them or its respondents will not be sent. How many followers."""
    waiting = Delivery.objects.filter(
        mailing__consultation=consultation,
        state__in=[Delivery.State.PENDING, Delivery.State.FAILED, Delivery.State.GIVEN_UP],
    )
    waiting.update(state=Delivery.State.NOT_SENT, address_key="")
    return consultation.followers.all().delete()[0]
