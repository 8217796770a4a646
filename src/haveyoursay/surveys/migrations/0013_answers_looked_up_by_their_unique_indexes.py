"""The answers' index by response, and the dictionary's by question, dropped: the unique
constraint's index of each table begins with the same column and serves the same lookups.

Dropped by name, not by altering the fields as Django would: on SQLite that copies the whole
table of answers (tens of millions of rows, on a large site) to drop one index."""

from django.db import migrations, models

REDUNDANT = [
    ("surveys_answer", "response_id", "surveys_answer_response_id_5416c873"),
    ("surveys_answertext", "question_id", "surveys_answertext_question_id_75f03cdf"),
]


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    for table, column, _ in REDUNDANT:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, table)
        for name, about in constraints.items():
            if about["index"] and not about["unique"] and not about["primary_key"] and about["columns"] == [column]:
                schema_editor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")


def create_indexes(apps, schema_editor):
    qn = schema_editor.connection.ops.quote_name
    for table, column, name in REDUNDANT:
        schema_editor.execute(f"CREATE INDEX {qn(name)} ON {qn(table)} ({qn(column)})")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0012_compact_copy_of_closed_answers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="answer",
                    name="response",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.CASCADE, related_name="answers",
                        to="surveys.response",
                    ),
                ),
                migrations.AlterField(
                    model_name="answertext",
                    name="question",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.CASCADE, related_name="+", to="surveys.question"
                    ),
                ),
            ],
        ),
    ]
