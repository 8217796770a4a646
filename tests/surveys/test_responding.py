import contextlib
import datetime
import re
import sqlite3
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse

from haveyoursay.surveys import submission, views
from haveyoursay.surveys.models import Answer, Questionnaire, Response

pytestmark = pytest.mark.django_db

SLUG = "carers-strategy"


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


def start(client):
    response = client.post(url("start"))
    assert response.status_code == 302 and response["Location"] == url("page", 1)
    return Response.objects.latest("pk")


def answer_everything(client, vision="tend_to_agree"):
    client.post(url("page", 1), {"q_vision": vision, "q_why_vision": "Carers need recognising.", "continue": ""})
    client.post(url("page", 2), {"q_priorities__identification": "very_important", "continue": ""})


DECLARATION = {
    "respondent_kind": "individual", "publication": "anonymous", "contact_about_outcome": "no",
}


class TestJourney:
    def test_start_answer_check_and_send(self, client, questionnaire):
        assert "Start now" in client.get(url("start")).content.decode()
        response = start(client)
        answer_everything(client)
        html = client.get(url("check")).content.decode()
        assert "Check your answers before sending your response" in html
        assert "Tend to agree" in html and "Carers need recognising." in html
        assert "Carer identification: Very important" in html
        sent = client.post(url("declaration"), DECLARATION)
        assert sent.status_code == 302 and sent["Location"] == url("confirmation")
        html = client.get(url("confirmation")).content.decode()
        response.refresh_from_db()
        assert response.is_submitted and response.submitted_at is not None
        assert response.reference in html and "Response sent" in html
        assert response.publication == "anonymous"

    def test_the_confirmation_gives_what_happens_next_as_the_consultations_page_says_it(self, client, questionnaire):
        # The council's words say "this page" of the consultation's page, not of the confirmation.
        consultation = questionnaire.consultation
        consultation.what_happens_next = "A summary of engagement will be available to view on this page."
        consultation.save()
        start(client)
        answer_everything(client)
        client.post(url("declaration"), DECLARATION)
        html = client.get(url("confirmation")).content.decode()
        said = html.index("A summary of engagement will be available to view on this page.")
        introduced = html.index(f'From the <a class="govuk-link" href="{consultation.get_absolute_url()}">consultation')
        assert introduced < said

    def test_optional_questions_say_so_and_required_ones_do_not(self, client, questionnaire):
        start(client)
        html = client.get(url("page", 1)).content.decode()
        assert "Why do you say this? (optional)" in html
        assert "proposed vision? (optional)" not in html

    def test_answers_are_kept_page_by_page(self, client, questionnaire):
        response = start(client)
        client.post(url("page", 1), {"q_vision": "strongly_agree", "continue": ""})
        assert Answer.objects.get(response=response).value == {"choice": "strongly_agree", "other": ""}
        # Coming back to the page shows what was saved.
        assert 'value="strongly_agree" checked' in client.get(url("page", 1)).content.decode()

    def test_saving_a_page_again_changes_each_answer_in_place_and_clears_a_blanked_one(self, client, questionnaire):
        response = start(client)
        client.post(url("page", 1), {"q_vision": "strongly_agree", "q_why_vision": "Ça va – “quoted”", "continue": ""})
        first = {a.question.code: a for a in Answer.objects.filter(response=response)}
        assert first["why_vision"].value == {"text": "Ça va – “quoted”"}
        client.post(url("page", 1), {"q_vision": "tend_to_disagree", "q_why_vision": "", "continue": ""})
        again = {a.question.code: a for a in Answer.objects.filter(response=response)}
        assert list(again) == ["vision"]
        assert again["vision"].pk == first["vision"].pk  # the same row, changed
        assert again["vision"].value == {"choice": "tend_to_disagree", "other": ""}
        assert again["vision"].updated_at > first["vision"].updated_at
        response.refresh_from_db()
        assert response.updated_at == again["vision"].updated_at

    def test_a_sent_response_is_not_changed_by_a_page_saved_from_another_tab(self, client, questionnaire):
        response = start(client)
        answer_everything(client)
        client.post(url("declaration"), DECLARATION)
        response.refresh_from_db()
        vision = questionnaire.ordered_questions().get(code="vision")
        submission.save_answers(response, {vision: {"choice": "strongly_disagree", "other": ""}})
        assert Answer.objects.get(response=response, question=vision).value == {"choice": "tend_to_agree", "other": ""}
        assert Response.objects.get(pk=response.pk).updated_at == response.updated_at

    def test_errors_keep_what_was_typed(self, client, questionnaire):
        start(client)
        page = client.post(url("page", 1), {"q_why_vision": "My words stay here.", "continue": ""})
        html = page.content.decode()
        assert page.status_code == 200
        assert "There is a problem" in html
        assert "Select an answer to “To what extent do you agree or disagree with the proposed vision?”" in html
        assert "My words stay here." in html
        # The valid answer is kept for when they come back (tests/surveys/test_keeping_answers.py).
        assert list(Answer.objects.values_list("question__code", flat=True)) == ["why_vision"]

    def test_a_forged_choice_is_refused_politely(self, client, questionnaire):
        start(client)
        page = client.post(url("page", 1), {"q_vision": "<script>", "continue": ""})
        assert page.status_code == 200 and "Select one of the answers shown" in page.content.decode()

    def test_routing_shows_the_concerns_page_only_to_those_who_disagree(self, client, questionnaire):
        start(client)
        answer_everything(client, vision="strongly_disagree")
        third = client.get(url("page", 3)).content.decode()
        assert "What would you change about the vision?" in third
        client.post(url("page", 3), {"q_change_vision": "Name young carers first.", "continue": ""})
        # Changing the first answer routes around the page, and its answer is not sent.
        client.post(url("page", 1) + "?return=check", {"q_vision": "strongly_agree", "continue": ""})
        check = client.get(url("check")).content.decode()
        assert "What would you change about the vision?" not in check
        client.post(url("declaration"), DECLARATION)
        response = Response.objects.get()
        assert not response.answers.filter(question__code="change_vision").exists()

    def test_required_questions_must_be_answered_before_sending(self, client, questionnaire):
        start(client)
        client.post(url("page", 2), {"continue": ""})
        check = client.get(url("check")).content.decode()
        assert "You need to answer “To what extent do you agree or disagree with the proposed vision?”" in check
        assert client.post(url("declaration"), DECLARATION)["Location"] == url("check")
        assert not Response.objects.get().is_submitted


