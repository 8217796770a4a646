"""What the background-work tests share.

- Tasks run at once, inside `enqueue` (django-tasks' ImmediateBackend), unless a test
  switches to a real backend with `database_tasks` or `rq_tasks`.
- `redis_url`: a Redis server for the RQ tests. HAVEYOURSAY_TEST_REDIS_URL names one (the
  tests empty it); otherwise a throwaway `redis-server` is started on a Unix socket in a
  temporary folder for the session. Without either the RQ tests are skipped, unless
  HAVEYOURSAY_REQUIRE_ALL=1 or CI=true, when that is a failure.
- `run_worker(**options)`: `haveyoursay worker --batch` in this process, so it sees the
  test database; the signal handlers and log levels the worker sets are put back after.
"""

import logging
import os
import shutil
import signal
import subprocess
import threading

import pytest
from django.core.management import call_command

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
REDIS_SERVER = "/usr/bin/redis-server"  # Debian's, which may not be on a non-root PATH
WORKER_LOGGERS = ["django_tasks", "django_tasks_db", "rq.worker"]
SIGNALS = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else [])


def _required():
    return (
        os.environ.get("HAVEYOURSAY_REQUIRE_ALL", "").lower() in {"1", "true", "yes", "on"}
        or os.environ.get("CI", "").lower() == "true"
    )


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def database_tasks(settings, transactional_db):
    """The real database queue. The worker commits as it goes, so these tests commit too."""
    settings.TASKS = DATABASE


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("HAVEYOURSAY_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server") or (REDIS_SERVER if os.path.exists(REDIS_SERVER) else None)
    if server is None:
        message = (
            "redis-server is missing (Debian: apt-get install redis-server; scripts/test installs it as root) "
            "and HAVEYOURSAY_TEST_REDIS_URL is not set"
        )
        if _required():
            pytest.fail(message + "; required because HAVEYOURSAY_REQUIRE_ALL=1 or CI=true", pytrace=False)
        pytest.skip(message)
    directory = tmp_path_factory.mktemp("redis")
    socket = directory / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
         "--save", "", "--appendonly", "no", "--dir", str(directory)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    # Redis says when it is ready; a server that never says so is stopped rather than waited on for ever.
    watchdog = threading.Timer(30, process.kill)
    watchdog.start()
    output = []
    ready = False
    for line in process.stdout:
        output.append(line)
        if "ready to accept connections" in line.lower():  # 7.0 and 7.2 word it differently
            ready = True
            break
    watchdog.cancel()
    if not ready:
        process.kill()
        process.wait()
        pytest.fail("redis-server did not start:\n" + "".join(output), pytrace=False)
    # Keep reading what it logs, so a full pipe never blocks it.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    yield f"unix://{socket}?db=0"
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def rq_tasks(settings, transactional_db, redis_url):
    """The real RQ queue, on the test Redis, emptied first.

    The worker is RQ's SimpleWorker, which runs each task in this process rather than in a
    forked child: a child would write to its own copy of an in-memory SQLite test database.
    """
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job", "WORKER_CLASS": "rq.worker.SimpleWorker"}
    settings.TASKS = RQ
    return redis_url


@pytest.fixture
def run_worker():
    handlers = {number: signal.getsignal(number) for number in SIGNALS}
    levels = {name: logging.getLogger(name).level for name in WORKER_LOGGERS}

    def run(**options):
        options.setdefault("batch", True)
        options.setdefault("verbosity", 0)
        call_command("worker", **options)

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
