"""The rules of the democratic records: a named vote's totals are its names', a member votes once
and only if present, decisions and votes need a meeting that has been held, an agenda number is
used once, a meeting ends after it starts. Each is refused with a message that names the
problem, and nothing is half-saved."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from haveyoursay.decisions.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Membership,
    Organization,
    Person,
    Question,
    Vote,
    VoteEvent,
)
from haveyoursay.decisions.names import match_recorded_vote, parse_name
from haveyoursay.decisions.recording import record_vote_event

DATA = Path(__file__).parent / "data"


def at(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


@pytest.fixture
def council(db):
    return Organization.objects.create(name="Leicestershire County Council", classification="council")


@pytest.fixture
def meeting(council):
    """The County Council's meeting of 23 February 2022, with the 51 members present."""
    meeting = Meeting.objects.create(
        organization=council, starts_at=at(2022, 2, 23, 14), ends_at=at(2022, 2, 23, 16, 10)
    )
    text = (DATA / "council-2022-02-23-present.txt").read_text().replace(" and Mrs. M. Wright", ", Mrs. M. Wright")
    for written in (n.strip() for n in text.replace("\n", ", ").split(",") if n.strip()):
        parsed = parse_name(written)
        person = Person.objects.create(
            name=written.replace(" (in the Chair)", ""),
            honorific_prefix=parsed.prefix,
            given_name=parsed.given_name,
            initials=parsed.initials,
            family_name=parsed.family_name,
            honorific_suffix=parsed.suffix,
        )
        Membership.objects.create(person=person, organization=council, start_date=datetime.date(2021, 5, 6))
        Attendance.objects.create(meeting=meeting, person=person, status=Attendance.Status.PRESENT)
    return meeting


@pytest.fixture
def mtfs(meeting):
    return AgendaItem.objects.create(
        meeting=meeting, number=47, sub_letter="a", title="Medium Term Financial Strategy 2022/23 - 2025/26"
    )


def named_votes(meeting, paragraph=None):
    people = list(Person.objects.filter(attendance__meeting=meeting))
    _, matches, problems = match_recorded_vote(
        paragraph or (DATA / "council-2022-02-23-mtfs-vote.txt").read_text(), people
    )
    assert problems == []
    return [(m.person, m.option) for m in matches]


def test_the_mtfs_named_vote_is_recorded_with_its_51_names(mtfs, meeting):
    breckon = Person.objects.get(family_name="Breckon")
    event = record_vote_event(
        mtfs, result=VoteEvent.Result.CARRIED, moved_by=breckon, seconded_by=Person.objects.get(family_name="Shepherd"),
        counts={"for": 40, "against": 11}, votes=named_votes(meeting),
    )  # fmt: skip
    assert (event.for_count, event.against_count, event.abstain_count, event.is_named) == (40, 11, 0, True)
    assert event.votes.count() == 51
    pain = Vote.objects.get(vote_event=event, person__family_name="Pain")
    assert pain.option == Vote.Option.FOR
    assert Vote.objects.get(vote_event=event, person__family_name="Welsh").option == Vote.Option.AGAINST


def refused(mtfs, **kwargs):
    with pytest.raises(ValidationError) as caught:
        record_vote_event(mtfs, **kwargs)
    assert VoteEvent.objects.count() == 0 and Vote.objects.count() == 0, "nothing may be half-saved"
    return caught.value.messages


def test_totals_that_disagree_with_the_names_are_refused(mtfs, meeting):
    messages = refused(mtfs, result="carried", counts={"for": 41, "against": 11}, votes=named_votes(meeting))
    assert messages == ["The total for is 41, but 40 members are named as voting for."]


def test_a_member_voting_twice_is_refused(mtfs, meeting):
    votes = named_votes(meeting)
    pain = next(p for p, _ in votes if p.family_name == "Pain")
    messages = refused(mtfs, result="carried", votes=[*votes, (pain, "against")])
    assert messages == ["Mr. B. L. Pain CC votes more than once."]


def test_a_member_not_present_cannot_vote(mtfs, meeting, council):
    absent = Person.objects.create(name="Mr. J. Example CC", family_name="Example")
    Membership.objects.create(person=absent, organization=council)
    Attendance.objects.create(meeting=meeting, person=absent, status=Attendance.Status.APOLOGIES)
    messages = refused(mtfs, result="carried", votes=[*named_votes(meeting), (absent, "for")])
    assert messages == ["Mr. J. Example CC is not recorded as present at the meeting, so cannot have voted."]


def test_an_officer_in_attendance_cannot_vote(mtfs, meeting):
    officer = Person.objects.create(name="Mr. M. I. Seedat", family_name="Seedat", kind=Person.Kind.OFFICER)
    Attendance.objects.create(meeting=meeting, person=officer, status=Attendance.Status.IN_ATTENDANCE)
    messages = refused(mtfs, result="carried", votes=[(officer, "for")])
    assert messages == ["Mr. M. I. Seedat is not recorded as present at the meeting, so cannot have voted."]


