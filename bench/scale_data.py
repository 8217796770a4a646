"""The national-scale consultation for bench/scale.py, written into PostgreSQL with COPY.

`build_scale_questionnaire(slug)` is bench/analysis.py's questionnaire (the Strategic Plan
2022-26 consultation's questions: 20 closed questions of every closed kind and the standard
"About you" block, 30 closed questions in all) with two more open questions beside its "Why
do you say this?", so three in all.

`copy_responses(questionnaire, respondents)` writes that many submitted responses and their
answers with COPY through psycopg (`cursor.copy`), not the ORM: the closed answers are
bench/analysis.py's (the questionnaire's own option values in skewed shares, "Don't know"
among them, multiple choice, grids, rankings, numbers, and the disability question's
follow-up asked only of those who said yes, as routing does); the open answers are comments
composed from the demo's phrase banks (`surveys/demo_responses.py`: what the council's
documents say people raise, in many wordings, with the "Nothing to add" answers and the
small organised campaign real consultations have), a share of respondents answering each.
One response's answers follow another's, as they arrive. Then the compact copies of the
closed answers are filled in, as the fill-in job does after a load (their time is part of the
build's). It returns what it wrote, so a test can check that the analysis counts the same.

Only PostgreSQL has COPY: on another database it raises RuntimeError saying so.
"""

import datetime
import json
import random
import time

if __package__:  # bench.scale_data, as the tests import it
    from .analysis import ORGANISATIONS, SEED, answer_values, build_questionnaire
else:  # scale_data, beside bench/scale.py
    from analysis import ORGANISATIONS, SEED, answer_values, build_questionnaire

# The two open questions added to the Strategic Plan's "Why do you say this?" (the wording of
# the council's engagement questionnaires, seeds/002), and the share of respondents answering
# each open question.
OPEN_QUESTIONS = [
    ("consider", "Is there anything else you think we should consider?"),
    ("getting_about", "What would make it easier for you to walk or cycle for everyday journeys?"),
]
ANSWER_RATES = {"why": 0.52, "consider": 0.38, "getting_about": 0.40}
NOTHING_TO_ADD_SHARE = 0.07
DISTINCT_COMMENTS = 20_000  # composed per open question; respondents draw from them
CHUNK = 10_000  # responses per block written to COPY
CLOSED = datetime.datetime(2022, 2, 18, 12, tzinfo=datetime.timezone.utc)


def build_scale_questionnaire(slug):
    from haveyoursay.surveys.building import add_page, add_question

    questionnaire = build_questionnaire(slug=slug)
    page = add_page(questionnaire, "Anything else")
    for code, text in OPEN_QUESTIONS:
        add_question(page, "long_text", text, code=code, max_length=2000)
    return questionnaire


def comment_pools(rng):
    """{open question code: distinct comments to draw from}, from the demo's phrase banks."""
    from haveyoursay.surveys import demo_responses as demo

    carers = {theme: 1 for theme in demo.CARERS_THEMES}
    travel = {theme: 1 for theme in demo.LCWIP_THEMES}
    both = {**{("carers", t): 1 for t in carers}, **{("travel", t): 1 for t in travel}}
    banks = {("carers", t): s for t, s in demo.CARERS_THEMES.items()}
    banks.update({("travel", t): s for t, s in demo.LCWIP_THEMES.items()})
    places = list(demo.PLACES.values())
    pools = {"why": [], "consider": [], "getting_about": []}
    for _ in range(DISTINCT_COMMENTS):
        pools["why"].append(demo.compose(rng, banks, both, places=rng.choice(places)))
        if demo.chance(rng, demo.CAMPAIGN_SHARE):
            pools["consider"].append(demo.campaign_copy(rng))
        else:
            pools["consider"].append(demo.compose(rng, demo.CARERS_THEMES, carers, openers=demo.CARERS_OPENERS))
        pools["getting_about"].append(demo.compose(rng, demo.LCWIP_THEMES, travel, places=rng.choice(places)))
    return pools


def open_answers(code, respondents, pools, rng, np_rng):
    """JSON text of each respondent's comment (None: left blank)."""
    from haveyoursay.surveys import demo_responses as demo

    answering = np_rng.random(respondents) < ANSWER_RATES[code]
    nothing = np_rng.random(respondents) < NOTHING_TO_ADD_SHARE
    picks = np_rng.integers(0, len(pools[code]), respondents)
    encoded = [json.dumps({"text": text}) for text in pools[code]]
    nothing_encoded = [json.dumps({"text": text}) for text in demo.NOTHING_TO_ADD]
    nothing_picks = np_rng.integers(0, len(nothing_encoded), respondents)
    return [
        (nothing_encoded[n] if none else encoded[i]) if answers else None
        for answers, none, i, n in zip(answering.tolist(), nothing.tolist(), picks.tolist(), nothing_picks.tolist())
    ]


