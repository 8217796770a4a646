"""A questionnaire's counted responses as columns in memory, ready to be counted.

`load_dataset(questionnaire)` reads every counted response (`Response.objects.counted()`:
sent, not marked as a duplicate or withdrawn, not from an undone import), whatever channel it came
through, and the answers to its closed questions into one pandas DataFrame indexed by
response id:

    channel, respondent_kind   Categorical, in the order of Response.Channel / RespondentKind
    <code>                     single, agree, importance, area: Categorical of the option value,
                               its categories in option order
    <code>                     location: Categorical of the place value, or "postcode"
    <code>                     number: float
    <code>:<option>            multiple: bool, one column per option (True = chosen)
    <code>:<statement>         grid: Categorical of the option value given to that statement
    <code>:<item>              ranking: float, the position given to that item (1 = first)

(":" never appears in a question code or an option value, which are slugs.)

Beside the frame, two boolean frames with a column per question code:

- `answered`: the respondent has an Answer to the question that says something.
- `asked`: routing showed them the question: its page's condition and its own are met by
  their answers, as the questionnaire says now (`surveys/submission.py`'s `condition_met`).
  A respondent who answered a question routing would now hide still counts as asked.

A question a respondent was never shown has no Answer row, so it reads as not answered:
never an error. Free-text, date and postcode questions are not loaded; `open_answer_counts`
says how many respondents gave each one an answer.

Speed: the closed answers of a counted response are read from its compact copy
(`surveys/compact.py`: one row a response holding a code for each closed answer, a code
standing for one distinct answer to one question) when it has one written for the response as
it is now; those without are read from their answers, just those ("Reading the compact
copies" below; docs/decisions/0028). When many have none (more than half, or 100,000: an install whose
copies are not yet filled in) every answer is read as follows, and the copies are filled in in
the background. On SQLite one query reads all the answers, grouped by question, each question's
response ids and stored JSON texts concatenated into single strings; on PostgreSQL the
database groups the answers by question and stored value (a grid's by statement and
option), on two connections sharing one snapshot, and they are read one question at a
time, so memory stays bounded at a million respondents. Either way only the distinct
JSON texts of a question are parsed (see "Reading the answers" below for what was
measured); on PostgreSQL a grid's, which can be hundreds of thousands, are decoded by the
database (`surveys/compact.py`'s `grid_answer_options`). Any other database, or
`in_database=False`, reads the answers through the ORM instead: slower, same result. A
stored value that is not one of the question's options now (an option can't be removed once
answered, but imported data may surprise) is kept as an extra category named by its value,
so no answer is lost from the counts.
"""

import json
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import Count

from haveyoursay.surveys.models import Answer, Response, counted_condition

logger = logging.getLogger(__name__)

CHOICE_KINDS = ("single", "agree", "importance", "area")
CLOSED_KINDS = (*CHOICE_KINDS, "location", "number", "multiple", "grid", "ranking")
POSTCODE = "postcode"  # the location column's value for "gave a postcode, not a place"


@dataclass
class QuestionSpec:
    """What analysis needs of a question: its words, its options in order, its routing."""

    id: int
    code: str
    kind: str
    text: str
    profile: str = ""
    options: list = field(default_factory=list)  # [(value, label)]; location: places, then postcode
    statements: list = field(default_factory=list)  # grid: [(value, label)]
    conditions: list = field(default_factory=list)  # the page's and the question's, those set

    @property
    def option_values(self):
        return [value for value, _ in self.options]


def item_column(code, value):
    return f"{code}:{value}"


@dataclass
class Dataset:
    questionnaire_id: int
    title: str
    frame: pd.DataFrame
    questions: list  # [QuestionSpec] of closed questions, in questionnaire order
    answered: pd.DataFrame
    asked: pd.DataFrame
    open_questions: list = field(default_factory=list)  # [QuestionSpec] of text, date, postcode questions
    open_answer_counts: dict = field(default_factory=dict)  # code -> respondents who answered it
    compact_rows: int = 0  # respondents whose closed answers were read from their compact copy

    def __len__(self):
        return len(self.frame)

    @property
    def respondents(self):
        return len(self.frame)

    def question(self, code):
        for spec in self.questions:
            if spec.code == code:
                return spec
        raise KeyError(f"The questionnaire has no closed question coded “{code}”")

    def profile_questions(self):
        return [spec for spec in self.questions if spec.profile]


