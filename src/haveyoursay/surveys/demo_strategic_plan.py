"""The Strategic Plan 2022-2026 consultation's public survey, for the demo: its questions on the
outcomes, and 259 synthetic responses whose results are the figures the Cabinet's report gives
(seeds/001): "Of the 259 public survey respondents, 79% agreed with the outcomes, with 42%
strongly agreeing… Only 10% disagreed", and for the 'Strong Economy, Transport and
Infrastructure' outcome "68% agreed, of which 34% strongly agreed (notably 17% disagreed)".

The answers are made to give exactly those figures: each answer's count is fixed here and only
who gave which answer is drawn at random (from a fixed seed). How the rest divide (neither,
"Don't know", tend to or strongly disagree) the report does not say; the split here is made
up, as every response is: each has `synthetic=True`, no name and no email address.

`load_demo_strategic_plan_survey()` adds the questionnaire and its responses once.
"""

import random
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haveyoursay.hub.models import Consultation
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.demo import PRIVACY_NOTICE
from haveyoursay.surveys.demo_responses import (
    DEMO_SEED, chance, day_weights, new_reference, pick, save_responses, timing,
)  # fmt: skip
from haveyoursay.surveys.models import Questionnaire, Response

SLUG = "strategic-plan-2022-2026"
RESPONSES = 259
OUTCOMES = "outcomes"
ECONOMY = "economy"
# {question code: {option value: how many chose it}}, each adding up to RESPONSES.
ANSWERS = {
    # 205 agree (79%), 109 of them strongly (42%); 26 disagree (10%).
    OUTCOMES: {"strongly_agree": 109, "tend_to_agree": 96, "neither": 20, "tend_to_disagree": 18,
               "strongly_disagree": 8, "dont_know": 8},
    # 176 agree (68%), 88 of them strongly (34%); 44 disagree (17%).
    ECONOMY: {"strongly_agree": 88, "tend_to_agree": 88, "neither": 30, "tend_to_disagree": 27,
              "strongly_disagree": 17, "dont_know": 9},
}  # fmt: skip


def build_strategic_plan(consultation):
    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        introduction=(
            "The Plan summarises the Council's vision for Leicestershire through five strategic outcomes and a "
            "single line vision statement."
        ),
        privacy_notice=PRIVACY_NOTICE,
        minutes_to_complete=10,
    )
    page = add_page(questionnaire, "The outcomes")
    add_question(
        page, "agree", "To what extent do you agree or disagree with the outcomes?", code=OUTCOMES, required=True,
        hint="Clean, green future; Great communities; Improving opportunities; Strong economy, transport and "
        "infrastructure; Keeping people safe and well.",
    )  # fmt: skip
    add_question(
        page, "agree",
        "To what extent do you agree or disagree with the ‘Strong economy, transport and infrastructure’ outcome?",
        code=ECONOMY, required=True,
        hint="Leicestershire has a productive, inclusive and sustainable economy and infrastructure which meets the "
        "demands of a growing population and economy.",
    )  # fmt: skip
    return questionnaire


def shuffled_answers(rng, counts):
    """Every answer `counts` asks for, in a random order."""
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def generate_responses(questionnaire, *, seed=DEMO_SEED, now=None):
    """[(Response, {question code: value})], unsaved: the 259 online responses, sent while the
    consultation was open."""
    consultation = questionnaire.consultation
    rng = random.Random(f"{seed}:{SLUG}")
    clock = random.Random(f"{seed}:{SLUG}:when")
    labels = random.Random(f"{seed}:{SLUG}:reference")
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    days = day_weights(consultation.opens_on, consultation.closes_on, consultation.closes_on)
    answers = {code: shuffled_answers(rng, counts) for code, counts in ANSWERS.items()}
    taken = set(Response.objects.values_list("reference", flat=True))
    made = []
    for n in range(RESPONSES):
        started_at, submitted_at, _ = timing(clock, Response.Channel.ONLINE, days, zone, now)
        response = Response(
            questionnaire=questionnaire,
            reference=new_reference(labels, taken),
            channel=Response.Channel.ONLINE,
            state=Response.State.SUBMITTED,
            started_at=started_at,
            submitted_at=submitted_at,
            respondent_kind=Response.RespondentKind.INDIVIDUAL,
            publication=pick(rng, {"anonymous": 58, "no": 34, "": 8}),
            contact_about_outcome=chance(rng, 0.38),
            synthetic=True,
        )
        made.append((response, {code: {"choice": values[n], "other": ""} for code, values in answers.items()}))
    return made


@transaction.atomic
def load_demo_strategic_plan_survey(now=None):
    """Add the questionnaire and its responses where the consultation has none; returns how
    many responses were added."""
    consultation = Consultation.private_objects.filter(slug=SLUG).first()
    if consultation is None:
        return 0
    questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
    if questionnaire is None:
        questionnaire = build_strategic_plan(consultation)
    if questionnaire.responses.filter(synthetic=True).exists():
        return 0
    return save_responses(questionnaire, generate_responses(questionnaire, now=now))
