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
    add_question(
        page, "single",
        "Do you have any physical or mental health conditions or illnesses lasting or expected to last "
        "12 months or more?",
        code="disability", options=["Yes", "No", "Prefer not to say"], profile="disability",
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
    # The follow-up is asked only of those who said yes: on a page of its own, since a
    # question can only be routed on answers already given on an earlier page.
    impact = add_page(questionnaire, "Your condition or illness", condition={"question": "disability", "values": ["yes"]})
    add_question(
        impact, "single",
        "Do any of your conditions or illnesses reduce your ability to carry out day-to-day activities?",
        code="disability_impact", options=["Yes, a lot", "Yes, a little", "Not at all", "Prefer not to say"],
    )
    return page


# -- Changing a questionnaire once it is built ----------------------------------------------
# Answers are kept as option (and statement, and place) values under their question, and
# routing names an earlier question by its code and those values. So once a question has
# answers, only the words people read may change: its text, its hint, the labels of its
# options, statements and places, and new ones added at the end. These functions refuse
# anything else whoever calls them; the staff builder checks first only to put the reason
# beside the field.

# The kinds whose answers routing can test: {"choice": ...} or {"choices": [...]}.
CHOICE_KINDS = ("single", "multiple", "agree", "importance", "area")
# The codes add_about_you gives its questions: adding the block twice would duplicate them.
ABOUT_YOU_CODES = (
    "respondent_type", "area", "age", "sex", "gender_identity", "ethnicity", "disability",
    "disability_impact", "religion", "sexual_orientation", "carer",
)
WORDING_FIELDS = ("text", "hint")
LISTED_SETTINGS = ("statements", "places")  # [{"value", "label"}], answered by value


class Refused(ValueError):
    """A change that would alter answers already given or break routing; says what to do instead."""


def default_options(kind):
    """[(value, label)] for a question of `kind` whose options staff leave empty."""
    type_ = question_type(kind)
    pairs = list(type_.standard_options or [])
    if kind == "area":
        pairs = [(area.slug.replace("-", "_"), area.name) for area in Area.objects.all()]
        pairs.append((option_value("Somewhere else", {value for value, _ in pairs}), "Somewhere else"))
        pairs += PREFER_NOT
    if type_.adds_dont_know and DONT_KNOW not in pairs:
        pairs.append(DONT_KNOW)
    return pairs


def dependents(question):
    """The pages and questions shown only for certain answers to `question`."""
    questionnaire = question.page.questionnaire
    return [
        *Page.objects.filter(questionnaire=questionnaire, condition__question=question.code),
        *Question.objects.filter(page__questionnaire=questionnaire, condition__question=question.code)
        .exclude(pk=question.pk),
    ]


def routing_breaks(question, kind, values):
    """Why `question` may not become `kind` with option values `values`: what routes on it."""
    labels = {option.value: option.label for option in question.options.all()}
    reasons = []
    for item in dependents(question):
        if kind not in CHOICE_KINDS:
            reasons.append(
                f"“{item}” is shown only for some answers to this question, so it must stay a choice "
                f"question. Change the condition on “{item}” first"
            )
            continue
        missing = [labels.get(value, value) for value in item.condition.get("values", []) if value not in values]
        if missing:
            reasons.append(
                f"“{item}” is shown only if this question is answered “{missing[0]}”. Keep that answer, "
                f"or change the condition on “{item}” first"
            )
    return reasons


def _answered(question):
    count = question.answer_count()
    said = f"{count:,} response{'s' if count != 1 else ''} answered “{question.text}”"
    unfinished = question.unfinished_imports()
    if unfinished:
        written = sum(batch.answered for batch in unfinished)
        files = and_list([f"“{batch.file_name}”" for batch in unfinished])
        said += (
            f" ({'all' if written == count else f'{written:,}'} of them written by the unfinished import of {files}, "
            "counted once it is resumed and finished; discarding it unlocks them)"
        )
    return said


def and_list(words):
    """"kind, code and answers"."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _unlisted(settings):
    return {key: value for key, value in settings.items() if key not in LISTED_SETTINGS}


def _keeps(old, new):
    """Whether `new` starts with everything in `old`, in order: nothing removed, changed or moved."""
    return list(new[: len(old)]) == list(old)


@transaction.atomic
def change_question(question, *, options=None, **fields):
    """Change a question's fields and, when `options` is given ([(value, label, other,
    exclusive)] in order), its options. Raises Refused for a change a question with answers
    can't make, or one that breaks routing on it."""
    question = Question.objects.select_for_update().select_related("page__questionnaire").get(pk=question.pk)
    current = [(o.value, o.label, o.other, o.exclusive) for o in question.options.all()]
    options = current if options is None else [tuple(option) for option in options]
    if question.is_locked:
        fixed = [
            name for name, value in fields.items()
            if name not in (*WORDING_FIELDS, "settings") and getattr(question, name) != value
        ]
        settings = fields.get("settings", question.settings)
        if _unlisted(settings) != _unlisted(question.settings):
            fixed.append("settings")
        for key in LISTED_SETTINGS:
            old = [item["value"] for item in question.settings.get(key, [])]
            if not _keeps(old, [item["value"] for item in settings.get(key, [])]):
                fixed.append(key)
        if not _keeps([(v, o, x) for v, _, o, x in current], [(v, o, x) for v, _, o, x in options]):
            fixed.append("answers")
        if fixed:
            raise Refused(
                f"{_answered(question)}, so its {and_list(fixed)} can't change. You can still change the "
                "wording of the question, its hint and its answers, and add new answers at the end"
            )
    already = routing_breaks(question, question.kind, {value for value, *_ in current})
    reasons = routing_breaks(question, fields.get("kind", question.kind), {value for value, *_ in options})
    new_reasons = [reason for reason in reasons if reason not in already]
    if new_reasons:
        raise Refused(new_reasons[0])
    old_code = question.code
    routed = dependents(question)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    if question.code != old_code:
        for item in routed:
            item.condition = {**item.condition, "question": question.code}
            item.save(update_fields=["condition"])
    kept = set()
    existing = {option.value: option for option in question.options.all()}
    for position, (value, label, other, exclusive) in enumerate(options, start=1):
        option = existing.get(value) or Option(question=question, value=value)
        option.label, option.position, option.other, option.exclusive = label, position, other, exclusive
        option.save()
        kept.add(value)
    question.options.exclude(value__in=kept).delete()
    return question


