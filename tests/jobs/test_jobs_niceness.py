"""Background work yields the CPU to the web server: `haveyoursay worker` runs at
WORKER_NICENESS, and so does the process RQ forks to do each piece of work."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_tasks import task

ROOT = Path(__file__).resolve().parent.parent.parent


@task()
def note_niceness(path):
    """Run in the work-horse: writes down the niceness the work is done at."""
    Path(path).write_text(str(os.getpriority(os.PRIO_PROCESS, 0)))


def start_worker(tmp_path, redis_url, *arguments, own_session=False, **environment):
    env = {
        **{name: value for name, value in os.environ.items() if name not in {"DATABASE_URL", "WORKER_NICENESS"}},
        "DJANGO_SETTINGS_MODULE": "haveyoursay.settings",
        "HAVEYOURSAY_DATA_DIR": str(tmp_path / "data"),
        "TASKS_BACKEND": "rq",
        "REDIS_URL": redis_url,
        # The task is found by this module's name, as pytest imported it.
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), str(Path(__file__).parent)]),
        # Its temporary files (WeasyPrint's copies of the report's fonts) kept with the test's: a worker
        # stopped before it has set up RQ's signal handlers is ended without removing them.
        "TMPDIR": str(tmp_path),
        **environment,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "haveyoursay.cli", "worker", *arguments],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=own_session,
    )


def niceness_of(pid):
    """Field 19 of /proc/PID/stat, after the command name (which may hold spaces)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_a_started_worker_and_its_work_run_at_the_configured_niceness(rq_tasks, tmp_path):
    noted = tmp_path / "niceness"
    note_niceness.enqueue(str(noted))

    worker = start_worker(tmp_path, rq_tasks, "--batch", WORKER_NICENESS="7")
    first_line = worker.stdout.readline()
    running_at = niceness_of(worker.pid)
    output, _ = worker.communicate(timeout=120)

    assert worker.returncode == 0, first_line + output
    assert first_line.strip() == "Doing background work at niceness 7 (WORKER_NICENESS 7)."
    assert running_at == 7
    assert noted.exists(), output
    assert noted.read_text() == "7"  # the work-horse RQ forked for the task


def test_a_worker_is_niced_by_default(rq_tasks, tmp_path):
    worker = start_worker(tmp_path, rq_tasks)
    try:
        first_line = worker.stdout.readline()
        assert first_line.strip() == "Doing background work at niceness 10 (WORKER_NICENESS 10)."
        assert niceness_of(worker.pid) == 10
    finally:
        worker.terminate()
        worker.communicate(timeout=60)


def session_group_of(pid):
    """The scheduler's group of the process's session (autogroup), as "/autogroup-ID nice N"; empty
    for a session the kernel leaves in its root group (the session a container's first process
    starts in, where CI runs)."""
    return Path(f"/proc/{pid}/autogroup").read_text().strip()


def session_niceness_of(pid):
    """The niceness of the process's session, as Linux's scheduler groups sessions (autogroup)."""
    return int(session_group_of(pid).split()[-1])


AUTOGROUP_MISSING = "this kernel does not group sessions for its scheduler: /proc/self/autogroup is missing"


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason=AUTOGROUP_MISSING)
def test_a_worker_leading_its_own_session_lowers_the_sessions_priority_too(rq_tasks, tmp_path):
    # Otherwise its niceness counts only against its own session's processes, and the worker
    # takes as much of the CPU as the web server's session.
    worker = start_worker(tmp_path, rq_tasks, own_session=True, WORKER_NICENESS="7")
    try:
        first_line = worker.stdout.readline()
        assert first_line.strip() == "Doing background work at niceness 7 (WORKER_NICENESS 7)."
        assert niceness_of(worker.pid) == 7
        assert session_niceness_of(worker.pid) == 7
    finally:
        worker.terminate()
        worker.communicate(timeout=60)


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason=AUTOGROUP_MISSING)
def test_a_worker_sharing_a_session_leaves_the_sessions_priority_alone(rq_tasks, tmp_path):
    # As one started from a terminal: the session is the shell's, and so this test's.
    before = session_group_of(os.getpid())
    worker = start_worker(tmp_path, rq_tasks, WORKER_NICENESS="7")
    try:
        first_line = worker.stdout.readline()
        assert first_line.strip() == "Doing background work at niceness 7 (WORKER_NICENESS 7)."
        assert niceness_of(worker.pid) == 7
        # The same group at the same niceness, whether that is a session's own group or the root one.
        assert session_group_of(worker.pid) == session_group_of(os.getpid()) == before
    finally:
        worker.terminate()
        worker.communicate(timeout=60)