def load_dataset(questionnaire, *, until=None, in_database=True):
    """Every counted response to `questionnaire` (submitted by `until`, if given)."""
    in_database = in_database and connection.vendor in ("sqlite", "postgresql")
    specs, open_specs = question_specs(questionnaire)
    compact_rows = 0
    if in_database and connection.vendor == "postgresql":
        with _reading_in_postgresql() as second:
            ids, channels, kinds = _responses_in_postgresql(questionnaire.pk, until)
            index = pd.Index(ids, name="response")
            compact = _decoded_from_compact_rows(specs, questionnaire.pk, until, index)
            if compact is None:
                decoded = _decoded_in_postgresql(specs, index, second())
            else:
                decoded, compact_rows = compact
    else:
        read_responses = _responses_in_database if in_database else _responses_in_python
        ids, channels, kinds = read_responses(questionnaire.pk, until)
        index = pd.Index(ids, name="response")
        compact = _decoded_from_compact_rows(specs, questionnaire.pk, until, index) if in_database else None
        if compact is not None:
            decoded, compact_rows = compact
        else:
            read = _answers_in_database if in_database else _answers_in_python
            answers = _grouped(*read(specs, questionnaire.pk, until)) if specs else _Answers([], {})
            decoded = {spec.id: _decode(spec, answers, index) for spec in specs}
    frame = {
        "channel": pd.Categorical(channels, categories=Response.Channel.values),
        "respondent_kind": pd.Categorical(kinds, categories=Response.RespondentKind.values),
    }
    answered = {}
    for spec in specs:
        columns, answered[spec.code] = decoded.pop(spec.id)
        frame.update(columns)
    frame = pd.DataFrame(frame, index=index)
    answered = pd.DataFrame(answered, index=index, dtype=bool)
    asked = pd.DataFrame(
        {spec.code: _shown(spec, frame, specs) | answered[spec.code] for spec in specs}, index=index, dtype=bool
    )
    return Dataset(
        questionnaire_id=questionnaire.pk,
        title=questionnaire.consultation.title,
        frame=frame,
        questions=specs,
        answered=answered,
        asked=asked,
        open_questions=open_specs,
        open_answer_counts=_open_answer_counts(open_specs, questionnaire, until),
        compact_rows=compact_rows,
    )


def question_specs(questionnaire):
    """([closed QuestionSpec], [open QuestionSpec]) in questionnaire order."""
    closed, open_ = [], []
    questions = list(questionnaire.ordered_questions().select_related("page").prefetch_related("options"))
    for question in questions:
        options = [(option.value, option.label) for option in question.options.all()]
        statements = []
        if question.kind == "grid":
            statements = [(s["value"], s["label"]) for s in question.settings.get("statements", [])]
        if question.kind == "location":
            options = [(p["value"], p["label"]) for p in question.settings.get("places", [])]
            options.append((POSTCODE, "Gave a postcode"))
        open_question = question.kind not in CLOSED_KINDS
        spec = QuestionSpec(
            id=question.pk, code=question.code, kind=question.kind, profile=question.profile,
            # An open question is named on its own ("What people wrote"), so as one that can't be mistaken.
            text=question.distinct_text_among(questions) if open_question else question.text,
            options=options, statements=statements,
            conditions=[c for c in (question.page.condition, question.condition) if c],
        )
        (open_ if open_question else closed).append(spec)
    return closed, open_


# -- Reading the answers -------------------------------------------------------------------
#
# Measured on SQLite with 100,000 responses × 30 closed questions (3 million answers; see
# bench/README.md): building a Python row for each answer cost more than everything else
# together, and so did asking SQLite to pull values out of the JSON (json_extract and
# json_each parse each document again, every call), and so did GROUP BY question (a sort of
# every answer). So one query returns a single row: the question ids, response ids and stored
# JSON texts of all the answers, each concatenated into one string; NumPy splits them by
# question; and only each question's distinct JSON texts are parsed (pandas.factorize finds
# them): a choice question has a handful. JSON text never holds a raw control character
# (json.dumps and PostgreSQL both escape them), so U+001F can separate the texts.


def _counted_sql(questionnaire_id, until, *columns):
    """(SQL, params) selecting `columns` of the counted responses: the same rows as
    `Response.objects.counted()`, which alone says which responses count."""
    responses = Response.objects.counted(until).filter(questionnaire_id=questionnaire_id).order_by()
    return responses.values_list(*columns).query.sql_with_params()


def _concatenated(*expressions, texts=False):
    """SQL for one aggregate per expression, each joining its values over all the rows (in
    the same row order for all of them) with "," or, for `texts`, with U+001F."""
    if connection.vendor == "sqlite":
        separator = "char(31)" if texts else "','"
        return ", ".join(f"group_concat({e}, {separator})" for e in expressions)
    separator = "chr(31)" if texts else "','"
    return ", ".join(f"string_agg(({e})::text, {separator})" for e in expressions)


def _responses_in_database(questionnaire_id, until):
    """(ids, channels, respondent kinds) of the counted responses, in id order."""
    counted, params = _counted_sql(questionnaire_id, until, "id", "channel", "respondent_kind")
    sql = f"SELECT {_concatenated('r.id', 'r.channel', 'r.respondent_kind')} FROM ({counted}) r"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids, channels, kinds = cursor.fetchone()
    if not ids:
        return np.zeros(0, dtype=np.int64), [], []
    ids = np.fromstring(ids, sep=",", dtype=np.int64)
    order = np.argsort(ids, kind="stable")
    channels = np.asarray(channels.split(","), dtype=object)[order]
    return ids[order], channels, np.asarray(kinds.split(","), dtype=object)[order]


def _responses_in_python(questionnaire_id, until):
    responses = Response.objects.counted(until).filter(questionnaire_id=questionnaire_id)
    rows = list(responses.order_by("pk").values_list("pk", "channel", "respondent_kind"))
    return np.asarray([r[0] for r in rows], dtype=np.int64), [r[1] for r in rows], [r[2] for r in rows]


