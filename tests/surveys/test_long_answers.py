"""A long answer is never cut short: no box has a `maxlength` for the browser to cut it at;
the limit is said under the box (and counted down there, with JavaScript: see the browser
tests), and text over it comes back whole with the server's error."""

import re

import pytest
from django.urls import reverse

from haveyoursay.surveys.models import Answer

pytestmark = pytest.mark.django_db

SLUG = "carers-strategy"


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


@pytest.fixture
def responding(client, questionnaire):
    client.post(url("start"))
    return client


def test_no_box_on_a_page_has_a_maxlength_that_would_cut_an_answer_short(responding):
    for number in (1, 3):  # a textarea; a text box ("Please specify")
        html = responding.get(url("page", number)).content.decode()
        assert re.search(r"<(textarea|input) ", html)
        assert not re.search(r"<(textarea|input) [^>]*maxlength", html)


def test_a_long_answer_says_its_limit_under_the_box_and_is_a_govuk_character_count(responding):
    html = responding.get(url("page", 1)).content.decode()
    group = re.search(r'<div class="govuk-form-group govuk-character-count"[^>]*>', html).group(0)
    assert 'data-module="govuk-character-count"' in group and 'data-maxlength="500"' in group
    assert re.search(r'<textarea [^>]*class="govuk-textarea govuk-js-character-count"', html)
    assert re.search(r'<textarea [^>]*aria-describedby="id_q_why_vision-info"', html)
    assert (
        '<div id="id_q_why_vision-info" class="govuk-hint govuk-character-count__message">'
        "You can enter up to 500 characters</div>"
    ) in html


def test_the_limit_is_written_with_a_thousands_comma(client, db):
    from haveyoursay.surveys.building import add_page, add_question
    from haveyoursay.surveys.models import Questionnaire
    from tests.factories import make_consultation

    questionnaire = Questionnaire.objects.create(consultation=make_consultation(slug="long-answers"))
    add_question(add_page(questionnaire, "Your view"), "long_text", "Tell us more", code="more", max_length=2000)
    client.post(reverse("surveys:start", args=["long-answers"]))
    html = client.get(reverse("surveys:page", args=["long-answers", 1])).content.decode()
    assert "You can enter up to 2,000 characters" in html and 'data-maxlength="2000"' in html


def test_an_answer_over_the_limit_comes_back_whole_with_the_error_and_is_not_saved(responding):
    pasted = "A route along the canal towpath. " * 20  # 660 characters, over the 500
    page = responding.post(url("page", 1), {"q_vision": "tend_to_agree", "q_why_vision": pasted, "continue": ""})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your answer must be 500 characters or fewer" in html
    assert pasted.strip() in html
    assert not Answer.objects.filter(question__code="why_vision").exists()


def test_line_breaks_count_as_one_character_each_as_the_count_beside_the_box_counts_them(responding):
    lines = ["x" * 49] * 10  # 490 characters and 9 line breaks: 499 as the browser counts
    typed = "\r\n".join(lines)
    assert len(typed) > 500
    saved = responding.post(url("page", 1), {"q_vision": "tend_to_agree", "q_why_vision": typed, "continue": ""})
    assert saved.status_code == 302
    assert Answer.objects.get(question__code="why_vision").value == {"text": "\n".join(lines)}
