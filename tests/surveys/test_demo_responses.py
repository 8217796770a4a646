"""Synthetic demo responses: made the same way every time, valid answer by answer, routed as
the questionnaire routes, labelled synthetic, and carrying the differences the module
docstring promises (recounted here plainly)."""

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone

from haveyoursay.hub.demo import ALL_DISTRICTS, CONSULTATIONS
from haveyoursay.hub.models import Area, today
from haveyoursay.surveys import demo_responses
from haveyoursay.surveys.demo import BUILDERS, CARERS_SLUG, LCWIP_SLUG, load_demo_questionnaires
from haveyoursay.surveys.demo_responses import (
    CAMPAIGN_MARKER,
    ORGANISATIONS,
    PERSONAL_DETAILS,
    generate_responses,
    load_demo_responses,
    save_responses,
)
from haveyoursay.surveys.models import Answer, Response, Stakeholder
from tests.factories import make_consultation

NOW = timezone.now()


def build_demo_questionnaire(slug):
    """The demo questionnaire on its consultation, with the hub's districts, and nothing else."""
    for name in ALL_DISTRICTS:
        Area.objects.get_or_create(name=name)
    data = next(item for item in CONSULTATIONS if item["slug"] == slug)
    if "opens_in_days" in data:
        opens_on = today() + datetime.timedelta(days=data["opens_in_days"])
        closes_on = today() + datetime.timedelta(days=data["closes_in_days"])
    else:
        opens_on, closes_on = data["opens_on"], data["closes_on"]
    consultation = make_consultation(slug=slug, title=data["title"], opens_on=opens_on, closes_on=closes_on)
    return BUILDERS[slug](consultation)


def plain(made):
    """What a response says, without database ids: comparable across databases and runs."""
    return [
        {
            "reference": response.reference,
            "channel": response.channel,
            "kind": response.respondent_kind,
            "organisation": response.organisation_name,
            "submitted_at": response.submitted_at,
            "received_on": response.received_on,
            "answers": answers,
        }
        for response, answers in made
    ]


@pytest.fixture(scope="module")
def full_demo(django_db_setup, django_db_blocker):
    """Both demo questionnaires' full sets of synthetic responses, made once for the module
    inside a transaction that is then rolled back, so nothing is left behind."""
    with django_db_blocker.unblock(), transaction.atomic():
        made = {
            slug: plain(generate_responses(build_demo_questionnaire(slug), count=count, now=NOW))
            for slug, count in demo_responses.COUNTS.items()
        }
        transaction.set_rollback(True)
    return made


def choice(row, code):
    return (row["answers"].get(code) or {}).get("choice")


def share(rows, test):
    rows = list(rows)
    return sum(1 for row in rows if test(row)) / len(rows)


AGREE = {"strongly_agree", "tend_to_agree"}
UNDER_35 = {"under_16", "16_to_24", "25_to_34"}
UNDER_45 = UNDER_35 | {"35_to_44"}
OVER_65 = {"65_to_74", "75_to_84", "85_or_over"}
OVER_35 = {"35_to_44", "45_to_54", "55_to_64"} | OVER_65
DISTRICTS = ("blaby", "charnwood", "harborough", "hinckley_and_bosworth", "melton", "north_west_leicestershire",
             "oadby_and_wigston")


def grid_rows(row, code):
    return (row["answers"].get(code) or {}).get("rows", {})


def answered(rows, code):
    return [row for row in rows if code in row["answers"]]


def texts(rows, code):
    return [row["answers"][code]["text"] for row in answered(rows, code)]


# -- Made the same way every time, and valid -------------------------------------------------------


@pytest.mark.django_db
def test_the_same_seed_makes_the_same_responses_and_another_seed_does_not():
    questionnaire = build_demo_questionnaire(CARERS_SLUG)

    first = plain(generate_responses(questionnaire, count=200, seed=7, now=NOW))
    again = plain(generate_responses(questionnaire, count=200, seed=7, now=NOW))
    other = plain(generate_responses(questionnaire, count=200, seed=8, now=NOW))

    assert first == again
    assert [row["answers"] for row in first] != [row["answers"] for row in other]


@pytest.mark.django_db
def test_the_answers_do_not_depend_on_the_day_the_demo_is_loaded():
    questionnaire = build_demo_questionnaire(LCWIP_SLUG)

    today_made = plain(generate_responses(questionnaire, count=120, now=NOW))
    later_made = plain(generate_responses(questionnaire, count=120, now=NOW + datetime.timedelta(days=5)))

    assert [row["answers"] for row in today_made] == [row["answers"] for row in later_made]
    assert max(row["submitted_at"] for row in later_made) > NOW


def assert_valid(question, value):
    """The stored value goes through the question's own form fields and back unchanged: every
    choice is one of its options, every text within its limit, every shape its type's."""
    type_ = question.type
    initial = type_.initial(question, value)
    cleaned = {name: field.clean(initial.get(name)) for name, field in type_.form_fields(question).items()}
    assert type_.clean(question, cleaned, required=False) == value, (question.code, value)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", [CARERS_SLUG, LCWIP_SLUG])
