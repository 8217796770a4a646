"""The staff outcome page: adding, changing, removing and reordering We did entries, each
checked, audited, and shown to the public at once."""

import pytest
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.analysis.models import Codeframe
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.decisions.demo import body, decide, item, meeting
from haveyoursay.decisions.models import Decision, Organization
from haveyoursay.outcomes.models import Consideration, WeDidEntry
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Option, Question, Questionnaire
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

YOU_SAID = (
    "There was a view that the Plan was too long and that detail about the Council's actions could be set out "
    "separately."
)
WE_DID = (
    "The length of the Plan has been reduced by removing unnecessary text (wordcount reduced by 25%) and images have "
    "been added to enhance the visual appeal of the document."
)


def options(consultation, code, *values):
    return [str(pk) for pk in Option.objects.filter(
        question__page__questionnaire__consultation=consultation, question__code=code, value__in=values
    ).values_list("pk", flat=True)]  # fmt: skip


def form_data(**fields):
    data = {"you_said": YOU_SAID, "action": "changed", "we_did": WE_DID, "why_not": "", "decision": ""}
    data.update(fields)
    return data


def add(client, consultation, **fields):
    return client.post(reverse("staff:we_did_new", args=[consultation.pk]), form_data(**fields))


def page(client, consultation):
    return client.get(reverse("staff:outcome", args=[consultation.pk])).content.decode()


class TestAdding:
    def test_an_officer_adds_an_entry_quoting_a_closed_result(self, officer_client, plan, cabinet_decision):
        response = add(officer_client, plan, options=options(plan, "outcomes", "strongly_agree", "tend_to_agree"),
                       decision=str(cabinet_decision.pk))  # fmt: skip
        entry = WeDidEntry.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:outcome", args=[plan.pk]) + f"#entry-{entry.pk}"
        assert (entry.you_said, entry.we_did, entry.action, entry.decision) == (
            YOU_SAID, WE_DID, "changed", cabinet_decision)
        assert entry.question == Question.objects.get(code="outcomes")
        assert sorted(entry.options.values_list("value", flat=True)) == ["strongly_agree", "tend_to_agree"]
        event = AuditEvent.objects.get(action="we_did.add")
        assert event.sentence.startswith("We did entry “There was a view that the Plan was too long")
        assert event.sentence.endswith("added by Olu Officer")
        assert "17 people (74%) of the 23 who answered" in page(officer_client, plan)

    def test_new_entries_go_last(self, officer_client, plan):
        add(officer_client, plan)
        add(officer_client, plan, you_said="Some also challenged the lack of reference to district councils.")
        assert list(WeDidEntry.objects.values_list("position", flat=True)) == [0, 1]

    def test_it_says_what_is_missing_and_keeps_what_was_typed(self, officer_client, plan):
        response = add(officer_client, plan, you_said="", action="", we_did="Half-written <answer>")
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert "Enter what people said" in html and "Choose what the council did" in html
        assert "Half-written &lt;answer&gt;" in html
        assert not WeDidEntry.objects.exists()

    def test_it_needs_a_reason_when_nothing_changed(self, officer_client, plan):
        response = add(officer_client, plan, action="not_changed")
        assert "Say why nothing changed<" in response.content.decode()
        assert "Say why nothing changed." not in response.content.decode()
        assert 'href="#id_why_not"' in response.content.decode()
        assert not WeDidEntry.objects.exists()
        add(officer_client, plan, action="not_changed", why_not="The planning of housing is a district council matter.")
        assert WeDidEntry.objects.get().why_not == "The planning of housing is a district council matter."

    def test_a_reason_is_not_kept_beside_a_change(self, officer_client, plan):
        add(officer_client, plan, action="changed", why_not="Left over from an earlier choice")
        assert WeDidEntry.objects.get().why_not == ""

    def test_it_refuses_answers_to_two_questions(self, officer_client, plan):
        chosen = options(plan, "outcomes", "strongly_agree") + options(plan, "economy", "strongly_agree")
        response = add(officer_client, plan, options=chosen)
        assert "Choose answers to one question only" in response.content.decode()
        assert not WeDidEntry.objects.exists()

    def test_it_refuses_an_option_of_another_consultation(self, officer_client, plan):
        other = make_consultation(status="closed")
        questionnaire = Questionnaire.objects.create(consultation=other)
        question = add_question(add_page(questionnaire, "Vision"), "agree", "Do you agree with the vision?")
        response = add(officer_client, plan, options=[str(question.options.first().pk)])
        assert "Select a valid choice" in response.content.decode()
        assert not WeDidEntry.objects.exists()

    def test_it_refuses_themes_and_answers_together(self, officer_client, plan, officer):
        codeframe = Codeframe.objects.create(question=Question.objects.get(code="why"))
        theme = themes.add_theme(codeframe, officer, "The Plan is too long")
        chosen = options(plan, "outcomes", "strongly_agree")
        response = add(officer_client, plan, themes=[str(theme.pk)], options=chosen)
        html = response.content.decode()
        assert "Choose themes or answers to a closed question, not both" in html
        assert f'value="{theme.pk}" checked' in html  # what was chosen is still chosen
        assert not WeDidEntry.objects.exists()
        add(officer_client, plan, themes=[str(theme.pk)])
        assert list(WeDidEntry.objects.get().themes.all()) == [theme]

    def test_themes_are_grouped_by_question(self, officer_client, plan, officer):
        codeframe = Codeframe.objects.create(question=Question.objects.get(code="why"))
        themes.add_theme(codeframe, officer, "Housing on greenfield sites")
        html = officer_client.get(reverse("staff:we_did_new", args=[plan.pk])).content.decode()
        assert html.index("Why do you say this?") < html.index("Housing on greenfield sites")

    def test_decisions_at_meetings_that_considered_it_come_first(self, officer_client, plan, cabinet_decision):
        council = body("Leicestershire County Council", Organization.Classification.COUNCIL)
        mtfs = "Medium Term Financial Strategy 2022/23 - 2025/26"
        other_item = item(meeting(council, (2022, 2, 23), 10, 30), 6, mtfs)
        decide(other_item, Decision.Outcome.APPROVED, f"The {mtfs} was approved.")
        Consideration.objects.create(consultation=plan, item=cabinet_decision.item, stage=Consideration.Stage.DECISION)
        html = officer_client.get(reverse("staff:we_did_new", args=[plan.pk])).content.decode()
        assert html.index("At meetings that considered this consultation") < html.index("Cabinet, 29 March 2022")
        assert html.index("Cabinet, 29 March 2022") < html.index("Other decisions")
        assert html.index("Other decisions") < html.index("Medium Term Financial Strategy")


