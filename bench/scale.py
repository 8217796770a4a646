"""One consultation at national scale, on PostgreSQL, Redis and RQ workers: its tables, its
report, an import, the hub, and whether respondents to another consultation notice.

    .venv/bin/python bench/scale.py                      # 1,000,000 responses (the target size)
    .venv/bin/python bench/scale.py --responses 20000    # smaller, to try it out

Starts its own PostgreSQL (a throwaway cluster on a Unix socket, as scripts/test does) and
redis-server, migrates and loads the demo, then writes one consultation of `--responses`
responses × 30 closed questions + 3 open ones with COPY (bench/scale_data.py) and measures,
each figure printed with its target:

- every table and ten sub-group tables of it (bench/analysis.py's measurement, in a fresh
  process): time and peak RSS;
- its engagement report made as staff make it, a job on one of 2 RQ workers (`haveyoursay
  worker`): time, the peak RSS of the work-horse process that made it, and its memory with
  the process it forks to draw the second version;
- while the report is made, bench/submit.py's simulated respondents (32 at once) answering
  the demo's open consultation through gunicorn: their POSTs' p99, and whether any confirmed
  response was lost or any respondent turned away;
- an import of `--import-rows` responses from a CSV file, as the staff pages' import job does
  it, on PostgreSQL (RQ) and on SQLite (the database queue), with respondents answering
  meanwhile: its time, and their p99 and losses;
- bench/hub.py against the same PostgreSQL server, 2,000 consultations: the hub's requests/s
  against the bare view's.

It stops and removes everything it started, also on Ctrl-C or failure. Progress goes to
stderr, the figures to stdout; the last line is `scale: N of M figures within target`. Exit
status 0 when measured (whatever the figures), 1 when a step failed. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

from _common import (  # noqa: E402
    SLUG,
    BenchError,
    Load,
    Server,
    ServerConfig,
    UnexpectedResponse,
    check_responses,
    dump_database,
    environment,
    percentile,
    set_up,
    stop_on_signals,
    window_stats,
)
from hub import HOST, TARGET as HUB_TARGET, cpu_busy, free_port, log, machine, start_postgres, tail  # noqa: E402
from submit import TARGET_P99_MS  # noqa: E402

TARGET_RESPONSES = 1_000_000
TARGET_IMPORT_ROWS = 200_000
TABLES_TARGET_SECONDS = 30
REPORT_TARGET_SECONDS = 90
RSS_TARGET_MB = 2048
PG_PORT = 55450
WEB_PORTS = {"postgresql": 8450, "sqlite": 8451}
RQ_WORKERS = 2
CONNECTIONS = 32
LOAD_CHUNK_SECONDS = 5
SCALE_SLUG = "strategic-plan-2022-2026-national"
IMPORT_SOURCE_SLUG = "strategic-plan-2022-2026-import-source"
IMPORT_SLUG = "strategic-plan-2022-2026-import"
IMPORT_FILE = "responses.csv"
# The limits of one import a council may raise (HAVEYOURSAY_IMPORT_MAX_ROWS, 100,000 by
# default; HAVEYOURSAY_IMPORT_MAX_SECONDS, 600): raised so that the file can be imported at all.
IMPORT_SECONDS_LIMIT = 3600


def upload_limit_mb(rows):
    """HAVEYOURSAY_MAX_UPLOAD_MB (50 by default) raised for a file of `rows` rows: the staff
    export of this questionnaire is about 860 bytes a row (8.2 MiB for 10,000 rows), so
    200,000 rows are about 165 MiB; half as much again is allowed."""
    return max(50, rows * 3 // 2000)


def run_step(env, *arguments, timeout=7200):
    """This script in a fresh process doing one step with Django; its last stdout line is JSON."""
    try:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--step", *arguments],
            env=env, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise BenchError(f"step {arguments[0]} took more than {timeout}s") from None
    if result.returncode != 0:
        raise BenchError(f"step {arguments[0]} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- steps, in a Django process


def step_build(respondents):
    import django

    django.setup()
    from scale_data import build_scale_questionnaire, copy_responses

    questionnaire = build_scale_questionnaire(SCALE_SLUG)
    built = copy_responses(questionnaire, respondents)
    closed = questionnaire.ordered_questions().exclude(kind__in=("long_text", "short_text"))
    return {
        **built, "questionnaire": questionnaire.pk,
        "closed": closed.filter(condition__isnull=True, page__condition__isnull=True).count(),
        "routed": closed.exclude(condition__isnull=True, page__condition__isnull=True).count(),
        "open": questionnaire.ordered_questions().filter(kind__in=("long_text", "short_text")).count(),
    }


def step_import_file(rows, path):
    """A file of `rows` responses, as another survey tool (or this one) exports them, and an
    empty questionnaire of the same questions to import it into."""
    import django

    django.setup()
    from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
    from scale_data import build_scale_questionnaire, copy_responses

    started = time.perf_counter()
    source = build_scale_questionnaire(IMPORT_SOURCE_SLUG)
    copy_responses(source, rows, reference_prefix="I", seed=2017)
    with open(path, "wb") as out:
        for chunk in csv_chunks(ResponseExporter(source).rows()):
            out.write(chunk)
    return {"seconds": time.perf_counter() - started, "bytes": Path(path).stat().st_size, **step_import_target()}


def step_import_target():
    import django

    django.setup()
    from scale_data import build_scale_questionnaire

    return {"questionnaire": build_scale_questionnaire(IMPORT_SLUG).pk}


def step_start_report(questionnaire_id):
    """Queue the engagement report as the staff page's button does."""
    import django

    django.setup()
    from django.db import transaction

    from haveyoursay.reports.generating import start_report
    from haveyoursay.surveys.models import Questionnaire

    consultation = Questionnaire.objects.select_related("consultation").get(pk=questionnaire_id).consultation
    with transaction.atomic():
        job = start_report(consultation, None)
    return {"job": job.pk}