class TestNothingDoubled:
    def test_sending_twice_sends_once(self, client, questionnaire):
        response = start(client)
        answer_everything(client)
        client.post(url("declaration"), DECLARATION)
        first = Response.objects.get(pk=response.pk).submitted_at
        again = client.post(url("declaration"), DECLARATION)
        assert again["Location"] == url("confirmation")
        assert Response.objects.count() == 1
        assert Response.objects.get(pk=response.pk).submitted_at == first

    def test_submit_is_idempotent_when_called_directly(self, client, questionnaire):
        response = start(client)
        answer_everything(client)
        sent = submission.submit(response, publication="no")
        assert submission.submit(response, publication="name").publication == "no"
        assert sent.reference == Response.objects.get().reference

    def test_a_second_start_or_a_second_tab_continues_the_same_response(self, client, questionnaire):
        start(client)
        client.post(url("start"))
        assert Response.objects.count() == 1
        assert "Continue your response" in client.get(url("start")).content.decode()

    def test_starting_again_after_sending_makes_a_new_response(self, client, questionnaire):
        start(client)
        answer_everything(client)
        client.post(url("declaration"), DECLARATION)
        start(client)
        assert Response.objects.count() == 2


class TestDeclaration:
    @pytest.mark.parametrize("changes, message", [
        ({"respondent_kind": "organisation"}, "Enter the name of the organisation you are responding for"),
        ({"publication": "name"}, "Enter your name, or choose to be published anonymously"),
        ({"contact_about_outcome": "yes"}, "Enter your email address so we can tell you about the outcome"),
        ({"publication": ""}, "Select whether we may publish your response"),
        ({"contact_about_outcome": "yes", "email": "not an email"}, "Enter an email address in the correct format"),
    ])
    def test_each_mistake_gets_its_message(self, client, questionnaire, changes, message):
        start(client)
        answer_everything(client)
        page = client.post(url("declaration"), {**DECLARATION, **changes})
        assert page.status_code == 200 and message in page.content.decode()
        assert not Response.objects.get().is_submitted

    def test_organisations_respond_as_organisations(self, client, questionnaire):
        start(client)
        answer_everything(client)
        client.post(url("declaration"), {**DECLARATION, "respondent_kind": "organisation",
                                          "organisation_name": "Carers Trust", "organisation_role": "Chief executive"})
        response = Response.objects.get()
        assert (response.organisation_name, response.organisation_role) == ("Carers Trust", "Chief executive")

    def test_what_is_shown_only_under_an_answer_not_chosen_is_not_kept_nor_an_error(self, client, questionnaire):
        # With JavaScript these boxes are hidden until their answer is chosen (GOV.UK's conditional
        # reveal): a name or an address left in one, after choosing otherwise, was not meant to be sent.
        start(client)
        answer_everything(client)
        sent = client.post(url("declaration"), {
            **DECLARATION, "publication": "anonymous", "respondent_name": "Aisha Khan", "contact_about_outcome": "no",
            "email": "not an email", "respondent_kind": "individual", "organisation_name": "Carers Trust",
        })
        assert sent.status_code == 302
        response = Response.objects.get()
        assert response.is_submitted
        assert (response.respondent_name, response.email, response.organisation_name) == ("", "", "")

    def test_the_boxes_each_answer_asks_for_are_shown_under_it(self, client, questionnaire):
        start(client)
        answer_everything(client)
        html = client.get(url("declaration")).content.decode()
        for option, box in [("organisation", "organisation_name"), ("organisation", "organisation_role"),
                            ("name", "respondent_name"), ("yes", "email")]:
            radio = re.search(rf'<input[^>]* value="{option}"[^>]*data-aria-controls="([^"]+)"', html)
            assert radio, option
            revealed = html[html.index(f'id="{radio.group(1)}"') :]
            revealed = revealed[: revealed.index("</fieldset>")]
            assert f'name="{box}"' in revealed, box
            assert html.count(f'name="{box}"') == 1, box  # not shown a second time on its own
        assert "govuk-radios__conditional--hidden" in html  # nothing chosen yet: hidden once JavaScript runs

    def test_a_badly_written_email_address_gets_one_message_not_two(self, client, questionnaire):
        # Not also "Enter your email address", which would say none was given.
        start(client)
        answer_everything(client)
        page = client.post(url("declaration"), {**DECLARATION, "contact_about_outcome": "yes", "email": "carer@"})
        html = page.content.decode()
        assert "Enter an email address in the correct format, like name@example.com" in html
        assert "Enter your email address so we can tell you about the outcome" not in html
        assert not Response.objects.get().is_submitted


    def test_it_says_what_happens_to_an_address_given_for_the_outcome_whatever_the_notice_says(
        self, client, questionnaire
    ):
        # A questionnaire's own notice, written before the site sent outcome emails, never mentions them.
        assert "outcome" not in questionnaire.privacy_notice
        start(client)
        answer_everything(client)
        page = client.get(url("declaration")).content.decode()
        assert "Emails about the outcome: if you ask us to tell you the outcome, by ticking the box" in page
        assert "We delete it once the email has gone" in page

