"""An RQ worker told to stop stops: within seconds, not the minute RQ 3.0 with redis-py 8.2
took (its command thread waited 60 s at a time, and stopping waited for it), and leaving no
copy of the report's fonts behind in the temporary folder."""

import signal
import threading

import pytest
from rq import SimpleWorker, Worker
from rq.command import send_shutdown_command

from haveyoursay.jobs.rq_worker import COMMAND_WAIT_SECONDS, StopsPromptly, stopping_promptly
from tests.jobs.test_jobs_niceness import start_worker

# Far longer than a prompt stop takes (about COMMAND_WAIT_SECONDS), far shorter than the 60 s
# a worker waited before: a worker still running after it has not stopped promptly.
STOPPED_WITHIN = 30


def listening_worker(tmp_path, redis_url):
    """A `haveyoursay worker` on RQ, once it listens for work; and its name and output so far."""
    worker = start_worker(tmp_path, redis_url)
    # A worker that never says it listens is stopped rather than read from for ever.
    watchdog = threading.Timer(120, worker.kill)
    watchdog.start()
    output, name = [], None
    for line in worker.stdout:
        output.append(line)
        if ": started with PID" in line:
            name = line.split("Worker ", 1)[1].split(":", 1)[0]
        if "Listening on" in line:
            break
    watchdog.cancel()
    assert name and worker.poll() is None, "".join(output)
    return worker, name, output


def stopped(worker, output):
    """The worker's exit code once it has stopped, or a failure if it has not within STOPPED_WITHIN."""
    try:
        rest, _ = worker.communicate(timeout=STOPPED_WITHIN)
    except Exception:
        worker.kill()
        worker.communicate()
        pytest.fail(f"the worker was still running {STOPPED_WITHIN} s after it was told to stop:\n" + "".join(output))
    return worker.returncode, "".join(output) + rest


def test_rqs_worker_or_the_one_the_settings_name_is_made_to_stop_promptly():
    for configured in (Worker, SimpleWorker):
        worker_class = stopping_promptly(configured)
        assert issubclass(worker_class, configured) and issubclass(worker_class, StopsPromptly)
        assert worker_class.subscribe is StopsPromptly.subscribe
        assert stopping_promptly(worker_class) is worker_class
    assert COMMAND_WAIT_SECONDS < STOPPED_WITHIN


def test_an_idle_worker_sent_sigterm_stops_promptly_and_removes_its_copies_of_the_fonts(rq_tasks, tmp_path):
    worker, _, output = listening_worker(tmp_path, rq_tasks)
    # Made when it warmed up: WeasyPrint's copies of the report's fonts.
    assert list(tmp_path.glob("weasyprint-*")), "".join(output)

    worker.send_signal(signal.SIGTERM)
    returncode, output = stopped(worker, output)

    assert returncode == 0, output
    assert "warm shut down requested" in output
    assert not list(tmp_path.glob("weasyprint-*")), output


def test_a_worker_sent_rqs_shutdown_command_stops(rq_tasks, tmp_path):
    # The command reaches it through the thread that now wakes every second.
    import django_rq

    worker, name, output = listening_worker(tmp_path, rq_tasks)

    send_shutdown_command(django_rq.get_connection("default"), name)
    returncode, output = stopped(worker, output)

    assert returncode == 0, output
    assert "Received shutdown command" in output, output
