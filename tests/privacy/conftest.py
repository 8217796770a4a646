import datetime

import pytest

from haveyoursay.hub.models import today
from haveyoursay.surveys import submission
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire, Response
from tests.factories import make_consultation


@pytest.fixture
def carers(db):
    """The Carers Strategy's questions on a consultation that closed 25 months ago."""
    closed = today() - datetime.timedelta(days=25 * 31)
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", opens_on=closed - datetime.timedelta(days=60), closes_on=closed,
    )
    questionnaire = Questionnaire.objects.create(
        consultation=consultation,
        privacy_notice="Your responses will be stored in line with the Data Protection Act 2018.",
    )
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why_vision")
    add_question(page, "multiple", "How do you find out about support for carers?", code="find_out",
                 options=["GP surgery", "Council website", "Other"], other=["Other"])
    return questionnaire


def send(questionnaire, *, why="", other="", vision="tend_to_agree", channel=Response.Channel.PAPER, **fields):
    """A response keyed in from paper through the functions the site uses (the consultation has closed)."""
    if channel != Response.Channel.ONLINE:
        fields.setdefault("received_on", questionnaire.consultation.closes_on)
    response = Response.objects.create(questionnaire=questionnaire, channel=channel, **fields)
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    answers = {questions["vision"]: {"choice": vision, "other": ""}}
    if why:
        answers[questions["why_vision"]] = {"text": why}
    if other:
        answers[questions["find_out"]] = {"choices": ["other"], "other": other}
    submission.save_answers(response, answers)
    return submission.submit(response)
