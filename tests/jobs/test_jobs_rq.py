"""The RQ backend end to end, against a real redis-server: work is queued in Redis when the
transaction commits, and an RQ worker (through `haveyoursay worker --batch`) does it."""

import logging

import django_rq
from django.db import transaction
from django_tasks import TaskResultStatus, default_task_backend, task

from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, run_job, start_job
from tests.factories import make_consultation

PERSONAL = "Ms Aisha Khan, 7 Belvoir Road, Coalville"


def draw_charts_impl(consultation_id, charts, *, progress):
    for done in range(1, charts + 1):
        progress(done, charts, f"Drawing chart {done} of {charts}")
    return {"consultation": consultation_id, "charts": charts}


@task()
def draw_charts(job_id, consultation_id, charts):
    return run_job(job_id, draw_charts_impl, consultation_id, charts)


def crash_impl(*, progress):
    raise RuntimeError(PERSONAL)


@task()
def crash(job_id):
    return run_job(job_id, crash_impl)


def refuse_impl(*, progress):
    raise JobError("There are no responses to report on yet.")


@task()
def refuse(job_id):
    return run_job(job_id, refuse_impl)


def test_an_rq_worker_runs_queued_work_to_success(rq_tasks, run_worker, officer):
    consultation = make_consultation(title="Resources and Waste Strategy")
    queue = django_rq.get_queue("default")
    with transaction.atomic():
        job = start_job(Job.Kind.REPORT, consultation, officer, draw_charts, consultation.pk, 9, title="Report")
        assert queue.count == 0  # nothing reaches Redis before the job's row is committed
    assert queue.count == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert job.task_result_id in queue.job_ids

    run_worker()

    job.refresh_from_db()
    assert queue.count == 0
    assert job.state == Job.State.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (9, 9)
    result = default_task_backend.get_result(job.task_result_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"consultation": consultation.pk, "charts": 9}


def test_an_rq_worker_records_failures_without_personal_data(rq_tasks, run_worker, officer, caplog):
    caplog.set_level(logging.DEBUG)
    consultation = make_consultation()
    crashed = start_job(Job.Kind.ANALYSIS, consultation, officer, crash)
    refused = start_job(Job.Kind.REPORT, consultation, officer, refuse)

    run_worker()

    crashed.refresh_from_db()
    refused.refresh_from_db()
    assert crashed.state == refused.state == Job.State.FAILED
    assert f"job number {crashed.pk}" in crashed.error_message
    assert refused.error_message == "There are no responses to report on yet."
    for job in (crashed, refused):
        result = default_task_backend.get_result(job.task_result_id)
        assert result.status == TaskResultStatus.FAILED
        assert "Aisha Khan" not in result.errors[0].traceback
    assert "builtins.RuntimeError" in caplog.text
    assert "Aisha Khan" not in caplog.text
