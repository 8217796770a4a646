"""Questions with the same words are told apart by what they follow, wherever they are named."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.analysis.dataset import question_specs
from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import EngagementReport
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.demo import build_carers
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

AFTER_VISION = "Why do you say this? (after ‘To what extent do you agree or disagree with the shared vision…’)"
AFTER_PRIORITIES = "Why do you say this? (after ‘How important is each priority to you?’)"


@pytest.fixture
def carers(db):
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", status="closed",
    )
    build_carers(consultation)
    return consultation


def questions_by_code(consultation):
    return {q.code: q for q in consultation.questionnaire.ordered_questions()}


def test_two_questions_with_the_same_words_say_what_each_follows(carers):
    questions = questions_by_code(carers)
    assert questions["vision_why"].distinct_text == AFTER_VISION
    assert questions["priorities_why"].distinct_text == AFTER_PRIORITIES
    # A question no other shares its words with is named by its words alone.
    assert questions["anything_else"].distinct_text == "Is there anything else you think we should consider?"


def test_questions_alike_in_what_they_follow_too_are_numbered():
    questionnaire = Questionnaire.objects.create(consultation=make_consultation(title="Cycling and walking"))
    for title in ("Route 1", "Route 2"):
        page = add_page(questionnaire, title)
        add_question(page, "agree", "Do you agree?", code=f"agree_{title[-1]}")
        add_question(page, "long_text", "Why do you say this?", code=f"why_{title[-1]}")
    why = {q.code: q for q in questionnaire.ordered_questions()}
    assert why["why_1"].distinct_text == "Why do you say this? (question 2, on the page ‘Route 1’)"
    assert why["why_2"].distinct_text == "Why do you say this? (question 4, on the page ‘Route 2’)"


def test_the_first_question_is_placed_by_its_page():
    questionnaire = Questionnaire.objects.create(consultation=make_consultation(title="Cycling and walking"))
    add_question(add_page(questionnaire, "Your views"), "long_text", "Any comments?", code="first")
    add_question(add_page(questionnaire, "Anything else"), "long_text", "Any  comments?", code="last")
    named = {q.code: q.distinct_text for q in questionnaire.ordered_questions()}
    assert named == {
        "first": "Any comments? (on the page ‘Your views’)",
        "last": "Any  comments? (after ‘Any comments?’)",
    }


def test_the_analysis_names_open_questions_apart_and_closed_ones_by_their_words(carers):
    closed, open_ = question_specs(carers.questionnaire)
    texts = {spec.code: spec.text for spec in open_}
    assert texts["vision_why"] == AFTER_VISION and texts["priorities_why"] == AFTER_PRIORITIES
    assert next(spec for spec in closed if spec.code == "vision").text.startswith("To what extent")


def test_the_report_names_each_open_question_apart(carers):
    questions = questions_by_code(carers)
    response = Response.objects.create(
        questionnaire=carers.questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
    )
    Answer.objects.create(response=response, question=questions["vision_why"], value={"text": "Carers need breaks"})
    generate_report_impl(carers.pk)
    html = EngagementReport.objects.get(consultation=carers, audience="staff").html
    assert "Why do you say this? (after ‘To what extent do you agree" in html
    assert "Why do you say this? (after ‘How important is each priority to you?’)" in html


def test_the_themes_pages_name_each_open_question_apart(carers, make_user):
    client = Client()
    client.force_login(make_user("ana", groups=["Analyst"], is_staff=True))
    listing = client.get(reverse("analysis_staff:theme_questions", args=[carers.pk])).content.decode()
    assert "Why do you say this? (after ‘To what extent do you agree" in listing
    assert "Why do you say this? (after ‘How important is each priority to you?’)" in listing
    for code in ("codeframe", "comments"):
        page = client.get(reverse(f"analysis_staff:{code}", args=[carers.pk, "priorities_why"])).content.decode()
        assert "<h1 class=\"govuk-heading-l\">Why do you say this? (after ‘How important is each priority" in page
