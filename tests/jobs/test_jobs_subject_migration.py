"""Theme jobs queued before jobs had a subject are found by their question afterwards."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("jobs", "0001_initial"), ("surveys", "0004_import_batch_skipped_rows"), ("hub", "0001_initial")]
AFTER = [("jobs", "0002_job_subject")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_question_is_read_once_from_the_title_of_each_theme_job():
    apps = migrate(BEFORE)
    try:
        Consultation = apps.get_model("hub", "Consultation")
        consultation = Consultation._default_manager.create(title="Carers Strategy", slug="carers", summary="Carers.")
        questionnaire = apps.get_model("surveys", "Questionnaire").objects.create(consultation=consultation)
        page = apps.get_model("surveys", "Page").objects.create(questionnaire=questionnaire, title="Vision", position=1)
        question = apps.get_model("surveys", "Question").objects.create(
            page=page, position=1, code="why_vision", kind="long_text", text="Why do you say this?"
        )
        Job = apps.get_model("jobs", "Job")
        path = "haveyoursay.analysis.theme_tasks."
        suggesting = Job.objects.create(kind="analysis", title="Suggest themes for why_vision", consultation=consultation,
                                        task_path=path + "suggest_and_apply")  # fmt: skip
        applying = Job.objects.create(kind="analysis", title="Apply the themes for why_vision", consultation=consultation,
                                      task_path=path + "apply_codeframe")  # fmt: skip
        gone = Job.objects.create(kind="analysis", title="Suggest themes for deleted", consultation=consultation,
                                  task_path=path + "suggest_and_apply")  # fmt: skip
        report = Job.objects.create(kind="report", title="Report why_vision", consultation=consultation,
                                    task_path="haveyoursay.reports.tasks.generate")  # fmt: skip

        apps = migrate(AFTER)
        subjects = dict(apps.get_model("jobs", "Job").objects.values_list("pk", "subject"))
        assert subjects[suggesting.pk] == subjects[applying.pk] == f"question {question.pk}"
        assert subjects[gone.pk] == subjects[report.pk] == ""
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
