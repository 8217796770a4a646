"""Starting background work, and running it so that staff can follow it.

A piece of work is three small parts; for a report, say:

    def build_report_impl(consultation_id, *, progress=ignore_progress):
        ...                      # the work: plain code, callable from a test or the CLI
        progress(done, total, "Drawing the charts")
        raise JobError("Question 4 has no answers yet: ...")   # a failure staff can act on

    @task()
    def build_report(job_id, consultation_id):
        return run_job(job_id, build_report_impl, consultation_id)

    job = start_job(Job.Kind.REPORT, consultation, request.user, build_report, consultation.pk)

A task takes primary keys and plain values, never model instances: it runs later, perhaps
on another machine, and must read the rows as they are then. The task is queued only once
the transaction that created the job commits, so a worker never looks for rows it cannot
yet see.

What is logged when work fails is the exception's type and where it was raised, never its
message: a message can quote the data being worked on (a name, an address, an answer).
"""

import functools
import logging
import re
import time
import traceback

from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks.utils import normalize_json

from haveyoursay.jobs.models import Job

logger = logging.getLogger(__name__)

UNEXPECTED_FAILURE = (
    "Something went wrong that we did not expect, so this was not finished. Try again. If it fails "
    "again, tell the site's administrators: give them the job number {job_id}, and they will find the "
    "details in the server's log."
)
COULD_NOT_QUEUE = (
    "This could not be put in the queue of background work, so it has not started: the queue did not "
    "answer. Try again in a few minutes. If it keeps happening, tell the site's administrators."
)
STOPPED = (
    "The background worker was stopped before this was finished (the server may have been restarted). "
    "Try again."
)
PROGRESS_EVERY_SECONDS = 1.0
_NUMBERS = re.compile(r"\d(?:[\d,.]*\d)?")  # 5, 2,741, 12.5


class JobError(Exception):
    """Work that cannot be done, with a message for staff saying what is wrong and what to do next.

    The message is shown to staff as it is, and is not logged.
    """


class JobFailed(Exception):
    """Raised to the task queue when a job fails, so that it records a failure too.

    It carries no message from the work itself, so the queue's own records and logs hold no
    personal data; the message for staff is on the job.
    """


def ignore_progress(done, total=None, message=""):
    """The `progress` of work run outside a job: from a test or the command line."""


def start_job(kind, consultation, user, task, *args, title="", subject=""):
    """Record a job and queue `task(job.pk, *args)` once the current transaction commits.

    `subject` names what the work is on ("question 12"), so that the page following that
    thing can find its jobs; the title is for people and may change.

    `args` must be plain values (primary keys, strings, numbers): a TypeError says so at once
    rather than when the worker fails to read them.
    """
    if kind not in Job.Kind.values:
        raise ValueError(f"{kind!r} is not a kind of job; use one of Job.Kind: {', '.join(Job.Kind.values)}.")
    for value in args:
        if isinstance(value, models.Model):
            raise TypeError(
                f"start_job() was given {type(value).__name__} {value.pk}: pass its primary key, and let the "
                "task read the row when it runs."
            )
    normalize_json(args)  # raises TypeError for anything the queue could not store
    job = Job.objects.create(
        kind=kind,
        title=(title or Job.Kind(kind).label)[:200],
        consultation=consultation,
        requested_by=user if user is not None and user.is_authenticated else None,
        task_path=task.module_path,
        subject=subject,
    )
    transaction.on_commit(functools.partial(enqueue_job, job.pk, task, args))
    return job


def enqueue_job(job_id, task, args):
    """Put the job's task in the queue; if the queue cannot be reached, the job fails and says so."""
    try:
        result = task.enqueue(job_id, *args)
    except Exception as error:
        logger.error("Job %s could not be queued:\n%s", job_id, describe_failure(error))
        record_failure(job_id, COULD_NOT_QUEUE)
        return None
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id))
    return result