def _answers_in_database(specs, questionnaire_id, until):
    """(question ids, response ids, stored JSON texts) of the counted responses' answers."""
    answer = connection.ops.quote_name(Answer._meta.db_table)
    # SQLite: the "+" keeps it from reading answers question by question through their index
    # (every page of the table once per question); it walks each response's answers instead.
    question = "+a.question_id" if connection.vendor == "sqlite" else "a.question_id"
    counted, params = _counted_sql(questionnaire_id, until, "id")
    sql = (
        f"SELECT {_concatenated('a.question_id', 'a.response_id')}, {_concatenated('a.value', texts=True)} "
        f"FROM {answer} a WHERE a.response_id IN ({counted}) "
        f"AND {question} IN ({', '.join(['%s'] * len(specs))})"
    )
    return _fetch_concatenated(sql, list(params) + [spec.id for spec in specs])


def _fetch_concatenated(sql, params):
    """(question ids, response ids, stored JSON texts) from `sql`'s one row of question ids,
    response ids and texts, each concatenated by `_concatenated`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        question_ids, response_ids, texts = cursor.fetchone()
    if not question_ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), []
    return (
        np.fromstring(question_ids, sep=",", dtype=np.int64),
        np.fromstring(response_ids, sep=",", dtype=np.int64),
        texts.split("\x1f"),
    )


def _answers_in_python(specs, questionnaire_id, until):
    """The same as `_answers_in_database`, through the ORM: for other databases."""
    # Respondent by respondent: a value that is not one of a question's options is added to its
    # categories in the order of the first respondent who gave it, as the other readings add it.
    # Unordered, PostgreSQL returned the rows as they lay in the table, where an answer changed
    # since had moved.
    answers = Answer.objects.counted(until).filter(
        question_id__in=[spec.id for spec in specs], response__questionnaire_id=questionnaire_id,
    ).order_by("response_id", "question_id")  # fmt: skip
    question_ids, response_ids, texts = [], [], []
    for question_id, response_id, value in answers.values_list("question_id", "response_id", "value").iterator(
        chunk_size=5000
    ):
        question_ids.append(question_id)
        response_ids.append(response_id)
        texts.append(value if isinstance(value, str) else json.dumps(value))
    return np.asarray(question_ids, dtype=np.int64), np.asarray(response_ids, dtype=np.int64), texts


# -- Reading the answers in PostgreSQL ------------------------------------------------------
#
# The single concatenated string above would hold, for 1,000,000 respondents × 30 questions,
# some 2 GB of text: over PostgreSQL's 1 GB limit for one value, and several times that in
# Python objects once split. So PostgreSQL groups the answers instead, in one hash of the
# answers of the questions asked of it: a question's distinct stored answers, each with the
# ids of the respondents who gave it as a binary array (`array_send`), which NumPy reads
# without parsing. A grid's answers are grouped by statement and option (`jsonb_each` over
# its rows), so a grid of eight statements has a few dozen groups, not one per respondent.
# The rows come in question order through a server-side cursor, a few at a time, so only
# one question's answers are in Python at a time, and each becomes its columns before the
# next is read. docs/decisions/0021 and 0023 say what was measured.
#
# The answers are read by question alone, not joined to the counted responses: reading them
# through the index of response ids cost as much again as the grouping, and `_positions`
# leaves out those of responses not counted (in progress, excluded, after `until`) anyway.
#
# Two connections share the work, each with about half of it (`_shared_out`: the grids
# together, the other questions evened out), so that both of a server's cores group
# answers at once: the second is a plain psycopg connection made from Django's
# settings, which imports the first's snapshot, so both read one consistent moment. Inside
# a caller's transaction (a test's, or any caller's) a second connection could not see what
# it has not committed, so everything is read on the one connection.

# For the transaction: the groups' arrays of ids need more than the default 4 MB to stay in
# memory (a quarter of a GB of ids for a million respondents); JIT compiling took longer
# than it saved; PostgreSQL 15 can't aggregate arrays in parallel workers, which then only
# offered it a parallel sort of every JSON value, many times slower than the hash; a
# cursor is planned for every row, not the first tenth. The planner can't tell how few the
# groups are (the column's statistics count a grid's answers, nearly one per respondent),
# reckons 8 kB for each group's array and then chose to sort every answer (three times the
# CPU of the hash): sorts are switched off, so the grouping is always a hash (the one sort
# left, of the grouped rows by question, has no other way); and memoizing `jsonb_each` by
# the whole answer only held a copy of each grid answer.
_SETTINGS = {
    "work_mem": "128MB", "jit": "off", "max_parallel_workers_per_gather": "0", "cursor_tuple_fraction": "1",
    "enable_sort": "off", "enable_incremental_sort": "off", "enable_memoize": "off",
}  # fmt: skip
CONNECTIONS = 2  # connections reading at once, when not inside a caller's transaction
# Grouped rows fetched at a time: each holds one distinct answer and who gave it, up to every
# respondent (12 bytes each), so a few at a time keep no more than a question or two in hand.
_FETCH = 4
# array_send of a one-dimensional bigint array: a 20-byte header, then for each element its
# length (4 bytes) and value (8 bytes), big-endian.
_ARRAY_HEADER = 20
_ARRAY_ELEMENT = np.dtype([("length", ">i4"), ("value", ">i8")])
_WHOLE_ANSWERS = (
    "SELECT a.question_id, a.value::text AS v, NULL, array_send(array_agg(a.response_id::bigint)) "
    "FROM {answer} a WHERE a.question_id = ANY(%s) GROUP BY a.question_id, v"
)
_GRID_ANSWERS = (
    "SELECT a.question_id, s.value::text AS v, s.key, array_send(array_agg(a.response_id::bigint)) "
    "FROM {answer} a CROSS JOIN LATERAL jsonb_each("
    "CASE WHEN jsonb_typeof(a.value -> 'rows') = 'object' THEN a.value -> 'rows' END) s "
    "WHERE a.question_id = ANY(%s) GROUP BY a.question_id, s.key, v"
)


def _ids(packed):
    """Response ids from `array_send(array_agg(id))`, as int64."""
    packed = bytes(packed or b"")
    if len(packed) <= _ARRAY_HEADER:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(packed, dtype=_ARRAY_ELEMENT, offset=_ARRAY_HEADER)["value"].astype(np.int64)


@contextmanager
def _reading_in_postgresql():
    """A transaction on Django's connection with `_SETTINGS`, in which the responses and
    their answers are read; yields a function that opens (once, when first called: reading
    the compact copies needs none) a second connection seeing the same snapshot, and returns
    it, or None inside a caller's transaction."""
    own = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        snapshot = None
        if own and CONNECTIONS > 1:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
        before = _set_locally(connection.cursor, **_SETTINGS)
        opened = []

        def second():
            if snapshot and not opened:
                opened.append(_second_connection(snapshot))
            return opened[0] if opened else None

        try:
            yield second
        finally:
            if opened and opened[0] is not None:
                opened[0].close()
        _set_locally(connection.cursor, **before)  # for the rest of a transaction the caller may be in


