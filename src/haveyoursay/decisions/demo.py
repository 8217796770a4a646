"""The demo's democratic records, from the seed documents' real minutes and reports:

- Leicestershire County Council, 23 February 2022: the 51 members present, the declarations on
  the Medium Term Financial Strategy, Mr Hunt's question and Mr Mullaney's reply, the MTFS
  recorded vote (40 for, 11 against, every name) and the anti-racism motion;
- the Council's annual meeting of 18 May 2022, with its agenda (the Strategic Plan and the
  Communities Approach) and the Strategic Plan motion;
- the Cabinet of 26 October 2021 and 29 March 2022 and the Scrutiny Commission of
  17 November 2021 and 9 March 2022, on the Strategic Plan consultation;
- the Health Overview and Scrutiny Committee of 1 September 2021: its questions, the written
  reply still owed to Mrs Hack, the Chairman's declaration and no declarations of the whip.

Where the records do not give a time of day, the meeting says so rather than inventing one.
Running it again changes nothing.
"""

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from haveyoursay.decisions.models import (
    AgendaDocument,
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    Meeting,
    Membership,
    Organization,
    Person,
    Question,
    VoteEvent,
)
from haveyoursay.decisions.names import match_name, match_recorded_vote, parse_name
from haveyoursay.decisions.recording import record_vote_event

TEXT = Path(__file__).parent / "text"
COUNTY_HALL = "County Hall, Glenfield"

COUNCIL_PRESENT = (
    "Mr. D. Harrison CC, Mr. R. G. Allen CC, Mr. R. Ashman CC, Mr. N. D. Bannister CC, Mr. T. Barkley CC, "
    "Mr. P. Bedford CC, Mr. D. C. Bill MBE CC, Mr. G. A. Boulter CC, Mr. S. L. Bray CC, Mr. L. Breckon JP CC, "
    "Ms. L. Broadley CC, Mr. B. Champion CC, Mr. N. Chapman CC, Mr. J. G. Coxon CC, Dr. R. K. A. Feltham CC, "
    "Mr. S. J. Galton CC, Mr. K. Ghattoraya CC, Mr. T. Gillard CC, Mr. D. J. Grimley CC, Mrs. A. J. Hack CC, "
    "Mr. L. Hadji-Nikolaou CC, Mr. B. Harrison-Rushton CC, Mr. R. Hills CC, Mr. Max Hunt CC, Mr. P. King CC, "
    "Mr. B. Lovegrove CC, Mr. K. Merrie MBE CC, Mr. J. Miah CC, Mr. J. Morgan CC, Mr. M. T. Mullaney CC, "
    "Ms. Betty Newton CC, Mr. O. O'Shea JP CC, Mr. J. T. Orson JP CC, Mrs. R. Page CC, Mr. B. L. Pain CC, "
    "Mr. T. Parton CC, Mr. T. J. Pendleton CC, Mr. L. Phillimore CC, Mr. J. Poland CC, Mrs. P. Posnett MBE CC, "
    "Mrs. C. M. Radford CC, Mr. T. J. Richardson CC, Mrs. H. L. Richardson CC, Mr. N. J. Rushton CC, "
    "Mrs. B. Seaton CC, Mr. R. J. Shepherd CC, Mr. C. A. Smith CC, Mrs. D. Taylor CC, Mr. G. Welsh CC, "
    "Mrs. A. Wright CC, Mrs. M. Wright CC"
)
MTFS_VOTE = """For the Motion

Mr Allen, Mr Ashman, Mr Bannister, Mr Barkley, Mr Bedford, Mr Breckon, Mr Champion, Mr Chapman, Mr Coxon, \
Dr Feltham, Mr Ghattoraya, Mr Gillard, Mr Grimley, Mr Hadji-Nikolaou, Mr Harrison, Mr Harrison-Rushton, Mr Hills, \
Mr King, Mr Lovegrove, Mr Merrie, Mr Morgan, Mr O'Shea, Mr Orson, Mrs Page, Mr Pain, Mr Parton, Mr Pendleton, \
Mr Phillimore, Mr Poland, Mrs Posnett, Mrs Radford, Mr Richardson, Mrs Richardson, Mr Rushton, Mrs Seaton, \
Mr Shepherd, Mr Smith, Mrs Taylor, Mrs A. Wright and Mrs M. Wright.

Against the Motion

Mr Bill, Mr Boulter, Mr Bray, Mrs Broadley, Mr Galton, Mrs Hack, Mr Hunt, Mr Miah, Mr Mullaney, Ms Newton, Mr Welsh

The motion was put and carried, 40 members voting for the motion and 11 members against."""

