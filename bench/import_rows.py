"""How long an import takes to check and to write its rows, on SQLite, in one process.

    .venv/bin/python bench/import_rows.py                     # a 10,000-row file
    .venv/bin/python bench/import_rows.py --rows 2000 --profile

Makes a fresh data dir, migrates it, and writes `--rows` responses to bench/scale_data.py's
questionnaire (the Strategic Plan's 30 closed questions and 3 open ones, the answers
bench/analysis.py gives) with the ORM, then exports them with the staff CSV export, as
bench/scale.py makes its import file. Then, into an empty questionnaire of the same
questions with its columns matched as the upload page proposes: the dry run
(`importing.check_rows`) and the import (`importing.import_rows`: the dry run again, then the
rows read again and written in chunks), each timed. `--profile` prints cProfile's top
functions of each. `--keep DIR` keeps (and reuses) the data dir and its file. `--dump FILE`
writes every column of what the import wrote, as the database holds it, with what differs
from one run to the next (ids, the random references, the time it ran) replaced by what it
stands for: two versions of the import code write the same when their dumps are the same.
"""

import argparse
import cProfile
import datetime
import json
import os
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))


def make_file(rows, path):
    import numpy as np
    from django.utils import timezone

    from analysis import SEED, answer_values
    from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
    from haveyoursay.surveys.models import Response
    from haveyoursay.surveys.submission import insert_answers
    from scale_data import build_scale_questionnaire, comment_pools, open_answers

    source = build_scale_questionnaire("strategic-plan-2022-2026-import-source")
    rng, np_rng = random.Random(SEED), np.random.default_rng(SEED)
    questions = list(source.ordered_questions().select_related("page").prefetch_related("options"))
    context, values, pools = {}, {}, None
    for question in sorted(questions, key=lambda q: 0 if q.profile else 1):  # "About you" first, as scale_data
        if question.kind == "long_text":
            pools = pools or comment_pools(rng)
            values[question.pk] = open_answers(question.code, rows, pools, rng, np_rng)
        else:
            options = [(o.value, o.label) for o in question.options.all()]
            values[question.pk] = answer_values(question, options, rows, rng, np_rng, context)
    when = timezone.make_aware(datetime.datetime(2022, 1, 10, 12))
    responses = Response.objects.bulk_create([
        Response(questionnaire=source, state="submitted", channel="online", started_at=when, submitted_at=when,
                 reference=f"I{n:09d}", respondent_kind="individual")
        for n in range(rows)
    ])
    insert_answers(
        ((r.pk, q.pk, json.loads(values[q.pk][n])) for n, r in enumerate(responses) for q in questions
         if values[q.pk][n] is not None),
        when,
    )
    with open(path, "wb") as out:
        for chunk in csv_chunks(ResponseExporter(source).rows()):
            out.write(chunk)


def dump_import(batch, path):
    """Every column of the batch's responses and answers as stored (JSON as the database's own
    text), one line each, responses in the order written."""
    import re

    from django.db import connection

    from haveyoursay.surveys.models import Answer, Question, Response

    qn = connection.ops.quote_name

    def select(model, where):
        names = [field.column for field in model._meta.concrete_fields]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(qn(n) for n in names)} FROM {qn(model._meta.db_table)} "
                           f"WHERE {where} ORDER BY {qn('id')}", [batch.pk])
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    responses = select(Response, "import_batch_id = %s")
    of_batch = f"SELECT id FROM {qn(Response._meta.db_table)} WHERE import_batch_id = %s"
    answers = select(Answer, f"response_id IN ({of_batch})")
    ordinal = {row["id"]: n for n, row in enumerate(responses)}
    codes = dict(Question.objects.filter(page__questionnaire=batch.questionnaire_id).values_list("pk", "code"))
    today = batch.completed_at.date().isoformat()
    stand_ins = {
        "response_id": lambda v: f"<response {ordinal[v]}>",
        "question_id": lambda v: f"<question {codes[v]}>",
        "questionnaire_id": lambda v: "<the questionnaire>" if v == batch.questionnaire_id else repr(v),
        "import_batch_id": lambda v: "<the batch>" if v == batch.pk else repr(v),
        "reference": lambda v: "<a reference>" if re.fullmatch(r"[A-Z0-9-]{6,12}", v) else repr(v),
    }

    def stable(name, value):
        if name in stand_ins:
            return stand_ins[name](value)
        if name.endswith("_at") and str(value).startswith(today):  # the time the import ran
            return f"<{type(value).__name__} of the run, {len(str(value))} characters>"
        return repr(value)

    with open(path, "w") as out:
        for kind, rows in (("response", responses), ("answer", answers)):
            if kind == "answer":
                rows = sorted(rows, key=lambda a: (ordinal[a["response_id"]], codes[a["question_id"]]))
            for row in rows:
                out.write(f"{kind} " + " ".join(f"{k}={stable(k, v)}" for k, v in row.items() if k != "id") + "\n")


