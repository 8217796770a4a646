"""The consultation record in Chromium: staff reach it from the consultation, read the four
principles with the missing evidence marked, and download the PDF; axe-core finds nothing on
a desktop or a phone."""

import pytest
from playwright.sync_api import expect

from haveyoursay.hub.models import Document
from tests.browser.test_staff_publishing import sign_in
from tests.outcomes.test_consultation_record import plan  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]

HEADINGS = ["1. Formative stage", "2. Sufficient information", "3. Adequate time", "4. Conscientious consideration"]


def test_staff_read_the_record_with_its_gaps_and_download_it(
    page, mobile_page, officer, plan, axe_check  # noqa: F811
):
    plan.documents.filter(kind=Document.Kind.EQUALITY_IMPACT).delete()
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{plan.pk}/")
    page.get_by_role("link", name="the consultation record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultation record")
    for heading in HEADINGS:
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_text("1 piece of evidence missing.").first).to_be_visible()
    row = page.locator(".govuk-summary-list__row", has_text="Equality impact assessment")
    expect(row.get_by_text("Missing", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name="Put right equality impact assessment")).to_be_visible()
    axe_check(page)

    download = page.get_by_role("button", name="Download the record (PDF)")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    sign_in(mobile_page, officer)
    mobile_page.goto(f"/staff/consultations/{plan.pk}/record/")
    expect(mobile_page.get_by_role("heading", level=2, name="3. Adequate time")).to_be_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(mobile_page)