STRATEGIC_PLAN_PAPERS = {
    "cabinet-2021-10-26": (
        "Report to the Cabinet – Draft Strategic Plan (2022-26)",
        "https://politics.leics.gov.uk/documents/s164242/Strategic%20Plan%202022-26.pdf",
    ),
    "scrutiny-2021-11-17": (
        "Report to the Scrutiny Commission – Engagement on the Draft Strategic Plan (2022-26)",
        "https://politics.leics.gov.uk/documents/s164629/Engagement%20on%20the%20Councils%20Strategic%20Plan%20-%20Final.pdf",
    ),
    "scrutiny-2022-03-09": (
        "Report to the Scrutiny Commission – Outcome of Consultation on the Draft Strategic Plan (2022-26)",
        "https://politics.leics.gov.uk/documents/s167002/Outcome%20of%20Consultation%20on%20the%20Strategic%20Plan%20final.pdf",
    ),
}
SCRUTINY_COMMENTS = (
    "<p>The level of support for the vision/outcomes was welcomed. Members were pleased to see its previously made "
    "comments and those of the other Overview and Scrutiny Committees had been considered and largely addressed in "
    "the revised draft. Members supported the shortening of the Plan, which was now more focused and reader friendly "
    "and agreed that this was a much improved document.</p>\n"
    "<p>The Commission noted that the response rate, whilst higher than usual, was not vast. Members acknowledged "
    "that consultations on strategic documents often generated less feedback as residents could find it difficult "
    "to relate their purpose to their own circumstances and day to day lives. A Member challenged whether the number "
    "and style of questions asked in such consultations struck the right balance to encourage residents to respond. "
    "The Commission was reassured that the questions and those targeted were carefully considered by the Council's "
    "specialist consultations team to ensure these were appropriate and followed best practice. However, it was "
    "acknowledged that lessons could always be learnt and the potential for further improvements would be "
    "considered.</p>"
)


def text(name):
    return (TEXT / name).read_text(encoding="utf-8").strip()


def paragraphs(name):
    return "\n".join(f"<p>{p.strip()}</p>" for p in text(name).split("\n\n") if p.strip())


def london(day, hour=0, minute=0):
    return datetime.datetime(*day, hour, minute, tzinfo=timezone.get_default_timezone())


def person(written, *, kind=Person.Kind.MEMBER, role=""):
    """The person the minutes write as `written`, made once."""
    parsed = parse_name(written)
    existing = [p for p in Person.objects.filter(family_name=parsed.family_name)]
    match = match_name(written, existing) if existing else None
    if match and match.person:
        return match.person
    return Person.objects.create(
        name=written,
        kind=kind,
        honorific_prefix=parsed.prefix,
        given_name=parsed.given_name,
        initials=parsed.initials,
        family_name=parsed.family_name,
        honorific_suffix=parsed.suffix,
        role=role,
    )


def body(name, classification, parent=None):
    organization, _ = Organization.objects.get_or_create(
        name=name, defaults={"classification": classification, "parent": parent}
    )
    return organization


