"""POSTs per second for respondents answering the demo questionnaire, against a bare insert view.

    .venv/bin/python bench/submit.py                          # SQLite in a temporary data dir
    .venv/bin/python bench/submit.py --database-url URL       # a scratch PostgreSQL database

Sets up a fresh temporary data dir (migrate, collectstatic, load_demo) with production
settings, starts gunicorn (2 sync workers) on 127.0.0.1, and drives it with simulated
respondents, 32 at a time, each with its own session: GET the start page, POST start, POST
each section of the open demo questionnaire, POST send, GET the confirmation page and keep
the reference it shows. The same client, in the same shape and at the same concurrency,
then POSTs to /__bench__/insert/, a view that inserts one row into the same database.
Interleaved runs of each; then every response whose confirmation was seen is looked up in
the database. The last line is `ratio: X.XX lost: N` (respondent POSTs/s median / bare
insert POSTs/s median; confirmed responses not in the database as sent). See bench/README.md.

The per-address limit on starting responses is lifted for the benchmark (bench/submit_urls.py).
Progress goes to stderr, the results to stdout. Exit status 0 when measured and nothing was
lost or doubled, 1 when a step or a check failed.
"""

import argparse
import asyncio
import os
import resource
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HOST,
    SLUG,
    STARTS_LIFTED,
    BenchError,
    Load,
    Server,
    ServerConfig,
    check_inserts,
    check_responses,
    cpu_busy,
    dump_database,
    environment,
    free_port,
    log,
    machine,
    median,
    percentile,
    set_up,
    stop_on_signals,
    tail,
    window_stats,
)

