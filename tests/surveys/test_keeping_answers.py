"""What a resident typed on a page is kept even when part of it can't be: "Save and come back
later" always saves and gives a code, saying which answer it could not keep and why; a page
that fails "Continue" keeps its valid answers for when the resident comes back to it; and a
code or link brings the resident back where they stopped, not to the first section."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from haveyoursay.surveys import submission
from haveyoursay.surveys.models import Answer, Response

pytestmark = pytest.mark.django_db

SLUG = "carers-strategy"
OTHER_WITHOUT_WORDS = {"q_find_out": ["gp_surgery", "other"], "q_find_out__other": ""}


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


def answers():
    return {a.question.code: a.value for a in Answer.objects.select_related("question")}


@pytest.fixture
def responding(client, questionnaire):
    client.post(url("start"))
    return client


def code_on(page):
    return re.search(r'hys-code">([A-Z0-9-]+)<', page.content.decode()).group(1)


class TestSaveAndComeBackLaterAlwaysSaves:
    def test_an_unfinished_other_answer_does_not_stop_the_rest_being_saved(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        responding.post(url("page", 2), {"continue": ""})
        saved = responding.post(
            url("page", 3), {**OTHER_WITHOUT_WORDS, "q_anything_else": "More respite care, please.", "save": ""}
        )
        assert saved.status_code == 302 and saved["Location"] == url("saved")
        assert answers()["anything_else"] == {"text": "More respite care, please."}
        assert "find_out" not in answers()

    def test_the_saved_page_says_which_answer_was_not_saved_and_why_and_still_gives_a_code(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        responding.post(url("page", 3), {**OTHER_WITHOUT_WORDS, "q_anything_else": "Respite.", "save": ""})
        page = responding.get(url("saved"))
        html = page.content.decode()
        assert "Your answers are saved" in html and code_on(page)
        assert "We could not save one of your answers" in html
        assert "<li>‘How do you find out about support for carers?’: Tell us what your other answer is</li>" in html
        assert "The rest of your answers are saved. You can answer it when you come back." in html
        # Said once: a second visit, or the page shown again, no longer claims it.
        assert "We could not save" not in responding.get(url("saved")).content.decode()

    def test_saving_with_nothing_wrong_says_nothing_was_left_out(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "save": ""})
        assert "We could not save" not in responding.get(url("saved")).content.decode()


class TestAPageThatFailsContinueKeepsItsValidAnswers:
    def test_valid_answers_are_saved_and_shown_again_when_the_resident_comes_back(self, responding):
        page = responding.post(url("page", 1), {"q_why_vision": "My words stay here.", "continue": ""})
        assert page.status_code == 200 and "There is a problem" in page.content.decode()
        assert answers() == {"why_vision": {"text": "My words stay here."}}
        assert "My words stay here." in responding.get(url("page", 1)).content.decode()

    def test_an_other_answer_without_its_words_keeps_the_rest_of_the_page(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        page = responding.post(url("page", 3), {**OTHER_WITHOUT_WORDS, "q_anything_else": "Respite.", "continue": ""})
        assert page.status_code == 200 and "Tell us what your other answer is" in page.content.decode()
        assert answers()["anything_else"] == {"text": "Respite."}
        assert "Respite." in responding.get(url("page", 3)).content.decode()

    def test_it_does_not_move_on_and_sending_still_needs_every_required_answer(self, responding):
        page = responding.post(url("page", 1), {"q_why_vision": "Half.", "continue": ""})
        assert page.status_code == 200
        responding.post(url("page", 2), {"continue": ""})
        sent = responding.post(url("declaration"), {
            "respondent_kind": "individual", "publication": "anonymous", "contact_about_outcome": "no",
        })
        assert sent["Location"] == url("check")
        assert not Response.objects.get().is_submitted


class TestComingBackWhereTheResidentStopped:
    def resume(self, code):
        return Client().post(url("resume"), {"code": code})

    def test_a_code_leads_back_to_the_section_with_an_answer_still_to_give(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "q_why_vision": "Yes.", "continue": ""})
        responding.post(url("page", 2), {"q_priorities__valued": "very_important", "continue": ""})
        responding.post(url("page", 3), {**OTHER_WITHOUT_WORDS, "q_anything_else": "Respite.", "save": ""})
        assert self.resume(code_on(responding.get(url("saved"))))["Location"] == url("page", 3)

    def test_a_section_saved_with_every_answer_given_leads_on_to_the_next(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "q_why_vision": "Yes.", "save": ""})
        assert self.resume(code_on(responding.get(url("saved"))))["Location"] == url("page", 2)

    def test_a_required_answer_left_in_an_earlier_section_is_where_it_starts(self, responding):
        responding.post(url("page", 1), {"q_why_vision": "Not sure yet.", "save": ""})
        responding.post(url("page", 2), {"q_priorities__valued": "very_important", "save": ""})
        assert self.resume(code_on(responding.get(url("saved"))))["Location"] == url("page", 1)

    def test_an_emailed_link_and_carrying_on_now_lead_there_too(self, responding, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        from django.core import mail

        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "q_why_vision": "Yes.", "save": ""})
        assert f'href="{url("page", 2)}">Carry on answering now' in responding.get(url("saved")).content.decode()
        response = Response.objects.get()
        token = submission.new_resume_link_token(response)
        assert Client().get(reverse("surveys:resume_link", args=[token]))["Location"] == url("page", 2)
        assert not mail.outbox

    def test_nothing_answered_yet_starts_at_the_first_section(self, responding):
        responding.post(url("page", 1), {"save": ""})
        assert self.resume(code_on(responding.get(url("saved"))))["Location"] == url("page", 1)


class TestPleaseSpecifyUnderOther:
    def test_the_box_is_shown_under_the_other_answer_and_only_there(self, responding):
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        html = responding.get(url("page", 3)).content.decode()
        other = re.search(r'<input[^>]* value="other"[^>]*data-aria-controls="([^"]+)"', html)
        assert other
        revealed = html[html.index(f'id="{other.group(1)}"') :]
        assert 'name="q_find_out__other"' in revealed[: revealed.index("</fieldset>")]
        assert html.count('name="q_find_out__other"') == 1
        assert "govuk-checkboxes__conditional--hidden" in html

    def test_words_left_in_it_without_other_chosen_are_not_kept_nor_an_error(self, responding):
        # Hidden once "Other" is unticked (with JavaScript): not the resident's answer, even if too long.
        responding.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        page = responding.post(
            url("page", 3), {"q_find_out": ["gp_surgery"], "q_find_out__other": "x" * 600, "continue": ""}
        )
        assert page.status_code == 302
        assert answers()["find_out"] == {"choices": ["gp_surgery"], "other": ""}
