"""Requests per second for the hub (/) against a bare Django view, under gunicorn and wrk.

    .venv/bin/python bench/hub.py                          # SQLite in a temporary data dir
    .venv/bin/python bench/hub.py --database-url URL       # a scratch PostgreSQL database

Sets up a fresh temporary data dir (migrate, collectstatic, load_demo) with production
settings (DEBUG off, LocMemCache), starts gunicorn with 2 sync workers on 127.0.0.1, then
loads /__bare__/ (a view returning "ok", through the same middleware) and / with identical
wrk options, interleaved, three times each, and prints the medians and their ratio. The
last line of output is `ratio: X.XX` (hub median / bare median). See bench/README.md.

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
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
HOST = "127.0.0.1"  # the only address this script ever sends traffic to
WORKERS = 2
PATHS = {"bare": "/__bare__/", "hub": "/"}
BUSY_WARNING = 0.15  # other CPU use before the run above which the figures get a warning

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
        help="run on this database (e.g. postgres://…) instead of a temporary SQLite file. It must be a "
        "scratch database: it is migrated and the demo content is loaded into it",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up per path (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per path, interleaved (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    args = parser.parse_args(argv)
    for name in ("duration", "warmup", "runs", "threads", "connections"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one connection per thread)")
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


def project_info(env, cwd):
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROJECT_INFO],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        raise BenchError("reading the project's settings and demo content took more than 60s") from None
    if result.returncode != 0:
        raise BenchError(f"could not read the project's settings and demo content:\n{result.stderr[-4000:]}")
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
            status, _, _ = fetch(base + PATHS["bare"], timeout=2)
        except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
            time.sleep(pause)
            continue
        if status == 200:
            return
        raise BenchError(f"{PATHS['bare']} answered {status}, not 200:\n{tail(log_path)}")
    raise BenchError(f"gunicorn did not answer after {tries} tries:\n{tail(log_path)}")


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# ---------------------------------------------------------------- the checks


def check_pages(base, titles):
    """The bare view says ok, and / is the real hub with demo content: never benchmark an error page.

    Returns the approximate size of each response, to compare with what wrk reads.
    """
    sizes = {}
    status, sizes["bare"], body = fetch(base + PATHS["bare"])
    if status != 200 or body != b"ok":
        raise BenchError(f"{PATHS['bare']} answered {status} {body[:200]!r}, not 200 'ok'")
    status, sizes["hub"], body = fetch(base + PATHS["hub"])
    text = body.decode("utf-8", errors="replace")
    if status != 200:
        raise BenchError(f"the hub answered {status}, not 200:\n{text[:1000]}")
    if "Consultations" not in text:
        raise BenchError(f"the hub page does not say 'Consultations':\n{text[:1000]}")
    if not titles:
        raise BenchError("load_demo published no consultations: the hub would be empty")
    shown = [title for title in titles if title in text or html.escape(title) in text]
    if not shown:
        raise BenchError(f"the hub shows none of the {len(titles)} demo consultations, e.g. {titles[0]!r}")
    log(f"  hub: 200, {len(body):,} bytes, shows {len(shown)} of {len(titles)} demo consultations")
    return sizes


# ---------------------------------------------------------------- wrk

UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def run_wrk(url, args, duration, expected_size):
    """One wrk run; its requests per second, after checking every response was a good one."""
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s", "--timeout", "5s", url]
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


def measure(args, data_dir):
    env = bench_environment(data_dir, args.database_url)
    log(f"Setting up {data_dir}" + (" (database from --database-url)" if args.database_url else " (SQLite)"))
    manage(env, data_dir, "migrate", "--noinput", "-v", "0")
    manage(env, data_dir, "collectstatic", "--noinput", "-v", "0")
    manage(env, data_dir, "load_demo")
    info = project_info(env, data_dir)
    if info["debug"]:
        raise BenchError("DEBUG is on in the benchmark's settings: the figures would not be production's")

    port = free_port()
    base = f"http://{HOST}:{port}"
    log_path = Path(data_dir) / "gunicorn.log"
    log(f"Starting gunicorn ({WORKERS} sync workers) on {base}/")
    process = start_gunicorn(env, data_dir, port, log_path)
    try:
        wait_until_answering(process, base, log_path)
        sizes = check_pages(base, info["titles"])

        log(f"Warm-up: {args.warmup}s of wrk on each path")
        for name, path in PATHS.items():
            run_wrk(base + path, args, args.warmup, sizes[name])
        results = {name: [] for name in PATHS}
        for run in range(1, args.runs + 1):
            for name, path in PATHS.items():
                rps = run_wrk(base + path, args, args.duration, sizes[name])
                results[name].append(rps)
                log(f"  run {run}/{args.runs} {name:<4} {rps:10.1f} requests/s")
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
    return info, sizes, results


def report(args, info, sizes, results, elapsed, busy_before):
    cpus, model = machine()
    load = os.getloadavg()
    medians = {name: statistics.median(values) for name, values in results.items()}
    ratio = medians["hub"] / medians["bare"]
    database = f"{info['db_vendor']} {info['db_version']}" + (
        " (--database-url)" if args.database_url else " (file in a temporary data dir)"
    )
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
            "load",
            f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.warmup}s warm-up per path, "
            f"{args.runs} run{'s' if args.runs != 1 else ''} per path, interleaved",
        ),
        ("response sizes", f"bare {sizes['bare']:,} B, hub {sizes['hub']:,} B (headers included)"),
    ]
    width = max(len(label) for label, _ in rows)
    print("haveyoursay hub benchmark")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if busy_before is not None and busy_before > BUSY_WARNING:
        print(
            f"  NOTE: something else was using {busy_before:.0%} of the CPUs before the run: "
            "requests/s are lower and noisier than on a quiet machine"
        )
    print()
    print(f"  {'requests/s':<10} {'bare ' + PATHS['bare']:>16} {'hub ' + PATHS['hub']:>16}")
    for run in range(args.runs):
        print(f"  {'run ' + str(run + 1):<10} {results['bare'][run]:16.1f} {results['hub'][run]:16.1f}")
    print(f"  {'median':<10} {medians['bare']:16.1f} {medians['hub']:16.1f}")
    print()
    print(f"total time: {elapsed:.0f}s")
    print(f"ratio: {ratio:.2f}")


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if shutil.which("wrk") is None:
        log(wrk_missing_message())
        return 2
    # Stopping the script (kill, a closed terminal) still stops gunicorn and removes the data dir.
    def stop(signum, frame):
        # Once: a second signal must not interrupt the clean-up the first one started.
        for other in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(other, signal.SIG_IGN)
        sys.exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)

    started = time.monotonic()
    busy_before = cpu_busy()
    data_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-")
    try:
        info, sizes, results = measure(args, data_dir)
    except BenchError as error:
        log(f"\nFAILED: {error}")
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    report(args, info, sizes, results, time.monotonic() - started, busy_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
