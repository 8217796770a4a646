"""Removing personal data from responses when a consultation's retention period ends.

A consultation keeps its responses' personal data for `retention_months` after its closing
date (`Consultation.retention_ends_on`). From that day `apply_retention` removes, from every
sent response not yet done: the personal fields (`Response.PERSONAL_FIELDS`), and the
respondents' own words in their free-text answers and "other" answers, either redacted
(`analysis.text.redact`) or deleted, as the consultation says. Responses started but never
sent are never counted, so they are deleted whole. The closed answers, the codings of
comments into themes and the responses themselves stay, so every count the published report
made is the same afterwards. Event notes' summaries are treated as free text.

It is safe to run again: responses already done are skipped, and a run that finds nothing
to do records nothing.
"""

from collections import Counter

from django.db import transaction

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, FreeTextAfterRetention, today
from haveyoursay.outcomes.notify import forget_followers_of
from haveyoursay.privacy.models import RetentionRun

BATCH = 500


def responses_held(consultation):
    """The responses of `consultation` whose personal data is still held."""
    from haveyoursay.surveys.models import Response

    return Response.objects.filter(questionnaire__consultation=consultation, personal_data_removed_at__isnull=True)


def is_due(consultation, on=None):
    ends_on = consultation.retention_ends_on
    return ends_on is not None and ends_on <= (on or today())


def due_consultations(on=None):
    """Consultations whose retention period has ended and that still hold personal data."""
    on = on or today()
    candidates = Consultation.private_objects.filter(closes_on__isnull=False, closes_on__lte=on)
    return [
        consultation for consultation in candidates
        if is_due(consultation, on) and (responses_held(consultation) or consultation.followers.exists())
    ]  # fmt: skip


def apply_retention(consultation, *, user=None, on=None):
    """Remove the personal data of `consultation`'s responses if its retention period has
    ended. Returns the `RetentionRun` recording what was done, or None if nothing was due."""
    from haveyoursay.analysis.models import Quote
    from haveyoursay.surveys.models import Answer, EventNote, Response

    if not is_due(consultation, on):
        return None
    free_text = consultation.free_text_after_retention
    deleting = free_text == FreeTextAfterRetention.DELETE
    held = responses_held(consultation)
    with transaction.atomic():
        unsent = held.filter(state=Response.State.IN_PROGRESS)
        unsent_deleted = unsent.count()
        if unsent_deleted:
            unsent.delete()
        fields, anonymised, redacted, deleted, quotes = Counter(), 0, 0, 0, 0
        responses = list(held.filter(state=Response.State.SUBMITTED))
        for start in range(0, len(responses), BATCH):
            chunk = responses[start : start + BATCH]
            for response in chunk:
                fields.update(response.remove_personal_details())
            Response.objects.bulk_update(
                chunk,
                [*Response.PERSONAL_FIELDS, "resume_code_expires_at", "resume_link_expires_at",
                 "contact_about_outcome", "personal_data_removed_at", "updated_at"],
            )
            anonymised += len(chunk)
            answers = [
                answer
                for answer in Answer.objects.filter(response__in=chunk).select_related("question")
                if answer.holds_free_text
            ]
            changed = []
            for answer in answers:
                if deleting:
                    answer.remove_free_text()
                    changed.append(answer)
                elif answer.redact_free_text():
                    changed.append(answer)
            Answer.objects.bulk_update(changed, Answer.FREE_TEXT_FIELDS)
            if deleting:
                deleted += len(changed)
                quotes += Quote.objects.filter(answer__in=answers).delete()[0]
            else:
                redacted += len(changed)
                # A quote's text is already redacted; what redaction took out is the person's words.
                Quote.objects.filter(answer__in=answers).exclude(removed=[]).update(removed=[])
        # Followers' addresses go too, and outcome emails not yet sent never will be.
        followers_deleted = forget_followers_of(consultation)
        if not (anonymised or unsent_deleted or followers_deleted):
            return None
        notes_changed = remove_free_text_of_event_notes(EventNote.objects.filter(consultation=consultation), deleting)
        run = RetentionRun.objects.create(
            consultation=consultation, ran_by=user if user is not None and user.is_authenticated else None,
            retention_ended_on=consultation.retention_ends_on, free_text=free_text,
            responses_anonymised=anonymised, unsent_deleted=unsent_deleted, answers_redacted=redacted,
            answers_deleted=deleted, quotes_deleted=quotes, event_notes_changed=notes_changed,
            fields_cleared=dict(sorted(fields.items())),
        )
        # Counts and field names only: what was in them is gone.
        AuditEvent.record(
            user, "retention.apply", consultation, command_line=user is None,
            responses=f"{anonymised} response{'s' if anonymised != 1 else ''}",
            unsent_deleted=unsent_deleted, fields=sorted(fields), free_text=free_text,
            answers_redacted=redacted, answers_deleted=deleted, followers_deleted=followers_deleted,
        )
    return run


def remove_free_text_of_event_notes(notes, deleting):
    from haveyoursay.analysis.themes.text.redact import redact
    from haveyoursay.surveys.models import Answer

    changed = []
    for note in notes:
        if deleting:
            new = Answer.REMOVED_TEXT if note.summary else ""
        else:
            new = redact(note.summary).text
        if new != note.summary:
            note.summary = new
            changed.append(note)
    notes.model.objects.bulk_update(changed, ["summary"])
    return len(changed)


def apply_all_due(on=None):
    """Apply retention to every consultation that is due: [RetentionRun]."""
    runs = []
    for consultation in due_consultations(on):
        run = apply_retention(consultation, on=on)
        if run is not None:
            runs.append(run)
    return runs


def retention_summary(consultation, on=None):
    """What the retention page says of one consultation."""
    from haveyoursay.surveys.models import Response

    on = on or today()
    held = responses_held(consultation)
    return {
        "ends_on": consultation.retention_ends_on,
        "due": is_due(consultation, on),
        "held_sent": held.filter(state="submitted").count(),
        "held_unsent": held.filter(state="in_progress").count(),
        "removed": Response.objects.filter(
            questionnaire__consultation=consultation, personal_data_removed_at__isnull=False
        ).count(),
    }
