"""Building questionnaires: the same functions serve the staff site, the demo and the tests."""

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from haveyoursay.hub.models import Area
from haveyoursay.surveys.models import Option, Page, Question
from haveyoursay.surveys.question_types import DONT_KNOW, PREFER_NOT_TO_SAY, question_type

PREFER_NOT = [PREFER_NOT_TO_SAY]


def option_value(label, taken):
    base = slugify(label).replace("-", "_")[:50] or "option"
    value, n = base, 2
    while value in taken:
        value, n = f"{base}_{n}", n + 1
    taken.add(value)
    return value


def add_page(questionnaire, title, introduction="", condition=None):
    position = (questionnaire.pages.aggregate(m=Max("position"))["m"] or 0) + 1
    return Page.objects.create(
        questionnaire=questionnaire, title=title, introduction=introduction, position=position, condition=condition
    )


@transaction.atomic
def add_question(
    page, kind, text, *, code=None, options=(), hint="", required=False, max_length=None, settings=None,
    condition=None, profile="", other=(), exclusive=(), dont_know=None,
):
    """A question with its options. Scales get their standard options (and "Don't know",
    unless `dont_know=False`); an area question gets the council's areas.

    `options` are labels, or (value, label) pairs; labels named in `other` ask "please
    specify", those in `exclusive` can't be chosen with others (always so for "Don't know"
    and "Prefer not to say").
    """
    type_ = question_type(kind)
    questionnaire = page.questionnaire
    taken_codes = set(Question.objects.filter(page__questionnaire=questionnaire).values_list("code", flat=True))
    code = code or option_value(text[:30], set())
    if code in taken_codes:
        code = option_value(code, taken_codes)
    position = (page.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = Question.objects.create(
        page=page, position=position, code=code, kind=kind, text=text, hint=hint, required=required,
        max_length=max_length, settings=settings or {}, condition=condition, profile=profile,
    )
    pairs = [tuple(o) if isinstance(o, (tuple, list)) else (None, o) for o in options]
    if not pairs and type_.standard_options:
        pairs = list(type_.standard_options)
    if not pairs and kind == "area":
        pairs = [(area.slug.replace("-", "_"), area.name) for area in Area.objects.all()]
        pairs.append((None, "Somewhere else"))
        pairs += PREFER_NOT
    if type_.adds_dont_know and dont_know is not False and DONT_KNOW not in pairs:
        pairs.append(DONT_KNOW)
    taken = set()
    for position, (value, label) in enumerate(pairs, start=1):
        value = value or option_value(label, taken)
        taken.add(value)
        Option.objects.create(
            question=question, label=label, value=value, position=position,
            exclusive=label in exclusive or value in ("dont_know", "prefer_not_to_say"),
            other=label in other,
        )
    return question


# The "About you" block. Wording follows the ONS harmonised standards and the 2021 Census
# questions for England, each with "Prefer not to say".
RESPONDENT_TYPES = [
    "A resident", "Responding on behalf of an organisation", "A business", "A councillor",
    "A member of staff", "Other",
]
AGE_BANDS = [
    "Under 16", "16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 to 74", "75 to 84", "85 or over",
]
ETHNIC_GROUPS = [
    "White: English, Welsh, Scottish, Northern Irish or British", "White: Irish", "White: Gypsy or Irish Traveller",
    "White: Roma", "White: any other White background",
    "Mixed or Multiple ethnic groups: White and Black Caribbean", "Mixed or Multiple ethnic groups: White and Black African",
    "Mixed or Multiple ethnic groups: White and Asian", "Mixed or Multiple ethnic groups: any other Mixed or Multiple background",
    "Asian or Asian British: Indian", "Asian or Asian British: Pakistani", "Asian or Asian British: Bangladeshi",
    "Asian or Asian British: Chinese", "Asian or Asian British: any other Asian background",
    "Black, Black British, Caribbean or African: Caribbean", "Black, Black British, Caribbean or African: African",
    "Black, Black British, Caribbean or African: any other Black, Black British or Caribbean background",
    "Other ethnic group: Arab", "Other ethnic group: any other ethnic group",
]
RELIGIONS = ["No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh", "Any other religion"]
SEXUAL_ORIENTATIONS = ["Straight or Heterosexual", "Gay or Lesbian", "Bisexual", "Other sexual orientation"]
CARER = [
    "No", "Yes, 9 hours a week or less", "Yes, 10 to 19 hours a week", "Yes, 20 to 34 hours a week",
    "Yes, 35 to 49 hours a week", "Yes, 50 or more hours a week",
]


@transaction.atomic
def add_about_you(questionnaire):
    """The standard "About you" pages: respondent type and area, then equality monitoring."""
    page = add_page(
        questionnaire,
        "About you",
        "These questions help us understand who has responded, and whose views we may be missing.",
    )
    add_question(page, "single", "Which of these best describes you?", code="respondent_type",
                 options=RESPONDENT_TYPES + ["Prefer not to say"], other=["Other"], profile="respondent_type")
    add_question(page, "area", "Which area do you live in?", code="area", profile="area")
    add_question(page, "single", "What is your age?", code="age", options=AGE_BANDS + ["Prefer not to say"], profile="age")

    page = add_page(
        questionnaire,
        "Equality monitoring",
        "We ask these questions to check that we hear from everyone the proposals may affect. "
        "Every question is optional.",
    )
    add_question(page, "single", "What is your sex?", code="sex", options=["Female", "Male", "Prefer not to say"], profile="sex")
    add_question(
        page, "single", "Is the gender you identify with the same as your sex registered at birth?",
        code="gender_identity", options=["Yes", "No, please write in your gender identity", "Prefer not to say"],
        other=["No, please write in your gender identity"], profile="gender_identity",
    )
    add_question(
        page, "single", "What is your ethnic group?", code="ethnicity",
        options=ETHNIC_GROUPS + ["Prefer not to say"],
        other=[g for g in ETHNIC_GROUPS if ": any other" in g], profile="ethnicity",
    )
    disability = add_question(
        page, "single",
        "Do you have any physical or mental health conditions or illnesses lasting or expected to last "
        "12 months or more?",
        code="disability", options=["Yes", "No", "Prefer not to say"], profile="disability",
    )
    add_question(
        page, "single",
        "Do any of your conditions or illnesses reduce your ability to carry out day-to-day activities?",
        code="disability_impact", options=["Yes, a lot", "Yes, a little", "Not at all", "Prefer not to say"],
        condition={"question": disability.code, "values": ["yes"]},
    )
    add_question(page, "single", "What is your religion?", code="religion",
                 options=RELIGIONS + ["Prefer not to say"], other=["Any other religion"], profile="religion")
    add_question(page, "single", "Which of the following best describes your sexual orientation?",
                 code="sexual_orientation", options=SEXUAL_ORIENTATIONS + ["Prefer not to say"],
                 other=["Other sexual orientation"], profile="sexual_orientation")
    add_question(
        page, "single",
        "Do you look after, or give any help or support to, anyone because they have long-term physical or "
        "mental health conditions or illnesses, or problems related to old age?",
        code="carer", options=CARER + ["Prefer not to say"], hint="Exclude anything you do as part of your paid employment.",
        profile="carer",
    )
    return page
