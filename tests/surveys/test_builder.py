from html import unescape

import pytest
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Area
from haveyoursay.surveys import building
from haveyoursay.surveys.models import Answer, Page, Question, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def url(name, consultation, *args):
    return reverse(f"surveys_staff:{name}", args=[consultation.pk, *args])


def html(response):
    """The page's text with entities decoded, so “can't” reads as written."""
    return unescape(response.content.decode())


def question(code):
    return Question.objects.get(code=code)


def page(title):
    return Page.objects.get(title=title)


def options(code):
    return [(o.value, o.label, o.other, o.exclusive) for o in question(code).options.all()]


def page_titles(questionnaire):
    return [p.title for p in questionnaire.ordered_pages()]


def answer(question, value):
    response = Response.objects.create(questionnaire=question.page.questionnaire)
    return Answer.objects.create(response=response, question=question, value=value)


@pytest.fixture
def consultation(questionnaire):
    return questionnaire.consultation


@pytest.fixture
def answered_vision(questionnaire):
    vision = question("vision")
    answer(vision, {"choice": "tend_to_agree", "other": ""})
    return vision


def add_question(client, consultation, page_title, kind, **fields):
    data = {"kind": kind, "text": f"A {kind} question", "required": "no", **fields}
    return client.post(url("question_new", consultation, page(page_title).pk), data)


def edit_question(client, consultation, which, **fields):
    return client.post(url("question_edit", consultation, question(which).pk), fields)


class TestCreatingAQuestionnaire:
    def test_an_officer_creates_one_from_the_overview(self, officer_client):
        consultation = make_consultation(published=False)
        page = html(officer_client.get(url("questionnaire", consultation)))
        assert "has no online questionnaire yet" in page and "Create the questionnaire" in page
        response = officer_client.post(
            url("questionnaire", consultation),
            {"introduction": "About the library.", "privacy_notice": "We keep answers for a year.", "minutes_to_complete": "10"},
        )
        assert response.status_code == 302 and response["Location"] == url("questionnaire", consultation)
        questionnaire = Questionnaire.objects.get(consultation=consultation)
        assert questionnaire.minutes_to_complete == 10 and questionnaire.privacy_notice == "We keep answers for a year."
        assert AuditEvent.objects.filter(action="questionnaire.create", object_id=str(consultation.pk)).exists()

    def test_the_privacy_notice_is_required_and_nothing_typed_is_lost(self, officer_client):
        consultation = make_consultation(published=False)
        response = officer_client.post(
            url("questionnaire", consultation), {"introduction": "About the library.", "minutes_to_complete": "ten"}
        )
        page = html(response)
        assert response.status_code == 200 and "<title>Error: " in page
        assert "There is a problem" in page
        assert "Enter the privacy notice" in page and "Minutes to complete must be a whole number" in page
        assert "About the library." in page
        assert not Questionnaire.objects.exists()

    def test_its_details_can_be_changed(self, officer_client, consultation, questionnaire):
        response = officer_client.post(
            url("questionnaire_edit", consultation), {"privacy_notice": "New notice.", "minutes_to_complete": "5"}
        )
        assert response.status_code == 302
        questionnaire.refresh_from_db()
        assert questionnaire.privacy_notice == "New notice." and questionnaire.minutes_to_complete == 5


class TestTheOverview:
    def test_it_lists_pages_and_questions_in_order_with_their_routing(self, officer_client, consultation):
        page = html(officer_client.get(url("questionnaire", consultation)))
        titles = ["The vision", "Our priorities", "Your concerns", "Anything else"]
        assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)
        assert "Agree–disagree scale" in page and "Required" in page and "why_vision" in page
        assert "Shown only if “To what extent do you agree or disagree with the proposed vision?” (vision) is answered “Tend to disagree” or “Strongly disagree”" in page
        assert "Locked" not in page
        assert url("preview", consultation, 1) in page

    def test_it_shows_how_many_answers_lock_a_question(self, officer_client, consultation, answered_vision):
        page = html(officer_client.get(url("questionnaire", consultation)))
        assert "Locked: 1 answer" in page
        assert url("question_delete", consultation, answered_vision.pk) not in page


