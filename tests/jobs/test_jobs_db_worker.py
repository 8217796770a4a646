"""The database queue end to end: work is queued in the database when the transaction
commits, and django-tasks-db's own worker (through `haveyoursay worker`) does it."""

import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from haveyoursay import cli
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, run_job, start_job
from tests.factories import make_consultation

PERSONAL = "Mr Ravi Patel, 3 Granby Street, Leicester LE1"


def tally_impl(consultation_id, *, progress):
    titles = list(Job.objects.filter(consultation_id=consultation_id).values_list("title", flat=True))
    progress(1, 2, "Reading")
    progress(2, 2, "Writing")
    return {"jobs_seen": len(titles)}


@task()
def tally(job_id, consultation_id):
    return run_job(job_id, tally_impl, consultation_id)


def explode_impl(*, progress):
    raise KeyError(PERSONAL)


@task()
def explode(job_id):
    return run_job(job_id, explode_impl)


def decline_impl(*, progress):
    raise JobError("The file has no header row: add one, then import it again.")


@task()
def decline(job_id):
    return run_job(job_id, decline_impl)


def test_the_database_worker_runs_queued_work_to_success(database_tasks, run_worker, officer):
    consultation = make_consultation(title="Net Zero 2045")
    with transaction.atomic():
        job = start_job(Job.Kind.ANALYSIS, consultation, officer, tally, consultation.pk, title="Tally")
        # Not queued yet: the job's row is not committed, so no worker could see it.
        assert not DBTaskResult.objects.exists()
    queued = DBTaskResult.objects.get()
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert job.task_result_id == str(queued.id)
    assert queued.args_kwargs == {"args": [job.pk, consultation.pk], "kwargs": {}}

    run_worker()

    job.refresh_from_db()
    queued.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.progress_message) == (2, 2, "Writing")
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == {"jobs_seen": 1}


def test_the_database_worker_records_failures_without_personal_data(database_tasks, run_worker, officer, caplog):
    caplog.set_level(logging.DEBUG)
    consultation = make_consultation()
    broken = start_job(Job.Kind.REPORT, consultation, officer, explode, title="Engagement report")
    declined = start_job(Job.Kind.IMPORT, consultation, officer, decline, title="Import from SNAP")

    run_worker()

    broken.refresh_from_db()
    declined.refresh_from_db()
    assert broken.state == declined.state == Job.State.FAILED
    assert declined.error_message == "The file has no header row: add one, then import it again."
    assert f"job number {broken.pk}" in broken.error_message
    results = DBTaskResult.objects.all()
    assert {result.status for result in results} == {TaskResultStatus.FAILED}
    assert not any("Ravi Patel" in result.traceback for result in results)
    assert "header row" not in "".join(result.traceback for result in results)
    assert "builtins.KeyError" in caplog.text
    assert "Ravi Patel" not in caplog.text


def test_a_job_committed_then_rolled_back_elsewhere_is_never_queued(database_tasks, officer):
    consultation = make_consultation()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            start_job(Job.Kind.REPORT, consultation, officer, tally, consultation.pk)
            raise RuntimeError("the view failed after starting the job")
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_the_worker_does_only_the_queues_it_is_given(database_tasks, run_worker):
    with pytest.raises(CommandError, match="no queue called reports"):
        run_worker(queues=["reports"])


@pytest.mark.usefixtures("run_worker")  # for the signal handlers it puts back afterwards
def test_haveyoursay_worker_runs_the_database_worker(database_tasks, officer):
    consultation = make_consultation()
    job = start_job(Job.Kind.ANALYSIS, consultation, officer, tally, consultation.pk)
    cli.main(["worker", "--batch", "--verbosity", "0"])
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED


def test_there_is_no_worker_for_work_that_runs_at_once(db):
    with pytest.raises(CommandError, match="TASKS_BACKEND=database"):
        call_command("worker", batch=True)
