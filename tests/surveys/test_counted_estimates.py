"""On PostgreSQL, which responses are counted must not hide from the planner how many there are.

Tested through the join to the import batches, "its batch was not undone" was a test of a
column of a table nearly always empty, which PostgreSQL takes to keep one row in two hundred:
it planned 200,000 counted responses as a thousand and looked up each one's answers by index,
taking seven seconds over a count of the open answers that takes a tenth of one.
"""

import json

import pytest
from django.db import connection
from django.utils import timezone

from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response, on_counted_responses
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

RESPONSES = 2_000


@pytest.fixture
def question():
    if connection.vendor != "postgresql":
        pytest.skip("the planner's estimates are PostgreSQL's: run with DATABASE_URL naming a PostgreSQL database")
    questionnaire = Questionnaire.objects.create(consultation=make_consultation(title="Budget consultation 2024/25"))
    question = add_question(add_page(questionnaire, "Council tax"), "long_text", "Why?", code="why")
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=now) for _ in range(RESPONSES)
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value={"text": "Keep the libraries open."}) for response in responses
    )
    with connection.cursor() as cursor:
        for table in ("surveys_response", "surveys_answer", "surveys_importbatch"):
            cursor.execute(f"ANALYZE {table}")  # inside the test's transaction: its rows are seen
    return question


def estimated_rows(queryset):
    return json.loads(queryset.explain(format="json"))[0]["Plan"]["Plan Rows"]


def test_the_counted_responses_are_expected_to_be_about_as_many_as_there_are(question):
    counted = Response.objects.counted().filter(questionnaire=question.page.questionnaire_id)
    assert counted.count() == RESPONSES
    assert estimated_rows(counted) >= RESPONSES / 2


def test_the_answers_on_counted_responses_are_expected_to_be_about_as_many_as_there_are(question):
    answers = Answer.objects.filter(on_counted_responses("response__"), question=question)
    assert answers.count() == RESPONSES
    assert estimated_rows(answers) >= RESPONSES / 2
