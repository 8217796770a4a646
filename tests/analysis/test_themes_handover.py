"""A theme handed over to people's codes: the other themes are learnt as before, so the answers
the machine was unsure of do not swing at that step.

The comments are the demo's synthetic ones for the Joint Carers Strategy ("Why do you say
this?"), made as bench/analyst_flow.py makes them (1,500 here). There the analyst ticks, for
each answer, the themes whose defining words it uses, so nearly every answer they code has two
themes; when a theme was handed over, the rest lost every answer with two themes and were
learnt one theme per answer instead, and one more coded answer put a tenth of the answers up
for review.
"""

import numpy as np
import pytest

from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.analysis.themes.text.suggest import fit_text_space
from haveyoursay.surveys.demo import CARERS_SLUG
from haveyoursay.surveys.demo_responses import generate_responses, save_responses
from tests.surveys.test_demo_responses import build_demo_questionnaire

pytestmark = pytest.mark.django_db

COMMENTS = 1500
QUESTION_CODE = "vision_why"
HANDED_OVER_AT = themes.PERSON_CODED_PER_THEME
# How far the count of answers the machine was unsure of may move, as a share of the answers,
# with one more answer coded.
UNSURE_MAY_MOVE = 0.02


@pytest.fixture
def carers_question(db):
    questionnaire = build_demo_questionnaire(CARERS_SLUG)
    made = generate_responses(questionnaire, count=int(COMMENTS * 2.2) + 50, seed="analyst-flow")
    with_comment = [
        n for n, (_, answers) in enumerate(made) if str(answers.get(QUESTION_CODE, {}).get("text", "")).strip()
    ]
    save_responses(questionnaire, made[: with_comment[COMMENTS - 1] + 1])
    return themes.question_with_code(questionnaire.consultation, QUESTION_CODE)


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], is_staff=True)


def needing_review(codeframe):
    return codeframe.codings.filter(coded_at__isnull=True, needs_review=True).count()


def test_the_answer_that_hands_a_theme_over_to_people_does_not_swing_the_answers_the_machine_was_unsure_of(
    carers_question, analyst
):
    codeframe = themes.suggest_codeframe(carers_question)
    themes.apply_codeframe(codeframe)
    largest, second = sorted(codeframe.themes.filter(nothing_to_add=False), key=lambda t: -t.assignments.count())[:2]
    # The analyst gives answers of the second largest theme the largest too: every answer a person
    # has given two themes has the largest, so handing it over leaves the rest none with two.
    answers = list(second.assignments.order_by("answer_id").values_list("answer_id", flat=True)[:HANDED_OVER_AT])
    themes.code_answers(codeframe, analyst, {pk: [largest.pk, second.pk] for pk in answers[:-1]})
    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.events.filter(action="applied").first().detail["themes_from_people"] == 0
    before = needing_review(codeframe)

    themes.code_answers(codeframe, analyst, {answers[-1]: [largest.pk, second.pk]})
    themes.apply_codeframe(codeframe)

    codeframe.refresh_from_db()
    assert codeframe.events.filter(action="applied").first().detail["themes_from_people"] >= 1
    after = needing_review(codeframe)
    assert abs(after - before) <= UNSURE_MAY_MOVE * themes.count_comments(carers_question), (before, after)


def test_the_themes_left_to_the_codeframe_keep_its_several_themes_per_answer_when_one_is_handed_over():
    # Person-coded answers (the first 40) each have theme 0 and one other; the codeframe's other
    # answers one theme each. Handed over, theme 0 takes every answer with two themes out of the rest's.
    words = ["respite", "money", "school", "online"]
    texts = [f"{words[0]} and {words[1 + n % 3]} answer {n}" for n in range(40)]
    texts += [f"{words[1 + n % 3]} only, answer {n}" for n in range(300)]
    codes = np.zeros((len(texts), 4), dtype=np.int8)
    codes[:40, 0] = 1
    for row in range(40):
        codes[row, 1 + row % 3] = 1
    for row in range(40, len(texts)):
        codes[row, 1 + (row - 40) % 3] = 1

    learnt = themes.learn_codeframe(texts, codes, list(range(40)), words, fit_text_space(texts))

    assert learnt.people_columns == [0]
    rest = next(coder for coder, columns in learnt.parts if columns == [1, 2, 3])
    assert not rest.form.one_code_per_answer


def test_the_themes_left_to_the_codeframe_stay_weighted_as_rare_when_the_commonest_is_handed_over():
    # Theme 0 has 200 answers (40 of them coded by a person), themes 1 to 3 have 30 each: rare
    # beside theme 0, so weighted up; among themselves they would not be.
    words = ["respite", "money", "school", "online"]
    sizes = [200, 30, 30, 30]
    texts, codes = [], np.zeros((sum(sizes), 4), dtype=np.int8)
    for column, size in enumerate(sizes):
        for n in range(size):
            codes[len(texts), column] = 1
            texts.append(f"{words[column]} answer {n}")

    learnt = themes.learn_codeframe(texts, codes, list(range(40)), words, fit_text_space(texts))

    assert learnt.people_columns == [0]
    rest = next(coder for coder, columns in learnt.parts if columns == [1, 2, 3])
    assert rest.form.rare_theme_weights
