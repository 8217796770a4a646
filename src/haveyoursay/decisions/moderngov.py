"""Importing a council's bodies, meetings, agendas, attendance and members from ModernGov.

Most English councils publish their committee records with ModernGov, whose web service
(`<site>/mgWebService.asmx/<Operation>`) answers in XML: GetCommittees, GetMeetings,
GetMeeting and GetCouncillorsByWard are read here. Dates are dd/mm/yyyy, times "10.00 am",
booleans "True"/"False", and the HTML inside agenda text and minutes is escaped and is
sanitised before it is kept.

An import reads and checks everything first and writes only if all of it made sense: a
response that is malformed or partial is reported by meeting and field, and nothing changes.
Records keep their ModernGov ids, so importing again updates them instead of adding copies.
"""

import datetime
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import nh3
from defusedxml import ElementTree
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from haveyoursay.decisions.models import AgendaDocument, AgendaItem, Attendance, Meeting, Organization, Person
from haveyoursay.decisions.names import parse_name

TIMEOUT_SECONDS = 30
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
RENUMBERING = 1_000_000  # added to imported items' numbers while they are renumbered
ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "table", "thead", "tbody", "tr", "th", "td", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
MEETING_STATUSES = {
    "confirmed": Meeting.Status.SCHEDULED,
    "provisional": Meeting.Status.SCHEDULED,
    "held": Meeting.Status.SCHEDULED,
    "cancelled": Meeting.Status.CANCELLED,
    "canceled": Meeting.Status.CANCELLED,
    "postponed": Meeting.Status.POSTPONED,
    "moved": Meeting.Status.POSTPONED,
}
ATTENDANCE = [  # the first words of ModernGov's attendance, most specific first
    ("present as substitute", Attendance.Status.SUBSTITUTE),
    ("substitute", Attendance.Status.SUBSTITUTE),
    ("in attendance", Attendance.Status.IN_ATTENDANCE),
    ("present", Attendance.Status.PRESENT),
    ("attended", Attendance.Status.PRESENT),
    ("apologies", Attendance.Status.APOLOGIES),
    ("absent", Attendance.Status.ABSENT),
    ("expected", Attendance.Status.EXPECTED),
]