def why_question_cannot_go(question):
    """Why `question` can't be deleted, or None if it can."""
    if question.is_locked:
        return f"{_answered(question)}, so it can't be deleted: their answers would be lost"
    routed = dependents(question)
    if routed:
        return f"“{routed[0]}” is shown only for some answers to this question. Change the condition on “{routed[0]}” first"
    return None


def why_page_cannot_go(page):
    """Why `page` can't be deleted with its questions, or None if it can."""
    questions = list(page.questions.all())
    for question in questions:
        if question.is_locked:
            return f"{_answered(question)}, so its page can't be deleted: their answers would be lost"
    for question in questions:
        outside = [item for item in dependents(question) if item != page and getattr(item, "page_id", None) != page.pk]
        if outside:
            return (
                f"“{outside[0]}” is shown only for some answers to “{question.text}”, on this page. "
                f"Change the condition on “{outside[0]}” first"
            )
    return None


@transaction.atomic
def delete_question(question):
    question = Question.objects.select_for_update().get(pk=question.pk)
    reason = why_question_cannot_go(question)
    if reason:
        raise Refused(reason)
    question.delete()


@transaction.atomic
def delete_page(page):
    """Delete a page and its questions, none of which may have answers or decide routing elsewhere."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    list(Question.objects.select_for_update().filter(page=page))  # no answers may arrive meanwhile
    reason = why_page_cannot_go(page)
    if reason:
        raise Refused(reason)
    page.delete()


def routing_problems(questionnaire):
    """[(page or question, why)] for each condition that can't work as it stands. Answers count
    once the respondent continues from their page, so a condition can only look at a choice
    question on an earlier page."""
    pages = list(questionnaire.ordered_pages().prefetch_related("questions__options"))
    where = {q.code: (number, q) for number, page in enumerate(pages) for q in page.questions.all()}
    problems = []
    for number, page in enumerate(pages):
        for item in (page, *page.questions.all()):
            if not item.condition:
                continue
            code = item.condition.get("question")
            found_on, source = where.get(code, (None, None))
            if source is None:
                why = f"it depends on a question coded “{code}”, which is no longer in the questionnaire"
            elif found_on == number:
                why = (
                    f"it depends on “{source.text}” on the same page, whose answer counts only once the "
                    "respondent continues: put one of them on another page"
                )
            elif found_on > number:
                why = f"it depends on “{source.text}”, which comes after it: it must be on an earlier page"
            elif source.kind not in CHOICE_KINDS:
                why = f"it depends on “{source.text}”, which is not a choice question"
            elif not set(item.condition.get("values", [])) <= {o.value for o in source.options.all()}:
                why = f"it depends on an answer to “{source.text}” that the question no longer has"
            else:
                continue
            problems.append((item, why))
    return problems


def _problem_keys(questionnaire):
    return {(type(item).__name__, item.pk, why) for item, why in routing_problems(questionnaire)}


def _refuse_new_problems(questionnaire, before):
    for item, why in routing_problems(questionnaire):
        if (type(item).__name__, item.pk, why) not in before:
            raise Refused(f"That move would break the routing of “{item}”: {why}")


def _renumber(items):
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def move_page(page, step):
    """Move a page one place up (step -1) or down (+1). False if it is already at that end;
    Refused if the move would put a page before the question its routing depends on."""
    questionnaire = page.questionnaire
    before = _problem_keys(questionnaire)
    pages = list(questionnaire.ordered_pages().select_for_update())
    here = pages.index(page)
    there = here + step
    if not 0 <= there < len(pages):
        return False
    pages[here], pages[there] = pages[there], pages[here]
    _renumber(pages)
    _refuse_new_problems(questionnaire, before)
    return True


@transaction.atomic
def move_question(question, step):
    """Move a question one place up (step -1) or down (+1) on its page; from the top or the
    bottom of a page, onto the end of the page before or the start of the page after.
    False if it is already first or last; Refused if the move would break routing."""
    page = question.page
    questionnaire = page.questionnaire
    before = _problem_keys(questionnaire)
    siblings = list(Question.objects.select_for_update().filter(page=page).order_by("position", "pk"))
    here = siblings.index(question)
    there = here + step
    if 0 <= there < len(siblings):
        siblings[here], siblings[there] = siblings[there], siblings[here]
        _renumber(siblings)
    else:
        pages = list(questionnaire.ordered_pages())
        target = pages.index(page) + step
        if not 0 <= target < len(pages):
            return False
        moved = siblings.pop(here)
        _renumber(siblings)
        others = list(Question.objects.select_for_update().filter(page=pages[target]).order_by("position", "pk"))
        moved.page = pages[target]
        moved.position = 0
        moved.save(update_fields=["page", "position"])
        _renumber([*others, moved] if step < 0 else [moved, *others])
    _refuse_new_problems(questionnaire, before)
    return True
