import pytest

from haveyoursay.surveys.building import add_about_you, add_page, add_question
from haveyoursay.surveys.models import Questionnaire
from haveyoursay.surveys.question_types import AnswerError, normalise_postcode
from haveyoursay.surveys.submission import Journey, clean_page
from haveyoursay.surveys.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(questionnaire):
    return add_page(questionnaire, "Every kind of question")


def submit_page(questionnaire, page, data):
    """Clean `data` as if posted to `page`: ({code: value}, errors)."""
    journey = Journey(Response(questionnaire=questionnaire))
    journey.pages = [page]
    form = journey.form_for(page, data)
    values = clean_page(form)
    return ({q.code: v for q, v in values.items()} if values is not None else None), form.errors


def test_scales_get_their_standard_options_with_dont_know_exclusive(questionnaire):
    vision = questionnaire.ordered_questions().get(code="vision")
    labels = [o.label for o in vision.options.all()]
    assert labels == [
        "Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree",
        "Don't know",
    ]
    assert vision.options.get(value="dont_know").exclusive


@pytest.mark.parametrize(
    "kind, options, data, expected",
    [
        ("single", ["Yes", "No"], {"q_x": "yes"}, {"choice": "yes", "other": ""}),
        ("multiple", ["GP surgery", "Library"], {"q_x": ["library", "gp_surgery"]}, {"choices": ["gp_surgery", "library"], "other": ""}),
        ("short_text", [], {"q_x": "  Loughborough  "}, {"text": "Loughborough"}),
        ("long_text", [], {"q_x": "More benches, please."}, {"text": "More benches, please."}),
        ("number", [], {"q_x": "1,240"}, {"number": 1240}),
        ("number", [], {"q_x": "2.5"}, {"number": 2.5}),
        ("date", [], {"q_x_day": "31", "q_x_month": "7", "q_x_year": "2022"}, {"date": "2022-07-31"}),
        ("postcode", [], {"q_x": "le3 8ra"}, {"postcode": "LE3 8RA"}),
        ("ranking", ["Benches", "Cycle lanes", "Junctions"], {"q_x__benches": "2", "q_x__cycle_lanes": "1", "q_x__junctions": ""}, {"ranking": ["cycle_lanes", "benches"]}),
        ("single", ["Yes", "No"], {"q_x": ""}, None),
    ],
)
def test_each_type_stores_its_answer_in_its_shape(questionnaire, page, kind, options, data, expected):
    add_question(page, kind, "The question", code="x", options=options)
    values, errors = submit_page(questionnaire, page, data)
    assert not errors
    assert values == {"x": expected}


def test_a_grid_keeps_one_answer_per_statement(questionnaire):
    priorities = questionnaire.pages.get(title="Our priorities")
    values, errors = submit_page(questionnaire, priorities, {
        "q_priorities__identification": "very_important", "q_priorities__young_carers": "fairly_important",
    })
    assert values == {"priorities": {"rows": {"identification": "very_important", "young_carers": "fairly_important"}}}


def test_an_area_question_offers_the_councils_districts(questionnaire, page):
    from haveyoursay.hub.models import Area

    Area.objects.create(name="Charnwood")
    Area.objects.create(name="Melton")
    question = add_question(page, "area", "Which area do you live in?", code="area")
    assert [o.label for o in question.options.all()] == ["Charnwood", "Melton", "Somewhere else", "Prefer not to say"]


def test_a_location_is_a_place_from_the_list_or_a_postcode(questionnaire, page):
    add_question(page, "location", "Where is the route?", code="where",
                 settings={"places": [{"value": "loughborough", "label": "Loughborough town centre"}]})
    assert submit_page(questionnaire, page, {"q_where": "loughborough"})[0] == {"where": {"place": "loughborough"}}
    assert submit_page(questionnaire, page, {"q_where__postcode": "le11 3ab"})[0] == {"where": {"postcode": "LE11 3AB"}}
    values, errors = submit_page(questionnaire, page, {"q_where": "loughborough", "q_where__postcode": "LE11 3AB"})
    assert values is None and "not both" in str(errors)


@pytest.mark.parametrize(
    "kind, options, data, message",
    [
        ("single", ["Yes", "No"], {"q_x": "maybe"}, "Select one of the answers shown"),
        ("single", ["Yes", "No"], {}, "Select an answer to “The question”"),
        ("multiple", ["Yes", "No"], {"q_x": ["forged"]}, "Select from the answers shown"),
        ("short_text", [], {"q_x": "x" * 501}, "Your answer must be 500 characters or fewer"),
        ("number", [], {"q_x": "lots"}, "must be a number"),
        ("number", [], {"q_x": "NaN"}, "must be a number"),
        ("number", [], {"q_x": "1e999999999"}, "must be a smaller number, with at most 15 digits"),
        ("number", [], {"q_x": "-1000000000000000"}, "must be a smaller number, with at most 15 digits"),
        ("date", [], {"q_x_day": "31", "q_x_month": "2", "q_x_year": "2022"}, "must be a real date"),
        # Digits int() cannot read, and more digits than it will read: no date, and no server error.
        ("date", [], {"q_x_day": "²", "q_x_month": "1", "q_x_year": "2022"}, "must be a real date"),
        ("date", [], {"q_x_day": "1", "q_x_month": "1", "q_x_year": "9" * 5000}, "must be a real date"),
        ("date", [], {"q_x_day": "1", "q_x_month": "1_0", "q_x_year": "2022"}, "must be a real date"),
        ("postcode", [], {"q_x": "LE99 ZZZZ"}, "Enter a real postcode"),
        ("ranking", ["A", "B"], {"q_x__a": "1", "q_x__b": "1"}, "1 is used twice"),
        ("ranking", ["A", "B", "C"], {"q_x__a": "1", "q_x__b": "3"}, "without gaps"),
    ],
)
def test_bad_answers_get_a_message_at_the_field(questionnaire, page, kind, options, data, message):
    add_question(page, kind, "The question", code="x", options=options, required=True)
    values, errors = submit_page(questionnaire, page, data)
    assert values is None
    assert message in str(errors)