def meeting(organization, day, hour=None, minute=0, *, ends=None, minutes=Meeting.Minutes.NONE):
    """A meeting on `day` at `hour`:`minute`; with no hour, one whose time the records don't give."""
    found, _ = Meeting.objects.get_or_create(
        organization=organization,
        starts_at=london(day, hour or 0, minute),
        defaults={
            "ends_at": london(day, *ends) if ends else None,
            "time_known": hour is not None,
            "venue": COUNTY_HALL,
            "minutes_status": minutes,
        },
    )
    return found


def item(meeting, number, title, sub_letter="", **values):
    found, _ = AgendaItem.objects.get_or_create(
        meeting=meeting, number=number, sub_letter=sub_letter, defaults={"title": title, **values}
    )
    return found


def attend(meeting, person, status=Attendance.Status.PRESENT, role=""):
    Attendance.objects.get_or_create(meeting=meeting, person=person, defaults={"status": status, "role": role})


def decide(agenda_item, outcome, decision_text, **values):
    if not agenda_item.decisions.exists():
        Decision.objects.create(
            item=agenda_item,
            decided_on=timezone.localdate(agenda_item.meeting.starts_at),
            outcome=outcome,
            text=decision_text,
            published_on=timezone.localdate(agenda_item.meeting.starts_at),
            **values,
        )