class TestAddingPages:
    def test_a_page_goes_at_the_end(self, officer_client, consultation, questionnaire):
        response = officer_client.post(url("page_new", consultation), {"title": "Your ideas", "introduction": "Tell us."})
        assert response.status_code == 302
        assert [p.title for p in questionnaire.ordered_pages()][-1] == "Your ideas"
        assert AuditEvent.objects.filter(action="page.add").exists()

    def test_a_page_needs_a_title_and_keeps_what_was_typed(self, officer_client, consultation):
        response = officer_client.post(url("page_new", consultation), {"title": "", "introduction": "Tell us more."})
        assert "Enter a title for the page" in html(response) and "Tell us more." in html(response)
        assert "<title>Error: " in html(response)

    def test_a_page_can_be_shown_only_for_earlier_answers(self, officer_client, consultation):
        response = officer_client.post(
            url("page_new", consultation),
            {"title": "Why you disagree", "condition_question": "vision", "condition_answers": "Strongly disagree\ntend to disagree"},
        )
        assert response.status_code == 302
        assert page("Why you disagree").condition == {"question": "vision", "values": ["strongly_disagree", "tend_to_disagree"]}

    def test_a_page_condition_must_name_real_answers(self, officer_client, consultation):
        response = officer_client.post(
            url("page_new", consultation),
            {"title": "Why you disagree", "condition_question": "vision", "condition_answers": "Disagree"},
        )
        text = html(response)
        assert "“Disagree” is not an answer to" in text and "Its answers are: Strongly agree; Tend to agree" in text
        assert not Page.objects.filter(title="Why you disagree").exists()

    def test_a_page_condition_must_be_on_an_earlier_page(self, officer_client, consultation):
        response = officer_client.post(
            url("page_edit", consultation, page("The vision").pk),
            {"title": "The vision", "condition_question": "find_out", "condition_answers": "GP surgery"},
        )
        assert "Choose a question from the list: only choice questions on earlier pages" in html(response)
        assert page("The vision").condition is None