class TestSaveAndReturn:
    def test_saving_for_later_keeps_a_half_answered_page(self, client, questionnaire):
        response = start(client)
        saved = client.post(url("page", 1), {"q_why_vision": "Half way through.", "save": ""})
        assert saved["Location"] == url("saved")
        assert Answer.objects.get(response=response).value == {"text": "Half way through."}

    def test_saving_for_later_leaves_out_what_is_wrong_saves_the_rest_and_says_so(self, client, questionnaire):
        start(client)
        page = client.post(url("page", 1), {"q_vision": "forged", "q_why_vision": "Kept.", "save": ""})
        assert page["Location"] == url("saved")
        assert [a.value for a in Answer.objects.all()] == [{"text": "Kept."}]
        assert "Select one of the answers shown" in client.get(url("saved")).content.decode()

    def test_a_code_brings_back_the_answers_in_another_browser(self, client, questionnaire, django_user_model):
        from django.test import Client

        start(client)
        client.post(url("page", 1), {"q_vision": "tend_to_agree", "save": ""})
        saved = client.get(url("saved")).content.decode()
        code = re.search(r'hys-code">([A-Z0-9-]+)<', saved).group(1)
        other = Client()
        assert "We could not find saved answers" in other.post(url("resume"), {"code": "WRONG-CODE1"}).content.decode()
        resumed = other.post(url("resume"), {"code": code.lower()})
        assert resumed["Location"] == url("page", 1)
        assert 'value="tend_to_agree" checked' in other.get(url("page", 1)).content.decode()

    def test_an_emailed_link_works_once(self, client, questionnaire, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        start(client)
        client.post(url("page", 1), {"q_vision": "tend_to_agree", "save": ""})
        client.post(url("saved"), {"email": "carer@example.org"})
        assert mail.outbox[0].to == ["carer@example.org"]
        link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
        from django.test import Client

        other = Client()
        assert other.get(link)["Location"] == url("page", 1)
        assert Client().get(link).status_code == 404

    def test_an_expired_link_does_not_open(self, client, questionnaire):
        response = start(client)
        token = submission.new_resume_link_token(response)
        Response.objects.filter(pk=response.pk).update(
            resume_link_expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )
        assert submission.resume_with_link(token) is None


class TestClosing:
    def test_a_closed_consultation_takes_no_new_responses(self, client, questionnaire):
        consultation = questionnaire.consultation
        consultation.closes_on = consultation.opens_on = datetime.date(2022, 7, 31)
        consultation.save()
        page = client.get(url("start"))
        assert "This consultation has closed" in page.content.decode()
        client.post(url("start"))
        assert not Response.objects.exists()

    def test_someone_part_way_through_is_told_politely(self, client, questionnaire):
        start(client)
        consultation = questionnaire.consultation
        consultation.opens_on = consultation.closes_on = datetime.date(2022, 7, 31)
        consultation.save()
        page = client.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})
        html = page.content.decode()
        assert page.status_code == 410
        assert "we can no longer accept online responses" in html
        assert not Answer.objects.exists()

    def test_staff_can_still_enter_a_paper_response_after_closing(self, questionnaire, officer):
        consultation = questionnaire.consultation
        consultation.opens_on = consultation.closes_on = datetime.date(2022, 7, 31)
        consultation.save()
        response = Response.objects.create(
            questionnaire=questionnaire, channel="paper", received_on=datetime.date(2022, 7, 30), entered_by=officer
        )
        vision = questionnaire.ordered_questions().get(code="vision")
        submission.save_answers(response, {vision: {"choice": "tend_to_agree", "other": ""}})
        assert submission.submit(response).is_submitted


