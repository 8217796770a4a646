"""bench/scale.py's data builder (bench/scale_data.py): the rows it writes with PostgreSQL's
COPY are the responses and answers the analysis then counts, so the benchmark can't go on
measuring data the application no longer reads."""

import pytest
from django.db import connection

from bench.scale_data import OPEN_QUESTIONS, build_scale_questionnaire, copy_responses
from haveyoursay.analysis.dataset import CHOICE_KINDS, load_dataset
from haveyoursay.surveys.models import Answer, Response

pytestmark = pytest.mark.django_db


def test_the_rows_copy_writes_are_the_responses_and_answers_the_analysis_counts():
    questionnaire = build_scale_questionnaire("strategic-plan-scale-test")
    if connection.vendor != "postgresql":
        with pytest.raises(RuntimeError, match="PostgreSQL's COPY"):
            copy_responses(questionnaire, 10)
        assert not Response.objects.filter(questionnaire=questionnaire).exists()
        return

    written = copy_responses(questionnaire, 400)

    counted = Response.objects.counted().filter(questionnaire=questionnaire)
    assert counted.count() == 400 == written["respondents"]
    assert Answer.objects.filter(response__questionnaire=questionnaire).count() == written["answers"]
    dataset = load_dataset(questionnaire)
    assert dataset.respondents == 400 == dataset.compact_rows  # read from the copies filled in after the COPY
    open_codes = {"why", *(code for code, _ in OPEN_QUESTIONS)}
    assert set(dataset.open_answer_counts) == open_codes
    for code, rows in written["per_question"].items():
        if code in open_codes:
            assert dataset.open_answer_counts[code] == rows, code
        else:
            assert int(dataset.answered[code].sum()) == rows, code
    # Every closed question answered by everyone, but the follow-up routing asks only some.
    assert sorted(code for code, rows in written["per_question"].items() if rows < 400) == sorted(
        [*open_codes, "disability_impact"]
    )
    asked = dataset.asked["disability_impact"]
    assert asked.sum() == written["per_question"]["disability_impact"]
    assert dataset.answered["disability_impact"][~asked].sum() == 0
    # Each choice is one of the question's own options: an unknown value would add a category.
    for question in questionnaire.ordered_questions().filter(kind__in=CHOICE_KINDS).prefetch_related("options"):
        options = [option.value for option in question.options.all()]
        assert list(dataset.frame[question.code].cat.categories) == options, question.code
    assert dataset.frame["vision"].value_counts()["dont_know"] > 0
