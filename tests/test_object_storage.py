"""Documents and reports kept in S3-compatible object storage (S3_BUCKET), against a real server.

`s3_endpoint` starts moto's S3-compatible HTTP server on a free loopback port for the session;
the site's own settings (read from settings.py with the S3_* variables set) point django-storages
at it, and every upload, download and deletion goes through boto3 over HTTP, as it would to any
other object store. Each test has its own empty bucket.
"""

import io
import runpy
import secrets
from pathlib import Path

import boto3
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.test import RequestFactory
from django.urls import reverse

import haveyoursay
from haveyoursay.hub.models import Document
from haveyoursay.hub.views import document as document_view
from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import EngagementReport, Publication
from tests.factories import MINIMAL_PDF, make_consultation, make_document
from tests.hub.test_document_text import docx_of
from tests.hub.test_views import titles_on
from tests.reports.test_reports_generate import consultation as report_consultation  # noqa: F401 (the fixture)

SETTINGS = Path(haveyoursay.__file__).parent / "settings.py"
ACCESS_KEY, SECRET_KEY = "haveyoursay-test", "haveyoursay-test-secret"
S3_VARIABLES = ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX")


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def read_settings(monkeypatch, tmp_path):
    """Read settings.py afresh under these environment variables (the live settings are untouched)."""

    def read(**environment):
        monkeypatch.setenv("HAVEYOURSAY_DATA_DIR", str(tmp_path))
        for name in S3_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return read


@pytest.fixture
def bucket(settings, s3_endpoint, read_settings):
    """A new bucket on the S3 server, made the site's file storage as S3_BUCKET would; a boto3
    client onto it, to see what the site put there."""
    name = f"haveyoursay-{secrets.token_hex(6)}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name="eu-west-2",
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    configured = read_settings(
        S3_BUCKET=name, S3_ENDPOINT_URL=s3_endpoint, S3_REGION="eu-west-2",
        S3_ACCESS_KEY_ID=ACCESS_KEY, S3_SECRET_ACCESS_KEY=SECRET_KEY, S3_PREFIX="consult",
    )
    settings.STORAGES = {**settings.STORAGES, "default": configured["STORAGES"]["default"]}
    client.name = name
    return client


def keys(bucket):
    return sorted(item["Key"] for item in bucket.list_objects_v2(Bucket=bucket.name).get("Contents", []))


def body(response):
    return b"".join(response.streaming_content)