class TestAddingQuestions:
    def test_the_first_step_offers_every_kind(self, officer_client, consultation):
        text = html(officer_client.get(url("question_new", consultation, page("The vision").pk)))
        for kind in Question.Kind:
            assert f'value="{kind.value}"' in text and kind.label in text
        missing = officer_client.get(url("question_new", consultation, page("The vision").pk) + "?chosen=1")
        assert "Select the kind of question" in html(missing) and "<title>Error: " in html(missing)
        chosen = officer_client.get(url("question_new", consultation, page("The vision").pk) + "?chosen=1&kind=grid")
        assert "Statements" in html(chosen) and 'name="kind" value="grid"' in html(chosen)

    def test_single_choice_with_other_and_on_its_own(self, officer_client, consultation):
        response = add_question(
            officer_client, consultation, "Anything else", "single", code="travel",
            options="Bus\nCar\nSomething else (please specify)\nNone of these (on its own)\nPrefer not to say",
        )
        assert response.status_code == 302
        assert options("travel") == [
            ("bus", "Bus", False, False), ("car", "Car", False, False),
            ("something_else", "Something else", True, False), ("none_of_these", "None of these", False, True),
            ("prefer_not_to_say", "Prefer not to say", False, True),
        ]
        assert AuditEvent.objects.filter(action="question.add", detail__question="travel").exists()

    def test_multiple_choice_makes_dont_know_exclusive(self, officer_client, consultation):
        add_question(officer_client, consultation, "Anything else", "multiple", code="where", options="Library\nPark\nDon't know")
        assert options("where")[-1] == ("dont_know", "Don't know", False, True)
        assert question("where").page == page("Anything else")
        assert question("where").position > question("anything_else").position

    @pytest.mark.parametrize("kind, labels", [
        ("agree", ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree", "Don't know"]),
        ("importance", ["Very important", "Fairly important", "Not very important", "Not at all important", "Don't know"]),
    ])
    def test_scales_left_empty_get_their_standard_answers(self, officer_client, consultation, kind, labels):
        add_question(officer_client, consultation, "Anything else", kind, code="scale", options="")
        assert [label for _, label, _, _ in options("scale")] == labels

    def test_a_scale_with_its_own_answers_still_offers_dont_know(self, officer_client, consultation):
        add_question(officer_client, consultation, "Anything else", "agree", code="scale", options="Agree\nDisagree")
        assert [value for value, *_ in options("scale")] == ["agree", "disagree", "dont_know"]

    def test_an_area_question_gets_the_councils_areas(self, officer_client, consultation):
        Area.objects.create(name="Charnwood")
        Area.objects.create(name="Melton")
        add_question(officer_client, consultation, "Anything else", "area", code="where_live")
        assert [label for _, label, _, _ in options("where_live")] == ["Charnwood", "Melton", "Somewhere else", "Prefer not to say"]

    def test_text_number_date_postcode_ranking_grid_and_location(self, officer_client, consultation):
        assert add_question(officer_client, consultation, "Anything else", "short_text", code="name", max_length="80").status_code == 302
        assert question("name").max_length == 80
        add_question(officer_client, consultation, "Anything else", "long_text", code="ideas")
        add_question(officer_client, consultation, "Anything else", "number", code="visits", number_min="0", number_max="52.5")
        assert question("visits").settings == {"min": 0, "max": 52.5}
        add_question(officer_client, consultation, "Anything else", "date", code="when")
        add_question(officer_client, consultation, "Anything else", "postcode", code="postcode")
        add_question(officer_client, consultation, "Anything else", "ranking", code="rank", options="Books\nComputers\nEvents")
        assert [value for value, *_ in options("rank")] == ["books", "computers", "events"]
        add_question(officer_client, consultation, "Anything else", "grid", code="grid", statements="Opening hours\nStaff", options="")
        assert question("grid").settings["statements"] == [
            {"value": "opening_hours", "label": "Opening hours"}, {"value": "staff", "label": "Staff"}
        ]
        assert options("grid")[0][1] == "Strongly agree" and options("grid")[-1][0] == "dont_know"
        add_question(officer_client, consultation, "Anything else", "location", code="place", places="Loughborough\nMelton Mowbray")
        assert question("place").settings["places"][1] == {"value": "melton_mowbray", "label": "Melton Mowbray"}
        assert {q.kind for q in page("Anything else").questions.all()} >= {
            "short_text", "long_text", "number", "date", "postcode", "ranking", "grid", "location"
        }

    def test_every_kind_added_here_renders_on_the_public_page(self, officer_client, consultation):
        for kind in Question.Kind.values:
            fields = {"options": "One\nTwo", "statements": "A statement", "places": "Here"}
            assert add_question(officer_client, consultation, "Anything else", kind, code=f"k_{kind}", **fields).status_code == 302, kind
        response = officer_client.get(url("preview", consultation, 4))
        assert response.status_code == 200
        for kind in Question.Kind.values:
            assert f"q_k_{kind}" in html(response), kind

    def test_choice_questions_need_two_answers_and_no_repeats(self, officer_client, consultation):
        response = add_question(officer_client, consultation, "Anything else", "single", text="Pick one", options="Only")
        assert "Enter at least 2 answers, one per line" in html(response) and "Pick one" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "multiple", options="Yes\nyes")
        assert "“yes” is listed twice" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "ranking", options="A\nB (please specify)")
        assert "only single and multiple choice questions and scales can ask people to specify" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "grid", statements="")
        assert "Enter at least one statement" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "number", number_min="10", number_max="1")
        assert "Largest number must be the same as or more than the smallest number" in html(response)
        assert Question.objects.count() == 6

    def test_a_code_is_made_from_the_text_when_left_empty(self, officer_client, consultation):
        add_question(officer_client, consultation, "Anything else", "long_text", text="Why do you say this?", code="")
        add_question(officer_client, consultation, "Anything else", "long_text", text="Why do you say this?", code="")
        codes = list(page("Anything else").questions.values_list("code", flat=True))
        assert codes[-2:] == ["why_do_you_say_this", "why_do_you_say_this_2"]

    def test_a_code_already_used_is_refused_with_a_clear_message(self, officer_client, consultation):
        response = add_question(officer_client, consultation, "Anything else", "long_text", text="Keep this text", code="VISION")
        text = html(response)
        assert response.status_code == 200 and "<title>Error: " in text
        assert "Another question in this questionnaire already has the code “VISION”. Choose a different code" in text
        assert '<a href="#id_code">' in text and "Keep this text" in text
        response = add_question(officer_client, consultation, "Anything else", "long_text", code="not a code!")
        assert "Code must only include letters, numbers, underscores and hyphens" in html(response)
        assert Question.objects.count() == 6

    def test_an_unknown_kind_goes_back_to_the_first_step(self, officer_client, consultation):
        response = add_question(officer_client, consultation, "Anything else", "essay")
        assert "Select the kind of question" in html(response)
        assert Question.objects.count() == 6


