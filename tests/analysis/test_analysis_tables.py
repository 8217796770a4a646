"""Every statistic of the closed-question tables, and the edge cases: no responses, one
response, everyone preferring not to say, a question nobody was routed to."""

import datetime

import pytest
from django.utils import timezone

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.models import PopulationGroup, PopulationTable
from haveyoursay.analysis.tables import (
    NO_INFORMATION,
    Population,
    analyse,
    analyse_questionnaire,
    breakdown,
    crosstab,
    describe_base,
    frequency_table,
    grid_table,
    load_populations,
    multiple_choice_table,
    number_summary,
    percent,
    profile_table,
    question_result,
    ranking_summary,
    stakeholder_summary,
)
from haveyoursay.hub.models import Area
from haveyoursay.surveys.building import add_about_you, add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response, Stakeholder
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

DISTRICTS = ["Blaby", "Charnwood", "Harborough", "Melton"]


def build_survey():
    """The Strategic Plan consultation's kinds of question, one of each closed kind, routing
    and the standard "About you" block."""
    for name in DISTRICTS:
        Area.objects.get_or_create(name=name)
    consultation = make_consultation(title="Leicestershire County Council Strategic Plan 2022-2026")
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="As the Act requires.")
    page = add_page(questionnaire, "Our vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the vision?", code="vision")
    add_question(page, "importance", "How important is a ‘Clean, Green Future’?", code="clean_green")
    add_question(page, "single", "Have you read the draft Strategic Plan?", code="read_plan",
                 options=["Yes, all of it", "Yes, some of it", "No"])  # fmt: skip
    add_question(page, "multiple", "How did you hear about this consultation?", code="heard",
                 options=["Council website", "Social media", "Local newspaper", "Word of mouth"])  # fmt: skip
    add_question(page, "number", "How many years have you lived in Leicestershire?", code="years")
    add_question(page, "ranking", "Put these outcomes in order", code="order",
                 options=[("economy", "Strong Economy, Transport and Infrastructure"),
                          ("safe_well", "Keeping People Safe and Well"), ("communities", "Great Communities")])  # fmt: skip
    add_question(page, "grid", "How important are these aims?", code="aims",
                 settings={"statements": [{"value": "cohesion", "label": "Increase community cohesion"},
                                          {"value": "volunteering", "label": "Sustain the increase in volunteering"}]},
                 options=[("very_important", "Very important"), ("fairly_important", "Fairly important"),
                          ("not_very_important", "Not very important"),
                          ("not_at_all_important", "Not at all important")])  # fmt: skip
    add_question(page, "location", "Where should we start?", code="place",
                 settings={"places": [{"value": "loughborough", "label": "Loughborough town centre"},
                                      {"value": "melton", "label": "Melton Mowbray"}]})  # fmt: skip
    add_question(page, "long_text", "Why do you say this?", code="why")
    disagree = add_page(questionnaire, "Your concerns",
                        condition={"question": "vision", "values": ["tend_to_disagree", "strongly_disagree"]})  # fmt: skip
    add_question(disagree, "single", "What concerns you most?", code="concern", options=["Housing", "Transport"])
    add_about_you(questionnaire)
    return questionnaire


@pytest.fixture
def survey():
    return build_survey()


def choice(value):
    return {"choice": value, "other": ""}


def respond(questionnaire, answers, *, state="submitted", channel="online", **fields):
    """A response with `answers` ({code: stored value}), submitted unless told otherwise."""
    response = Response.objects.create(
        questionnaire=questionnaire, channel=channel, state=state,
        submitted_at=timezone.now() if state == "submitted" else None, **fields,
    )  # fmt: skip
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    Answer.objects.bulk_create(
        [Answer(response=response, question=questions[code], value=value) for code, value in answers.items()]
    )
    return response


def rows_of(table):
    return {row.value: row.count for row in table.rows}


# -- Counts, bases and percentages -----------------------------------------------------------


def test_percent_is_exact_and_none_for_a_zero_base():
    assert percent(1, 3) == 100 / 3
    assert percent(0, 0) is None
    assert percent(None, 10) is None


