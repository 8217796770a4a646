"""Every import made before imports were written in chunks was written whole: it becomes
complete, with every row written, and its responses stay counted."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("surveys", "0008_response_erasure"), ("hub", "0001_initial")]
AFTER = [("surveys", "0009_imports_in_chunks")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_earlier_imports_become_complete_with_every_row_written():
    apps = migrate(BEFORE)
    try:
        Consultation = apps.get_model("hub", "Consultation")
        consultation = Consultation._default_manager.create(title="Carers Strategy", slug="carers", summary="Carers.")
        questionnaire = apps.get_model("surveys", "Questionnaire").objects.create(consultation=consultation)
        batch = apps.get_model("surveys", "ImportBatch").objects.create(
            questionnaire=questionnaire, file_name="june.csv", file_sha256="0" * 64, row_count=120
        )

        apps = migrate(AFTER)
        migrated = apps.get_model("surveys", "ImportBatch").objects.get(pk=batch.pk)
        assert (migrated.state, migrated.rows_written, migrated.rows_to_write) == ("complete", 120, 120)
        assert migrated.completed_at == migrated.imported_at == migrated.written_at
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
