"""A job from start to finish: queued, running, succeeded or failed, with its progress."""

import datetime
import logging

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from haveyoursay.jobs.models import STALLED, Job
from haveyoursay.jobs.running import (
    COULD_NOT_QUEUE,
    JobError,
    make_progress_reporter,
    report_progress,
    run_job,
    start_job,
)
from tests.factories import make_consultation

# An answer of the kind a resident writes: the work may see it, the logs must not.
PERSONAL = "Mrs Jane Smith, 12 Acacia Avenue, Loughborough"
seen_during_work = []


def count_answers_impl(total, *, progress):
    for done in range(1, total + 1):
        progress(done, total, f"Counting answer {done}")
        seen_during_work.append(Job.objects.values_list("state", "progress_done").get())
    return total


@task()
def count_answers(job_id, total):
    return run_job(job_id, count_answers_impl, total)


def refuse_impl(*, progress):
    raise JobError("Question 4 has no answers yet: wait until responses arrive, then try again.")


@task()
def refuse(job_id):
    return run_job(job_id, refuse_impl)


def break_impl(*, progress):
    progress(1, 3, "Reading responses")
    raise ValueError(f"could not parse {PERSONAL!r}")


@task()
def break_unexpectedly(job_id):
    return run_job(job_id, break_impl)


def interrupted_impl(*, progress):
    raise KeyboardInterrupt


@pytest.fixture
def consultation(db):
    return make_consultation(title="Draft Carers Strategy 2022-2025")


@pytest.fixture(autouse=True)
def forget_what_was_seen():
    seen_during_work.clear()


def test_a_job_waits_in_the_queue_until_its_transaction_commits(
    consultation, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_job(Job.Kind.ANALYSIS, consultation, officer, count_answers, 3, title="Count the answers")
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert job.task_result_id == ""
    assert len(callbacks) == 1


def test_a_job_runs_then_succeeds_with_its_progress(consultation, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.ANALYSIS, consultation, officer, count_answers, 3, title="Count the answers")
    job.refresh_from_db()
    assert seen_during_work[0] == (Job.State.RUNNING, 1)
    assert job.state == Job.State.SUCCEEDED
    assert (job.progress_done, job.progress_total, job.progress_percent) == (3, 3, 100)
    assert job.started_at <= job.finished_at
    assert job.error_message == ""
    assert job.task_result_id
    assert job.requested_by == officer
    assert job.consultation == consultation
    assert job.task_path.endswith("test_jobs_lifecycle.count_answers")


def test_a_job_that_refuses_shows_staff_its_own_message(consultation, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.REPORT, consultation, officer, refuse)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error_message == "Question 4 has no answers yet: wait until responses arrive, then try again."
    assert job.finished_at is not None


def test_an_unexpected_failure_tells_staff_what_to_do_and_logs_no_personal_data(
    consultation, officer, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.REPORT, consultation, officer, break_unexpectedly)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert f"job number {job.pk}" in job.error_message
    assert "Try again" in job.error_message
    assert "ValueError" not in job.error_message
    assert (job.progress_done, job.progress_total, job.progress_message) == (1, 3, "Reading responses")
    assert "builtins.ValueError" in caplog.text
    assert "in break_impl" in caplog.text
    assert "Jane Smith" not in caplog.text


def test_a_stopped_worker_fails_the_job_and_still_stops(consultation):
    job = Job.objects.create(kind=Job.Kind.REPORT, title="Report", consultation=consultation, task_path="x")
    with pytest.raises(KeyboardInterrupt):
        run_job(job.pk, interrupted_impl)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "stopped" in job.error_message


def test_finished_or_deleted_jobs_are_not_run_again(consultation):
    job = Job.objects.create(
        kind=Job.Kind.REPORT, title="Report", consultation=consultation, task_path="x", state=Job.State.SUCCEEDED
    )
    assert run_job(job.pk, count_answers_impl, 2) is None
    assert run_job(job.pk + 1000, count_answers_impl, 2) is None
    assert seen_during_work == []


def test_a_job_can_only_be_given_primary_keys_and_plain_values(consultation, officer):
    with pytest.raises(TypeError, match="pass its primary key"):
        start_job(Job.Kind.REPORT, consultation, officer, count_answers, consultation)
    with pytest.raises(TypeError):
        start_job(Job.Kind.REPORT, consultation, officer, count_answers, object())
    with pytest.raises(ValueError, match="not a kind of job"):
        start_job("haircut", consultation, officer, count_answers, 1)
    assert not Job.objects.exists()


def test_report_progress_records_how_far_a_running_job_has_got(consultation):
    job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", task_path="x", state=Job.State.RUNNING)
    report_progress(job.pk, 250, 5483, "Checking rows")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.progress_message) == (250, 5483, "Checking rows")
    assert job.progress_percent == 5
    report_progress(job.pk, 10, None, "x" * 500)
    job.refresh_from_db()
    assert job.progress_total is None and job.progress_percent is None
    assert len(job.progress_message) == 200