def test_the_base_is_those_who_answered_and_dont_know_is_an_answer(survey):
    for value in ["strongly_agree", "strongly_agree", "dont_know"]:
        respond(survey, {"vision": choice(value)})
    respond(survey, {"read_plan": choice("no")})  # left the vision question blank
    table = frequency_table(load_dataset(survey), "vision")
    assert rows_of(table)["strongly_agree"] == 2
    assert rows_of(table)["dont_know"] == 1
    assert (table.base, table.not_answered, table.not_asked, table.respondents) == (3, 1, 0, 4)
    assert table.rows[0].percent == pytest.approx(200 / 3)
    assert sum(row.percent for row in table.rows) == pytest.approx(100)
    assert table.notes == ["Base: 3 who answered; 1 did not."]


def test_only_submitted_responses_count_whatever_their_channel(survey):
    respond(survey, {"vision": choice("tend_to_agree")}, channel="paper")
    respond(survey, {"vision": choice("tend_to_agree")}, channel="phone")
    respond(survey, {"vision": choice("strongly_disagree")}, state="in_progress")
    table = frequency_table(load_dataset(survey), "vision")
    assert table.base == 2
    assert rows_of(table)["strongly_disagree"] == 0


def test_agree_scale_summary_keeps_dont_know_in_the_base(survey):
    for value in ["strongly_agree", "tend_to_agree", "neither", "tend_to_disagree", "dont_know", "strongly_agree"]:
        respond(survey, {"vision": choice(value)})
    summary = frequency_table(load_dataset(survey), "vision").summary
    assert (summary.positive, summary.negative, summary.neutral, summary.dont_know, summary.base) == (3, 1, 1, 1, 6)
    assert summary.percent_positive == pytest.approx(50)
    assert summary.percent_negative == pytest.approx(100 / 6)
    assert summary.net == pytest.approx(50 - 100 / 6)
    total = summary.percent_positive + summary.percent_negative + summary.percent_neutral + summary.percent_dont_know
    assert total == pytest.approx(100)
    assert "Don't know" in summary.note
    assert summary.positive_label == "Agree (strongly or tend to)"


def test_importance_scale_summary(survey):
    for value in ["very_important", "fairly_important", "not_very_important", "not_at_all_important"]:
        respond(survey, {"clean_green": choice(value)})
    summary = frequency_table(load_dataset(survey), "clean_green").summary
    assert (summary.positive, summary.negative, summary.neutral) == (2, 2, None)
    assert summary.net == pytest.approx(0)
    assert summary.positive_label == "Important (very or fairly)"


def test_a_plain_choice_question_has_no_scale_summary(survey):
    respond(survey, {"read_plan": choice("no")})
    assert frequency_table(load_dataset(survey), "read_plan").summary is None


def test_multiple_choice_is_a_percentage_of_respondents_and_says_totals_exceed_100(survey):
    respond(survey, {"heard": {"choices": ["council_website", "social_media"], "other": ""}})
    respond(survey, {"heard": {"choices": ["council_website"], "other": ""}})
    respond(survey, {"vision": choice("neither")})
    table = multiple_choice_table(load_dataset(survey), "heard")
    assert rows_of(table) == {"council_website": 2, "social_media": 1, "local_newspaper": 0, "word_of_mouth": 0}
    assert (table.base, table.not_answered, table.choices) == (2, 1, 3)
    assert table.rows[0].percent == pytest.approx(100)
    assert table.rows[1].percent == pytest.approx(50)
    assert any("more than 100%" in note for note in table.notes)


def test_number_summary_quartiles_interpolate_linearly(survey):
    for years in [1, 2, 3, 4, 10]:
        respond(survey, {"years": {"number": years}})
    respond(survey, {"years": {"number": 2.5}})
    summary = number_summary(load_dataset(survey), "years")
    # Sorted: 1, 2, 2.5, 3, 4, 10. Method 7: position (n - 1) × p.
    assert summary.n == 6
    assert summary.mean == pytest.approx(22.5 / 6)
    assert summary.median == pytest.approx(2.75)
    assert summary.q1 == pytest.approx(2.125)  # 2 + 0.25 × (2.5 - 2)
    assert summary.q3 == pytest.approx(3.75)  # 3 + 0.75 × (4 - 3)
    assert (summary.minimum, summary.maximum) == (1, 10)


