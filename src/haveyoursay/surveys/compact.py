"""A compact copy of each sent response's closed answers, so a large consultation is read quickly.

Analysis reads every counted response's closed answers (`analysis/dataset.py`). At a million
respondents that is thirty million `Answer` rows, and grouping them in PostgreSQL costs over a
minute of the server's CPU however it is done. So each sent response also gets one
`CompactAnswers` row: the codes of its closed answers, where a code is the id of an
`AnswerText`, one distinct closed answer to one question. Reading is then one row a response
and a small dictionary of texts (docs/decisions/0028-compact-answers.md).

- **The key of an answer** is its stored JSON text (PostgreSQL: `value::text`, as the other
  readings group it) without the free text of an "Other, please specify" (`other`, when it
  says something), which analysis never reads and which retention and erasure may remove
  from the answer later: the dictionary never holds anyone's words. An answer whose key is over `MAX_TEXT_BYTES` gets no
  code (the index of the dictionary can't hold it), and its response no compact row.
- **A cache, never the truth.** A row is read only while `written_for` equals the response's
  `updated_at`, which sending, correcting, marking, erasing and importing all move on; any
  counted response without such a row is read from its answers. A path that changes answers
  without writing the row leaves reading slower, not wrong.
- **Written** when a response is sent (`submission.submit`), corrected
  (`submission.correct_answers`), when an import batch completes (`importing._complete`), and by
  `fill_compact_answers`, for a questionnaire's responses that have none or a stale one: the
  `fill_compact_answers` command, the background task of the same name (queued by a reading
  that found many missing), and bench/scale_data.py after a bulk load. Each is one set-based
  statement over the responses (a chunk of them, for the filling in), grouped by response.
- **The codes**, per answer a pair (question id, code), are 4-byte big-endian integers
  (`int4send`) on PostgreSQL; SQLite 3.40 can't make a blob from numbers in SQL, so there
  they are the same integers' 16 hexadecimal digits (`printf('%08x%08x')`), which
  `bytes.fromhex` turns into the same bytes when read.

Only PostgreSQL and SQLite are written; on any other database nothing is, and every response is
read from its answers.
"""

import json
import logging
from functools import partial

import numpy as np
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef
from django_tasks import task

from haveyoursay.surveys.models import Answer, AnswerText, CompactAnswers, Question, Response

logger = logging.getLogger(__name__)

# The question kinds analysis reads as closed questions (`analysis/dataset.py`).
CLOSED_KINDS = ("single", "agree", "importance", "area", "location", "number", "multiple", "grid", "ranking")
# The longest key given a code: a B-tree entry of PostgreSQL holds at most about 2,700 bytes.
MAX_TEXT_BYTES = 2000
FILL_CHUNK = 20_000  # responses written by one statement (and one transaction) when filling in
FILL_QUEUED_SECONDS = 600  # a fill queued holds its place this long at most (a million responses take minutes)
PAIR = np.dtype(">i4")  # one number of a (question id, code) pair as read


def _key_sql():
    """SQL for an answer's key (of `a.value`): its stored text, without an "other" that says
    something (one that is "" stays: taking it out costs more than keeping it)."""
    if connection.vendor == "postgresql":
        return "CASE WHEN a.value ->> 'other' <> '' THEN (a.value - 'other')::text ELSE a.value::text END"
    # The column holds valid JSON (Django's check constraint); json_remove writes it minified.
    return "CASE WHEN json_extract(a.value, '$.other') <> '' THEN json_remove(a.value, '$.other') ELSE a.value END"


def _bytes_sql(expression):
    if connection.vendor == "postgresql":
        return f"octet_length({expression})"
    return f"length(CAST({expression} AS BLOB))"


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _keys_sql(responses_sql):
    """SQL selecting (response_id, question_id, text) of the closed answers of `responses_sql`'s rows."""
    kinds = ", ".join(f"'{kind}'" for kind in CLOSED_KINDS)
    return (
        f"SELECT a.response_id, a.question_id, {_key_sql()} AS text FROM {_table(Answer)} a "
        f"JOIN {_table(Question)} q ON q.id = a.question_id AND q.kind IN ({kinds}) "
        f"WHERE a.response_id IN (SELECT s.id FROM ({responses_sql}) s)"
    )


