"""Requests per second for the hub (/) against a bare Django view, under gunicorn and wrk.

    .venv/bin/python bench/hub.py                          # SQLite, then a throwaway PostgreSQL
    .venv/bin/python bench/hub.py --database-url URL       # a scratch PostgreSQL database only

Sets up a fresh temporary data dir (migrate, collectstatic, load_demo) with production
settings (DEBUG off, LocMemCache), adds 2,000 consultations and 20,000 documents (bulk
inserts), starts gunicorn with 2 sync workers on 127.0.0.1, then loads /__bare__/ (a view
returning "ok", through the same middleware), the hub (/), a search and a filtered hub, each
as served from the cache and each rendered afresh, with identical wrk options, interleaved,
three times each, and prints the medians and their ratios to the bare view's. It does so on
SQLite and, when PostgreSQL's server programs are installed, on a throwaway PostgreSQL server
it starts itself. The last lines are `ratio: X.XX` (hub median / bare median on the last
database) and `hub: N of M figures within target`. See bench/README.md.

Progress goes to stderr, the results table to stdout. Exit status 0 on success, 1 when a
check fails (a non-2xx response, a socket error, the hub not being the hub…), 2 when wrk
is missing.
"""

import argparse
import html
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # the only address this script ever sends traffic to
BARE = "/__bare__/"
WORKERS = 2
BUSY_WARNING = 0.15  # other CPU use before the run above which the figures get a warning
TARGET = 0.5  # each cached hub page's requests/s at least half the bare view's
PG_PORT = 55433
SEEDS = BENCH_DIR.parent.parent / "shared" / "seeds"  # the council's real documents
DOCUMENT_TEXT = 20_000

# wrk script for the "rendered" paths: every request has a query string of its own
# (`fresh=<run token>-<thread>-<n>`, which the hub ignores), so none is served from the cache.
FRESH_LUA = r"""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  token = args[1]
  counter = 0
end
function request()
  counter = counter + 1
  local separator = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. separator .. "fresh=" .. token .. "-" .. id .. "-" .. counter)
end
"""

# Variables the settings read that would change what is measured; the benchmark sets its own.
UNSET_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "BEHIND_PROXY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "HUB_PAGE_SIZE",
    "LOG_LEVEL",
    "GUNICORN_CMD_ARGS",
    "WEB_CONCURRENCY",
)

# Run after load_demo, in the benchmark's environment: what the server will be running on.
PROJECT_INFO = r"""
import json
import django
django.setup()
import gunicorn
from django.conf import settings
from django.db import connection
from haveyoursay.hub.models import Consultation
connection.ensure_connection()
print(json.dumps({
    "django": django.get_version(),
    "gunicorn": gunicorn.__version__,
    "debug": settings.DEBUG,
    "db_vendor": connection.vendor,
    "db_version": ".".join(str(part) for part in connection.get_database_version()),
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    "titles": list(Consultation.public_objects.values_list("title", flat=True)),
}))
"""