def test_counts_are_written_at_most_once_a_second_but_always_at_the_end(consultation):
    job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", task_path="x", state=Job.State.RUNNING)
    progress = make_progress_reporter(job.pk, every_seconds=3600)
    progress(1, 5483, "Checking row 1")
    progress(2741, 5483, "Checking row 2,741")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_message) == (1, "Checking row 1")
    progress(5483, 5483, "Checked 5,483 rows")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_message) == (5483, "Checked 5,483 rows")


def test_a_new_stage_of_the_work_is_written_at_once(consultation):
    """A report's stages follow each other within a second, then one takes a minute: the page
    must say that one, not the stage before it."""
    job = Job.objects.create(kind=Job.Kind.REPORT, title="Report", task_path="x", state=Job.State.RUNNING)
    progress = make_progress_reporter(job.pk, every_seconds=3600)
    progress(0, 5, "Reading the responses")
    progress(1, 5, "Counting the answers and comparing groups")
    progress(2, 5, "Drawing the PDF of each version")
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.progress_message) == (
        2, 5, "Drawing the PDF of each version"
    )


def test_progress_on_a_finished_job_changes_nothing(consultation):
    job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", task_path="x", state=Job.State.FAILED)
    assert report_progress(job.pk, 5, 10, "late") == 0


def test_a_running_job_not_heard_from_for_a_while_is_stalled(consultation, settings):
    settings.JOB_STALLED_AFTER_MINUTES = 30
    now = timezone.now()
    quiet = Job.objects.create(
        kind=Job.Kind.REPORT, title="Report", task_path="x", state=Job.State.RUNNING,
        started_at=now - datetime.timedelta(hours=2), heartbeat_at=now - datetime.timedelta(minutes=31),
    )
    busy = Job.objects.create(
        kind=Job.Kind.REPORT, title="Report", task_path="x", state=Job.State.RUNNING,
        started_at=now - datetime.timedelta(hours=2), heartbeat_at=now - datetime.timedelta(minutes=1),
    )
    assert quiet.shown_state == STALLED and quiet.shown_state_label == "Stalled"
    assert busy.shown_state == Job.State.RUNNING
    assert list(Job.objects.stalled()) == [quiet]


def test_a_queue_that_cannot_be_reached_fails_the_job_with_a_message(
    consultation, officer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": f"unix://{tmp_path}/no-redis-here.sock"}}
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(Job.Kind.REPORT, consultation, officer, count_answers, 1)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error_message == COULD_NOT_QUEUE


def test_a_rolled_back_transaction_queues_nothing(consultation, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                start_job(Job.Kind.REPORT, consultation, officer, count_answers, 1)
                raise RuntimeError("changed my mind")
    assert callbacks == []
    assert not Job.objects.exists()
    assert seen_during_work == []