class TestRouting:
    def test_a_question_can_be_asked_only_for_earlier_answers(self, officer_client, consultation):
        response = add_question(
            officer_client, consultation, "Anything else", "long_text", code="why_not",
            condition_question="vision", condition_answers="Strongly disagree",
        )
        assert response.status_code == 302
        assert question("why_not").condition == {"question": "vision", "values": ["strongly_disagree"]}

    def test_the_answers_must_be_answers_to_that_question(self, officer_client, consultation):
        response = add_question(
            officer_client, consultation, "Anything else", "long_text",
            condition_question="vision", condition_answers="Strongly disagree\nNot sure",
        )
        assert "“Not sure” is not an answer to" in html(response)
        assert "Strongly disagree\nNot sure" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "long_text", condition_question="vision")
        assert "Enter at least one answer to" in html(response)
        response = add_question(officer_client, consultation, "Anything else", "long_text", condition_answers="Yes")
        assert "Choose the earlier question whose answer decides" in html(response)
        assert Question.objects.count() == 6

    def test_the_question_must_be_a_choice_question_on_an_earlier_page(self, officer_client, consultation):
        for page_title, code in [("The vision", "vision"), ("Our priorities", "find_out"), ("Anything else", "why_vision")]:
            response = add_question(
                officer_client, consultation, page_title, "long_text", condition_question=code, condition_answers="Yes",
            )
            assert "Choose a question from the list: only choice questions on earlier pages" in html(response), code
        assert Question.objects.count() == 6

    def test_the_form_lists_only_earlier_choice_questions(self, officer_client, consultation):
        text = html(officer_client.get(url("question_new", consultation, page("Our priorities").pk) + "?kind=long_text"))
        assert '<option value="vision">' in text
        assert '<option value="find_out">' not in text and '<option value="why_vision">' not in text

    def test_an_answer_that_routing_needs_cannot_be_removed(self, officer_client, consultation):
        response = edit_question(
            officer_client, consultation, "vision", kind="agree", text="The vision?", required="yes", code="vision",
            options="Agree\nDisagree",
        )
        assert "“Your concerns” is shown only if this question is answered “Tend to disagree”" in html(response)
        assert question("vision").text != "The vision?"
        response = officer_client.get(url("question_edit", consultation, question("vision").pk) + "?kind=long_text")
        assert "it must stay a choice question" in html(response)

    def test_renaming_a_code_carries_routing_with_it(self, officer_client, consultation):
        response = edit_question(
            officer_client, consultation, "vision", kind="agree", code="vision_agree", required="yes",
            text="To what extent do you agree or disagree with the proposed vision?", options="",
        )
        assert response.status_code == 302
        assert page("Your concerns").condition == {"question": "vision_agree", "values": ["tend_to_disagree", "strongly_disagree"]}

    def test_a_question_routing_depends_on_cannot_be_deleted(self, officer_client, consultation):
        vision = question("vision")
        assert "Change the condition on “Your concerns” first" in html(officer_client.get(url("question_delete", consultation, vision.pk)))
        officer_client.post(url("question_delete", consultation, vision.pk))
        assert Question.objects.filter(pk=vision.pk).exists()


