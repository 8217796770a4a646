"""A codeframe's figures count only the answers on counted responses, reached by joining to the
response rather than by listing every counted answer on the site: the same counts, from queries
that stay quick as the site grows."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haveyoursay.analysis.models import ThemeAssignment
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.surveys.models import Answer, ImportBatch, Response
from tests.analysis.test_themes_workflow import analyst, question  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

# What a subquery listing every counted answer, or every counted response, looks like in the SQL.
ANSWER_LIST = '"answer_id" IN (SELECT'
RESPONSE_LIST = '"response_id" IN (SELECT'


@pytest.fixture
def codeframe(question):  # noqa: F811
    """The question's codeframe applied, then answers given themes that must not be counted: two
    marked as duplicates, one withdrawn, and three from imports (one undone, one still being written)."""
    frame = themes.suggest_codeframe(question)
    themes.apply_codeframe(frame)
    responses = list(Response.objects.filter(answers__question=question).order_by("pk"))
    responses[0].excluded_as = responses[1].excluded_as = Response.Exclusion.DUPLICATE
    responses[2].excluded_as = Response.Exclusion.WITHDRAWN
    Response.objects.bulk_update(responses[:3], ["excluded_as"])
    questionnaire = question.page.questionnaire
    undone = ImportBatch.objects.create(
        questionnaire=questionnaire, file_name="paper-forms.csv", file_sha256="1" * 64, undone_at=timezone.now()
    )
    importing = ImportBatch.objects.create(
        questionnaire=questionnaire, file_name="phone-calls.csv", file_sha256="2" * 64,
        state=ImportBatch.State.IMPORTING,
    )
    first_theme = frame.themes.order_by("position").first()
    for batch, texts in ((undone, ["More respite breaks please", "Breaks for carers"]), (importing, ["Money worries"])):
        for text in texts:
            response = Response.objects.create(
                questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(),
                channel=Response.Channel.IMPORT, import_batch=batch,
            )
            answer = Answer.objects.create(response=response, question=question, value={"text": text})
            ThemeAssignment.objects.create(theme=first_theme, answer=answer, confidence=0.9)
    return frame


def counted_assignments_as_listed(codeframe):
    """The codeframe's assignments on counted answers, as the site used to find them: through a
    list of every counted answer."""
    return ThemeAssignment.objects.filter(theme__codeframe=codeframe, answer__in=Answer.objects.counted())


def test_the_theme_counts_are_those_of_the_counted_answers(codeframe):
    listed = counted_assignments_as_listed(codeframe)
    expected = {row["theme"]: row["n"] for row in listed.values("theme").annotate(n=Count("pk"))}
    assert themes.theme_counts(codeframe) == expected
    assert themes.count_themed(codeframe) == listed.values("answer").distinct().count()
    # The marked answers and the imported ones are left out: 60 comments, 3 marked.
    assert sum(expected.values()) < ThemeAssignment.objects.filter(theme__codeframe=codeframe).count()
    assert themes.count_themed(codeframe) == 57
    assert themes.counted_codings(codeframe).count() == codeframe.codings.count() - 3
    counted_comments = Answer.objects.counted().filter(question=codeframe.question).exclude(value__text="")
    assert themes.count_comments(codeframe.question) == counted_comments.count() == 57


def test_the_questions_codeframe_and_theme_pages_never_list_every_counted_answer(
    client, analyst, question, codeframe  # noqa: F811
):
    client.force_login(analyst)
    consultation = question.page.questionnaire.consultation
    theme = codeframe.themes.order_by("position").first()
    base = f"/staff/consultations/{consultation.pk}/themes/"
    for path in (base, f"{base}why/", f"{base}why/{theme.pk}/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        listing = [
            query["sql"] for query in queries.captured_queries
            if ANSWER_LIST in query["sql"] or RESPONSE_LIST in query["sql"]
        ]
        assert not listing, f"{path}: {listing}"
