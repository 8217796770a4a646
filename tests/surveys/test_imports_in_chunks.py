"""A file of responses is written in chunks, each its own transaction, and counted all at once
when the last is written: nothing reads an unfinished import's rows (counts, lists, exports,
the "already imported" check, subject access, the API); one stopped part-way can be resumed
without writing a row twice, or discarded; only one import into a questionnaire is unfinished
at a time; and the staff pages show how far it has got, and what can be done when it stopped.

The work is stopped part-way as a worker is: by an exception from inside it, here raised by the
progress report that follows the second chunk, after that chunk has committed.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.api.shaping import response_count
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import run_job
from haveyoursay.privacy.subject_access import find_person
from haveyoursay.surveys import import_tasks, importing
from haveyoursay.surveys.channels import channel_counts
from haveyoursay.surveys.exports import ResponseExporter
from haveyoursay.surveys.models import Answer, ImportBatch, Response

pytestmark = pytest.mark.django_db

CHUNK = 3
HEADER = ["ID", "vision", "why_vision"]
VISIONS = ["Strongly agree", "Tend to agree", "Tend to disagree"]
CHOSEN = {0: "@respondent_id", 1: "vision", 2: "why_vision"}


def rows(count, first=1):
    return [
        [f"LLR-{n:03}", VISIONS[n % 3], f"Respite is hard to find in Melton ({n})"] for n in range(first, first + count)
    ]


def csv_bytes(table):
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode()


@pytest.fixture
def survey_file(tmp_path):
    def write(count, name="carers-survey.csv", first=1):
        path = tmp_path / name
        path.write_bytes(csv_bytes([HEADER, *rows(count, first)]))
        return path

    return write


def import_file(questionnaire, path, **kwargs):
    table = importing.open_table(path)
    mapping = importing.Mapping(table.columns, importing.targets_for(questionnaire), CHOSEN)
    return importing.import_rows(questionnaire, table, mapping, chunk_rows=CHUNK, **kwargs)


class WorkerStopped(Exception):
    """What a worker stopped part-way raises, as far as the import can tell."""


def stop_after_chunks(chunks, progress=None):
    def report(done, total=None, message=""):
        if progress is not None:
            progress(done, total, message)
        if "responses written" in message and done >= chunks * CHUNK:
            raise WorkerStopped

    return report


def stopped_part_way(questionnaire, path, **kwargs):
    with pytest.raises(WorkerStopped):
        import_file(questionnaire, path, progress=stop_after_chunks(2), **kwargs)
    return ImportBatch.objects.get()


def imported(questionnaire):
    return Response.all_objects.filter(questionnaire=questionnaire, import_batch__isnull=False)


class TestTheSwitch:
    def test_nothing_is_counted_while_the_chunks_are_written_then_all_are_at_once(self, questionnaire, survey_file):
        seen = []

        def look(done, total=None, message=""):
            if "responses written" in message:
                seen.append((done, imported(questionnaire).count(), Response.objects.count(),
                             Response.objects.counted().count(), Answer.objects.counted().count()))

        batch, check = import_file(questionnaire, survey_file(10), progress=look)
        # Each chunk committed as it was written, and none of them was seen.
        assert seen == [(3, 3, 0, 0, 0), (6, 6, 0, 0, 0), (9, 9, 0, 0, 0), (10, 10, 0, 0, 0)]
        assert batch.state == ImportBatch.State.COMPLETE and batch.completed_at is not None
        assert (batch.rows_written, batch.rows_to_write, batch.row_count, check.to_import) == (10, 10, 10, 10)
        assert Response.objects.counted().count() == 10 and Answer.objects.counted().count() == 20

    def test_the_batch_says_how_many_are_written_as_it_goes(self, questionnaire, survey_file):
        written = []

        def look(done, total=None, message=""):
            if "responses written" in message:
                batch = ImportBatch.objects.get()
                written.append((batch.state, batch.rows_written, batch.rows_to_write, message))

        import_file(questionnaire, survey_file(5), progress=look)
        assert written == [
            ("importing", 3, 5, "3 of 5 responses written: none is counted until all are"),
            ("importing", 5, 5, "5 of 5 responses written: none is counted until all are"),
        ]

    def test_the_audit_record_is_written_with_the_switch(self, questionnaire, survey_file, officer):
        def record(batch, check):
            assert batch.state == ImportBatch.State.COMPLETE
            AuditEvent.record(officer, "responses.import", questionnaire.consultation, batch=batch.pk)

        batch, _ = import_file(questionnaire, survey_file(4), then=record)
        assert AuditEvent.objects.get(action="responses.import").detail == {"batch": batch.pk}


class TestStoppedPartWay:
    def test_nothing_it_wrote_is_seen_by_any_count_list_export_or_search(
        self, questionnaire, survey_file, officer_client
    ):
        batch = stopped_part_way(questionnaire, survey_file(10))
        assert (batch.state, batch.rows_written, batch.rows_to_write) == ("importing", 6, 10)
        assert imported(questionnaire).count() == 6  # written, and kept to carry on from

        assert not Response.objects.exists() and not Response.objects.counted().exists()
        assert not questionnaire.responses.exists() and not batch.responses.exists()
        assert not Answer.objects.counted().exists()
        assert channel_counts(questionnaire)[1] == ("Total", 0, 0, 0)
        assert response_count(questionnaire.consultation) == 0
        assert ResponseExporter(questionnaire).count() == 0 and list(ResponseExporter(questionnaire).rows())[1:] == []
        assert find_person("name", "Respite is hard to find").mentions == []
        listed = officer_client.get(reverse("surveys_staff:responses", args=[questionnaire.consultation.pk]))
        html = listed.content.decode()
        assert "No responses" in html or "0 responses" in html
        assert not any(reference in html for reference in imported(questionnaire).values_list("reference", flat=True))

    def test_the_dry_run_of_another_file_does_not_take_its_rows_for_imported(self, questionnaire, survey_file):
        stopped_part_way(questionnaire, survey_file(10))
        table = importing.open_table(survey_file(8, name="overlapping.csv", first=5))
        mapping = importing.Mapping(table.columns, importing.targets_for(questionnaire), CHOSEN)
        check = importing.check_rows(questionnaire, table, mapping)
        assert (check.to_import, check.duplicates) == (8, 0)

    def test_an_error_part_way_leaves_it_unfinished_too(self, questionnaire, survey_file, monkeypatch, caplog):
        """A failure of the database while a chunk is written: that chunk is rolled back, the
        ones before it are kept for the import to carry on from. The log names the rule the
        database gave, for whoever runs the server, and not the values it refused."""
        path = survey_file(10)
        real_create = importing._create
        chunks, clash = [], []

        def create_then_fail_on_the_third(questionnaire_, batch, pending, user):
            chunks.append(len(pending))
            real_create(questionnaire_, batch, pending, user)
            if len(chunks) == 3:
                clash.append(pending[0].key)
                Response.all_objects.create(questionnaire=questionnaire, import_key=pending[0].key)  # a clash

        monkeypatch.setattr(importing, "_create", create_then_fail_on_the_third)
        with pytest.raises(importing.ImportFileError, match="could not be written, so the import stopped part-way"):
            import_file(questionnaire, path)
        batch = ImportBatch.objects.get()
        assert (batch.state, batch.rows_written, imported(questionnaire).count()) == ("importing", 6, 6)
        [logged] = [record.getMessage() for record in caplog.records if record.name == importing.__name__]
        assert logged.startswith(f"Import {batch.pk} stopped part-way: the database refused a chunk (")
        assert "import_row_once" in logged or "surveys_response.import_key" in logged
        assert clash[0] not in logged
        assert not Response.objects.exists()

    def test_reading_that_runs_out_of_time_while_it_is_written_deletes_what_it_wrote(
        self, questionnaire, survey_file, monkeypatch
    ):
        """The time one reading of a file may take holds for its second reading, as it is
        written, too: stopped there, the import deletes the rows it wrote, as its message says
        ("nothing was imported"), and leaves no unfinished import that would run out again."""
        path = survey_file(2_500)
        table = importing.open_table(path)
        mapping = importing.Mapping(table.columns, importing.targets_for(questionnaire), CHOSEN)
        real_create = importing._create

        def create_then_run_out_of_time(*args):
            real_create(*args)
            table.deadline = float("-inf")  # the reading checks its time every 1,000 rows

        monkeypatch.setattr(importing, "_create", create_then_run_out_of_time)
        with pytest.raises(importing.FileRefused, match="so it was stopped and nothing was imported"):
            importing.import_rows(questionnaire, table, mapping, chunk_rows=500)
        assert not ImportBatch.objects.exists() and not imported(questionnaire).exists()
        assert not Answer.objects.exists()
        monkeypatch.setattr(importing, "_create", real_create)
        table = importing.open_table(path)
        batch, _ = importing.import_rows(questionnaire, table, mapping, chunk_rows=1_000)
        assert batch.row_count == 2_500 and Response.objects.counted().count() == 2_500


class TestResuming:
    def test_the_same_file_again_carries_on_from_the_first_row_not_written(self, questionnaire, survey_file):
        path = survey_file(10)
        batch = stopped_part_way(questionnaire, path)
        first_written = set(imported(questionnaire).values_list("pk", "import_key"))
        written = []

        resumed, check = import_file(
            questionnaire, path,
            progress=lambda done, total=None, message="": (
                written.append(done) if "responses written:" in message else None
            ),
        )
        assert resumed.pk == batch.pk and resumed.state == ImportBatch.State.COMPLETE
        assert written == [9, 10]  # from where it stopped: the 6 written are not written again
        keys = list(imported(questionnaire).values_list("import_key", flat=True))
        assert len(keys) == len(set(keys)) == 10
        assert first_written <= set(imported(questionnaire).values_list("pk", "import_key"))
        assert (resumed.row_count, check.to_import, check.duplicates) == (10, 10, 0)
        assert Response.objects.counted().count() == 10

    def test_it_is_not_carried_on_while_it_is_still_being_written(self, questionnaire, survey_file, officer):
        path = survey_file(10)
        job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", consultation=questionnaire.consultation,
                                 task_path="x.y", state=Job.State.RUNNING, heartbeat_at=timezone.now())
        batch = stopped_part_way(questionnaire, path, job_id=job.pk)
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())  # its worker is still alive
        with pytest.raises(importing.ImportInProgress) as refused:
            import_file(questionnaire, path)
        assert str(refused.value) == (
            "This file is being imported already (6 of 10 responses written, none of them counted yet). "
            "Nothing more has been started: wait for it to finish."
        )
        # The queue running the same job again, after its worker stopped, carries on with it.
        resumed, _ = import_file(questionnaire, path, job_id=job.pk)
        assert resumed.pk == batch.pk and resumed.state == ImportBatch.State.COMPLETE

    def test_the_file_of_an_unfinished_import_outlives_the_day_uploads_are_kept(self, questionnaire, media_root):
        folder = importing.upload_folder()
        folder.mkdir(parents=True)
        kept, stale = "a" * 32 + ".csv", "b" * 32 + ".csv"
        for name in (kept, stale):
            (folder / name).write_bytes(csv_bytes([HEADER, *rows(10)]))
        ImportBatch.objects.create(questionnaire=questionnaire, file_name="june.csv", file_sha256="1" * 64,
                                   state=ImportBatch.State.IMPORTING, upload=kept)
        assert importing.remove_stale_uploads(older_than=datetime.timedelta(0)) == 1
        assert (folder / kept).exists() and not (folder / stale).exists()


class TestFromAScript:
    def test_a_file_is_imported_with_its_columns_named_by_their_headings(self, questionnaire, survey_file):
        written = []
        batch, check = importing.import_file(
            questionnaire, survey_file(7),
            mapping={"ID": "@respondent_id", "vision": "vision", "why_vision": "why_vision"}, chunk_rows=CHUNK,
            progress=lambda done, total=None, message="": written.append((done, total)),
        )
        assert batch.row_count == check.to_import == 7 and Response.objects.counted().count() == 7
        assert written[-3:] == [(3, 7), (6, 7), (7, 7)]


class TestOneAtATime:
    def test_another_file_waits_for_an_unfinished_import(self, questionnaire, survey_file):
        stopped_part_way(questionnaire, survey_file(10))
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        ImportBatch.objects.update(imported_at=an_hour_ago, written_at=an_hour_ago)  # nothing heard of it since
        with pytest.raises(importing.ImportInProgress) as refused:
            import_file(questionnaire, survey_file(4, name="july.csv", first=20))
        assert str(refused.value) == (
            "An earlier import into this questionnaire (“carers-survey.csv”) stopped part-way, "
            "with 6 of 10 responses written, none of them counted yet. Nothing more has been imported. "
            "On the page of imports, resume that import to carry on from the first row not written, "
            "or discard it, then try again."
        )
        assert ImportBatch.objects.count() == 1

    def test_the_database_holds_one_unfinished_import_per_questionnaire(self, questionnaire):
        ImportBatch.objects.create(questionnaire=questionnaire, file_name="a.csv", file_sha256="1" * 64,
                                   state=ImportBatch.State.IMPORTING)
        with pytest.raises(IntegrityError), transaction.atomic():
            ImportBatch.objects.create(questionnaire=questionnaire, file_name="b.csv", file_sha256="2" * 64,
                                       state=ImportBatch.State.IMPORTING)


class TestDiscarding:
    def test_it_deletes_what_was_written_and_the_file_can_be_imported_again(self, questionnaire, survey_file):
        path = survey_file(10)
        batch = stopped_part_way(questionnaire, path)
        assert importing.discard_import(batch, chunk_rows=4) == 6
        assert not ImportBatch.objects.exists() and not imported(questionnaire).exists()
        assert not Answer.objects.exists()
        batch, _ = import_file(questionnaire, path)
        assert batch.row_count == 10 and Response.objects.counted().count() == 10

    def test_it_rests_between_its_chunks_and_not_after_the_last(self, questionnaire, survey_file, monkeypatch):
        batch = stopped_part_way(questionnaire, survey_file(10))
        rests = []
        monkeypatch.setattr(importing.time, "sleep", rests.append)
        assert importing.discard_import(batch, chunk_rows=4) == 6  # 4, then the last 2
        assert len(rests) == 1
        assert not ImportBatch.objects.exists()

    def test_a_complete_import_is_not_discarded(self, questionnaire, survey_file):
        batch, _ = import_file(questionnaire, survey_file(4))
        with pytest.raises(ValueError, match="A complete import is undone, not discarded"):
            importing.discard_import(batch)
        assert Response.objects.counted().count() == 4


class TestChunksOfAboutTheSameTime:
    """Without a number of rows, a chunk takes as many as are written in WRITE_CHUNK_SECONDS,
    judged from the chunks before it: never fewer than FEWEST_CHUNK_ROWS, never more than
    WRITE_CHUNK_ROWS, and at most twice as many as the last."""

    @staticmethod
    def written_at_each_chunk(questionnaire, path, monkeypatch, seconds):
        monkeypatch.setattr(importing, "FEWEST_CHUNK_ROWS", 2)
        monkeypatch.setattr(importing, "WRITE_CHUNK_ROWS", 8)
        monkeypatch.setattr(importing, "WRITE_CHUNK_SECONDS", seconds)
        seen = []

        def progress(done, total=None, message=""):
            if "responses written" in message:
                seen.append(done)

        table = importing.open_table(path)
        mapping = importing.Mapping(table.columns, importing.targets_for(questionnaire), CHOSEN)
        importing.import_rows(questionnaire, table, mapping, progress=progress)
        return seen

    def test_chunks_grow_while_they_are_written_within_the_time(self, questionnaire, survey_file, monkeypatch):
        seen = self.written_at_each_chunk(questionnaire, survey_file(30), monkeypatch, seconds=3600)
        assert seen == [2, 6, 14, 22, 30]
        assert Response.objects.counted().count() == 30

    def test_chunks_stay_small_when_each_row_takes_longer_than_the_time(self, questionnaire, survey_file, monkeypatch):
        seen = self.written_at_each_chunk(questionnaire, survey_file(9), monkeypatch, seconds=0)
        assert seen == [2, 4, 6, 8, 9]
        assert Response.objects.counted().count() == 9

    def test_discarding_deletes_in_chunks_of_the_same_time(self, questionnaire, survey_file, monkeypatch):
        batch = stopped_part_way(questionnaire, survey_file(10))
        monkeypatch.setattr(importing, "FEWEST_CHUNK_ROWS", 2)
        monkeypatch.setattr(importing, "WRITE_CHUNK_SECONDS", 0)
        seen = []
        assert importing.discard_import(batch, progress=lambda done, total, message: seen.append(done)) == 6
        assert seen == [0, 2, 4, 6] and not imported(questionnaire).exists()


# -- The staff pages ------------------------------------------------------------------------------


@pytest.fixture
def stopped_job(questionnaire, officer, media_root, monkeypatch):
    """An import queued from the staff pages whose worker stopped after writing two chunks: run as
    the queue runs it, so the job records the failure as it would."""
    monkeypatch.setattr(importing, "WRITE_CHUNK_ROWS", CHUNK)
    folder = importing.upload_folder()
    folder.mkdir(parents=True)
    stored = "c" * 32 + ".csv"
    (folder / stored).write_bytes(csv_bytes([HEADER, *rows(10)]))
    entry = {
        "stored": stored, "file_name": "carers-survey.csv", "sheet": "",
        "mapping": {str(i): k for i, k in CHOSEN.items()},
    }
    job = import_tasks.start_import(questionnaire, entry, officer)

    def stopping(*args, progress):
        return import_tasks.import_upload_impl(*args, progress=stop_after_chunks(2, progress))

    with pytest.raises(Exception, match="failed with WorkerStopped"):
        run_job(job.pk, stopping, job.pk, questionnaire.pk, stored, "carers-survey.csv", "",
                entry["mapping"], officer.pk, False)
    return ImportBatch.objects.get()


def batch_url(name, batch):
    return reverse(f"surveys_staff:import_{name}", args=[batch.questionnaire.consultation.pk, batch.pk])


class TestTheStaffPages:
    def test_an_import_being_written_shows_how_far_it_has_got(self, questionnaire, survey_file, officer_client):
        job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", consultation=questionnaire.consultation,
                                 task_path="x.y", state=Job.State.RUNNING, heartbeat_at=timezone.now(),
                                 progress_message="6 of 10 responses written: none is counted until all are")
        batch = stopped_part_way(questionnaire, survey_file(10), job_id=job.pk)
        html = officer_client.get(batch_url("done", batch)).content.decode()
        assert "<h1 class=\"govuk-heading-l\">Importing the responses</h1>" in html
        assert 'data-waiting="true"' in html and "6 of 10 responses written (60%)" in html
        assert "None of them is counted, listed or exported until every one is written" in html
        assert "Resume the import" not in html and "Discard the import" not in html
        upload_page = officer_client.get(reverse("surveys_staff:import_upload", args=[questionnaire.consultation.pk]))
        text = upload_page.content.decode()
        assert "carers-survey.csv is being imported: 6 of 10 responses written." in text
        assert '<strong class="govuk-tag">Importing</strong>' in text
        assert '6 of 10<span class="govuk-visually-hidden"> written so far' in text
        # Nothing to resume or discard while it goes on.
        refused = officer_client.post(batch_url("discard", batch), follow=True).content.decode()
        assert "This import is still being written, so there is nothing to discard yet" in refused
        assert imported(questionnaire).count() == 6

    def test_a_stopped_import_offers_resume_and_discard_and_resuming_completes_it(
        self, stopped_job, officer_client, committed, questionnaire
    ):
        batch = stopped_job
        assert batch.job.state == Job.State.FAILED and not Response.objects.exists()
        html = officer_client.get(batch_url("done", batch)).content.decode()
        assert "The import stopped part-way" in html and 'data-waiting="false"' in html
        assert "6 of 10 responses were written before it stopped. None of them is counted" in html
        assert f'action="{batch_url("resume", batch)}"' in html and f'href="{batch_url("discard", batch)}"' in html
        assert "Something went wrong that we did not expect" in html  # what stopped it, as the job says
        upload_page = officer_client.get(reverse("surveys_staff:import_upload", args=[questionnaire.consultation.pk]))
        assert "The import of carers-survey.csv stopped part-way, with 6 of 10 responses written." in (
            upload_page.content.decode()
        )

        response = committed(officer_client.post, batch_url("resume", batch))
        assert response["Location"] == batch_url("done", batch)
        batch.refresh_from_db()
        assert batch.state == ImportBatch.State.COMPLETE and batch.row_count == 10
        assert Response.objects.counted().count() == 10
        assert [e.action for e in AuditEvent.objects.order_by("pk")] == [
            "responses.import_start", "responses.import_resume", "responses.import"
        ]
        resumed = AuditEvent.objects.get(action="responses.import_resume")
        assert resumed.sentence == "Import of “carers-survey.csv” resumed by Olu Officer"
        assert resumed.detail["written"] == 6 and resumed.detail["to_write"] == 10
        html = officer_client.get(batch_url("done", batch)).content.decode()
        assert "10 responses from carers-survey.csv" in html
        # Complete, there is nothing more to resume.
        again = officer_client.post(batch_url("resume", batch), follow=True).content.decode()
        assert "This import is complete, so there is nothing to resume" in again

    def test_discarding_asks_first_then_deletes_what_it_wrote_in_the_background_and_says_so(
        self, stopped_job, officer_client, questionnaire, media_root, committed
    ):
        batch = stopped_job
        page = officer_client.get(batch_url("discard", batch)).content.decode()
        assert "Discard the unfinished import of carers-survey.csv?" in page
        assert "This will delete the <strong>6 responses</strong> it wrote before it stopped." in page
        response = committed(officer_client.post, batch_url("discard", batch))
        assert response["Location"] == batch_url("done", batch)
        job = Job.objects.get(subject=import_tasks.discard_subject(batch.pk))
        assert job.state == Job.State.SUCCEEDED and job.result == {"batch": batch.pk, "deleted": 6}
        assert job.progress_done == job.progress_total == 6
        assert not ImportBatch.objects.exists() and not Response.all_objects.exists()
        assert list((media_root / "imports").iterdir()) == []
        event = AuditEvent.objects.get(action="responses.import_discard")
        assert event.sentence == "Unfinished import of “carers-survey.csv” discarded by Olu Officer"
        assert event.detail["responses_deleted"] == 6 and event.detail["job"] == job.pk
        # The batch's page, looked at again (by the person, or by the page itself), goes on to say so.
        response = officer_client.get(batch_url("done", batch), follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "surveys_staff:import_upload", args=[questionnaire.consultation.pk]
        )
        assert (
            "The unfinished import is discarded: the 6 responses it had written were deleted, none of them ever "
            "counted. You can import the file again."
        ) in response.content.decode()

    def test_while_it_is_discarded_its_page_follows_the_work_and_it_cannot_be_resumed(
        self, stopped_job, officer_client, questionnaire, survey_file
    ):
        batch = stopped_job
        officer_client.post(batch_url("discard", batch))  # queued, not run: nothing has committed
        batch.refresh_from_db()
        assert batch.is_being_discarded and batch.rows_to_discard == 6 and not batch.is_interrupted()
        job = batch.discard_job
        assert job.state == Job.State.QUEUED and job.title == "Discard an unfinished import of responses"
        html = officer_client.get(batch_url("done", batch)).content.decode()
        assert "<h1 class=\"govuk-heading-l\">Discarding the import</h1>" in html
        assert 'data-waiting="true"' in html and "0 of 6 responses deleted (0%)" in html
        assert "Resume the import" not in html
        upload_page = officer_client.get(reverse("surveys_staff:import_upload", args=[questionnaire.consultation.pk]))
        text = upload_page.content.decode()
        assert "The unfinished import of carers-survey.csv is being discarded: 6 responses still to delete." in text
        assert '<strong class="govuk-tag govuk-tag--grey">Being discarded</strong>' in text
        assert "6 left to delete" in text
        refused = officer_client.post(batch_url("resume", batch), follow=True).content.decode()
        assert "This import is being discarded, so there is nothing to resume" in refused
        refused = officer_client.post(batch_url("discard", batch), follow=True).content.decode()
        assert "This import is being discarded, so there is nothing to discard" in refused
        assert Job.objects.filter(subject=import_tasks.discard_subject(batch.pk)).count() == 1
        # Nor is it carried on by its own work run again, or by the same file imported again.
        with pytest.raises(importing.ImportInProgress, match="This file's unfinished import is being discarded"):
            import_file(questionnaire, survey_file(10), job_id=batch.job_id)
        with pytest.raises(importing.ImportInProgress, match="is being discarded .6 responses still to delete"):
            import_file(questionnaire, survey_file(3, name="more.csv", first=20))
        assert imported(questionnaire).count() == 6 and not Response.objects.exists()

    def test_discarding_that_stopped_part_way_is_asked_for_again_and_carries_on(
        self, stopped_job, officer, officer_client, committed, monkeypatch
    ):
        batch = stopped_job
        monkeypatch.setattr(importing, "WRITE_CHUNK_ROWS", 4)
        officer_client.post(batch_url("discard", batch))
        first = ImportBatch.objects.get().discard_job

        def stopping(*args, progress):
            def report(done, total=None, message=""):
                progress(done, total, message)
                if done >= 4:
                    raise WorkerStopped

            return import_tasks.discard_batch_impl(*args, progress=report)

        with pytest.raises(Exception, match="failed with WorkerStopped"):
            run_job(first.pk, stopping, first.pk, batch.pk, officer.pk)
        batch.refresh_from_db()
        assert batch.discard_stopped() and batch.rows_written == 2 and imported(batch.questionnaire).count() == 2
        html = officer_client.get(batch_url("done", batch)).content.decode()
        assert "Discarding the import stopped part-way" in html and 'data-waiting="false"' in html
        assert "4 of 6 responses deleted (67%)" in html and "Resume the import" not in html
        assert f'href="{batch_url("discard", batch)}"' in html
        assert not AuditEvent.objects.filter(action="responses.import_discard").exists()

        committed(officer_client.post, batch_url("discard", batch))
        assert not ImportBatch.objects.exists() and not Response.all_objects.exists()
        second = Job.objects.filter(subject=import_tasks.discard_subject(batch.pk)).exclude(pk=first.pk).get()
        assert second.state == Job.State.SUCCEEDED and second.result["deleted"] == 6
        event = AuditEvent.objects.get(action="responses.import_discard")
        assert event.detail["responses_deleted"] == 6 and event.detail["job"] == second.pk
        # The first work, run again by the queue, finds nothing more to do and records nothing.
        Job.objects.filter(pk=first.pk).update(state=Job.State.QUEUED)
        assert run_job(first.pk, import_tasks.discard_batch_impl, first.pk, batch.pk, officer.pk) == {
            "batch": batch.pk, "deleted": 0
        }
        assert AuditEvent.objects.filter(action="responses.import_discard").count() == 1

    def test_a_discard_run_twice_by_the_queue_deletes_and_records_once(
        self, stopped_job, officer, officer_client, committed
    ):
        batch = stopped_job
        committed(officer_client.post, batch_url("discard", batch))
        job = Job.objects.get(subject=import_tasks.discard_subject(batch.pk))
        Job.objects.filter(pk=job.pk).update(state=Job.State.QUEUED)  # the queue runs it again
        assert run_job(job.pk, import_tasks.discard_batch_impl, job.pk, batch.pk, officer.pk)["deleted"] == 0
        assert AuditEvent.objects.filter(action="responses.import_discard").count() == 1

    def test_resuming_without_the_file_says_to_upload_it_again(self, stopped_job, officer_client, media_root):
        importing.delete_upload(stopped_job.upload)  # as a refused or finished upload would be
        assert importing.upload_exists(stopped_job.upload)  # kept: the import is to be resumed from it
        (media_root / "imports" / stopped_job.upload).unlink()  # lost with the machine's disk, say
        html = officer_client.get(batch_url("done", stopped_job)).content.decode()
        assert "The uploaded file is no longer on the server" in html and "Resume the import</button>" not in html
        refused = officer_client.post(batch_url("resume", stopped_job), follow=True).content.decode()
        assert "“carers-survey.csv” is no longer on the server, so the import can&#x27;t be resumed" in refused

    def test_only_the_consultation_team_may_resume_or_discard(
        self, stopped_job, viewer_client, outsider_client, client
    ):
        for name in ("resume", "discard"):
            assert viewer_client.post(batch_url(name, stopped_job)).status_code == 403
            assert outsider_client.post(batch_url(name, stopped_job)).status_code == 403
            assert client.post(batch_url(name, stopped_job))["Location"].startswith(reverse("staff:login"))
        assert viewer_client.get(batch_url("done", stopped_job)).status_code == 403
        stopped_job.refresh_from_db()
        assert stopped_job.state == ImportBatch.State.IMPORTING and stopped_job.rows_written == 6
        assert not AuditEvent.objects.filter(action__in=["responses.import_resume", "responses.import_discard"])


class TestImportingAnotherFileMeanwhile:
    def test_the_import_button_says_which_import_must_finish_first(
        self, stopped_job, officer_client, committed, questionnaire
    ):
        consultation = questionnaire.consultation
        with TestCase.captureOnCommitCallbacks(execute=True):
            uploaded = officer_client.post(
                reverse("surveys_staff:import_upload", args=[consultation.pk]),
                {"file": SimpleUploadedFile("july.csv", csv_bytes([HEADER, *rows(4, first=40)]))},
            )
        token = uploaded["Location"].rstrip("/").split("/")[-2]
        mapped = {f"column_{i}": key for i, key in CHOSEN.items()}
        committed(officer_client.post, reverse("surveys_staff:import_mapping", args=[consultation.pk, token]), mapped)
        page = committed(officer_client.post, reverse("surveys_staff:import_run", args=[consultation.pk, token]))
        html = page.content.decode()
        assert page.status_code == 200 and "<title>Error: Check the file" in html
        assert "An earlier import into this questionnaire (“carers-survey.csv”) stopped part-way" in html
        assert f'href="{batch_url("done", stopped_job)}">See that import' in html
        assert not Job.objects.filter(title="Import a file of responses").exclude(pk=stopped_job.job_id).exists()


class TestTheQuestionnaireBuilder:
    """A question answered by an unfinished import's rows stays locked, though nothing counts them:
    resumed, the import counts the rows it wrote without reading them against the question again,
    so a question changed under them would be counted with answers that no longer fit it."""

    def test_a_question_answered_only_by_an_unfinished_import_is_locked_and_says_which_import(
        self, stopped_job, officer_client, questionnaire
    ):
        consultation = questionnaire.consultation
        vision = questionnaire.ordered_questions().get(code="vision")
        assert Answer.objects.counted().count() == 0 and vision.answer_count() == 6
        edit = reverse("surveys_staff:question_edit", args=[consultation.pk, vision.pk])
        html = officer_client.get(edit).content.decode()
        assert "This question is locked because an unfinished import wrote 6 answers to it." in html
        assert "The import of carers-survey.csv stopped part-way: 6 of its responses answer this question." in html
        assert "To change the question freely, discard the import first." in html
        assert f'href="{batch_url("done", stopped_job)}">See the import of carers-survey.csv</a>' in html
        assert 'name="kind"' not in html and 'name="code"' not in html

        refused = officer_client.post(edit, {"kind": "long_text", "code": "renamed", "text": vision.text})
        assert (
            "This question is locked: 6 responses answered it, so its kind and code can&#x27;t change"
        ) in refused.content.decode()
        delete = reverse("surveys_staff:question_delete", args=[consultation.pk, vision.pk])
        page = officer_client.get(delete).content.decode()
        assert (
            "(all of them written by the unfinished import of “carers-survey.csv”, counted once it is resumed and "
            "finished; discarding it unlocks them)"
        ) in page
        vision.refresh_from_db()
        assert (vision.kind, vision.code) == ("agree", "vision")

    def test_once_the_import_is_discarded_the_question_can_change(
        self, stopped_job, officer_client, questionnaire, committed
    ):
        committed(officer_client.post, batch_url("discard", stopped_job))
        vision = questionnaire.ordered_questions().get(code="vision")
        edit = reverse("surveys_staff:question_edit", args=[questionnaire.consultation.pk, vision.pk])
        html = officer_client.get(edit).content.decode()
        assert "This question is locked" not in html and 'name="code"' in html
