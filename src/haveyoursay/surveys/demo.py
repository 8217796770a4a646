"""Demo questionnaires, worded from the council's own documents.

- The second engagement on the Local Cycling and Walking Infrastructure Plans (open in the
  demo): the questions follow what the first engagement "invited feedback on" — the draft
  network, the infrastructure improvements ("dedicated cycle lanes, junction improvements,
  benches"), and other feedback — with a place question for a missing route.
- The LLR Joint Carers Strategy 2022-2025 (closed in 2022): its eight key priorities, the
  "To what extent do you agree or disagree…" / "Why do you say this?" / "Is there anything
  else you think we should consider?" pattern of the council's engagement report.

Both end with the standard "About you" pages. `load_demo_questionnaires()` is idempotent:
a questionnaire that exists is left as it is, so responses to it are never disturbed.
"""

from django.db import transaction

from haveyoursay.hub.demo import LAWFUL_BASIS_AND_RIGHTS
from haveyoursay.hub.models import Consultation
from haveyoursay.surveys.building import add_about_you, add_page, add_question
from haveyoursay.surveys.models import Questionnaire

PRIVACY_NOTICE = (
    "Your responses will be stored in line with the Data Protection Act 2018. "
    "Where you have shared your experiences, responses may be used in the form of anonymous quotes "
    "to help illustrate key issues that have been highlighted through this piece of engagement.\n\n"
    "We will only publish your name if you ask us to. We never publish email addresses.\n\n"
    + LAWFUL_BASIS_AND_RIGHTS
)

CARERS_PRIORITIES = [
    ("identification", "Carer identification"),
    ("valued", "Carers are valued and involved"),
    ("informed", "Carers are Informed"),
    ("communities", "Carer friendly communities"),
    ("life_alongside", "Carers have a life alongside caring"),
    ("confidence", "Care with Confidence"),
    ("right_support", "Carers can access the right support at the right time"),
    ("young_carers", "Supporting Young Carers"),
]

LCWIP_SLUG = "local-cycling-and-walking-infrastructure-plans-engagement-2"
CARERS_SLUG = "joint-carers-strategy-2022-2025"


def build_lcwip(consultation):
    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        introduction=(
            "Feedback on these draft plans will be used to help shape the final Local Cycling and Walking "
            "Infrastructure Plans (LCWIPs) for the Loughborough area and south of Leicester area."
        ),
        privacy_notice=PRIVACY_NOTICE,
        minutes_to_complete=10,
    )
    network = add_page(questionnaire, "The draft cycling and walking networks")
    add_question(
        network, "multiple", "Which area's draft network would you like to comment on?", code="network_area",
        options=["Loughborough area", "South of Leicester area"], required=True,
    )
    add_question(
        network, "agree",
        "To what extent do you agree or disagree that the draft key cycling and walking network includes the "
        "routes that lots of people currently use, or could use if improved?",
        code="network_agree", required=True,
    )
    add_question(network, "long_text", "Why do you say this?", code="network_why", max_length=2000)
    add_question(
        network, "location", "Is there a key route missing, or a route you feel needs to change? Tell us where.",
        code="route_place",
        hint="Choose the area from the list, or enter the postcode nearest to the route.",
        settings={"places": [
            {"value": "loughborough", "label": "Loughborough area"},
            {"value": "south_of_leicester", "label": "South of Leicester area"},
        ]},
    )
    add_question(network, "long_text", "Describe the route and the change you would like", code="route_change",
                 max_length=2000)

    improvements = add_page(questionnaire, "Infrastructure improvements")
    add_question(
        improvements, "grid", "How important to you are these types of infrastructure improvement?",
        code="improvements",
        settings={"statements": [
            {"value": "cycle_lanes", "label": "Dedicated cycle lanes"},
            {"value": "junctions", "label": "Junction improvements"},
            {"value": "benches", "label": "Benches"},
        ]},
        options=[
            ("very_important", "Very important"), ("fairly_important", "Fairly important"),
            ("not_very_important", "Not very important"), ("not_at_all_important", "Not at all important"),
        ],
    )
    add_question(
        improvements, "long_text",
        "Is there any other feedback you think would be of value in developing the Local Cycling and Walking "
        "Infrastructure Plans for these areas?",
        code="other_feedback", max_length=5000,
    )
    add_about_you(questionnaire)
    return questionnaire


def build_carers(consultation):
    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        introduction=(
            "We are consulting and seeking feedback on the refreshed Joint Carers Strategy 2022-2025 and "
            "Leicestershire's action plan. We are seeking feedback about our priorities and our commitments in "
            "relation to those priorities."
        ),
        privacy_notice=PRIVACY_NOTICE,
        minutes_to_complete=15,
    )
    vision = add_page(questionnaire, "The strategy's vision")
    add_question(
        vision, "agree",
        "To what extent do you agree or disagree with the shared vision for recognising, valuing and "
        "supporting carers?",
        code="vision", required=True,
    )
    add_question(vision, "long_text", "Why do you say this?", code="vision_why", max_length=2000)

    priorities = add_page(questionnaire, "The eight key priorities")
    add_question(
        priorities, "grid", "To what extent do you agree or disagree with each of these priorities?",
        code="priorities_agree", settings={"statements": [{"value": v, "label": label} for v, label in CARERS_PRIORITIES]},
    )
    add_question(
        priorities, "grid", "How important is each priority to you?", code="priorities_importance",
        settings={"statements": [{"value": v, "label": label} for v, label in CARERS_PRIORITIES]},
        options=[
            ("very_important", "Very important"), ("fairly_important", "Fairly important"),
            ("not_very_important", "Not very important"), ("not_at_all_important", "Not at all important"),
        ],
    )
    add_question(priorities, "long_text", "Why do you say this?", code="priorities_why", max_length=2000)
    add_question(
        priorities, "long_text", "Is there anything else you think we should consider?", code="anything_else",
        max_length=5000,
    )
    add_about_you(questionnaire)
    return questionnaire


BUILDERS = {LCWIP_SLUG: build_lcwip, CARERS_SLUG: build_carers}


@transaction.atomic
def load_demo_questionnaires():
    """Add each demo questionnaire whose consultation exists and has none yet; returns how many."""
    made = 0
    for slug, build in BUILDERS.items():
        consultation = Consultation.private_objects.filter(slug=slug).first()
        if consultation is None or Questionnaire.objects.filter(consultation=consultation).exists():
            continue
        build(consultation)
        made += 1
    return made