def test_ranking_mean_rank_counts_only_those_who_ranked_the_item(survey):
    respond(survey, {"order": {"ranking": ["economy", "safe_well", "communities"]}})
    respond(survey, {"order": {"ranking": ["safe_well", "economy"]}})
    respond(survey, {"order": {"ranking": ["safe_well"]}})
    summary = ranking_summary(load_dataset(survey), "order")
    items = {item.value: item for item in summary.items}
    assert items["economy"].mean_rank == pytest.approx(1.5)
    assert items["safe_well"].mean_rank == pytest.approx(4 / 3)
    assert items["communities"].mean_rank == pytest.approx(3)
    assert (items["safe_well"].first, items["economy"].first, items["communities"].ranked) == (2, 1, 1)
    assert items["safe_well"].percent_first == pytest.approx(200 / 3)
    assert summary.base == 3


def test_grid_gives_each_statement_its_own_base_and_summary(survey):
    respond(survey, {"aims": {"rows": {"cohesion": "very_important", "volunteering": "not_very_important"}}})
    respond(survey, {"aims": {"rows": {"cohesion": "fairly_important"}}})
    table = grid_table(load_dataset(survey), "aims")
    cohesion, volunteering = table.statements
    assert cohesion.title == "How important are these aims?: Increase community cohesion"
    assert (cohesion.base, volunteering.base, volunteering.not_answered) == (2, 1, 1)
    assert cohesion.summary.percent_positive == pytest.approx(100)
    assert volunteering.summary.percent_negative == pytest.approx(100)


def test_location_counts_places_and_postcodes(survey):
    respond(survey, {"place": {"place": "melton"}})
    respond(survey, {"place": {"postcode": "LE11 3AB"}})
    respond(survey, {"place": {"postcode": "LE13 0UL"}})
    table = frequency_table(load_dataset(survey), "place")
    assert rows_of(table) == {"loughborough": 0, "melton": 1, "postcode": 2}


def test_question_result_picks_the_table_for_each_kind(survey):
    respond(survey, {"vision": choice("neither")})
    dataset = load_dataset(survey)
    kinds = {spec.code: type(question_result(dataset, spec.code)).__name__ for spec in dataset.questions}
    assert kinds["vision"] == "FrequencyTable"
    assert kinds["heard"] == "MultipleChoiceTable"
    assert kinds["aims"] == "GridTable"
    assert kinds["years"] == "NumberSummary"
    assert kinds["order"] == "RankingSummary"
    assert "why" not in kinds  # free text is not a closed question


# -- Edge cases ------------------------------------------------------------------------------


def test_no_responses_gives_empty_tables_not_errors(survey):
    dataset = load_dataset(survey)
    analysis = analyse(dataset, breakdowns=[("vision", "age"), ("heard", "sex"), ("years", "area"), ("aims", "channel")])
    assert analysis.respondents == 0
    vision = frequency_table(dataset, "vision")
    assert vision.base == 0 and all(row.count == 0 and row.percent is None for row in vision.rows)
    assert vision.summary.net is None and vision.summary.percent_positive is None
    assert number_summary(dataset, "years").mean is None
    assert all(item.mean_rank is None for item in ranking_summary(dataset, "order").items)
    table = crosstab(dataset, "vision", "age")
    assert table.base == 0 and table.chi_square is None and not table.marked()
    assert all(row.percent is None for row in profile_table(dataset, "age").rows)


def test_one_response(survey):
    respond(survey, {"vision": choice("tend_to_agree"), "years": {"number": 12}, "age": choice("45_to_54")})
    dataset = load_dataset(survey)
    assert frequency_table(dataset, "vision").summary.percent_positive == 100
    summary = number_summary(dataset, "years")
    assert (summary.mean, summary.median, summary.q1, summary.q3) == (12, 12, 12, 12)
    table = crosstab(dataset, "vision", "age")
    assert table.base == 1 and not table.marked()
    assert table.chi_square is None