class TestReordering:
    def move(self, client, consultation, name, pk, direction):
        return client.post(url(name, consultation, pk), {"direction": direction})

    def test_pages_move_up_and_down(self, officer_client, consultation, questionnaire):
        response = self.move(officer_client, consultation, "page_move", page("Anything else").pk, "up")
        assert response.status_code == 302
        assert page_titles(questionnaire) == ["The vision", "Our priorities", "Anything else", "Your concerns"]
        self.move(officer_client, consultation, "page_move", page("The vision").pk, "down")
        assert page_titles(questionnaire) == ["Our priorities", "The vision", "Anything else", "Your concerns"]
        assert AuditEvent.objects.filter(action="page.move").count() == 2

    def test_a_move_that_would_break_routing_is_refused(self, officer_client, consultation, questionnaire):
        self.move(officer_client, consultation, "page_move", page("Your concerns").pk, "up")
        assert page_titles(questionnaire) == ["The vision", "Your concerns", "Our priorities", "Anything else"]
        response = self.move(officer_client, consultation, "page_move", page("Your concerns").pk, "up")
        assert page_titles(questionnaire) == ["The vision", "Your concerns", "Our priorities", "Anything else"]
        text = html(officer_client.get(response["Location"]))
        assert "That move would break the routing of “Your concerns”" in text

    def test_questions_move_within_and_between_pages(self, officer_client, consultation):
        self.move(officer_client, consultation, "question_move", question("why_vision").pk, "up")
        assert list(page("The vision").questions.values_list("code", flat=True)) == ["why_vision", "vision"]
        self.move(officer_client, consultation, "question_move", question("why_vision").pk, "up")
        assert list(page("The vision").questions.values_list("code", flat=True)) == ["why_vision", "vision"]
        self.move(officer_client, consultation, "question_move", question("find_out").pk, "up")
        assert list(page("Your concerns").questions.values_list("code", flat=True)) == ["change_vision", "find_out"]
        self.move(officer_client, consultation, "question_move", question("change_vision").pk, "down")
        assert list(page("Your concerns").questions.values_list("code", flat=True)) == ["find_out", "change_vision"]

    def test_moving_needs_a_post(self, officer_client, consultation):
        assert officer_client.get(url("page_move", consultation, page("The vision").pk)).status_code == 405
        assert officer_client.get(url("question_move", consultation, question("vision").pk)).status_code == 405


class TestAboutYou:
    def test_the_standard_block_is_added_at_the_end(self, officer_client, consultation, questionnaire):
        response = officer_client.post(url("about_you", consultation))
        assert response.status_code == 302
        assert page_titles(questionnaire)[-3:] == ["About you", "Equality monitoring", "Your condition or illness"]
        codes = set(Question.objects.filter(page__questionnaire=questionnaire).values_list("code", flat=True))
        assert set(building.ABOUT_YOU_CODES) <= codes
        assert AuditEvent.objects.filter(action="questionnaire.add_about_you").count() == 1

    def test_it_is_refused_when_its_codes_are_taken(self, officer_client, consultation, questionnaire):
        add_question(officer_client, consultation, "Anything else", "short_text", code="age")
        response = officer_client.post(url("about_you", consultation), follow=True)
        assert "The “About you” questions were not added" in html(response) and "codes age" in html(response)
        assert "About you" not in page_titles(questionnaire)

    def test_adding_it_twice_is_refused(self, officer_client, consultation, questionnaire):
        officer_client.post(url("about_you", consultation))
        officer_client.post(url("about_you", consultation))
        assert page_titles(questionnaire).count("About you") == 1

    def test_the_codes_it_checks_are_the_codes_it_adds(self):
        fresh = Questionnaire.objects.create(consultation=make_consultation(), privacy_notice="Notice.")
        building.add_about_you(fresh)
        codes = Question.objects.filter(page__questionnaire=fresh).values_list("code", flat=True)
        assert sorted(codes) == sorted(building.ABOUT_YOU_CODES)


