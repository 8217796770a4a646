"""How long the analysis of a large consultation takes, and how much memory it needs.

    .venv/bin/python bench/analysis.py                    # 100,000 respondents, SQLite
    .venv/bin/python bench/analysis.py --respondents 20000 --runs 1
    .venv/bin/python bench/analysis.py --only tables --database-url postgres://…/empty_database

Builds, in a temporary data dir, a SQLite database (or, with `--database-url`, in that empty
PostgreSQL database, with COPY, then VACUUM ANALYZE as after any bulk load) holding one questionnaire (the
Strategic Plan 2022-26 consultation's questions: 20 closed questions of every closed kind,
and the standard "About you" block) and `--respondents` submitted responses, each
answering all 30 closed questions, with bulk inserts. Then, in a fresh process for each run,
times what the report builder does: load the dataset, make every table (all closed
questions, the respondent profile), ten sub-group tables, and the published copy with small
cells withheld. See bench/README.md.

Progress goes to stderr, the figures to stdout. Exit status 0 when measured, 1 on failure.
"""

import argparse
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import permutations
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
TARGET_SECONDS = 10
MILLION_TARGET_SECONDS = 30  # on PostgreSQL, with a peak RSS of at most 2 GB
SEED = 20220218  # the day the Strategic Plan consultation closed

# Variables that would change what is measured or where it is stored.
UNSET = ("DATABASE_URL", "REDIS_URL", "DEBUG", "STATIC_ROOT", "MEDIA_ROOT", "DJANGO_SETTINGS_MODULE")


def log(message):
    print(message, file=sys.stderr, flush=True)


def environment(data_dir, database_url=None):
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(
        DJANGO_SETTINGS_MODULE="haveyoursay.settings",
        HAVEYOURSAY_DATA_DIR=str(data_dir),
        HAVEYOURSAY_HTTPS="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        LOG_LEVEL="WARNING",
    )
    return env