def test_someone_present_who_is_not_a_member_of_the_body_cannot_vote(mtfs, meeting):
    visitor = Person.objects.create(name="Mr. V. Isitor", family_name="Isitor")
    Attendance.objects.create(meeting=meeting, person=visitor, status=Attendance.Status.PRESENT)
    messages = refused(mtfs, result="carried", votes=[(visitor, "for")])
    assert messages == ["Mr. V. Isitor is not a member of Leicestershire County Council on the day of the meeting."]


def test_a_substitute_may_vote(mtfs, meeting):
    substitute = Person.objects.create(name="Mr. S. Ubstitute CC", family_name="Ubstitute")
    pain = Person.objects.get(family_name="Pain")
    Attendance.objects.create(meeting=meeting, person=substitute, status="substitute", substitute_for=pain)
    event = record_vote_event(mtfs, result="carried", votes=[(substitute, "for")])
    assert event.for_count == 1


def test_a_result_the_totals_contradict_is_refused(mtfs):
    messages = refused(mtfs, result="lost", counts={"for": 40, "against": 11})
    assert messages == ["With 40 for and 11 against, the motion was carried, not lost."]


def test_a_vote_at_a_meeting_not_yet_held_is_refused(council):
    future = Meeting.objects.create(organization=council, starts_at=timezone.now() + datetime.timedelta(days=3))
    item = AgendaItem.objects.create(meeting=future, number=1, title="Budget")
    messages = refused(item, result="carried", counts={"for": 3, "against": 1})
    assert messages == ["The meeting has not been held yet: record its votes once it has met."]


def test_a_decision_on_a_meeting_not_yet_held_is_refused(council):
    future = Meeting.objects.create(organization=council, starts_at=timezone.now() + datetime.timedelta(days=3))
    item = AgendaItem.objects.create(meeting=future, number=1, title="Budget")
    decision = Decision(item=item, decided_on=timezone.localdate(future.starts_at), text="Approved", outcome="approved")
    with pytest.raises(ValidationError) as caught:
        decision.full_clean()
    assert caught.value.message_dict["item"] == [
        "The meeting has not been held yet: record its decisions once it has met."
    ]


def test_a_decision_on_a_cancelled_meeting_is_refused(council):
    cancelled = Meeting.objects.create(organization=council, starts_at=at(2026, 1, 13, 10), status="cancelled")
    item = AgendaItem.objects.create(meeting=cancelled, number=1, title="Minutes")
    decision = Decision(item=item, decided_on=datetime.date(2026, 1, 13), text="Approved", outcome="approved")
    with pytest.raises(ValidationError) as caught:
        decision.full_clean()
    assert caught.value.message_dict["item"] == ["The meeting was cancelled: no decision was made at it."]


def test_a_decision_has_exactly_one_decision_maker(mtfs):
    officer = Person.objects.create(name="Director of Corporate Resources", family_name="Resources", kind="officer")
    both = Decision(
        item=mtfs, delegated_officer=officer, decided_on=datetime.date(2022, 2, 23), text="x", outcome="noted"
    )
    with pytest.raises(ValidationError) as caught:
        both.full_clean()
    assert "either at a meeting" in caught.value.message_dict["item"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(decided_on=datetime.date(2022, 2, 23), text="x", outcome="noted")


def test_an_agenda_number_used_twice_in_one_meeting_is_refused(mtfs, meeting):
    again = AgendaItem(meeting=meeting, number=47, sub_letter="a", title="Something else")
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "Item 47(a) is already on this meeting's agenda." in caught.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    AgendaItem.objects.create(meeting=meeting, number=47, sub_letter="b", title="Another part of item 47")


def test_a_meeting_ending_before_it_starts_is_refused(council):
    backwards = Meeting(organization=council, starts_at=at(2022, 2, 23, 14), ends_at=at(2022, 2, 23, 13))
    with pytest.raises(ValidationError) as caught:
        backwards.full_clean()
    assert caught.value.message_dict["ends_at"] == ["The meeting must end after it starts."]
    with pytest.raises(IntegrityError), transaction.atomic():
        backwards.save()


def test_an_exempt_item_must_name_its_exemption(meeting):
    item = AgendaItem(meeting=meeting, number=50, title="Property disposal", is_exempt=True)
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "exemption paragraph" in caught.value.message_dict["exemption_paragraph"][0]


def test_replies_still_owed_are_listed_oldest_first(council, meeting):
    later = Meeting.objects.create(organization=council, starts_at=at(2022, 5, 18, 14))
    hunt = Person.objects.get(family_name="Hunt")
    newer = Question.objects.create(meeting=later, asked_by=hunt, text="Later question", reply_promised=True)
    older = Question.objects.create(meeting=meeting, asked_by=hunt, text="Waiting lists", reply_promised=True)
    Question.objects.create(
        meeting=meeting, asked_by=hunt, text="Answered", reply_promised=True, written_reply="Here it is",
        written_reply_on=datetime.date(2022, 3, 1),
    )  # fmt: skip
    Question.objects.create(meeting=meeting, asked_by=hunt, text="Answered at the meeting", reply="Yes.")
    assert list(Question.objects.replies_owed()) == [older, newer]
    assert older.is_reply_owed
