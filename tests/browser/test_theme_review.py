"""An analyst reviews a question's codeframe in Chromium, by keyboard-reachable forms, with axe-core finding nothing."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.analysis.models import Quote
from haveyoursay.analysis.themes import staff as theme_staff
from haveyoursay.analysis.themes import tasks as theme_tasks
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.jobs.models import Job
from haveyoursay.reports.generating import generate_report_impl
from tests.analysis.test_themes_workflow import analyst, question  # noqa: F401 (fixtures)
from tests.browser.test_staff_publishing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def codeframe(question):  # noqa: F811
    frame = themes.suggest_codeframe(question)
    themes.apply_codeframe(frame)
    return frame


def codeframe_path(question):  # noqa: F811
    return f"/staff/consultations/{question.page.questionnaire.consultation_id}/themes/why/"


def test_an_analyst_renames_a_theme_and_codes_answers(page, analyst, question, codeframe, axe_check):  # noqa: F811
    first = codeframe.themes.filter(nothing_to_add=False).first()
    sign_in(page, analyst)
    page.goto(codeframe_path(question))
    expect(page.get_by_role("heading", level=1)).to_have_text("Why do you say this?")
    expect(page.get_by_role("table", name="Themes")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=first.label).click()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Breaks for carers")
    page.get_by_role("button", name="Save name and description").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Breaks for carers")

    page.goto(codeframe_path(question) + "next/")
    axe_check(page)
    for number in range(1, 6):
        page.get_by_role("group", name=f"Themes of answer {number}").get_by_label("None of these").check()
    page.get_by_role("button", name="Save and show more").click()
    expect(page.get_by_text("5 answers coded.")).to_be_visible()
    assert codeframe.codings.filter(coded_at__isnull=False).count() == 5

    page.goto(codeframe_path(question) + "review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers the machine was unsure of")
    axe_check(page)


def test_the_codeframe_page_shows_background_work_under_way(page, analyst, question, codeframe, axe_check):  # noqa: F811
    # Queued and not yet picked up: here every job would run at once, so it is recorded, not started.
    Job.objects.create(
        kind=Job.Kind.ANALYSIS, title="Apply the themes for why", consultation=question.page.questionnaire.consultation,
        requested_by=analyst, task_path=theme_tasks.apply_codeframe.module_path, subject=theme_tasks.job_subject(question),
    )
    sign_in(page, analyst)
    page.goto(codeframe_path(question))
    panel = page.locator("#job-progress")
    expect(panel).to_contain_text("Apply the themes for why")
    expect(panel).to_contain_text("Waiting to start")
    expect(panel.get_by_role("link", name="follow the job")).to_be_visible()
    axe_check(page)


def test_paging_through_a_themes_answers_and_moving_some_by_keyboard(
    page, analyst, question, codeframe, axe_check, monkeypatch  # noqa: F811
):
    monkeypatch.setattr(theme_staff, "THEME_ANSWERS_PER_PAGE", 5)
    theme = max(codeframe.themes.all(), key=lambda t: t.assignments.count())
    target = codeframe.themes.exclude(pk=theme.pk).first()
    sign_in(page, analyst)
    page.goto(codeframe_path(question) + f"{theme.pk}/")
    pages = page.get_by_role("navigation", name="Pages of this theme's answers")
    pages.get_by_role("link", name="Next page").click()
    expect(page.get_by_text(re.compile(r"Answers 6 to \d+ of"))).to_be_visible()
    axe_check(page)

    # Forgetting where to move them keeps the page, and the ticks, and says what to do.
    answers = page.get_by_role("group", name="Answers to move").get_by_role("checkbox")
    answers.first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    chosen = [int(answers.nth(n).get_attribute("value")) for n in range(2)]
    page.get_by_role("button", name="Move answers").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a theme to move them to")
    expect(page.get_by_text(re.compile(r"Answers 6 to \d+ of"))).to_be_visible()
    expect(answers.nth(0)).to_be_checked()
    expect(answers.nth(1)).to_be_checked()
    axe_check(page)

    summary.get_by_role("link", name="Choose a theme to move them to").click()
    page.get_by_label("Move them to").select_option(label=target.label)
    page.get_by_role("button", name="Move answers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"2 answers moved to “{target.label}”.")).to_be_visible()
    assert page.url.endswith("?page=2")
    assert set(target.assignments.filter(answer_id__in=chosen).values_list("answer_id", flat=True)) == set(chosen)


def test_approving_quotes_by_keyboard_comes_back_to_each_quote(page, analyst, question, codeframe, axe_check):  # noqa: F811
    sign_in(page, analyst)
    page.goto(codeframe_path(question) + "quotes/")
    page.get_by_role("button", name="Put forward candidate quotes").click()
    expect(page.get_by_text(re.compile(r"\d+ candidate quotes? put forward"))).to_be_visible()
    axe_check(page)
    for _ in range(2):
        page.get_by_role("button", name="Approve this quote").first.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("The quote is approved for the published report.")).to_be_attached()
        quote = Quote.objects.filter(approved_at__isnull=False).order_by("-approved_at").first()
        assert page.url.endswith(f"#quote-{quote.pk}")
        expect(page.locator(f"#quote-{quote.pk}")).to_contain_text("Approved by Ana Lyst")
    assert Quote.objects.filter(theme__codeframe=codeframe, approved_by=analyst).count() == 2
    axe_check(page)


def hold_back_an_application(codeframe):
    """An application held back for the analyst, as `apply_codeframe` stores one: here a sixth of the
    machine's answers moved to the first theme and the smallest theme emptied."""
    ids = [comment.answer_id for comment in themes.load_comments(codeframe.question)]
    theme_ids = list(codeframe.themes.order_by("position").values_list("pk", flat=True))
    smallest = min(codeframe.themes.all(), key=lambda theme: theme.assignments.count()).pk
    given = []
    for number, (theme_id, answer_id, confidence) in enumerate(
        themes.ThemeAssignment.objects.filter(theme__codeframe=codeframe).order_by("pk")
        .values_list("theme_id", "answer_id", "confidence")
    ):
        if theme_id == smallest or number % 6 == 0:
            theme_id = next(pk for pk in theme_ids if pk not in (smallest, theme_id))
        given.append((theme_id, answer_id, confidence))
    change = themes.compare_application(codeframe, ids, set(), given)
    assert change.needs_acceptance()
    themes.ProposedAssignment.objects.bulk_create(
        themes.ProposedAssignment(codeframe=codeframe, theme_id=t, answer_id=a, confidence=c) for t, a, c in given
    )
    codeframe.proposal = change.as_dict()
    codeframe.save(update_fields=["proposal"])