class TestLocking:
    def test_the_form_says_it_is_locked_and_offers_only_the_wording(self, officer_client, consultation, answered_vision):
        text = html(officer_client.get(url("question_edit", consultation, answered_vision.pk)))
        assert "govuk-warning-text" in text and "This question is locked because 1 response answered it" in text
        assert "You can still correct the wording of the question, its hint and its answers, and add new answers at the end" in text
        assert 'name="kind"' not in text and 'name="code"' not in text and 'name="required"' not in text
        assert 'name="option_strongly_agree"' in text and 'name="new_options"' in text

    def test_wording_can_be_corrected_and_answers_added_at_the_end(self, officer_client, consultation, answered_vision):
        before = options("vision")
        data = {"text": "How far do you agree with the vision?", "hint": "Choose one.", "new_options": "Not sure yet"}
        data |= {f"option_{value}": label for value, label, *_ in before}
        data["option_tend_to_agree"] = "Tend to agree (mostly)"
        response = edit_question(officer_client, consultation, "vision", **data)
        assert response.status_code == 302
        vision = question("vision")
        assert vision.text == "How far do you agree with the vision?" and vision.hint == "Choose one."
        after = options("vision")
        assert [v for v, *_ in after] == [v for v, *_ in before] + ["not_sure_yet"]
        assert after[1] == ("tend_to_agree", "Tend to agree (mostly)", False, False)
        assert vision.kind == "agree" and vision.required

    def test_a_forged_post_cannot_change_kind_code_or_answers(self, officer_client, consultation, answered_vision):
        before = options("vision")
        response = edit_question(
            officer_client, consultation, "vision", kind="long_text", code="renamed", text="Changed?", options="Yes\nNo",
            required="no",
        )
        assert response.status_code == 200 and "<title>Error: " in html(response)
        assert "This question is locked: 1 response answered it, so its kind, code, whether people must answer it and answers can't change" in html(response)
        vision = Question.objects.get(pk=answered_vision.pk)
        assert (vision.kind, vision.code, vision.text, vision.required) == ("agree", "vision", answered_vision.text, True)
        assert options("vision") == before

    def test_a_forged_post_cannot_remove_or_swap_answers(self, officer_client, consultation, answered_vision):
        before = options("vision")
        response = edit_question(officer_client, consultation, "vision", text="The vision?", option_neither="")
        assert "Enter the words of answer 3" in html(response)
        data = {f"option_{value}": label for value, label, *_ in before} | {"text": "The vision?"}
        data["option_strongly_agree"], data["option_strongly_disagree"] = "Strongly disagree", "Strongly agree"
        response = edit_question(officer_client, consultation, "vision", **data)
        assert "Answers can't swap places once people have chosen them" in html(response)
        assert options("vision") == before and question("vision").text != "The vision?"
        # A post without the answers' fields (a form opened before the first answer) keeps them as they are.
        assert edit_question(officer_client, consultation, "vision", text="The vision?").status_code == 302
        assert options("vision") == before and question("vision").text == "The vision?"

    def test_the_rules_hold_whoever_calls(self, answered_vision):
        with pytest.raises(building.Refused, match="kind"):
            building.change_question(answered_vision, kind="long_text")
        with pytest.raises(building.Refused, match="code"):
            building.change_question(answered_vision, code="renamed")
        with pytest.raises(building.Refused, match="answers"):
            building.change_question(answered_vision, options=[("strongly_agree", "Strongly agree", False, False)])
        with pytest.raises(building.Refused, match="can't be deleted"):
            building.delete_question(answered_vision)
        with pytest.raises(building.Refused, match="page can't be deleted"):
            building.delete_page(answered_vision.page)

    def test_an_answered_question_and_its_page_cannot_be_deleted(self, officer_client, consultation, answered_vision):
        confirm = html(officer_client.get(url("question_delete", consultation, answered_vision.pk)))
        assert "You can't delete the question" in confirm and "1 response answered" in confirm
        assert "Yes, delete it" not in confirm
        response = officer_client.post(url("question_delete", consultation, answered_vision.pk), follow=True)
        assert "can't be deleted: their answers would be lost" in html(response)
        officer_client.post(url("page_delete", consultation, answered_vision.page.pk))
        assert Question.objects.filter(pk=answered_vision.pk).exists()
        assert Page.objects.filter(pk=answered_vision.page.pk).exists()

    def test_a_locked_grid_keeps_its_statements(self, officer_client, consultation):
        grid = question("priorities")
        answer(grid, {"rows": {"valued": "very_important"}})
        data = {"text": grid.text}
        data |= {f"option_{o.value}": o.label for o in grid.options.all()}
        data |= {f"statement_{s['value']}": s["label"] for s in grid.settings["statements"]}
        data["statement_valued"] = "Carers are valued and involved in decisions"
        data["new_statements"] = "Support for working carers"
        assert edit_question(officer_client, consultation, "priorities", **data).status_code == 302
        statements = question("priorities").settings["statements"]
        assert [s["value"] for s in statements] == ["identification", "valued", "young_carers", "support_for_working_carers"]
        assert statements[1]["label"] == "Carers are valued and involved in decisions"

    def test_questions_without_answers_are_deleted_after_confirming(self, officer_client, consultation):
        why = question("why_vision")
        confirm = officer_client.get(url("question_delete", consultation, why.pk))
        assert "Are you sure you want to delete the question" in html(confirm)
        assert Question.objects.filter(pk=why.pk).exists()
        assert officer_client.post(url("question_delete", consultation, why.pk)).status_code == 302
        assert not Question.objects.filter(pk=why.pk).exists()
        assert AuditEvent.objects.filter(action="question.delete", detail__question="why_vision").exists()
        extra = page("Anything else")
        assert "Its questions will be deleted too" in html(officer_client.get(url("page_delete", consultation, extra.pk)))
        officer_client.post(url("page_delete", consultation, extra.pk))
        assert not Page.objects.filter(pk=extra.pk).exists()


