"""Theme and stance counts in the engagement report: stance where the question asks for it, and
the public version withholding small numbers as every other table does."""

import pytest
from django.utils import timezone

from haveyoursay.analysis import tables
from haveyoursay.analysis.models import AnswerCoding, Codeframe
from haveyoursay.analysis.themes import report as themes_report
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.reports.build import build_report
from haveyoursay.reports.document import BulletList, Paragraph, Table
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

THRESHOLD = 5
# Fifteen comments on the vision of the Single Outcomes Framework (seeds/002), each with the
# theme and the stance an analyst gave it.
COMMENTS = [
    ("It aligns closely with our own vision and the key priorities for the county", "Shares our priorities", "support"),
    ("The vision reflects the priorities we would expect of the County Council", "Shares our priorities", "support"),
    ("We strongly support the commitment to work in partnership", "Shares our priorities", "support"),
    ("A clear vision for our place will strengthen the council's leadership", "Shares our priorities", "support"),
    ("Working together across services is the right aim", "Shares our priorities", "support"),
    ("Good to see partners and communities at the heart of it", "Shares our priorities", "support"),
    ("It is too long; focus on the place and community of Leicestershire", "Too long", "mixed"),
    ("Too long and it mixes the council's organisational vision with the place", "Too long", "oppose"),
    ("Cut it down to one sentence about Leicestershire", "Too long", "oppose"),
    ("Far too wordy for residents to remember", "Too long", "oppose"),
    ("The vision reads like the council's own plan rather than the county's", "Too long", "oppose"),
    ("Shorter please, it says too much", "Too long", "support"),
    ("The environment should be added to the vision", "The environment", "support"),
    ("Nothing about the environment or climate at all", "The environment", "support"),
    ("Add the environment, it matters to everyone", "The environment", ""),
]


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], is_staff=True)


@pytest.fixture
def question(db):
    consultation = make_consultation(title="Single Outcomes Framework 2018 - 2022", slug="single-outcomes-framework", status="closed")
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the County Council's proposed vision for Leicestershire?", code="vision")
    question = add_question(page, "long_text", "Why do you say this?", code="why")
    for text, _, _ in COMMENTS:
        response = Response.objects.create(questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now())
        Answer.objects.create(response=response, question=question, value={"text": text})
    return question


def code_as_the_analyst_did(question, analyst, rows=COMMENTS):
    """A codeframe coded by a person: one theme and (mostly) a stance per answer."""
    codeframe = Codeframe.objects.create(question=question)
    theme_of = {label: themes.add_theme(codeframe, analyst, label) for label in dict.fromkeys(theme for _, theme, _ in rows)}
    answer_of = dict(Answer.objects.filter(question=question).values_list("value__text", "pk"))
    coded = {answer_of[text]: [theme_of[theme].pk] for text, theme, _ in rows}
    stances = {answer_of[text]: stance for text, _, stance in rows}
    themes.code_answers(codeframe, analyst, coded, stances)
    return codeframe, answer_of


def comments_blocks(question, *, public):
    """The blocks of the built report's free-text section for the question, as a reader gets them."""
    consultation = question.page.questionnaire.consultation
    threshold = THRESHOLD if public else None
    analysis = tables.analyse_questionnaire(consultation.questionnaire, threshold=threshold)
    theme_blocks = themes_report.blocks(consultation, public=public, threshold=threshold)
    report = build_report(consultation, analysis, public=public, themes=theme_blocks)
    section = next(section for section in report.sections if section.anchor == "comments")
    return next(sub for sub in section.subsections if sub.anchor == "comments-why").blocks


def table_titled(blocks, start):
    return next(block for block in blocks if isinstance(block, Table) and block.caption.startswith(start))


def rows_of(table):
    return {row[0]: (row[1], row[2]) for row in table.rows}


def words(blocks):
    """The report's sentences and list items, not its tables."""
    said = [block.text for block in blocks if isinstance(block, Paragraph)]
    said += [item for block in blocks if isinstance(block, BulletList) for item in block.items]
    return " ".join(said)


def test_the_stance_table_counts_support_oppose_and_mixed_of_those_who_commented(question, analyst):
    codeframe, _ = code_as_the_analyst_did(question, analyst)
    themes.ask_for_stance(codeframe, analyst)

    blocks = comments_blocks(question, public=False)

    stance = table_titled(blocks, "Stance in the answers to")
    assert stance.columns == ["Stance", "Answers", "% of those who commented"]
    assert rows_of(stance) == {
        "Support": (9, 100 * 9 / 15), "Oppose": (4, 100 * 4 / 15), "Mixed": (1, 100 * 1 / 15),
        "No stance recorded": (1, 100 * 1 / 15),
    }
    assert stance.notes[0].startswith("Base: 15 who commented.")
    assert stance.notes[1] == "Each stance was recorded by the council's analysts."
    assert "Of the 15 people who commented: 60% support, 27% oppose and 7% mixed." in words(blocks)


