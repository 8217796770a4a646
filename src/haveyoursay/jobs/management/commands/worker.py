"""`haveyoursay worker`: run the background work queued for the configured task backend.

With the database queue (the default) this is django-tasks-db's `db_worker`; with
TASKS_BACKEND=rq it is django-rq's `rqworker`, with the job class django-tasks needs. Run as
many as the machines can carry: each takes one piece of work at a time.

It first lowers its own CPU priority to WORKER_NICENESS, so that on a machine shared with the
web server the respondents' requests are served first; the processes it forks to do the work
(RQ's work-horses) inherit it. Then it loads what every piece of work would otherwise load
afresh in the process forked for it (`warm_up`).
"""

import os
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

RQ_JOB_CLASS = "django_tasks_rq.Job"
WORKERS = {"django_tasks_db.DatabaseBackend", "django_tasks_rq.RQBackend"}


def configured_backend():
    return settings.TASKS["default"]["BACKEND"]


def configured_queues():
    return list(settings.TASKS["default"].get("QUEUES") or ["default"])


# Linux's automatic grouping of each session's processes for the scheduler (sched(7),
# "The autogroup feature"): on where the kernel has it and no cgroup CPU controller places the
# process (systemd's CPUWeight= is one).
AUTOGROUP = Path("/proc/self/autogroup")


def yield_cpu(niceness):
    """Raise this process's niceness to `niceness`, never lower it (nobody but root may, and a
    worker started nicer than the setting, by systemd's Nice= say, stays so), and its session's
    when it leads one of its own (`yield_session`). Returns the niceness it runs at now."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    yield_session(niceness)
    return os.getpriority(os.PRIO_PROCESS, 0)


def yield_session(niceness):
    """Where the kernel groups each session's processes for the scheduler, a niceness counts only
    against the other processes of the same session: a worker in a session of its own (as
    `setsid`, supervisors and process managers start one) took as much of the CPU as the web
    server's whole session, nice or not. Measured on the 2-core machine with two busy processes
    on one core, each in its own session: 2.93 s of CPU each in 6 s with one of them at
    niceness 10, against 5.29 s and 0.60 s once its session's niceness was 10 too.

    So the session's niceness is raised to `niceness` (never lowered), but only when this
    process leads the session: a worker started from a terminal shares its session with the
    shell and whatever else was started there, whose priority is not the worker's to change.
    Returns the session's niceness, or None where there is none to set (no autogroup in the
    kernel, or not the session's leader)."""
    if os.getsid(0) != os.getpid():
        return None
    try:
        current = int(AUTOGROUP.read_text().split()[-1])
        if niceness > current:
            AUTOGROUP.write_text(str(niceness))
        return int(AUTOGROUP.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


# The modules that define background work (`@task`): a test keeps the list whole.
TASK_MODULES = [
    "haveyoursay.analysis.themes.tasks",
    "haveyoursay.decisions.tasks",
    "haveyoursay.hub.document_text",
    "haveyoursay.outcomes.notify",
    "haveyoursay.reports.generating",
    "haveyoursay.surveys.compact",
    "haveyoursay.surveys.import_tasks",
]


def warm_up():
    """Load, once, what each piece of work otherwise loaded in the process RQ forks for it, and
    lost with that process: the modules of the work (and pandas, scikit-learn and WeasyPrint with
    them), the site's URLs, and the report's print stylesheet and fonts. Measured at a million
    responses, importing the report's module alone took 1.35 s of CPU in each report's process."""
    from django.urls import get_resolver

    from haveyoursay.reports.render.pdf import MissingLibrary, prepare

    for name in TASK_MODULES:
        import_module(name)
    get_resolver().url_patterns  # noqa: B018 (loads the URLconf)
    try:
        prepare()
    except MissingLibrary:
        pass  # a report says so when it is made; the rest of the work needs no Pango


class Command(BaseCommand):
    help = "Run background work (reports, analysis, imports) as it is queued."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="a queue to work on (repeat for several); default: every queue in the settings",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="do the work already queued, then stop, instead of waiting for more",
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="stop after this many pieces of work (then restart it)"
        )

    def handle(self, *, queues, batch, max_tasks, verbosity, **options):
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be 1 or more.")
        queues = queues or configured_queues()
        unknown = sorted(set(queues) - set(configured_queues()))
        if unknown:
            raise CommandError(
                f"There is no queue called {', '.join(unknown)}: the queues are {', '.join(configured_queues())}."
            )
        backend = configured_backend()
        if backend not in WORKERS:
            raise CommandError(
                f"The task backend {backend} runs each piece of work as it is queued, so there is no queue for a "
                "worker. Set TASKS_BACKEND=database (the default) or TASKS_BACKEND=rq to queue work for workers."
            )
        niceness = yield_cpu(settings.WORKER_NICENESS)
        warm_up()
        # Said once warmed up, so that whoever started it knows it is ready.
        if verbosity >= 1:
            self.stdout.write(
                f"Doing background work at niceness {niceness} (WORKER_NICENESS {settings.WORKER_NICENESS})."
            )
            self.stdout.flush()
        if backend == "django_tasks_db.DatabaseBackend":
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=batch,
                max_tasks=max_tasks,
                startup_delay=not batch,
                reload=settings.DEBUG and not batch,
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        elif backend == "django_tasks_rq.RQBackend":
            # The command itself rather than its name: it runs whether or not django_rq's
            # admin pages are installed.
            from django_rq.management.commands.rqworker import Command as RQWorkerCommand
            from django_rq.workers import get_worker_class

            from haveyoursay.jobs.rq_worker import stopping_promptly

            call_command(
                RQWorkerCommand(),
                *queues,
                burst=batch,
                max_jobs=max_tasks,
                job_class=RQ_JOB_CLASS,
                worker_class=stopping_promptly(get_worker_class()),
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