def test_every_themes_page_fits_a_phone_screen(mobile_page, analyst, question, codeframe, axe_check):  # noqa: F811
    page = mobile_page
    consultation = question.page.questionnaire.consultation
    hold_back_an_application(codeframe)
    themes.choose_quotes(codeframe)
    generate_report_impl(consultation.pk)
    theme = max(codeframe.themes.all(), key=lambda theme: theme.assignments.count())
    sign_in(page, analyst)
    for path, shows in [
        (f"/staff/consultations/{consultation.pk}/themes/", "Themes in the comments"),
        (codeframe_path(question), "What the new application would change"),  # with the campaign and the proposal
        (codeframe_path(question) + f"{theme.pk}/", "Its answers"),
        (codeframe_path(question) + "review/", "Answers the machine was unsure of"),
        (codeframe_path(question) + "next/", "Code the next answers"),
        (codeframe_path(question) + "agreement/", "Agreement"),
        (codeframe_path(question) + "quotes/", "Quotes for the report"),
        (f"/staff/consultations/{consultation.pk}/comments/why/", "Why do you say this?"),
        (f"/staff/consultations/{consultation.pk}/report/", theme.label),  # the report's themes section
    ]:
        page.goto(path)
        expect(page.locator("main")).to_contain_text(shows)
        # WCAG 1.4.10 Reflow: nothing wider than the phone, so no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        axe_check(page)
    page.goto(codeframe_path(question))
    expect(page.get_by_text("Campaign responses")).to_be_visible()
    row = page.get_by_role("table", name="Themes").get_by_role("row").filter(has_text=theme.label)
    expect(row.get_by_text(f"Answers: {theme.assignments.count()}")).to_be_visible()
