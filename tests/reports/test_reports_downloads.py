"""Every download of the report and its open data is named for what it is: public or staff."""

import re

import pytest
from django.urls import reverse

from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import Publication
from tests.reports.test_reports_generate import consultation  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

REPORT_FORMATS = ("html", "pdf", "docx")
OPEN_DATA = ("responses.csv", "responses.json", "tables.csv", "dictionary.md", "dictionary.json")


def filename(response):
    found = re.search(r'filename="([^"]+)"', response["Content-Disposition"])
    assert found, response["Content-Disposition"]
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return found.group(1)


@pytest.fixture
def published(consultation):  # noqa: F811
    generate_report_impl(consultation.pk)
    Publication.objects.create(consultation=consultation)
    return consultation


def test_the_public_get_files_named_as_the_public_version(client, published):
    for fmt in REPORT_FORMATS:
        response = client.get(reverse("reports:download", args=[published.slug, fmt]))
        assert response.status_code == 200, fmt
        assert filename(response) == f"carers-strategy-engagement-report.{fmt}"
    for name in OPEN_DATA:
        response = client.get(reverse("reports:open_data", args=[published.slug, name]))
        assert filename(response) == f"carers-strategy-open-data-{name}"


def test_staff_get_each_version_named_for_what_it_is(officer_client, published):
    for fmt in REPORT_FORMATS:
        public = officer_client.get(reverse("reports_staff:download", args=[published.pk, "public", fmt]))
        staff = officer_client.get(reverse("reports_staff:download", args=[published.pk, "staff", fmt]))
        assert filename(public) == f"carers-strategy-engagement-report.{fmt}"
        assert filename(staff) == f"carers-strategy-engagement-report-staff.{fmt}"
    for name in OPEN_DATA:
        # The open data is the same public set on both sites, so it has the same name.
        response = officer_client.get(reverse("reports_staff:open_data", args=[published.pk, name]))
        assert filename(response) == f"carers-strategy-open-data-{name}"


def test_the_pdf_opens_in_the_browser_and_the_others_are_saved(client, published):
    disposition = {
        fmt: client.get(reverse("reports:download", args=[published.slug, fmt]))["Content-Disposition"]
        for fmt in REPORT_FORMATS
    }
    assert disposition["pdf"].startswith("inline")
    assert disposition["docx"].startswith("attachment") and disposition["html"].startswith("attachment")


def test_the_html_file_is_the_report_standing_alone(client, officer_client, published):
    public = client.get(reverse("reports:download", args=[published.slug, "html"])).content.decode()
    staff = officer_client.get(reverse("reports_staff:download", args=[published.pk, "staff", "html"])).content.decode()
    assert public.startswith("<!DOCTYPE html>") and "Results, question by question" in public
    assert "(staff version)" in staff and "(staff version)" not in public
    assert "/staff/" not in public
