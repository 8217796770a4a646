"""Consultations made before the search document was stored are found by their documents'
titles once the migrations have run, on PostgreSQL (which fills the column) and SQLite alike;
documents stored before their text was read wait to be read."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from haveyoursay.hub.models import Consultation, Document
from haveyoursay.hub.search import matching_documents

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("hub", "0006_remember_files_whose_deletion_failed")]
# The search as it is now reads documents' text too, which migration 0008 adds; it says which
# documents matched from the index migration 0009 makes of those already stored on SQLite, and
# from the search vectors migration 0010 stores on PostgreSQL.
AFTER = [("hub", "0010_store_each_documents_search_vector_on_postgresql")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_migration_stores_the_search_document_of_every_consultation_with_its_documents_titles():
    apps = migrate(BEFORE)
    try:
        consultation = apps.get_model("hub", "Consultation")._default_manager.create(
            title="Leicestershire's Resources and Waste Strategy", slug="waste", summary="Reducing waste."
        )
        apps.get_model("hub", "Document")._default_manager.create(
            consultation=consultation, title="Equality impact assessment", file="documents/eia.pdf",
            file_format="PDF", size_bytes=100, position=1,
        )  # fmt: skip
        migrate(AFTER)
        found = Consultation.private_objects.search("equality impact").values_list("title", flat=True)
        assert list(found) == ["Leicestershire's Resources and Waste Strategy"]
        assert list(Consultation.private_objects.search("waste equality").values_list("pk", flat=True)) == [
            consultation.pk
        ]
        assert [document.title for document in matching_documents(Document.objects.all(), "equality impact")] == [
            "Equality impact assessment"
        ]
        assert list(Document.objects.values_list("text_state", flat=True)) == [Document.TextState.WAITING]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