class TestAbuse:
    def test_the_honeypot_is_a_labelled_box_kept_out_of_the_tab_order(self, client, questionnaire):
        html = client.get(url("start")).content.decode()
        box = re.search(r'<div class="hys-honeypot" aria-hidden="true">(.*?)</div>', html).group(1)
        field = re.fullmatch(r'<label for="id_website">Leave this empty</label>(<input [^>]*>)', box).group(1)
        for attribute in ('type="text"', 'name="website"', 'id="id_website"', 'autocomplete="off"', 'tabindex="-1"'):
            assert attribute in field
        assert "value=" not in field

    def test_what_was_typed_in_the_honeypot_is_never_shown_again(self, client, questionnaire):
        start(client)
        html = client.post(url("declaration"), {"website": '"><script>alert(1)</script>'}).content.decode()
        assert "There is a problem" in html
        assert "alert(1)" not in html
        assert "value=" not in re.search(r'<input type="text" name="website"[^>]*>', html).group(0)

    def test_the_honeypot_starts_nothing(self, client, questionnaire):
        client.post(url("start"), {"website": "http://spam.example"})
        assert not Response.objects.exists()

    def test_a_filled_honeypot_on_the_start_page_says_what_to_do_and_the_next_try_starts(self, client, questionnaire):
        refused = client.post(url("start"), {"website": "Jo"})
        html = refused.content.decode()
        assert refused.status_code == 200
        assert "There is a problem" in html
        assert "Your response has not been started yet. Select Start now again to start it." in html
        assert "Jo" not in re.search(r'<div class="hys-honeypot".*?</div>', html).group(0)
        start(client)

    def test_a_filled_honeypot_on_the_declaration_sends_nothing_and_keeps_what_was_typed(self, client, questionnaire):
        response = start(client)
        answer_everything(client)
        details = {
            "respondent_kind": "organisation", "organisation_name": "Carers Trust", "organisation_role": "Manager",
            "publication": "name", "respondent_name": "Jo Bloggs", "contact_about_outcome": "yes",
            "email": "jo@example.org",
        }
        refused = client.post(url("declaration"), {**details, "website": "Jo Bloggs"})
        html = refused.content.decode()
        assert refused.status_code == 200
        summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S).group(1)
        assert re.findall(r"<li>(.*?)</li>", summary) == [
            "Your response has not been sent yet. Check your details, then select Accept and send again."
        ]
        for typed in ("Carers Trust", "Manager", "Jo Bloggs", "jo@example.org"):
            assert f'value="{typed}"' in html
        assert re.search(r'<input[^>]*value="organisation"[^>]*checked', html)
        response.refresh_from_db()
        assert not response.is_submitted
        sent = client.post(url("declaration"), details)
        assert sent.status_code == 302 and sent["Location"] == url("confirmation")
        response.refresh_from_db()
        assert response.is_submitted and response.organisation_name == "Carers Trust"

    def test_too_many_starts_from_one_address_are_refused(self, client, questionnaire, monkeypatch):
        from django.test import Client

        monkeypatch.setattr("haveyoursay.limits.STARTS_FROM_ADDRESS.per_hour", 2)
        for _ in range(2):
            Client().post(url("start"))
        refused = Client().post(url("start"))
        assert refused.status_code == 429
        assert "too many attempts" in refused.content.decode()
        assert Response.objects.count() == 2

    def test_no_questionnaire_or_a_draft_is_not_found(self, client, questionnaire):
        questionnaire.consultation.unpublish()
        assert client.get(url("start")).status_code == 404
        assert client.get(reverse("surveys:start", args=["no-such"])).status_code == 404

    def test_pages_without_a_response_go_to_the_start(self, client, questionnaire):
        assert client.get(url("page", 1))["Location"] == url("start")
        assert client.get(url("check"))["Location"] == url("start")