def step_start_import(questionnaire_id, path):
    """Store the file as the upload page does, match its columns as the page proposes, and
    queue the import job the page's "Import" button queues."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from haveyoursay.surveys import import_tasks, importing
    from haveyoursay.surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.select_related("consultation").get(pk=questionnaire_id)
    with open(path, "rb") as upload:
        stored, _ = importing.store_upload(upload, IMPORT_FILE)
    table = importing.open_table(importing.stored_upload_path(stored), IMPORT_FILE)
    targets = importing.targets_for(questionnaire)
    proposed = importing.propose_mapping(table.columns, targets)
    mapped = set(proposed.values())
    covered = {t.question.code for t in targets if t.question is not None and t.key in mapped}
    unmapped = [q.code for q in questionnaire.ordered_questions() if q.code not in covered]
    if unmapped:
        raise RuntimeError(f"the file's columns left these unmatched: {', '.join(unmapped[:10])}")
    user, _ = get_user_model().objects.get_or_create(username="scale-bench-importer")
    mapping = {str(index): key for index, key in proposed.items()}
    entry = {"stored": stored, "file_name": IMPORT_FILE, "sheet": "", "mapping": mapping}
    with transaction.atomic():
        job = import_tasks.start_import(questionnaire, entry, user)
    return {"job": job.pk, "columns": len(table.columns), "mapped": len(proposed)}


def step_tables(questionnaire_id):
    from analysis import step_measure

    return step_measure(questionnaire_id)


STEPS = {
    "build": lambda n: step_build(int(n)),
    "import-file": lambda n, path: step_import_file(int(n), path),
    "import-target": step_import_target,
    "start-report": lambda q: step_start_report(int(q)),
    "start-import": lambda q, path: step_start_import(int(q), path),
    "tables": lambda q: step_tables(int(q)),
}


# ---------------------------------------------------------------- what the benchmark starts


def start_redis(folder):
    """redis-server on a free port of 127.0.0.1, saving nothing. Returns (URL, version, stop).
    Not a fixed port: one in the kernel's range for outgoing connections can be taken by a
    connection of the machine's lingering in TIME_WAIT, and Redis then cannot listen on it."""
    port = free_port()
    folder.mkdir(mode=0o700)
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no",
         "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip

    def stop():
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    for _ in range(100):
        if process.poll() is not None:
            raise BenchError(f"redis-server stopped (port {port} in use?):\n{tail(folder / 'redis.log')}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(64).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.1)
    else:
        stop()
        raise BenchError(f"redis-server did not answer:\n{tail(folder / 'redis.log')}")
    version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.split()[2]
    return f"redis://{HOST}:{port}/0", version.removeprefix("v="), stop


class Workers:
    """`haveyoursay worker` processes, each in a session of its own (its work-horses with it)."""

    def __init__(self, env, cwd, count, log_path):
        self.env, self.cwd, self.count, self.log_path = env, cwd, count, Path(log_path)
        self.processes = []

    def start(self):
        self.log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log_file:
            for _ in range(self.count):
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "django", "worker"], env=self.env, cwd=self.cwd,
                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
                ))  # fmt: skip

    def wait_until_ready(self, redis_url=None, timeout=300):
        """Until each worker is waiting for work: the figures with the workers idle are not to
        count their start, which loads what their work needs (`warm_up`) and then RQ. An RQ
        worker is ready when Redis has it idle; one on the database queue once it has said it
        is doing background work (after its warm-up; the queue's own start is short)."""
        deadline = time.monotonic() + timeout
        if redis_url:
            import redis

            connection = redis.Redis.from_url(redis_url)
        while True:
            self.check()
            if redis_url:
                names = connection.smembers("rq:workers")
                ready = sum(connection.hget(name, "state") == b"idle" for name in names)
            else:
                with open(self.log_path, "rb") as log_file:
                    log_file.seek(self.log_start)
                    ready = log_file.read().count(b"Doing background work at niceness")
            if ready >= self.count:
                return
            if time.monotonic() > deadline:
                raise BenchError(f"the workers were not ready after {timeout} s:\n{tail(self.log_path)}")
            time.sleep(0.2)

    def check(self):
        for process in self.processes:
            if process.poll() is not None:
                raise BenchError(f"a worker stopped (status {process.returncode}):\n{tail(self.log_path)}")

    def horses(self):
        """The processes each worker forked to do a piece of work (RQ's work-horses)."""
        found = []
        for process in self.processes:
            try:
                children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text()
                found += [int(pid) for pid in children.split()]
            except OSError:
                pass
        return found

    def stop(self):
        # Work under way first, each work-horse with the processes it forked (RQ gives each its
        # own process group): on SIGTERM a worker waits for its work to end, and an import or a
        # report cut short by Ctrl-C or kill would keep the benchmark waiting for minutes.
        for horse in self.horses():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(horse, signal.SIGKILL)
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.processes = []