def _second_connection(snapshot):
    """A psycopg connection to Django's database, in a transaction seeing `snapshot`; None
    if the server takes no more connections (then the one connection reads it all)."""
    import psycopg  # installed with PostgreSQL support, not needed by SQLite's reading
    from psycopg import sql

    try:
        second = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    except psycopg.OperationalError as error:
        logger.warning("Reading the answers on one connection: a second could not be opened (%s)", error)
        return None
    try:
        second.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        second.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        _set_locally(second.cursor, **_SETTINGS)
    except BaseException:
        second.close()
        raise
    return second


def _responses_in_postgresql(questionnaire_id, until):
    """The same as `_responses_in_database`: a row per channel and respondent kind."""
    counted, params = _counted_sql(questionnaire_id, until, "id", "channel", "respondent_kind")
    query = (
        f"SELECT r.channel, r.respondent_kind, array_send(array_agg(r.id::bigint)) FROM ({counted}) r "
        "GROUP BY r.channel, r.respondent_kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = [(channel, kind, _ids(packed)) for channel, kind, packed in cursor.fetchall()]
    if not rows:
        return np.zeros(0, dtype=np.int64), [], []
    ids = np.concatenate([group for _, _, group in rows])
    sizes = [len(group) for _, _, group in rows]
    order = np.argsort(ids, kind="stable")
    channels = np.repeat(np.asarray([channel for channel, _, _ in rows], dtype=object), sizes)[order]
    kinds = np.repeat(np.asarray([kind for _, kind, _ in rows], dtype=object), sizes)[order]
    return ids[order], channels, kinds


def _decoded_in_postgresql(specs, index, second):
    """{question id: (columns, answered mask)} of every spec, the answers grouped in
    PostgreSQL: on Django's connection and, if given, `second` at the same time."""
    lanes = _shared_out(specs, 2 if second is not None else 1)
    decoded = {}
    if second is None:
        for query, questions in lanes[0]:
            decoded.update(_read_lane(connection.chunked_cursor, query, questions, index))
        return decoded
    with ThreadPoolExecutor(max_workers=1) as pool:
        # A named cursor of its own, so the rows come a few at a time.
        other = pool.submit(_read_whole_lane, partial(second.cursor, name="haveyoursay_answers"), lanes[1], index)
        try:
            for query, questions in lanes[0]:
                decoded.update(_read_lane(connection.chunked_cursor, query, questions, index))
        except BaseException:
            second.cancel()  # its query would otherwise run to the end for nothing
            raise
        decoded.update(other.result())
    return decoded


def _shared_out(specs, count):
    """The specs in `count` lanes of [(query, [spec])] of about equal weight. A grid's answers
    become a row for each statement, which costs PostgreSQL about one and a half times a whole
    answer (measured). Each query is a pass over the answers, so the grids go together into as
    few lanes as they fit in; then each other question goes to the lightest lane."""
    weight = {spec.id: 1 + 1.5 * len(spec.statements) if spec.kind == "grid" else 1 for spec in specs}
    share = sum(weight.values()) / count
    lanes = [[] for _ in range(count)]
    loads = [0] * count
    for spec in sorted(specs, key=lambda spec: (spec.kind != "grid", -weight[spec.id])):
        lane = loads.index(min(loads))
        if spec.kind == "grid":
            lane = next((i for i in range(count) if loads[i] + weight[spec.id] <= share), lane)
        lanes[lane].append(spec)
        loads[lane] += weight[spec.id]
    answer = connection.ops.quote_name(Answer._meta.db_table)
    return [
        [(query.format(answer=answer), questions) for query, questions in (
            (_GRID_ANSWERS, [spec for spec in lane if spec.kind == "grid"]),
            (_WHOLE_ANSWERS, [spec for spec in lane if spec.kind != "grid"]),
        ) if questions]
        for lane in lanes
    ]  # fmt: skip


def _read_whole_lane(cursor_factory, lane, index):
    decoded = {}
    for query, questions in lane:
        decoded.update(_read_lane(cursor_factory, query, questions, index))
    return decoded


def _read_lane(cursor_factory, query, questions, index):
    """{question id: _decode's result} for `questions`, read with `query` (one of the two
    above): the hash of their answers, its rows in question order."""
    by_id = {spec.id: spec for spec in questions}
    decoded = {}
    ordered = f"WITH grouped AS MATERIALIZED ({query}) SELECT * FROM grouped ORDER BY 1"
    with cursor_factory() as cursor:
        cursor.execute(ordered, [list(by_id)])
        current, groups = None, []
        while rows := cursor.fetchmany(_FETCH):
            for question_id, text, statement, packed in rows:
                if question_id != current:
                    if current is not None:
                        decoded[current] = _decode_groups(by_id[current], groups, index)
                        groups = []  # only the decoded columns are kept
                    current = question_id
                groups.append((statement, text, _ids(packed)))
            del rows
        if current is not None:
            decoded[current] = _decode_groups(by_id[current], groups, index)
    for spec in questions:
        if spec.id not in decoded:  # nobody answered it
            decoded[spec.id] = _decode(spec, _Answers([], {}), index)
    return decoded


def _decode_groups(spec, groups, index):
    """_decode's result from one question's grouped rows: (None, JSON text of an answer, ids)
    for a whole answer, (statement, JSON text of the option, ids) for a grid."""
    if spec.kind == "grid":
        return _decode_grid_groups(spec, groups, index)
    # In the order of the first respondent who gave each (not the hash's), as the other readings
    # find them: a value that isn't an option (now) is added to the options in that order.
    groups = sorted(groups, key=lambda group: group[2].min() if len(group[2]) else 0)
    texts = [text for _, text, _ in groups]
    ids = [group for _, _, group in groups]
    return _decode(spec, _question_answers(spec.id, texts, ids), index)


def _set_locally(cursor_factory, **settings):
    """Set PostgreSQL settings for the current transaction; returns what they were."""
    names = list(settings)
    with cursor_factory() as cursor:
        cursor.execute(
            "SELECT " + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
            [value for name in names for value in (name, name, settings[name])],
        )
        row = cursor.fetchone()
    return dict(zip(names, row[::2]))


def _question_answers(question_id, texts, groups):
    """_Answers of one question from its distinct stored texts and who gave each."""
    codes = np.repeat(np.arange(len(groups), dtype=np.intp), [len(group) for group in groups])
    return _Answers(_parsed(texts), {question_id: (np.concatenate(groups), codes)})


@dataclass
class _Answers:
    """Every answer as an index into `values`, the parsed distinct stored JSON texts."""

    values: list
    by_question: dict  # question id -> (response ids, index into values of each answer)

    def of(self, spec):
        return self.by_question.get(spec.id, (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.intp)))