def timed(label, profile, call):
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    result = profiler.runcall(call) if profiler else call()
    seconds = time.perf_counter() - started
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return seconds, result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", help="a data dir to keep, and to reuse the file in")
    parser.add_argument("--dump", help="a file to write what the import wrote to")
    args = parser.parse_args(argv)
    folder = args.keep or tempfile.mkdtemp(prefix="hys-import-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="haveyoursay.settings", HAVEYOURSAY_DATA_DIR=folder, LOG_LEVEL="WARNING",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50), HAVEYOURSAY_HTTPS="false",
        HAVEYOURSAY_IMPORT_MAX_ROWS=str(max(args.rows, 100_000)), HAVEYOURSAY_IMPORT_MAX_SECONDS="3600",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from haveyoursay.surveys import importing
    from scale_data import build_scale_questionnaire

    call_command("migrate", verbosity=0)
    path = Path(folder) / f"responses-{args.rows}.csv"
    if not path.exists():
        made = time.perf_counter()
        make_file(args.rows, path)
        print(f"made {path.name}: {path.stat().st_size / 2**20:.1f} MiB in {time.perf_counter() - made:.0f} s "
              "(not measured)", file=sys.stderr)

    def prepared():
        target = build_scale_questionnaire(f"strategic-plan-2022-2026-import-{secrets.token_hex(4)}")
        table = importing.open_table(path)
        targets = importing.targets_for(target)
        proposed = importing.propose_mapping(table.columns, targets)
        return target, table, importing.Mapping(table.columns, targets, proposed)

    target, table, mapping = prepared()
    check_seconds, check = timed("check", args.profile, lambda: importing.check_rows(target, table, mapping))
    target, table, mapping = prepared()
    writing = {}

    def progress(done, total, message):
        if message.startswith("Writing"):  # the dry run is over: the rows are read again and written
            writing.setdefault("started", (time.perf_counter(), time.process_time()))

    import_seconds, (batch, _) = timed(
        "import", args.profile, lambda: importing.import_rows(target, table, mapping, progress=progress)
    )
    write_seconds = time.perf_counter() - writing["started"][0]
    write_cpu = time.process_time() - writing["started"][1]
    if args.dump:
        batch.refresh_from_db()
        dump_import(batch, args.dump)
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"rows: {args.rows:,} ({check.to_import:,} to import, {len(check.problems):,} problems)")
    print(f"dry run (check_rows): {check_seconds:.2f} s, {check_seconds / args.rows * 1000:.2f} ms a row")
    print(f"import (import_rows): {import_seconds:.2f} s, {batch.row_count:,} responses written")
    print(f"  of which reading the rows again and writing them: {write_seconds:.2f} s ({write_cpu:.2f} s CPU in "
          f"this process), {write_seconds / args.rows * 1000:.2f} ms a row")
    print(f"load average at the end: {load} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
