"""The theme pages in the staff site, who may use them, and the themes in the engagement report."""

import pytest
from django.urls import reverse

from haveyoursay.analysis import themes, themes_report
from haveyoursay.analysis.models import AnswerCoding, Codeframe, Quote, ThemeAssignment
from haveyoursay.jobs.models import Job
from haveyoursay.reports.document import BulletList, Paragraph, Table
from haveyoursay.reports.generating import data_fingerprint
from tests.analysis.test_themes_workflow import analyst, answer_ids_with, question  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, analyst):  # noqa: F811
    client.force_login(analyst)
    return client


def url(name, question, *args):  # noqa: F811
    return reverse(f"analysis_staff:{name}", args=[question.page.questionnaire.consultation_id, question.code, *args])


@pytest.fixture
def codeframe(question):  # noqa: F811
    frame = themes.suggest_codeframe(question)
    themes.apply_codeframe(frame)
    return frame


def test_analysts_and_officers_review_codeframes_viewers_and_outsiders_may_not(
    question, codeframe, analyst_client, officer_client, viewer_client, outsider_client  # noqa: F811
):
    theme = codeframe.themes.first()
    pages = [url("codeframe", question), url("theme", question, theme.pk), url("code_next", question), url("quotes", question)]
    for client in (analyst_client, officer_client):
        for page in pages:
            assert client.get(page).status_code == 200, page
    for client in (viewer_client, outsider_client):
        for page in pages:
            assert client.get(page).status_code == 403, page
        assert client.post(url("add_theme", question), {"label": "Transport"}).status_code == 403
    assert not codeframe.themes.filter(label="Transport").exists()


def test_the_review_page_shows_each_theme_with_its_count_share_and_typical_answers(question, codeframe, analyst_client):  # noqa: F811
    page = analyst_client.get(url("codeframe", question)).content.decode()
    counts = themes.theme_counts(codeframe)
    for theme in codeframe.themes.all():
        assert theme.label in page
        assert f"{round(100 * counts[theme.pk] / 60)}%" in page
    assert "a campaign response, 10 copies" in page.lower()
    assert "Not measured" in page


def test_suggesting_from_the_page_runs_as_a_job_and_links_to_it(question, analyst_client, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(url("suggest_themes", question))
    job = Job.objects.get()
    assert response.url == reverse("jobs_staff:job", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert Codeframe.objects.get(question=question).state == Codeframe.State.APPLIED


def test_editing_through_the_pages(question, codeframe, analyst_client, analyst):  # noqa: F811
    first, second = codeframe.themes.filter(nothing_to_add=False)[:2]
    response = analyst_client.post(url("theme", question, first.pk), {"label": "Breaks for carers", "description": ""})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.label == "Breaks for carers"
    assert analyst_client.post(url("add_theme", question), {"label": ""}).status_code == 400
    analyst_client.post(url("merge_themes", question), {"themes": [first.pk, second.pk], "label": "Breaks and money"})
    first.refresh_from_db()
    assert first.label == "Breaks and money" and not codeframe.themes.filter(pk=second.pk).exists()
    moving = list(first.assignments.values_list("answer_id", flat=True)[:1])
    analyst_client.post(url("move_answers", question, first.pk), {"answers": moving, "to_theme": "none"})
    assert not ThemeAssignment.objects.filter(answer_id__in=moving).exists()
    assert AnswerCoding.objects.get(codeframe=codeframe, answer_id=moving[0]).coded_by == analyst


def test_coding_the_next_answers_saves_them_as_the_persons_and_queues_retraining(
    question, codeframe, analyst_client, analyst, django_capture_on_commit_callbacks  # noqa: F811
):
    shown = themes.next_to_code(codeframe, 5)
    theme = codeframe.themes.first()
    data = {"shown": [a.pk for a in shown]}
    data.update({f"answer_{a.pk}": [str(theme.pk)] for a in shown[:-1]})
    assert analyst_client.post(url("code_next", question), data).status_code == 400  # the last one left uncoded
    data[f"answer_{shown[-1].pk}"] = ["none"]
    with django_capture_on_commit_callbacks(execute=True):
        assert analyst_client.post(url("code_next", question), data).status_code == 302
    for answer in shown[:-1]:
        assert [(a.theme_id, a.assigned_by) for a in ThemeAssignment.objects.filter(answer=answer)] == [(theme.pk, analyst)]
    assert not ThemeAssignment.objects.filter(answer=shown[-1]).exists()
    assert Job.objects.get().state == Job.State.SUCCEEDED
    assert not {a.pk for a in shown} & {a.pk for a in themes.next_to_code(codeframe, 50)}


def test_the_agreement_page_shows_kappa_for_the_blind_sample(question, codeframe, analyst_client):  # noqa: F811
    analyst_client.post(url("agreement", question), {"action": "draw"})
    page = analyst_client.get(url("agreement", question)).content.decode()
    assert "0 of 50 sampled answers coded blind" in page
    items = list(codeframe.agreement_sample.all()[:5])
    machine = themes.themes_of_answers(codeframe, [item.answer_id for item in items])
    # The blind form shows the answers and no machine themes.
    assert "Now:" not in page
    data = {"shown": [item.answer_id for item in items]}
    data.update({f"answer_{pk}": [str(a.theme_id) for a in rows] or ["none"] for pk, rows in machine.items()})
    assert analyst_client.post(url("agreement", question), data).status_code == 302
    page = analyst_client.get(url("agreement", question)).content.decode()
    assert "Agreement per theme" in page and "1.00" in page


def test_quotes_are_approved_on_their_page_and_only_approved_ones_reach_the_public_report(
    question, codeframe, analyst_client  # noqa: F811
):
    consultation = question.page.questionnaire.consultation
    before = data_fingerprint(consultation)
    analyst_client.post(url("quotes", question))
    candidates = list(Quote.objects.filter(theme__codeframe=codeframe))
    assert candidates
    approved, unapproved = candidates[0], candidates[1]
    analyst_client.post(url("decide_quote", question, approved.pk), {"decision": "approve"})
    assert data_fingerprint(consultation) != before

    public = themes_report.blocks(consultation, public=True)["why"]
    text = " ".join(
        " ".join(block.items) if isinstance(block, BulletList) else block.text if isinstance(block, Paragraph) else block.caption
        for block in public
    )
    assert approved.text in text and unapproved.text not in text
    assert "more than 100%" in next(block for block in public if isinstance(block, Table)).notes[0]
    assert "10 times" in text and "Loughborough" not in text  # the campaign reported, its words not published
    table = next(block for block in public if isinstance(block, Table))
    counts = themes.theme_counts(codeframe)
    assert sorted(row[1] for row in table.rows if row[0] != "Other or unclear") == sorted(counts.values())


def test_themes_nobody_has_reviewed_stay_out_of_the_public_report(question, codeframe, analyst):  # noqa: F811
    consultation = question.page.questionnaire.consultation
    assert themes_report.blocks(consultation, public=True)["why"] == []
    staff = themes_report.blocks(consultation, public=False)["why"]
    table = next(block for block in staff if isinstance(block, Table))
    assert "not yet been reviewed" in table.notes[1]

    theme = codeframe.themes.exclude(nothing_to_add=True).first()
    themes.rename_theme(theme, analyst, "Breaks for carers")
    public = themes_report.blocks(consultation, public=True)["why"]
    assert "Breaks for carers" in [row[0] for row in next(b for b in public if isinstance(b, Table)).rows]