def load_council_2022_02_23(council):
    day = (2022, 2, 23)
    sitting = meeting(council, day, 14, ends=(16, 10), minutes=Meeting.Minutes.DRAFT)
    members = [person(name) for name in COUNCIL_PRESENT.split(", ")]
    for member in members:
        Membership.objects.get_or_create(person=member, organization=council)
        attend(sitting, member, role="Chairman" if member.family_name == "Harrison" else "")
    by_name = {m.family_name + m.initials: m for m in members}
    harrison, feltham = by_name["HarrisonD."], by_name["FelthamR. K. A."]
    Membership.objects.filter(person=harrison, organization=council).update(role=Membership.Role.CHAIR)
    Membership.objects.filter(person=feltham, organization=council).update(role=Membership.Role.VICE_CHAIR)

    item(sitting, 41, "Chairman's announcements")
    item(
        sitting, 42, "Minutes",
        minutes="<p>It was moved by the Chairman, seconded by Dr Feltham, the Vice-Chairman, and carried:-</p>"
        "<p>“That the minutes of the meeting of the Council held on 1st December 2021, copies of which have been "
        "circulated to members, be taken as read, confirmed and signed.”</p>",
    )  # fmt: skip
    item(
        sitting, 43, "Declarations of interest",
        minutes="<p>All members who were members of District Councils declared a registrable interest in relation "
        "to the Medium Term Financial Strategy 2022/23 to 2025/26 (minute 47(a) refers).</p>",
    )  # fmt: skip
    questions = item(sitting, 44, "Questions asked under Standing Order 7(1)(2) and (5)")
    item(
        sitting, 45, "Report of the Constitution Committee: Review of Standing Orders (Meeting Procedure Rules)",
        sub_letter="a",
        minutes="<p>It was moved by Mr Rushton, seconded by Mrs Taylor and carried:-</p><p>“That the changes to "
        "Standing Orders (the Meeting Procedure Rules), as set out in Appendix A to the report of the Constitution "
        "Committee, be approved.”</p>",
    )  # fmt: skip
    item(sitting, 46, "Position statements under Standing Order 8")
    mtfs = item(
        sitting, 47, "Report of the Cabinet: Medium Term Financial Strategy 2022/23 - 2025/26", sub_letter="a",
        minutes="<p>It was moved by Mr Breckon and seconded by Mr Shepherd. The Chairman indicated that a named "
        "vote would be recorded, as required by Government Regulations. The motion was put and carried, 40 members "
        "voting for the motion and 11 members against.</p>",
    )  # fmt: skip
    anti_racism = item(
        sitting, 48, "Joint report of the Cabinet and the Employment Committee: Becoming an Anti-Racist Organisation",
        sub_letter="a",
        minutes="<p>It was moved by Mrs Posnett, seconded by Mr Breckon and carried:-</p><p>“That Leicestershire "
        "County Council makes a clear commitment to becoming an anti-racist organisation.”</p>",
    )  # fmt: skip

    for member, reason in (
        (
            by_name["PainB. L."],
            "A non-registerable interest in relation to passenger transport issues referred to in the Medium Term "
            "Financial Strategy 2022/23 to 2025/26 (minute 47(a) refers), as his family operated a taxi business.",
        ),
        (
            by_name["PhillimoreL."],
            "A non-registerable interest in relation to Special Educational Needs and Disabilities (SEND) issues "
            "referred to in the Medium Term Financial Strategy 2022/23 to 2025/26 (minute 47(a) refers), due to his "
            "wife's employment.",
        ),
    ):
        Declaration.objects.get_or_create(
            meeting=sitting, person=member, item=mtfs,
            defaults={"kind": Declaration.Kind.NON_REGISTRABLE, "reason": reason},
        )  # fmt: skip

    Question.objects.get_or_create(
        meeting=sitting, item=questions, asked_by=by_name["Hunt"],
        defaults={
            "asked_of": by_name["MullaneyM. T."], "asked_of_role": "Chairman of the Scrutiny Commission",
            "text": text("council-2022-02-23-hunt-question.txt"), "reply": text("council-2022-02-23-mullaney-reply.txt"),
        },
    )  # fmt: skip

    if not mtfs.vote_events.exists():
        _, matches, problems = match_recorded_vote(MTFS_VOTE, members)
        if problems:
            raise ValueError(f"The demo's recorded vote does not match its members: {problems}")
        record_vote_event(
            mtfs, result=VoteEvent.Result.CARRIED, moved_by=by_name["BreckonL."], seconded_by=by_name["ShepherdR. J."],
            motion_text=text("council-2022-02-23-mtfs-motion.txt"), counts={"for": 40, "against": 11},
            votes=[(m.person, m.option) for m in matches],
        )  # fmt: skip
    decide(mtfs, Decision.Outcome.APPROVED, "The Medium Term Financial Strategy 2022/23 - 2025/26 was approved.",
           is_key_decision=True)  # fmt: skip
    if not anti_racism.vote_events.exists():
        record_vote_event(
            anti_racism, result=VoteEvent.Result.CARRIED, moved_by=by_name["PosnettP."],
            seconded_by=by_name["BreckonL."],
            motion_text="That Leicestershire County Council makes a clear commitment to becoming an anti-racist "
            "organisation.",
        )  # fmt: skip
    decide(anti_racism, Decision.Outcome.APPROVED,
           "That Leicestershire County Council makes a clear commitment to becoming an anti-racist organisation.")  # fmt: skip
    return sitting


def load_council_2022_05_18(council, previous):
    annual = meeting(council, (2022, 5, 18), 14)
    for number, title in (
        (1, "To elect a Chairman"),
        (2, "To elect a Vice Chairman"),
        (3, "Chairman's announcements"),
        (5, "To receive declarations by members of interests in respect of items on this agenda"),
        (6, "To answer questions asked under Standing Order 7(1)(2) and (5)"),
        (7, "To receive position statements under Standing Order 8"),
    ):
        item(annual, number, title)
    confirming = item(annual, 4, "To confirm the minutes of the meeting of the Council held on 23 February 2022")
    if previous.minutes_status != Meeting.Minutes.CONFIRMED:
        previous.minutes_status = Meeting.Minutes.CONFIRMED
        previous.minutes_confirmed_by = confirming
        previous.save(update_fields=["minutes_status", "minutes_confirmed_by"])
    item(
        annual, 8, "Reports of the Cabinet: Leicestershire County Council's Strategic Plan 2022 - 2026", sub_letter="a",
        text="<p>Motion to be moved: That the Strategic Plan for 2022 to 2026 as set out in the Appendix A to this "
        "report be approved.</p>",
    )  # fmt: skip
    item(
        annual, 8, "Reports of the Cabinet: Leicestershire County Council's Communities Strategy - Our Communities "
        "Approach 2022 - 2026", sub_letter="b",
    )  # fmt: skip
    item(annual, 8, "Reports of the Cabinet: Dates of Council Meetings 2022/23 and 2023/24", sub_letter="c")
    item(annual, 9, "Appointments in accordance with items 11 and 12 of Standing Order 4")
    item(annual, 10, "Notice of motion: Cost of Living in Leicestershire - Mr Max Hunt CC", sub_letter="a")
    item(annual, 10, "Notice of motion: Ukrainian Refugees - Mr M. T. Mullaney CC", sub_letter="b")
    return annual