def test_everyone_preferring_not_to_say(survey):
    for _ in range(40):
        respond(survey, {"sex": choice("prefer_not_to_say"), "vision": choice("strongly_agree")})
    dataset = load_dataset(survey)
    population = Population("sex", "Leicestershire", "Census 2021", [("female", "Female", 50), ("male", "Male", 50)])
    profile = profile_table(dataset, "sex", population)
    assert profile.compared_base == 0
    assert all(row.percent_of_compared is None and row.difference is None for row in profile.rows if row.compared)
    assert {row.value: row.count for row in profile.rows}["prefer_not_to_say"] == 40
    table = crosstab(dataset, "vision", "sex")
    assert not any(group.tested for group in table.groups)
    assert not table.marked()


def test_a_question_nobody_was_routed_to(survey):
    for _ in range(3):
        respond(survey, {"vision": choice("strongly_agree")})
    respond(survey, {"read_plan": choice("no")})
    table = frequency_table(load_dataset(survey), "concern")
    assert (table.base, table.not_answered, table.not_asked) == (0, 4, 4)
    assert all(row.percent is None for row in table.rows)
    assert table.notes == ["Base: 0 who answered; 4 did not (4 of them were not asked this question)."]


def test_routing_tells_not_asked_from_left_blank(survey):
    respond(survey, {"vision": choice("strongly_disagree"), "concern": choice("housing")})
    respond(survey, {"vision": choice("tend_to_disagree")})  # asked, left it blank
    respond(survey, {"vision": choice("strongly_agree")})  # never asked
    table = frequency_table(load_dataset(survey), "concern")
    assert (table.base, table.not_answered, table.not_asked) == (1, 2, 1)


def test_describe_base_says_who_did_not_answer():
    assert describe_base(259, 12, 5) == "Base: 259 who answered; 12 did not (5 of them were not asked this question)."
    assert describe_base(10, 1, 1) == "Base: 10 who answered; 1 did not (1 of them was not asked this question)."
    assert describe_base(1_234, 0) == "Base: 1,234 who answered."


# -- Respondent profile ----------------------------------------------------------------------


def test_profile_rows_are_shares_of_all_respondents_with_no_information(survey):
    respond(survey, {"age": choice("25_to_34")})
    respond(survey, {"age": choice("prefer_not_to_say")})
    respond(survey, {"vision": choice("neither")})
    respond(survey, {"age": choice("25_to_34")})
    table = profile_table(load_dataset(survey), "age")
    counts = {row.label: row.count for row in table.rows}
    assert counts["25 to 34"] == 2 and counts["Prefer not to say"] == 1 and counts[NO_INFORMATION] == 1
    assert table.rows[-1].label == NO_INFORMATION
    assert sum(row.percent for row in table.rows) == pytest.approx(100)
    assert {row.label: row.percent for row in table.rows}["25 to 34"] == pytest.approx(50)


def test_profile_compares_with_the_population_over_its_groups_only(survey):
    table = PopulationTable.objects.create(profile="area", title="Leicestershire's districts", source="Census 2021")
    PopulationGroup.objects.create(table=table, value="blaby", label="Blaby", count=300, position=1)
    PopulationGroup.objects.create(table=table, value="charnwood", label="Charnwood", count=700, position=2)
    PopulationGroup.objects.create(table=table, value="rutland", label="Rutland", count=999, position=3)
    for area, n in [("blaby", 1), ("charnwood", 3), ("somewhere_else", 2), ("prefer_not_to_say", 2)]:
        for _ in range(n):
            respond(survey, {"area": choice(area)})
    profile = profile_table(load_dataset(survey), "area", load_populations()["area"])
    rows = {row.value: row for row in profile.rows}
    assert profile.compared_base == 4
    assert profile.population_total == 1000  # Rutland matches no answer, so it is left out
    assert rows["blaby"].percent_of_compared == pytest.approx(25)
    assert rows["blaby"].population_percent == pytest.approx(30)
    assert rows["blaby"].difference == pytest.approx(-5)
    assert rows["charnwood"].difference == pytest.approx(5)
    assert rows["somewhere_else"].compared is False and rows["somewhere_else"].difference is None
    assert rows["blaby"].percent == pytest.approx(100 / 8)  # of all respondents, as the seed reports show
    assert any("Rutland" in note for note in profile.notes)


