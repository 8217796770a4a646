"""The theme pages in the staff site, who may use them, and the themes in the engagement report."""

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from haveyoursay.analysis.models import AnswerCoding, Codeframe, Quote, ThemeAssignment
from haveyoursay.analysis.themes import report as themes_report
from haveyoursay.analysis.themes import staff as theme_staff
from haveyoursay.analysis.themes import tasks as theme_tasks
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import record_failure
from haveyoursay.reports.document import BulletList, Paragraph, Table
from haveyoursay.reports.generating import data_fingerprint
from haveyoursay.surveys.demo_responses import CARERS_THEMES, sentence_from
from haveyoursay.surveys.models import Answer
from tests.analysis.test_themes_workflow import (  # noqa: F401 (fixtures)
    add_responses,
    analyst,
    answer_ids_with,
    question,
)

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
    assert "10 identical copies" in page and "Keep the carers centre in Loughborough open" in page
    assert "Online: 10" in page and "No copy was imported" in page
    assert "at least 100 characters" in page
    assert "Not measured" in page


def test_suggesting_from_the_page_runs_as_a_job_and_comes_back_to_the_codeframe(
    question, analyst_client, django_capture_on_commit_callbacks  # noqa: F811
):
    with django_capture_on_commit_callbacks(execute=True):
        response = analyst_client.post(url("suggest_themes", question))
    assert response.url == url("codeframe", question)
    job = Job.objects.get()
    assert job.state == Job.State.SUCCEEDED
    assert Codeframe.objects.get(question=question).state == Codeframe.State.APPLIED
    page = analyst_client.get(response.url).content.decode()
    assert "data-job-state" not in page  # done: the themes themselves are the news
    assert "Suggesting themes in the background" not in page


def test_the_codeframe_page_shows_a_job_under_way_and_one_that_failed(question, codeframe, analyst_client, analyst):  # noqa: F811
    consultation = question.page.questionnaire.consultation
    job = theme_tasks.start_applying(consultation, codeframe, analyst)  # queued; no worker runs it here
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert 'data-job-state="queued"' in page and "Waiting to start" in page
    assert reverse("jobs_staff:job", args=[job.pk]) in page
    assert "from before it finished" in page

    record_failure(job.pk, "The codeframe has no themes: add at least one theme, then apply it.")
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert 'data-job-state="failed"' in page and "add at least one theme, then apply it" in page


def test_a_suggestion_under_way_is_found_by_its_question_not_its_title(question, analyst_client, analyst):  # noqa: F811
    consultation = question.page.questionnaire.consultation
    job = theme_tasks.start_suggesting(consultation, question, analyst)  # queued; no worker runs it here
    # The code in the job's title is no longer the question's: the job is still its.
    type(question).objects.filter(pk=question.pk).update(code="why_carers")
    question.code = "why_carers"
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert 'data-job-state="queued"' in page and reverse("jobs_staff:job", args=[job.pk]) in page


def test_asking_to_apply_while_an_application_is_waiting_queues_no_second_one(question, codeframe, analyst_client):  # noqa: F811
    first = analyst_client.post(url("apply_themes", question))
    second = analyst_client.post(url("apply_themes", question), follow=True)
    assert first.url == url("codeframe", question)
    assert Job.objects.filter(state=Job.State.QUEUED).count() == 1
    assert "already waiting to be applied" in second.content.decode()


def test_the_codeframe_page_costs_the_same_queries_however_many_themes(question, codeframe, analyst_client, analyst):  # noqa: F811
    analyst_client.get(url("codeframe", question))  # sessions and permissions cached, as on any later visit
    with CaptureQueriesContext(connection) as before:
        analyst_client.get(url("codeframe", question))
    answers = list(themes.load_comments(question))[:6]
    for number in range(3):
        added = themes.add_theme(codeframe, analyst, f"Added theme {number}")
        for comment in answers[number * 2: number * 2 + 2]:
            ThemeAssignment.objects.get_or_create(theme=added, answer_id=comment.answer_id)
    with CaptureQueriesContext(connection) as after:
        page = analyst_client.get(url("codeframe", question)).content.decode()
    assert len(after) == len(before)
    assert answers[0].text[:40] in page  # the added theme's typical answer is shown


