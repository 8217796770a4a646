"""The demo's population table: Leicestershire's districts from Census 2021, keyed as the
area question stores them, loaded once, and showing the districts the synthetic respondents
under-represent."""

from collections import Counter

import pytest
from django.utils import timezone

from haveyoursay.analysis import census_2021
from haveyoursay.analysis.demo import load_demo_population_tables
from haveyoursay.analysis.models import PopulationGroup, PopulationTable
from haveyoursay.hub.demo import load_demo
from haveyoursay.surveys.demo import CARERS_SLUG, load_demo_questionnaires
from haveyoursay.surveys.demo_responses import COUNTS, generate_responses
from haveyoursay.surveys.models import Question, Questionnaire

pytestmark = pytest.mark.django_db

DISTRICTS = {
    "blaby": 102_900,
    "charnwood": 183_900,
    "harborough": 97_600,
    "hinckley_and_bosworth": 113_600,
    "melton": 51_800,
    "north_west_leicestershire": 104_700,
    "oadby_and_wigston": 57_800,
}


def test_the_area_table_has_each_district_the_census_total_and_its_source():
    load_demo_population_tables()

    table = PopulationTable.objects.get(profile=Question.Profile.AREA)
    assert dict(table.groups.values_list("value", "count")) == DISTRICTS
    assert table.total == 712_300 == census_2021.LEICESTERSHIRE_TOTAL
    assert "Office for National Statistics" in table.source
    assert "Census 2021" in table.source and "P01" in table.source and "28 June 2022" in table.source


def test_there_is_no_age_table_without_a_source_whose_bands_fit():
    load_demo_population_tables()

    assert not PopulationTable.objects.filter(profile=Question.Profile.AGE).exists()


def test_each_district_is_keyed_by_the_value_the_demo_area_question_stores():
    load_demo()
    load_demo_questionnaires()
    load_demo_population_tables()

    for questionnaire in Questionnaire.objects.all():
        area = questionnaire.ordered_questions().get(profile=Question.Profile.AREA)
        stored = set(area.options.values_list("value", flat=True))
        assert set(DISTRICTS) <= stored, questionnaire


def test_loading_twice_changes_nothing_and_a_changed_figure_is_put_right():
    assert load_demo_population_tables() == 1
    groups = list(PopulationGroup.objects.values_list("pk", "value", "count"))

    assert load_demo_population_tables() == 0
    assert list(PopulationGroup.objects.values_list("pk", "value", "count")) == groups

    PopulationGroup.objects.filter(value="melton").update(count=1)
    assert load_demo_population_tables() == 1
    assert PopulationGroup.objects.get(value="melton").count == 51_800
    assert PopulationTable.objects.count() == 1 and PopulationGroup.objects.count() == 7


def test_a_table_someone_else_loaded_for_the_same_profile_is_left_alone():
    theirs = PopulationTable.objects.create(profile=Question.Profile.AREA, title="Our own estimates", source="Our survey")
    PopulationGroup.objects.create(table=theirs, value="blaby", label="Blaby", count=5)

    assert load_demo_population_tables() == 0

    theirs.refresh_from_db()
    assert (theirs.title, theirs.source, theirs.total) == ("Our own estimates", "Our survey", 5)


def test_the_synthetic_respondents_under_represent_some_districts_against_the_census():
    load_demo()
    load_demo_questionnaires()
    load_demo_population_tables()
    questionnaire = Questionnaire.objects.get(consultation__slug=CARERS_SLUG)
    made = generate_responses(questionnaire, count=COUNTS[CARERS_SLUG], now=timezone.now())

    areas = Counter(answers["area"]["choice"] for _, answers in made if "area" in answers)
    in_districts = sum(areas[value] for value in DISTRICTS)
    population = PopulationTable.objects.get(profile=Question.Profile.AREA)
    gap = {
        group.value: areas[group.value] / in_districts - group.count / population.total
        for group in population.groups.all()
    }

    assert {value for value, difference in gap.items() if difference < -0.015} == {
        "charnwood", "north_west_leicestershire", "oadby_and_wigston"
    }
    assert {value for value, difference in gap.items() if difference > 0.015} == {"harborough", "melton"}
