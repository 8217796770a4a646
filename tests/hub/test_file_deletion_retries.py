"""A stored file the storage could not delete when its row was deleted is remembered, tried again
by `haveyoursay delete_stored_files` until it is deleted, and counted for the staff who delete
consultations when it keeps failing: against a real S3-compatible server (tests/test_object_storage.py),
out of reach (the site pointed at a port nothing listens on), then reachable again."""

import io
import socket

import pytest
from django.core.management import call_command
from django.urls import reverse

from haveyoursay.hub.models import Document, FileDeletion
from haveyoursay.stored_files import retry_file_deletions
from tests.factories import make_consultation, make_document
from tests.test_object_storage import bucket, keys, read_settings, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unreachable(settings, bucket, monkeypatch):  # noqa: F811
    """Turn the site's object store out of reach, and back: `unreachable(True)`. (A missing bucket
    would not do: deleting from one is taken for deleting what is already gone.)"""
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # fail at once, rather than after boto3's retries
    working = settings.STORAGES["default"]
    broken = {**working, "OPTIONS": {**working["OPTIONS"], "endpoint_url": f"http://127.0.0.1:{closed_port()}"}}

    def switch(failing):
        settings.STORAGES = {**settings.STORAGES, "default": broken if failing else working}

    return switch


def test_a_file_the_storage_could_not_delete_is_deleted_when_tried_again(
    bucket, unreachable, django_capture_on_commit_callbacks, caplog  # noqa: F811
):
    consultation = make_consultation(status="open")
    document = make_document(consultation, name="net-zero-strategy.pdf")
    kept = make_document(make_consultation(status="open"), name="waste-strategy.pdf")
    assert len(keys(bucket)) == 2
    unreachable(True)
    with django_capture_on_commit_callbacks(execute=True):
        consultation.delete()
    assert not Document.objects.filter(pk=document.pk).exists()
    assert f"consult/{document.file.name}" in keys(bucket)  # still there
    remembered = FileDeletion.objects.get()
    assert (remembered.storage, remembered.name, remembered.attempts) == ("default", document.file.name, 1)
    assert remembered.last_error == "EndpointConnectionError"
    logged = [record.getMessage() for record in caplog.records if record.name == "haveyoursay.stored_files"]
    # The kind of error, and no file name, which may be personal.
    assert logged == ["A stored file could not be deleted (EndpointConnectionError); it will be tried again."]

    assert retry_file_deletions() == (0, 1)  # still failing
    assert FileDeletion.objects.get().attempts == 2
    unreachable(False)
    assert retry_file_deletions() == (1, 0)
    assert keys(bucket) == [f"consult/{kept.file.name}"] and not FileDeletion.objects.exists()
    assert retry_file_deletions() == (0, 0)


def test_the_command_tries_again_and_warns_of_files_that_keep_failing(
    bucket, unreachable, django_capture_on_commit_callbacks  # noqa: F811
):
    document = make_document(make_consultation(status="open"))
    unreachable(True)
    with django_capture_on_commit_callbacks(execute=True):
        document.consultation.delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("delete_stored_files", stdout=out, stderr=err)
    assert out.getvalue() == "Stored files deleted: 0; still to delete: 1.\n" and err.getvalue() == ""
    call_command("delete_stored_files", stdout=out, stderr=err)
    assert "1 stored file(s) could not be deleted after 3 or more tries" in err.getvalue()
    unreachable(False)
    out = io.StringIO()
    call_command("delete_stored_files", stdout=out)
    assert out.getvalue() == "Stored files deleted: 1; still to delete: 0.\n" and keys(bucket) == []


def test_a_file_whose_name_a_row_holds_again_is_forgotten_not_deleted(bucket):  # noqa: F811
    document = make_document(make_consultation(status="open"))
    FileDeletion.objects.create(name=document.file.name, last_error="ClientError")
    assert retry_file_deletions() == (0, 0)
    assert keys(bucket) == [f"consult/{document.file.name}"] and not FileDeletion.objects.exists()


def test_those_who_delete_consultations_see_how_many_keep_failing(officer_client, viewer_client):
    page = reverse("jobs_staff:jobs")
    FileDeletion.objects.create(name="documents/old-plan.pdf", attempts=2)
    assert "could not be deleted" not in officer_client.get(page).content.decode()
    FileDeletion.objects.create(name="reports/engagement-report.pdf", attempts=3)
    FileDeletion.objects.create(name="reports/engagement-report.docx", attempts=7)
    html = officer_client.get(page).content.decode()
    assert (
        "2 stored files of deleted documents, reports or consultations could not be deleted after 3 or more tries"
    ) in html
    assert "could not be deleted" not in viewer_client.get(page).content.decode()
