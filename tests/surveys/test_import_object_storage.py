"""With S3_BUCKET, a file of responses waits for its import in the object store, where a worker
on another machine finds it: against a real S3-compatible server (see tests/test_object_storage.py)."""

import datetime
import tempfile

import pytest

from haveyoursay.jobs.models import Job
from haveyoursay.surveys import importing
from haveyoursay.surveys.models import ImportBatch, Response
from tests.surveys.test_import_jobs import HEADER, MAPPED, ROWS, upload, url
from tests.test_object_storage import bucket, keys, read_settings, s3_endpoint  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_temp(monkeypatch, tmp_path):
    """Where this machine's temporary copies go, to see that none is left behind."""
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def uploads_in(bucket):  # noqa: F811
    return [key for key in keys(bucket) if key.startswith("consult/imports/")]


def test_an_upload_waits_in_the_bucket_and_is_imported_from_it_then_deleted(
    bucket, officer_client, questionnaire, committed, media_root, private_temp  # noqa: F811
):
    token = upload(officer_client, questionnaire, [HEADER, *ROWS])
    read_job = Job.objects.get(title__startswith="Read")
    (stored,) = [key for key in uploads_in(bucket) if importing.STORED_NAME.match(key.rsplit("/", 1)[1])]
    assert f"{stored}.job{read_job.pk}.json" in uploads_in(bucket)  # what the reading found
    assert not (media_root / "imports").exists()  # nothing on this machine's disk

    committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
    assert "Import 3 responses" in officer_client.get(url("check", questionnaire, token)).content.decode()
    committed(officer_client.post, url("run", questionnaire, token))

    batch = ImportBatch.objects.get()
    assert Response.objects.filter(import_batch=batch).count() == 3
    assert Job.objects.get(title="Import a file of responses").state == Job.State.SUCCEEDED
    assert uploads_in(bucket) == []  # the upload and what the jobs found in it
    assert list(private_temp.iterdir()) == []  # and no copy of it left on the worker


def test_a_check_lists_the_problems_it_found_from_the_bucket(
    bucket, officer_client, questionnaire, committed  # noqa: F811
):
    token = upload(officer_client, questionnaire, [HEADER, ROWS[0], ["LLR-002", "Quite keen", ""]])
    committed(officer_client.post, url("mapping", questionnaire, token), MAPPED)
    html = officer_client.get(url("check", questionnaire, token)).content.decode()
    assert "The file has 1 problem" in html and "“Quite keen” is not one of: Strongly agree" in html
    assert not Response.objects.exists()


def test_an_upload_gone_from_the_bucket_asks_for_it_again(bucket, officer_client, questionnaire):  # noqa: F811
    token = upload(officer_client, questionnaire, [HEADER, *ROWS])
    for key in uploads_in(bucket):
        bucket.delete_object(Bucket=bucket.name, Key=key)
    response = officer_client.get(url("mapping", questionnaire, token), follow=True)
    assert response.redirect_chain[-1][0] == url("upload", questionnaire)
    assert "uploads are kept for a day. Upload it again" in response.content.decode()


def test_uploads_left_in_the_bucket_for_a_day_are_deleted(bucket, officer_client, questionnaire):  # noqa: F811
    upload(officer_client, questionnaire, [HEADER, *ROWS])
    assert importing.remove_stale_uploads() == 0 and len(uploads_in(bucket)) == 2
    # As a day later: everything there now is older than a day would then be.
    assert importing.remove_stale_uploads(older_than=datetime.timedelta(days=-1)) == 2
    assert uploads_in(bucket) == []
