import pytest
from django.utils import timezone

from haveyoursay.decisions.demo import body, decide, item, meeting
from haveyoursay.decisions.models import Decision, Organization
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation

OUTCOMES = "To what extent do you agree or disagree with the outcomes?"
ECONOMY = "To what extent do you agree or disagree with the ‘Strong economy, transport and infrastructure’ outcome?"


@pytest.fixture
def cabinet_decision(db):
    """The Cabinet's decision of 29 March 2022 on the Strategic Plan, as the seeds record it."""
    council = body("Leicestershire County Council", Organization.Classification.COUNCIL)
    cabinet = body("Cabinet", Organization.Classification.EXECUTIVE, council)
    approval = item(meeting(cabinet, (2022, 3, 29)), 1, "Strategic Plan (2022-26)")
    decide(
        approval, Decision.Outcome.APPROVED,
        "The Cabinet noted the outcome of the consultation including the comments and views of the Scrutiny "
        "Commission and approved the Strategic Plan.",
        is_key_decision=True,
    )  # fmt: skip
    return approval.decisions.get()


@pytest.fixture
def plan(db):
    """The closed Strategic Plan consultation with a questionnaire: 23 answered the outcomes
    question (12 agreeing strongly, 5 tending to, 6 strongly disagreeing)."""
    consultation = make_consultation(title="Leicestershire County Council Strategic Plan 2022-2026",
                                     slug="strategic-plan-2022-2026", status="closed")  # fmt: skip
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The outcomes")
    outcomes = add_question(page, "agree", OUTCOMES, code="outcomes")
    add_question(page, "agree", ECONOMY, code="economy")
    add_question(page, "long_text", "Why do you say this?", code="why")
    for choice in ["strongly_agree"] * 12 + ["tend_to_agree"] * 5 + ["strongly_disagree"] * 6:
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
        )
        Answer.objects.create(response=response, question=outcomes, value={"choice": choice, "other": ""})
    return consultation