class TestSettings:
    def test_files_stay_on_local_disk_by_default(self, read_settings):
        assert read_settings()["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"

    def test_s3_bucket_keeps_files_in_object_storage_without_public_addresses(self, read_settings):
        storage = read_settings(S3_BUCKET="council-files", S3_ENDPOINT_URL="https://objects.example.net")["STORAGES"]
        assert storage["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = storage["default"]["OPTIONS"]
        assert options["bucket_name"] == "council-files"
        assert options["endpoint_url"] == "https://objects.example.net"
        assert options["default_acl"] is None and options["querystring_auth"] is True
        assert options["file_overwrite"] is False
        assert storage["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"

    def test_it_refuses_a_key_without_its_secret(self, read_settings):
        with pytest.raises(ImproperlyConfigured, match="both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"):
            read_settings(S3_BUCKET="council-files", S3_ACCESS_KEY_ID="AKIA")

    def test_it_refuses_an_endpoint_that_is_not_an_address(self, read_settings):
        with pytest.raises(ImproperlyConfigured, match="S3_ENDPOINT_URL must be the object store's address"):
            read_settings(S3_BUCKET="council-files", S3_ENDPOINT_URL="objects.example.net/bucket")


@pytest.mark.django_db
class TestDocuments:
    def upload(self, client, consultation, content=MINIMAL_PDF, name="net-zero-strategy.pdf"):
        upload = io.BytesIO(content)
        upload.name = name
        data = {"title": "Draft Net Zero Strategy and Action Plan", "kind": "main", "language": "", "file": upload}
        return client.post(reverse("staff:document_new", args=[consultation.pk]), data)

    def test_an_uploaded_document_is_kept_in_the_bucket_and_downloaded_through_the_site(
        self, bucket, officer_client, client, media_root
    ):
        consultation = make_consultation(status="open")
        assert self.upload(officer_client, consultation).status_code == 302
        document = consultation.documents.get()
        assert keys(bucket) == [f"consult/{document.file.name}"]
        assert not any(media_root.rglob("*.pdf"))
        assert document.size_bytes == len(MINIMAL_PDF)

        response = client.get(document.get_absolute_url())
        assert response.status_code == 200
        assert body(response) == MINIMAL_PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Length"] == str(len(MINIMAL_PDF))
        assert "sandbox" in response["Content-Security-Policy"]

    def test_the_text_of_a_document_in_the_bucket_is_read_for_the_search(
        self, bucket, officer_client, client, django_capture_on_commit_callbacks
    ):
        consultation = make_consultation(status="open", title="Net Zero Leicestershire Strategy and Action Plan")
        content = docx_of("Heat pumps and insulation for the county's care homes.")
        with django_capture_on_commit_callbacks(execute=True):
            assert self.upload(officer_client, consultation, content, "net-zero.docx").status_code == 302
        assert consultation.documents.get().text_state == Document.TextState.READ
        assert titles_on(client.get("/?q=insulation")) == ["Net Zero Leicestershire Strategy and Action Plan"]

    def test_a_draft_consultations_document_in_the_bucket_is_refused_to_the_public(self, bucket, client, viewer_client):
        document = make_document(make_consultation(published=False))
        assert keys(bucket) == [f"consult/{document.file.name}"]
        assert client.get(document.get_absolute_url()).status_code == 404
        response = viewer_client.get(document.get_absolute_url())
        assert body(response) == MINIMAL_PDF
        assert response["Cache-Control"].startswith("private, no-store")

    def test_two_documents_of_the_same_name_are_two_objects(self, bucket, client):
        consultation = make_consultation(status="open")
        first = make_document(consultation, name="plan.pdf", content=MINIMAL_PDF)
        second = make_document(consultation, name="plan.pdf", content=MINIMAL_PDF + b"%second")
        assert first.file.name != second.file.name and len(keys(bucket)) == 2
        assert body(client.get(first.get_absolute_url())) == MINIMAL_PDF
        assert body(client.get(second.get_absolute_url())) == MINIMAL_PDF + b"%second"

    def test_removing_a_document_deletes_its_object(self, bucket, officer_client, django_capture_on_commit_callbacks):
        consultation = make_consultation(status="open")
        document = make_document(consultation)
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:document_delete", args=[consultation.pk, document.pk]))
        assert not Document.objects.filter(pk=document.pk).exists()
        assert keys(bucket) == []

    def test_deleting_a_consultation_deletes_its_documents_and_reports_objects(
        self, bucket, django_capture_on_commit_callbacks
    ):
        from tests.hub.test_consultation_deletion import with_stored_files

        consultation = with_stored_files()
        kept = make_document(make_consultation(status="open"))
        assert len(keys(bucket)) == 7
        with django_capture_on_commit_callbacks(execute=True):
            consultation.delete()
        assert keys(bucket) == [f"consult/{kept.file.name}"]

    def test_replacing_a_documents_file_deletes_the_old_object(
        self, bucket, officer_client, client, django_capture_on_commit_callbacks
    ):
        consultation = make_consultation(status="open")
        document = make_document(consultation, name="old-plan.pdf")
        replacement = io.BytesIO(MINIMAL_PDF + b"%revised")
        replacement.name = "revised-plan.pdf"
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(
                reverse("staff:document_edit", args=[consultation.pk, document.pk]),
                {"title": "Revised plan", "kind": "main", "language": "", "file": replacement},
            )
        assert response.status_code == 302
        document.refresh_from_db()
        assert keys(bucket) == [f"consult/{document.file.name}"]
        assert body(client.get(document.get_absolute_url())) == MINIMAL_PDF + b"%revised"

    def test_a_large_document_is_streamed_from_the_bucket_as_it_is_sent_not_fetched_whole_first(self, bucket):
        content = MINIMAL_PDF + secrets.token_bytes(3 * 1024 * 1024)
        document = make_document(make_consultation(status="open"), content=content)
        request = RequestFactory().get(document.get_absolute_url())
        request.user = AnonymousUser()
        response = document_view(request, document.pk, document.download_name)
        assert response["Content-Length"] == str(len(content))
        chunks = iter(response.streaming_content)
        first = next(chunks)
        assert content.startswith(first)
        assert response.file_to_stream.body.tell() < len(content) // 2
        assert first + b"".join(chunks) == content

    def test_a_document_whose_object_has_gone_is_not_found_rather_than_an_error(self, bucket, client):
        document = make_document(make_consultation(status="open"))
        bucket.delete_object(Bucket=bucket.name, Key=f"consult/{document.file.name}")
        assert client.get(document.get_absolute_url()).status_code == 404


@pytest.mark.django_db
class TestReports:
    def test_a_generated_report_is_kept_in_the_bucket_and_each_version_goes_only_to_whom_it_is_for(
        self, bucket, report_consultation, client, officer_client, outsider_client  # noqa: F811
    ):
        generate_report_impl(report_consultation.pk)
        reports = {r.audience: r for r in EngagementReport.objects.filter(consultation=report_consultation)}
        assert keys(bucket) == sorted(
            f"consult/{getattr(report, fmt).name}" for report in reports.values() for fmt in ("pdf", "docx")
        )
        staff_pdf = reverse("reports_staff:download", args=[report_consultation.pk, "staff", "pdf"])
        public_pdf = reverse("reports:download", args=[report_consultation.slug, "pdf"])

        response = officer_client.get(staff_pdf)
        stored = bucket.get_object(Bucket=bucket.name, Key=f"consult/{reports['staff'].pdf.name}")["Body"].read()
        assert body(response) == stored and stored.startswith(b"%PDF-")
        assert response["Content-Length"] == str(len(stored))
        assert response["Cache-Control"].startswith("private, no-store")
        # Only ever through the site: no redirect to, and no mention of, the bucket.
        assert "Location" not in response and bucket.name not in str(response.headers)

        assert outsider_client.get(staff_pdf).status_code in (403, 404)
        assert client.get(staff_pdf).status_code == 302  # to the sign-in page
        assert client.get(public_pdf).status_code == 404  # not published yet

        Publication.objects.create(consultation=report_consultation)
        public = bucket.get_object(Bucket=bucket.name, Key=f"consult/{reports['public'].docx.name}")["Body"].read()
        assert body(client.get(reverse("reports:download", args=[report_consultation.slug, "docx"]))) == public

    def test_making_the_report_again_replaces_its_objects(
        self, bucket, report_consultation, django_capture_on_commit_callbacks  # noqa: F811
    ):
        generate_report_impl(report_consultation.pk)
        first = keys(bucket)
        with django_capture_on_commit_callbacks(execute=True):
            generate_report_impl(report_consultation.pk)
        reports = EngagementReport.objects.filter(consultation=report_consultation)
        assert len(first) == 4
        assert keys(bucket) == sorted(f"consult/{getattr(r, fmt).name}" for r in reports for fmt in ("pdf", "docx"))

    def test_the_storage_the_site_uses_is_the_bucket(self, bucket):
        name = default_storage.save("probe.txt", io.BytesIO(b"probe"))
        assert keys(bucket) == [f"consult/{name}"]
        assert default_storage.open(name).read() == b"probe"