def test_every_answer_is_valid_for_its_question_and_online_responses_answer_what_is_required(slug):
    questionnaire = build_demo_questionnaire(slug)
    questions = {q.code: q for q in questionnaire.ordered_questions().prefetch_related("options")}
    required = {code for code, question in questions.items() if question.required}

    made = generate_responses(questionnaire, count=300, now=NOW)

    for response, answers in made:
        for code, value in answers.items():
            assert_valid(questions[code], value)
        if response.channel == Response.Channel.ONLINE:
            assert required <= set(answers), response.reference
    assert {code for _, answers in made for code in answers} == set(questions)


def test_the_condition_question_is_answered_only_by_those_it_is_for(full_demo):
    for rows in full_demo.values():
        followed_up = answered(rows, "disability_impact")
        assert followed_up
        assert all(choice(row, "disability") == "yes" for row in followed_up)


def test_optional_questions_are_sometimes_left_blank_and_prefer_not_to_say_is_chosen(full_demo):
    rows = full_demo[CARERS_SLUG]
    individuals = [row for row in rows if row["kind"] == "individual"]
    for code in ("age", "sex", "area", "ethnicity", "religion", "sexual_orientation", "carer", "vision_why"):
        assert 0.005 < 1 - len(answered(individuals, code)) / len(individuals) < 0.7, code
    for code in ("age", "sex", "religion", "sexual_orientation"):
        assert 0.01 < share(answered(individuals, code), lambda row: choice(row, code) == "prefer_not_to_say") < 0.15


def test_responses_come_by_every_channel_mostly_online_and_inside_the_open_period(full_demo):
    for slug, rows in full_demo.items():
        data = next(item for item in CONSULTATIONS if item["slug"] == slug)
        opens_on = data.get("opens_on") or today() + datetime.timedelta(days=data["opens_in_days"])
        channels = Counter(row["channel"] for row in rows)
        assert set(channels) == {"online", "paper", "email", "phone"}
        assert channels["online"] / len(rows) > 0.8
        for row in rows:
            assert opens_on <= timezone.localdate(row["submitted_at"]) and row["submitted_at"] <= NOW
            assert (row["received_on"] is None) == (row["channel"] == "online")
            if row["received_on"]:
                assert opens_on <= row["received_on"] <= timezone.localdate(row["submitted_at"])
    carers_dates = {timezone.localdate(row["submitted_at"]) for row in full_demo[CARERS_SLUG]}
    assert max(carers_dates) <= datetime.date(2022, 7, 31)


def test_organisations_are_real_named_ones_and_respond_as_organisations(full_demo):
    for slug, rows in full_demo.items():
        organisations = [row for row in rows if row["kind"] == "organisation"]
        assert organisations
        assert {row["organisation"] for row in organisations} <= set(ORGANISATIONS[slug])
        assert all(choice(row, "respondent_type") == "responding_on_behalf_of_an_organisation" for row in organisations)
        assert not any(row["organisation"] for row in rows if row["kind"] == "individual")


# -- Saved, labelled and loaded once ---------------------------------------------------------------


@pytest.mark.django_db
def test_saved_responses_are_submitted_synthetic_anonymous_and_linked_to_their_stakeholder():
    questionnaire = build_demo_questionnaire(CARERS_SLUG)
    healthwatch = Stakeholder.objects.create(consultation=questionnaire.consultation, name="Healthwatch Leicestershire")
    made = generate_responses(questionnaire, count=120, now=NOW)

    assert save_responses(questionnaire, made) == 120

    responses = Response.objects.filter(questionnaire=questionnaire)
    assert responses.count() == responses.filter(synthetic=True, state=Response.State.SUBMITTED).count() == 120
    assert not responses.exclude(respondent_name="", email="").exists()
    assert Answer.objects.filter(response__questionnaire=questionnaire).count() == sum(len(a) for _, a in made)
    assert list(healthwatch.responses.values_list("organisation_name", flat=True)) == ["Healthwatch Leicestershire"]


@pytest.mark.django_db
def test_loading_the_demo_responses_twice_adds_nothing_the_second_time():
    from haveyoursay.hub.demo import load_demo

    load_demo()
    load_demo_questionnaires()

    added = load_demo_responses()
    counts = (Response.objects.count(), Answer.objects.count())
    again = load_demo_responses()

    assert added == demo_responses.COUNTS
    assert again == {}
    assert (Response.objects.count(), Answer.objects.count()) == counts
    assert Response.objects.filter(synthetic=False).count() == 0


# -- The built-in differences, recounted -----------------------------------------------------------


