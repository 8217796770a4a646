"""The check and the import of a file of responses run as background jobs: the staff page waits
for them, then shows what they found; the import is all or nothing even when a row fails as
it is written; the same file queued twice is imported once; only the person who uploaded a
file sees what was found in it; and rows left out are counted and said so.

Work queued by a request runs when its transaction commits: `queued` holds it back, as a busy
queue would, and `committed` lets it run at once. One test runs the real database queue.
"""

import csv
import io
import logging
import signal
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, TestCase
from django.urls import reverse

from haveyoursay.hub.templatetags.hys import clock
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError
from haveyoursay.surveys import import_tasks, importing
from haveyoursay.surveys.models import ImportBatch, Response

pytestmark = pytest.mark.django_db

HEADER = ["ID", "vision", "why_vision"]
ROWS = [
    ["LLR-001", "Tend to agree", "Carers need recognising as carers sooner."],
    ["LLR-002", "Strongly agree", ""],
    ["LLR-003", "Strongly disagree", "Respite is hard to find in Melton."],
]


def url(name, questionnaire, *args):
    return reverse(f"surveys_staff:import_{name}", args=[questionnaire.consultation.pk, *args])


def csv_bytes(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(client, questionnaire, rows, name="carers-survey.csv"):
    """Upload a file as `client`, and read it as the queue would; the upload's token."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url("upload", questionnaire), {"file": SimpleUploadedFile(name, csv_bytes(rows))})
    assert response.status_code == 302, response.content.decode()
    return response["Location"].rstrip("/").split("/")[-2]


MAPPED = {"column_0": "@respondent_id", "column_1": "vision", "column_2": "why_vision"}


@pytest.fixture
def queued(django_capture_on_commit_callbacks):
    """queued(client.post, url, data): (the response, a function that runs the work it queued)."""

    def request(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = call(*args, **kwargs)
        return response, lambda: [callback() for callback in callbacks]

    return request


@pytest.fixture
def colleague(make_user):
    """Also in the consultation team, signed in in another browser."""
    client = Client()
    client.force_login(make_user("colleague", groups=["Consultation team"], first_name="Cal", last_name="Colleague"))
    return client


def import_job(questionnaire, officer):
    """The job an import runs as, recorded as the staff pages record it."""
    return Job.objects.create(
        kind=Job.Kind.IMPORT, title="Import a file of responses", consultation=questionnaire.consultation,
        requested_by=officer, task_path="haveyoursay.surveys.import_tasks.import_upload", state=Job.State.RUNNING,
    )


def stored_file(media_root):
    (path,) = [p for p in (media_root / "imports").iterdir() if importing.STORED_NAME.match(p.name)]
    return path


class TestTheQueuedCheck:
    def test_the_page_waits_for_the_check_then_lists_problems_by_row_and_column(
        self, officer_client, viewer_client, questionnaire, queued
    ):
        rows = [HEADER, ROWS[0], ["LLR-002", "Quite keen", ""], ROWS[2], ["LLR-004", "Agree-ish", "Mrs Jones, 4 Oak Road"]]
        token = upload(officer_client, questionnaire, rows)
        response, run_queued_work = queued(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        assert response["Location"] == url("check", questionnaire, token)
        job = Job.objects.get(state=Job.State.QUEUED)
        assert job.kind == Job.Kind.IMPORT and job.title.startswith("Check")

        waiting = officer_client.get(url("check", questionnaire, token))
        html = waiting.content.decode()
        assert waiting.status_code == 200 and "<h1 class=\"govuk-heading-l\">Checking the file</h1>" in html
        assert 'role="status"' in html and "Waiting to start" in html
        assert f'href="{url("check", questionnaire, token)}">Check again' in html
        assert 'http-equiv="refresh"' not in html  # reloading by itself, unasked, would fail WCAG 2.2.1
        # Without JavaScript the person may ask it to look again by itself, and stop it again.
        assert f'href="{url("check", questionnaire, token)}?refresh=on">Look again by itself' in html
        asked = officer_client.get(url("check", questionnaire, token) + "?refresh=on").content.decode()
        assert '<noscript><meta http-equiv="refresh" content="10"></noscript>' in asked
        assert f'href="{url("check", questionnaire, token)}?refresh=on">Check again' in asked
        assert f'href="{url("check", questionnaire, token)}">Stop it doing so' in asked
        assert "no-cache" in waiting["Cache-Control"] or "no-store" in waiting["Cache-Control"]

        run_queued_work()
        job.refresh_from_db()
        assert job.state == Job.State.SUCCEEDED and job.progress_done == job.progress_total == 4
        html = officer_client.get(url("check", questionnaire, token)).content.decode()
        assert "There is a problem" in html and "The file has 2 problems" in html
        assert (
            '<td class="govuk-table__cell">3</td>\n      <td class="govuk-table__cell">vision</td>\n'
            '      <td class="govuk-table__cell">‘To what extent do you agree or disagree with the proposed vision?’: '
            "“Quite keen” is not one of: Strongly agree, Tend to agree, Neither agree nor disagree, Tend to disagree, "
            "Strongly disagree, Don&#x27;t know. Change it to one of these answers</td>"
        ) in html
        assert '<td class="govuk-table__cell">5</td>' in html and "“Agree-ish” is not one of: Strongly agree" in html
        assert "Import 2 responses" not in html and not Response.objects.exists()

        # Anyone who may see the consultation sees the job, but nothing quoted from the file.
        job_page = viewer_client.get(reverse("jobs_staff:job", args=[job.pk])).content.decode()
        assert "Check a file of responses" in job_page
        for private in ("Quite keen", "Mrs Jones", "carers-survey.csv"):
            assert private not in job_page and private not in job.error_message + job.progress_message

    def test_a_check_that_cannot_read_the_file_says_why(self, officer_client, questionnaire, committed, media_root):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS])
        stored_file(media_root).write_bytes(b'ID,vision,why_vision\n"LLR-001,Tend to agree\n' + b"x" * 200_000)
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        html = officer_client.get(url("check", questionnaire, token)).content.decode()
        assert Job.objects.get(title__startswith="Check").state == Job.State.FAILED
        assert "Row 2 of the file could not be read" in html and "Match the columns again" in html


class TestTheQueuedImport:
    def test_it_waits_then_shows_what_was_done_and_deletes_the_upload(
        self, officer_client, questionnaire, committed, queued, media_root
    ):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS])
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        assert "Import 3 responses" in officer_client.get(url("check", questionnaire, token)).content.decode()

        response, run_queued_work = queued(officer_client.post, url("run", questionnaire, token))
        assert response["Location"] == url("run", questionnaire, token)
        html = officer_client.get(url("run", questionnaire, token)).content.decode()
        assert "Importing the responses" in html and "none of them is counted until every one is written" in html
        # A second click while it waits queues nothing more.
        again, _ = queued(officer_client.post, url("run", questionnaire, token))
        assert again.status_code == 200 and Job.objects.filter(title="Import a file of responses").count() == 1
        assert stored_file(media_root).exists()

        run_queued_work()
        response = officer_client.get(url("run", questionnaire, token))
        batch = ImportBatch.objects.get()
        assert response["Location"] == url("done", questionnaire, batch.pk)
        assert Response.objects.filter(import_batch=batch).count() == 3
        assert list((media_root / "imports").iterdir()) == []

    def test_a_row_that_fails_as_the_rows_are_written_leaves_nothing_written(
        self, questionnaire, officer, media_root, monkeypatch
    ):
        """The file changes between the import's own check and its writing: the rows written
        before the bad one are undone with it."""
        monkeypatch.setattr(importing, "CHUNK_SIZE", 2)  # so rows are written before the bad one is read
        path = importing.upload_folder()
        path.mkdir(parents=True)
        stored = "a" * 32 + ".csv"
        (path / stored).write_bytes(csv_bytes([HEADER, *ROWS, ["LLR-004", "Tend to agree", ""]]))

        def meanwhile(done, total=None, message=""):
            if message.startswith("Writing"):
                with open(path / stored, "ab") as out:
                    out.write(csv_bytes([["LLR-005", "Not sure", ""]]))

        chosen = {"0": "@respondent_id", "1": "vision", "2": "why_vision"}
        job = import_job(questionnaire, officer)
        with pytest.raises(JobError, match="Nothing was imported: the file has 1 problem to fix first"):
            import_tasks.import_upload_impl(
                job.pk, questionnaire.pk, stored, "carers-survey.csv", "", chosen, officer.pk, progress=meanwhile
            )
        assert not Response.objects.exists() and not ImportBatch.objects.exists()
        found = importing.Check.from_json(importing.load_result(stored, job.pk)["check"])
        assert [str(p) for p in found.errors] == [
            "Row 6, column vision: ‘To what extent do you agree or disagree with the proposed vision?’: "
            "“Not sure” is not one of: Strongly agree, Tend to agree, Neither agree nor disagree, Tend to disagree, "
            "Strongly disagree, Don't know. Change it to one of these answers"
        ]
        assert (path / stored).exists()  # kept, to be corrected and matched again

    def test_a_queued_import_that_finds_a_bad_row_shows_it_and_writes_nothing(
        self, officer_client, questionnaire, committed, media_root
    ):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS])
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        with open(stored_file(media_root), "ab") as out:  # the file changed after its check
            out.write(csv_bytes([["LLR-004", "Quite keen", ""]]))
        committed(officer_client.post, url("run", questionnaire, token))
        response = officer_client.get(url("run", questionnaire, token))
        html = response.content.decode()
        assert response.status_code == 200 and "Nothing was imported: the file has 1 problem" in html
        assert "“Quite keen” is not one of: Strongly agree" in html and "Import 3 responses" not in html
        assert not Response.objects.exists() and not ImportBatch.objects.exists()
        job = Job.objects.get(title="Import a file of responses")
        assert job.state == Job.State.FAILED and "Quite keen" not in job.error_message


class TestTheSameFileTwice:
    def test_queued_twice_at_once_it_is_imported_once(self, officer_client, colleague, questionnaire, committed, queued):
        tokens = {}
        for client in (officer_client, colleague):
            tokens[client] = upload(client, questionnaire, [HEADER, *ROWS])
            committed(client.post, url("mapping", questionnaire, tokens[client]), MAPPED)
        runs = [queued(client.post, url("run", questionnaire, tokens[client]))[1] for client in tokens]
        for run_queued_work in runs:
            run_queued_work()

        assert ImportBatch.objects.count() == 1 and Response.objects.count() == 3
        first, second = Job.objects.filter(title="Import a file of responses").order_by("pk")
        assert first.state == Job.State.SUCCEEDED
        assert second.state == Job.State.FAILED
        assert second.error_message.startswith("This file was already imported on ")
        assert "by Olu Officer (3 responses). Nothing has been imported again." in second.error_message
        response = colleague.get(url("run", questionnaire, tokens[colleague]), follow=True)
        assert response.redirect_chain[-1][0] == url("upload", questionnaire)
        assert "This file was already imported" in response.content.decode()

    def test_when_both_pass_their_checks_the_unique_file_turns_the_second_away(self, questionnaire, officer, media_root):
        """The second import checks, finds no earlier import, and is about to write when the
        first commits: the database's one-import-per-file rule stops it, with the same message."""
        folder = importing.upload_folder()
        folder.mkdir(parents=True)
        first_name, second_name = "a" * 32 + ".csv", "b" * 32 + ".csv"
        for name in (first_name, second_name):
            (folder / name).write_bytes(csv_bytes([HEADER, *ROWS]))
        chosen = {"0": "@respondent_id", "1": "vision", "2": "why_vision"}
        first, second = import_job(questionnaire, officer), import_job(questionnaire, officer)

        def first_imports_meanwhile(done, total=None, message=""):
            if message.startswith("Writing"):
                assert not ImportBatch.objects.exists()  # both have passed their own checks
                import_tasks.import_upload_impl(
                    first.pk, questionnaire.pk, first_name, "june.csv", "", chosen, officer.pk
                )

        with pytest.raises(JobError) as refused:
            import_tasks.import_upload_impl(
                second.pk, questionnaire.pk, second_name, "june-again.csv", "", chosen, officer.pk,
                progress=first_imports_meanwhile,
            )
        assert str(refused.value).startswith("This file was already imported on ")
        assert "june" not in str(refused.value)  # a job's message names no file
        batch = ImportBatch.objects.get()
        assert batch.file_name == "june.csv" and Response.objects.count() == 3
        assert not (folder / second_name).exists()  # nothing left to import: the upload is deleted


class TestWhoSeesAnImport:
    def test_nobody_else_can_follow_or_start_someone_elses_import(
        self, officer_client, colleague, viewer_client, outsider_client, client, questionnaire, queued
    ):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS])
        queued(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        job = Job.objects.get(state=Job.State.QUEUED)
        pages = [url("check", questionnaire, token), url("run", questionnaire, token)]
        for page in pages:
            assert colleague.get(page).status_code == 404  # the token is the uploader's session's alone
            assert colleague.post(page).status_code in (404, 405)
            assert viewer_client.get(page).status_code == 403  # may not import at all
            assert outsider_client.get(page).status_code == 403
            assert client.get(page)["Location"].startswith(reverse("staff:login"))
        assert outsider_client.get(reverse("jobs_staff:job", args=[job.pk])).status_code == 403
        assert Job.objects.count() == 2 and not ImportBatch.objects.exists()  # the reading and the check

    def test_an_importer_whose_role_is_taken_away_can_no_longer_follow_it(self, make_user, questionnaire, queued):
        person = make_user("temp", groups=["Consultation team"])
        browser = Client()
        browser.force_login(person)
        token = upload(browser, questionnaire, [HEADER, *ROWS])
        queued(browser.post, url("mapping", questionnaire, token), MAPPED)
        person.groups.remove(Group.objects.get(name="Consultation team"))
        assert browser.get(url("check", questionnaire, token)).status_code == 403


class TestSkippedRows:
    def test_blank_empty_and_already_imported_rows_are_counted_and_shown(
        self, officer_client, questionnaire, committed, officer
    ):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS[:1]], name="june.csv")
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        committed(officer_client.post, url("run", questionnaire, token))
        officer_client.get(url("run", questionnaire, token))

        rows = [HEADER, ROWS[0], ROWS[1], ["", "", ""], ["", "", ""], ["LLR-009", "", ""], ROWS[2], ["", "", ""]]
        token = upload(officer_client, questionnaire, rows, name="july.csv")
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        html = officer_client.get(url("check", questionnaire, token)).content.decode()
        assert "Blank rows skipped</dt><dd class=\"govuk-summary-list__value\">2</dd>" in html
        assert "Import 2 responses" in html
        committed(officer_client.post, url("run", questionnaire, token))
        response = officer_client.get(url("run", questionnaire, token), follow=True)

        batch = ImportBatch.objects.get(file_name="july.csv")
        assert (batch.rows_in_file, batch.row_count) == (6, 2)  # the blank row at the end is not in the file's rows
        assert (batch.skipped_blank, batch.skipped_no_answers, batch.skipped_already_imported) == (2, 1, 1)
        assert batch.skipped_count == 4 and batch.warning_count == 1
        html = response.content.decode()
        assert (
            "6 rows read: 2 imported, 2 blank rows skipped, 1 row skipped with no answers in the matched columns, "
            "1 row skipped as already imported."
        ) in html
        assert "(4 rows skipped)" in officer_client.get(url("upload", questionnaire)).content.decode()

    def test_a_file_imported_before_skips_were_recorded_says_what_it_can(self, officer_client, questionnaire):
        batch = ImportBatch.objects.create(
            questionnaire=questionnaire, file_name="old.csv", file_sha256="0" * 64, row_count=5
        )
        html = officer_client.get(url("done", questionnaire, batch.pk)).content.decode()
        assert "5 responses from old.csv" in html and "rows read:" not in html
        # The time written as the "already imported" message writes it.
        assert f"{clock(batch.imported_at)}" in html and "m.</dd>" not in html
        assert batch.skipped_reasons() == [] and batch.skipped_count == 0

    def test_blank_rows_among_the_responses_are_counted_but_not_those_after_them(self, questionnaire, tmp_path):
        path = tmp_path / "gaps.csv"
        path.write_bytes(csv_bytes([HEADER, ROWS[0], [], ["", "", ""], ROWS[1], [], [], ["", ""]]))
        table = importing.open_table(path)
        assert [(n, cells is None) for n, cells in table.rows_and_blanks()] == [
            (2, False), (3, True), (4, True), (5, False),
        ]
        targets = importing.targets_for(questionnaire)
        mapping = importing.Mapping(table.columns, targets, {0: "@respondent_id", 1: "vision"})
        check = importing.check_rows(questionnaire, table, mapping)
        assert (check.rows_read, check.blank, check.rows_in_file, check.to_import) == (2, 2, 4, 2)
        assert "Blank rows skipped: 2" in check.summary_lines()