def test_typical_answers_are_a_persons_first_then_the_machines(question, codeframe, analyst):  # noqa: F811
    theme = codeframe.themes.exclude(nothing_to_add=True).first()
    machine = list(theme.assignments.order_by("-confidence").values_list("answer_id", flat=True))
    chosen = machine[-1]
    themes.code_answers(codeframe, analyst, {chosen: [theme.pk]})
    typical = [answer.pk for answer in themes.typical_answers(codeframe)[theme.pk]]
    assert typical[0] == chosen and len(typical) == 3 and set(typical[1:]) <= set(machine) - {chosen}
    assert all(len(answers) <= 3 for answers in themes.typical_answers(codeframe).values())


def demo_comments(template, how_many, seed):
    """Comments as the demo writes them (`surveys/demo_responses.py`): the carers' template that says
    `template`, its alternatives drawn, after another of the carers' sentences about breaks."""
    rng = random.Random(seed)
    breaks = CARERS_THEMES["breaks"]
    saying = [sentence for sentence in breaks if template in sentence]
    others = [sentence for sentence in breaks if "coping" not in sentence and "short notice" not in sentence]
    return [f"{sentence_from(rng, others)} {sentence_from(rng, saying)}" for _ in range(how_many)]


def test_typical_answers_say_what_the_themes_answers_say_not_what_its_description_quotes(
    question, codeframe, analyst  # noqa: F811
):
    # As in the demo: a theme of carers for whom a few hours a week would make the difference, whose
    # description quotes "short notice" (two of its answers say it), and which the machine gave, surest of
    # all, two answers about arranging respite at short notice.
    coping = demo_comments("difference between coping and not coping", 6, seed=1)
    short_notice = demo_comments("short notice", 2, seed=2)
    add_responses(question.page.questionnaire, coping + short_notice)
    answer_of = dict(Answer.objects.filter(question=question).values_list("value__text", "pk"))
    theme = themes.add_theme(
        codeframe, analyst, "Difference between coping and not coping",
        "People also wrote: “short notice”, “a few hours”.",
    )
    for confidence, text in zip((0.99, 0.98, 0.9, 0.88, 0.86, 0.84, 0.82, 0.8), short_notice + coping):
        ThemeAssignment.objects.create(theme=theme, answer_id=answer_of[text], confidence=confidence)

    typical = [answer.value["text"] for answer in themes.typical_answers(codeframe)[theme.pk]]
    assert len(typical) == 3 and set(typical) <= set(coping), typical
    # A person's code comes first, typical or not.
    themes.code_answers(codeframe, analyst, {answer_of[short_notice[1]]: [theme.pk]})
    typical = [answer.value["text"] for answer in themes.typical_answers(codeframe)[theme.pk]]
    assert typical[0] == short_notice[1] and set(typical[1:]) <= set(coping), typical


def test_quotes_are_chosen_as_typical_answers_are_not_as_the_machines_surest(question, codeframe, analyst):  # noqa: F811
    # The same theme as above: the two answers about short notice are the machine's surest, and say
    # something else than the theme's answers say together; one consenting answer is too short to quote.
    coping = demo_comments("difference between coping and not coping", 6, seed=1)
    short_notice = demo_comments("short notice", 2, seed=2)
    add_responses(question.page.questionnaire, coping + short_notice + ["Coping is hard."])
    answer_of = dict(Answer.objects.filter(question=question).values_list("value__text", "pk"))
    theme = themes.add_theme(
        codeframe, analyst, "Difference between coping and not coping",
        "People also wrote: “short notice”, “a few hours”.",
    )
    confidences = (1.0, 0.99, 0.98, 0.9, 0.88, 0.86, 0.84, 0.82, 0.8)
    for confidence, text in zip(confidences, ["Coping is hard."] + short_notice + coping):
        ThemeAssignment.objects.create(theme=theme, answer_id=answer_of[text], confidence=confidence)

    themes.choose_quotes(codeframe)
    quoted = list(theme.quotes.values_list("text", flat=True))
    assert len(quoted) == themes.QUOTES_PER_THEME and set(quoted) <= set(coping), quoted
    # An approved quote stays, and is not put forward a second time; a person's code comes first.
    approved = theme.quotes.get(text=quoted[0])
    themes.approve_quote(approved, analyst)
    themes.code_answers(codeframe, analyst, {answer_of[short_notice[1]]: [theme.pk]})
    themes.choose_quotes(codeframe)
    candidates = list(theme.quotes.filter(approved_at__isnull=True).order_by("pk").values_list("text", flat=True))
    assert theme.quotes.filter(approved_at__isnull=False).get() == approved
    assert candidates[0] == short_notice[1] and quoted[0] not in candidates and len(candidates) == themes.QUOTES_PER_THEME


