"""The numbers of people shown against each We did entry are the analysis's own: recounted
here from the answers, they equal the closed-question tables and the themes report, leave out
responses that are not counted, and keep small numbers from the public as the report does."""

import random

import pytest
from django.utils import timezone

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.models import Codeframe, Theme, ThemeAssignment
from haveyoursay.analysis.tables import frequency_table, multiple_choice_table
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.analysis.themes.report import question_blocks
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.reports.document import Table, format_percent
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Option, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

OUTCOMES = "To what extent do you agree or disagree with the outcomes?"
HEARD = "How did you hear about the consultation?"
WHY = "Why do you say this?"
# Themes of the comments, from what the Cabinet report (seeds/001) says people raised.
THEMES = ["The Plan is too long", "Housing on greenfield sites", "Sustainable transport"]


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], is_staff=True)


@pytest.fixture
def survey(analyst):
    """A closed Strategic Plan questionnaire with 120 seeded random responses, coded by a person."""
    consultation = make_consultation(title="Leicestershire County Council Strategic Plan 2022-2026", status="closed")
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The outcomes")
    outcomes = add_question(page, "agree", OUTCOMES, code="outcomes")
    heard = add_question(page, "multiple", HEARD, code="heard",
                         options=["Council website", "Social media", "Local newspaper"])  # fmt: skip
    why = add_question(page, "long_text", WHY, code="why")
    codeframe = Codeframe.objects.create(question=why)
    theme_list = [themes.add_theme(codeframe, analyst, label) for label in THEMES]
    rng = random.Random(2022)
    agree_values = [o.value for o in outcomes.options.all()]
    coded = {}
    for n in range(120):
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
        )
        if rng.random() < 0.95:
            Answer.objects.create(response=response, question=outcomes,
                                  value={"choice": rng.choice(agree_values), "other": ""})  # fmt: skip
        if rng.random() < 0.9:
            chosen = [v for v in ("council_website", "social_media", "local_newspaper") if rng.random() < 0.5]
            Answer.objects.create(response=response, question=heard, value={"choices": chosen or ["social_media"],
                                                                            "other": ""})  # fmt: skip
        if rng.random() < 0.7:
            answer = Answer.objects.create(response=response, question=why, value={"text": f"Comment number {n}"})
            coded[answer.pk] = [theme.pk for theme in theme_list if rng.random() < 0.4]
    themes.code_answers(codeframe, analyst, coded)
    return {"consultation": consultation, "questionnaire": questionnaire, "outcomes": outcomes, "heard": heard,
            "why": why, "codeframe": codeframe, "themes": theme_list}  # fmt: skip


def entry(consultation, *, themes=(), question=None, values=()):
    made = WeDidEntry.objects.create(
        consultation=consultation, you_said="The Plan was too long", action=WeDidEntry.Action.CHANGED,
        we_did="The length of the Plan has been reduced by removing unnecessary text (wordcount reduced by 25%).",
        question=question,
    )
    made.themes.set(themes)
    if question is not None:
        made.options.set(Option.objects.filter(question=question, value__in=values))
    return made


def figure(made, *, public=False, threshold=None):
    return figures_for([made], public=public, threshold=threshold)[made.pk]


def counted_answers(question):
    return Answer.objects.filter(question=question, response__in=Response.objects.counted())