def descendants(pid):
    """The processes `pid` forked, and theirs, from /proc."""
    found, waiting = [], [pid]
    while waiting:
        parent = waiting.pop()
        try:
            children = [int(child) for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except OSError:
            continue
        found += children
        waiting += children
    return found


def proportional_set_kb(pid):
    """The process's share of the memory it has resident (Pss in /proc/PID/smaps_rollup): a page
    shared with another process counts half to each, so the shares of processes add up."""
    try:
        match = re.search(r"^Pss:\s+(\d+) kB", Path(f"/proc/{pid}/smaps_rollup").read_text(), re.MULTILINE)
    except OSError:
        return 0
    return int(match.group(1)) if match else 0


class PeakMemory(threading.Thread):
    """Polls the peak resident set (VmHWM in /proc/PID/status) of every work-horse every 0.1 s,
    and every second the memory of each work-horse and the processes it forked together (the
    report draws its two versions in two processes: `reports.generating.draw_versions`), as the
    sum of their Pss. VmHWM only grows, so a poll missed only misses the growth of the last 0.1 s
    of a process; the sum is what was resident at each poll, so it can miss a peak shorter than a
    second. Pss is polled less often because the kernel walks every page to work it out: 16 ms for
    a process of 1.7 GB on the 2-core machine, time the work-horse's own memory waits on."""

    def __init__(self, workers):
        super().__init__(daemon=True)
        self.workers = workers
        self.peaks, self.together = {}, {}
        self.stopping = threading.Event()

    def run(self):
        polls = 0
        while not self.stopping.wait(0.1):
            polls += 1
            for pid in self.workers.horses():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
                if match:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(match.group(1)))
                if polls % 10 == 0:
                    together = sum(proportional_set_kb(process) for process in [pid, *descendants(pid)])
                    self.together[pid] = max(self.together.get(pid, 0), together)

    def take(self):
        """The largest peaks since the last call, in MiB: a work-horse's own, and a work-horse's
        and its children's together (each None if no work-horse was seen)."""
        peaks, self.peaks = self.peaks, {}
        together, self.together = self.together, {}
        return (max(peaks.values()) / 1024 if peaks else None, max(together.values()) / 1024 if together else None)


class CpuMeter(threading.Thread):
    """CPU time (user + system, from /proc/PID/stat) of every process on the machine, polled
    every 0.25 s and put in groups: gunicorn (its process group), the background workers and
    the work-horses they fork (their sessions), PostgreSQL's server processes (the throwaway
    cluster's postmaster and its children), this benchmark (the respondents' load) and
    everything else (other people's work on a shared machine included). A process that ends
    between two polls loses at most its last 0.25 s."""

    GROUPS = ("gunicorn", "workers", "PostgreSQL", "respondents' load", "everything else")

    def __init__(self):
        super().__init__(daemon=True)
        self.web, self.workers, self.postmaster = None, None, None
        self.tick = os.sysconf("SC_CLK_TCK")
        self.latest = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def watch(self, web=None, workers=None, postmaster=None):
        """What to tell apart: a Server, a Workers, the postmaster's pid (None: not running)."""
        self.web, self.workers, self.postmaster = web, workers, postmaster

    def _poll(self):
        web = self.web.process.pid if self.web and self.web.process else None
        workers = {process.pid for process in self.workers.processes} if self.workers else set()
        seen = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid, group, session = int(entry.name), int(fields[1]), int(fields[2]), int(fields[3])
            if web is not None and group == web:
                name = "gunicorn"
            elif session in workers:
                name = "workers"
            elif self.postmaster is not None and self.postmaster in (pid, ppid):
                name = "PostgreSQL"
            elif pid == os.getpid():
                name = "respondents' load"
            else:
                name = "everything else"
            seen[pid] = (name, (int(fields[11]) + int(fields[12])) / self.tick)
        with self.lock:
            self.latest.update(seen)

    def run(self):
        while not self.stopping.wait(0.25):
            self._poll()

    def begin(self):
        self._poll()
        with self.lock:
            return dict(self.latest), time.monotonic()

    def since(self, started):
        """{group: cores used on average} since `begin()` returned `started`."""
        self._poll()
        baseline, began = started
        seconds = time.monotonic() - began
        used = dict.fromkeys(self.GROUPS, 0.0)
        with self.lock:
            for pid, (name, cpu) in self.latest.items():
                before = baseline.get(pid)
                # A pid seen before the window (and not reused since) counts from its baseline.
                used[name] += cpu - (before[1] if before and before[0] == name and before[1] <= cpu else 0)
        return {name: value / seconds for name, value in used.items()}


def cpu_figure(label, shares):
    return Figure(
        f"CPU {label}, in cores used on average (1.00 = one core of the machine's)",
        ", ".join(f"{name} {value:.2f}" for name, value in shares.items()),
    )


