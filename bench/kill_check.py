"""Does a confirmed response survive `kill -9` of the server? Three times in a run.

    .venv/bin/python bench/kill_check.py                      # SQLite in a temporary data dir
    .venv/bin/python bench/kill_check.py --database-url URL   # a scratch PostgreSQL database

Sets up a fresh data dir as bench/submit.py does, starts gunicorn (2 sync workers) and runs
the same simulated respondents, 32 at a time. At seeded points (after a seeded number of
confirmations, plus a seeded few milliseconds) it sends SIGKILL to the gunicorn master and
its workers at once, mid-load: requests are in flight, transactions half done. Before
restarting it checks, through a fresh connection, that every response confirmed so far is
in the database (for SQLite: that the WAL file was left behind and `PRAGMA integrity_check`
says ok). Then it restarts gunicorn on the same data dir and port. Respondents whose request
got no answer retry it, like a person pressing reload, until the server answers again.

When the load has finished: every response whose confirmation page was received must be in
the database exactly once, submitted, with the answers and declaration sent. Responses left
in progress were never acknowledged and are only counted.

Exit status 0 when nothing confirmed was lost, changed or doubled and the database is intact;
1 otherwise, or when a step failed.
"""

import argparse
import asyncio
import platform
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    HOST,
    STARTS_LIFTED,
    BenchError,
    Load,
    Server,
    ServerConfig,
    check_responses,
    dump_database,
    environment,
    free_port,
    log,
    machine,
    set_up,
    stop_on_signals,
    tail,
)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/kill_check.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", metavar="URL",
                        help="run on this scratch database (e.g. postgres://…) instead of a temporary SQLite file")
    parser.add_argument("--respondents", type=int, default=500, help="simulated respondents in all (default 500)")
    parser.add_argument("--connections", type=int, default=32, help="simulated respondents at once (default 32)")
    parser.add_argument("--kills", type=int, default=3, help="times to kill -9 the server (default 3)")
    parser.add_argument("--seed", default="haveyoursay", help="seed for the kill points and the answers")
    parser.add_argument("--retry-for", type=float, default=60.0,
                        help="seconds a respondent keeps retrying a request that got no answer (default 60)")
    args = parser.parse_args(argv)
    if args.respondents < 10 * (args.kills + 1):
        parser.error("--respondents must be at least 10 times --kills + 1")
    if args.connections < 1 or args.kills < 0:
        parser.error("--connections must be at least 1, --kills at least 0")
    return args


def kill_points(args):
    """(confirmations, extra milliseconds) for each kill: spread over the run, jittered by the seed."""
    rng = random.Random(f"{args.seed}:kills")
    points = []
    for k in range(1, args.kills + 1):
        middle = args.respondents * k / (args.kills + 1)
        spread = args.respondents / (args.kills + 1) / 3
        points.append((int(rng.uniform(middle - spread, middle + spread)), rng.uniform(0, 50)))
    return points


def wal_state(info):
    """What the killed server left in the SQLite WAL file, read before anything opens the database.

    A WAL file is a 32-byte header (with two salts) and frames of a 24-byte header plus one page;
    the frames of the current generation carry the header's salts, and a frame whose "database
    size" field is not 0 ends a committed transaction. Frames after the last commit frame are a
    transaction that was being written when the server died: recovery must ignore them.
    (Checksums are not verified: this is a description, the database's own recovery decides.)
    """
    if not info["db_file"]:
        return None
    wal = Path(info["db_file"] + "-wal")
    if not wal.exists():
        return "no WAL file left"
    data = wal.read_bytes()
    if len(data) < 32:
        return f"WAL file left: {len(data)} bytes, no header"
    page_size = int.from_bytes(data[8:12], "big")
    salts = data[16:24]
    frames = commits = after_last_commit = 0
    offset = 32
    while offset + 24 + page_size <= len(data) and data[offset + 8 : offset + 16] == salts:
        frames += 1
        if int.from_bytes(data[offset + 4 : offset + 8], "big"):
            commits += 1
            after_last_commit = 0
        else:
            after_last_commit += 1
        offset += 24 + page_size
    return (
        f"WAL file left: {len(data) / 1024:,.0f} KiB, {frames} frames of this generation: {commits} committed "
        f"transactions not yet checkpointed into the database file, {after_last_commit} frames of an "
        "unfinished one"
    )