def test_profile_by_channel_and_respondent_kind(survey):
    respond(survey, {}, channel="paper")
    respond(survey, {}, channel="online", respondent_kind="organisation", organisation_name="Melton Borough Council")
    channel = profile_table(load_dataset(survey), "channel")
    assert {row.value: row.count for row in channel.rows} == {"online": 1, "paper": 1, "email": 0, "phone": 0, "import": 0}
    kinds = profile_table(load_dataset(survey), "respondent_kind")
    assert {row.value: row.count for row in kinds.rows} == {"individual": 1, "organisation": 1}


# -- Sub-groups ------------------------------------------------------------------------------


def test_crosstab_counts_column_percentages_and_no_information_column(survey):
    respond(survey, {"vision": choice("strongly_agree"), "sex": choice("female")})
    respond(survey, {"vision": choice("strongly_disagree"), "sex": choice("female")})
    respond(survey, {"vision": choice("strongly_agree"), "sex": choice("male")})
    respond(survey, {"vision": choice("neither")})
    respond(survey, {"sex": choice("male")})  # did not answer the question: in no column
    table = crosstab(load_dataset(survey), "vision", "sex")
    assert [group.label for group in table.groups] == ["Female", "Male", "Prefer not to say", NO_INFORMATION]
    assert [group.base for group in table.groups] == [2, 1, 0, 1]
    assert table.base == 4
    agree = next(row for row in table.rows if row.value == "strongly_agree")
    assert [cell.count for cell in agree.cells] == [1, 1, 0, 0]
    assert [cell.percent for cell in agree.cells] == [50, 100, None, 0]
    assert (agree.total, agree.total_percent) == (2, 50)
    derived = [row for row in table.rows if row.derived]
    assert [row.label for row in derived] == ["Agree (strongly or tend to)", "Disagree (tend to or strongly)"]
    assert [cell.count for cell in derived[0].cells] == [1, 1, 0, 0]


def test_crosstab_of_a_multiple_choice_question(survey):
    respond(survey, {"heard": {"choices": ["council_website", "social_media"], "other": ""}, "sex": choice("female")})
    respond(survey, {"heard": {"choices": ["social_media"], "other": ""}, "sex": choice("male")})
    table = crosstab(load_dataset(survey), "heard", "sex")
    assert table.multiple and table.chi_square is None
    social = next(row for row in table.rows if row.value == "social_media")
    assert [cell.percent for cell in social.cells[:2]] == [100, 100]
    assert any("more than 100%" in note for note in table.notes)


def test_breakdown_of_a_grid_is_a_table_per_statement_and_of_a_number_a_summary_per_group(survey):
    respond(survey, {"aims": {"rows": {"cohesion": "very_important"}}, "years": {"number": 4}, "sex": choice("female")})
    respond(survey, {"years": {"number": 8}, "sex": choice("female")})
    respond(survey, {"years": {"number": 30}, "sex": choice("male")})
    dataset = load_dataset(survey)
    assert [table.statement for table in breakdown(dataset, "aims", "sex")] == ["cohesion", "volunteering"]
    (years,) = breakdown(dataset, "years", "sex")
    means = {group.value: summary.mean for group, summary in zip(years.groups, years.summaries)}
    assert means["female"] == 6 and means["male"] == 30 and means["prefer_not_to_say"] is None