class ModernGovError(Exception):
    """The site could not be read, or what it sent did not make sense; `problems` says where."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def service_url(site_url, operation, **params):
    site = site_url.strip().rstrip("/")
    if site.lower().endswith("/mgwebservice.asmx"):
        site = site[: -len("/mgwebservice.asmx")]
    query = urllib.parse.urlencode(params)
    return f"{site}/mgWebService.asmx/{operation}" + (f"?{query}" if query else "")


def check_site_url(site_url):
    parts = urllib.parse.urlsplit(site_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ModernGovError(
            [f"“{site_url}” is not the address of a website. Give the council's democracy site, "
             "for example https://democracy.example.gov.uk"]
        )  # fmt: skip


def fetch(site_url, operation, **params):
    """One operation of the web service, as parsed XML. Entities and DTDs are refused (defusedxml)."""
    url = service_url(site_url, operation, **params)
    request = urllib.request.Request(url, headers={"User-Agent": "haveyoursay ModernGov importer"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - scheme checked
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise ModernGovError([f"{operation}: the site answered {error.code} {error.reason}."]) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ModernGovError([f"{operation}: the site could not be reached ({reason})."]) from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise ModernGovError([f"{operation}: the answer is larger than {MAX_RESPONSE_BYTES // 1024 // 1024} MB."])
    try:
        return ElementTree.fromstring(body)
    except Exception as error:  # defusedxml's refusals and expat's syntax errors alike
        raise ModernGovError([f"{operation}: the answer is not readable XML ({type(error).__name__}: {error})."])


# -- Reading the XML into plain records ----------------------------------------------------------


class Reader:
    """Reads fields from an element, noting each problem with where it was found."""

    def __init__(self, where, problems):
        self.where = where
        self.problems = problems

    def problem(self, field_name, message):
        self.problems.append(f"{self.where}, {field_name}: {message}")

    def text(self, element, name, required=False):
        value = (element.findtext(name) or "").strip()
        if required and not value:
            self.problem(name, "missing or empty.")
        return value

    def integer(self, element, name, required=True):
        value = self.text(element, name, required)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            self.problem(name, f"“{value}” is not a whole number.")
            return None

    def boolean(self, element, name):
        value = self.text(element, name).lower()
        if value in {"", "false"}:
            return False
        if value == "true":
            return True
        self.problem(name, f"“{value}” is not True or False.")
        return False

    def date(self, element, name, required=True):
        value = self.text(element, name, required)
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            self.problem(name, f"“{value}” is not a date written dd/mm/yyyy.")
            return None

    def time(self, element, name):
        value = self.text(element, name)
        if not value:
            return None
        match = re.fullmatch(r"(\d{1,2})[.:](\d{2})\s*([ap])\.?\s*m\.?", value, re.I) or re.fullmatch(
            r"(\d{1,2})[.:](\d{2})()", value
        )
        if not match:
            self.problem(name, f"“{value}” is not a time such as 10.00 am.")
            return None
        hour, minute, half = int(match[1]), int(match[2]), match[3].lower()
        if half == "p" and hour < 12:
            hour += 12
        if half == "a" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            self.problem(name, f"“{value}” is not a time of day.")
            return None
        return datetime.time(hour, minute)


def clean_html(text):
    return nh3.clean(text, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https"}).strip()


def display_number(value):
    """ "8(a)", "8a.", "1." -> (8, "a"), (8, "a"), (1, "") ; None if there is no number."""
    match = re.fullmatch(r"\s*(\d+)\s*\.?\s*\(?([a-z]{0,3})\)?\s*\.?\s*", value or "", re.I)
    return (int(match[1]), match[2].lower()) if match else None


@dataclass
class PersonRecord:
    moderngov_id: int
    name: str
    party: str = ""
    division: str = ""


@dataclass
class ItemRecord:
    moderngov_id: int
    number: int
    sub_letter: str
    title: str
    text: str
    minutes: str
    is_exempt: bool
    exemption_paragraph: str
    documents: list = field(default_factory=list)  # dicts for AgendaDocument


@dataclass
class MeetingRecord:
    moderngov_id: int
    committee_id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    venue: str
    status: str
    minutes_published: bool
    items: list = field(default_factory=list)
    attendance: list = field(default_factory=list)  # (PersonRecord, status, role)


def read_committees(root, problems):
    committees = []
    for number, element in enumerate(root.findall("committee"), 1):
        reader = Reader(f"GetCommittees, committee {number}", problems)
        committee_id = reader.integer(element, "committeeid")
        title = reader.text(element, "committeetitle", required=True)
        if committee_id is None or not title:
            continue
        reader.where = f"Committee {committee_id}"
        committees.append(
            {
                "moderngov_id": committee_id,
                "name": title,
                "category": reader.text(element, "committeecategory"),
                "deleted": reader.boolean(element, "committeedeleted"),
                "expired": reader.boolean(element, "committeeexpired"),
            }
        )
    return committees


def read_meeting_ids(root, committee_id, problems):
    ids = []
    for committee in root.findall("committee"):
        for number, element in enumerate(committee.findall("committeemeetings/meeting"), 1):
            reader = Reader(f"GetMeetings for committee {committee_id}, meeting {number}", problems)
            meeting_id = reader.integer(element, "meetingid")
            if meeting_id is not None:
                ids.append(meeting_id)
    return ids


def read_attendee(element, reader):
    member_id = element.get("memberid", "").strip()
    name = element.get("name", "").strip()
    if not member_id.isdigit():
        reader.problem("attendee memberid", f"“{member_id}” is not a member's id.")
        return None
    if not name:
        reader.problem(f"attendee {member_id} name", "missing or empty.")
        return None
    attendance = element.get("attendance", "").strip().lower()
    status = next((s for prefix, s in ATTENDANCE if attendance.startswith(prefix)), None)
    if status is None:
        reader.problem(f"attendee {member_id} attendance", f"“{element.get('attendance', '')}” is not known.")
        return None
    person = PersonRecord(
        moderngov_id=int(member_id),
        name=name,
        party=element.get("politicalparty", "").strip(),
        division=element.get("ward", "").strip(),
    )
    return person, status, element.get("roledescription", "").strip()


def read_meeting(root, committee_id, expected_id, problems):
    reader = Reader(f"Meeting {expected_id}", problems)
    before = len(problems)
    meeting_id = reader.integer(root, "meetingid")
    if meeting_id is not None and meeting_id != expected_id:
        reader.problem("meetingid", f"the answer is for meeting {meeting_id}, not {expected_id}.")
    day = reader.date(root, "meetingdate")
    starts = reader.time(root, "meetingtime") or datetime.time(0, 0)
    finishes = reader.time(root, "meetingactualfinishtime") or reader.time(root, "meetingplannedfinishtime")
    status_text = reader.text(root, "meetingstatus", required=True)
    status = MEETING_STATUSES.get(status_text.lower())
    if status_text and status is None:
        reader.problem("meetingstatus", f"“{status_text}” is not a status this importer knows.")
    items, seen_numbers = [], {}
    if root.find("agendaitems") is None:
        reader.problem("agendaitems", "missing: the answer seems to have been cut short.")
    for number, element in enumerate(root.findall("agendaitems/agendaitem"), 1):
        item_reader = Reader(f"Meeting {expected_id}, agenda item {number}", problems)
        item_id = item_reader.integer(element, "agendaitemid")
        title = item_reader.text(element, "agendaitemtitle", required=True)
        shown = item_reader.text(element, "fulldisplaynumberformat")
        parsed = display_number(shown) or display_number(item_reader.text(element, "minutesitemnumber"))
        if parsed is None:
            parsed = (item_reader.integer(element, "agendaitemnumber"), "")
        if item_id is None or not title or parsed[0] is None:
            continue
        if parsed in seen_numbers:
            item_reader.problem(
                "fulldisplaynumberformat", f"item number {shown or parsed[0]} is used twice (items {seen_numbers[parsed]} "
                f"and {item_id})."
            )  # fmt: skip
            continue
        seen_numbers[parsed] = item_id
        documents = []
        for doc in element.findall("linkeddocuments/linkeddoc"):
            doc_reader = Reader(f"Meeting {expected_id}, agenda item {item_id}, document", problems)
            attachment_id = doc_reader.integer(doc, "attachmentid")
            doc_title = doc_reader.text(doc, "title", required=True)
            url = doc_reader.text(doc, "url")
            if url and urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
                doc_reader.problem("url", f"“{url}” is not a web address.")
                continue
            if attachment_id is None or not doc_title:
                continue
            documents.append(
                {
                    "moderngov_id": attachment_id,
                    "title": " ".join(doc_title.split()),
                    "url": url,
                    "is_exempt": doc_reader.boolean(doc, "isrestricted"),
                    "published_on": doc_reader.date(doc, "publicationdate", required=False),
                }
            )
        restricted = item_reader.boolean(element, "isrestricted")
        items.append(
            ItemRecord(
                moderngov_id=item_id,
                number=parsed[0],
                sub_letter=parsed[1],
                title=" ".join(title.split()),
                text=clean_html(item_reader.text(element, "agendatext")),
                minutes=clean_html(item_reader.text(element, "minutesnonemptyhtmlbody")),
                is_exempt=restricted,
                exemption_paragraph=item_reader.text(element, "restrictionsRef") if restricted else "",
                documents=documents,
            )
        )
    attendance, seen_people = [], set()
    for element in root.findall("attendees/attendee"):
        read = read_attendee(element, reader)
        if read and read[0].moderngov_id not in seen_people:
            seen_people.add(read[0].moderngov_id)
            attendance.append(read)
    if len(problems) > before or day is None or status is None:
        return None
    tz = timezone.get_current_timezone()
    starts_at = datetime.datetime.combine(day, starts, tzinfo=tz)
    ends_at = datetime.datetime.combine(day, finishes, tzinfo=tz) if finishes else None
    if ends_at and ends_at <= starts_at:
        ends_at = None  # ModernGov's planned finish is often left at a default; not worth refusing for
    return MeetingRecord(
        moderngov_id=expected_id,
        committee_id=committee_id,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=reader.text(root, "meetinglocation"),
        status=status,
        minutes_published=reader.boolean(root, "minutepublished"),
        items=items,
        attendance=attendance,
    )


def read_councillors(root, problems):
    people = []
    for ward in root.findall(".//ward"):
        ward_title = (ward.findtext("wardtitle") or "").strip()
        for element in ward.findall(".//councillor"):
            reader = Reader(f"GetCouncillorsByWard, ward “{ward_title}”", problems)
            member_id = reader.integer(element, "councillorid")
            name = reader.text(element, "fullusername", required=True)
            if member_id is None or not name:
                continue
            people.append(
                PersonRecord(
                    moderngov_id=member_id,
                    name=name,
                    party=reader.text(element, "politicalpartytitle"),
                    division=ward_title,
                )
            )
    return people


# -- Writing ---------------------------------------------------------------------------------------


@dataclass
class Summary:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)

    def count(self, kind, created):
        target = self.created if created else self.updated
        target[kind] = target.get(kind, 0) + 1

    def lines(self):
        kinds = sorted(set(self.created) | set(self.updated))
        return [f"{kind}: {self.created.get(kind, 0)} new, {self.updated.get(kind, 0)} updated" for kind in kinds]


def _upsert(model, site, moderngov_id, values, summary, kind):
    obj, created = model.objects.update_or_create(moderngov_site=site, moderngov_id=moderngov_id, defaults=values)
    summary.count(kind, created)
    return obj


def _person_values(record):
    parsed = parse_name(record.name)
    values = {
        "name": record.name,
        "honorific_prefix": parsed.prefix,
        "given_name": parsed.given_name,
        "initials": parsed.initials,
        "family_name": parsed.family_name or record.name,
        "honorific_suffix": parsed.suffix,
    }
    if record.party:
        values["party"] = record.party
    if record.division:
        values["division"] = record.division
    return values


def write(site, committees, meetings, councillors):
    summary = Summary()
    with transaction.atomic():
        bodies = {}
        for committee in committees:
            if committee["deleted"]:
                continue
            values = {
                "name": committee["name"],
                "category": committee["category"],
                "is_current": not committee["expired"],
            }
            bodies[committee["moderngov_id"]] = _upsert(
                Organization, site, committee["moderngov_id"], values, summary, "bodies"
            )
        people = {}
        for record in councillors:
            people[record.moderngov_id] = _upsert(
                Person, site, record.moderngov_id, _person_values(record), summary, "members"
            )
        for record in meetings:
            organization = bodies[record.committee_id]
            minutes_status = Meeting.Minutes.DRAFT if record.minutes_published else Meeting.Minutes.NONE
            values = {
                "organization": organization,
                "starts_at": record.starts_at,
                "ends_at": record.ends_at,
                "venue": record.venue,
                "status": record.status,
            }
            meeting = Meeting.objects.filter(moderngov_site=site, moderngov_id=record.moderngov_id).first()
            if meeting is None or meeting.minutes_status != Meeting.Minutes.CONFIRMED:
                values["minutes_status"] = minutes_status  # minutes confirmed here are not undone
            meeting = _upsert(Meeting, site, record.moderngov_id, values, summary, "meetings")
            imported = AgendaItem.objects.filter(meeting=meeting, moderngov_site=site, moderngov_id__isnull=False)
            by_hand = set(
                AgendaItem.objects.filter(meeting=meeting).exclude(pk__in=imported).values_list("number", "sub_letter")
            )
            clashes = [i for i in record.items if (i.number, i.sub_letter) in by_hand]
            if clashes:
                raise ModernGovError(
                    [f"Meeting {record.moderngov_id}, item {c.number}{c.sub_letter}: an item with this number was "
                     "added here by hand. Renumber or remove it, then import again." for c in clashes]
                )  # fmt: skip
            # Items may have been renumbered in ModernGov, even swapped: move the imported ones
            # out of the way first, so that no two ever hold one number while they are updated.
            imported.update(number=F("number") + RENUMBERING)
            kept_items = []
            for item in record.items:
                values = {
                    "meeting": meeting,
                    "number": item.number,
                    "sub_letter": item.sub_letter,
                    "title": item.title,
                    "text": item.text,
                    "minutes": item.minutes,
                    "is_exempt": item.is_exempt,
                    "exemption_paragraph": item.exemption_paragraph,
                }
                agenda_item = _upsert(AgendaItem, site, item.moderngov_id, values, summary, "agenda items")
                kept_items.append(agenda_item.pk)
                for doc in item.documents:
                    doc = dict(doc)
                    _upsert(AgendaDocument, site, doc.pop("moderngov_id"), {"item": agenda_item, **doc}, summary,
                            "documents")  # fmt: skip
            # Items ModernGov no longer lists are removed; items staff added by hand are kept.
            AgendaItem.objects.filter(meeting=meeting, moderngov_site=site, moderngov_id__isnull=False).exclude(
                pk__in=kept_items
            ).delete()
            for person_record, status, role in record.attendance:
                person = people.get(person_record.moderngov_id)
                if person is None:
                    person = _upsert(
                        Person, site, person_record.moderngov_id, _person_values(person_record), summary, "members"
                    )
                    people[person_record.moderngov_id] = person
                Attendance.objects.update_or_create(
                    meeting=meeting, person=person, defaults={"status": status, "role": role}
                )
    return summary


def import_site(site_url, *, from_date, to_date, progress=None):
    """Read the bodies, their meetings between two dates, and the members from a ModernGov site,
    check all of it, then write it in one transaction. Raises ModernGovError, changing nothing,
    if anything could not be read or made no sense."""
    check_site_url(site_url)
    site = site_url.strip().rstrip("/")
    progress = progress or (lambda done, total, message: None)
    problems = []
    committees = read_committees(fetch(site, "GetCommittees"), problems)
    wanted = [c for c in committees if not c["deleted"]]
    meetings = []
    for number, committee in enumerate(wanted, 1):
        progress(number - 1, len(wanted), f"Reading the meetings of {committee['name']}")
        root = fetch(
            site,
            "GetMeetings",
            lCommitteeId=committee["moderngov_id"],
            sFromDate=from_date.strftime("%d/%m/%Y"),
            sToDate=to_date.strftime("%d/%m/%Y"),
        )
        for meeting_id in read_meeting_ids(root, committee["moderngov_id"], problems):
            record = read_meeting(fetch(site, "GetMeeting", lMeetingId=meeting_id), committee["moderngov_id"],
                                  meeting_id, problems)  # fmt: skip
            if record is not None:
                meetings.append(record)
    councillors = read_councillors(fetch(site, "GetCouncillorsByWard"), problems)
    if problems:
        raise ModernGovError(problems)
    progress(len(wanted), len(wanted), "Saving")
    return write(site, committees, meetings, councillors)