def postmaster_pid(pg_folder):
    try:
        return int((Path(pg_folder) / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class JobWatcher:
    """Reads a job's row straight from the database, without Django, while the load runs."""

    def __init__(self, database_url=None, sqlite_path=None):
        self.database_url, self.sqlite_path = database_url, sqlite_path

    def row(self, job_id):
        columns = "state, result, error_message"
        if self.database_url:
            import psycopg

            seconds = ("EXTRACT(EPOCH FROM started_at - created_at)::float, "
                       "EXTRACT(EPOCH FROM finished_at - started_at)::float")  # fmt: skip
            with psycopg.connect(self.database_url, connect_timeout=10) as conn:
                row = conn.execute(f"SELECT {columns}, {seconds} FROM jobs_job WHERE id = %s", [job_id]).fetchone()
            state, result, error, waited, ran = row
        else:
            import sqlite3

            seconds = ("(julianday(started_at) - julianday(created_at)) * 86400, "
                       "(julianday(finished_at) - julianday(started_at)) * 86400")  # fmt: skip
            with contextlib.closing(sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True, timeout=30)) as conn:
                state, result, error, waited, ran = conn.execute(
                    f"SELECT {columns}, {seconds} FROM jobs_job WHERE id = ?", [job_id]
                ).fetchone()
            result = json.loads(result) if result else None
        return {"state": state, "result": result, "error": error, "waited": waited, "ran": ran}

    def report_readable(self, job_id):
        """Whether report job `job_id` has kept both versions' web page and PDF (its Word
        documents come after them, in the same job). PostgreSQL only, where the report runs."""
        import psycopg

        with psycopg.connect(self.database_url, connect_timeout=10) as conn:
            (kept,) = conn.execute(
                "SELECT count(*) FROM reports_engagementreport r JOIN jobs_job j ON j.consultation_id = r.consultation_id "
                "WHERE j.id = %s AND r.generated_at >= j.started_at AND r.pdf <> ''", [job_id],
            ).fetchone()
        return kept == 2


# ---------------------------------------------------------------- the respondents' load


def respondents(info, port):
    # A journey that fails is counted and the load carries on (not retried: a retried POST is
    # not what a person sees); after 20 failed journeys the load stops.
    return Load("respondent", port, info["pages"], "haveyoursay-scale", CONNECTIONS, retry_for=1e-9)


async def load_for(load, tag, seconds):
    start, end = await load.run(tag, duration=seconds)
    return window_stats(load.records, "respondent", start, end)


async def load_during_job(load, tag, watcher, job_id, milestone=None):
    """Respondents keep coming, in LOAD_CHUNK_SECONDS runs, until the job has finished. Returns
    the job's row and the POSTs that ended while it ran (as polled, every 0.25 s). With
    `milestone` (a function of the job's id, true once the job has got that far), the row's
    "before_milestone" is how long the job ran until then: its running time less the time
    polled from the milestone to its end."""
    seen = {}

    async def poll():
        while True:
            row = await asyncio.to_thread(watcher.row, job_id)
            now = time.perf_counter()
            if row["state"] != "queued":
                seen.setdefault("running", now)
            if milestone and "milestone" not in seen and row["state"] != "queued":
                if await asyncio.to_thread(milestone, job_id):
                    seen["milestone"] = time.perf_counter()
            if row["state"] in ("succeeded", "failed"):
                seen["finished"] = now
                if milestone and row["ran"] is not None:
                    row["before_milestone"] = max(0.0, row["ran"] - (now - seen.get("milestone", now)))
                return row
            await asyncio.sleep(0.25)

    poller = asyncio.ensure_future(poll())
    stopped = None
    number = 0
    while not poller.done():
        number += 1
        try:
            await load.run(f"{tag}{number}", duration=LOAD_CHUNK_SECONDS)
        except UnexpectedResponse as error:
            stopped = str(error)
            break
    row = await poller
    _, latencies = window_stats(load.records, "respondent", seen["running"], seen["finished"])
    return row, latencies, stopped


def losses(dump, load, prefix):
    """(lost, failed, confirmed): confirmed responses missing or not as sent; journeys turned away."""
    confirmed = {marker: value for marker, value in load.confirmed.items() if marker.startswith(prefix)}
    counts, problems = check_responses(dump, confirmed)
    for problem in problems[:10]:
        log(f"  {problem}")
    failed = sum(1 for marker in load.unconfirmed if marker.startswith(prefix))
    if failed:
        log(f"  {failed} respondents turned away ({prefix}); what the first were told:")
        for error in load.errors[:3]:
            log(f"    {error[:300]}")
    return counts["missing"] + counts["wrong"] + counts["duplicated"], failed, len(confirmed)


# ---------------------------------------------------------------- figures


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    met: bool = None  # None: no target

    def line(self, full_size):
        if self.met is None:
            return f"  {self.name}: {self.value} (no target)"
        verdict = "met" if self.met else "NOT met"
        if not full_size:
            verdict += " (not at the target size)"
        return f"  {self.name}: {self.value}; target {self.target}: {verdict}"


def not_measured(name, target, why):
    return Figure(name, f"not measured ({why})", target, False)


def p99_figures(label, latencies, lost, failed, confirmed, stopped):
    p99 = percentile(latencies, 0.99)
    figures = [
        Figure(f"respondents' POST p99 {label}", f"{p99:,.0f} ms over {len(latencies):,} POSTs",
               f"< {TARGET_P99_MS} ms", bool(latencies) and p99 < TARGET_P99_MS),
        Figure(f"respondents lost {label}", f"{lost} lost of {confirmed:,} confirmed, {failed} turned away"
               + (f" (the load stopped: {stopped[:200]})" if stopped else ""), "0 lost, 0 turned away",
               lost == 0 and failed == 0 and not stopped),
    ]  # fmt: skip
    return figures


# ---------------------------------------------------------------- the run


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/scale.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=TARGET_RESPONSES,
                        help=f"responses in the national consultation (default {TARGET_RESPONSES:,})")  # fmt: skip
    parser.add_argument("--import-rows", type=int, default=TARGET_IMPORT_ROWS,
                        help=f"rows of the CSV file imported (default {TARGET_IMPORT_ROWS:,})")  # fmt: skip
    parser.add_argument("--consultations", type=int, default=2000, help="consultations for bench/hub.py (default 2000)")
    parser.add_argument("--skip", action="append", choices=("hub", "sqlite", "report", "import"), default=[],
                        help="leave out bench/hub.py, the import on SQLite, the report or the import on "
                             "PostgreSQL (their figures: not measured)")
    parser.add_argument("--worker-niceness", type=int, default=None, metavar="N",
                        help="WORKER_NICENESS for the workers (default: the setting's default, 10; 0 to run them "
                             "at the web server's priority, as before the setting)")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        name, *rest = args.step
        print(json.dumps(STEPS[name](*rest)))
        return 0
    for name in ("responses", "import_rows", "consultations"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.worker_niceness is not None and not 0 <= args.worker_niceness <= 19:
        parser.error("--worker-niceness must be between 0 and 19")
    for program in ("redis-server", "wrk"):
        if shutil.which(program) is None:
            log(f"bench/scale.py needs {program}: apt-get install {program}")
            return 2

    stop_on_signals()

    started = time.monotonic()
    load_before = os.getloadavg()
    busy_before = cpu_busy()
    folder = Path(tempfile.mkdtemp(prefix="haveyoursay-bench-scale-"))
    figures, notes = [], {}
    try:
        with contextlib.ExitStack() as cleanup:
            cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
            measure_postgresql(args, folder, cleanup, figures, notes)
            if "sqlite" in args.skip:
                figures += [not_measured(f"import of {args.import_rows:,} rows on SQLite", "none", "--skip sqlite")]
                figures += [not_measured(f"respondents' {what} during the import on SQLite", target, "--skip sqlite")
                            for what, target in (("POST p99", f"< {TARGET_P99_MS} ms"), ("losses", "0"))]  # fmt: skip
            else:
                try:
                    measure_sqlite(args, folder, cleanup, figures, notes)
                except BenchError as error:
                    log(f"\nThe import on SQLite failed: {error}")
                    figures += [not_measured(f"respondents' {what} during the import on SQLite", target,
                                             "a step failed: see above")
                                for what, target in (("POST p99", f"< {TARGET_P99_MS} ms"), ("losses", "0"))]
    except BenchError as error:
        log(f"\nFAILED: {error}")
        if figures:
            log("What was measured before it failed:")
            full_size = args.responses >= TARGET_RESPONSES and args.import_rows >= TARGET_IMPORT_ROWS
            for figure in figures:
                log(figure.line(full_size))
        return 1
    except KeyboardInterrupt:
        log("\nInterrupted: everything the benchmark started is stopped and removed")
        return 130
    report(args, figures, notes, load_before, busy_before, time.monotonic() - started)
    return 0


def measure_postgresql(args, folder, cleanup, figures, notes):
    # Beside the benchmark's folder, not in it: the postgres user must reach it.
    pg_folder = Path(f"{folder}-postgres")
    cleanup.callback(shutil.rmtree, pg_folder, ignore_errors=True)
    database_url, stop_postgres = start_postgres(pg_folder, port=PG_PORT)
    if database_url is None:
        raise BenchError("PostgreSQL's server programs are not installed: apt-get install postgresql")
    cleanup.callback(stop_postgres)
    redis_url, notes["redis"], stop_redis = start_redis(folder / "redis")
    log(f"Started redis-server: {redis_url}")
    cleanup.callback(stop_redis)
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        notes["postgresql"] = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        conn.execute("CREATE DATABASE hub")

    site = folder / "site"
    site.mkdir()
    env = environment(site, database_url)
    env.update(
        TASKS_BACKEND="rq", REDIS_URL=redis_url,
        HAVEYOURSAY_IMPORT_MAX_ROWS=str(max(args.import_rows, 100_000)),
        HAVEYOURSAY_IMPORT_MAX_SECONDS=str(IMPORT_SECONDS_LIMIT),
        HAVEYOURSAY_MAX_UPLOAD_MB=str(upload_limit_mb(args.import_rows)),
    )  # fmt: skip
    if args.worker_niceness is not None:
        env["WORKER_NICENESS"] = str(args.worker_niceness)
    info = set_up(env, site, database_url)
    notes["django"] = info["django"]
    notes["cache"] = info["cache"]

    log(f"Writing {args.responses:,} responses with COPY ...")
    built = run_step(env, "build", str(args.responses))
    notes["built"] = built
    figures.append(Figure(
        f"data: {built['respondents']:,} responses × {built['closed']} closed questions (+ {built['routed']} routed) "
        f"+ {built['open']} open, {built['answers']:,} answer rows, written with COPY",
        f"{built['seconds']:.1f} s",
    ))  # fmt: skip

    log("All the tables and ten sub-group tables, in a fresh process ...")
    tables = run_step(env, "tables", str(built["questionnaire"]))
    t = tables["times"]
    figures.append(Figure(
        f"all tables + {tables['subgroup_tables']} sub-group tables ({tables['respondents']:,} respondents, "
        f"{tables['questions']} closed questions)",
        f"{t['total']:.1f} s (load {t['load']:.1f} s, tables {t['tables']:.1f} s, sub-groups {t['subgroups']:.1f} s, "
        f"published copy {t['suppress']:.1f} s; {t['cpu']:.1f} s CPU)",
        f"≤ {TABLES_TARGET_SECONDS} s", t["total"] <= TABLES_TARGET_SECONDS,
    ))  # fmt: skip
    figures.append(Figure(
        "peak RSS of the process making those tables (ru_maxrss, Python, Django, pandas included)",
        f"{tables['peak_rss_mb']:,.0f} MiB ({tables['baseline_rss_mb']:,.0f} MiB before loading)",
        f"≤ {RSS_TARGET_MB:,} MiB", tables["peak_rss_mb"] <= RSS_TARGET_MB,
    ))  # fmt: skip

    workers = Workers(env, site, RQ_WORKERS, site / "workers.log")
    server = Server(env, site, WEB_PORTS["postgresql"], ServerConfig(), site / "gunicorn.log")
    cleanup.callback(workers.stop)
    cleanup.callback(server.stop)
    log(f"Starting {RQ_WORKERS} RQ workers and gunicorn on {server.base}/")
    workers.start()
    server.start()
    server.wait_until_answering()
    workers.wait_until_ready(redis_url)
    memory = PeakMemory(workers)
    memory.start()
    cleanup.callback(memory.stopping.set)
    meter = CpuMeter()
    meter.watch(web=server, workers=workers, postmaster=postmaster_pid(pg_folder))
    meter.start()
    cleanup.callback(meter.stopping.set)
    watcher = JobWatcher(database_url=database_url)
    load = respondents(info, server.port)
    cpu = {}

    async def with_postgresql():
        log("Respondents: warm-up, then 10 s with the workers idle ...")
        await load_for(load, "warm", 3)
        started = meter.begin()
        _, idle = await load_for(load, "idle", 10)
        cpu["with the workers idle, on PostgreSQL"] = meter.since(started)
        workers.check()
        memory.take()
        report_run = import_run = None
        report_peak = (None, None)
        if "report" not in args.skip:
            log("The engagement report on the workers, respondents meanwhile ...")
            job = await asyncio.to_thread(run_step, env, "start-report", str(built["questionnaire"]))
            started = meter.begin()
            report_run = await load_during_job(load, "report", watcher, job["job"], watcher.report_readable)
            cpu["while the report is made"] = meter.since(started)
            report_peak = memory.take()
        made = None
        if not {"import", "sqlite"} <= set(args.skip):  # writing the file of 200,000 rows takes minutes
            log(f"Writing a file of {args.import_rows:,} responses to import (not measured) ...")
            made = await asyncio.to_thread(
                run_step, env, "import-file", str(args.import_rows), str(folder / IMPORT_FILE)
            )
        if "import" not in args.skip:
            log("The import on the workers, respondents meanwhile ...")
            job = await asyncio.to_thread(
                run_step, env, "start-import", str(made["questionnaire"]), str(folder / IMPORT_FILE)
            )
            started = meter.begin()
            import_run = await load_during_job(load, "import", watcher, job["job"])
            cpu["during the import on PostgreSQL"] = meter.since(started)
        return idle, report_run, report_peak, made, import_run

    try:
        idle, report_run, report_peak, made, import_run = asyncio.run(with_postgresql())
        workers.check()
    except BaseException:
        log(f"gunicorn's log (last lines):\n{tail(server.log_path)}\nthe workers' log:\n{tail(workers.log_path)}")
        raise
    finally:
        memory.stopping.set()
        meter.stopping.set()
        server.stop()
        workers.stop()
    # On an overloaded machine a gunicorn worker can miss its heartbeat and be replaced: the
    # respondents it was serving are counted as turned away; the log's errors are shown.
    notes["gunicorn_errors"] = len(server.logged_errors())
    if notes["gunicorn_errors"]:
        log(f"gunicorn logged errors during the run:\n{tail(server.log_path)}")
    notes["idle_p99"] = (percentile(idle, 0.99), len(idle))
    if made is not None:
        notes["import_file"] = made
    dump = dump_database(env, site)

    if report_run is None:
        figures += [
            not_measured("engagement report, a job on an RQ worker", f"≤ {REPORT_TARGET_SECONDS} s", "--skip report"),
            not_measured("peak RSS of the work-horse that made it", f"≤ {RSS_TARGET_MB:,} MiB", "--skip report"),
            *(not_measured(f"respondents' {what} while the report is made", target, "--skip report")
              for what, target in (("POST p99", f"< {TARGET_P99_MS} ms"), ("losses", "0"))),
        ]  # fmt: skip
    else:
        report_row, report_latencies, report_stopped = report_run
        if report_row["state"] != "succeeded":
            raise BenchError(f"the report job {report_row['state']}: {report_row['error']}")
        readable = report_row["before_milestone"]
        figures.append(Figure(
            "engagement report (staff and public versions: web page and PDF), a job on an RQ worker",
            f"{readable:.1f} s running until both were kept ({report_row['waited']:.1f} s waiting in the queue)",
            f"≤ {REPORT_TARGET_SECONDS} s", readable <= REPORT_TARGET_SECONDS,
        ))  # fmt: skip
        figures.append(Figure(
            "the same job's Word documents after them (staff and public versions)",
            f"{report_row['ran'] - readable:.1f} s more, {report_row['ran']:.1f} s in all",
        ))  # fmt: skip
        own, together = report_peak
        figures.append(Figure(
            "peak RSS of the work-horse that made it (VmHWM in /proc, polled every 0.1 s), and its memory with the "
            "process it forks to draw a version (their Pss added up, polled every second)",
            "not seen" if own is None else f"{own:,.0f} MiB, with the drawing process {together or 0:,.0f} MiB",
            f"≤ {RSS_TARGET_MB:,} MiB", own is not None and max(own, together or 0) <= RSS_TARGET_MB,
        ))  # fmt: skip
        figures += p99_figures("while the report is made", report_latencies, *losses(dump, load, "report"),
                               report_stopped)  # fmt: skip
    if import_run is None:
        figures += [
            not_measured(f"import of {args.import_rows:,} rows on PostgreSQL", "none", "--skip import"),
            *(not_measured(f"respondents' {what} during the import on PostgreSQL", target, "--skip import")
              for what, target in (("POST p99", f"< {TARGET_P99_MS} ms"), ("losses", "0"))),
        ]  # fmt: skip
    else:
        figures += import_figures("PostgreSQL", args, *import_run, dump, load, "import")
    figures += [cpu_figure(label, shares) for label, shares in cpu.items()]

    hub_figure = f"hub with {args.consultations:,} consultations, / bare"
    if "hub" in args.skip:
        figures.append(not_measured(hub_figure, f"≥ {HUB_TARGET}", "--skip hub"))
    else:
        try:
            figures += measure_hub(args, database_url, notes)
        except BenchError as error:
            log(f"\n{error}")
            figures.append(not_measured(hub_figure, f"≥ {HUB_TARGET}", "bench/hub.py failed: see above"))


def import_figures(database, args, row, latencies, stopped, dump, load, prefix):
    if row["state"] != "succeeded":
        raise BenchError(f"the import job on {database} {row['state']}: {row['error']}")
    imported = (row["result"] or {}).get("to_import")
    if imported != args.import_rows:
        raise BenchError(f"the import on {database} imported {imported} rows, not {args.import_rows:,}")
    return [
        Figure(f"import of a {args.import_rows:,}-row CSV file on {database} (the staff pages' import job: "
               "checks every row, then writes)", f"{row['ran']:.1f} s"),
        *p99_figures(f"during the import on {database}", latencies, *losses(dump, load, prefix), stopped),
    ]  # fmt: skip


def measure_hub(args, database_url, notes):
    hub_url = database_url.rsplit("/", 1)[0] + "/hub"
    log(f"bench/hub.py with {args.consultations:,} consultations, on the same PostgreSQL server ...")
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "hub.py"), "--database-url", hub_url,
         "--consultations", str(args.consultations)],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    if result.returncode != 0:
        raise BenchError(f"bench/hub.py failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    notes["hub_table"] = result.stdout
    figures = []
    for line in result.stdout.splitlines():
        match = re.match(r"\s+(hub|search|filters)\s+(\S+)\s+.*?([\d.]+)\s+([\d.]+)\s+>= [\d.]+ (within|MISSED)$", line)
        if match:
            name, path, rps, ratio, _ = match.groups()
            figures.append(Figure(
                f"hub with {args.consultations:,} consultations: {name} ({path}) requests/s / the bare view's",
                f"{float(ratio):.2f} ({float(rps):,.1f} requests/s)", f"≥ {HUB_TARGET}", float(ratio) >= HUB_TARGET,
            ))  # fmt: skip
    if not figures:
        raise BenchError(f"could not read bench/hub.py's figures:\n{result.stdout}")
    return figures


def measure_sqlite(args, folder, cleanup, figures, notes):
    """The same import on one machine's SQLite with the database queue (`haveyoursay worker`,
    one, as `haveyoursay serve` runs it), respondents answering meanwhile."""
    site = folder / "sqlite"
    site.mkdir()
    env = environment(site, None)
    env.update(
        HAVEYOURSAY_IMPORT_MAX_ROWS=str(max(args.import_rows, 100_000)),
        HAVEYOURSAY_IMPORT_MAX_SECONDS=str(IMPORT_SECONDS_LIMIT),
        HAVEYOURSAY_MAX_UPLOAD_MB=str(upload_limit_mb(args.import_rows)),
    )
    if args.worker_niceness is not None:
        env["WORKER_NICENESS"] = str(args.worker_niceness)
    info = set_up(env, site, None)
    target = run_step(env, "import-target")
    workers = Workers(env, site, 1, site / "workers.log")
    server = Server(env, site, WEB_PORTS["sqlite"], ServerConfig(), site / "gunicorn.log")
    cleanup.callback(workers.stop)
    cleanup.callback(server.stop)
    log(f"SQLite: starting a worker (database queue) and gunicorn on {server.base}/")
    workers.start()
    server.start()
    server.wait_until_answering()
    workers.wait_until_ready()
    watcher = JobWatcher(sqlite_path=info["db_file"])
    load = respondents(info, server.port)
    meter = CpuMeter()
    meter.watch(web=server, workers=workers)
    meter.start()
    cleanup.callback(meter.stopping.set)
    cpu = {}

    async def with_sqlite():
        await load_for(load, "warm", 3)
        started = meter.begin()
        _, idle = await load_for(load, "idle-sqlite", 10)
        cpu["with the worker idle, on SQLite"] = meter.since(started)
        notes["sqlite_idle_p99"] = (percentile(idle, 0.99), len(idle))
        log("SQLite: the import on the worker, respondents meanwhile ...")
        job = await asyncio.to_thread(
            run_step, env, "start-import", str(target["questionnaire"]), str(folder / IMPORT_FILE)
        )
        started = meter.begin()
        run = await load_during_job(load, "sqlite", watcher, job["job"])
        cpu["during the import on SQLite"] = meter.since(started)
        return run

    try:
        row, latencies, stopped = asyncio.run(with_sqlite())
        workers.check()
    except BaseException:
        log(f"gunicorn's log (last lines):\n{tail(server.log_path)}\nthe worker's log:\n{tail(workers.log_path)}")
        raise
    finally:
        meter.stopping.set()
        server.stop()
        workers.stop()
    notes["sqlite"] = info["db_version"]
    dump = dump_database(env, site)
    figures += import_figures("SQLite", args, row, latencies, stopped, dump, load, "sqlite")
    figures += [cpu_figure(label, shares) for label, shares in cpu.items()]


def report(args, figures, notes, load_before, busy_before, elapsed):
    cpus, model = machine()
    load_after = os.getloadavg()
    full_size = args.responses >= TARGET_RESPONSES and args.import_rows >= TARGET_IMPORT_ROWS
    print("haveyoursay at national scale")
    print(f"  machine: {cpus} CPUs, {model}, Python {platform.python_version()}, Django {notes.get('django')}")
    print(f"  load average (1, 5, 15 min): {' '.join(f'{v:.2f}' for v in load_before)} before, "
          f"{' '.join(f'{v:.2f}' for v in load_after)} after"
          + ("" if busy_before is None else f"; {busy_before:.0%} of the CPUs busy in the second before"))
    print(f"  PostgreSQL {notes.get('postgresql')} (throwaway, Unix socket, fsync off), Redis {notes.get('redis')} "
          f"(queue and cache: {notes.get('cache')}), {RQ_WORKERS} RQ workers, gunicorn 2 sync workers; "
          f"SQLite {notes.get('sqlite', '-')} with the database queue and one worker")
    print(f"  respondents: bench/submit.py's, {CONNECTIONS} at once, answering {SLUG}; with the workers idle "
          f"their POST p99 was {notes['idle_p99'][0]:,.0f} ms over {notes['idle_p99'][1]:,} POSTs"
          + ("" if "sqlite_idle_p99" not in notes else
             f" on PostgreSQL, {notes['sqlite_idle_p99'][0]:,.0f} ms over {notes['sqlite_idle_p99'][1]:,} on SQLite"))
    print(f"  workers' niceness: WORKER_NICENESS "
          f"{'10 (the default)' if args.worker_niceness is None else args.worker_niceness}")
    if notes.get("gunicorn_errors"):
        print(f"  NOTE: gunicorn logged {notes['gunicorn_errors']} error lines on PostgreSQL (see stderr): "
              "a worker that misses its heartbeat on a busy machine is killed and replaced")
    if "import_file" in notes:
        made = notes["import_file"]
        print(f"  import file: {args.import_rows:,} rows exported by the staff CSV export from another consultation "
              f"of the same questions, {made['bytes'] / 2**20:,.1f} MiB (made in {made['seconds']:.0f} s, "
              "not measured); "
              f"HAVEYOURSAY_IMPORT_MAX_ROWS, _SECONDS and HAVEYOURSAY_MAX_UPLOAD_MB raised to allow it")
    if not full_size:
        print(f"  NOTE: {args.responses:,} responses and a {args.import_rows:,}-row import, not the target size "
              f"({TARGET_RESPONSES:,} and {TARGET_IMPORT_ROWS:,}): these figures do not show the targets are met")
    if notes.get("hub_table"):
        print("  bench/hub.py printed:")
        for line in notes["hub_table"].rstrip().splitlines():
            print(f"    {line}")
    print()
    print("figures")
    for figure in figures:
        print(figure.line(full_size))
    print(f"total time: {elapsed:.0f} s")
    counted = [figure for figure in figures if figure.met is not None]
    print(f"scale: {sum(1 for f in counted if f.met)} of {len(counted)} figures within target")


if __name__ == "__main__":
    sys.exit(main())