# Run after load_demo: N consultations and M documents more, in bulk, from the council's own
# wording in the demo (each demo consultation's title, summary and "We asked", with a number),
# spread over ten years with their topics, areas and partners. Prints what to search and filter by.
BUILD_SCALE = r"""
import datetime
import json
import random
import sys

from pathlib import Path

import django
django.setup()
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from haveyoursay.hub.models import Consultation, Document, Revision, Topic, today

consultations, documents, text_size, seeds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(2026)


def seed_pieces(folder, size):
    # The seeds' real council text (agendas, minutes, reports) in pieces of about `size`
    # characters, cut between paragraphs: what the site reads out of documents for its search.
    if size <= 0:
        return [""]
    pieces, piece = [], []
    for path in sorted(Path(folder).glob("*.txt")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            piece.append(paragraph.strip())
            if sum(len(part) for part in piece) >= size:
                pieces.append("\n\n".join(piece)[: size * 2])
                piece = []
    if piece:
        pieces.append("\n\n".join(piece))
    return pieces


texts = seed_pieces(seeds, text_size)
demo = list(Consultation.public_objects.prefetch_related("topics", "areas", "partners", "documents").order_by("pk"))
day, moment = today(), timezone.now()
pdf = demo[0].documents.all()[0] if demo[0].documents.all() else None
content = pdf.file.read() if pdf else b"%PDF-1.4\n%%EOF\n"
name = default_storage.save("documents/bench/consultation-document.pdf", ContentFile(content))
with transaction.atomic():
    made = []
    for number in range(consultations):
        model = demo[number % len(demo)]
        opens_on = day - datetime.timedelta(days=rng.randint(-60, 3650))
        made.append(Consultation(
            title=f"{model.title[:180]} ({number + 1})",
            slug=f"{model.slug[:80]}-bench-{number + 1}",
            summary=model.summary, we_asked=model.we_asked, what_happens_next=model.what_happens_next,
            opens_on=opens_on, closes_on=opens_on + datetime.timedelta(days=rng.choice([42, 56, 84, 90])),
            contact_name=model.contact_name, contact_email=model.contact_email,
            respond_email=model.respond_email, privacy_notice=model.privacy_notice,
            published_at=moment - datetime.timedelta(days=1) if number % 20 else None,
        ))
    made = Consultation.private_objects.bulk_create(made, batch_size=500)
    links = {"topics": [], "areas": [], "partners": []}
    for number, consultation in enumerate(made):
        model = demo[number % len(demo)]
        for relation in links:
            field = Consultation._meta.get_field(relation)
            through = field.remote_field.through
            for label in getattr(model, relation).all():
                links[relation].append(through(**{
                    field.m2m_field_name(): consultation, field.m2m_reverse_field_name(): label
                }))
    for relation, rows in links.items():
        Consultation._meta.get_field(relation).remote_field.through.objects.bulk_create(rows, batch_size=1000)
    kinds = [choice for choice, _ in Document.Kind.choices if choice != Document.Kind.TRANSLATION]
    labels = dict(Document.Kind.choices)

    def document_title(number):
        # The demo consultation's own document titles, then the kind of document with a number.
        model, position = demo[number % len(made) % len(demo)], number // len(made)
        titles = [document.title for document in model.documents.all()]
        if position < len(titles):
            return titles[position]
        return f"{labels[kinds[number % len(kinds)]]} {position + 1}"

    Document.objects.bulk_create(
        [
            Document(
                consultation=made[number % len(made)], title=document_title(number),
                kind=kinds[number % len(kinds)], file=name, file_format="PDF", size_bytes=len(content),
                position=number // len(made), text=texts[number % len(texts)],
            )
            for number in range(documents)
        ],
        batch_size=1000,
    )
    # bulk_create brings each consultation's search document up to date, as save() does.
    Revision.bump()
topic = Topic.objects.filter(consultations__in=Consultation.public_objects.all()).order_by("slug").first()
print(json.dumps({
    "consultations": Consultation.private_objects.count(),
    "published": Consultation.public_objects.count(),
    "documents": Document.objects.count(),
    "topic": topic.slug if topic else "",
}))
"""


class BenchError(Exception):
    """A step failed or a check did not hold: the figures would mean nothing."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/hub.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="run on this database (e.g. postgres://…) only, instead of SQLite and a throwaway PostgreSQL. It "
        "must be a scratch database: it is migrated and the demo content is loaded into it",
    )
    parser.add_argument(
        "--no-postgres", action="store_true", help="SQLite only: do not start a throwaway PostgreSQL server"
    )
    parser.add_argument(
        "--consultations", type=int, default=2000, help="consultations added to the demo's (default 2000)"
    )
    parser.add_argument("--documents", type=int, default=20000, help="documents added to them (default 20000)")
    parser.add_argument(
        "--document-text", type=int, default=DOCUMENT_TEXT, metavar="CHARACTERS",
        help=f"text read out of each added document, in characters of the seeds' council text, for the search to "
        f"look through (default {DOCUMENT_TEXT:,}, about ten pages; 0 for none)",
    )
    parser.add_argument("--search", default="waste strategy", help="the search measured (default 'waste strategy')")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up per path (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per path, interleaved (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args(argv)
    for name in ("duration", "warmup", "runs", "threads", "connections", "consultations"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one connection per thread)")
    if args.document_text < 0:
        parser.error("--document-text must be 0 or more")
    if args.document_text and not SEEDS.is_dir():
        parser.error(f"the documents' text is taken from the council's documents in {SEEDS}, which is missing")
    return args


# ---------------------------------------------------------------- setting up the data dir


def bench_environment(data_dir, database_url):
    env = dict(os.environ)
    for name in UNSET_VARIABLES:
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="bare_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH_DIR), os.environ.get("PYTHONPATH")])),
        HAVEYOURSAY_DATA_DIR=str(data_dir),
        DEBUG="false",
        HAVEYOURSAY_HTTPS="false",  # loopback plain HTTP: no redirect to https://
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        LOG_LEVEL="WARNING",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env, cwd, *command, timeout=120):
    """Run a Django management command in the benchmark's environment; raise if it fails."""
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "django", *command],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"`{' '.join(command)}` took more than {timeout}s") from None
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        if f"Unknown command: '{command[0]}'" in output:
            raise BenchError(f"this checkout has no `{command[0]}` management command")
        raise BenchError(f"`{' '.join(command)}` failed (exit {result.returncode}):\n{output[-4000:]}")
    log(f"  {' '.join(command)}: {time.monotonic() - started:.1f}s")
    return result.stdout