def test_the_consultation_page_offers_to_respond_online_while_open(client, questionnaire):
    html = client.get(questionnaire.consultation.get_absolute_url()).content.decode()
    assert f'href="{url("start")}"' in html and "Respond online" in html


def test_the_demo_questionnaires_are_built_once(db):
    from haveyoursay.surveys.demo import CARERS_SLUG, LCWIP_SLUG, load_demo_questionnaires
    from haveyoursay.surveys.models import Questionnaire
    from tests.factories import make_consultation

    make_consultation(slug=LCWIP_SLUG)
    make_consultation(slug=CARERS_SLUG, status="closed")
    assert load_demo_questionnaires() == 2
    assert load_demo_questionnaires() == 0
    carers = Questionnaire.objects.get(consultation__slug=CARERS_SLUG)
    grid = carers.ordered_questions().get(code="priorities_agree")
    assert [s["label"] for s in grid.settings["statements"]][0] == "Carer identification"
    assert len(grid.settings["statements"]) == 8
    assert carers.ordered_questions().filter(profile="ethnicity").exists()


def test_a_paper_response_is_recorded_as_filled_in_even_with_required_questions_blank(questionnaire, officer):
    response = Response.objects.create(questionnaire=questionnaire, channel="paper", entered_by=officer)
    journey = submission.Journey(response)
    first = journey.page_at(1)
    form = journey.form_for(first, {"q_why_vision": "Wrote only this on the form."})
    values = submission.clean_page(form)
    assert values is not None, form.errors
    submission.save_answers(response, values)
    sent = submission.submit(response)
    assert sent.is_submitted
    assert [a.question.code for a in sent.answers.all()] == ["why_vision"]