def test_grouping_by_a_question_with_several_answers_each_is_refused_with_a_reason(survey):
    dataset = load_dataset(survey)
    with pytest.raises(ValueError, match="one answer each"):
        crosstab(dataset, "vision", "heard")
    with pytest.raises(KeyError, match="no closed question coded “nonsense”"):
        crosstab(dataset, "nonsense", "age")
    with pytest.raises(ValueError, match="use `breakdown`"):
        crosstab(dataset, "years", "age")


# -- Everything, and stakeholders ------------------------------------------------------------


def test_analyse_questionnaire_makes_every_table_and_a_published_copy(survey):
    for n in range(12):
        answers = {"vision": choice("dont_know" if n % 3 == 0 else "strongly_agree"), "age": choice("25_to_34")}
        if n < 5:
            answers["why"] = {"text": "More buses, please."}
        respond(survey, answers)
    analysis = analyse_questionnaire(survey, breakdowns=[("vision", "age")])
    assert analysis.respondents == 12
    assert [result.question for result in analysis.questions][:3] == ["vision", "clean_green", "read_plan"]
    assert [table.profile for table in analysis.profile][:4] == ["channel", "respondent_kind", "respondent_type", "area"]
    assert analysis.open_answer_counts["why"] == 5
    assert len(analysis.breakdowns) == 1
    assert rows_of(analysis.questions[0])["dont_know"] == 4

    published = analyse_questionnaire(survey, breakdowns=[("vision", "age")], threshold=5)
    vision = {row.value: row for row in published.questions[0].rows}
    assert vision["dont_know"].suppressed and vision["dont_know"].count is None
    # 4 withheld, and 8 too: otherwise 12 − 8 would give the 4 away.
    assert vision["strongly_agree"].suppressed
    assert published.questions[0].base == 12
    assert published.threshold == 5


def test_analyse_until_a_moment_counts_only_what_was_submitted_by_then(survey):
    early = respond(survey, {"vision": choice("strongly_agree")})
    Response.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=2))
    respond(survey, {"vision": choice("strongly_disagree")})
    cut_off = timezone.now() - datetime.timedelta(days=1)
    assert frequency_table(load_dataset(survey, until=cut_off), "vision").base == 1
    assert analyse_questionnaire(survey, until=cut_off).respondents == 1


def test_stakeholders_targeted_responded_and_every_organisation_listed(survey):
    consultation = survey.consultation
    board = Stakeholder.objects.create(consultation=consultation, name="Health and Wellbeing Board")
    challenge = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Equality Challenge Group")
    Stakeholder.objects.create(consultation=consultation, name="Children and Families Partnership Board")
    Stakeholder.objects.create(
        consultation=consultation, name="Educational Excellence Partnership Strategic Board",
        responded_other_way_on=datetime.date(2022, 1, 20),
    )  # fmt: skip
    respond(survey, {}, stakeholder=board, respondent_kind="organisation", organisation_name="HWB")
    respond(survey, {}, stakeholder=challenge, respondent_kind="organisation", publication="no")
    respond(survey, {}, stakeholder=challenge, state="in_progress")
    respond(survey, {}, respondent_kind="organisation", organisation_name="  Melton  Borough Council ")
    respond(survey, {}, respondent_kind="organisation", organisation_name="melton borough council")
    respond(survey, {}, respondent_kind="organisation", organisation_name="")
    respond(survey, {}, respondent_name="A resident")
    summary = stakeholder_summary(survey)
    assert (summary.targeted, summary.responded) == (4, 3)
    assert summary.not_responded == ["Children and Families Partnership Board"]
    organisations = {o.name: o for o in summary.organisations}
    assert list(organisations) == [
        "Educational Excellence Partnership Strategic Board", "Health and Wellbeing Board",
        "Leicestershire Equality Challenge Group", "Melton Borough Council",
    ]  # fmt: skip
    assert organisations["Melton Borough Council"].responses == 2
    assert organisations["Melton Borough Council"].stakeholder is False
    assert organisations["Leicestershire Equality Challenge Group"].may_publish is False
    assert organisations["Educational Excellence Partnership Strategic Board"].responses == 0
    assert summary.unnamed_organisation_responses == 1
