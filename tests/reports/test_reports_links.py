"""Links in the report's files are whole addresses built from SITE_URL, or absent; the public
version never links to the staff site."""

import io
import runpy
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from pypdf import PdfReader

import haveyoursay
from haveyoursay.reports.document import Paragraph
from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import EngagementReport
from tests.reports.test_reports_generate import consultation  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

SITE = "https://haveyoursay.leics.gov.uk"


def pdf_reader(report):
    with report.pdf.open("rb") as file:
        return PdfReader(io.BytesIO(file.read()))


def pdf_links(report):
    """Every address a link in the PDF opens (links within the document are not addresses)."""
    links = []
    for page in pdf_reader(report).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and action.get("/S") == "/URI":
                links.append(str(action["/URI"]))
    return links


def word_links(report):
    with report.docx.open("rb") as file:
        document = docx.Document(io.BytesIO(file.read()))
    return [rel.target_ref for rel in document.part.rels.values() if rel.is_external and "hyperlink" in rel.reltype]


def versions(consultation):  # noqa: F811
    generate_report_impl(consultation.pk)
    reports = EngagementReport.objects.filter(consultation=consultation)
    return {report.audience: report for report in reports}


def test_the_staff_version_links_to_the_comments_by_their_whole_address(consultation, settings):  # noqa: F811
    settings.SITE_URL = SITE
    staff = versions(consultation)["staff"]
    comments = SITE + reverse("analysis_staff:comments", args=[consultation.pk, "why"])
    assert set(pdf_links(staff)) == {comments}  # one link, perhaps over two lines
    assert word_links(staff) == [comments]
    assert f'href="{comments}"' in staff.html


def test_the_public_version_has_no_relative_link_and_none_to_the_staff_site(consultation, settings):  # noqa: F811
    settings.SITE_URL = SITE
    public = versions(consultation)["public"]
    links = pdf_links(public) + word_links(public)
    assert all(link.startswith(("https://", "http://")) for link in links), links
    assert not [link for link in links if "/staff/" in link]
    assert "/staff/" not in public.html
    text = "".join(page.extract_text() for page in pdf_reader(public).pages)
    assert "/staff/" not in text


def test_without_a_site_url_the_files_carry_no_link_and_no_bare_path(consultation, settings):  # noqa: F811
    settings.SITE_URL = ""
    staff = versions(consultation)["staff"]
    assert pdf_links(staff) == [] and word_links(staff) == []
    text = "".join(page.extract_text() for page in pdf_reader(staff).pages)
    assert "/staff/" not in text and "/staff/" not in staff.html
    assert "Read the comments on the staff site" in staff.html


def test_a_report_refuses_a_link_that_is_not_a_whole_address():
    with pytest.raises(ValueError, match="whole address"):
        Paragraph("Read the comments:", link="/staff/consultations/1/comments/why/")


def read_settings(monkeypatch, tmp_path, **environment):
    monkeypatch.setenv("HAVEYOURSAY_DATA_DIR", str(tmp_path))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(haveyoursay.__file__).parent / "settings.py"))


def test_site_url_is_read_from_the_environment_and_checked(monkeypatch, tmp_path):
    monkeypatch.delenv("SITE_URL", raising=False)
    assert read_settings(monkeypatch, tmp_path)["SITE_URL"] == ""
    assert read_settings(monkeypatch, tmp_path, SITE_URL=SITE + "/")["SITE_URL"] == SITE
    for wrong in ("haveyoursay.leics.gov.uk", "ftp://haveyoursay.leics.gov.uk", "https://x/?a=1"):
        with pytest.raises(ImproperlyConfigured, match="SITE_URL must be the site's address"):
            read_settings(monkeypatch, tmp_path, SITE_URL=wrong)
