"""The engagement report in Chromium: staff read it, the public read the published version,
both with axe-core finding nothing, on a desktop and a phone."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import run_job
from haveyoursay.reports import generating
from haveyoursay.reports.generating import generate_report_impl
from haveyoursay.reports.models import Publication
from tests.browser.test_staff_publishing import sign_in
from tests.reports.test_reports_generate import consultation  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]


def test_staff_read_the_report_and_the_public_read_what_was_published(
    page, mobile_page, officer, consultation, axe_check  # noqa: F811
):
    generate_report_impl(consultation.pk)
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{consultation.pk}/report/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Engagement report")
    expect(page.get_by_text("from 20 responses (up to date)")).to_be_visible()
    expect(page.get_by_role("table", name="To what extent do you agree or disagree with the proposed vision?")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Publish the public version").click()
    expect(page.get_by_text("The public version of the report is now on the consultation's page.")).to_be_visible()
    assert Publication.objects.filter(consultation=consultation).exists()

    mobile_page.goto(consultation.get_absolute_url())
    mobile_page.get_by_role("link", name="Read the engagement report").click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Engagement report")
    expect(mobile_page.get_by_role("link", name="Introduction and method")).to_be_visible()
    axe_check(mobile_page)
    # On a phone each row of a table is a block, each figure after its column's name, with nothing
    # to scroll sideways; a screen reader still has a table, with its row and column headers.
    table = mobile_page.get_by_role("table", name="To what extent do you agree or disagree with the proposed vision?")
    expect(table.get_by_role("columnheader", name="Number")).to_be_attached()
    row = table.get_by_role("row").filter(has=mobile_page.get_by_role("rowheader", name="Strongly agree", exact=True))
    expect(row.get_by_text("Number:")).to_be_visible()
    scrolling = mobile_page.locator(".hys-report__table").evaluate_all(
        "regions => regions.filter(region => region.scrollWidth > region.clientWidth).map(region => region.id"
        " || region.getAttribute('aria-labelledby'))"
    )
    assert not scrolling, f"report tables scrolling sideways at 375 px: {scrolling}"
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_report_page_and_the_job_page_follow_the_report_being_made_again(
    page, mobile_page, officer, consultation, axe_check  # noqa: F811
):
    generate_report_impl(consultation.pk)
    # Asked for and not yet picked up: the worker is this test, below.
    job = Job.objects.create(
        kind=Job.Kind.REPORT, title="Engagement report", consultation=consultation, requested_by=officer,
        task_path=generating.generate_report.module_path,
    )
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{consultation.pk}/report/")
    panel = page.locator("#report-job")
    expect(panel.get_by_role("heading", name="The report is being made again")).to_be_visible()
    expect(panel.get_by_role("status")).to_contain_text("Waiting to start")
    expect(panel.get_by_role("link", name=f"Follow job {job.pk}")).to_be_visible()
    expect(page.get_by_text("(up to date)")).to_have_count(0)
    axe_check(page)

    sign_in(mobile_page, officer)
    mobile_page.goto(f"/staff/jobs/{job.pk}/")
    expect(mobile_page.get_by_role("status")).to_contain_text("Waiting to start")
    axe_check(mobile_page)

    run_job(job.pk, generating.generate_report_impl, consultation.pk)
    # Both pages look again by themselves and go on to the result.
    expect(page.get_by_text("from 20 responses (up to date)")).to_be_visible()
    expect(page.locator("#report-job")).to_have_count(0)
    expect(mobile_page.get_by_role("status")).to_contain_text(re.compile(r"Done\s+after (less than a|1) minute"))
    mobile_page.get_by_role("link", name="See the report").click()
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Engagement report")
    axe_check(mobile_page)