def test_a_themes_answers_are_shown_a_page_at_a_time(question, codeframe, analyst_client, monkeypatch):  # noqa: F811
    monkeypatch.setattr(theme_staff, "THEME_ANSWERS_PER_PAGE", 5)
    theme = max(codeframe.themes.all(), key=lambda t: t.assignments.count())
    count = theme.assignments.count()
    assert count > 5
    first = analyst_client.get(url("theme", question, theme.pk)).content.decode()
    second = analyst_client.get(url("theme", question, theme.pk) + "?page=2").content.decode()
    assert f"Answers 1 to 5 of {count}" in first and f"Answers 6 to {min(10, count)} of {count}" in second
    assert "govuk-pagination" in first
    shown_first, shown_second = ticked_answers(first), ticked_answers(second)
    assert len(shown_first) == 5 and shown_second and not set(shown_first) & set(shown_second)
    assert set(shown_first) | set(shown_second) <= set(theme.assignments.values_list("answer_id", flat=True))


def ticked_answers(page, checked=False):
    """The answer pks the page offers to move (only those ticked, if `checked`)."""
    found = re.findall(r'<input class="govuk-checkboxes__input" id="move_answers_\d+" name="answers" type="checkbox" value="(\d+)"( checked)?', page)
    return [int(pk) for pk, ticked in found if ticked or not checked]


def test_moving_answers_from_a_later_page_comes_back_to_that_page(question, codeframe, analyst_client, monkeypatch):  # noqa: F811
    monkeypatch.setattr(theme_staff, "THEME_ANSWERS_PER_PAGE", 5)
    theme = max(codeframe.themes.all(), key=lambda t: t.assignments.count())
    target = codeframe.themes.exclude(pk=theme.pk).first()
    ordered = list(theme.assignments.order_by(*themes.PERSON_FIRST).values_list("answer_id", flat=True))
    moving = ordered[5:7]  # on page 2
    response = analyst_client.post(
        url("theme", question, theme.pk) + "?page=2",
        {"action": "move", "page": "2", "answers": moving, "to_theme": str(target.pk)},
    )
    assert response.status_code == 302 and response.url.endswith("?page=2")
    assert set(target.assignments.filter(answer_id__in=moving).values_list("answer_id", flat=True)) == set(moving)
    assert not theme.assignments.filter(answer_id__in=moving).exists()


def test_a_move_with_no_theme_chosen_shows_the_theme_page_again_with_the_answers_still_ticked(
    question, codeframe, analyst_client  # noqa: F811
):
    theme = max(codeframe.themes.all(), key=lambda t: t.assignments.count())
    chosen = list(theme.assignments.values_list("answer_id", flat=True)[:2])
    response = analyst_client.post(url("theme", question, theme.pk), {"action": "move", "page": "1", "answers": chosen})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"<title>Error: Theme: {theme.label}" in page
    assert "Choose a theme to move them to" in page and "Save name and description" in page
    assert sorted(ticked_answers(page, checked=True)) == sorted(chosen)
    assert set(theme.assignments.values_list("answer_id", flat=True)) >= set(chosen)


def test_an_answer_of_another_theme_cannot_be_moved_from_this_one(question, codeframe, analyst_client):  # noqa: F811
    theme, other = codeframe.themes.exclude(nothing_to_add=True)[:2]
    outsider = other.assignments.exclude(answer_id__in=theme.assignments.values("answer_id")).first().answer_id
    response = analyst_client.post(url("move_answers", question, theme.pk), {"answers": [outsider], "to_theme": "none"})
    assert response.status_code == 400
    assert other.assignments.filter(answer_id=outsider).exists()


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
    response = analyst_client.post(url("decide_quote", question, approved.pk), {"decision": "approve"})
    assert response.url == url("quotes", question) + f"#quote-{approved.pk}"  # back beside the quote just decided
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
    count_of = {theme.label: counts.get(theme.pk, 0) for theme in codeframe.themes.all()}
    shown = [(label, count) for label, count, *_ in table.rows if label in count_of and count is not None]
    assert shown and all(count_of[label] == count for label, count in shown)


