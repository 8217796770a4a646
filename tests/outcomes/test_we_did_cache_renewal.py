"""The cached consultation page shows the counts as they stand: a response marked as a
duplicate or withdrawn (or unmarked), an import undone, a keyed-in response, or themes recoded
renew it at once, as an edit to the page's own text does, instead of waiting up to a day for
the cache to expire."""

import pytest
from django.urls import reverse

from haveyoursay.analysis.models import Codeframe
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.hub.models import Revision
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import Answer, ImportBatch, Option, Question, Response

pytestmark = pytest.mark.django_db

# From what the Cabinet report (seeds/001) says people raised about the Strategic Plan.
TOO_LONG = "The Plan is too long"


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], is_staff=True)


@pytest.fixture
def published(plan, django_capture_on_commit_callbacks):
    """The Strategic Plan with an entry quoting the 17 of 23 who agreed, its outcome published."""
    with django_capture_on_commit_callbacks(execute=True):
        entry = WeDidEntry.objects.create(
            consultation=plan, you_said="Most agreed with the outcomes.", action=WeDidEntry.Action.NOT_CHANGED,
            why_not="Most people agreed with them.", question=Question.objects.get(code="outcomes"),
        )  # fmt: skip
        entry.options.set(Option.objects.filter(question=entry.question, value__in=["strongly_agree", "tend_to_agree"]))
        plan.publish_outcome()
    return plan


def public_page(client, consultation):
    return client.get(reverse("hub:consultation", args=[consultation.slug])).content.decode()


def an_agreeing_response(consultation):
    return Response.objects.filter(
        questionnaire__consultation=consultation, answers__value__choice="strongly_agree"
    ).first()


def test_marking_a_response_as_a_duplicate_renews_the_cached_counts(
    client, published, officer, django_capture_on_commit_callbacks
):
    assert "<strong>17 people (74%)</strong> of the 23 who answered" in public_page(client, published)
    assert "23 people responded" in public_page(client, published)  # served from the cache
    duplicate, original = Response.objects.filter(answers__value__choice="strongly_agree")[:2]
    with django_capture_on_commit_callbacks(execute=True):
        duplicate.mark_duplicate(original, officer, "Sent twice")
    html = public_page(client, published)
    assert "22 people responded" in html
    assert "<strong>16 people (73%)</strong> of the 22 who answered" in html


def test_unmarking_a_response_renews_the_cached_counts(client, published, officer, django_capture_on_commit_callbacks):
    response = an_agreeing_response(published)
    with django_capture_on_commit_callbacks(execute=True):
        response.mark_withdrawn(officer, "The respondent asked for it to be withdrawn")
    assert "<strong>16 people (73%)</strong> of the 22 who answered" in public_page(client, published)
    with django_capture_on_commit_callbacks(execute=True):
        response.unmark()
    assert "<strong>17 people (74%)</strong> of the 23 who answered" in public_page(client, published)


def test_undoing_an_import_renews_the_cached_counts(client, published, officer, django_capture_on_commit_callbacks):
    batch = ImportBatch.objects.create(
        questionnaire=published.questionnaire, file_name="paper.csv", file_sha256="0" * 64
    )
    Response.objects.filter(pk=an_agreeing_response(published).pk).update(import_batch=batch)
    assert "23 people responded" in public_page(client, published)
    with django_capture_on_commit_callbacks(execute=True):
        batch.undo(officer, "The wrong file")
    assert "22 people responded" in public_page(client, published)


def test_a_paper_response_keyed_in_after_publishing_renews_the_cached_counts(
    client, published, officer, django_capture_on_commit_callbacks
):
    assert "23 people responded" in public_page(client, published)
    with django_capture_on_commit_callbacks(execute=True):
        paper = Response.objects.create(questionnaire=published.questionnaire, channel=Response.Channel.PAPER,
                                        entered_by=officer)  # fmt: skip
        Answer.objects.create(response=paper, question=Question.objects.get(code="outcomes"),
                              value={"choice": "strongly_agree", "other": ""})  # fmt: skip
        submission.submit(paper)
    html = public_page(client, published)
    assert "24 people responded" in html
    assert "<strong>18 people (75%)</strong> of the 24 who answered" in html


def test_recoding_themes_renews_the_cached_theme_figure(
    client, plan, analyst, django_capture_on_commit_callbacks
):
    why = Question.objects.get(code="why")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            Answer.objects.create(response=response, question=why, value={"text": f"It is too long ({number})"})
            for number, response in enumerate(Response.objects.filter(questionnaire__consultation=plan)[:16])
        ]
        codeframe = Codeframe.objects.create(question=why)
        too_long = themes.add_theme(codeframe, analyst, TOO_LONG)
        themes.code_answers(codeframe, analyst, {answer.pk: [too_long.pk] for answer in answers})
        entry = WeDidEntry.objects.create(consultation=plan, you_said="The Plan was too long",
                                          action=WeDidEntry.Action.CHANGED, we_did="It was made shorter.")  # fmt: skip
        entry.themes.set([too_long])
        plan.publish_outcome()
    assert "<strong>16 people (100%)</strong> of the 16 who commented" in public_page(client, plan)
    codeframe = Codeframe.objects.get(pk=codeframe.pk)  # as a later request finds it
    with django_capture_on_commit_callbacks(execute=True):
        themes.code_answers(codeframe, analyst, {answer.pk: [] for answer in answers[:6]})
    assert "<strong>10 people (63%)</strong> of the 16 who commented" in public_page(client, plan)


def test_nothing_is_renewed_while_no_counts_are_shown(plan, officer, django_capture_on_commit_callbacks):
    """Before the outcome is published the page shows no counts: marking responses then (as
    happens all through the analysis) leaves every cached public page as it is."""
    before = Revision.current()
    with django_capture_on_commit_callbacks(execute=True):
        an_agreeing_response(plan).mark_withdrawn(officer, "Sent by mistake")
    Revision.forget()
    assert Revision.current() == before
