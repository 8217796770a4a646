"""Recording what happened at a meeting, all or nothing: a vote is written with every one of
its members' votes or not at all, and only once every rule holds.

Callable from a staff view, the ModernGov importer, the demo loader and a test alike.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from haveyoursay.decisions.models import Attendance, Meeting, Membership, Person, Vote, VoteEvent


def voters_at(meeting):
    """The people who may vote at `meeting`: members present, and substitutes."""
    return Person.objects.filter(attendance__meeting=meeting, attendance__status__in=Attendance.VOTING).distinct()


def vote_problems(meeting, result, counts, votes):
    """What is wrong with a vote as given, in words that name the problem; [] when it may be recorded.

    `counts` maps "for"/"against"/"abstain" to a number or None; `votes` is a list of
    (person, option) for a named vote, or None.
    """
    problems = []
    if meeting.status != Meeting.Status.SCHEDULED:
        problems.append(f"The meeting was {meeting.get_status_display().lower()}: no vote was taken at it.")
    elif meeting.starts_at > timezone.now():
        problems.append("The meeting has not been held yet: record its votes once it has met.")
    if votes is not None:
        allowed = {p.pk for p in voters_at(meeting)}
        members = set(
            Membership.objects.on(timezone.localdate(meeting.starts_at))
            .filter(organization=meeting.organization)
            .values_list("person_id", flat=True)
        )
        substitutes = set(
            Attendance.objects.filter(meeting=meeting, status=Attendance.Status.SUBSTITUTE).values_list(
                "person_id", flat=True
            )
        )
        seen = set()
        for person, option in votes:
            if person.pk in seen:
                problems.append(f"{person.name} votes more than once.")
                continue
            seen.add(person.pk)
            if option not in Vote.Option.values:
                problems.append(f"{person.name}'s vote “{option}” is not for, against or abstained.")
            if person.pk not in allowed:
                problems.append(f"{person.name} is not recorded as present at the meeting, so cannot have voted.")
            elif members and person.pk not in members and person.pk not in substitutes:
                problems.append(f"{person.name} is not a member of {meeting.organization} on the day of the meeting.")
        named = {option: sum(1 for _, o in votes if o == option) for option in Vote.Option.values}
        for option, label in (("for", "for"), ("against", "against"), ("abstain", "abstaining")):
            given = counts.get(option)
            if given is not None and given != named[option]:
                problems.append(
                    f"The total {label} is {given}, but {named[option]} members are named as voting {label}."
                )
        counts = {option: named[option] for option in named}
    in_favour, against = counts.get("for"), counts.get("against")
    if in_favour is not None and against is not None:
        if in_favour > against and result == VoteEvent.Result.LOST:
            problems.append(f"With {in_favour} for and {against} against, the motion was carried, not lost.")
        if in_favour < against and result == VoteEvent.Result.CARRIED:
            problems.append(f"With {in_favour} for and {against} against, the motion was lost, not carried.")
    return problems


def record_vote_event(item, *, result, kind=VoteEvent.Kind.MOTION, motion_text="", moved_by=None,
                      seconded_by=None, counts=None, votes=None):  # fmt: skip
    """Record a vote on `item`; with `votes` [(person, option)], a named vote whose totals are its names'.

    Raises ValidationError listing every problem, and writes nothing, if any rule is broken.
    """
    counts = {k: v for k, v in (counts or {}).items() if v is not None}
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
        problems = vote_problems(meeting, result, counts, votes)
        if problems:
            raise ValidationError(problems)
        if votes is not None:
            counts = {option: sum(1 for _, o in votes if o == option) for option in Vote.Option.values}
        event = VoteEvent.objects.create(
            item=item,
            kind=kind,
            motion_text=motion_text,
            moved_by=moved_by,
            seconded_by=seconded_by,
            result=result,
            for_count=counts.get("for"),
            against_count=counts.get("against"),
            abstain_count=counts.get("abstain"),
            is_named=votes is not None,
        )
        if votes is not None:
            Vote.objects.bulk_create(Vote(vote_event=event, person=p, option=o) for p, o in votes)
    return event