def run_job(job_id, impl, *args, **kwargs):
    """Run `impl(*args, progress=..., **kwargs)` as job `job_id`, recording how it went.

    The job is marked running, then succeeded or failed, each in its own committed write, so
    that staff see it as it happens. A JobError's message is shown to staff; any other
    exception is logged (type and place, no message) and staff are told to try again. Either
    way the task queue is told the work failed.
    """
    if not claim_job(job_id):
        return None
    try:
        outcome = impl(*args, progress=make_progress_reporter(job_id), **kwargs)
    except JobError as error:
        logger.info("Job %s stopped with a message for staff (%s).", job_id, type(error).__name__)
        record_failure(job_id, str(error) or UNEXPECTED_FAILURE.format(job_id=job_id))
        raise JobFailed(f"Job {job_id} failed: the message for staff is on the job.") from None
    except Exception as error:
        logger.error("Job %s failed:\n%s", job_id, describe_failure(error))
        record_failure(job_id, UNEXPECTED_FAILURE.format(job_id=job_id))
        raise JobFailed(f"Job {job_id} failed with {type(error).__name__}; see the log for where.") from None
    except BaseException:
        # The worker is being stopped (Ctrl+C, a second SIGTERM, a timeout): say so, and let it stop.
        record_failure(job_id, STOPPED)
        raise
    record_success(job_id, outcome)
    return outcome


def claim_job(job_id):
    """Mark the job running, if it is there to run. False if it is gone or already finished."""
    now = timezone.now()
    if Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    ):
        return True
    state = Job.objects.filter(pk=job_id).values_list("state", flat=True).first()
    if state is None:
        logger.warning("Job %s no longer exists (its consultation may have been deleted): nothing to do.", job_id)
        return False
    if state == Job.State.RUNNING:
        # The queue is running it again after its worker stopped part-way: start afresh.
        Job.objects.filter(pk=job_id).update(started_at=now, heartbeat_at=now, progress_done=0)
        return True
    logger.info("Job %s has already %s: not running it again.", job_id, state)
    return False


def report_progress(job_id, done, total=None, message=""):
    """Record how far job `job_id` has got: `done` of `total` (None while unknown), and what it is doing.

    Each call is a committed write, which is also how staff know the work is still alive. Work
    inside one long transaction would show no progress until it commits.
    """
    done = max(0, int(done))
    total = None if total is None else max(done, int(total))
    return Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        progress_done=done,
        progress_total=total,
        progress_message=str(message)[:200],
        heartbeat_at=timezone.now(),
    )


def make_progress_reporter(job_id, every_seconds=PROGRESS_EVERY_SECONDS):
    """A `progress(done, total, message)` for the work, writing at most once every `every_seconds`
    while only the numbers change.

    Work may call it for every row ("Checking row 1,204"); of calls whose messages differ only
    in their numbers, only the first, the last (done == total) and one a second reach the
    database, so reporting never slows the work down. A message in other words is a new stage
    of the work ("Drawing the PDF of each version") and is written at once: thrown away, it
    would leave the stage before it on the page for as long as this one takes.
    """
    last_written = None
    last_words = None

    def progress(done, total=None, message=""):
        nonlocal last_written, last_words
        now = time.monotonic()
        finished = total is not None and done >= total
        words = _NUMBERS.sub("", str(message))
        if last_written is None or finished or words != last_words or now - last_written >= every_seconds:
            report_progress(job_id, done, total, message)
            last_written, last_words = now, words

    return progress


def record_success(job_id, outcome=None):
    """Mark the job done, keeping what the work returned for the page that shows its result
    (an import's batch), if it is plain data the database can store."""
    now = timezone.now()
    try:
        result = normalize_json(outcome)
    except (TypeError, ValueError):
        result = None
    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        result=result,
        state=Job.State.SUCCEEDED,
        finished_at=now,
        heartbeat_at=now,
        # A job whose total was known ends at 100%, even if its last report was throttled away.
        progress_done=Coalesce("progress_total", "progress_done"),
    )


def record_failure(job_id, message):
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        state=Job.State.FAILED, finished_at=now, heartbeat_at=now, error_message=message
    )


def describe_failure(error):
    """The exception's type and the code it passed through, without any exception's message."""
    parts = []
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        frames = traceback.extract_tb(error.__traceback__)
        lines = [f"{type(error).__module__}.{type(error).__qualname__} (message withheld: it may quote data)"]
        for frame in frames:
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        parts.append("\n".join(lines))
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return "\n\n...raised while handling:\n\n".join(parts)
