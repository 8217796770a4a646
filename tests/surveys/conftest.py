import pytest

from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire
from tests.factories import make_consultation


@pytest.fixture
def questionnaire(db):
    """The Carers Strategy's questions, as the seed describes them, on an open consultation."""
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy",
    )
    questionnaire = Questionnaire.objects.create(
        consultation=consultation, privacy_notice="Your responses will be stored in line with the Data Protection Act 2018."
    )
    vision = add_page(questionnaire, "The vision")
    add_question(
        vision, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision", required=True
    )
    add_question(vision, "long_text", "Why do you say this?", code="why_vision", max_length=500)
    priorities = add_page(questionnaire, "Our priorities")
    add_question(
        priorities, "grid", "How important are these priorities to you?", code="priorities",
        settings={"statements": [
            {"value": "identification", "label": "Carer identification"},
            {"value": "valued", "label": "Carers are valued and involved"},
            {"value": "young_carers", "label": "Supporting Young Carers"},
        ]},
        options=[("very_important", "Very important"), ("fairly_important", "Fairly important"),
                 ("not_very_important", "Not very important"), ("not_at_all_important", "Not at all important")],
    )
    disagree = add_page(
        questionnaire, "Your concerns", condition={"question": "vision", "values": ["tend_to_disagree", "strongly_disagree"]}
    )
    add_question(disagree, "long_text", "What would you change about the vision?", code="change_vision")
    extra = add_page(questionnaire, "Anything else")
    add_question(extra, "multiple", "How do you find out about support for carers?", code="find_out",
                 options=["GP surgery", "Council website", "Friends and family", "Other"], other=["Other"])
    add_question(extra, "long_text", "Is there anything else we should consider?", code="anything_else")
    return questionnaire


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(client.post, url, data): the request, then the work it queued, as a commit would."""

    def request(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return request