def run_step(env, *arguments, timeout=3600):
    """This script in a fresh process doing one step; its last stdout line is JSON."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--step", *arguments],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"step {arguments[0]} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the questionnaire

OUTCOMES = [
    ("economy", "Strong Economy, Transport and Infrastructure"),
    ("safe_well", "Keeping People Safe and Well"),
    ("communities", "Great Communities"),
    ("clean_green", "Clean, Green Future"),
    ("opportunities", "Improving Opportunities"),
]
COMMUNITY_AIMS = [
    "Ensure Council services are accessible and inclusive",
    "Support the Voluntary, Community and Social Enterprise (VCSE) sector",
    "Increase community cohesion and tackling hate crime",
    "Increase the percentage of residents who feel they can influence Council decisions",
    "Increase engagement in cultural and heritage activities",
    "Sustain the increase in volunteering seen during the pandemic",
    "Increase the number of Neighbourhood Plans adopted",
    "Increase the number of active Community Response Plans",
]
SAFE_AND_WELL_AIMS = [
    "Community safety", "Vulnerable people", "Mental wellbeing", "Unpaid carers", "Care experiences",
    "More residents to be a healthy weight",
]
ORGANISATIONS = [
    "Leicestershire Equality Challenge Group",
    "Leicestershire and Rutland Association of Local Councils",
    "Health and Wellbeing Board",
    "Children and Families Partnership Board",
]
# The ten sub-group tables timed: question code, grouped by.
BREAKDOWNS = [
    ("vision", "age"), ("vision", "area"), ("economy", "age"), ("economy", "sex"), ("clean_green", "ethnicity"),
    ("outcomes_matter", "age"), ("importance_partners", "disability"), ("read_plan", "channel"),
    ("opportunities", "respondent_type"), ("services_used", "carer"),
]


def build_questionnaire(questions=None, slug=None):
    from haveyoursay.analysis.census_2021 import DISTRICT_POPULATIONS
    from haveyoursay.hub.models import Area, Consultation
    from haveyoursay.surveys.building import add_about_you, add_page, add_question
    from haveyoursay.surveys.models import Questionnaire

    for name, _ in DISTRICT_POPULATIONS:
        Area.objects.get_or_create(name=name)
    import datetime

    consultation = Consultation.private_objects.create(
        title="Leicestershire County Council Strategic Plan 2022-2026",
        # A second build in the same PostgreSQL database (the PDF report's) needs a slug and references of its own.
        slug=slug or f"strategic-plan-2022-2026-{Consultation.private_objects.count() + 1}",
        summary="Our long-term vision for Leicestershire and our priorities for 2022-26.",
        opens_on=datetime.date(2021, 11, 1), closes_on=datetime.date(2022, 2, 18),
    )  # fmt: skip
    questionnaire = Questionnaire.objects.create(
        consultation=consultation, privacy_notice="Your responses will be stored in line with the Data Protection Act 2018."
    )
    page = add_page(questionnaire, "Our vision and outcomes")
    add_question(page, "agree", "To what extent do you agree or disagree with the Council's vision?", code="vision")
    for code, name in OUTCOMES:
        add_question(page, "agree", f"To what extent do you agree or disagree with the ‘{name}’ outcome?", code=code)
    page = add_page(questionnaire, "Our aims by 2026")
    add_question(page, "grid", "How important are the Council's aims for ‘Great Communities’?", code="community_aims",
                 settings={"statements": [{"value": f"aim_{n}", "label": aim} for n, aim in enumerate(COMMUNITY_AIMS, 1)]},
                 options=[("very_important", "Very important"), ("fairly_important", "Fairly important"),
                          ("not_very_important", "Not very important"),
                          ("not_at_all_important", "Not at all important")])  # fmt: skip
    add_question(page, "grid", "To what extent do you agree or disagree with the aims for ‘Keeping People Safe and Well’?",
                 code="safe_well_aims",
                 settings={"statements": [{"value": f"aim_{n}", "label": aim} for n, aim in enumerate(SAFE_AND_WELL_AIMS, 1)]})  # fmt: skip
    for code, text in [
        ("importance_housing", "How important is it to support housing development?"),
        ("importance_skills", "How important is it to increase labour market opportunities for young people?"),
        ("importance_transport", "How important is it to enable and promote sustainable transport?"),
        ("importance_partners", "How important is working with the NHS, Police and district councils?"),
    ]:
        add_question(page, "importance", text, code=code)
    page = add_page(questionnaire, "About the Plan")
    add_question(page, "single", "Have you read the draft Strategic Plan?", code="read_plan",
                 options=["Yes, all of it", "Yes, some of it", "No"])  # fmt: skip
    add_question(page, "single", "How did you hear about this consultation?", code="heard",
                 options=["Council website", "Social media", "Email from the Council", "Local newspaper",
                          "Word of mouth", "Other"])  # fmt: skip
    add_question(page, "single", "Is the Plan easy to understand?", code="easy", options=["Yes", "No", "Don't know"])
    add_question(page, "multiple", "Which of the outcomes matter most to you?", code="outcomes_matter",
                 options=[name for _, name in OUTCOMES])  # fmt: skip
    add_question(page, "multiple", "Which of these services have you used in the last 12 months?", code="services_used",
                 options=["Libraries", "Country parks", "Recycling and household waste sites", "Adult social care",
                          "Children's services", "Roads and transport"])  # fmt: skip
    add_question(page, "multiple", "How would you like to hear about progress?", code="hear_progress",
                 options=["Email", "Council website", "Social media", "Local newspaper", "Parish or town council"])
    add_question(page, "number", "How many years have you lived in Leicestershire?", code="years",
                 settings={"min": 0, "max": 100})  # fmt: skip
    add_question(page, "ranking", "Put the five outcomes in order of importance to you", code="outcome_order",
                 options=[(code, name) for code, name in OUTCOMES])  # fmt: skip
    add_question(page, "long_text", "Why do you say this?", code="why", max_length=500)
    add_about_you(questionnaire)
    if questions is not None:
        # Up to `questions` in all: the Plan's aims asked one by one, as a longer survey would.
        page = add_page(questionnaire, "The aims one by one")
        aims = [*COMMUNITY_AIMS, *SAFE_AND_WELL_AIMS]
        for number in range(questions - questionnaire.ordered_questions().count()):
            add_question(page, "agree", f"To what extent do you agree or disagree with this aim: {aims[number % len(aims)]}",
                         code=f"aim_{number + 1}")  # fmt: skip
    return questionnaire


# ---------------------------------------------------------------- the responses


def _weights(count, rng, skew=1.0):
    weights = [rng.random() ** skew + 0.05 for _ in range(count)]
    total = sum(weights)
    return [w / total for w in weights]


def answer_values(question, options, respondents, rng, np_rng, context):
    """JSON text of each respondent's answer to `question` (None: no answer)."""
    import numpy as np

    kind = question.kind
    values = [value for value, _ in options]
    if question.code == "disability_impact":  # routed: only those who said yes are asked
        encoded = [json.dumps({"choice": value, "other": ""}) for value in values]
        picks = np_rng.integers(0, len(values), respondents)
        return [encoded[i] if disabled else None for i, disabled in zip(picks, context["disabled"])]
    if kind in ("single", "agree", "importance", "area"):
        encoded = [json.dumps({"choice": value, "other": ""}) for value in values]
        weights = np.asarray(_weights(len(values), rng), dtype=float)
        if question.code == "economy":  # older respondents agree less: a difference the tests should find
            older = context["age"] >= 6
            picks = np.where(older, np_rng.choice(len(values), respondents, p=weights[::-1] / weights.sum()),
                             np_rng.choice(len(values), respondents, p=weights))  # fmt: skip
        else:
            picks = np_rng.choice(len(values), respondents, p=weights)
        if question.code == "age":
            context["age"] = picks
        if question.code == "disability":
            context["disabled"] = picks == 0
        return [encoded[i] for i in picks]
    if kind == "multiple":
        chosen = np_rng.random((respondents, len(values))) < np.asarray(_weights(len(values), rng)) * 2
        masks = chosen @ (1 << np.arange(len(values)))
        empty = masks == 0
        masks[empty] = 1 << np_rng.integers(0, len(values), int(empty.sum()))
        encoded = {
            mask: json.dumps({"choices": [v for i, v in enumerate(values) if mask >> i & 1], "other": ""})
            for mask in range(1, 1 << len(values))
        }
        return [encoded[int(mask)] for mask in masks]
    if kind == "grid":
        statements = [s["value"] for s in question.settings["statements"]]
        picks = np_rng.integers(0, len(values), (respondents, len(statements)))
        return [json.dumps({"rows": dict(zip(statements, (values[i] for i in row)))}) for row in picks.tolist()]
    if kind == "number":
        return [json.dumps({"number": int(n)}) for n in np_rng.integers(0, 81, respondents)]
    if kind == "ranking":
        orders = [json.dumps({"ranking": list(order)}) for order in permutations(values)]
        return [orders[i] for i in np_rng.integers(0, len(orders), respondents)]
    if kind == "long_text":
        return [json.dumps({"text": "The Plan should say more about buses."}) if rng.random() < 0.2 else None
                for _ in range(respondents)]  # fmt: skip
    raise RuntimeError(f"the benchmark does not answer {kind} questions")