def test_a_number_of_fifteen_digits_is_kept_exactly(questionnaire, page):
    add_question(page, "number", "The question", code="x")
    values, errors = submit_page(questionnaire, page, {"q_x": "999,999,999,999,999"})
    assert values == {"x": {"number": 999_999_999_999_999}} and not errors


def test_text_limits_follow_the_questions_setting(questionnaire):
    values, errors = submit_page(questionnaire, questionnaire.pages.get(title="The vision"),
                                 {"q_vision": "tend_to_agree", "q_why_vision": "x" * 501})
    assert "Your answer must be 500 characters or fewer" in str(errors)


def test_other_please_specify_needs_the_words(questionnaire):
    page = questionnaire.pages.get(title="Anything else")
    values, errors = submit_page(questionnaire, page, {"q_find_out": ["other"]})
    assert "Tell us what your other answer is" in str(errors)
    values, errors = submit_page(questionnaire, page, {"q_find_out": ["other", "gp_surgery"], "q_find_out__other": "Carers centre"})
    assert values["find_out"] == {"choices": ["gp_surgery", "other"], "other": "Carers centre"}


def test_an_exclusive_answer_cannot_be_chosen_with_others(questionnaire, page):
    add_question(page, "multiple", "Which services have you used?", code="x", options=["Library", "Prefer not to say"])
    values, errors = submit_page(questionnaire, page, {"q_x": ["library", "prefer_not_to_say"]})
    assert "Select “Prefer not to say” on its own" in str(errors)


@pytest.mark.parametrize("text, expected", [
    ("le3 8ra", "LE3 8RA"), ("LE118AB", "LE11 8AB"), ("sw1a 1aa", "SW1A 1AA"), ("EC1A1BB", "EC1A 1BB"),
    ("LE3", None), ("12345", None), ("QQ1 1QQ", None), ("", None),
])
def test_postcodes_are_checked_and_tidied(text, expected):
    assert normalise_postcode(text) == expected


class TestFromText:
    """Reading answers from another survey tool's export."""

    def test_choices_by_label_or_value_in_any_case(self, questionnaire):
        vision = questionnaire.ordered_questions().get(code="vision")
        assert vision.type.from_text(vision, "Tend to agree") == {"choice": "tend_to_agree", "other": ""}
        assert vision.type.from_text(vision, "STRONGLY_DISAGREE") == {"choice": "strongly_disagree", "other": ""}
        assert vision.type.from_text(vision, "") is None
        with pytest.raises(AnswerError) as error:
            vision.type.from_text(vision, "Quite keen")
        assert str(error.value) == (
            "‘To what extent do you agree or disagree with the proposed vision?’: “Quite keen” is not one of: "
            "Strongly agree, Tend to agree, Neither agree nor disagree, Tend to disagree, Strongly disagree, "
            "Don't know. Change it to one of these answers"
        )

    def test_a_long_list_of_answers_is_shown_in_part(self, page):
        question = add_question(page, "single", "Which ward do you live in?", code="ward",
                                options=[f"Ward {n}" for n in range(1, 21)])
        with pytest.raises(AnswerError, match=r"is not one of: Ward 1, .*, Ward 15 and 5 more\. Change it"):
            question.type.from_text(question, "Ward 21")

    def test_a_label_that_is_another_options_value_means_the_first_option(self, page):
        question = add_question(page, "single", "Which?", code="which", options=["B", "A"])
        first, second = question.options.all()
        type(first).objects.filter(pk=second.pk).update(label=first.value)  # the second's label is the first's value
        question = type(question).objects.prefetch_related("options").get(pk=question.pk)
        assert question.type.from_text(question, first.value) == {"choice": first.value, "other": ""}
        assert question.type.from_text(question, second.value) == {"choice": second.value, "other": ""}

    def test_an_option_added_after_a_lookup_is_found_when_options_were_not_prefetched(self, page):
        question = add_question(page, "single", "Which?", code="which", options=["Yes", "No"])
        with pytest.raises(AnswerError):
            question.type.from_text(question, "Maybe")
        question.options.create(label="Maybe", value="maybe", position=3)
        assert question.type.from_text(question, "maybe") == {"choice": "maybe", "other": ""}

    def test_multiple_choices_split_on_semicolons_and_keep_other_words(self, questionnaire):
        question = questionnaire.ordered_questions().get(code="find_out")
        assert question.type.from_text(question, "GP surgery; Council website") == {
            "choices": ["gp_surgery", "council_website"], "other": ""
        }
        assert question.type.from_text(question, "GP surgery; Carers centre")["other"] == "Carers centre"


def test_about_you_follows_the_harmonised_standards_with_prefer_not_to_say(db):
    from tests.factories import make_consultation

    questionnaire = Questionnaire.objects.create(consultation=make_consultation(), privacy_notice="Notice")
    add_about_you(questionnaire)
    questions = list(questionnaire.ordered_questions())
    profiles = {q.profile for q in questions if q.profile}
    assert profiles == {"respondent_type", "area", "age", "sex", "gender_identity", "ethnicity", "disability",
                        "religion", "sexual_orientation", "carer"}
    for question in questions:
        assert question.options.filter(label="Prefer not to say", exclusive=True).exists(), question.code
    impact = next(q for q in questions if q.code == "disability_impact")
    assert impact.page.condition == {"question": "disability", "values": ["yes"]}
    assert impact.page.position > next(q for q in questions if q.code == "disability").page.position