def load_strategic_plan_trail(council):
    cabinet = body("Cabinet", Organization.Classification.EXECUTIVE, council)
    scrutiny = body("Scrutiny Commission", Organization.Classification.SCRUTINY, council)
    october = meeting(cabinet, (2021, 10, 26))
    draft = item(october, 1, "Draft Strategic Plan (2022-26)")
    decide(
        draft, Decision.Outcome.APPROVED,
        "The Cabinet approved a 12-week public consultation on the draft Strategic Plan to run from 1 November 2021 "
        "to 21 January 2022.",
    )  # fmt: skip
    november = meeting(scrutiny, (2021, 11, 17))
    engagement = item(november, 1, "Engagement on the Draft Strategic Plan (2022-26)")
    march_scrutiny = meeting(scrutiny, (2022, 3, 9))
    outcome = item(march_scrutiny, 1, "Outcome of Consultation on the Draft Strategic Plan (2022-26)",
                   minutes=SCRUTINY_COMMENTS)  # fmt: skip
    march_cabinet = meeting(cabinet, (2022, 3, 29))
    approval = item(march_cabinet, 1, "Strategic Plan (2022-26)")
    decide(
        approval, Decision.Outcome.APPROVED,
        "The Cabinet noted the outcome of the consultation including the comments and views of the Scrutiny "
        "Commission and approved the Strategic Plan.",
        is_key_decision=True,
    )  # fmt: skip
    for agenda_item, key in ((draft, "cabinet-2021-10-26"), (engagement, "scrutiny-2021-11-17"),
                             (outcome, "scrutiny-2022-03-09")):  # fmt: skip
        title, url = STRATEGIC_PLAN_PAPERS[key]
        AgendaDocument.objects.get_or_create(item=agenda_item, title=title, defaults={"url": url})