def _grouped(question_ids, response_ids, texts):
    # Finding the distinct texts once, in the order they came, is three times faster than
    # question by question, whose texts lie scattered in memory.
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object))
    order = np.argsort(question_ids, kind="stable")
    found, starts = np.unique(question_ids[order], return_index=True)
    ends = [*starts[1:], len(order)]
    by_question = {
        int(question_id): (response_ids[order[start:end]], codes[order[start:end]])
        for question_id, start, end in zip(found, starts, ends)
    }
    return _Answers(_parsed(distinct), by_question)


# -- Reading the compact copies -------------------------------------------------------------
#
# Each sent response has, beside its answers, a compact copy of its closed answers: a code for
# each, the id of one distinct answer to its question (`surveys/compact.py`, docs/decisions/0028).
# One query reads the copies that are current (written for the response's `updated_at` as it
# is now) of the counted responses, as (question id, code) pairs, a block of responses at a
# time; NumPy puts the codes in a matrix of respondents × questions, and each question's
# codes are decoded with the distinct texts they stand for, through the same `_decode`, so
# every rule is the one the answers are read with. A counted response without a current copy
# (none written yet, or its answers changed since) is read from its answers, those alone.
# When too many have none (an install whose copies are not yet written), the answers are
# read as before, and the copies are filled in in the background.

FALLBACK_MOST = 100_000  # counted responses without a current copy read from their answers beside the copies
FILL_IN_FROM = 1_000  # counted responses without a current copy that have the copies filled in