class TestChanging:
    @pytest.fixture
    def entries(self, plan):
        return [
            WeDidEntry.objects.create(consultation=plan, position=n, you_said=said, action="changed", we_did=WE_DID)
            for n, said in enumerate(["The Plan was too long", "Success was not quantified", "Partners unnamed"])
        ]

    def test_editing_shows_what_was_chosen_and_saves_changes(self, officer_client, plan, entries):
        entry = entries[0]
        entry.question = Question.objects.get(code="outcomes")
        entry.save()
        entry.options.set(Option.objects.filter(question=entry.question, value="strongly_disagree"))
        url = reverse("staff:we_did_edit", args=[plan.pk, entry.pk])
        chosen = options(plan, "outcomes", "strongly_disagree")[0]
        assert f'value="{chosen}" checked' in officer_client.get(url).content.decode()
        response = officer_client.post(url, form_data(you_said="Shorter, please", options=[]))
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.you_said == "Shorter, please" and entry.question is None and not entry.options.exists()
        assert AuditEvent.objects.filter(action="we_did.change").exists()

    def test_moving_an_entry_up_and_down(self, officer_client, plan, entries):
        move = reverse("staff:we_did_move", args=[plan.pk, entries[2].pk])
        officer_client.post(move, {"direction": "up"})
        said = lambda: list(WeDidEntry.objects.values_list("you_said", flat=True))  # noqa: E731
        assert said() == ["The Plan was too long", "Partners unnamed", "Success was not quantified"]
        response = officer_client.post(reverse("staff:we_did_move", args=[plan.pk, entries[0].pk]),
                                       {"direction": "up"}, follow=True)  # fmt: skip
        assert "is already the first" in response.content.decode()
        assert said() == ["The Plan was too long", "Partners unnamed", "Success was not quantified"]
        moved = AuditEvent.objects.get(action="we_did.move").sentence
        assert moved.startswith("We did entry “Partners unnamed” moved up")

    def test_the_first_has_no_move_up_button_and_the_last_no_move_down(self, officer_client, plan, entries):
        html = page(officer_client, plan)
        assert html.count('value="up"') == 2 and html.count('value="down"') == 2

    def test_removing_asks_first(self, officer_client, plan, entries):
        url = reverse("staff:we_did_delete", args=[plan.pk, entries[1].pk])
        assert "Are you sure you want to remove this entry?" in officer_client.get(url).content.decode()
        assert WeDidEntry.objects.count() == 3
        officer_client.post(url)
        left = list(WeDidEntry.objects.values_list("you_said", flat=True))
        assert left == ["The Plan was too long", "Partners unnamed"]
        assert AuditEvent.objects.filter(action="we_did.delete").exists()

    def test_an_entry_of_another_consultation_is_not_found(self, officer_client, plan, entries):
        other = make_consultation(status="closed")
        assert officer_client.get(reverse("staff:we_did_edit", args=[other.pk, entries[0].pk])).status_code == 404

    def test_a_viewer_sees_the_entries_but_cannot_change_them(self, viewer_client, plan, entries):
        html = page(viewer_client, plan)
        assert "The Plan was too long" in html and "Add an entry" not in html and "Move up" not in html
        assert viewer_client.post(reverse("staff:we_did_move", args=[plan.pk, entries[1].pk]),
                                  {"direction": "up"}).status_code == 403  # fmt: skip
        assert add(viewer_client, plan).status_code == 403

    def test_publishing_from_the_outcome_page_comes_back_to_it(self, officer_client, plan, entries):
        response = officer_client.post(reverse("staff:publish_outcome", args=[plan.pk]), {"back": "outcome"})
        assert response["Location"] == reverse("staff:outcome", args=[plan.pk])
        plan.refresh_from_db()
        assert plan.outcome_is_published