def test_online_the_same_blank_is_refused(questionnaire):
    response = Response.objects.create(questionnaire=questionnaire)
    journey = submission.Journey(response)
    form = journey.form_for(journey.page_at(1), {"q_why_vision": "Only this."})
    assert submission.clean_page(form) is None
    assert "q_vision" in form.errors


class TestRememberedResponse:
    """Which response is this browser's is kept in a signed cookie, not the session."""

    def cookie(self, client):
        return client.cookies[views.RESPONSES_COOKIE]

    def test_starting_sets_a_signed_cookie_and_writes_no_session(self, client, questionnaire):
        from django.contrib.sessions.models import Session

        response = start(client)
        cookie = self.cookie(client)
        assert signing.loads(cookie.value, salt=views.RESPONSES_SALT) == {str(questionnaire.pk): response.pk}
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
        assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
        assert Session.objects.count() == 0
        assert client.get(url("page", 1)).status_code == 200

    def test_a_cookie_changed_to_name_another_response_is_ignored(self, client, questionnaire):
        someone_else = Response.objects.create(questionnaire=questionnaire)
        start(client)
        payload = signing.loads(self.cookie(client).value, salt=views.RESPONSES_SALT)
        payload[str(questionnaire.pk)] = someone_else.pk
        # Signed with another key: what anyone without the site's secret key can make.
        forged = signing.dumps(payload, key="not the site's key", salt=views.RESPONSES_SALT, compress=True)
        client.cookies[views.RESPONSES_COOKIE] = forged
        assert client.get(url("page", 1))["Location"] == url("start")
        client.cookies[views.RESPONSES_COOKIE] = self.cookie(client).value + "x"
        assert client.get(url("check"))["Location"] == url("start")

    def test_a_value_signed_for_another_purpose_is_ignored(self, client, questionnaire):
        someone_else = Response.objects.create(questionnaire=questionnaire)
        client.cookies[views.RESPONSES_COOKIE] = signing.dumps({str(questionnaire.pk): someone_else.pk})
        assert client.get(url("page", 1))["Location"] == url("start")

    @pytest.mark.parametrize("payload", [[1, 2], {"1": "2"}, {"1": True}, {"1": -4}, "text"])
    def test_a_signed_value_of_the_wrong_shape_is_ignored(self, client, questionnaire, payload):
        client.cookies[views.RESPONSES_COOKIE] = signing.dumps(payload, salt=views.RESPONSES_SALT)
        assert client.get(url("page", 1))["Location"] == url("start")
        assert client.get(url("start")).status_code == 200

    def test_it_lasts_as_long_as_a_session(self, client, questionnaire, monkeypatch):
        start(client)
        assert client.get(url("page", 1)).status_code == 200
        later = time.time() + settings.SESSION_COOKIE_AGE + 1
        monkeypatch.setattr(signing.time, "time", lambda: later)
        assert client.get(url("page", 1))["Location"] == url("start")

    def test_responses_to_two_questionnaires_are_both_remembered(self, client, questionnaire):
        first = start(client)
        other = questionnaire.consultation
        other.pk, other.slug, other.title = None, "another-consultation", "Another consultation"
        other.save()
        Questionnaire.objects.create(consultation=other)
        client.post(reverse("surveys:start", args=["another-consultation"]))
        second = Response.objects.latest("pk")
        assert second.pk != first.pk
        assert client.get(url("page", 1)).status_code == 200
        # That questionnaire has no questions: its check page is where its response is shown.
        assert client.get(reverse("surveys:check", args=["another-consultation"])).status_code == 200
        assert set(signing.loads(self.cookie(client).value, salt=views.RESPONSES_SALT).values()) == {first.pk, second.pk}

    def test_a_consultation_unpublished_part_way_through_is_not_found(self, client, questionnaire):
        start(client)
        questionnaire.consultation.unpublish()
        assert client.get(url("page", 1)).status_code == 404
        assert client.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""}).status_code == 404

    def test_a_response_to_another_consultation_is_not_continued_here(self, client, questionnaire):
        start(client)
        other = questionnaire.consultation
        other.pk, other.slug, other.title = None, "another-consultation", "Another consultation"
        other.save()
        Questionnaire.objects.create(consultation=other)
        assert client.get(reverse("surveys:page", args=["another-consultation", 1]))["Location"] == reverse(
            "surveys:start", args=["another-consultation"]
        )