def step_build(respondents, questions=None):
    import django

    django.setup()
    import datetime

    import numpy as np
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from haveyoursay.analysis.demo import load_demo_population_tables
    from haveyoursay.surveys.models import Answer, Response

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    rng = random.Random(SEED)
    np_rng = np.random.default_rng(SEED)
    questionnaire = build_questionnaire(questions)
    load_demo_population_tables()  # Census 2021 districts, for the profile comparison
    closed = timezone.make_aware(datetime.datetime(2022, 2, 18, 12))
    channels = np_rng.choice(["online", "paper", "email", "phone"], respondents, p=[0.9, 0.05, 0.03, 0.02])
    organisation = np_rng.random(respondents) < 0.03
    rows = [
        Response(
            questionnaire=questionnaire, reference=f"B{questionnaire.pk % 100:02d}{n:07d}", channel=str(channel),
            state="submitted", started_at=closed, submitted_at=closed,
            respondent_kind="organisation" if is_org else "individual",
            organisation_name=ORGANISATIONS[n % len(ORGANISATIONS)] if is_org else "",
        )
        for n, (channel, is_org) in enumerate(zip(channels, organisation))
    ]  # fmt: skip
    with transaction.atomic():
        Response.objects.bulk_create(rows, batch_size=5000)
    ids = list(Response.objects.filter(questionnaire=questionnaire).order_by("pk").values_list("pk", flat=True))
    questions = list(questionnaire.ordered_questions().select_related("page").prefetch_related("options"))
    # "About you" first, so the answers that depend on age and disability can see them.
    questions.sort(key=lambda q: 0 if q.profile else 1)
    now = timezone.now().isoformat()
    answer_table = connection.ops.quote_name(Answer._meta.db_table)
    insert = f"INSERT INTO {answer_table} (response_id, question_id, value, updated_at) VALUES (%s, %s, %s, %s)"
    context = {}
    answers = []
    for question in questions:
        options = [(o.value, o.label) for o in question.options.all()]
        answers.append((question.pk, answer_values(question, options, respondents, rng, np_rng, context)))
    answers.sort()  # by question id: questionnaire order, as people answer
    total = 0
    if connection.vendor == "postgresql":
        # Checking each answer's foreign keys (deferred, at commit) takes longer than the load
        # itself; the rows are made from the ids just read, so a superuser skips the checks.
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET session_replication_role = replica")
    # One response's answers after another, as they arrive, so rows lie in the table as they would.
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, respondents, 5000):
            batch = [
                (ids[i], question_id, values[i], now)
                for i in range(start, min(start + 5000, respondents))
                for question_id, values in answers
                if values[i] is not None
            ]
            if connection.vendor == "postgresql":
                columns = "(response_id, question_id, value, updated_at)"
                with cursor.copy(f"COPY {answer_table} {columns} FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(insert, batch)
            total += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
        # As after any bulk load (autovacuum would, later): fresh statistics for the planner,
        # and the visibility map that lets an index-only scan skip the table.
        with connection.cursor() as cursor:
            for model in (Response, Answer):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    compact = None if os.environ.get("BENCH_WITHOUT_COMPACT_COPIES") else fill_compact(questionnaire, connection)
    closed_questions = sum(
        1 for q in questions if q.kind not in ("long_text", "short_text") and not q.condition and not q.page.condition
    )
    return {
        "seconds": time.perf_counter() - started, "answers": total, "respondents": respondents,
        "closed_questions": closed_questions, "questionnaire": questionnaire.pk,
        "database_bytes": database_bytes(connection), "compact": compact,
    }


def fill_compact(questionnaire, connection):
    """The compact copies of the responses' closed answers, as the fill-in job writes them after
    a load (`surveys/compact.py`), then fresh statistics for the planner: {"seconds", "rows",
    "cpu", "server_cpu"}."""
    from haveyoursay.surveys.compact import fill_compact_answers
    from haveyoursay.surveys.models import AnswerText, CompactAnswers

    server_started = server_cpu_seconds(connection)
    cpu_started = time.process_time()
    started = time.perf_counter()
    rows = fill_compact_answers(questionnaire.pk)
    seconds = time.perf_counter() - started
    server_now = server_cpu_seconds(connection)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (AnswerText, CompactAnswers):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return {
        "seconds": seconds, "rows": rows, "cpu": time.process_time() - cpu_started,
        "server_cpu": None if server_started is None or server_now is None else server_now - server_started,
    }


def compact_line(compact):
    server = "" if compact.get("server_cpu") is None else f", database server {compact['server_cpu']:.2f} s CPU"
    return (f"compact copies filled in: {compact['rows']:,} responses in {compact['seconds']:.1f} s "
            f"({compact['cpu']:.2f} s CPU{server}), part of the build")


def database_bytes(connection):
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).stat().st_size
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


