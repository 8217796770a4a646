"""The demo's "You said, we did" for the Strategic Plan 2022-2026: the changes the Cabinet's
report to the County Council (seeds/001, "The Revised Strategic Plan (2022-26)" and Appendix B)
says were made, each against what people said in the council's words, and linked to the
decision that made them: the Cabinet's of 29 March 2022, which "noted the outcome of the
consultation… and approved the Strategic Plan". (The County Council's meeting of 18 May 2022
was asked to approve the Plan; the records hold no decision of it, so none is linked.)

Where the report gives a survey figure for what people said, the entry quotes that closed
question's answers, and the page counts them from the demo's responses
(`surveys/demo_strategic_plan.py`): the 17% who disagreed with the 'Strong Economy, Transport
and Infrastructure' outcome, whose reasons the report gives as the concerns about housing,
beside the entry on housing. The 79% who agreed with the outcomes is in "You said"
(`hub/demo.py`), as the council gave it; it is no figure for the vision statement, which
people said the outcomes already summarised.

`load_demo_we_did()` adds the entries once, to a consultation that has none.
"""

import datetime

from django.db import transaction

from haveyoursay.decisions.models import Decision
from haveyoursay.hub.models import Consultation, Revision
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.surveys.demo_strategic_plan import ECONOMY, SLUG
from haveyoursay.surveys.models import Option, Question

CHANGED = WeDidEntry.Action.CHANGED
DISAGREE = ("tend_to_disagree", "strongly_disagree")

ENTRIES = [
    {
        "you_said": "There was a high level of support for the Council's vision. Whilst there was significant "
        "support for the vision statement (particularly the references to inclusivity, greener living and healthy "
        "communities), some stated that it did not add value, as the vision was already summarised by the five "
        "outcomes.",
        "we_did": "Removed the single-line vision statement.",
    },
    {
        "you_said": "During consultation, there was a view that the Plan was too long and that detail about the "
        "Council's actions could be set out separately.",
        "we_did": "The length of the Plan has been reduced by removing unnecessary text (wordcount reduced by 25%) "
        "and images have been added to enhance the visual appeal of the document.",
    },
    {
        "you_said": "Some also commented that whilst the Plan identified what success would look like, it did not "
        "adequately quantify this or set a benchmark against which performance could be measured.",
        "we_did": "Specific, quantitative targets tend to be set through annual departmental business plans and "
        "strategies as this allows for the targets to reflect current service capacity and pressures. However, "
        "where quantitative targets exist, these have now been added to the Plan, such as for the aims around CO2 "
        "emissions and the Supporting Families Programme. Further, to help clarify what the Council is aiming to "
        "achieve by 2026, each sub-outcome now includes, under 'how we will measure success', the performance "
        "indicators which will be monitored to identify if each aim is being achieved. Each sub-outcome also "
        "includes a summary of current performance which provides a benchmark against which to measure future "
        "progress.",
    },
    {
        "you_said": "It was suggested that the Plan should more clearly differentiate between those aspirations for "
        "which the Council would have lead responsibility, and those where it would have a contributing/partnership "
        "role; specifying which partners it would work with to deliver the actions in the Plan. Some also "
        "challenged the lack of reference to district councils.",
        "we_did": "The Plan also now refers to specific partners which the Council will need to work with to deliver "
        "certain actions – for example work with bus operators and Midlands Connect to improve passenger transport "
        "and work with district councils through the Environment Group to coordinate environmental programmes. "
        "Additionally, the Plan highlights examples of effective collaboration which the Council intends to build "
        "on, such as work with district councils during the Covid-19 pandemic to establish community hubs to support "
        "the most vulnerable people.",
    },
    {
        "you_said": "During both the public survey and the three County Council staff briefings on the Plan, the aim "
        "around housing was considered to be the least important of all aims in the Plan. This seemed to be due to "
        "concerns that housing development in greenfield areas would undermine delivery of a 'Clean and Green' "
        "future in Leicestershire.",
        "quotes": (ECONOMY, DISAGREE),
        "we_did": "The sub-outcome around housing has been removed, with the Council's actions to support housing "
        "development shown instead to support the sub-outcome around infrastructure (7.2). This reflects the low "
        "popularity of the aim around housing development, as well as that the planning of housing is a "
        "responsibility of district councils rather than the County Council.",
    },
    {
        "you_said": "Some requested clarification on which is a greater priority to the Council between 'green' and "
        "'growth'. Some also requested that the Plan include further detail on how the Council would enable and "
        "promote sustainable transport and attract environmentally friendly businesses.",
        "we_did": "The Introduction / Foreword now acknowledges the challenges involved in supporting economic growth "
        "whilst achieving a 'Clean and Green' future for Leicestershire and highlights how the Council intends to "
        "achieve this. Additionally, further actions have been added to the Plan to show how the Council intends to "
        "work with partners to enable and promote sustainable transport and encourage and support environmentally "
        "friendly businesses and the development and adoption of low-carbon technologies.",
    },
    {
        "you_said": "There was a view that the outcome title should be revised to 'Improved Opportunities' so it is "
        "consistent with the other outcomes and represents an 'end state' rather than a journey.",
        "we_did": "Changes have been made to the outcome titles in order to ensure they are consistent with each "
        "other and represent an 'end state':\n\n"
        "- 'Improving Opportunities' revised to 'Improved Opportunities'\n"
        "- 'Keeping People Safe and Well' revised to 'Safe and Well'\n"
        "- 'Clean, Green Future' revised to 'Clean and Green'",
    },
]


def cabinet_decision():
    """The Cabinet's decision of 29 March 2022 approving the Strategic Plan, if the records hold it."""
    return (
        Decision.objects.filter(
            item__meeting__organization__name="Cabinet", decided_on=datetime.date(2022, 3, 29),
            item__title="Strategic Plan (2022-26)",
        )
        .first()
    )  # fmt: skip


@transaction.atomic
def load_demo_we_did():
    """Add the Strategic Plan's entries where it has none; returns how many were added."""
    consultation = Consultation.private_objects.filter(slug=SLUG).first()
    if consultation is None or consultation.we_did_entries.exists():
        return 0
    decision = cabinet_decision()
    for position, data in enumerate(ENTRIES):
        entry = WeDidEntry.objects.create(
            consultation=consultation, position=position, you_said=data["you_said"], action=CHANGED,
            we_did=data["we_did"], decision=decision,
        )  # fmt: skip
        if "quotes" in data:
            code, values = data["quotes"]
            question = Question.objects.filter(page__questionnaire__consultation=consultation, code=code).first()
            if question is not None:
                entry.question = question
                entry.save(update_fields=["question"])
                entry.options.set(Option.objects.filter(question=question, value__in=values))
    Revision.bump()
    return len(ENTRIES)
