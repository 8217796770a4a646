"""Deleting a consultation deletes the files stored for it (its documents' uploads, its reports'
PDF and Word files) once the deletion has committed, and keeps them if it is rolled back."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from haveyoursay.hub.models import Consultation, Document
from haveyoursay.reports.models import EngagementReport
from tests.factories import MINIMAL_PDF, make_consultation, make_document

pytestmark = pytest.mark.django_db


def with_stored_files(title="Net zero strategy and action plan 2045"):
    """A consultation with two documents and a generated report (staff and public versions)."""
    consultation = make_consultation(status="closed", title=title)
    make_document(consultation, title="Draft Net Zero Strategy", name="net-zero-strategy.pdf")
    make_document(consultation, title="Easy read", name="net-zero-easy-read.pdf")
    for audience in EngagementReport.Audience.values:
        report = EngagementReport(consultation=consultation, audience=audience, html="<p>Report</p>",
                                  response_count=0, data_fingerprint="0" * 64)  # fmt: skip
        report.pdf.save("report.pdf", ContentFile(MINIMAL_PDF), save=False)
        report.docx.save("report.docx", ContentFile(b"PK\x03\x04 word"), save=False)
        report.save()
    return consultation


def stored(media_root):
    return sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file())


def test_deleting_a_consultation_deletes_its_documents_and_reports_files(
    media_root, django_capture_on_commit_callbacks
):
    consultation = with_stored_files()
    kept = with_stored_files(title="Pharmacy services 2022")
    kept_files = sorted(
        [document.file.name for document in kept.documents.all()]
        + [getattr(report, fmt).name for report in kept.reports.all() for fmt in ("pdf", "docx")]
    )
    assert len(stored(media_root)) == 12
    with django_capture_on_commit_callbacks(execute=True):
        consultation.delete()
    assert not Document.objects.filter(consultation_id=consultation.pk).exists()
    assert stored(media_root) == kept_files


def test_deleting_consultations_in_bulk_deletes_their_files_too(media_root, django_capture_on_commit_callbacks):
    with_stored_files()
    with_stored_files(title="Pharmacy services 2022")
    with django_capture_on_commit_callbacks(execute=True):
        Consultation.private_objects.all().delete()
    assert stored(media_root) == []


def test_the_files_stay_until_the_deletion_commits_and_if_it_is_rolled_back(
    media_root, django_capture_on_commit_callbacks
):
    consultation = with_stored_files()
    pk, before = consultation.pk, stored(media_root)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            consultation.delete()
            assert stored(media_root) == before  # not yet: the deletion may still be undone
            raise RuntimeError("the deletion is rolled back")
    assert callbacks == []
    assert Consultation.private_objects.filter(pk=pk).exists()
    assert stored(media_root) == before
