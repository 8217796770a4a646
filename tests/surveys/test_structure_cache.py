"""Each process keeps a questionnaire's structure in memory; every change must reach it."""

import pytest
from django.db import transaction

from haveyoursay.surveys import submission
from haveyoursay.surveys.building import add_page, add_question, change_question, delete_question, move_page
from haveyoursay.surveys.models import Option, Questionnaire, Response

pytestmark = pytest.mark.django_db


def codes_seen(questionnaire):
    journey = submission.Journey(Response(questionnaire=questionnaire))
    return [[q.code for q in page.questions.all()] for page in journey.pages]


def test_a_second_journey_reads_no_structure_again(questionnaire, django_assert_num_queries):
    codes_seen(questionnaire)
    with django_assert_num_queries(1):  # only the token, to check the copy is current
        codes_seen(questionnaire)


def test_adding_a_question_is_seen_at_once(questionnaire):
    before = codes_seen(questionnaire)
    page = questionnaire.ordered_pages().first()
    add_question(page, "short_text", "Anything to add?", code="added")
    assert codes_seen(questionnaire) == [before[0] + ["added"], *before[1:]]


def test_changing_moving_and_deleting_are_seen(questionnaire):
    codes_seen(questionnaire)
    question = questionnaire.ordered_questions().get(code="why_vision")
    change_question(question, text="Tell us why")
    journey = submission.Journey(Response(questionnaire=questionnaire))
    assert [q.text for q in journey.pages[0].questions.all()][1] == "Tell us why"

    last = questionnaire.ordered_pages().last()
    move_page(last, -1)
    assert codes_seen(questionnaire)[-2] == [q.code for q in last.questions.all()]

    delete_question(questionnaire.ordered_questions().get(code="why_vision"))
    assert "why_vision" not in sum(codes_seen(questionnaire), [])


def test_an_option_changed_outside_the_builder_is_seen(questionnaire):
    codes_seen(questionnaire)
    option = Option.objects.get(question__code="find_out", value="gp_surgery")
    option.label = "My GP practice"
    option.save()
    journey = submission.Journey(Response(questionnaire=questionnaire))
    find_out = next(q for page in journey.pages for q in page.questions.all() if q.code == "find_out")
    assert "My GP practice" in [o.label for o in find_out.options.all()]


def test_a_change_rolled_back_never_leaves_its_structure_behind(questionnaire):
    token = Questionnaire.objects.get(pk=questionnaire.pk).structure_token
    with pytest.raises(RuntimeError), transaction.atomic():
        add_page(questionnaire, "Abandoned")
        add_question(questionnaire.ordered_pages().last(), "short_text", "Never kept", code="never_kept")
        codes_seen(questionnaire)  # cached inside the transaction that is about to fail
        raise RuntimeError
    assert Questionnaire.objects.get(pk=questionnaire.pk).structure_token == token
    add_page(questionnaire, "Kept")
    assert "never_kept" not in sum(codes_seen(questionnaire), [])


def test_a_page_form_is_built_once_and_rebuilt_when_a_question_changes(questionnaire):
    journey = submission.Journey(Response(questionnaire=questionnaire))
    page = journey.pages[0]
    first, second = journey.form_for(page), journey.form_for(page)
    name = first.field_names[page.questions.get(code="why_vision").pk][0]
    assert type(first) is type(second)
    # Each form has fields of its own: what one request does to them reaches no other.
    first.fields[name].label = "Changed in one request"
    assert second.fields[name].label != "Changed in one request"
    assert journey.form_for(page).fields[name].label != "Changed in one request"

    change_question(questionnaire.ordered_questions().get(code="why_vision"), text="Tell us why")
    journey = submission.Journey(Response(questionnaire=questionnaire))
    form = journey.form_for(journey.pages[0])
    assert type(form) is not type(first)
    assert form.fields[name].label.startswith("Tell us why")


def test_a_page_form_keeps_required_and_optional_apart(questionnaire):
    """Online, staff keying in and saving for later each get the rules of their own."""
    online = submission.Journey(Response(questionnaire=questionnaire))
    page = online.pages[0]
    required = [name for name, field in online.form_for(page).fields.items() if field.required]
    assert required
    assert not [name for name, field in online.form_for(page, saving_for_later=True).fields.items() if field.required]
    keyed_in = submission.Journey(Response(questionnaire=questionnaire, channel=Response.Channel.PAPER))
    assert not [name for name, field in keyed_in.form_for(page).fields.items() if field.required]
    assert [name for name, field in online.form_for(page).fields.items() if field.required] == required
