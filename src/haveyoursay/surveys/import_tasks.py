"""Checking and importing a file of responses in the background, as jobs staff can follow.

The staff pages (`surveys/imports.py`) queue these; the work is `importing.check_rows` and
`importing.import_rows`. A job leaves what it found beside the upload (`importing.save_result`)
for the uploading person's page to show. The problems it found quote the file's cells, so
they never go into the job's own messages, which anyone who may see the consultation reads.

The first job reads the upload through once (`read_upload`): a web request only stores the
file, since a small file can take a worker a long time, or much memory, to open. A file that
can't be read, or is beyond the limits of one import, is deleted there and then.

The upload stays where the staff pages stored it until the import has finished: a check
leaves it for the import, a refused import leaves it to be matched again, and an import that
is done (or that finds the file already imported) deletes it.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tasks import task

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, ignore_progress, run_job, start_job
from haveyoursay.surveys import importing
from haveyoursay.surveys.models import ImportBatch, Questionnaire

GONE = "The uploaded file is no longer on the server: uploads are kept for a day. Upload it again to carry on."
REMAPPED = (
    "The questionnaire has changed since the file's columns were matched to its questions. "
    "Match the columns again, then check the file again."
)


def _open(questionnaire_id, stored, path, file_name, sheet, chosen):
    """(questionnaire, table, mapping) for an upload at `path` on this machine, or JobError
    saying what to do."""
    questionnaire = Questionnaire.objects.filter(pk=questionnaire_id).select_related("consultation").first()
    if questionnaire is None:
        raise JobError("The questionnaire was deleted, so the file can't be checked or imported.")
    if path is None:
        raise JobError(GONE)
    try:
        table = importing.open_table(path, file_name, sheet or None)
    except importing.FileRefused as error:
        importing.delete_upload(stored)
        raise JobError(str(error)) from None
    except importing.ImportFileError as error:
        raise JobError(str(error)) from None
    try:
        mapping = importing.Mapping(
            table.columns, importing.targets_for(questionnaire), {int(i): key for i, key in chosen.items()}
        )
    except importing.MappingError:
        raise JobError(REMAPPED) from None
    return questionnaire, table, mapping


def counts_of(check):
    """What a job returns to the queue: numbers only, nothing quoted from the file."""
    return {
        "rows_read": check.rows_read, "to_import": check.to_import, "problems": len(check.errors),
        "skipped_already_imported": check.duplicates, "skipped_no_answers": check.empty, "skipped_blank": check.blank,
    }


def read_upload_impl(job_id, stored, file_name, sheet, *, progress=ignore_progress):
    """Read an upload through once: its columns, a few values of each, and its rows counted.
    A file that can't be read, or that is beyond the limits, is deleted, and the job says why."""
    with importing.local_upload(stored) as path:
        return _read_upload(job_id, stored, path, file_name, sheet, progress)


def _read_upload(job_id, stored, path, file_name, sheet, progress):
    if path is None:
        raise JobError(GONE)
    try:
        found = importing.read_table(importing.open_table(path, file_name, sheet or None), progress=progress)
    except importing.ImportFileError as error:
        importing.delete_upload(stored)
        raise JobError(str(error)) from None
    except Exception:
        importing.delete_upload(stored)  # nothing more will be done with a file that broke the reader
        raise
    importing.save_result(stored, job_id, found)
    return {"rows": found["rows"], "columns": len(found["columns"])}


def check_upload_impl(job_id, questionnaire_id, stored, file_name, sheet, chosen, *, progress=ignore_progress):
    """The dry run of an upload. A check that finds problems has done its work: the job succeeds
    and the problems are in its result."""
    with importing.local_upload(stored) as path:
        return _check_upload(job_id, questionnaire_id, stored, path, file_name, sheet, chosen, progress)


def _check_upload(job_id, questionnaire_id, stored, path, file_name, sheet, chosen, progress):
    questionnaire, table, mapping = _open(questionnaire_id, stored, path, file_name, sheet, chosen)
    try:
        check = importing.check_rows(questionnaire, table, mapping, progress=progress)
    except importing.FileRefused as error:
        importing.delete_upload(stored)
        raise JobError(str(error)) from None
    except importing.ImportFileError as error:
        raise JobError(str(error)) from None
    importing.save_result(stored, job_id, {"check": check.as_json(), "mapping": chosen})
    return counts_of(check)


def import_upload_impl(
    job_id, questionnaire_id, stored, file_name, sheet, chosen, user_id=None, include_early=False, *,
    progress=ignore_progress,
):
    """Import an upload, in chunks that nobody sees until the last is written, recorded in the audit
    trail with the switch that makes them counted. Work stopped part-way leaves the batch
    unfinished, and its upload kept, to carry on from or to discard. The same work run again
    (by the queue, or by "Resume") carries on. `include_early`: the person importing confirmed
    the rows dated before the consultation opened."""
    with importing.local_upload(stored) as path:
        return _import_upload(
            job_id, questionnaire_id, stored, path, file_name, sheet, chosen, user_id, include_early, progress
        )