class TestRecount:
    def test_an_agree_result_is_the_tables_rows_added_up_over_its_base(self, survey):
        values = ["strongly_agree", "tend_to_agree"]
        shown = figure(entry(survey["consultation"], question=survey["outcomes"], values=values))
        table = frequency_table(load_dataset(survey["questionnaire"]), "outcomes")
        assert shown.count == table.summary.positive == sum(r.count for r in table.rows if r.value in values)
        assert shown.base == table.base
        assert shown.percent == table.summary.percent_positive
        # And from the answers themselves, with none of the analysis code.
        answers = list(counted_answers(survey["outcomes"]).values_list("value__choice", flat=True))
        assert (shown.count, shown.base) == (sum(1 for v in answers if v in values), len(answers))
        assert shown.people == f"{shown.count} people ({format_percent(100 * shown.count / shown.base)})"

    def test_a_multiple_choice_result_counts_each_person_once(self, survey):
        values = ["council_website", "social_media"]
        shown = figure(entry(survey["consultation"], question=survey["heard"], values=values))
        table = multiple_choice_table(load_dataset(survey["questionnaire"]), "heard")
        answers = [set(chosen) for chosen in counted_answers(survey["heard"]).values_list("value__choices", flat=True)]
        assert shown.count == sum(1 for chosen in answers if chosen & set(values))
        assert shown.count < sum(r.count for r in table.rows if r.value in values)  # some chose both
        assert shown.base == table.base == len(answers)

    def test_one_theme_is_the_themes_report_figure(self, survey):
        theme = survey["themes"][1]
        shown = figure(entry(survey["consultation"], themes=[theme]))
        assert shown.count == themes.theme_counts(survey["codeframe"])[theme.pk]
        assert shown.base == themes.count_comments(survey["why"])
        table = next(block for block in question_blocks(survey["codeframe"], public=False) if isinstance(block, Table))
        row = next(row for row in table.rows if row[0] == theme.label)
        assert (shown.count, shown.percent) == (row[1], row[2])

    def test_several_themes_count_a_comment_carrying_two_of_them_once(self, survey):
        chosen = survey["themes"][:2]
        shown = figure(entry(survey["consultation"], themes=chosen))
        carrying = ThemeAssignment.objects.filter(theme__in=chosen, answer__in=counted_answers(survey["why"]))
        assert shown.count == carrying.values("answer").distinct().count()
        assert shown.count < carrying.count()

    def test_responses_not_counted_are_left_out_of_count_and_base(self, survey, analyst):
        values = ["strongly_agree", "tend_to_agree"]
        made = entry(survey["consultation"], question=survey["outcomes"], values=values)
        themed = entry(survey["consultation"], themes=[survey["themes"][0]])
        before = figure(made)
        answers = Answer.objects.filter(question=survey["outcomes"], value__choice="strongly_agree")
        duplicate, withdrawn = (answer.response for answer in answers[:2])
        duplicate.mark_duplicate(withdrawn, analyst, "Sent twice")
        withdrawn.mark_withdrawn(analyst, "Asked for it to be withdrawn")
        after = figure(made)
        assert (after.count, after.base) == (before.count - 2, before.base - 2)
        assert after.count == frequency_table(load_dataset(survey["questionnaire"]), "outcomes").summary.positive

        themed_answer = ThemeAssignment.objects.filter(theme=survey["themes"][0]).exclude(
            answer__response__in=[duplicate, withdrawn]
        ).first().answer
        themed_before = figure(themed)
        themed_answer.response.mark_duplicate(duplicate, analyst, "Sent twice")
        themed_after = figure(themed)
        assert (themed_after.count, themed_after.base) == (themed_before.count - 1, themed_before.base - 1)
        assert themed_after.count == themes.theme_counts(survey["codeframe"])[survey["themes"][0].pk]


class TestPublicFigures:
    def test_a_small_number_is_withheld_from_the_public_but_not_from_staff(self, survey):
        made = entry(survey["consultation"], question=survey["outcomes"], values=["strongly_disagree"])
        Answer.objects.filter(question=survey["outcomes"], value__choice="strongly_disagree").exclude(
            pk__in=Answer.objects.filter(question=survey["outcomes"], value__choice="strongly_disagree")[:3]
        ).update(value={"choice": "tend_to_disagree", "other": ""})
        public = figure(made, public=True, threshold=5)
        assert public.withheld and public.count is None and public.percent is None and public.people == ""
        assert public.base == figure(made).base
        assert figure(made).count == 3

    def test_a_figure_made_of_a_withheld_row_is_withheld_too(self, survey):
        """Three said "Strongly disagree": shown with "Tend to disagree" as one figure, the
        published table's "Tend to disagree" row would give the three away."""
        disagree = ["strongly_disagree", "tend_to_disagree"]
        made = entry(survey["consultation"], question=survey["outcomes"], values=disagree)
        Answer.objects.filter(question=survey["outcomes"], value__choice="strongly_disagree").exclude(
            pk__in=Answer.objects.filter(question=survey["outcomes"], value__choice="strongly_disagree")[:3]
        ).update(value={"choice": "neither", "other": ""})
        assert figure(made).count >= 5
        assert figure(made, public=True, threshold=5).withheld

    def test_a_large_enough_figure_is_shown_to_the_public(self, survey):
        made = entry(survey["consultation"], question=survey["outcomes"], values=["strongly_agree", "tend_to_agree"])
        assert figure(made, public=True, threshold=5).count == figure(made).count

    def test_themes_nobody_has_reviewed_show_no_figure_in_public(self, survey):
        codeframe = Codeframe.objects.create(question=add_question(
            survey["why"].page, "long_text", "Is there anything else?", code="anything_else"))  # fmt: skip
        machine = Theme.objects.create(codeframe=codeframe, label="Sustainable transport")
        made = entry(survey["consultation"], themes=[machine])
        assert figures_for([made], public=True)[made.pk] is None
        assert figure(made).base == 0

    def test_an_entry_quoting_nothing_has_no_figure(self, survey):
        made = entry(survey["consultation"])
        assert figures_for([made])[made.pk] is None