def test_carers_agree_with_the_vision_more_than_non_carers(full_demo):
    rows = answered(full_demo[CARERS_SLUG], "vision")
    carers = [row for row in rows if (choice(row, "carer") or "").startswith("yes_")]
    non_carers = [row for row in rows if choice(row, "carer") == "no"]

    carers_agree = share(carers, lambda row: choice(row, "vision") in AGREE)
    non_carers_agree = share(non_carers, lambda row: choice(row, "vision") in AGREE)

    assert carers_agree - non_carers_agree > 0.12


def test_young_carers_priority_is_very_important_to_more_under_35s(full_demo):
    rows = [row for row in full_demo[CARERS_SLUG] if "young_carers" in grid_rows(row, "priorities_importance")]

    def very(row):
        return grid_rows(row, "priorities_importance")["young_carers"] == "very_important"

    young = share((row for row in rows if choice(row, "age") in UNDER_35), very)
    older = share((row for row in rows if choice(row, "age") in OVER_35), very)

    assert young - older > 0.2


def test_melton_agrees_least_that_carers_get_the_right_support_at_the_right_time(full_demo):
    rows = [row for row in full_demo[CARERS_SLUG] if "right_support" in grid_rows(row, "priorities_agree")]
    by_area = {}
    for area in DISTRICTS:
        in_area = [row for row in rows if choice(row, "area") == area]
        by_area[area] = share(in_area, lambda row: grid_rows(row, "priorities_agree")["right_support"] in AGREE)

    lowest = min(by_area, key=by_area.get)
    assert lowest == "melton"
    assert min(value for area, value in by_area.items() if area != "melton") - by_area["melton"] > 0.2


def test_paper_respondents_are_older_than_online_ones(full_demo):
    rows = [row for row in answered(full_demo[CARERS_SLUG], "age") if choice(row, "age") != "prefer_not_to_say"]

    paper = share((row for row in rows if row["channel"] == "paper"), lambda row: choice(row, "age") in OVER_65)
    online = share((row for row in rows if row["channel"] == "online"), lambda row: choice(row, "age") in OVER_65)

    assert paper - online > 0.25


def test_respondents_skew_older_and_female(full_demo):
    rows = full_demo[CARERS_SLUG]
    ages = [choice(row, "age") for row in answered(rows, "age") if choice(row, "age") != "prefer_not_to_say"]
    sexes = [choice(row, "sex") for row in answered(rows, "sex") if choice(row, "sex") != "prefer_not_to_say"]

    assert sum(age in OVER_65 | {"55_to_64"} for age in ages) / len(ages) > 0.5
    assert sexes.count("female") / len(sexes) > 0.6


def test_lcwip_south_of_leicester_agrees_less_and_older_people_want_benches(full_demo):
    rows = full_demo[LCWIP_SLUG]

    def network(row):
        return (row["answers"].get("network_area") or {}).get("choices", [])

    def agreeing(row):
        return choice(row, "network_agree") in AGREE

    def benches(row):
        return grid_rows(row, "improvements")["benches"] == "very_important"

    south = share((row for row in rows if network(row) == ["south_of_leicester_area"]), agreeing)
    north = share((row for row in rows if network(row) == ["loughborough_area"]), agreeing)
    graded = [row for row in rows if "benches" in grid_rows(row, "improvements")]

    older = share((row for row in graded if choice(row, "age") in OVER_65), benches)
    younger = share((row for row in graded if choice(row, "age") in UNDER_45), benches)

    assert north - south > 0.08
    assert older - younger > 0.2


# -- Free text -------------------------------------------------------------------------------------


def test_one_question_carries_a_small_campaign_of_near_identical_answers(full_demo):
    rows = full_demo[CARERS_SLUG]
    comments = texts(rows, "anything_else")
    campaign = [text for text in comments if CAMPAIGN_MARKER in text]

    assert 0.03 < len(campaign) / len(comments) < 0.07
    assert 1 < len(set(campaign)) < len(campaign)  # some copied word for word, some edited
    for code in ("vision_why", "priorities_why"):
        assert not any(CAMPAIGN_MARKER in text for text in texts(rows, code))


def test_comments_are_varied_some_say_nothing_and_a_few_carry_personal_details(full_demo):
    codes = ("vision_why", "priorities_why", "network_why", "other_feedback")
    comments = [text for rows in full_demo.values() for code in codes for text in texts(rows, code)]
    personal = [text for text in comments if any(detail in text for detail in PERSONAL_DETAILS)]
    nothing = [text for text in comments if text.strip(".").lower() in {"no", "none", "n/a", "nothing to add", "-"}]

    assert len(set(comments)) / len(comments) > 0.8
    assert 0 < len(personal) < 0.02 * len(comments)
    assert 0 < len(nothing) < 0.15 * len(comments)
    themes = ("break", "young carers", "GP", "Carer's Allowance", "online", "assessment", "cycle lanes", "bench",
              "junction", "lighting")
    for theme in themes:
        assert any(theme.lower() in text.lower() for text in comments), theme