def _import_upload(job_id, questionnaire_id, stored, path, file_name, sheet, chosen, user_id, include_early, progress):
    questionnaire, table, mapping = _open(questionnaire_id, stored, path, file_name, sheet, chosen)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    def record(batch, check):
        AuditEvent.record(
            user, "responses.import", questionnaire.consultation,
            batch=batch.pk, file=batch.file_name, rows_read=check.rows_read, imported=check.to_import,
            skipped_as_duplicates=check.duplicates, skipped_as_empty=check.empty, skipped_as_blank=check.blank,
            warnings=len(check.warnings), dated_before_opening=check.early,
        )

    def record_start(batch):
        AuditEvent.record(
            user, "responses.import_start", questionnaire.consultation,
            batch=batch.pk, file=batch.file_name, to_write=batch.rows_to_write, job=job_id,
        )

    try:
        # The database's rules (one import per file, one unfinished import per questionnaire)
        # stop another import of the same file, or of another file, in another worker.
        batch, check = importing.import_rows(
            questionnaire, table, mapping, user=user, file_name=file_name, progress=progress, then=record,
            include_early=include_early, job_id=job_id, upload=stored, started=record_start,
        )
    except importing.ImportInProgress as error:
        raise JobError(importing.in_progress_message(error.batch, error.same_file, name_the_file=False)) from None
    except importing.AlreadyImported as error:
        importing.delete_upload(stored)
        raise JobError(importing.already_imported_message(error.batch, name_the_file=False)) from None
    except importing.ImportRefused as error:
        importing.save_result(stored, job_id, {"check": error.check.as_json(), "mapping": chosen})
        raise JobError(f"{error} They are listed on the page of this import, for the person who uploaded it.") from None
    except importing.FileRefused as error:
        importing.delete_upload(stored)
        raise JobError(str(error)) from None
    except importing.ImportFileError as error:
        raise JobError(str(error)) from None
    importing.delete_upload(stored)
    return {"batch": batch.pk, **counts_of(check)}


def discard_batch_impl(job_id, batch_id, user_id=None, *, progress=ignore_progress):
    """Delete the responses an unfinished import wrote, a chunk at a time, then the batch, and
    record it in the audit trail with the batch's deletion. Safe to run again: the queue running
    it again after its worker stopped carries on with the responses left; once the batch is gone
    there is nothing more to do, and nothing is recorded twice."""
    batch = ImportBatch.objects.filter(pk=batch_id).select_related("questionnaire__consultation").first()
    if batch is None:
        return {"batch": batch_id, "deleted": 0}
    if batch.is_complete or not batch.is_being_discarded:
        raise JobError("This import is no longer being discarded, so nothing was deleted.")
    if batch.discard_job_id != job_id:
        raise JobError("This import is being discarded by later work, which carries on from here.")
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    consultation = batch.questionnaire.consultation

    def record(gone):
        AuditEvent.record(
            user, "responses.import_discard", consultation, batch=gone.pk, file=gone.file_name,
            responses_deleted=gone.rows_to_discard, to_write=gone.rows_to_write, job=job_id,
        )

    importing.discard_import(batch, progress=progress, then=record)
    importing.delete_upload(batch.upload)
    return {"batch": batch_id, "deleted": batch.rows_to_discard}


@task()
def read_upload(job_id, stored, file_name, sheet):
    return run_job(job_id, read_upload_impl, job_id, stored, file_name, sheet)


@task()
def check_upload(job_id, questionnaire_id, stored, file_name, sheet, chosen):
    return run_job(job_id, check_upload_impl, job_id, questionnaire_id, stored, file_name, sheet, chosen)


@task()
def import_upload(job_id, questionnaire_id, stored, file_name, sheet, chosen, user_id=None, include_early=False):
    return run_job(
        job_id, import_upload_impl, job_id, questionnaire_id, stored, file_name, sheet, chosen, user_id, include_early
    )


@task()
def discard_batch(job_id, batch_id, user_id=None):
    return run_job(job_id, discard_batch_impl, job_id, batch_id, user_id)


def _upload_args(questionnaire, entry):
    return questionnaire.pk, entry["stored"], entry["file_name"], entry.get("sheet") or "", entry["mapping"]


def start_read(questionnaire, entry, user):
    """Queue the reading of a stored upload. Like every job on an upload, its title leaves out
    the file's name, which others see on the list of jobs."""
    return start_job(
        Job.Kind.IMPORT, questionnaire.consultation, user, read_upload,
        entry["stored"], entry["file_name"], entry.get("sheet") or "",
        title="Read a file of responses before matching its columns",
    )


def start_check(questionnaire, entry, user):
    """Queue the dry run of an upload (an entry as `surveys/imports.py` keeps it: stored name,
    file name, sheet and mapping). The job's title leaves out the file's name, which others
    see on the list of jobs."""
    return start_job(
        Job.Kind.IMPORT, questionnaire.consultation, user, check_upload, *_upload_args(questionnaire, entry),
        title="Check a file of responses before importing it",
    )


def start_import(questionnaire, entry, user, include_early=False):
    return start_job(
        Job.Kind.IMPORT, questionnaire.consultation, user, import_upload, *_upload_args(questionnaire, entry),
        user.pk if user is not None and user.is_authenticated else None, bool(include_early),
        title="Import a file of responses",
    )


def discard_subject(batch_id):
    """What a discarding job is on, for the batch's page to find it once the batch is gone."""
    return f"import batch {int(batch_id)}"


def start_discard(batch, user):
    """Queue the discarding of an unfinished import that stopped part-way (or whose discarding
    stopped), and mark it "being discarded", in the caller's transaction, with the batch locked.
    From then on it can't be resumed; its responses stay unseen until they are deleted."""
    job = start_job(
        Job.Kind.IMPORT, batch.questionnaire.consultation, user, discard_batch,
        batch.pk, user.pk if user is not None and user.is_authenticated else None,
        title="Discard an unfinished import of responses", subject=discard_subject(batch.pk),
    )
    to_discard = batch.rows_to_discard if batch.is_being_discarded else batch.rows_written
    ImportBatch.objects.filter(pk=batch.pk).update(
        discard_requested_at=batch.discard_requested_at or timezone.now(), discard_job=job,
        rows_to_discard=to_discard,
    )
    return job
