"""An officer imports responses from another survey tool: uploads a CSV, matches its columns to
the Carers Strategy questions, checks it, sees a bad row listed by row and column, uploads the
corrected file, checks it again and imports it, with axe-core on every page; again without
JavaScript; and the page that waits for the check, at a phone's width.

Background work runs as soon as the request that queued it commits (tests/conftest.py), so the
check has finished by the time its page is shown. The waiting page is reached by putting the
check's job back as it was while a busy queue still held it, then letting it finish.
"""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from haveyoursay.jobs.models import Job
from haveyoursay.surveys.models import ImportBatch, Response
from tests.browser.test_responding_journey import tab_to
from tests.browser.test_staff_publishing import sign_in
from tests.surveys.conftest import questionnaire  # noqa: F401 (a fixture)

VISION = "To what extent do you agree or disagree with the proposed vision?"
HEADINGS = ["ID", VISION, "Why do you say this?", "How do you find out about support for carers?", "Comments"]
GOOD_ROWS = [
    ["LLR-001", "Tend to agree", "Carers need recognising as carers sooner.", "GP surgery; Friends and family", ""],
    ["LLR-002", "Strongly agree", "", "Council website", "More short breaks for carers, please."],
    ["LLR-003", "Strongly disagree", "Respite is hard to find in Melton.", "", ""],
    ["LLR-004", "", "", "", ""],  # a reference and nothing else: skipped, and said so
]
BAD_ROWS = [GOOD_ROWS[0], ["LLR-002", "Quite keen", *GOOD_ROWS[1][2:]], *GOOD_ROWS[2:]]


@pytest.fixture(autouse=True)
def server(live_server):
    """Every test here drives the live server, which also makes relative URLs work."""
    return live_server