def test_the_quotes_page_costs_the_same_queries_however_many_themes(question, codeframe, analyst_client, analyst):  # noqa: F811
    analyst_client.post(url("quotes", question))
    analyst_client.get(url("quotes", question))
    with CaptureQueriesContext(connection) as before:
        analyst_client.get(url("quotes", question))
    for number in range(3):
        themes.add_theme(codeframe, analyst, f"Added theme {number}")
    with CaptureQueriesContext(connection) as after:
        page = analyst_client.get(url("quotes", question)).content.decode()
    assert len(after) == len(before)
    assert "Added theme 2" in page and page.count("Approve this quote") == Quote.objects.filter(theme__codeframe=codeframe).count()


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


def test_stance_is_asked_for_only_where_an_analyst_says_the_question_wants_it(
    question, codeframe, analyst_client, viewer_client  # noqa: F811
):
    assert 'name="stance_' not in analyst_client.get(url("code_next", question)).content.decode()
    assert viewer_client.post(url("stance", question), {"asks_for_stance": "yes"}).status_code == 403
    refused = analyst_client.post(url("stance", question), {})
    assert refused.status_code == 400
    assert "Say whether the question asks for a view for or against" in refused.content.decode()

    assert analyst_client.post(url("stance", question), {"asks_for_stance": "yes"}).url == url("codeframe", question)
    codeframe.refresh_from_db()
    assert codeframe.asks_for_stance
    assert 'name="stance_' in analyst_client.get(url("code_next", question)).content.decode()
    assert "code each answer&#x27;s stance" in analyst_client.get(url("codeframe", question)).content.decode()

    analyst_client.post(url("stance", question), {"asks_for_stance": "no"})
    codeframe.refresh_from_db()
    assert not codeframe.asks_for_stance


def test_a_held_back_application_is_shown_and_reaches_the_figures_only_when_accepted(
    question, codeframe, analyst_client, analyst, monkeypatch  # noqa: F811
):
    monkeypatch.setattr(themes, "MAX_SHARE_MOVED", -1.0)  # every re-application waits
    theme = codeframe.themes.exclude(nothing_to_add=True).first()
    themes.code_answers(codeframe, analyst, {pk: [theme.pk] for pk in answer_ids_with(question, "respite")})
    machine_before = set(ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by=None).values_list("theme", "answer"))
    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.proposal
    machine_now = set(ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by=None).values_list("theme", "answer"))
    assert machine_now <= machine_before  # only the answers the person coded left the machine's
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert "The machine&#x27;s new application is waiting for you" in page or "The machine's new application is waiting for you" in page
    assert "What the new application would change" in page and "Other or unclear (no theme)" in page
    unsure = codeframe.proposed_codings.filter(needs_review=True).count()
    assert f"accepted, the machine would be unsure of {unsure} answer" in page

    response = analyst_client.post(url("decide_proposal", question), {"decision": "discard"})
    assert response.url == url("codeframe", question)
    codeframe.refresh_from_db()
    assert codeframe.proposal == {} and not codeframe.proposed_assignments.exists()
    assert set(ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by=None).values_list("theme", "answer")) == machine_now

    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    proposed = set(codeframe.proposed_assignments.values_list("theme", "answer"))
    analyst_client.post(url("decide_proposal", question), {"decision": "accept"})
    assert set(ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by=None).values_list("theme", "answer")) == proposed
    assert 'id="proposal"' not in analyst_client.get(url("codeframe", question)).content.decode()
    response = analyst_client.post(url("decide_proposal", question), {"decision": "accept"}, follow=True)
    assert "There is no new application waiting" in response.content.decode()