class TestPreview:
    def test_it_renders_the_public_page_with_a_staff_banner(self, officer_client, consultation):
        response = officer_client.get(url("preview", consultation, 1))
        assert response.status_code == 200
        assert "surveys/page.html" in [t.name for t in response.templates]
        text = html(response)
        assert "Preview of the questionnaire, section 1 of 4" in text and "nothing entered here is saved" in text
        assert "To what extent do you agree or disagree with the proposed vision?" in text
        assert url("preview", consultation, 2) in text
        assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_it_shows_conditional_pages_and_says_so(self, officer_client, consultation):
        text = html(officer_client.get(url("preview", consultation, 3)))
        assert "What would you change about the vision?" in text
        assert "This section: Shown only if" in text

    def test_posting_checks_the_answers_and_saves_nothing(self, officer_client, consultation):
        response = officer_client.post(url("preview", consultation, 1), {"q_why_vision": "Typed words", "continue": ""})
        text = html(response)
        assert response.status_code == 200 and "<title>Error: Preview" in text
        assert "Select an answer to" in text and "Typed words" in text
        response = officer_client.post(url("preview", consultation, 1), {"q_vision": "tend_to_agree", "continue": ""})
        assert response.status_code == 302 and response["Location"] == url("preview", consultation, 2) + "?accepted=1"
        assert "The answers given on section 1 would be accepted" in html(officer_client.get(response["Location"]))
        assert not Response.objects.exists() and not Answer.objects.exists()

    def test_a_page_beyond_the_last_is_not_found(self, officer_client, consultation):
        assert officer_client.get(url("preview", consultation, 5)).status_code == 404

    def test_an_empty_questionnaire_has_nothing_to_preview(self, officer_client):
        consultation = make_consultation(published=False)
        Questionnaire.objects.create(consultation=consultation, privacy_notice="Notice.")
        response = officer_client.get(url("preview", consultation, 1))
        assert response.status_code == 302 and response["Location"] == url("questionnaire", consultation)


def builder_urls(consultation):
    """(method, url) for every builder URL; the preview, a read, is last."""
    page_pk = page("Anything else").pk
    question_pk = question("anything_else").pk
    gets = [
        url("questionnaire", consultation),
        url("preview", consultation, 1),
        url("questionnaire_edit", consultation),
        url("page_new", consultation),
        url("page_edit", consultation, page_pk),
        url("page_delete", consultation, page_pk),
        url("question_new", consultation, page_pk),
        url("question_new", consultation, page_pk) + "?kind=single",
        url("question_edit", consultation, question_pk),
        url("question_delete", consultation, question_pk),
    ]
    posts = [
        url("questionnaire", consultation),
        url("questionnaire_edit", consultation),
        url("about_you", consultation),
        url("page_new", consultation),
        url("page_edit", consultation, page_pk),
        url("page_move", consultation, page_pk),
        url("page_delete", consultation, page_pk),
        url("question_new", consultation, page_pk),
        url("question_edit", consultation, question_pk),
        url("question_move", consultation, question_pk),
        url("question_delete", consultation, question_pk),
    ]
    return gets, posts