def csv_file(path, rows):
    out = io.StringIO()
    csv.writer(out).writerows([HEADINGS, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def activate(page, locator, keyboard=True):
    """Follow a link or press a button: by the Tab and Enter keys, or else with the mouse."""
    if keyboard:
        tab_to(page, locator)
        page.keyboard.press("Enter")
    else:
        locator.click()


def upload(page, file, javascript):
    expect(page.get_by_role("heading", level=1)).to_have_text("Import responses")
    # Choosing a file opens the system's own dialog, which no page test can drive.
    page.get_by_label("File of responses").set_input_files(file)
    activate(page, page.get_by_role("button", name="Upload file"), keyboard=javascript)


def match_columns(page, javascript, axe_check=None, as_before=None):
    """Check what was matched by heading, match the column that was not, and run the check; or,
    for a corrected file `as_before` another with the same headings, check it is matched as that was."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns to the questions")
    expect(page.get_by_label(VISION)).to_have_value("vision")
    if axe_check is not None:
        axe_check(page)
    comments = page.get_by_label("Comments")
    if as_before:
        expect(page.get_by_text(f"The columns are matched as you matched them for “{as_before}”")).to_be_visible()
        expect(comments).to_have_value("anything_else")
    else:
        expect(page.get_by_text("4 of the 5 columns have been matched for you")).to_be_visible()
        expect(comments).to_have_value("")
        if javascript:
            tab_to(page, comments)
        comments.select_option("anything_else")
    activate(page, page.get_by_role("button", name="Check the file"), keyboard=javascript)


def token_of(page):
    return re.search(r"/import/([^/]+)/check/", page.url).group(1)


def run_import_journey(page, officer, questionnaire, axe_check, tmp_path, javascript=True):  # noqa: F811
    sign_in(page, officer)
    activate(page, page.get_by_role("link", name=questionnaire.consultation.title), keyboard=javascript)
    activate(page, page.get_by_role("link", name="Import responses from another survey tool"), keyboard=javascript)
    expect(page.get_by_role("heading", level=1)).to_have_text("Import responses")
    axe_check(page)

    # The first file has an answer that is not on the scale, in its second row of responses.
    upload(page, csv_file(tmp_path / "carers-survey.csv", BAD_ROWS), javascript)
    match_columns(page, javascript, axe_check)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the file")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The file has 1 problem")
    problems = page.get_by_role("table", name="Problems to fix")
    expect(problems.get_by_role("row")).to_have_count(2)  # the headings, and the one problem
    expect(problems.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["3", VISION, f"‘{VISION}’: “Quite keen” is not one of: Strongly agree, Tend to agree, Neither agree nor "
                      "disagree, Tend to disagree, Strongly disagree, Don't know. Change it to one of these answers"]
    )
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    axe_check(page)
    assert not Response.objects.exists()

    # While the check is still queued, the page waits for it; it goes on to the result once done.
    token = token_of(page)
    job = Job.objects.get(title="Check a file of responses before importing it")
    Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED, started_at=None, finished_at=None)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checking the file")
    expect(page.get_by_role("status")).to_contain_text("Waiting to start")
    axe_check(page)
    Job.objects.filter(pk=job.pk).update(state=Job.State.SUCCEEDED, finished_at=timezone.now())
    if not javascript:
        activate(page, page.get_by_role("link", name="Check again whether this has finished"), keyboard=False)
    # With JavaScript the page looks again by itself, within a few seconds.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the file")
    assert token_of(page) == token
    expect(page.get_by_role("table", name="Problems to fix")).to_be_visible()

    # The corrected file: checked again, then imported.
    activate(page, page.get_by_role("link", name="Upload a corrected file"), keyboard=javascript)
    upload(page, csv_file(tmp_path / "carers-survey-corrected.csv", GOOD_ROWS), javascript)
    match_columns(page, javascript, as_before="carers-survey.csv")  # the same page as before, checked with axe
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the file")
    expect(page).not_to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Rows that will be imported3")
    axe_check(page)
    activate(page, page.get_by_role("button", name="Import 3 responses"), keyboard=javascript)

    expect(page.get_by_role("heading", level=1)).to_have_text("Responses imported")
    expect(page.locator(".govuk-panel__body")).to_have_text("3 responses from carers-survey-corrected.csv")
    skipped = "4 rows read: 3 imported, 1 row skipped with no answers in the matched columns."
    expect(page.get_by_text(skipped)).to_be_visible()
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Rows read4")
    expect(summary).to_contain_text("Responses imported3")
    expect(summary).to_contain_text("Rows skipped1")
    axe_check(page)

    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.row_count, batch.rows_in_file, batch.skipped_no_answers) == (
        "carers-survey-corrected.csv", 3, 4, 1
    )
    imported = Response.objects.filter(import_batch=batch)
    assert set(imported.values_list("channel", flat=True)) == {Response.Channel.IMPORT}
    first = imported.get(answers__value__text="Carers need recognising as carers sooner.")
    assert {answer.question.code: answer.value for answer in first.answers.select_related("question")} == {
        "vision": {"choice": "tend_to_agree", "other": ""},
        "why_vision": {"text": "Carers need recognising as carers sooner."},
        "find_out": {"choices": ["gp_surgery", "friends_and_family"], "other": ""},
    }
    assert imported.filter(answers__question__code="anything_else").count() == 1


def test_an_officer_checks_fixes_and_imports_a_file_by_keyboard(
    page, officer, questionnaire, axe_check, tmp_path  # noqa: F811
):
    run_import_journey(page, officer, questionnaire, axe_check, tmp_path)


def test_the_same_import_works_without_javascript(nojs_page, officer, questionnaire, axe_check, tmp_path):  # noqa: F811
    run_import_journey(nojs_page, officer, questionnaire, axe_check, tmp_path, javascript=False)


def test_the_page_waiting_for_a_check_at_a_phones_width(
    mobile_page, officer, questionnaire, axe_check, tmp_path  # noqa: F811
):
    page = mobile_page
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{questionnaire.consultation.pk}/import/")
    upload(page, csv_file(tmp_path / "carers-survey.csv", GOOD_ROWS), javascript=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns to the questions")
    # The mapping table fits the phone's screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the file")

    # A check a worker has started on, and reported part of, but not finished.
    Job.objects.filter(title="Check a file of responses before importing it").update(
        state=Job.State.RUNNING, progress_done=2, progress_total=4, progress_message="Checking the rows",
        heartbeat_at=timezone.now(), finished_at=None,
    )
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Checking the file")
    expect(page.get_by_role("status")).to_contain_text("In progress")
    expect(page.locator("#import-progress")).to_contain_text("2 of 4 (50%)")
    expect(page.get_by_role("link", name="Check again whether this has finished")).to_be_visible()
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    axe_check(page)


def test_dates_that_cant_be_right_and_a_file_too_big_to_open(
    page, officer, questionnaire, axe_check, tmp_path, settings, media_root  # noqa: F811
):
    """A date in the future is a problem to fix; dates before the consultation opened are
    imported once confirmed, by keyboard; a workbook that unpacks to too much is refused on the
    import page, and deleted."""
    today = timezone.localdate()
    opened = questionnaire.consultation.opens_on
    early, tomorrow = today - datetime.timedelta(days=30), today + datetime.timedelta(days=1)

    def dated_file(name, dates):
        out = io.StringIO()
        rows = [[f"LLR-{n:03}", day.strftime("%d/%m/%Y"), "Tend to agree"] for n, day in enumerate(dates, 1)]
        csv.writer(out).writerows([["ID", "Date received", VISION], *rows])
        (tmp_path / name).write_text(out.getvalue(), encoding="utf-8")
        return str(tmp_path / name)

    sign_in(page, officer)
    page.goto(f"/staff/consultations/{questionnaire.consultation.pk}/import/")
    upload(page, dated_file("dated.csv", [early, tomorrow, today]), javascript=True)
    expect(page.get_by_text("3 of the 3 columns have been matched for you")).to_be_visible()
    activate(page, page.get_by_role("button", name="Check the file"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The file has 1 problem")
    problems = page.get_by_role("table", name="Problems to fix")
    expect(problems.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["3", "Date received", re.compile(f"^“{tomorrow:%d/%m/%Y}” is in the future: no response can have been")]
    )
    early_rows = page.get_by_role("table", name="Responses dated before the consultation opened")
    expect(early_rows.get_by_role("row").nth(1).get_by_role("cell")).to_have_text(
        ["2", "Date received",
         f"Dated “{early:%d/%m/%Y}”, before the consultation opened on {opened.day} {opened:%B %Y}"]
    )
    expect(page.get_by_role("checkbox")).to_have_count(0)  # nothing to confirm until the problem is fixed
    axe_check(page)

    activate(page, page.get_by_role("link", name="Upload a corrected file"))
    upload(page, dated_file("dated-corrected.csv", [early, today, today]), javascript=True)
    activate(page, page.get_by_role("button", name="Check the file"))
    confirm = page.get_by_label(
        f"This response is dated before the consultation opened on {opened.day} {opened:%B %Y}: import it anyway"
    )
    expect(confirm).not_to_be_checked()
    activate(page, page.get_by_role("button", name="Import 3 responses"))
    expect(page).to_have_title(re.compile("^Error: Check the file"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Confirm that the 1 response dated before the consultation opened should be imported"
    )
    axe_check(page)
    assert not Response.objects.exists()
    tab_to(page, confirm)
    page.keyboard.press("Space")
    activate(page, page.get_by_role("button", name="Import 3 responses"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses imported")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Dated before the consultation opened1, imported as")
    assert Response.objects.filter(received_on=early).count() == 1

    settings.HAVEYOURSAY_IMPORT_MAX_UNPACKED_MB = 1
    bomb = tmp_path / "export.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as workbook:
        workbook.writestr("xl/worksheets/sheet1.xml", b" " * 2 * 1024 * 1024)
    page.goto(f"/staff/consultations/{questionnaire.consultation.pk}/import/")
    upload(page, str(bomb), javascript=True)
    expect(page).to_have_title(re.compile("^Error: Import responses"))
    message = "“export.xlsx” was not imported, and has been deleted from the server. The workbook unpacks to 2 MB"
    expect(page.locator(".govuk-error-summary")).to_contain_text(message)
    expect(page.locator("#id_file-error")).to_contain_text(message)
    axe_check(page)
    assert not [p for p in (media_root / "imports").iterdir() if p.suffix == ".xlsx"]