def _copy_text(value):
    """A value as COPY's text format writes it: NULL as \\N, backslashes doubled (JSON text has
    no raw tab or newline: json.dumps escapes them)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _reserve_ids(cursor, table, count):
    """`count` consecutive ids from the table's own sequence, so nothing else can take them."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cursor.fetchone()[0]
    cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    cursor.execute("SELECT nextval(%s)", [sequence])
    first = cursor.fetchone()[0]
    cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def copy_responses(questionnaire, respondents, *, reference_prefix="N", seed=SEED, fill_compact=True):
    """Write `respondents` submitted responses to `questionnaire`, and their answers, with COPY;
    then, with `fill_compact`, their compact copies (`surveys/compact.py`), as after any bulk load.

    Returns {"seconds" (all of it), "respondents", "answers", "per_question": {code: answer rows},
    "compact_seconds" (filling in the copies, or None)}."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from haveyoursay.surveys.compact import fill_compact_answers
    from haveyoursay.surveys.models import Answer, AnswerText, CompactAnswers, Response

    if connection.vendor != "postgresql":
        raise RuntimeError(f"the scale benchmark writes with PostgreSQL's COPY; this database is {connection.vendor}")
    if len(reference_prefix) + 9 > Response._meta.get_field("reference").max_length:
        raise ValueError("the reference prefix leaves no room for the number")
    started = time.perf_counter()
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    questions = list(questionnaire.ordered_questions().select_related("page").prefetch_related("options"))
    # "About you" first, so that the answers that depend on age and disability can see them.
    generation_order = sorted(questions, key=lambda q: 0 if q.profile else 1)
    context, values = {}, {}
    pools = None
    for question in generation_order:
        if question.kind == "long_text":
            pools = pools or comment_pools(rng)
            values[question.pk] = open_answers(question.code, respondents, pools, rng, np_rng)
        else:
            options = [(o.value, o.label) for o in question.options.all()]
            values[question.pk] = answer_values(question, options, respondents, rng, np_rng, context)
    escaped = {}
    for question_id, column in values.items():
        values[question_id] = [None if v is None else escaped.setdefault(v, _copy_text(v)) for v in column]
    answer_columns = [(q.pk, values[q.pk]) for q in questions]  # questionnaire order, as people answer
    per_question = {q.code: sum(v is not None for v in values[q.pk]) for q in questions}

    channels = np_rng.choice(["online", "paper", "email", "phone"], respondents, p=[0.9, 0.05, 0.03, 0.02]).tolist()
    organisation = (np_rng.random(respondents) < 0.03).tolist()
    now = timezone.now()
    explicit = {
        "id": None, "questionnaire": questionnaire.pk, "reference": None, "channel": None, "state": "submitted",
        "started_at": CLOSED, "updated_at": now, "submitted_at": CLOSED, "respondent_kind": None,
        "organisation_name": None,
    }
    fields = [f for f in Response._meta.concrete_fields]
    constant = {}
    for f in fields:
        if f.name not in explicit:
            default = f.get_default()
            if f.unique or (default is None and not f.null):
                raise RuntimeError(f"the benchmark does not know what to write in {Response.__name__}.{f.name}")
            constant[f.name] = _copy_text(default)
    response_table = Response._meta.db_table
    answer_table = Answer._meta.db_table
    column_list = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    stamp = _copy_text(now)
    with transaction.atomic(), connection.cursor() as cursor:
        first = _reserve_ids(cursor, response_table, respondents)
        fixed = {name: _copy_text(value) for name, value in explicit.items() if value is not None}
        with cursor.cursor.copy(f"COPY {response_table} ({column_list}) FROM STDIN") as copy:
            for start in range(0, respondents, CHUNK):
                lines = []
                for n in range(start, min(start + CHUNK, respondents)):
                    row = {
                        **fixed, **constant, "id": str(first + n), "reference": f"{reference_prefix}{n:09d}",
                        "channel": channels[n],
                        "respondent_kind": "organisation" if organisation[n] else "individual",
                        "organisation_name": ORGANISATIONS[n % len(ORGANISATIONS)] if organisation[n] else "",
                    }
                    lines.append("\t".join(row[f.name] for f in fields) + "\n")
                copy.write("".join(lines))
        answers = 0
        with cursor.cursor.copy(
            f"COPY {answer_table} (response_id, question_id, value, updated_at) FROM STDIN"
        ) as copy:
            for start in range(0, respondents, CHUNK):
                lines = []
                for n in range(start, min(start + CHUNK, respondents)):
                    response_id = first + n
                    for question_id, column in answer_columns:
                        value = column[n]
                        if value is not None:
                            lines.append(f"{response_id}\t{question_id}\t{value}\t{stamp}\n")
                answers += len(lines)
                copy.write("".join(lines))
    # What autovacuum does within minutes of a load this size, done before anything is measured
    # (as after any bulk load) rather than while it is: the planner's statistics, and outside a
    # transaction the visibility map and hint bits, which the first reading of 31 million
    # freshly copied rows would otherwise write as it goes.
    maintain = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{maintain} {response_table}")
        cursor.execute(f"{maintain} {answer_table}")
    compact_seconds = None
    if fill_compact:
        # As after any bulk load: the fill-in job writes the compact copies analysis reads.
        compact_started = time.perf_counter()
        fill_compact_answers(questionnaire.pk)
        with connection.cursor() as cursor:
            cursor.execute(f"{maintain} {CompactAnswers._meta.db_table}")
            cursor.execute(f"{maintain} {AnswerText._meta.db_table}")
        compact_seconds = time.perf_counter() - compact_started
    return {
        "seconds": time.perf_counter() - started, "respondents": respondents, "answers": answers,
        "per_question": per_question, "compact_seconds": compact_seconds,
    }
