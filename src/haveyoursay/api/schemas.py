"""What the API sends and accepts, as pydantic schemas: the OpenAPI description is made from them,
and every response is checked against them before it leaves.

Names follow the site's other open data: Open Civic Data's Event and VoteEvent for meetings and
votes, Popolo for bodies, people and memberships.
"""

import datetime
import re
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
# A filter left empty, as a form sends it, means no filter.
FILTER_PATTERN = r"^[-a-zA-Z0-9_]*$"
# The largest id a database row can have: a larger number is refused, not looked up.
MAX_ID = 2**63 - 1
MAX_PAGE = 100_000
MAX_LIMIT = 100
DEFAULT_LIMIT = 20

PublicStatus = Literal["forthcoming", "open", "closed"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def written_as_a_date(value):
    """A date must come as YYYY-MM-DD: pydantic would otherwise read a number as seconds since 1970."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("Give the date as YYYY-MM-DD, for example 2022-03-29")
    return value


Day = Annotated[datetime.date, BeforeValidator(written_as_a_date)]


# -- Query parameters -------------------------------------------------------------------------


def slug_filter(description):
    """An optional filter by a record's slug (letters, digits, hyphens): anything else is refused
    before it reaches the database."""
    return Field(None, pattern=FILTER_PATTERN, max_length=120, description=description)


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Which page of results.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many results a page holds.")


class DateRangeQuery(PageQuery):
    since: Day | None = Field(None, description="On or after this day.")
    until: Day | None = Field(None, description="On or before this day.")


class ConsultationQuery(PageQuery):
    status: list[PublicStatus] = Field(
        default_factory=list, description="Only consultations with this status; repeat it for several."
    )
    topic: str | None = slug_filter("Only consultations on this topic (its slug).")
    area: str | None = slug_filter("Only consultations about this area (its slug).")


class MeetingQuery(DateRangeQuery):
    body: str | None = slug_filter("Only this body’s meetings (its slug).")


class DecisionQuery(DateRangeQuery):
    body: str | None = slug_filter("Only this body’s decisions (its slug).")
    outcome: Literal["approved", "amended", "noted", "deferred", "rejected", "referred"] | None = Field(
        None, description="Only decisions with this outcome."
    )


class PersonQuery(PageQuery):
    body: str | None = slug_filter("Only people who are members of this body today (its slug).")


# -- Errors and pages -------------------------------------------------------------------------


class ErrorDetail(Schema):
    parameter: str = Field(description="The parameter that was wrong.")
    message: str


class Error(Schema):
    message: str = Field(description="What went wrong, and what to do about it.")
    errors: list[ErrorDetail] = Field(default_factory=list)


class Page(Schema):
    count: int = Field(description="How many results there are on every page together.")
    page: int
    limit: int
    pages: int = Field(description="How many pages there are.")
    next: str | None = Field(description="The address of the next page, if there is one.")
    previous: str | None = Field(description="The address of the previous page, if there is one.")


# -- Consultations ----------------------------------------------------------------------------


class Label(Schema):
    slug: str
    name: str


class Partner(Label):
    kind: str
    url: str


class ConsultationSummary(Schema):
    id: str = Field(description="The consultation's slug, which is also the last part of its page's address.")
    title: str
    summary: str
    status: PublicStatus
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    closes_at: datetime.datetime | None = Field(description="The moment it stops taking responses.")
    topics: list[Label]
    areas: list[Label]
    partners: list[Partner] = Field(description="Who is consulting.")
    url: str = Field(description="Its page on this site.")
    api_url: str


class ConsultationPage(Page):
    results: list[ConsultationSummary]


class Document(Schema):
    title: str
    kind: str
    kind_display: str
    language: str
    format: str
    size_bytes: int
    url: str


class ConsultationEvent(Schema):
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    place: str
    address: str
    details: str


class Contact(Schema):
    name: str
    email: str
    phone: str


class WaysToRespond(Schema):
    online: str = Field(description="The questionnaire's address, if it has one.")
    email: str
    phone: str
    post: str
    other: str


class AgendaItemReference(Schema):
    id: int
    meeting_id: int
    number: str
    title: str
    exempt: bool
    exemption_paragraph: str = Field(description="For an item taken in private: the law that allows it.")
    url: str


class DecisionMaker(Schema):
    entity_type: Literal["organization", "person"]
    id: str
    name: str


class Decision(Schema):
    id: int
    decided_on: datetime.date
    outcome: str
    outcome_display: str
    text: str | None = Field(description="The decision as recorded; null for an item taken in private.")
    is_key_decision: bool
    published_on: datetime.date | None
    call_in_deadline: datetime.date | None
    decision_maker: DecisionMaker
    agenda_item: AgendaItemReference | None = Field(description="Null for an officer's delegated decision.")
    url: str
    api_url: str


class DecisionPage(Page):
    results: list[Decision]


class VoteCount(Schema):
    option: Literal["yes", "no", "abstain"]
    value: int


class PersonVote(Schema):
    voter_id: str
    voter_name: str
    option: Literal["yes", "no", "abstain"]


class Motion(Schema):
    text: str
    classification: str


class VoteEvent(Schema):
    id: str
    motion_text: str
    motion: Motion
    result: Literal["pass", "fail"]
    moved_by: str | None = Field(description="The person id of the member who moved it.")
    seconded_by: str | None
    counts: list[VoteCount] = Field(description="Totals as minuted; empty where the minutes give none.")
    votes: list[PersonVote] = Field(description="How each member voted, for a recorded (named) vote.")


class TimelineEntry(Schema):
    on: datetime.date
    kind: Literal["approved", "opened", "extended", "closed", "report", "meeting", "decision", "outcome"]
    title: str
    detail: str
    url: str | None
    agenda_item: AgendaItemReference | None
    decisions: list[Decision]
    vote_events: list[VoteEvent]


class ThemeReference(Schema):
    id: int
    label: str
    question_code: str


class QuestionReference(Schema):
    code: str
    text: str


class OptionReference(Schema):
    value: str
    label: str


class WeDidFigure(Schema):
    count: int | None = Field(description="How many people said it; null where too few to publish.")
    base: int = Field(description="Out of how many: those who answered the question, or who commented.")
    percent: float | None = Field(description="The count as a percentage of the base; null where withheld.")
    of_whom: str = Field(description="Who the base is: “who answered” or “who commented”.")
    question: str = Field(description="The words of the question answered.")
    withheld: bool = Field(description="Whether the count is withheld to protect people's privacy.")


class WeDidEntry(Schema):
    position: int
    you_said: str
    action: Literal["changed", "planned", "not_changed"]
    action_display: str
    we_did: str
    why_not: str
    themes: list[ThemeReference] = Field(description="The themes of people's comments that say this.")
    question: QuestionReference | None = Field(description="A closed question whose result says this.")
    options: list[OptionReference] = Field(description="The answers to that question whose share is quoted.")
    decision: Decision | None = Field(description="The decision that made the change.")
    figure: WeDidFigure | None = Field(
        description="How many people said it, counted afresh from the responses; null where the entry quotes no "
        "result, or only themes no analyst has reviewed yet."
    )


class ConsultationDetail(ConsultationSummary):
    we_asked: str
    what_happens_next: str
    you_said: str | None = Field(description="Null until the council publishes what people said and what it did.")
    we_did: str | None
    outcome_published_at: datetime.datetime | None
    response_count: int | None = Field(
        description="Responses counted (sent, not withdrawn, not marked as duplicates); "
        "null for a consultation without a questionnaire on this site."
    )
    documents: list[Document]
    events: list[ConsultationEvent] = Field(description="Drop-ins and meetings where people can give their views.")
    ways_to_respond: WaysToRespond
    contact: Contact
    follows: str | None = Field(description="The id of the earlier consultation this one continues from.")
    followed_by: list[str]
    timeline: list[TimelineEntry] = Field(description="Every step so far, oldest first.")
    we_did_entries: list[WeDidEntry] = Field(description="You said, we did, once the outcome is published.")


# -- Bodies, people, meetings -----------------------------------------------------------------


class Organization(Schema):
    id: str
    slug: str
    name: str
    classification: str
    parent_id: str | None
    is_current: bool
    url: str
    api_url: str


class OrganizationPage(Page):
    results: list[Organization]


class Membership(Schema):
    person_id: str
    organization_id: str
    role: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class OrganizationDetail(Organization):
    memberships: list[Membership] = Field(description="Its members today.")


class Person(Schema):
    id: str
    slug: str
    name: str
    honorific_prefix: str
    given_name: str
    family_name: str
    honorific_suffix: str
    party: str
    division: str
    role: str = Field(description="For an officer: their post.")
    classification: Literal["member", "officer"]
    url: str
    api_url: str


class PersonPage(Page):
    results: list[Person]


class PersonDetail(Person):
    memberships: list[Membership]


class Participant(Schema):
    entity_type: Literal["organization", "person"]
    entity_id: str
    name: str
    note: str = Field(description="host for the body meeting; for a person, how they attended.")


class AgendaDocument(Schema):
    note: str
    url: str


class AgendaEntry(Schema):
    id: int
    order: str
    description: str
    exempt: bool
    exemption_paragraph: str
    documents: list[AgendaDocument]
    decisions: list[Decision]
    vote_events: list[VoteEvent]
    consultations: list[str] = Field(description="The ids of the consultations this item considered.")


class Location(Schema):
    name: str


class Meeting(Schema):
    id: int
    name: str
    classification: Literal["meeting"]
    organization_id: str
    start_date: str = Field(description="A date and time, or the date alone where no time was recorded.")
    end_date: str | None
    location: Location
    status: Literal["confirmed", "cancelled", "postponed"]
    url: str
    api_url: str


class MeetingPage(Page):
    results: list[Meeting]


class MeetingDetail(Meeting):
    participants: list[Participant]
    agenda: list[AgendaEntry]
