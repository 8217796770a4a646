"""An officer finds an import of responses that stopped part-way, sees how far it got, and resumes
it by keyboard, or discards it; and follows one as its responses are written. axe-core on each
page, at a phone's width and a desktop's.

The import is stopped as a worker is, by an exception from inside it after its second chunk;
background work queued by a page runs as soon as its request commits (tests/conftest.py).
"""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import run_job
from haveyoursay.surveys import import_tasks, importing
from haveyoursay.surveys.models import ImportBatch, Response
from tests.browser.test_responding_journey import tab_to
from tests.browser.test_staff_publishing import sign_in
from tests.surveys.conftest import questionnaire  # noqa: F401 (a fixture)

CHUNK = 3
MAPPING = {"0": "@respondent_id", "1": "vision", "2": "why_vision"}


@pytest.fixture(autouse=True)
def server(live_server):
    return live_server


class WorkerStopped(Exception):
    pass


@pytest.fixture
def stopped_import(questionnaire, officer, media_root, monkeypatch):  # noqa: F811 (the fixture above)
    """carers-survey.csv, 10 rows, stopped after writing 6 of them an hour ago."""
    monkeypatch.setattr(importing, "WRITE_CHUNK_ROWS", CHUNK)
    folder = importing.upload_folder()
    folder.mkdir(parents=True)
    out = io.StringIO()
    csv.writer(out).writerows([["ID", "vision", "why_vision"]] + [
        [f"LLR-{n:03}", "Tend to agree", f"Carers need breaks that are easy to book ({n})."] for n in range(1, 11)
    ])
    stored = "d" * 32 + ".csv"
    (folder / stored).write_text(out.getvalue(), encoding="utf-8")
    # Recorded as `import_tasks.start_import` records it, but not queued: here, queued work runs at once.
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, title="Import a file of responses", consultation=questionnaire.consultation,
        requested_by=officer, task_path="haveyoursay.surveys.import_tasks.import_upload",
    )

    def stopping(*args, progress):
        def report(done, total=None, message=""):
            progress(done, total, message)
            if "responses written:" in message and done >= 2 * CHUNK:
                raise WorkerStopped

        return import_tasks.import_upload_impl(*args, progress=report)

    with pytest.raises(Exception, match="WorkerStopped"):
        run_job(job.pk, stopping, job.pk, questionnaire.pk, stored, "carers-survey.csv", "", MAPPING, officer.pk, False)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.update(imported_at=an_hour_ago, written_at=an_hour_ago)
    return ImportBatch.objects.get()


def batch_path(batch, action=""):
    return f"/staff/consultations/{batch.questionnaire.consultation.pk}/import/batches/{batch.pk}/{action}"


def test_a_stopped_import_is_found_and_resumed_by_keyboard(page, stopped_import, officer, axe_check):
    batch = stopped_import
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{batch.questionnaire.consultation.pk}/import/")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("The import of carers-survey.csv stopped part-way, with 6 of 10 responses written.")
    expect(page.get_by_role("row", name="carers-survey.csv Stopped")).to_contain_text("6 of 10 written so far")
    axe_check(page)
    page.get_by_role("link", name="Resume or discard it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The import stopped part-way")
    expect(page.get_by_role("status")).to_contain_text("6 of 10 responses were written before it stopped.")
    axe_check(page)

    tab_to(page, page.get_by_role("button", name="Resume the import"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Responses imported")
    expect(page.get_by_text("10 responses from carers-survey.csv")).to_be_visible()
    assert Response.objects.counted().count() == 10
    axe_check(page)


def test_a_stopped_import_fits_a_phone(mobile_page, stopped_import, officer, axe_check):
    sign_in(mobile_page, officer)
    mobile_page.goto(batch_path(stopped_import))
    for name in ("Resume the import", "Discard the import"):
        button = mobile_page.get_by_role("button", name=name)
        expect(button).to_be_visible()
        assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 375
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(mobile_page)


def test_a_stopped_import_is_discarded_after_saying_what_goes(page, stopped_import, officer, axe_check):
    sign_in(page, officer)
    page.goto(batch_path(stopped_import))
    page.get_by_role("button", name="Discard the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discard the unfinished import of carers-survey.csv?")
    axe_check(page)
    page.get_by_role("button", name="Discard the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import responses")
    expect(page.get_by_role("alert")).to_contain_text("the 6 responses it had written were deleted")
    assert not ImportBatch.objects.exists() and not Response.all_objects.exists()


@pytest.mark.parametrize("width", ["page", "mobile_page"])
def test_an_import_being_written_shows_its_progress(request, width, stopped_import, officer, axe_check):
    """Its worker alive again: the page follows it, and offers nothing to resume or discard."""
    job = Job.objects.create(
        kind=Job.Kind.IMPORT, title="Import a file of responses",
        consultation=stopped_import.questionnaire.consultation,
        task_path="haveyoursay.surveys.import_tasks.import_upload", state=Job.State.RUNNING,
        heartbeat_at=timezone.now(), progress_done=6, progress_total=10,
        progress_message="6 of 10 responses written: none is counted until all are",
    )
    ImportBatch.objects.update(job=job, written_at=timezone.now())
    page = request.getfixturevalue(width)
    sign_in(page, officer)
    page.goto(batch_path(stopped_import))
    expect(page.get_by_role("heading", level=1)).to_have_text("Importing the responses")
    expect(page.get_by_text("6 of 10 responses written (60%)")).to_be_visible()
    expect(page.get_by_role("button", name="Resume the import")).to_have_count(0)
    axe_check(page)
