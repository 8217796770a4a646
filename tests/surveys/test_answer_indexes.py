"""Each answer is written once per index of its table, tens of millions of times on a large
site: the answers and the dictionary of closed answers keep no index that the index of their
unique constraint already is (its first column), and the migration that drops them leaves
every row where it was."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from haveyoursay.surveys.compact import fill_compact_answers
from haveyoursay.surveys.models import Answer, AnswerText
from tests.analysis.test_analysis_dataset import build, choice, respond

BEFORE = [("surveys", "0012_compact_copy_of_closed_answers")]
AFTER = [("surveys", "0013_answers_looked_up_by_their_unique_indexes")]


def indexes(table):
    """{name: (columns, unique)} of the table's indexes and unique constraints, primary key left out."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {name: (tuple(about["columns"]), bool(about["unique"])) for name, about in found.items()
            if (about["index"] or about["unique"]) and not about["primary_key"]}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db
def test_no_index_is_the_first_column_of_the_unique_one():
    for table, unique in (("surveys_answer", ("response_id", "question_id")),
                          ("surveys_answertext", ("question_id", "text"))):
        found = indexes(table)
        assert (unique, True) in found.values()
        assert not [name for name, (columns, _) in found.items() if columns == unique[:1]], table


@pytest.mark.django_db(transaction=True)
def test_the_migration_drops_them_and_keeps_every_answer():
    migrate(BEFORE)
    try:
        assert (("response_id",), False) in indexes("surveys_answer").values()
        assert (("question_id",), False) in indexes("surveys_answertext").values()
        # The tables' columns are as they are now: only indexes differ.
        questionnaire = build()
        response = respond(questionnaire, {"vision": choice("tend_to_agree"), "years": {"number": 7}})
        fill_compact_answers(questionnaire.pk)  # the dictionary's entries
        written = sorted(Answer.objects.values_list("response_id", "question_id", "value"))
        texts = sorted(AnswerText.objects.values_list("question_id", "text"))
        assert len(written) == 2 and texts

        migrate(AFTER)
        assert (("response_id",), False) not in indexes("surveys_answer").values()
        assert (("question_id",), False) not in indexes("surveys_answertext").values()
        assert sorted(Answer.objects.values_list("response_id", "question_id", "value")) == written
        assert sorted(AnswerText.objects.values_list("question_id", "text")) == texts
        assert {row[0] for row in written} == {response.pk}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
