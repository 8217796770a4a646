"""The consultation team answers residents' requests: finds everything held about a person and
downloads it, erases a response after reading what that means, and follows retention; by
keyboard where it matters, with axe-core on every page, and at a phone's width."""

import pytest
from playwright.sync_api import expect

from haveyoursay.privacy.retention import apply_retention
from haveyoursay.surveys.models import Response
from tests.browser.test_responding_journey import tab_to
from tests.browser.test_staff_publishing import sign_in
from tests.privacy.conftest import carers, send  # noqa: F401 (a fixture)


@pytest.fixture(autouse=True)
def server(live_server):
    return live_server


def press(page, locator):
    tab_to(page, locator)
    page.keyboard.press("Enter")


def test_an_officer_finds_a_persons_data_and_erases_their_response(page, officer, carers, axe_check):  # noqa: F811
    jo = send(carers, why="More respite breaks.", respondent_name="Jo Bloggs", email="jo.bloggs@example.org")
    sign_in(page, officer)
    page.goto("/staff/personal-data/subject-access/")
    axe_check(page)
    page.get_by_label("Their email address").check()
    page.get_by_label("Search for").fill("jo.bloggs at example")
    press(page, page.get_by_role("button", name="Search"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    axe_check(page)
    page.get_by_label("Search for").fill("jo.bloggs@example.org")
    press(page, page.get_by_role("button", name="Search"))
    expect(page.get_by_role("heading", level=2, name="1 record found")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        press(page, page.get_by_role("button", name="Download for the person"))
    assert download.value.suggested_filename.startswith("information-we-hold-")

    page.get_by_role("link", name=f"Open response {jo.reference}").click()
    press(page, page.get_by_role("link", name="Erase this response"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Erase response {jo.reference}")
    axe_check(page)
    press(page, page.get_by_role("button", name=f"Erase response {jo.reference}"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether to anonymise")
    axe_check(page)
    page.get_by_label("Anonymise it").check()
    press(page, page.get_by_role("button", name=f"Erase response {jo.reference}"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is anonymised and no longer counted")
    jo.refresh_from_db()
    assert jo.excluded_as == Response.Exclusion.ERASED and jo.email == ""


def test_the_retention_pages_read_at_a_phones_width(mobile_page, officer, carers, axe_check):  # noqa: F811
    send(carers, why="Ring Mrs Patel on 07700 900123.", respondent_name="Jo Bloggs")
    sign_in(mobile_page, officer)
    mobile_page.goto("/staff/personal-data/retention/")
    expect(mobile_page.get_by_text("Overdue")).to_be_visible()
    axe_check(mobile_page)
    apply_retention(carers.consultation)
    mobile_page.goto(f"/staff/consultations/{carers.consultation.pk}/retention/")
    expect(mobile_page.get_by_text("by the daily retention job")).to_be_visible()
    axe_check(mobile_page)
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