class TestTheRealQueue:
    @pytest.fixture
    def database_queue(self, settings, transactional_db):
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        levels = {name: logging.getLogger(name).level for name in ("django_tasks", "django_tasks_db")}
        yield lambda: call_command("worker", batch=True, verbosity=0)
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)

    def test_the_database_worker_checks_and_imports_the_file(self, database_queue, officer_client, questionnaire):
        token = upload(officer_client, questionnaire, [HEADER, *ROWS])
        assert "Reading the file" in officer_client.get(url("mapping", questionnaire, token)).content.decode()
        database_queue()
        officer_client.post(url("mapping", questionnaire, token), MAPPED)
        assert "Checking the file" in officer_client.get(url("check", questionnaire, token)).content.decode()
        database_queue()
        assert "Import 3 responses" in officer_client.get(url("check", questionnaire, token)).content.decode()
        officer_client.post(url("run", questionnaire, token))
        assert "Importing the responses" in officer_client.get(url("run", questionnaire, token)).content.decode()
        database_queue()
        response = officer_client.get(url("run", questionnaire, token))
        assert response["Location"] == url("done", questionnaire, ImportBatch.objects.get().pk)
        assert Response.objects.filter(channel=Response.Channel.IMPORT).count() == 3


# -- Files that could take a worker down ------------------------------------------------------


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def workbook_bytes(replace=None, add=None, shared_text=None):
    """A real workbook of HEADER and ROWS, written by openpyxl, with some of its parts replaced
    or added ({path in the zip: bytes}), as a zip bomb is made; `shared_text` adds the part of
    text shared between cells that Excel writes (openpyxl writes each cell's text in the cell)."""
    add = dict(add or {})
    replace = dict(replace or {})
    import openpyxl

    written = io.BytesIO()
    workbook = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        workbook.active.append(row)
    workbook.save(written)
    if shared_text is not None:
        add["xl/sharedStrings.xml"] = shared_text
        types = zipfile.ZipFile(written).read("[Content_Types].xml")
        replace["[Content_Types].xml"] = types.replace(b"</Types>", SHARED_STRINGS_TYPE)
    out = io.BytesIO()
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name in source.namelist():
            bomb.writestr(name, replace.get(name, source.read(name)))
        for name, data in add.items():
            bomb.writestr(name, data)
    return out.getvalue()


SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="inlineStr"><is><t>vision</t></is></c></row>'
)


def empty_rows_sheet(count):
    """A sheet of headings and `count` empty rows, as a tool that formats whole columns writes."""
    rows = b"".join(b'<row r="%d" spans="1:2"/>' % number for number in range(2, count + 2))
    return SHEET_START + rows + b"</sheetData></worksheet>"


def repeated_text(count):
    """Shared text of one short word, `count` times over: it compresses to almost nothing."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>Agree</t></si>" * count + b"</sst>"
    )


class TestFilesThatCouldTakeAWorkerDown:
    """The upload request only stores the file; its reading, in the background, refuses a file
    beyond the limits before it can hold a worker or its memory, deletes it, and the import page
    says why and what to do. The limits are lowered here so that each file is small."""

    @pytest.fixture
    def limits(self, settings):
        settings.HAVEYOURSAY_IMPORT_MAX_UNPACKED_MB = 4
        settings.HAVEYOURSAY_IMPORT_MAX_SHARED_TEXT_MB = 1
        settings.HAVEYOURSAY_IMPORT_MAX_ROWS = 1_000
        settings.HAVEYOURSAY_IMPORT_MAX_COLUMNS = 50
        return settings

    def upload_file(self, client, questionnaire, name, data):
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post(url("upload", questionnaire), {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 302
        return response["Location"].rstrip("/").split("/")[-2]

    @pytest.mark.parametrize("name, make, message", [
        ("unpacks.xlsx", lambda: workbook_bytes(add={"xl/media/image1.png": b"\0" * 5 * 1024 * 1024}),
         "The workbook unpacks to 5 MB, more than the 4 MB one import can take. Save the responses as CSV"),
        ("shared-text.xlsx", lambda: workbook_bytes(shared_text=repeated_text(100_000)),
         "The workbook's text unpacks to 2 MB, more than the 1 MB one import can take"),
        ("empty-rows.xlsx", lambda: workbook_bytes(replace={"xl/worksheets/sheet1.xml": empty_rows_sheet(5_000)}),
         "The file has more than 1,000 rows, the most one import can take (empty rows that have formatting count"),
        ("rows.csv", lambda: csv_bytes([HEADER] + [ROWS[0]] * 1_001),
         "The file has more than 1,000 rows"),
        ("columns.csv", lambda: csv_bytes([[f"Q{n}" for n in range(60)], ["x"] * 60]),
         "The file has 60 columns, more than the 50 one import can take. Delete the columns you don't need"),
    ])
    def test_it_refuses_a_file_beyond_the_limits_deletes_it_and_says_why(
        self, officer_client, questionnaire, media_root, limits, name, make, message
    ):
        data = make()
        assert len(data) < 100_000  # small as uploaded; only its reading shows what it holds
        token = self.upload_file(officer_client, questionnaire, name, data)
        assert Job.objects.get().state == Job.State.FAILED
        assert list((media_root / "imports").iterdir()) == []

        response = officer_client.get(url("mapping", questionnaire, token), follow=True)
        html = response.content.decode()
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == url("upload", questionnaire) + f"?refused={token}"
        assert "<title>Error: Import responses" in html and "There is a problem" in html
        assert f"“{name}” was not imported, and has been deleted from the server." in html
        assert message.replace("'", "&#x27;") in html
        assert 'href="#id_file"' in html  # the error summary leads to the field to choose another file
        # Coming back to the upload's pages says the same again; nothing is imported.
        again = officer_client.get(url("mapping", questionnaire, token), follow=True)
        assert message.replace("'", "&#x27;") in again.content.decode()
        assert not ImportBatch.objects.exists()

    def test_the_shared_text_that_took_hundreds_of_megabytes_is_refused_from_its_declared_size(
        self, questionnaire, media_root, tmp_path
    ):
        """At the default limits: 4 million shared strings of 5 letters compress to a few hundred
        kilobytes, would unpack to 80 MB and take several times that once read. The size the zip
        declares is enough to refuse it, without reading any of it."""
        path = tmp_path / "shared.xlsx"
        path.write_bytes(workbook_bytes(shared_text=repeated_text(4_000_000)))
        assert path.stat().st_size < 1024 * 1024
        with pytest.raises(importing.FileRefused, match="The workbook's text unpacks to 80 MB, more than the 25 MB"):
            importing.open_table(path)

    def test_a_sheet_of_millions_of_empty_rows_stops_at_the_row_limit(self, settings, tmp_path):
        settings.HAVEYOURSAY_IMPORT_MAX_ROWS = 10_000
        path = tmp_path / "empty-rows.xlsx"
        path.write_bytes(workbook_bytes(replace={"xl/worksheets/sheet1.xml": SHEET_START + (
            b'<row r="3000000" spans="1:2"/></sheetData></worksheet>'
        )}))
        table = importing.open_table(path)
        with pytest.raises(importing.FileRefused, match="more than 10,000 rows"):
            importing.read_table(table)

    def test_reading_that_takes_too_long_is_stopped(self, settings, tmp_path):
        settings.HAVEYOURSAY_IMPORT_MAX_SECONDS = 0
        path = tmp_path / "slow.csv"
        path.write_bytes(csv_bytes([HEADER] + [ROWS[0]] * 2_000))
        with pytest.raises(importing.FileRefused, match="Reading the file took longer than 0 seconds"):
            importing.read_table(importing.open_table(path))

    def test_a_check_that_runs_out_of_time_deletes_the_file_and_says_why(
        self, officer_client, questionnaire, media_root, committed, settings
    ):
        token = upload(officer_client, questionnaire, [HEADER] + [ROWS[0]] * 1_500)
        settings.HAVEYOURSAY_IMPORT_MAX_SECONDS = 0
        committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
        response = officer_client.get(url("check", questionnaire, token))
        html = response.content.decode()
        assert response.status_code == 200 and Job.objects.get(title__startswith="Check").state == Job.State.FAILED
        assert "Reading the file took longer than 0 seconds, the most one import may take" in html
        assert "Upload a different file" in html
        assert list((media_root / "imports").iterdir()) == []

    def test_the_upload_request_stores_the_file_and_reads_none_of_it(
        self, officer_client, questionnaire, media_root, queued
    ):
        response, read = queued(
            officer_client.post, url("upload", questionnaire),
            {"file": SimpleUploadedFile("bomb.xlsx", workbook_bytes(add={"xl/media/pad.bin": b"\0" * 30_000_000}))},
        )
        token = response["Location"].rstrip("/").split("/")[-2]
        assert response["Location"] == url("mapping", questionnaire, token)
        job = Job.objects.get()
        assert job.state == Job.State.QUEUED and job.title == "Read a file of responses before matching its columns"
        assert "Reading the file" in officer_client.get(url("mapping", questionnaire, token)).content.decode()
        read()
        assert Job.objects.get().state == Job.State.SUCCEEDED