# ---------------------------------------------------------------- the measurement


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def server_cpu_seconds(connection):
    """CPU seconds the PostgreSQL server has spent: this process's backend and every backend
    that has ended (a second connection's, once closed; also any other that ended meanwhile,
    such as an autovacuum worker), read from /proc when the server runs on this machine and
    this user may read it. None on SQLite or when it can't be read."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        tick = os.sysconf("SC_CLK_TCK")
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        postmaster = Path(f"/proc/{fields[1]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime of the backend, cutime and cstime (reaped children) of the postmaster
    return (int(fields[11]) + int(fields[12]) + int(postmaster[13]) + int(postmaster[14])) / tick


def step_measure(questionnaire_id, in_database=True):
    import django

    django.setup()
    from haveyoursay.analysis.dataset import load_dataset
    from haveyoursay.analysis.suppression import suppress
    from haveyoursay.analysis.tables import analyse, breakdown, load_populations
    from haveyoursay.surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.select_related("consultation").get(pk=questionnaire_id)
    baseline = max_rss_mb()
    times = {}
    from django.db import connection

    server_started = server_cpu_seconds(connection)
    cpu_started = time.process_time()
    started = time.perf_counter()
    dataset = load_dataset(questionnaire, in_database=in_database)
    times["load"] = time.perf_counter() - started
    times["load_cpu"] = time.process_time() - cpu_started
    server_now = server_cpu_seconds(connection)
    if server_started is not None and server_now is not None:
        times["server_cpu"] = server_now - server_started
    if not in_database:
        times["cpu"] = time.process_time() - cpu_started
        return {"times": times, "peak_rss_mb": max_rss_mb(), "baseline_rss_mb": baseline}
    mark = time.perf_counter()
    analysis = analyse(dataset, populations=load_populations())
    times["tables"] = time.perf_counter() - mark
    mark = time.perf_counter()
    subgroup_tables = [table for code, by in BREAKDOWNS for table in breakdown(dataset, code, by)]
    times["subgroups"] = time.perf_counter() - mark
    mark = time.perf_counter()
    analysis.breakdowns = subgroup_tables
    published = suppress(analysis, 5)
    times["suppress"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    times["cpu"] = time.process_time() - cpu_started
    marked = sum(len(table.marked()) for table in subgroup_tables)
    withheld = sum(cell.suppressed for table in published.breakdowns for row in table.rows for cell in row.cells)
    return {
        "times": times, "peak_rss_mb": max_rss_mb(), "baseline_rss_mb": baseline,
        "respondents": dataset.respondents, "questions": len(dataset.questions), "columns": dataset.frame.shape[1],
        "frame_mb": dataset.frame.memory_usage(deep=True).sum() / 2**20,
        "subgroup_tables": len(subgroup_tables), "marked": marked, "withheld": withheld,
        "compact_rows": getattr(dataset, "compact_rows", 0),
    }


PDF_RESPONDENTS = 5_483  # the Primary Care Survey in seeds/003
PDF_QUESTIONS = 40
PDF_TARGET_SECONDS = 20


def step_pdf(questionnaire_id):
    """The staff version of the engagement report, as the background job makes it: load,
    every table, every sub-group comparison the report looks for, the document, the PDF."""
    import django

    django.setup()
    from haveyoursay.analysis.dataset import load_dataset
    from haveyoursay.analysis.tables import analyse, load_populations, stakeholder_summary
    from haveyoursay.reports import build
    from haveyoursay.reports.render.pdf import render_pdf
    from haveyoursay.surveys.models import Questionnaire

    questionnaire = Questionnaire.objects.select_related("consultation").get(pk=questionnaire_id)
    times = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    dataset = load_dataset(questionnaire)
    breakdowns = build.breakdowns_for(dataset)
    analysis = analyse(dataset, breakdowns=breakdowns, populations=load_populations(),
                       stakeholders=stakeholder_summary(questionnaire))  # fmt: skip
    times["analysis"] = time.perf_counter() - started
    mark = time.perf_counter()
    report = build.build_report(questionnaire.consultation, analysis, public=False)
    pdf = render_pdf(report)
    times["pdf"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - started
    times["cpu"] = time.process_time() - cpu_started
    from pypdf import PdfReader

    return {
        "times": times, "peak_rss_mb": max_rss_mb(), "respondents": dataset.respondents,
        "questions": questionnaire.ordered_questions().count(), "comparisons": len(analysis.breakdowns),
        "marked": sum(1 for table in analysis.breakdowns if hasattr(table, "marked") and table.marked()),
        "pages": len(PdfReader(__import__("io").BytesIO(pdf)).pages), "bytes": len(pdf),
    }


def measure_pdf_report(env, runs):
    """The full PDF report for 5,483 respondents × 40 questions (the Primary Care Survey's
    size), in a database of its own, each run in a fresh process."""
    log(f"building {PDF_RESPONDENTS:,} responses to {PDF_QUESTIONS} questions for the PDF report ...")
    built = run_step(env, "build", str(PDF_RESPONDENTS), str(PDF_QUESTIONS))
    lines, totals = [], []
    for run in range(1, runs + 1):
        log(f"pdf run {run} ...")
        result = run_step(env, "pdf", str(built["questionnaire"]))
        t = result["times"]
        totals.append(t["total"])
        lines.append(
            f"pdf run {run}: analysis {t['analysis']:.2f} s, document and PDF {t['pdf']:.2f} s; total {t['total']:.2f} s "
            f"({t['cpu']:.2f} s CPU); peak RSS {result['peak_rss_mb']:,.0f} MB"
        )
    lines.append(
        f"pdf report: {result['respondents']:,} respondents, {result['questions']} questions, "
        f"{result['comparisons']} sub-group comparisons ({result['marked']} with a significant difference, shown), "
        f"{result['pages']} A4 pages, {result['bytes'] / 2**20:.1f} MB"
    )
    lines.append(f"pdf median total: {statistics.median(totals):.2f} s (target ≤ {PDF_TARGET_SECONDS} s)")
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


def database_name(env):
    if not env.get("DATABASE_URL"):
        return "SQLite"
    return "PostgreSQL " + run_step(env, "version")["version"]


def step_version():
    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return {"version": cursor.fetchone()[0].split()[0]}


def machine():
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return len(os.sched_getaffinity(0)), model


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/analysis.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--respondents", type=int, default=100_000, help="submitted responses to build (default 100,000)")
    parser.add_argument("--runs", type=int, default=3, help="measured runs, each in a fresh process (default 3)")
    parser.add_argument("--skip-orm-comparison", action="store_true",
                        help="don't also time loading through the ORM with the JSON parsed in Python")  # fmt: skip
    parser.add_argument("--only", choices=["tables", "pdf"],
                        help="measure only the tables of 100,000 respondents, or only the PDF report")  # fmt: skip
    parser.add_argument("--database-url", metavar="URL",
                        help="build in (and measure against) this empty PostgreSQL database instead of SQLite")
    parser.add_argument("--questionnaire", type=int, metavar="ID",
                        help="with --database-url: measure this questionnaire, built by an earlier run, "
                             "instead of building one")  # fmt: skip
    parser.add_argument("--without-compact-copies", action="store_true",
                        help="build without the compact copies of the closed answers, so the answers are read, "
                             "as on an install whose copies are not yet filled in")  # fmt: skip
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.without_compact_copies:
        os.environ["BENCH_WITHOUT_COMPACT_COPIES"] = "1"
    if args.step:
        name, *rest = args.step
        if name == "build":
            result = step_build(int(rest[0]), int(rest[1]) if len(rest) > 1 else None)
        elif name == "version":
            result = step_version()
        elif name == "pdf":
            result = step_pdf(int(rest[0]))
        else:
            result = step_measure(int(rest[0]), in_database=name == "measure")
        print(json.dumps(result))
        return 0

    if args.questionnaire and not args.database_url:
        parser.error("--questionnaire needs --database-url: a SQLite database lasts only as long as its run")
    if args.only in (None, "pdf"):
        pdf_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-report-")
        try:
            cpus, model = machine()
            env = environment(pdf_dir, args.database_url)
            print(f"report benchmark: {database_name(env)}, {cpus} CPUs, {model}, Python {sys.version.split()[0]}")
            print(measure_pdf_report(env, args.runs), flush=True)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            log(f"bench/analysis.py: {error}")
            return 1
        finally:
            shutil.rmtree(pdf_dir, ignore_errors=True)
        if args.only == "pdf":
            return 0
    data_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-analysis-")
    env = environment(data_dir, args.database_url)
    try:
        cpus, model = machine()
        print(f"analysis benchmark: {database_name(env)}, {cpus} CPUs, {model}, Python {sys.version.split()[0]}")
        if args.questionnaire:
            built = {"questionnaire": args.questionnaire}
            print(f"measuring questionnaire {args.questionnaire}, built earlier")
        else:
            log(f"building {args.respondents:,} responses in {args.database_url or data_dir} ...")
            built = run_step(env, "build", str(args.respondents))
            print(f"built: {built['respondents']:,} submitted responses, {built['closed_questions']} closed questions "
                  f"answered by each, {built['answers']:,} answer rows, database "
                  f"{built['database_bytes'] / 2**20:,.0f} MB, in {built['seconds']:.1f} s (not measured); "
                  f"questionnaire {built['questionnaire']}")  # fmt: skip
            if built["compact"] is not None:
                print(compact_line(built["compact"]), flush=True)
            else:
                print("no compact copies written: the answers are read, as before they are filled in", flush=True)
        totals = []
        for run in range(1, args.runs + 1):
            log(f"run {run} ...")
            load_average = os.getloadavg()[0]
            result = run_step(env, "measure", str(built["questionnaire"]))
            t = result["times"]
            totals.append(t["total"])
            server = f", database server {t['server_cpu']:.2f} s CPU" if "server_cpu" in t else ""
            print(
                f"run {run}: load {t['load']:.2f} s ({t['load_cpu']:.2f} s CPU{server}), "
                f"all tables {t['tables']:.2f} s, "
                f"ten sub-group tables ({result['subgroup_tables']}) {t['subgroups']:.2f} s, "
                f"published copy {t['suppress']:.2f} s; total {t['total']:.2f} s ({t['cpu']:.2f} s CPU); "
                f"peak RSS {result['peak_rss_mb']:,.0f} MB ({result['baseline_rss_mb']:,.0f} MB before loading); "
                f"load average {load_average:.2f} before the run; "
                f"{result.get('compact_rows', 0):,} respondents read from compact copies"
            )
        print(f"dataset: {result['respondents']:,} respondents, {result['questions']} closed questions in "
              f"{result['columns']} columns, {result['frame_mb']:,.1f} MB; {result['marked']} cells marked significant, "
              f"{result['withheld']} withheld in the published copy")  # fmt: skip
        print(f"median total: {statistics.median(totals):.2f} s (targets: ≤ {TARGET_SECONDS} s for 100,000 "
              f"respondents, ≤ {MILLION_TARGET_SECONDS} s for 1,000,000)")  # fmt: skip
        print("peak memory: ru_maxrss of the measuring process (a fresh one per run), which includes Python, "
              "Django, pandas and SciPy")
        if not args.skip_orm_comparison:
            log("loading through the ORM instead, for comparison ...")
            orm = run_step(env, "measure-orm", str(built["questionnaire"]))
            print(f"load through the ORM, JSON parsed in Python (not used; for comparison): "
                  f"{orm['times']['load']:.2f} s ({orm['times']['cpu']:.2f} s CPU), "
                  f"peak RSS {orm['peak_rss_mb']:,.0f} MB")  # fmt: skip
        return 0
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        log(f"bench/analysis.py: {error}")
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
