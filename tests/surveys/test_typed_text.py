"""What residents type: text that reorders itself on screen is taken apart, and an answer of
nothing but invisible characters is no answer."""

import pytest
from django.urls import reverse

from haveyoursay.govuk_forms import typed_text
from haveyoursay.surveys.building import add_question
from haveyoursay.surveys.models import Answer, Response

pytestmark = pytest.mark.django_db

SLUG = "carers-strategy"


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


@pytest.fixture
def started(client, questionnaire):
    add_question(
        questionnaire.pages.order_by("position").first(), "short_text", "Which carers' group do you belong to?",
        code="group", required=True,
    )
    client.post(url("start"))
    return Response.objects.get()


INVISIBLE = [
    "\u202e",  # right-to-left override
    "\u200b\u200b",  # zero-width spaces
    "\u2066\u200e\u2069 \u00a0",  # isolates, a mark and spaces
    "\ufeff\u2060\u00ad",  # byte order mark, word joiner, soft hyphen
    "\u3164\t\n",  # a Hangul filler and whitespace
]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_it_refuses_an_answer_made_only_of_invisible_characters(client, started, typed):
    page = client.post(url("page", 1), {"q_vision": "tend_to_agree", "q_group": typed, "continue": ""})
    assert page.status_code == 200
    assert "Enter your answer to “Which carers&#x27; group do you belong to?”" in page.content.decode()
    assert not Answer.objects.filter(question__code="group").exists()


def test_it_treats_an_optional_invisible_answer_as_blank(client, started):
    client.post(url("page", 1), {"q_vision": "tend_to_agree", "q_group": "Carers Hub", "q_why_vision": "\u200b\u202e",
                                 "continue": ""})
    assert not Answer.objects.filter(question__code="why_vision").exists()


def test_it_takes_direction_controls_out_of_stored_text(client, started):
    client.post(url("page", 1), {
        "q_vision": "tend_to_agree", "q_group": "Carers \u202eHub\u202c", "q_why_vision": "\u2067Ends\u2069 fine.",
        "continue": "",
    })
    stored = {a.question.code: a.value for a in Answer.objects.all()}
    assert stored["group"] == {"text": "Carers Hub"}
    assert stored["why_vision"] == {"text": "Ends fine."}


def test_it_keeps_joiners_inside_visible_text():
    # Emoji sequences and several scripts need the zero-width joiner and non-joiner.
    family = "Family \U0001f468\u200d\U0001f469\u200d\U0001f467"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert typed_text(family) == family
    assert typed_text(persian) == persian


def test_it_cleans_the_declaration_too(client, started):
    Answer.objects.all().delete()
    client.post(url("page", 1), {"q_vision": "tend_to_agree", "q_group": "Carers Hub", "continue": ""})
    client.post(url("page", 2), {"q_priorities__identification": "very_important", "continue": ""})
    page = client.post(url("declaration"), {
        "respondent_kind": "organisation", "organisation_name": "\u200b\u202e ", "publication": "anonymous",
        "contact_about_outcome": "no",
    })
    assert "Enter the name of the organisation you are responding for" in page.content.decode()
    client.post(url("declaration"), {
        "respondent_kind": "organisation", "organisation_name": "Carers \u202eTrust", "publication": "anonymous",
        "contact_about_outcome": "no",
    })
    started.refresh_from_db()
    assert started.is_submitted and started.organisation_name == "Carers Trust"


def test_it_takes_nul_out_of_whatever_is_sent():
    assert typed_text("Carers\x00 group") == "Carers group"
    assert typed_text(["\x00", "carers\x00"]) == ["", "carers"]


@pytest.mark.parametrize("field", ["topic", "area", "partner", "q", "status"])
def test_a_hub_filter_sent_with_nul_lists_consultations(client, field):
    # PostgreSQL refuses NUL in a query's text: before it was taken out, a filter by slug was a 500 there.
    response = client.get(reverse("hub:index"), {field: "\x00carers\x00"})
    assert response.status_code == 200
