"""A consultation's dated story, from the meeting that approved it to "We did"."""

import dataclasses
import datetime

from django.urls import reverse
from django.utils import timezone

from haveyoursay.outcomes.models import Consideration


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One dated step. `kind` is one of KINDS; `item`, `decisions` and `votes` are set for a
    meeting's consideration."""

    on: datetime.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    consideration: Consideration | None = None
    decisions: tuple = ()
    votes: tuple = ()


KINDS = ("approved", "opened", "extended", "closed", "report", "meeting", "decision", "outcome")
# Steps on the same day read in the order they happen.
ORDER = {kind: position for position, kind in enumerate(KINDS)}


def timeline_for(consultation, *, today=None):
    """Every step so far, oldest first. Steps still to come (a closing date ahead, a meeting
    not yet held) are left out: the page says what happens next in words."""
    today = today or timezone.localdate()
    entries = []
    for consideration in (
        consultation.considerations.select_related("item__meeting__organization")
        .prefetch_related("item__decisions", "item__vote_events")
    ):
        meeting = consideration.item.meeting
        if not meeting.is_held:
            continue
        kind = {
            Consideration.Stage.APPROVAL: "approved",
            Consideration.Stage.DECISION: "decision",
        }.get(consideration.stage, "meeting")
        entries.append(
            TimelineEntry(
                on=timezone.localdate(meeting.starts_at),
                kind=kind,
                title=f"{meeting.organization}: {consideration.get_stage_display().lower()}",
                detail=consideration.note,
                url=reverse("decisions:meeting", args=[meeting.pk]) + f"#item-{consideration.item_id}",
                consideration=consideration,
                decisions=tuple(consideration.item.decisions.all()),
                votes=tuple(consideration.item.vote_events.all()),
            )
        )
    if consultation.opens_on and consultation.is_published and consultation.opens_on <= today:
        entries.append(TimelineEntry(on=consultation.opens_on, kind="opened", title="Consultation opened"))
    for change in consultation.closing_date_changes.all():
        if change.is_extension:
            entries.append(
                TimelineEntry(
                    on=timezone.localdate(change.changed_at),
                    kind="extended",
                    title=f"Closing date extended to {change.closes_on.day} {change.closes_on:%B %Y}",
                    detail=change.reason,
                )
            )
    closes_at = consultation.closes_at
    if closes_at is not None and consultation.is_published and closes_at <= timezone.now():
        entries.append(TimelineEntry(on=consultation.closes_on, kind="closed", title="Consultation closed"))
    publication = getattr(consultation, "report_publication", None)
    if publication is not None:
        entries.append(
            TimelineEntry(
                on=timezone.localdate(publication.published_at), kind="report", title="Engagement report published"
            )
        )
    if consultation.outcome_is_published:
        entries.append(
            TimelineEntry(
                on=timezone.localdate(consultation.outcome_published_at), kind="outcome", title="“We did” published"
            )
        )
    return sorted(entries, key=lambda entry: (entry.on, ORDER[entry.kind]))