def project_info(env, cwd, script=PROJECT_INFO, *arguments, timeout=60):
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *arguments],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise BenchError(f"reading or adding the project's content took more than {timeout}s") from None
    if result.returncode != 0:
        raise BenchError(f"could not read or add the project's content:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the server


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env, cwd, port, log_path):
    command = [
        sys.executable, "-m", "gunicorn",
        "--bind", f"{HOST}:{port}",
        "--workers", str(WORKERS),
        "--worker-class", "sync",
        "--error-logfile", "-",
        "--log-level", "warning",
        # No --access-logfile: gunicorn's access log is off by default (and GUNICORN_CMD_ARGS
        # is cleared, and cwd is the empty data dir, so no gunicorn.conf.py is read).
        "haveyoursay.wsgi:application",
    ]  # fmt: skip
    with open(log_path, "wb") as log_file:
        # A session of its own, so that stopping it means killing one process group: master and workers.
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop_gunicorn(process):
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported as the 3xx it is, never followed


# No proxies (whatever http_proxy says, traffic stays on loopback) and no redirects.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)


def fetch(url, timeout=5):
    """(status, response size in bytes on the wire, approximately; body) for one GET."""
    try:
        response = _opener.open(url, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        body = response.read()
        status, reason = response.status, response.reason
        headers = sum(len(name) + len(value) + 4 for name, value in response.headers.items())
    return status, len(f"HTTP/1.1 {status} {reason}\r\n") + headers + 2 + len(body), body


def wait_until_answering(process, base, log_path, tries=150, pause=0.1):
    for _ in range(tries):
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with status {process.returncode}:\n{tail(log_path)}")
        try:
            status, _, _ = fetch(base + BARE, timeout=2)
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
            time.sleep(pause)
            continue
        if status == 200:
            return
        raise BenchError(f"{BARE} answered {status}, not 200:\n{tail(log_path)}")
    raise BenchError(f"gunicorn did not answer after {tries} tries:\n{tail(log_path)}")


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- the checks


def paths(args, scale):
    """What is measured: name -> (path, rendered afresh for every request, has a target)."""
    filters = "/?status=closed" + (f"&topic={scale['topic']}" if scale["topic"] else "")
    search = "/?" + urllib.parse.urlencode({"q": args.search})
    pages = {"hub": "/", "search": search, "filters": filters}
    measured = {"bare": (BARE, False, False)}
    measured.update({name: (path, False, True) for name, path in pages.items()})
    measured.update({f"{name}, rendered": (path, True, False) for name, path in pages.items()})
    return measured


def check_pages(base, titles, measured):
    """The bare view says ok, and each page is the real hub with consultations listed: never
    benchmark an error page or an empty result.

    Returns the approximate size of each response, to compare with what wrk reads.
    """
    sizes = {}
    status, sizes["bare"], body = fetch(base + BARE)
    if status != 200 or body != b"ok":
        raise BenchError(f"{BARE} answered {status} {body[:200]!r}, not 200 'ok'")
    if not titles:
        raise BenchError("load_demo published no consultations: the hub would be empty")
    for name, (path, fresh, _) in measured.items():
        if name == "bare" or fresh:
            continue
        # The first rendering of a page by a cold worker may take seconds on a busy machine.
        status, sizes[name], body = fetch(base + path, timeout=60)
        text = body.decode("utf-8", errors="replace")
        if status != 200:
            raise BenchError(f"{path} answered {status}, not 200:\n{text[:1000]}")
        if "Consultations" not in text:
            raise BenchError(f"{path} does not say 'Consultations':\n{text[:1000]}")
        shown = re.search(r'id="results-heading">\s*([\d,]+) consultation', text)
        if not shown or shown.group(1) == "0":
            raise BenchError(f"{path} lists no consultations")
        if name == "hub" and not any(title in text or html.escape(title) in text for title in titles):
            raise BenchError(f"the hub shows none of the {len(titles)} demo consultations, e.g. {titles[0]!r}")
        log(f"  {path}: 200, {len(body):,} bytes, {shown.group(1)} consultations")
    for name, (path, fresh, _) in measured.items():
        if fresh:
            sizes[name] = sizes[name.split(",")[0]]
    return sizes


# ---------------------------------------------------------------- wrk

UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def run_wrk(url, args, duration, expected_size, script=None):
    """One wrk run; its requests per second, after checking every response was a good one.
    With `script` (FRESH_LUA's file), every request has a query string of its own."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "30s"]
    if script:
        command += ["-s", str(script), url, "--", secrets.token_hex(4)]
    else:
        command.append(url)
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    except subprocess.TimeoutExpired:
        raise BenchError(f"wrk ran more than {duration + 30}s: {' '.join(command)}") from None
    output = result.stdout + result.stderr
    problems = []
    if result.returncode != 0:
        problems.append(f"wrk exited with status {result.returncode}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read", output)
    if not rps or not total:
        problems.append("could not read wrk's report")
    else:
        requests = int(total.group(1))
        if requests == 0:
            problems.append("no request completed")
        else:
            # wrk only counts statuses >= 400 as errors; a redirect or an empty answer shows up here.
            per_response = float(total.group(2)) * UNITS[total.group(3)] / requests
            if not 0.8 * expected_size <= per_response <= 1.25 * expected_size:
                problems.append(
                    f"{per_response:,.0f} bytes read per response, but the page checked is {expected_size:,} bytes"
                )
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx and int(non_2xx.group(1)):
        problems.append(f"{non_2xx.group(1)} responses were not 2xx/3xx")
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors and any(int(count) for count in socket_errors.groups()):
        problems.append("socket errors (" + socket_errors.group(0) + ")")
    if problems:
        raise BenchError(f"{' '.join(command)}: " + "; ".join(problems) + f"\n{output.strip()}")
    return float(rps.group(1))


def drain(base):
    """Wait until the workers have finished the requests wrk left queued when it stopped (slow
    pages rendered afresh can leave seconds of them), so that the next run starts on idle workers."""
    status, _, _ = fetch(base + BARE, timeout=120)
    if status != 200:
        raise BenchError(f"{BARE} answered {status} after a run")


def wrk_missing_message():
    where = "apt-get install wrk" if os.geteuid() == 0 else "sudo apt-get install wrk"
    return (
        "bench/hub.py needs the load generator wrk, which is not installed.\n"
        f"Install it with:  {where}   (Debian/Ubuntu; `brew install wrk` on macOS)\n"
        "There is deliberately no fallback: figures from another load generator would not compare."
    )


# ---------------------------------------------------------------- the machine


def machine():
    try:
        cpus = subprocess.run(["nproc"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        cpus = ""
    cpus = cpus or str(len(os.sched_getaffinity(0)))
    model = platform.processor() or platform.machine() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return cpus, re.sub(r"\s+", " ", model)


def stop_on_signals():
    """Make SIGTERM and SIGHUP (kill, a closed terminal) end the script as an exception would,
    so that its clean-up (servers stopped, data dirs removed) still runs; once: a second
    signal must not interrupt the clean-up the first one started."""

    def stop(signum, frame):
        for other in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(other, signal.SIG_IGN)
        sys.exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


def cpu_busy(seconds=1.0):
    """The share of all CPUs' time spent on something other than idling, over `seconds`; None if unknown."""

    def sample():
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    try:
        total_before, idle_before = sample()
        time.sleep(seconds)
        total_after, idle_after = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total_after - total_before
    return 1 - (idle_after - idle_before) / total if total > 0 else None


# ---------------------------------------------------------------- the run


def measure(args, data_dir, database_url):
    Path(data_dir).mkdir(exist_ok=True)
    env = bench_environment(data_dir, database_url)
    vendor = urllib.parse.urlsplit(database_url).scheme if database_url else "SQLite"
    log(f"Setting up {data_dir} ({vendor})")
    manage(env, data_dir, "migrate", "--noinput", "-v", "0")
    manage(env, data_dir, "collectstatic", "--noinput", "-v", "0")
    manage(env, data_dir, "load_demo")
    info = project_info(env, data_dir)
    if info["debug"]:
        raise BenchError("DEBUG is on in the benchmark's settings: the figures would not be production's")
    started = time.monotonic()
    scale = project_info(
        env, data_dir, BUILD_SCALE, str(args.consultations), str(args.documents), str(args.document_text),
        str(SEEDS), timeout=900,
    )
    scale["seconds"] = time.monotonic() - started
    log(
        f"  added {args.consultations:,} consultations and {args.documents:,} documents in {scale['seconds']:.1f}s: "
        f"{scale['consultations']:,} consultations ({scale['published']:,} published), {scale['documents']:,} documents"
    )
    measured = paths(args, scale)
    script = Path(data_dir) / "fresh.lua"
    script.write_text(FRESH_LUA)

    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = Path(data_dir) / "gunicorn.log"
    log(f"Starting gunicorn ({WORKERS} sync workers) on {base}/")
    process = start_gunicorn(env, data_dir, port, log_path)
    try:
        wait_until_answering(process, base, log_path)
        sizes = check_pages(base, info["titles"], measured)

        log(f"Warm-up: {args.warmup}s of wrk on each path")
        for name, (path, fresh, _) in measured.items():
            run_wrk(base + path, args, args.warmup, sizes[name], script if fresh else None)
            drain(base)
        results = {name: [] for name in measured}
        for run in range(1, args.runs + 1):
            for name, (path, fresh, _) in measured.items():
                rps = run_wrk(base + path, args, args.duration, sizes[name], script if fresh else None)
                drain(base)
                results[name].append(rps)
                log(f"  run {run}/{args.runs} {name:<17} {rps:10.1f} requests/s")
        if process.poll() is not None:
            raise BenchError(f"gunicorn stopped during the run:\n{tail(log_path)}")
        errors = [line for line in tail(log_path, 200).splitlines() if "Traceback" in line or "ERROR" in line]
        if errors:
            raise BenchError(f"gunicorn logged errors during the run:\n{tail(log_path)}")
    except BaseException:
        server_log = tail(log_path)
        if server_log.strip():
            log(f"gunicorn's log (last lines):\n{server_log}")
        raise
    finally:
        stop_gunicorn(process)
    return info, scale, measured, sizes, results


def report(args, database_label, info, scale, measured, sizes, results, elapsed, busy_before):
    """Print one database's table; return (figures within target, figures with a target, hub ratio)."""
    cpus, model = machine()
    load = os.getloadavg()
    medians = {name: statistics.median(values) for name, values in results.items()}
    database = f"{info['db_vendor']} {info['db_version']} ({database_label})"
    rows = [
        ("CPUs (nproc)", cpus),
        ("CPU model", model),
        (
            "other CPU use",
            ("unknown" if busy_before is None else f"{busy_before:.0%} of all CPUs in the second before the run")
            + f" (1-minute load average at the end {load[0]:.2f})",
        ),
        ("Python", platform.python_version()),
        ("Django", info["django"]),
        ("gunicorn", f"{info['gunicorn']}, {WORKERS} sync workers, on {HOST}"),
        ("database", database),
        ("cache", info["cache"]),
        (
            "content",
            f"{scale['consultations']:,} consultations ({scale['published']:,} published), "
            f"{scale['documents']:,} documents; {args.consultations:,} and {args.documents:,} of them added "
            f"in bulk in {scale['seconds']:.1f}s, each added document with about {args.document_text:,} characters "
            f"of the seeds' text",
        ),
        (
            "load",
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.warmup}s warm-up per path, "
            f"{args.runs} run{'s' if args.runs != 1 else ''} per path, interleaved",
        ),
        ("response sizes", ", ".join(f"{name} {size:,} B" for name, size in sizes.items() if "," not in name)),
    ]
    width = max(len(label) for label, _ in rows)
    print(f"haveyoursay hub benchmark: {info['db_vendor']}")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if busy_before is not None and busy_before > BUSY_WARNING:
        print(
            f"  NOTE: something else was using {busy_before:.0%} of the CPUs before the run: "
            "requests/s are lower and noisier than on a quiet machine"
        )
    print()
    runs = "  ".join(f"{'run ' + str(run + 1):>8}" for run in range(args.runs))
    shown = {
        name: path + ("&fresh=…" if "?" in path else "?fresh=…") if fresh else path
        for name, (path, fresh, _) in measured.items()
    }
    width = max(len(path) for path in shown.values())
    print(f"  {'requests/s':<18} {'path':<{width}} {runs}  {'median':>8}  {'/ bare':>6}  target")
    within = targets = 0
    for name, (path, fresh, has_target) in measured.items():
        ratio = medians[name] / medians["bare"]
        if has_target:
            targets += 1
            met = ratio >= TARGET
            within += met
            verdict = f">= {TARGET:.2f} {'within' if met else 'MISSED'}"
        elif fresh:
            verdict = "none (no page from the cache: each request rendered)"
        else:
            verdict = ""
        figures = "  ".join(f"{value:8.1f}" for value in results[name])
        print(f"  {name:<18} {shown[name]:<{width}} {figures}  {medians[name]:8.1f}  {ratio:6.2f}  {verdict}".rstrip())
    print()
    print(f"total time: {elapsed:.0f}s")
    return within, targets, medians["hub"] / medians["bare"]


