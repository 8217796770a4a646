"""The demo's decision trail: the Strategic Plan 2022-26 consultation linked to the meetings that
considered it, and its extension, as the Cabinet's report to the County Council of 18 May 2022
tells them (seeds/001):

- the Cabinet, 26 October 2021, "approved a 12-week public consultation on the draft Strategic
  Plan to run from 1 November 2021 to 21 January 2022";
- "the consultation period was subsequently extended to 18 February 2022 to enable further
  direct engagement with County Council officers and members" (the report gives no date for the
  extension, so the timeline says it is not recorded);
- the Scrutiny Commission, engaged directly during the consultation (17 November 2021) and on
  its outcome (9 March 2022);
- the Cabinet, 29 March 2022, which "noted the outcome of the consultation including the comments
  and views of the Scrutiny Commission and approved the Strategic Plan";
- the County Council, 18 May 2022, which decides on the Plan as part of its Policy Framework.

Run after the consultations (hub.demo) and the democratic records (decisions.demo); running it
again changes nothing.
"""

import datetime

from django.db import transaction

from haveyoursay.decisions.models import AgendaItem
from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.models import ClosingDateChange, Consideration

SLUG = "strategic-plan-2022-2026"
Stage = Consideration.Stage

# (body, meeting day, item title, stage, note): each note in the report's own words; none where the
# meeting's recorded decision already says it.
STRATEGIC_PLAN_TRAIL = (
    (
        "Cabinet", datetime.date(2021, 10, 26), "Draft Strategic Plan (2022-26)", Stage.APPROVAL, "",
    ),
    (
        "Scrutiny Commission", datetime.date(2021, 11, 17), "Engagement on the Draft Strategic Plan (2022-26)",
        Stage.DURING,
        "Direct engagement of the Scrutiny Commission was part of the consultation. Its comments were considered "
        "and largely addressed in the revised draft.",
    ),
    (
        "Scrutiny Commission", datetime.date(2022, 3, 9),
        "Outcome of Consultation on the Draft Strategic Plan (2022-26)", Stage.RESULTS,
        "The level of support for the vision and outcomes was welcomed. The Commission noted that the response "
        "rate, whilst higher than usual, was not vast.",
    ),
    (
        "Cabinet", datetime.date(2022, 3, 29), "Strategic Plan (2022-26)", Stage.RESULTS, "",
    ),
    (
        "Leicestershire County Council", datetime.date(2022, 5, 18),
        "Reports of the Cabinet: Leicestershire County Council's Strategic Plan 2022 - 2026", Stage.DECISION,
        "The Strategic Plan is part of the Council's Policy Framework and as such needs approval by the County "
        "Council. Motion to be moved: that the Strategic Plan for 2022 to 2026 be approved.",
    ),
)  # fmt: skip

EXTENSION = {
    "previous_closes_on": datetime.date(2022, 1, 21),
    "closes_on": datetime.date(2022, 2, 18),
    "reason": "To enable further direct engagement with County Council officers and members.",
}


@transaction.atomic
def load_demo_trail():
    """Link the Strategic Plan consultation to its meetings; returns how many links there are."""
    consultation = Consultation.private_objects.filter(slug=SLUG).first()
    if consultation is None:
        return 0
    for body, day, title, stage, note in STRATEGIC_PLAN_TRAIL:
        item = AgendaItem.objects.get(meeting__organization__name=body, meeting__starts_at__date=day, title=title)
        Consideration.objects.get_or_create(
            consultation=consultation, item=item, defaults={"stage": stage, "note": note}
        )
    if not consultation.closing_date_changes.exists():
        ClosingDateChange.objects.create(consultation=consultation, date_known=False, **EXTENSION)
    return consultation.considerations.count()
