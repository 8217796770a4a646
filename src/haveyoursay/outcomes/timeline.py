"""A consultation's dated story, from the meeting that approved it to "We did"."""

import dataclasses
import datetime

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from haveyoursay.decisions.models import VoteEvent
from haveyoursay.hub.templatetags.hys import uk_date
from haveyoursay.outcomes.models import Consideration


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """One dated step. `kind` is one of KINDS; `consideration`, `decisions` and `votes` are set
    for a meeting's consideration (never the decisions or votes of an item taken in private).
    `date_known` is False where the records say a step happened but not when: `on` is then the
    latest day it can have been, for ordering, and the page says the date is not recorded."""

    on: datetime.date
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    consideration: Consideration | None = None
    decisions: tuple = ()
    votes: tuple = ()
    date_known: bool = True

    @property
    def item(self):
        return self.consideration.item if self.consideration else None

    @property
    def meeting(self):
        return self.consideration.item.meeting if self.consideration else None

    @property
    def is_exempt(self):
        return bool(self.consideration and self.consideration.item.is_exempt)


KINDS = ("approved", "opened", "extended", "shortened", "closed", "report", "meeting", "decision", "outcome")
# Steps on the same day read in the order they happen.
ORDER = {kind: position for position, kind in enumerate(KINDS)}
STAGE_KINDS = {Consideration.Stage.APPROVAL: "approved", Consideration.Stage.DECISION: "decision"}


def meeting_entries(consultation):
    """The meetings held that considered it; one called off, or still to come, is left out."""
    considerations = consultation.considerations.select_related("item__meeting__organization").prefetch_related(
        "item__decisions", Prefetch("item__vote_events", queryset=VoteEvent.objects.order_by("pk"))
    )
    for consideration in considerations:
        item, meeting = consideration.item, consideration.item.meeting
        if not meeting.is_held:
            continue
        exempt = item.is_exempt
        decisions = () if exempt else tuple(item.decisions.all())
        title = f"{meeting.organization} {consideration.stage_phrase}"
        if consideration.stage == Consideration.Stage.DECISION and not decisions:
            title = f"{meeting.organization} met to make the decision"
        yield TimelineEntry(
            on=timezone.localdate(meeting.starts_at),
            kind=STAGE_KINDS.get(consideration.stage, "meeting"),
            title=title,
            # A note on an item taken in private could say what the item was: only its title shows.
            detail="" if exempt else consideration.note,
            url=reverse("decisions:meeting", args=[meeting.pk]) + f"#item-{item.pk}",
            consideration=consideration,
            decisions=decisions,
            votes=() if exempt else tuple(item.vote_events.all()),
        )


def closing_date_entries(consultation):
    for change in consultation.closing_date_changes.all():
        if change.closes_on == change.previous_closes_on:
            continue
        moved = "extended" if change.is_extension else "brought forward"
        yield TimelineEntry(
            on=change.changed_on,
            kind="extended" if change.is_extension else "shortened",
            title=f"Closing date {moved} from {uk_date(change.previous_closes_on)} to {uk_date(change.closes_on)}",
            detail=change.reason,
            date_known=change.date_known,
        )


def timeline_for(consultation, *, today=None):
    """Every step so far, oldest first. Steps still to come (a closing date ahead, a meeting
    not yet held) are left out: the page says what happens next in words."""
    today = today or timezone.localdate()
    entries = list(meeting_entries(consultation))
    published = consultation.is_published
    if published and consultation.opens_on and consultation.opens_on <= today:
        entries.append(TimelineEntry(on=consultation.opens_on, kind="opened", title="Consultation opened"))
    if published:
        entries.extend(closing_date_entries(consultation))
    closes_at = consultation.closes_at
    if published and closes_at is not None and closes_at <= timezone.now():
        entries.append(TimelineEntry(on=consultation.closes_on, kind="closed", title="Consultation closed"))
    publication = getattr(consultation, "report_publication", None)
    if published and publication is not None:
        entries.append(
            TimelineEntry(
                on=timezone.localdate(publication.published_at),
                kind="report",
                title="Engagement report published",
                url=reverse("reports:report", args=[consultation.slug]),
            )
        )
    if consultation.outcome_is_published:
        entries.append(
            TimelineEntry(
                on=timezone.localdate(consultation.outcome_published_at),
                kind="outcome",
                title="“We did” published",
                url=consultation.get_absolute_url() + "#you-said",
            )
        )
    return sorted(entries, key=lambda entry: (entry.on, ORDER[entry.kind]))
