"""The consultation page's "You said, we did" as a list: each thing people said with how many
said it, what the council did, why not where nothing changed, and the decision."""

import pytest
from django.urls import reverse

from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.surveys.models import Option, Question
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

HOUSING = (
    "The aim around housing was considered to be the least important of all aims in the Plan. This seemed to be due "
    "to concerns that housing development in greenfield areas would undermine delivery of a 'Clean and Green' future "
    "in Leicestershire."
)
REMOVED = (
    "The sub-outcome around housing has been removed, with the Council's actions to support housing development "
    "shown instead to support the sub-outcome around infrastructure (7.2)."
)


def quote(entry, code, *values):
    entry.question = Question.objects.get(code=code)
    entry.save()
    entry.options.set(Option.objects.filter(question=entry.question, value__in=values))
    return entry


@pytest.fixture
def housing(plan, cabinet_decision):
    entry = WeDidEntry.objects.create(consultation=plan, you_said=HOUSING, action="changed", we_did=REMOVED,
                                      decision=cabinet_decision)  # fmt: skip
    return quote(entry, "outcomes", "strongly_agree", "tend_to_agree")


def public_page(client, consultation):
    return client.get(reverse("hub:consultation", args=[consultation.slug])).content.decode()


class TestTheConsultationPage:
    def test_entries_alone_make_an_outcome_that_can_be_published(self, client, plan, housing):
        assert not plan.you_said and not plan.we_did
        assert plan.outcome_not_ready_because() == ""
        plan.publish_outcome()
        html = public_page(client, plan)
        assert "What you said and what we did about it" in html
        assert "23 people responded to the questionnaire." in html
        assert HOUSING.replace("'", "&#x27;") in html
        assert "<strong>17 people (74%)</strong> of the 23 who answered" in html
        assert "chose “Strongly agree” or “Tend to agree”" in html
        assert '<strong class="govuk-tag govuk-tag--green">Changed</strong>' in html
        assert "Council's actions to support housing development" in html
        decision = housing.decision
        link = reverse("decisions:meeting", args=[decision.item.meeting_id]) + f"#item-{decision.item_id}"
        assert f'href="{link}">Cabinet, 29 March 2022: Strategic Plan (2022-26) (approved)</a>' in html

    def test_the_figure_shown_is_the_live_count(self, client, plan, housing):
        plan.publish_outcome()
        figure = figures_for([housing])[housing.pk]
        assert f"<strong>{figure.people}</strong> {figure.base_text}" in public_page(client, plan).replace(
            "&ldquo;", "“")

    def test_prose_is_still_shown_with_the_entries(self, client, plan, housing):
        plan.you_said = "The public survey received 259 responses."
        plan.save()
        plan.publish_outcome()
        html = public_page(client, plan)
        assert html.index("The public survey received 259 responses.") < html.index("What you said and what we did")

    def test_nothing_shows_until_the_outcome_is_published(self, client, plan, housing):
        assert "What you said and what we did" not in public_page(client, plan)

    def test_nothing_shows_while_the_consultation_is_open(self, client, plan):
        consultation = make_consultation(status="open")
        WeDidEntry.objects.create(consultation=consultation, you_said="Too long", action="changed", we_did="Shorter")
        Consultation.private_objects.filter(pk=consultation.pk).update(outcome_published_at=plan.published_at)
        assert "Too long" not in public_page(client, consultation)

    def test_why_nothing_changed_is_given(self, client, plan):
        WeDidEntry.objects.create(
            consultation=plan, you_said="Some also challenged the lack of reference to district councils.",
            action="not_changed", we_did="The Plan was kept as it was on this point.",
            why_not="The planning of housing is a responsibility of district councils rather than the County Council.",
        )  # fmt: skip
        plan.publish_outcome()
        html = public_page(client, plan)
        assert '<strong class="govuk-tag govuk-tag--grey">Not changed</strong>' in html
        assert "Why not" in html and "responsibility of district councils" in html

    def test_a_small_number_is_not_shown(self, client, plan):
        entry = WeDidEntry.objects.create(consultation=plan, you_said="Shorter", action="changed", we_did="Shorter")
        quote(entry, "outcomes", "neither")
        from haveyoursay.surveys.models import Answer

        Answer.objects.filter(question__code="outcomes", value__choice="strongly_disagree").filter(
            pk__in=Answer.objects.filter(question__code="outcomes", value__choice="strongly_disagree")[:2]
        ).update(value={"choice": "neither", "other": ""})
        plan.publish_outcome()
        html = public_page(client, plan)
        assert "How many people said this is not shown, to protect the privacy" in html
        assert "2 people" not in html

    def test_a_change_on_the_staff_site_shows_at_once(
        self, client, officer_client, plan, housing, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            plan.publish_outcome()
        assert "17 people (74%)" in public_page(client, plan)
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:we_did_edit", args=[plan.pk, housing.pk]), {
                "you_said": HOUSING, "action": "planned", "we_did": REMOVED, "why_not": "", "decision": "",
                "options": [str(Option.objects.get(question__code="outcomes", value="strongly_agree").pk)],
            })  # fmt: skip
        html = public_page(client, plan)
        assert "12 people (52%)" in html and "Already planned" in html