POST_DATA = {
    "title": "Changed", "text": "Changed", "kind": "long_text", "required": "no", "privacy_notice": "Changed",
    "direction": "up",
}


class TestPermissions:
    def snapshot(self, questionnaire):
        return (
            list(Page.objects.values_list("pk", "title", "position")),
            list(Question.objects.values_list("pk", "text", "position", "page")),
            Questionnaire.objects.get(pk=questionnaire.pk).privacy_notice,
        )

    def test_the_public_is_sent_to_sign_in(self, client, consultation, questionnaire):
        before = self.snapshot(questionnaire)
        gets, posts = builder_urls(consultation)
        for method, urls in (("get", gets), ("post", posts + [url("preview", consultation, 1)])):
            for address in urls:
                response = getattr(client, method)(address, POST_DATA if method == "post" else None)
                assert response.status_code == 302, address
                assert response["Location"].startswith(reverse("staff:login")), address
        assert self.snapshot(questionnaire) == before

    def test_a_signed_in_outsider_is_refused_everywhere(self, outsider_client, consultation, questionnaire):
        before = self.snapshot(questionnaire)
        gets, posts = builder_urls(consultation)
        for address in gets:
            assert outsider_client.get(address).status_code == 403, address
        for address in posts + [url("preview", consultation, 1)]:
            assert outsider_client.post(address, POST_DATA).status_code == 403, address
        assert self.snapshot(questionnaire) == before

    def test_a_viewer_sees_the_overview_and_preview_but_changes_nothing(self, viewer_client, consultation, questionnaire):
        before = self.snapshot(questionnaire)
        gets, posts = builder_urls(consultation)
        overview = viewer_client.get(gets[0])
        assert overview.status_code == 200
        assert "Add a page" not in html(overview) and "Move up" not in html(overview) and "Delete" not in html(overview)
        assert viewer_client.get(gets[1]).status_code == 200
        assert viewer_client.post(gets[1], {"continue": ""}).status_code == 200  # checked, not saved
        for address in gets[2:]:
            assert viewer_client.get(address).status_code == 403, address
        for address in posts:
            assert viewer_client.post(address, POST_DATA).status_code == 403, address
        assert self.snapshot(questionnaire) == before
        assert not AuditEvent.objects.exists() and not Response.objects.exists()

    def test_a_viewer_cannot_create_a_questionnaire(self, viewer_client):
        consultation = make_consultation(published=False)
        text = html(viewer_client.get(url("questionnaire", consultation)))
        assert "has no online questionnaire yet" in text and "Create the questionnaire" not in text
        response = viewer_client.post(url("questionnaire", consultation), {"privacy_notice": "Notice."})
        assert response.status_code == 403 and not Questionnaire.objects.exists()

    def test_an_officer_reaches_every_page(self, officer_client, consultation):
        gets, _ = builder_urls(consultation)
        for address in gets:
            assert officer_client.get(address).status_code == 200, address

    def test_an_officer_sees_every_action(self, officer_client, consultation):
        text = html(officer_client.get(url("questionnaire", consultation)))
        for label in ("Add a page", "Add a question", "Move up", "Move down", "Delete", "Change", "Add the “About you” questions"):
            assert label in text, label

    def test_a_questionnaire_belongs_to_its_consultation(self, officer_client, consultation):
        other = make_consultation(published=False)
        Questionnaire.objects.create(consultation=other, privacy_notice="Notice.")
        assert officer_client.get(url("question_edit", other, question("vision").pk)).status_code == 404
        assert officer_client.post(url("page_delete", other, page("The vision").pk)).status_code == 404