class TestQueries:
    def test_saving_a_page_reads_the_response_with_its_questionnaire_in_one_query(
        self, client, questionnaire, django_assert_max_num_queries
    ):
        start(client)
        client.post(url("page", 1), {"q_vision": "tend_to_agree", "continue": ""})  # structure now in memory
        # The response with its questionnaire and consultation; its answers so far; the
        # conditional UPDATE and the upsert of the answers (and the test's savepoints).
        with django_assert_max_num_queries(6) as captured:
            saved = client.post(url("page", 2), {"q_priorities__identification": "very_important", "continue": ""})
        assert saved.status_code == 302
        assert sum("hub_consultation" in query["sql"] for query in captured.captured_queries) == 1


@contextlib.contextmanager
def writes_blocked():
    """Another connection keeping every other from writing responses, as a long import does on
    SQLite (its one writer), and as a table lock does on PostgreSQL; the saves wait no longer
    than the test must."""
    from django.db import connection

    if connection.vendor == "sqlite":
        # The test database is in memory with a shared cache, where a writer also locks out
        # readers; with the file and WAL the site runs on, reads go on. read_uncommitted lets
        # this connection read as it would there, while its writes are still refused.
        other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE surveys_response SET updated_at = updated_at")
        ours, back = "PRAGMA read_uncommitted = 1", "PRAGMA read_uncommitted = 0"
    else:
        import psycopg

        other = psycopg.connect(**connection.get_connection_params())
        other.execute("LOCK TABLE surveys_response IN SHARE MODE")  # others may read, not write
        ours, back = "SET lock_timeout = '200ms'", "SET lock_timeout = 0"
    with connection.cursor() as cursor:
        cursor.execute(ours)
    try:
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute(back)


@pytest.mark.django_db(transaction=True)
class TestBusyDatabase:
    def test_a_page_that_cannot_be_saved_comes_back_as_typed_and_saves_when_tried_again(self, client, questionnaire):
        response = start(client)
        typed = {"q_vision": "tend_to_agree", "q_why_vision": "My words stay here.", "continue": ""}
        with writes_blocked():
            page = client.post(url("page", 1), typed)
        html = page.content.decode()
        assert page.status_code == 503
        assert "the service is busy. Your answers are still here: select Continue to try again." in html
        assert "My words stay here." in html and 'value="tend_to_agree" checked' in html
        assert not Answer.objects.exists()
        assert client.post(url("page", 1), typed).status_code == 302
        assert Answer.objects.filter(response=response).count() == 2

    def test_a_response_that_cannot_be_started_says_so_and_starts_when_tried_again(self, client, questionnaire):
        with writes_blocked():
            page = client.post(url("start"))
        assert page.status_code == 503
        html = page.content.decode()
        assert "<title>Error: " in html and "select Start now to try again" in html
        assert not Response.objects.exists()
        start(client)

    def test_sending_that_cannot_be_saved_keeps_the_declaration(self, client, questionnaire):
        response = start(client)
        answer_everything(client)
        with writes_blocked():
            page = client.post(url("declaration"), {**DECLARATION, "respondent_name": "Ada Carer"})
        assert page.status_code == 503
        html = page.content.decode()
        assert "select Accept and send to try again" in html and 'value="Ada Carer"' in html
        assert not Response.objects.get(pk=response.pk).is_submitted
        assert client.post(url("declaration"), DECLARATION)["Location"] == url("confirmation")
