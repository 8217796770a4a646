"""An import writes its responses and answers with INSERT statements built once, not by the
ORM's compiler for every chunk: what they write is what `bulk_create` writes, value for value,
and each response learns its own id."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from haveyoursay.surveys.models import Answer, Question, Response
from haveyoursay.surveys.submission import insert_answers, insert_responses

pytestmark = pytest.mark.django_db

# More than one statement's worth on SQLite (999 parameters: 32 responses of 31 fields).
COUNT = 70
VALUES = [
    {"choice": "tend_to_agree"},
    {"choices": ["respite", "information"], "other": "Help with “the forms”, in Melton"},
    "Respite is hard to find in Melton",
    7,
    2.5,
    {"rows": {"health": "very_important"}, "ranking": ["a", "b"]},
]


def responses(questionnaire, officer, tag):
    received = datetime.date(2022, 6, 3)
    return [
        Response(
            # References out of the order the rows are written in.
            questionnaire=questionnaire, reference=f"{tag}{n * 37 % COUNT:07d}",
            channel=["post", "import", "email"][n % 3],
            state=Response.State.SUBMITTED, started_at=timezone.make_aware(datetime.datetime(2022, 6, 1, 9, n % 60)),
            submitted_at=timezone.make_aware(datetime.datetime(2022, 6, 2, 17, n % 60)),
            received_on=received if n % 2 else None, respondent_kind=["individual", "organisation"][n % 2],
            organisation_name="Rutland Carers' Forum" if n % 2 else "", organisation_role="Chair" if n % 2 else "",
            entered_by=officer if n % 4 else None, import_key=f"LLR-{n:03}-{tag}",
        )
        for n in range(COUNT)
    ]


def stored(queryset):
    """Every column as stored, but the id, the reference, the time of writing, and the import
    key's last letter (each set's own: the keys are unique within a questionnaire)."""
    leave_out = {"id", "reference", "updated_at"}
    names = [f.attname for f in Response._meta.concrete_fields if f.attname not in leave_out]
    key = names.index("import_key")
    rows = queryset.order_by("import_key").values_list(*names)
    return [(*row[:key], row[key][:-1], *row[key + 1 :]) for row in rows]


def test_responses_are_written_as_bulk_create_writes_them(questionnaire, officer):
    by_orm = Response.all_objects.bulk_create(responses(questionnaire, officer, "A"))
    ours = responses(questionnaire, officer, "B")
    before = timezone.now()

    insert_responses(ours)

    assert stored(Response.all_objects.filter(reference__startswith="A")) == stored(
        Response.all_objects.filter(reference__startswith="B")
    )
    assert len(stored(Response.all_objects.filter(reference__startswith="B"))) == COUNT
    # Each response has the id of its own row, and the time it was written.
    rows = dict(Response.all_objects.filter(reference__startswith="B").values_list("pk", "reference"))
    assert {response.pk: response.reference for response in ours} == rows
    assert all(not response._state.adding for response in ours)
    assert all(response.updated_at >= before for response in Response.all_objects.filter(pk__in=rows))
    assert len({response.pk for response in by_orm} | set(rows)) == 2 * COUNT


def test_answers_are_stored_as_the_json_field_stores_them(questionnaire, officer):
    first, second = Response.all_objects.bulk_create(responses(questionnaire, officer, "C")[:2])
    questions = list(Question.objects.filter(page__questionnaire=questionnaire).order_by("pk"))
    now = timezone.now()
    Answer.objects.bulk_create(
        [Answer(response=first, question=q, value=v, updated_at=now) for q, v in zip(questions, VALUES)]
    )
    insert_answers(((second.pk, q.pk, v) for q, v in zip(questions, VALUES)), now)

    table, value = Answer._meta.db_table, Answer._meta.get_field("value").column
    with connection.cursor() as cursor:
        # As the database holds them: SQLite keeps the text it was given, PostgreSQL its jsonb.
        cursor.execute(f"SELECT response_id, question_id, {value} FROM {table} ORDER BY question_id, response_id")
        rows = cursor.fetchall()
    by_response = {first.pk: [], second.pk: []}
    for response_id, question_id, text in rows:
        by_response[response_id].append((question_id, text))
    assert len(by_response[second.pk]) == len(VALUES)
    assert by_response[first.pk] == by_response[second.pk]