def _new_texts_sql(keys):
    """INSERT of the keys of `keys` (a parenthesised query) not yet in the dictionary, numbered
    in the order respondents first gave them: the order the other readings add a value that is
    not one of a question's options to its categories."""
    texts = _table(AnswerText)
    return (
        f"INSERT INTO {texts} (question_id, text) SELECT k.question_id, k.text FROM {keys} k "
        f"WHERE {_bytes_sql('k.text')} <= %s "
        f"AND NOT EXISTS (SELECT 1 FROM {texts} t WHERE t.question_id = k.question_id AND t.text = k.text) "
        "GROUP BY k.question_id, k.text ORDER BY min(k.response_id) "
        "ON CONFLICT (question_id, text) DO NOTHING"
    )


def write_compact_answers(responses):
    """Write (or write again) the compact row of each sent response of the Response queryset
    `responses`, as its answers are now. Returns how many rows were written."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return 0
    sent = responses.filter(state=Response.State.SUBMITTED).order_by().values("id", "updated_at")
    responses_sql, params = sent.query.sql_with_params()
    keys = _keys_sql(responses_sql)
    texts = _table(AnswerText)
    upsert = "ON CONFLICT (response_id) DO UPDATE SET written_for = excluded.written_for, codes = excluded.codes"
    having = "HAVING count(k.question_id) = count(t.id)"  # a key too long for a code: no row
    if connection.vendor == "postgresql":
        codes = "coalesce(string_agg(int4send(k.question_id::int4) || int4send(t.id::int4), ''::bytea), ''::bytea)"
    else:
        codes = "CAST(coalesce(group_concat(printf('%%08x%%08x', k.question_id, t.id), ''), '') AS BLOB)"
    # Two statements: the keys new to the dictionary added, then the rows, each key looked up
    # in the dictionary's own index (never by reading all of a question's entries: a grid's
    # run to six figures). In one statement the new keys could only be joined as a list with
    # no index, and for a questionnaire new to the planner's statistics it expected a few
    # hundred of them and a thousand answers, and compared every pair: hundreds of thousands
    # of each, for more than a quarter of an hour a chunk, where this takes seconds.
    rows = (
        f"INSERT INTO {_table(CompactAnswers)} (response_id, written_for, codes) "
        f"SELECT r.id, r.updated_at, {codes} FROM ({responses_sql}) r "
        f"LEFT JOIN ({keys}) k ON k.response_id = r.id "
        f"LEFT JOIN {texts} t ON t.question_id = k.question_id AND t.text = k.text "
        # WHERE: SQLite would otherwise read ON CONFLICT as part of the join.
        f"WHERE 1 = 1 GROUP BY r.id, r.updated_at {having} {upsert}"
    )
    with connection.cursor() as cursor:
        cursor.execute(_new_texts_sql(f"({keys})"), [*params, MAX_TEXT_BYTES])
        cursor.execute(rows, [*params, *params])
        return cursor.rowcount


def note_answers_changed(responses):
    """`write_compact_answers` for the paths that send, correct or import responses: the copy is
    a cache, so a failure to write it is logged, and never undoes what the caller did."""
    try:
        with transaction.atomic():
            write_compact_answers(responses)
    except DatabaseError:
        logger.exception("The compact copy of some responses' answers could not be written; they are read in full")


def missing_compact_answers(questionnaire_id):
    """The questionnaire's sent responses with no compact row as they are now."""
    fresh = CompactAnswers.objects.filter(response=OuterRef("pk"), written_for=OuterRef("updated_at"))
    return Response.all_objects.filter(questionnaire_id=questionnaire_id, state=Response.State.SUBMITTED).filter(
        ~Exists(fresh)
    )