def test_no_stance_is_reported_where_the_question_does_not_ask_for_one(question, analyst):
    codeframe, _ = code_as_the_analyst_did(question, analyst)
    assert not codeframe.asks_for_stance

    blocks = comments_blocks(question, public=False)

    assert not any(isinstance(b, Table) and b.caption.startswith("Stance") for b in blocks)
    assert table_titled(blocks, "Themes in the answers to")


def test_a_persons_stance_is_counted_instead_of_the_machines(question, analyst):
    codeframe, answer_of = code_as_the_analyst_did(question, analyst, rows=[(t, theme, "") for t, theme, _ in COMMENTS])
    themes.ask_for_stance(codeframe, analyst)
    # The machine's stance for every answer: support.
    AnswerCoding.objects.filter(codeframe=codeframe).update(stance="support", stance_by=None)
    # A person says two of them oppose.
    for text in ("Cut it down to one sentence about Leicestershire", "Far too wordy for residents to remember"):
        themes.set_stance(codeframe, answer_of[text], "oppose", analyst)

    stance = table_titled(comments_blocks(question, public=False), "Stance in the answers to")

    assert rows_of(stance)["Support"][0] == 13 and rows_of(stance)["Oppose"][0] == 2
    assert rows_of(stance)["No stance recorded"][0] == 0
    assert stance.notes[1] == "The council's analysts recorded 2 of the stances; the other 13 were suggested by the machine."


def test_the_public_version_withholds_small_theme_counts_and_what_would_give_them_away(question, analyst):
    code_as_the_analyst_did(question, analyst)

    staff = rows_of(table_titled(comments_blocks(question, public=False), "Themes in the answers to"))
    public_blocks = comments_blocks(question, public=True)
    public = rows_of(table_titled(public_blocks, "Themes in the answers to"))

    assert staff == {
        "Shares our priorities": (6, 40.0), "Too long": (6, 40.0), "The environment": (3, 20.0),
    }
    # Three is below the threshold: withheld with its percentage. Every answer has one theme,
    # so the rows add up to the 15 shown as the base: one more is withheld, or 15 - 6 - 6 gives it away.
    assert public["The environment"] == (None, None)
    assert sorted(public.values(), key=str) == sorted([(None, None), (None, None), (6, 40.0)], key=str)
    assert "The environment" not in words(public_blocks)
    assert "Base: 15 who commented" in table_titled(public_blocks, "Themes").notes[0]


def test_where_answers_have_several_themes_only_the_small_theme_is_withheld(question, analyst):
    codeframe, answer_of = code_as_the_analyst_did(question, analyst)
    # One answer also carries a second theme: the counts add up to more than the base, so
    # none can be worked out from the others.
    by_label = {theme.label: theme.pk for theme in codeframe.themes.all()}
    both = [by_label["Shares our priorities"], by_label["The environment"]]
    themes.code_answers(codeframe, analyst, {answer_of[COMMENTS[0][0]]: both})

    public = rows_of(table_titled(comments_blocks(question, public=True), "Themes in the answers to"))

    assert public == {"Shares our priorities": (6, 40.0), "Too long": (6, 40.0), "The environment": (None, None)}


def test_the_public_version_withholds_small_stance_counts_too(question, analyst):
    codeframe, _ = code_as_the_analyst_did(question, analyst)
    themes.ask_for_stance(codeframe, analyst)

    blocks = comments_blocks(question, public=True)
    public = rows_of(table_titled(blocks, "Stance in the answers to"))

    # Oppose (4) and Mixed (1) are below five, and two withheld protect each other. Whose
    # stance was not recorded says nothing of anyone's view, and is shown.
    assert public["Support"] == (9, 60.0)
    assert public["Oppose"] == public["Mixed"] == (None, None)
    assert public["No stance recorded"] == (1, 100 * 1 / 15)
    assert "Of the 15 people who commented: 60% support." in words(blocks)
    assert "27%" not in words(blocks)


def test_saying_the_question_asks_for_a_stance_is_recorded_and_reviews_no_theme(question, analyst):
    codeframe = Codeframe.objects.create(question=question)
    themes.ask_for_stance(codeframe, analyst)
    themes.ask_for_stance(codeframe, analyst)  # no change, no second event
    codeframe.refresh_from_db()
    assert codeframe.asks_for_stance
    assert list(codeframe.events.values_list("action", "user__username", "detail")) == [("stance", "analyst", {"asks": True})]
    assert not themes.has_person_work(codeframe)
    assert themes_report.blocks(question.page.questionnaire.consultation, public=True)["why"] == []


def test_small_campaigns_are_reported_without_their_size_in_public(question, analyst):
    codeframe, answer_of = code_as_the_analyst_did(question, analyst)
    codeframe.campaigns = [{"answer": answer_of[COMMENTS[0][0]], "size": 12, "kind": "identical", "campaign": True,
                            "description": "a campaign response, 12 copies"}]
    codeframe.save()

    assert "12 times" in words(themes_report.question_blocks(codeframe, public=True, threshold=5))
    hidden = words(themes_report.question_blocks(codeframe, public=True, threshold=20))
    assert "12" not in hidden and "several times" in hidden