def test_suggested_names_are_phrases_people_wrote_and_unconfirmed_ones_are_flagged_until_a_person_saves_them(
    question, codeframe, analyst_client  # noqa: F811
):
    written = " ".join(answer.value["text"].lower() for answer in themes.comment_answers(question))
    for theme in codeframe.themes.filter(nothing_to_add=False):
        assert 2 <= len(theme.label.split()) <= 6 and ", " not in theme.label, theme.label
        assert theme.label.lower() in written, theme.label
        # The description says what else people wrote, in their words; the terms are shown once beside it.
        phrases = re.findall(r"“([^”]+)”", theme.description)
        assert theme.description == "" or theme.description.startswith("People also wrote: “"), theme.description
        assert all(phrase.lower() in written and phrase != theme.label for phrase in phrases), phrases
        assert ", ".join(theme.terms) not in theme.description
    assert any(theme.description for theme in codeframe.themes.all())
    unconfirmed = codeframe.themes.count()
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert f"{unconfirmed} theme names were made by the machine" in page and "Name not confirmed" in page
    # The words that set each theme apart, once each.
    assert page.count("Words that set it apart") == sum(1 for theme in codeframe.themes.all() if theme.terms)
    consultation = question.page.questionnaire.consultation
    report_page = analyst_client.get(reverse("reports_staff:report", args=[consultation.pk])).content.decode()
    assert f"{unconfirmed} theme names in this report were made by the machine" in report_page

    for theme in codeframe.themes.all():
        analyst_client.post(url("theme", question, theme.pk), {"label": theme.label, "description": theme.description})
    assert not themes.unconfirmed_names([codeframe]).exists()
    assert "Name not confirmed" not in analyst_client.get(url("codeframe", question)).content.decode()
    report_page = analyst_client.get(reverse("reports_staff:report", args=[consultation.pk])).content.decode()
    assert "made by the machine" not in report_page


def test_the_review_page_counts_the_answers_with_no_theme_as_the_report_does(question, codeframe, analyst_client, analyst):  # noqa: F811
    # Five answers a person coded "None of these": they have no theme, and are "Other or unclear".
    coded = answer_ids_with(question, "")[:5]
    themes.code_answers(codeframe, analyst, {pk: [] for pk in coded})
    without = themes.count_comments(question) - themes.count_themed(codeframe)
    assert without >= 5

    page = analyst_client.get(url("codeframe", question)).content.decode()

    row = re.search(r'<tr[^>]*id="other-or-unclear".*?</tr>', page, re.S).group(0)
    assert "Other or unclear (no theme)" in row and f'data-answers="{without}"' in row
    table = next(block for block in themes_report.blocks(codeframe.question.page.questionnaire.consultation, public=False)["why"]
                 if isinstance(block, Table))
    assert [themes_report.OTHER, without] == table.rows[-1][:2]


def test_the_page_names_the_themes_learnt_from_peoples_codes_and_says_when_one_began_to_be(
    question, codeframe, analyst, analyst_client, monkeypatch  # noqa: F811
):
    # Sixty comments: a theme stands on people's codes here once they have given it to ten.
    monkeypatch.setattr(themes, "PERSON_CODED_PER_THEME", 10)
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert 'id="learnt-from-people"' not in page and 'id="learning-changed"' not in page
    money = themes.add_theme(codeframe, analyst, "Money")
    coded = {
        answer.pk: [money.pk] if "allowance" in answer.value["text"] or "money" in answer.value["text"] else []
        for answer in themes.comment_answers(question).order_by("pk")[:30]
    }
    themes.code_answers(codeframe, analyst, coded)
    before = codeframe.events.filter(action="applied").first().detail["needs_review"]
    after = themes.apply_codeframe(codeframe)["needs_review"]

    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert "Learnt from people's codes alone, because people have coded enough of their answers: “Money”." in page
    changed = re.search(r'id="learning-changed">(.*?)</div>', page, re.S).group(1)
    assert "began learning “Money” from people's codes alone" in changed
    assert f"the answers it was unsure of went from {before} to {after}" in changed
    # Applied again with nothing new handed over, the page names the theme but reports no change.
    themes.apply_codeframe(codeframe)
    page = analyst_client.get(url("codeframe", question)).content.decode()
    assert "“Money”" in page and 'id="learning-changed"' not in page