def load_hosc_2021_09_01(council):
    hosc = body("Health Overview and Scrutiny Committee", Organization.Classification.SCRUTINY, council)
    sitting = meeting(hosc, (2021, 9, 1), minutes=Meeting.Minutes.DRAFT)
    sitting.party_whip_declared = False
    sitting.save(update_fields=["party_whip_declared"])
    king = person("Mr. P. King CC")
    present = [king] + [
        person(n) for n in ("Mr. S. L. Bray CC", "Mr. N. Chapman CC", "Mrs. H. J. Fryer CC", "Mr. K. Ghattoraya CC",
                            "Mrs. A. J. Hack CC", "Mr. R. Hills CC", "Mr. C. A. Smith CC")
    ]  # fmt: skip
    for member in present:
        role = Membership.Role.CHAIR if member == king else Membership.Role.MEMBER
        Membership.objects.get_or_create(person=member, organization=hosc, defaults={"role": role})
        attend(sitting, member, role="Chairman" if member == king else "")
    Attendance.objects.filter(meeting=sitting, person__family_name="Fryer").update(
        role="Chair of Children and Families Overview and Scrutiny Committee (minute 24 refers)"
    )
    for written, kind, role in (
        ("Mrs. L. Richardson CC", Person.Kind.MEMBER, "Cabinet Lead Member for Health"),
        ("Mrs. M.E. Newton CC", Person.Kind.MEMBER,
         "Labour Group spokesperson on Children and Families Overview and Scrutiny Committee (minute 24 refers)"),
        ("Andy Williams", Person.Kind.OFFICER, "Chief Executive, Leicester, Leicestershire and Rutland Clinical "
         "Commissioning Groups (minutes 21, 22 and 25 refer)"),
        ("Sarah Prema", Person.Kind.OFFICER, "Director of Strategy and Planning, Leicester, Leicestershire and Rutland "
         "Clinical Commissioning Groups (minutes 21 and 22 refer)"),
        ("Mukesh Barot", Person.Kind.OFFICER, "Chief Officer, Healthwatch Leicester and Leicestershire (minute 23 refers)"),
        ("David Williams", Person.Kind.OFFICER, "Director of Strategy & Business Development, Leicestershire Partnership "
         "NHS Trust (minute 23 refers)"),
    ):  # fmt: skip
        attend(sitting, person(written, kind=kind), Attendance.Status.IN_ATTENDANCE, role)

    item(
        sitting,
        14,
        "Minutes of the previous meeting",
        minutes="<p>The minutes of the meeting held on 2 June 2021 were taken as read, confirmed and signed.</p>",
    )
    item(sitting, 15, "Question Time", minutes="<p>The Chief Executive reported that no questions had been received "
         "under Standing Order 35.</p>")  # fmt: skip
    questions = item(sitting, 16, "Questions asked by members", minutes="<p>The Chief Executive reported that three "
                     "questions had been received under Standing Order 7(3) and 7(5).</p>")  # fmt: skip
    item(sitting, 17, "Urgent items", minutes="<p>There were no urgent items for consideration.</p>")
    item(sitting, 18, "Declarations of interest")
    item(sitting, 19, "Declarations of the Party Whip", minutes="<p>There were no declarations of the party whip in "
         "accordance with Overview and Scrutiny Procedure Rule 16.</p>")  # fmt: skip
    item(sitting, 20, "Presentation of Petitions", minutes="<p>The Chief Executive reported that no petitions had been "
         "received under Standing Order 36.</p>")  # fmt: skip
    item(sitting, 21, "Overview of Integrated Care Systems")

    page = person("Mrs. Rosita Page CC")
    hack = person("Mrs. A. J. Hack CC")
    if not Question.objects.filter(meeting=sitting).exists():
        for asker, number, promised in ((page, 1, False), (page, 2, False), (hack, 3, True)):
            Question.objects.create(
                meeting=sitting, item=questions, asked_by=asker, asked_of=king, asked_of_role="Chairman",
                text=text(f"hosc-2021-09-01-q{number}.txt"), reply=text(f"hosc-2021-09-01-r{number}.txt"),
                reply_promised=promised, reply_owed_by=king if promised else None,
                reply_owed_by_role="Chairman, from the Clinical Commissioning Groups" if promised else "",
            )  # fmt: skip
    Declaration.objects.get_or_create(
        meeting=sitting, person=king, item=questions,
        defaults={
            "kind": Declaration.Kind.OTHER_REGISTRABLE,
            "reason": "A declaration with regards to Agenda item 3 and in particular Question no. 2 submitted by "
            "Mrs. Rosita Page CC as in his role as Leader of Harborough District Council he would be making "
            "appointments to the Lutterworth Plan Steering Group.",
        },
    )  # fmt: skip


@transaction.atomic
def load_demo_records():
    """Load the demo's democratic records; returns how many meetings there now are."""
    council = body("Leicestershire County Council", Organization.Classification.COUNCIL)
    february = load_council_2022_02_23(council)
    load_council_2022_05_18(council, february)
    load_strategic_plan_trail(council)
    load_hosc_2021_09_01(council)
    return Meeting.objects.count()