def _decoded_from_compact_rows(specs, questionnaire_id, until, index):
    """({question id: (columns, answered mask)}, respondents read from their copies), or None
    when too few counted responses have a current copy to be worth it."""
    from haveyoursay.surveys.compact import (
        answer_texts,
        grid_answer_options,
        queue_fill_compact_answers,
        read_compact_answers,
    )

    n = len(index)
    if not specs or not n:
        return None
    known = index.to_numpy()
    column_of = {spec.id: j for j, spec in enumerate(specs)}
    column_by_id = _dense_lookup(np.asarray(list(column_of), dtype=np.int64))
    # Column by column in memory (Fortran order): each question's codes are then read in one run.
    matrix = np.zeros((n, len(specs)), dtype=np.int32, order="F")
    covered = np.zeros(n, dtype=bool)
    counted, params = _counted_sql(questionnaire_id, until, "id", "updated_at")
    for ids, lengths, pairs in read_compact_answers(counted, params):
        positions = np.searchsorted(known, ids)
        present = positions < n
        present[present] = known[positions[present]] == ids[present]
        covered[positions[present]] = True
        rows = np.repeat(positions, lengths)
        columns = column_by_id(pairs[:, 0])  # -1: a question not read as closed (now), left out
        keep = np.repeat(present, lengths) & (columns >= 0)
        matrix[rows[keep], columns[keep]] = pairs[keep, 1]
        del rows, columns, keep, pairs
    missing = known[~covered]
    if len(missing) >= FILL_IN_FROM:
        queue_fill_compact_answers(questionnaire_id)
    if len(missing) > min(FALLBACK_MOST, n // 2):
        return None
    rest = _grouped(*_answers_of_responses(specs, missing)) if len(missing) else _Answers([], {})
    # A grid's distinct answers decoded by the database where it can (PostgreSQL): there may be
    # hundreds of thousands, each a long JSON text.
    grids = {}
    for spec in specs:
        if spec.kind == "grid" and not len(rest.of(spec)[0]):
            found = grid_answer_options(spec.id, [value for value, _ in spec.statements], spec.option_values)
            if found is not None:
                grids[spec.id] = found
    texts = answer_texts([question_id for question_id in column_of if question_id not in grids])
    decoded = {}
    for spec in specs:
        codes, dictionary = grids.get(spec.id) or texts.get(spec.id, (np.zeros(0, dtype=np.int64), []))
        column = matrix[:, column_of[spec.id]]
        given = np.flatnonzero(column)
        local = _dense_lookup(codes)(column[given])
        found = local >= 0  # (a code not in the dictionary can't be: it is only added to)
        given, local = given[found], local[found]
        if spec.id in grids:  # the dictionary: each distinct answer's option for each statement
            given_options = np.full((n, len(spec.statements)), -1, dtype=np.int32)
            given_options[given] = dictionary[local]
            decoded[spec.id] = _grid_columns(spec, given_options)
            continue
        values = _parsed(dictionary)
        rest_ids, rest_codes = rest.of(spec)
        if len(rest_ids):
            used, rest_codes = np.unique(rest_codes, return_inverse=True)
            rest_positions = np.searchsorted(known, rest_ids)
            given = np.concatenate([given, rest_positions])
            local = np.concatenate([local, rest_codes + len(values)])
            values = values + [rest.values[i] for i in used]
        decoded[spec.id] = _decode(spec, _Answers(values, {spec.id: (known[given], local)}), index, positions=given)
    return decoded, int(covered.sum())


def _dense_lookup(keys):
    """A function from an array of integers to the position of each in `keys` (distinct
    integers), -1 for one not there: a gather from an array spanning the keys, which for
    millions of look-ups is several times quicker than a search."""
    if not len(keys):
        return lambda values: np.full(len(values), -1, dtype=np.int64)
    low = int(keys.min())
    table = np.full(int(keys.max()) - low + 1, -1, dtype=np.int64)
    table[keys - low] = np.arange(len(keys))

    def look_up(values):
        offsets = values.astype(np.int64) - low
        inside = (offsets >= 0) & (offsets < len(table))
        found = np.full(len(values), -1, dtype=np.int64)
        found[inside] = table[offsets[inside]]
        return found

    return look_up


def _answers_of_responses(specs, response_ids):
    """(question ids, response ids, stored JSON texts) of the answers of these responses."""
    answer = connection.ops.quote_name(Answer._meta.db_table)
    if connection.vendor == "postgresql":
        responses, questions = "a.response_id = ANY(%s)", "a.question_id = ANY(%s)"
        params = [[int(i) for i in response_ids], [spec.id for spec in specs]]
    else:
        responses = "a.response_id IN (SELECT value FROM json_each(%s))"
        questions = "+a.question_id IN (SELECT value FROM json_each(%s))"
        params = [json.dumps([int(i) for i in response_ids]), json.dumps([spec.id for spec in specs])]
    sql = (
        f"SELECT {_concatenated('a.question_id', 'a.response_id')}, {_concatenated('a.value', texts=True)} "
        f"FROM {answer} a WHERE {responses} AND {questions}"
    )
    return _fetch_concatenated(sql, params)


# -- Turning answers into columns ------------------------------------------------------------


def _parsed(texts):
    """Each JSON text as a dict ({} for anything else): in one call to the parser, as
    parsing each of a grid's hundred thousand distinct answers apart costs twice as much."""
    texts = list(texts)
    try:
        values = json.loads("[" + ",".join(texts) + "]")
    except ValueError:
        values = None
    if values is None or len(values) != len(texts):
        values = []
        for text in texts:
            try:
                values.append(json.loads(text))
            except ValueError:
                values.append(None)
    return [value if isinstance(value, dict) else {} for value in values]


def _decode(spec, answers, index, positions=None):
    """({column: values aligned on index}, answered mask) for one question's answers: each
    distinct answer decoded once, then copied to every respondent who gave it. `positions`:
    where each answer's respondent is in the index, if known (all of them there)."""
    n = len(index)
    ids, codes = answers.of(spec)
    if positions is None:
        positions, keep = _positions(index, ids)
    else:
        keep = np.ones(len(ids), dtype=bool)
    # The distinct answers given, in the order of `values`: what np.unique finds, counted rather
    # than sorted (the codes are indexes into `values`), which is many times quicker for a million.
    codes = codes[keep]
    given = np.bincount(codes, minlength=len(answers.values)) > 0
    distinct = np.flatnonzero(given)
    row_of_distinct = (np.cumsum(given) - 1)[codes]
    values = [answers.values[i] for i in distinct]
    kind = spec.kind
    if kind in CHOICE_KINDS or kind == "location":
        codes = _codes(spec, "options", [_single_value(kind, value) for value in values])
        column = np.full(n, -1, dtype=np.int32)
        column[positions] = codes[row_of_distinct]
        return {spec.code: pd.Categorical.from_codes(column, categories=spec.option_values)}, column >= 0
    if kind == "number":
        numbers = np.array([_number(value.get("number")) for value in values] or [np.nan])
        column = np.full(n, np.nan)
        column[positions] = numbers[row_of_distinct]
        return {spec.code: column}, ~np.isnan(column)
    if kind == "multiple":
        chosen = [_list(value.get("choices")) for value in values]
        _codes(spec, "options", [choice for choices in chosen for choice in choices])
        lookup = {value: i for i, value in enumerate(spec.option_values)}
        distinct_matrix = np.zeros((len(values), len(lookup)), dtype=bool)
        for row, choices in enumerate(chosen):
            distinct_matrix[row, [lookup[str(choice)] for choice in choices]] = True
        matrix = np.zeros((n, len(lookup)), dtype=bool)
        matrix[positions] = distinct_matrix[row_of_distinct]
        columns = {item_column(spec.code, value): matrix[:, i] for i, value in enumerate(spec.option_values)}
        return columns, matrix.any(axis=1)
    if kind == "grid":
        answered_rows = [value.get("rows") if isinstance(value.get("rows"), dict) else {} for value in values]
        given = pd.DataFrame.from_records(answered_rows) if answered_rows else pd.DataFrame()
        given = given.astype(object).where(given.notna(), None)
        given = given.where(given != "", None)  # "" is no answer, as none is (`_codes`)
        _codes(spec, "statements", list(given.columns))
        try:
            seen = pd.unique(given.to_numpy().ravel()) if given.size else []
        except TypeError:  # a list or an object given as an option: not countable as it is
            given = given.map(_option_text)
            seen = pd.unique(given.to_numpy().ravel())
        texts = [_option_text(value) for value in seen]
        _codes(spec, "options", texts)
        if any(text is not None and text is not value for text, value in zip(texts, seen)):
            given = given.map(_option_text)  # an option that is not text is named by its text
        statements = {value: i for i, (value, _) in enumerate(spec.statements)}
        distinct_matrix = np.full((len(values), len(statements)), -1, dtype=np.int32)
        for statement in given.columns:
            codes = pd.Categorical(given[statement], categories=spec.option_values).codes
            distinct_matrix[:, statements[str(statement)]] = codes
        matrix = np.full((n, len(statements)), -1, dtype=np.int32)
        matrix[positions] = distinct_matrix[row_of_distinct]
        return _grid_columns(spec, matrix)
    if kind == "ranking":
        orders = [_list(value.get("ranking")) for value in values]
        _codes(spec, "options", [item for order in orders for item in order])
        lookup = {value: i for i, value in enumerate(spec.option_values)}
        distinct_matrix = np.full((len(values), len(lookup)), np.nan)
        for row, order in enumerate(orders):
            for position, item in enumerate(order, start=1):
                distinct_matrix[row, lookup[str(item)]] = position
        matrix = np.full((n, len(lookup)), np.nan)
        matrix[positions] = distinct_matrix[row_of_distinct]
        columns = {item_column(spec.code, value): matrix[:, i] for i, value in enumerate(spec.option_values)}
        return columns, ~np.isnan(matrix).all(axis=1) if len(lookup) else np.zeros(n, dtype=bool)
    raise ValueError(f"{spec.code} is a {kind} question, which is not analysed as a closed question")


def _grid_columns(spec, matrix):
    """A grid's columns and answered mask from the option code given to each statement."""
    columns = {
        item_column(spec.code, value): pd.Categorical.from_codes(matrix[:, i], categories=spec.option_values)
        for i, (value, _) in enumerate(spec.statements)
    }
    return columns, (matrix >= 0).any(axis=1)


def _decode_grid_groups(spec, groups, index):
    """The same as `_decode` of a grid's whole answers, from its answers grouped by statement
    and option: [(statement, JSON text of the option given to it, response ids)]. The same
    rules: a statement or an option that is not the question's (now) is added to it, an
    option that is not text is named by its text, and none (null) or "" is not an answer."""
    kept = []
    for statement, text, ids in groups:
        positions, _ = _positions(index, ids)
        if len(positions):
            kept.append((str(statement), json.loads(text), positions, positions.min()))
    # Any statement or option added comes in the order reading the whole answers finds it:
    # by the first respondent who gave it, then (within one answer) in PostgreSQL's order of
    # an object's keys (shorter first, then by their bytes) and the statements' order.
    first = {}
    for statement, _, _, earliest in kept:
        first[statement] = min(first.get(statement, earliest), earliest)
    found = sorted(first, key=lambda statement: (first[statement], len(statement.encode()), statement.encode()))
    _codes(spec, "statements", found)
    rank = {statement: i for i, statement in enumerate(found)}
    _codes(spec, "options", [option for _, option, _, _ in sorted(kept, key=lambda group: (group[3], rank[group[0]]))])
    statements = {value: i for i, (value, _) in enumerate(spec.statements)}
    options = {value: i for i, (value, _) in enumerate(spec.options)}
    matrix = np.full((len(index), len(statements)), -1, dtype=np.int32)
    for statement, option, positions, _ in kept:
        if option not in (None, ""):
            matrix[positions, statements[statement]] = options[str(option)]
    return _grid_columns(spec, matrix)


def _option_text(value):
    """A grid's option as `_codes` names it: text as it is, none (None, or the NaN pandas'
    `map` leaves for it) as None, anything else (a number, a list) by its text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def _positions(index, ids):
    """Where each response id is in the (sorted) index, and which ids are in it at all
    (all of them, with the query's filter; the check costs little)."""
    known = index.to_numpy()
    positions = np.searchsorted(known, ids)
    keep = positions < len(known)
    keep[keep] = known[positions[keep]] == ids[keep]
    return positions[keep], keep


def _single_value(kind, value):
    if kind == "location":
        return value.get("place") or (POSTCODE if value.get("postcode") else None)
    return value.get("choice")


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return np.nan
    return float(value)


def _list(value):
    return value if isinstance(value, list) else []


def _codes(spec, attribute, values):
    """The category code of each value (-1 for none) among the spec's options (or
    statements), adding to the spec any value found that is not one of them."""
    known = getattr(spec, attribute)
    lookup = {value: i for i, (value, _) in enumerate(known)}
    codes = np.full(len(values), -1, dtype=np.int32)
    for i, value in enumerate(values):
        if value in (None, ""):
            continue
        value = str(value)
        if value not in lookup:
            lookup[value] = len(known)
            known.append((value, value))
        codes[i] = lookup[value]
    return codes


# -- Routing -------------------------------------------------------------------------------


def _shown(spec, frame, specs):
    """Whether routing shows `spec` to each respondent, by the conditions it has now."""
    shown = np.ones(len(frame), dtype=bool)
    by_code = {s.code: s for s in specs}
    for condition in spec.conditions:
        source = by_code.get(condition.get("question"))
        values = condition.get("values", [])
        if source is None or source.kind not in (*CHOICE_KINDS, "multiple"):
            continue  # a condition that can't be read (`routing_problems` reports it) hides nothing
        if source.kind == "multiple":
            met = np.zeros(len(frame), dtype=bool)
            for value in values:
                column = item_column(source.code, value)
                if column in frame:
                    met |= frame[column].to_numpy()
        else:
            met = frame[source.code].isin(values).to_numpy()
        shown &= met
    return shown


def _open_answer_counts(open_specs, questionnaire, until):
    """How many counted responses answered each open question: every answer to it, less those
    on responses not counted. The first is read from the index on the answers' question
    without reading the answers; responses not counted (drafts, marked, undone, later than
    `until`) are few, and their answers are looked up one response at a time. Joining every
    counted response to its answers instead read the whole table of answers: 7 s at 200,000."""
    if not open_specs:
        return {}
    ids = [spec.id for spec in open_specs]
    every = Answer.objects.filter(question_id__in=ids).order_by().values("question_id").annotate(n=Count("*"))
    not_counted = (
        Answer.objects.filter(question_id__in=ids, response__questionnaire=questionnaire)
        .exclude(counted_condition("response__", until))
        .order_by().values("question_id").annotate(n=Count("*"))
    )  # fmt: skip
    counts = {row["question_id"]: row["n"] for row in every}
    for row in not_counted:
        counts[row["question_id"]] -= row["n"]
    return {spec.code: counts.get(spec.id, 0) for spec in open_specs}