async def run(args, env, data_dir, info, server):
    load = Load("respondent", server.port, info["pages"], args.seed, args.connections, retry_for=args.retry_for)
    kills = []
    failures = []

    async def killer():
        for number, (threshold, extra_ms) in enumerate(kill_points(args), start=1):
            while len(load.confirmed) < threshold:
                await asyncio.sleep(0.002)
            await asyncio.sleep(extra_ms / 1000)
            snapshot = dict(load.confirmed)
            in_flight = load.in_flight
            pids = server.kill9()
            killed_at = time.monotonic()
            wal = wal_state(info)
            log(f"  kill {number}: SIGKILL to gunicorn {pids[0]} and workers {', '.join(map(str, pids[1:]))} "
                f"after {len(snapshot)} confirmations, {in_flight} requests in flight")  # fmt: skip
            dump = await asyncio.to_thread(dump_database, env, data_dir)
            counts, problems = check_responses(dump, snapshot)
            for problem in problems[:10]:
                log(f"    {problem}")
            if counts["missing"] or counts["wrong"] or counts["duplicated"]:
                failures.append(f"kill {number}: {counts['missing']} missing, {counts['wrong']} not as sent, "
                                f"{counts['duplicated']} doubled")  # fmt: skip
            if dump["integrity"] not in (None, ["ok"]):
                failures.append(f"kill {number}: PRAGMA integrity_check said {dump['integrity'][:5]}")
            server.start()
            await asyncio.to_thread(server.wait_until_answering)
            kills.append({
                "number": number, "threshold": threshold, "extra_ms": extra_ms, "pids": pids,
                "in_flight": in_flight, "wal": wal, "counts": counts, "integrity": dump["integrity"],
                "journal_mode": dump["journal_mode"], "down": time.monotonic() - killed_at,
            })  # fmt: skip

    started = time.monotonic()
    killer_task = asyncio.ensure_future(killer())
    load_task = asyncio.ensure_future(load.run("kill", journeys=args.respondents))
    try:
        # A failing kill step (the server not coming back, say) stops the load at once.
        done, _ = await asyncio.wait({killer_task, load_task}, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
        await load_task
    finally:
        for task in (killer_task, load_task):
            task.cancel()
        await asyncio.gather(killer_task, load_task, return_exceptions=True)
    if len(kills) < args.kills:
        failures.append(f"only {len(kills)} of {args.kills} kills happened before the load ended")
    return load, kills, failures, time.monotonic() - started


def report(args, info, config, load, kills, final, failures, elapsed):
    cpus, model = machine()
    counts, integrity, journal_mode = final
    rows = [
        ("CPUs (nproc)", cpus),
        ("CPU model", model),
        ("Python", platform.python_version()),
        ("Django", info["django"]),
        ("gunicorn", f"{info['gunicorn']}, {config.describe()}, on {HOST}"),
        ("database", f"{info['db_vendor']} {info['db_version']}"
                     + (" (--database-url)" if args.database_url else f" (file; {info['db_options'].strip()})")),
        ("start limit", STARTS_LIFTED),
        ("load", f"{args.respondents} simulated respondents, {args.connections} at once; a request that gets "
                 f"no answer is retried every 50 ms for up to {args.retry_for:.0f}s (seed {args.seed!r})"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    print("haveyoursay kill check")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print()
    for kill in kills:
        c = kill["counts"]
        print(f"  kill {kill['number']}: when confirmations reached {kill['threshold']}, + {kill['extra_ms']:.0f} ms, "
              f"SIGKILL to master {kill['pids'][0]} and {len(kill['pids']) - 1} workers "
              f"with {kill['in_flight']} requests in flight")  # fmt: skip
        if kill["wal"] is not None:
            said = ", ".join(kill["integrity"][:3])
            print(f"    {kill['wal']}; journal_mode {kill['journal_mode']}; integrity_check {said}")
        print(f"    confirmed so far {c['confirmed']}: present {c['present']}, missing {c['missing']}, "
              f"not as sent {c['wrong']}, doubled {c['duplicated']}; "
              f"responses in progress (journeys under way) {c['in_progress']}")  # fmt: skip
        print(f"    restarted: answering again {kill['down']:.1f}s after the kill")
    print()
    print("  at the end (load finished, server stopped)")
    print(f"    respondents started / confirmed / gave up      "
          f"{load.started_journeys} / {len(load.confirmed)} / {len(load.unconfirmed)}")  # fmt: skip
    print(f"    attempts that got no answer (retried)         {load.transport_errors}")
    print(f"    unexpected answers (retried)                  {load.error_responses}")
    print(f"    confirmed (reference seen)                    {counts['confirmed']}")
    print(f"    present once, submitted, answers as sent      {counts['present']}")
    print(f"    missing                                       {counts['missing']}")
    print(f"    present but not submitted or not as sent      {counts['wrong']}")
    print(f"    duplicated (submitted more than once)         {counts['duplicated']}")
    print(f"    in progress, left behind (never confirmed)    {counts['in_progress']}")
    print(f"    submitted in all                              {counts['submitted']}")
    if integrity is not None:
        print(f"    SQLite journal_mode / integrity_check         {journal_mode} / {', '.join(integrity[:3])}")
    print()
    print(f"total time: {elapsed:.0f}s")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("kill check: " + ("FAILED" if failures else "ok") + f" lost: {counts['missing'] + counts['wrong']} "
          f"duplicated: {counts['duplicated']}")  # fmt: skip


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    stop_on_signals()

    started = time.monotonic()
    data_dir = tempfile.mkdtemp(prefix="haveyoursay-kill-")
    config = ServerConfig()
    server = None
    try:
        env = environment(data_dir, args.database_url)
        info = set_up(env, data_dir, args.database_url)
        server = Server(env, data_dir, free_port(), config, Path(data_dir) / "gunicorn.log")
        log(f"Starting gunicorn ({config.describe()}) on {server.base}/; {args.respondents} respondents, "
            f"{args.kills} kills")  # fmt: skip
        server.start()
        try:
            server.wait_until_answering()
            load, kills, failures, _ = asyncio.run(run(args, env, data_dir, info, server))
        except BaseException:
            server_log = tail(server.log_path)
            if server_log.strip():
                log(f"gunicorn's log (last lines):\n{server_log}")
            raise
        finally:
            server.stop()
        log("Checking every confirmed response in the database")
        dump = dump_database(env, data_dir)
        counts, problems = check_responses(dump, load.confirmed)
        for problem in problems[:20]:
            log(f"  {problem}")
        for message in load.unexpected[:5]:
            log(f"  unexpected answer (retried): {message}")
        if counts["missing"] or counts["wrong"]:
            failures.append(f"{counts['missing']} confirmed responses missing, {counts['wrong']} not as sent")
        if counts["duplicated"]:
            failures.append(f"{counts['duplicated']} responses submitted more than once")
        if dump["integrity"] not in (None, ["ok"]):
            failures.append(f"PRAGMA integrity_check at the end: {dump['integrity'][:5]}")
        if load.unconfirmed:
            failures.append(f"{len(load.unconfirmed)} respondents gave up: the server did not answer for "
                            f"{args.retry_for:.0f}s. First: {load.errors[:1]}")  # fmt: skip
    except BenchError as error:
        log(f"\nFAILED: {error}")
        return 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    report(args, info, config, load, kills, (counts, dump["integrity"], dump["journal_mode"]), failures,
           time.monotonic() - started)  # fmt: skip
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