def fill_compact_answers(questionnaire_id, *, chunk=FILL_CHUNK):
    """Write the compact row of every sent response to the questionnaire that has none, or a
    stale one, `chunk` responses at a time, each chunk its own transaction. Running it again
    writes nothing more. Returns how many rows were written."""
    missing = missing_compact_answers(questionnaire_id)
    written, last = 0, 0
    while True:
        ids = list(missing.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            return written
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # compiling these statements took longer than running them
                    cursor.execute("SELECT set_config('jit', 'off', true)")
            written += write_compact_answers(missing.filter(pk__gte=ids[0], pk__lte=ids[-1]))
        last = ids[-1]


def _fill_queued_key(questionnaire_id):
    return f"compact-fill-queued:{questionnaire_id}"


def queue_fill_compact_answers(questionnaire_id):
    """Queue `fill_compact_answers_task` once the current transaction commits, unless one is
    queued or running for the questionnaire already: every reading of its analysis finds the
    same responses without a copy until it is done, and each would queue the whole fill again.
    Returns whether it was queued. The place is held in the cache for FILL_QUEUED_SECONDS at
    most, so a fill whose worker was killed is queued again after that; with a cache each
    process keeps to itself (LocMemCache, on one machine) each web process queues one at most
    that often."""
    if not cache.add(_fill_queued_key(questionnaire_id), True, FILL_QUEUED_SECONDS):
        return False
    transaction.on_commit(partial(fill_compact_answers_task.enqueue, questionnaire_id))
    return True


@task()
def fill_compact_answers_task(questionnaire_id):
    try:
        return {"written": fill_compact_answers(questionnaire_id)}
    finally:
        cache.delete(_fill_queued_key(questionnaire_id))


# -- Reading -------------------------------------------------------------------------------------

BLOCK = 65_536  # responses whose codes PostgreSQL sends as one value (about 8 MB for 30 questions)


def read_compact_answers(counted_sql, params):
    """Yields (response ids, pairs a response, (question id, code) pairs as an (n × 2) int32
    array) for the compact rows that are current of the responses `counted_sql` selects (its
    columns: id, updated_at), a block of responses at a time."""
    compact = _table(CompactAnswers)
    joined = f"FROM ({counted_sql}) r JOIN {compact} c ON c.response_id = r.id AND c.written_for = r.updated_at"
    if connection.vendor == "postgresql":
        query = (
            "SELECT array_send(array_agg(c.response_id::bigint)), "
            "array_send(array_agg((length(c.codes) / 8)::bigint)), "
            f"string_agg(c.codes, ''::bytea) {joined} GROUP BY c.response_id / {BLOCK}"
        )
    else:
        query = (
            "SELECT group_concat(c.response_id), group_concat(length(c.codes) / 16), "
            f"group_concat(CAST(c.codes AS TEXT), '') {joined}"
        )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        while rows := cursor.fetchmany(4):
            for ids, lengths, codes in rows:
                if ids is None:
                    continue
                if connection.vendor == "postgresql":
                    ids, lengths, codes = _bigints(ids), _bigints(lengths), bytes(codes or b"")
                else:
                    ids = np.fromstring(ids, sep=",", dtype=np.int64)
                    lengths = np.fromstring(lengths, sep=",", dtype=np.int64)
                    codes = bytes.fromhex(codes or "")
                yield ids, lengths, np.frombuffer(codes, dtype=PAIR).reshape(-1, 2).astype(np.int32)


_ARRAY_HEADER = 20  # array_send of a one-dimensional array: a 20-byte header, then (length, value) each
_BIGINT_ELEMENT = np.dtype([("length", ">i4"), ("value", ">i8")])


def _bigints(packed):
    packed = bytes(packed or b"")
    if len(packed) <= _ARRAY_HEADER:
        return np.zeros(0, dtype=np.int64)
    return np.frombuffer(packed, dtype=_BIGINT_ELEMENT, offset=_ARRAY_HEADER)["value"].astype(np.int64)


# grid_answer_options: the database writes the option each statement is given as one character,
# "0" for none, then "1", "2"... for the options in order, and UNKNOWN_OPTION for anything else.
FIRST_OPTION = 48  # "0"
UNKNOWN_OPTION = 126  # "~"
MOST_OPTIONS = UNKNOWN_OPTION - FIRST_OPTION - 2


def grid_answer_options(question_id, statements, options):
    """On PostgreSQL, each distinct answer to a grid question as the option it gives each
    statement, worked out by the database from the answer's JSON text: (codes in ascending
    order as int64, a (codes × statements) int32 array of each option's position in `options`,
    -1 for none). A million respondents gave one demo grid of eight statements 360,772
    distinct answers, 85 MB of text, which the analysis took 4.9 s of CPU to fetch, parse and
    decode in Python and PostgreSQL works out in about two.

    None where the decoding must be Python's, which adds to the question what it doesn't know
    (`analysis/dataset.py`'s `_codes`): an answer names a statement that isn't in `statements`,
    or gives one something other than an option of `options`, none (null) or "". (A question
    with answers can't lose a statement or an option, so only data written around the site's
    rules has them.) Also None for an option Python would name differently from PostgreSQL's
    text of the same JSON value ("true", "1.5"), and beyond MOST_OPTIONS options.
    """
    options, statements = [str(option) for option in options], [str(statement) for statement in statements]
    if (
        connection.vendor != "postgresql" or not statements or len(options) > MOST_OPTIONS
        or not all(map(_same_text_both_ways, options))
    ):
        return None
    texts = _table(AnswerText)
    said = " || ".join(
        [f"chr({FIRST_OPTION - 1} + coalesce(array_position(%s::text[], coalesce(a.given ->> %s, '')), "
         f"{UNKNOWN_OPTION - FIRST_OPTION + 1}))"] * len(statements)
    )  # fmt: skip
    query = (
        # Each text parsed once, not again for each statement as a subquery pulled up would be.
        f"WITH a AS MATERIALIZED (SELECT id, text::jsonb -> 'rows' AS given FROM {texts} WHERE question_id = %s) "
        f"SELECT array_send(array_agg(a.id::bigint ORDER BY a.id)), string_agg({said}, '' ORDER BY a.id), "
        "bool_or(jsonb_typeof(a.given) = 'object' AND a.given - %s::text[] <> '{}'::jsonb) FROM a"
    )
    none_first = ["", *options]
    params = [question_id, *(value for statement in statements for value in (none_first, statement)), statements]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(query, params)
            packed, said, other_statements = cursor.fetchone()
    except DatabaseError:  # a text that is not JSON, which Python's reading takes as no answer
        logger.warning("Reading grid question %s's answers in Python: some are not JSON", question_id)
        return None
    if other_statements:
        return None
    codes = _bigints(packed)
    given = np.frombuffer((said or "").encode("ascii"), dtype=np.uint8).reshape(len(codes), len(statements))
    if (given == UNKNOWN_OPTION).any():
        return None
    return codes, given.astype(np.int32) - (FIRST_OPTION + 1)


def _same_text_both_ways(option):
    """Whether a JSON value PostgreSQL writes as `option` is one Python writes so too: a
    string, or an integer written as Python writes it."""
    try:
        value = json.loads(option)
    except ValueError:
        return True
    return isinstance(value, str) or type(value) is int and str(value) == option


def answer_texts(question_ids):
    """{question id: (codes in ascending order as int64, their texts)} of the questions: one row
    a question, its codes and texts each in one value (JSON text holds no U+001F)."""
    question_ids = [int(question_id) for question_id in question_ids]
    if not question_ids:
        return {}
    texts = _table(AnswerText)
    if connection.vendor == "postgresql":
        query = (
            "SELECT question_id, string_agg(id::text, ',' ORDER BY id), string_agg(text, chr(31) ORDER BY id) "
            f"FROM {texts} WHERE question_id = ANY(%s) GROUP BY question_id"
        )
        params = [question_ids]
    else:
        query = (
            "SELECT question_id, group_concat(id), group_concat(text, char(31)) FROM "
            f"(SELECT question_id, id, text FROM {texts} WHERE question_id IN (SELECT value FROM json_each(%s)) "
            "ORDER BY question_id, id) GROUP BY question_id"
        )
        params = [json.dumps(question_ids)]
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for question_id, codes, joined in cursor.fetchall():
            found[question_id] = (np.fromstring(codes, sep=",", dtype=np.int64), joined.split("\x1f"))
    return found