TARGET_RATIO = 0.40
TARGET_P99_MS = 250
BUSY_WARNING = 0.15


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/submit.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--database-url", metavar="URL",
        help="run on this database (e.g. postgres://…) instead of a temporary SQLite file. It must be a "
        "scratch database: it is migrated and the demo content is loaded into it",
    )  # fmt: skip
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per kind of load (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs per kind, interleaved (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="simulated respondents at once (default 32)")
    parser.add_argument("--seed", default="haveyoursay", help="seed for the respondents' answers (default haveyoursay)")
    parser.add_argument("--worker-class", choices=("sync", "gthread"), default="sync",
                        help="gunicorn worker class (default sync; see bench/README.md before changing it)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    args = parser.parse_args(argv)
    for name in ("duration", "warmup", "runs", "connections", "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


async def measure(args, info, server):
    respondents = Load("respondent", server.port, info["pages"], args.seed, args.connections)
    bare = Load("bare", server.port, info["pages"], args.seed, args.connections)
    loads = {"bare": bare, "respondent": respondents}

    # One of each on its own first: a clear message if the journey is broken, before any load.
    for load in loads.values():
        one = Load(load.kind, server.port, info["pages"], args.seed, 1)
        await one.run("check", journeys=1)
        load.confirmed.update(one.confirmed)
        load.acknowledged.update(one.acknowledged)
    log(f"  one respondent and one bare client went through: reference {next(iter(respondents.confirmed.values()))[0]}")

    log(f"Warm-up: {args.warmup}s of each kind of load")
    for name, load in loads.items():
        await load.run(f"warm-{name}", duration=args.warmup)
    results = {name: [] for name in loads}
    latencies = {name: [] for name in loads}
    cpu = {name: [] for name in loads}  # (share of all CPUs busy, share of one CPU used by this client)
    for run in range(1, args.runs + 1):
        for name, load in loads.items():
            busy_before, client_before = cpu_sample(), client_cpu()
            start, end = await load.run(f"run{run}", duration=args.duration)
            busy_after, client_after = cpu_sample(), client_cpu()
            total, idle = busy_after[0] - busy_before[0], busy_after[1] - busy_before[1]
            busy = 1 - idle / total if total else float("nan")
            cpu[name].append((busy, (client_after - client_before) / (end - start)))
            rps, times = window_stats(load.records, load.kind, start, start + args.duration)
            results[name].append(rps)
            latencies[name] += times
            log(f"  run {run}/{args.runs} {name:<10} {rps:8.1f} POSTs/s   p50 {percentile(times, 0.5):6.1f} ms"
                f"   p99 {percentile(times, 0.99):6.1f} ms")  # fmt: skip
    for values in latencies.values():
        values.sort()
    return loads, results, latencies, cpu


def cpu_sample():
    """(total, idle + iowait) jiffies of all CPUs, from /proc/stat; (0, 0) where there is none."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0, 0
    return sum(fields), fields[3] + fields[4]


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def report(args, info, config, loads, results, latencies, cpu, checks, elapsed, busy_before):
    cpus, model = machine()
    load_average = os.getloadavg()
    medians = {name: median(values) for name, values in results.items()}
    ratio = medians["respondent"] / medians["bare"]
    respondents = loads["respondent"]
    journeys = list(respondents.confirmed.values())
    posts_per = sum(plan.posts for _, plan in journeys) / len(journeys)
    database = f"{info['db_vendor']} {info['db_version']}" + (
        " (--database-url)" if args.database_url else f" (file in a temporary data dir; {info['db_options'].strip()})"
    )
    rows = [
        ("CPUs (nproc)", cpus),
        ("CPU model", model),
        (
            "other CPU use",
            ("unknown" if busy_before is None else f"{busy_before:.0%} of all CPUs in the second before the run")
            + f" (1-minute load average at the end {load_average[0]:.2f})",
        ),
        ("Python", platform.python_version()),
        ("Django", info["django"]),
        ("gunicorn", f"{info['gunicorn']}, {config.describe()}, on {HOST}"),
        ("database", database),
        ("sessions", f"{info['session_engine']} for staff; respondents are remembered by a signed cookie"),
        ("cache", info["cache"]),
        ("start limit", STARTS_LIFTED),
        (
            "load",
            f"{args.connections} simulated respondents at once, closed loop, {args.duration}s per run, "
            f"{args.warmup}s warm-up per kind, {args.runs} run{'s' if args.runs != 1 else ''} per kind, interleaved",
        ),
        (
            "respondent",
            f"GET start page, POST start, POST each section ({SLUG}), POST send, GET confirmation: "
            f"{posts_per:.2f} POSTs and 2 GETs a respondent on average",
        ),
        ("bare insert", "GET /__bench__/insert/, as many POSTs to it (one AuditEvent row each), GET the row count"),
    ]
    width = max(len(label) for label, _ in rows)
    print("haveyoursay submission benchmark")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    if busy_before is not None and busy_before > BUSY_WARNING:
        print(
            f"  NOTE: something else was using {busy_before:.0%} of the CPUs before the run: "
            "requests/s are lower and noisier than on a quiet machine"
        )
    print()
    print(f"  {'POST requests/s':<22} {'bare insert':>12} {'respondents':>12}")
    for run in range(args.runs):
        print(f"  {'run ' + str(run + 1):<22} {results['bare'][run]:12.1f} {results['respondent'][run]:12.1f}")
    print(f"  {'median':<22} {medians['bare']:12.1f} {medians['respondent']:12.1f}")
    for label, share in (("POST latency p50 (ms)", 0.5), ("POST latency p99 (ms)", 0.99)):
        bare_ms, respondent_ms = percentile(latencies["bare"], share), percentile(latencies["respondent"], share)
        print(f"  {label:<22} {bare_ms:12.1f} {respondent_ms:12.1f}")
    print(f"  {'POSTs measured':<22} {len(latencies['bare']):12d} {len(latencies['respondent']):12d}")
    print(f"  {'all CPUs busy':<22} {median([b for b, _ in cpu['bare']]):12.0%} "
          f"{median([b for b, _ in cpu['respondent']]):12.0%}")  # fmt: skip
    print(f"  {'  of which the client':<22} {median([c for _, c in cpu['bare']]) / int(cpus):12.0%} "
          f"{median([c for _, c in cpu['respondent']]) / int(cpus):12.0%}")
    print()
    responses, inserts = checks
    print("  afterwards, in the database")
    print(f"    responses confirmed to respondents (reference seen)  {responses['confirmed']}")
    print(f"    present once, submitted, answers as sent             {responses['present']}")
    print(f"    missing                                              {responses['missing']}")
    print(f"    present but not submitted or not as sent             {responses['wrong']}")
    print(f"    present more than once                               {responses['duplicated']}")
    print(f"    in progress (never confirmed)                        {responses['in_progress']}")
    print(f"    bare inserts acknowledged / missing / doubled        "
          f"{inserts['acknowledged']} / {inserts['missing']} / {inserts['doubled']}")  # fmt: skip
    p99 = percentile(latencies["respondent"], 0.99)
    met = ratio >= TARGET_RATIO and p99 < TARGET_P99_MS
    print()
    print(
        f"target: ratio >= {TARGET_RATIO:.2f} and respondent POST p99 < {TARGET_P99_MS} ms at 32 connections: "
        + ("met" if met else "MISSED")
        + ("" if args.connections == 32 else f" (this run used {args.connections} connections)")
    )
    print(f"total time: {elapsed:.0f}s")
    lost = responses["missing"] + responses["wrong"]
    print(f"ratio: {ratio:.2f} lost: {lost}")
    return lost == 0 and responses["duplicated"] == 0 and inserts["missing"] == 0 and inserts["doubled"] == 0


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    stop_on_signals()

    started = time.monotonic()
    busy_before = cpu_busy()
    data_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-")
    config = ServerConfig(args.worker_class, args.workers, args.threads)
    server = None
    try:
        env = environment(data_dir, args.database_url)
        info = set_up(env, data_dir, args.database_url)
        server = Server(env, data_dir, free_port(), config, Path(data_dir) / "gunicorn.log")
        log(f"Starting gunicorn ({config.describe()}) on {server.base}/")
        server.start()
        try:
            server.wait_until_answering()
            loads, results, latencies, cpu = asyncio.run(measure(args, info, server))
            if server.process.poll() is not None:
                raise BenchError(f"gunicorn stopped during the run:\n{tail(server.log_path)}")
            if server.logged_errors():
                raise BenchError(f"gunicorn logged errors during the run:\n{tail(server.log_path)}")
        except BaseException:
            server_log = tail(server.log_path)
            if server_log.strip():
                log(f"gunicorn's log (last lines):\n{server_log}")
            raise
        finally:
            server.stop()
        log("Checking every confirmed response and acknowledged insert in the database")
        dump = dump_database(env, data_dir)
        responses, problems = check_responses(dump, loads["respondent"].confirmed)
        inserts = check_inserts(dump, loads["bare"].acknowledged)
        for problem in problems[:20]:
            log(f"  {problem}")
        if dump["integrity"] not in (None, ["ok"]):
            raise BenchError(f"PRAGMA integrity_check: {dump['integrity'][:10]}")
    except BenchError as error:
        log(f"\nFAILED: {error}")
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    elapsed = time.monotonic() - started
    ok = report(args, info, config, loads, results, latencies, cpu, (responses, inserts), elapsed, busy_before)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