def start_postgres(folder, port=PG_PORT):
    """A throwaway PostgreSQL cluster in `folder`, as scripts/test starts one: reached only
    through a Unix socket there, durability off. Returns (database URL, stop function), or
    (None, None) when PostgreSQL's server programs are not installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        return None, None
    bin_dir = found[-1].parent
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(folder)
    folder.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"

    def run(*command):
        result = subprocess.run(
            [*as_postgres, *command], cwd="/", capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL
        )
        if result.returncode != 0:
            raise BenchError(f"{command[0]} failed:\n{(result.stdout + result.stderr)[-2000:]}")

    def stop():
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                cwd="/", capture_output=True, timeout=60,
            )  # fmt: skip

    log(f"Starting a throwaway PostgreSQL ({bin_dir}) in {folder}")
    run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
        "--no-locale", "--no-sync")  # fmt: skip
    options = (
        f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off"
    )
    try:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "start",
            "-o", options)  # fmt: skip
        run(str(bin_dir / "createdb"), "-h", str(folder), "-p", str(port), "-U", "postgres", "bench")
    except BaseException:
        stop()
        raise
    return f"postgres://postgres@{urllib.parse.quote(str(folder), safe='')}:{port}/bench", stop


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("wrk") is None:
        log(wrk_missing_message())
        return 2
    stop_on_signals()

    if args.database_url:
        databases = [("--database-url", args.database_url)]
    else:
        databases = [("file in a temporary data dir", None)] + ([] if args.no_postgres else [("throwaway", "start")])
    within = targets = 0
    ratio = None
    for label, database_url in databases:
        started = time.monotonic()
        busy_before = cpu_busy()
        data_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-")
        stop_postgres = None
        try:
            if database_url == "start":
                database_url, stop_postgres = start_postgres(Path(data_dir + "-postgres"))
                if database_url is None:
                    print("PostgreSQL: not measured (its server programs are not installed)")
                    continue
                label = "throwaway server on a Unix socket, fsync off"
            info, scale, measured, sizes, results = measure(args, Path(data_dir) / "site", database_url)
        except BenchError as error:
            log(f"\nFAILED: {error}")
            return 1
        finally:
            if stop_postgres:
                stop_postgres()
            shutil.rmtree(data_dir, ignore_errors=True)
            shutil.rmtree(data_dir + "-postgres", ignore_errors=True)
        met, counted, ratio = report(
            args, label, info, scale, measured, sizes, results, time.monotonic() - started, busy_before
        )
        within, targets = within + met, targets + counted
        print()
    print(f"ratio: {ratio:.2f}")
    print(f"hub: {within} of {targets} figures within target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
