"""Instructions per POST for respondents and for the bare insert, counted by callgrind.

    .venv/bin/python bench/instructions.py                 # about 2½ minutes; needs valgrind

bench/submit.py's ratio moves with the machine: with other virtual machines on the same
host, the unchanged bare insert gave runs from 360.2 to 644.6 POSTs/s in one afternoon.
Valgrind's callgrind counts the instructions the CPU runs instead, which come out within
about a tenth of a per cent on every run of the same code whatever else the machine is
doing, so the effect of a change on what a respondent costs can be seen at once, and on a
busy machine.

Sets up a data dir as bench/submit.py does (migrate, collectstatic, load_demo; production
settings), then for each kind of load runs one Python process under callgrind with
counting off, warms it up with --warmup journeys, and counts --journeys more:

- respondent: submit.py's journey (GET the start page, POST start, POST each section,
  POST send, GET the confirmation with its reference), answers from the same seeded
  generator, each answer checked;
- bare: GET /__bench__/insert/, then as many POSTs to it as the respondent with the same
  number makes.

Both through Django's test client in the one process: no server, no network, no client
cost. The GETs are counted in as submit.py counts them in: each kind's instructions are
divided by its POSTs. The last line is `instructions per POST: respondent R bare B ratio X.XX`.

What this does not count: time spent waiting, for fsync (which bounds the bare insert under
load) or for SQLite's write lock. The ratio here is therefore not submit.py's; it says how
many bare inserts' worth of CPU one respondent's POST costs.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BenchError, environment, log, machine, set_up  # noqa: E402

VALGRIND = "valgrind"
CALLGRIND_CONTROL = "callgrind_control"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/instructions.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--journeys", type=int, default=20, help="journeys counted per kind (default 20)")
    parser.add_argument("--warmup", type=int, default=20, help="journeys before counting starts (default 20)")
    parser.add_argument("--seed", default="haveyoursay", help="seed for the respondents' answers (default haveyoursay)")
    parser.add_argument("--inner", nargs=2, metavar=("KIND", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.journeys < 1 or args.warmup < 0:
        parser.error("--journeys must be at least 1 and --warmup at least 0")
    return args


# ---------------------------------------------------------------- inside valgrind


def inner(kind, data_dir, args):
    """Runs under callgrind with counting off: warm up, count, write the POSTs made."""
    os.chdir(data_dir)
    info = json.loads((Path(data_dir) / "info.json").read_text())
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.test import Client

    from _common import CSRF_RE, INSERT_PATH, REFERENCE_RE, RESPOND, plan_respondent

    client = Client(HTTP_HOST="127.0.0.1")

    def post(path, fields):
        return client.post(path, urlencode(fields), content_type="application/x-www-form-urlencoded")

    def respondent(number):
        client.cookies.clear()
        plan = plan_respondent(info["pages"], args.seed, f"instructions-{number}")
        page = client.get(RESPOND)
        token = CSRF_RE.search(page.content.decode()).group(1)
        expect(post(RESPOND, [("csrfmiddlewaretoken", token), ("website", "")]), f"{RESPOND}section/1/")
        for section, fields, following in plan.pages:
            expect(post(f"{RESPOND}section/{section}/", [("csrfmiddlewaretoken", token), *fields]), following)
        expect(post(f"{RESPOND}send/", [("csrfmiddlewaretoken", token), *plan.declaration]), f"{RESPOND}sent/")
        if not REFERENCE_RE.search(client.get(f"{RESPOND}sent/").content.decode()):
            raise BenchError("the confirmation page showed no reference")
        return plan.posts

    def bare(number):
        client.cookies.clear()
        posts = plan_respondent(info["pages"], args.seed, f"instructions-{number}").posts
        token = client.get(INSERT_PATH).content.decode().split()[1]
        for n in range(posts):
            answer = post(INSERT_PATH, [("csrfmiddlewaretoken", token), ("token", f"instructions-{number}"), ("n", n)])
            if answer.status_code != 200 or not answer.content.isdigit():
                raise BenchError(f"the bare insert answered {answer.status_code}: {answer.content[:200]!r}")
        return posts

    def expect(answer, location):
        if answer.status_code != 302 or answer.get("Location") != location:
            raise BenchError(
                f"expected a redirect to {location}, got {answer.status_code} "
                f"{answer.get('Location')!r} {answer.content[:300]!r}"
            )

    journey = respondent if kind == "respondent" else bare
    for number in range(args.warmup):
        journey(-1 - number)
    toggle("on")
    posts = sum(journey(number) for number in range(args.journeys))
    toggle("off")
    (Path(data_dir) / f"posts-{kind}").write_text(str(posts))


def toggle(state):
    subprocess.run([CALLGRIND_CONTROL, "-i", state, str(os.getpid())], check=True, capture_output=True)


# ---------------------------------------------------------------- outside


def count(kind, env, data_dir, args):
    out = Path(data_dir) / f"callgrind-{kind}.out"
    command = [
        VALGRIND, "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
        sys.executable, str(Path(__file__).resolve()), "--inner", kind, data_dir,
        "--journeys", str(args.journeys), "--warmup", str(args.warmup), "--seed", args.seed,
    ]  # fmt: skip
    log(f"Counting {kind}: {args.warmup} journeys to warm up, then {args.journeys} counted")
    started = time.monotonic()
    result = subprocess.run(command, env=env, cwd=data_dir, capture_output=True, text=True)
    collected = re.search(r"Collected : (\d+)", result.stderr)
    if result.returncode != 0 or collected is None:
        raise BenchError(f"the {kind} run failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    posts = int((Path(data_dir) / f"posts-{kind}").read_text())
    log(f"  {int(collected.group(1)):,} instructions for {posts} POSTs ({time.monotonic() - started:.0f}s)")
    return int(collected.group(1)), posts


def main(argv=None):
    args = parse_args(argv)
    if args.inner:
        inner(*args.inner, args)
        return 0
    for program in (VALGRIND, CALLGRIND_CONTROL):
        if shutil.which(program) is None:
            print(f"{program} is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
            return 2
    data_dir = tempfile.mkdtemp(prefix="haveyoursay-instructions-")
    try:
        env = environment(data_dir, None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parent), env.get("PYTHONPATH")]))
        info = set_up(env, data_dir, None)
        (Path(data_dir) / "info.json").write_text(json.dumps(info))
        counted = {kind: count(kind, env, data_dir, args) for kind in ("respondent", "bare")}
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    version = subprocess.run([VALGRIND, "--version"], capture_output=True, text=True).stdout.strip()
    cpus, model = machine()
    per_post = {kind: instructions / posts for kind, (instructions, posts) in counted.items()}
    print("haveyoursay instructions per POST (callgrind)")
    for label, value in (
        ("CPU", f"{model} ({cpus} CPUs; instructions do not depend on it or on other load)"),
        ("Python", platform.python_version()),
        ("Django", info["django"]),
        ("database", f"{info['db_vendor']} {info['db_version']} (file in a temporary data dir)"),
        ("counted by", version),
        ("load", f"{args.journeys} journeys per kind after {args.warmup} to warm up, in one process, Django's test client"),
    ):
        print(f"  {label:<10}  {value}")
    print()
    print(f"  {'':<14} {'instructions':>15} {'POSTs':>6} {'per POST':>12}")
    for kind, label in (("respondent", "respondents"), ("bare", "bare insert")):
        instructions, posts = counted[kind]
        print(f"  {label:<14} {instructions:>15,} {posts:>6} {per_post[kind]:>12,.0f}")
    ratio = per_post["bare"] / per_post["respondent"]
    print()
    print(f"instructions per POST: respondent {per_post['respondent']:,.0f} bare {per_post['bare']:,.0f} ratio {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
