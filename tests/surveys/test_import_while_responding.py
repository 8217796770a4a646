"""Respondents save their pages while a large file is imported: the import writes in chunks,
each its own short transaction, so between two chunks nothing holds the database's write lock
(SQLite's one writer) or the rows a save needs (PostgreSQL). The import runs in a thread of its
own, on its own connection, as a worker would; the respondent's save comes in while it is
between its second and third chunks."""

import csv
import io
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from haveyoursay.surveys import importing
from haveyoursay.surveys.models import Answer, ImportBatch, Response

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "carers-strategy"
CHUNK = 3
# The longest SQLite's busy handler sleeps between two tries at the write lock (sqliteDefaultBusyCallback).
SQLITE_LONGEST_SLEEP = 0.1


def survey_file(tmp_path, count):
    out = io.StringIO()
    csv.writer(out).writerows(
        [["ID", "vision", "why_vision"]]
        + [[f"LLR-{n:03}", "Tend to agree", f"Carers need breaks ({n})"] for n in range(1, count + 1)]
    )
    path = tmp_path / "carers-survey.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_respondent_saves_a_page_while_an_import_is_between_chunks(client, questionnaire, tmp_path):
    started = client.post(reverse("surveys:start", args=[SLUG]))
    assert started.status_code == 302
    response = Response.objects.latest("pk")
    table = importing.open_table(survey_file(tmp_path, 10))
    mapping = importing.Mapping(
        table.columns, importing.targets_for(questionnaire), {0: "@respondent_id", 1: "vision", 2: "why_vision"}
    )
    between_chunks, carry_on, outcome = threading.Event(), threading.Event(), {}

    def progress(done, total=None, message=""):
        if "responses written:" in message and done == 2 * CHUNK:
            between_chunks.set()
            if not carry_on.wait(60):
                raise TimeoutError("The respondent's save never finished")

    def run_the_import():
        try:
            outcome["batch"], _ = importing.import_rows(
                questionnaire, table, mapping, progress=progress, chunk_rows=CHUNK
            )
        except BaseException as error:  # for the test to report, rather than a thread to swallow
            outcome["error"] = error
            between_chunks.set()
        finally:
            connection.close()

    worker = threading.Thread(target=run_the_import)
    worker.start()
    try:
        assert between_chunks.wait(60) and "error" not in outcome
        saved = client.post(
            reverse("surveys:page", args=[SLUG, 1]),
            {"q_vision": "strongly_agree", "q_why_vision": "Saved while the import ran.", "continue": ""},
        )
        assert saved.status_code == 302, saved.content.decode()
        assert Answer.objects.filter(response=response).count() == 2
        # Two chunks are written, and not one of their responses is seen yet.
        assert Response.all_objects.filter(import_batch__isnull=False).count() == 2 * CHUNK
        assert Response.objects.count() == 1 and not Response.objects.counted().exists()
    finally:
        carry_on.set()
        worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["batch"].state == ImportBatch.State.COMPLETE
    assert Response.objects.counted().count() == 10 and Response.objects.count() == 11


def test_the_import_leaves_the_database_to_others_between_its_chunks(questionnaire, tmp_path):
    """After each chunk the import rests before it writes again, long enough for a save that
    found SQLite's write lock taken to try again (its busy handler sleeps up to 100 ms between
    tries) and get it. Without the rest the import, its next rows read already, wrote again at
    once, and a respondent could wait through chunk after chunk."""
    table = importing.open_table(survey_file(tmp_path, 4 * CHUNK))
    mapping = importing.Mapping(
        table.columns, importing.targets_for(questionnaire), {0: "@respondent_id", 1: "vision", 2: "why_vision"}
    )
    statements = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((started, time.perf_counter(), sql))

    with connection.execute_wrapper(timed):
        importing.import_rows(questionnaire, table, mapping, chunk_rows=CHUNK)

    # Each chunk writes its responses first and ends by recording how many are written.
    firsts = [started for started, _, sql in statements if sql.startswith('INSERT INTO "surveys_response"')]
    lasts = [ended for _, ended, sql in statements if sql.startswith('UPDATE "surveys_importbatch"')]
    assert len(firsts) == 4
    rests = [first - last for last, first in zip(lasts, firsts[1:])]
    assert len(rests) == 3 and min(rests) >= importing.REST_SECONDS >= SQLITE_LONGEST_SLEEP, rests


def test_the_rests_between_chunks_are_not_counted_against_the_time_reading_may_take(
    questionnaire, tmp_path, settings, monkeypatch
):
    """The time limit stops a file that is too slow to read (HAVEYOURSAY_IMPORT_MAX_SECONDS);
    the writing has as long to read it again. Time spent writing, resting between chunks or
    waiting for the database is not reading: a large import beside busy respondents rests for
    minutes in all, and must not be stopped part-way for it."""
    settings.HAVEYOURSAY_IMPORT_MAX_SECONDS = 2
    monkeypatch.setattr(importing, "REST_SECONDS", 2.5)  # one rest outlasts the limit
    table = importing.open_table(survey_file(tmp_path, 2_100))
    mapping = importing.Mapping(
        table.columns, importing.targets_for(questionnaire), {0: "@respondent_id", 1: "vision", 2: "why_vision"}
    )
    batch, _ = importing.import_rows(questionnaire, table, mapping, chunk_rows=700)
    assert batch.state == ImportBatch.State.COMPLETE and Response.objects.counted().count() == 2_100
