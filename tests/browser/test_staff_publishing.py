"""The consultation team's journey: sign in, write a consultation, fix mistakes, add a
document, preview it and publish it, in Chromium and with axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.hub.models import Consultation
from tests.factories import MINIMAL_PDF, make_partner

pytestmark = pytest.mark.usefixtures("empty_cache")


def sign_in(page, user):
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to the staff site")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")


def fill_date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def run_publish_flow(page, officer, axe_check, tmp_path):
    sign_in(page, officer)
    axe_check(page)
    page.get_by_role("button", name="Create a consultation").click()
    axe_check(page)

    # A mistake first: no title, and a closing date before the opening date.
    page.get_by_label("Summary").fill("The strategy examines what happens to your recycling and waste.")
    fill_date(page, "Opening date", "31", "1", "2040")
    fill_date(page, "Closing date", "25", "4", "2039")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(summary).to_contain_text("Closing date must be the same as or after the opening date")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Summary")).to_have_value("The strategy examines what happens to your recycling and waste.")
    axe_check(page)

    summary.get_by_role("link", name="Enter a title").click()
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Title").fill("Leicestershire's Resources and Waste Strategy 2022-2050")
    fill_date(page, "Closing date", "25", "4", "2040")
    page.get_by_label("We asked", exact=True).fill(
        "The strategy has 11 pledges.\n\n- supporting and encouraging waste prevention\n- delivering reuse services"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("has been saved as a draft")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Add a document").click()
    axe_check(page)
    pdf = tmp_path / "Draft Resources and Waste Strategy 2022-2050.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.get_by_label("Title").fill("Draft Resources and Waste Strategy 2022-2050")
    page.get_by_label("Main document").check()
    page.get_by_label("File").set_input_files(str(pdf))
    page.get_by_role("button", name="Add document").click()
    expect(page.get_by_text("has been added")).to_be_visible()

    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".hys-preview-banner")).to_contain_text("this consultation is not published")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leicestershire's Resources and Waste Strategy 2022-2050")
    expect(page.get_by_role("listitem").filter(has_text="delivering reuse services")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Back to the staff site").click()

    # Publishing is refused until the checklist is complete; each missing item links to its fix.
    checklist = page.locator(".govuk-task-list")
    expect(checklist.locator(".govuk-task-list__item").filter(has_text="Missing")).to_have_count(3)
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("Add who is consulting, contact and a way to respond first.")).to_be_visible()
    assert Consultation.private_objects.get().published_at is None
    axe_check(page)
    page.get_by_role("link", name="Who is consulting").click()
    page.get_by_label("Leicestershire County Council").check()
    page.get_by_label("Contact email").fill("policy@leics.gov.uk")
    page.get_by_label("Email responses to").fill("policy@leics.gov.uk")
    page.get_by_role("button", name="Save").click()
    expect(checklist.locator(".govuk-task-list__item").filter(has_text="Missing")).to_have_count(0)

    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("is published. The public can see it now.")).to_be_visible()
    consultation = Consultation.public_objects.get()
    page.goto(consultation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    expect(page.get_by_text("Draft Resources and Waste Strategy 2022-2050").first).to_be_visible()
    # The size shown is the stored file's own.
    expect(page.locator(".hys-document__meta")).to_have_text(f"Main document · PDF, {len(MINIMAL_PDF)} bytes")
    axe_check(page)


@pytest.fixture(autouse=True)
def council(live_server):
    return make_partner("Leicestershire County Council")


def test_an_officer_writes_previews_and_publishes_a_consultation(page, officer, axe_check, tmp_path):
    run_publish_flow(page, officer, axe_check, tmp_path)


def test_the_same_journey_works_without_javascript(nojs_page, officer, axe_check, tmp_path):
    run_publish_flow(nojs_page, officer, axe_check, tmp_path)


def test_a_viewer_sees_no_buttons_that_would_change_anything(page, viewer, axe_check):
    Consultation.private_objects.create(title="Net zero strategy", slug="net-zero", summary="Draft")
    sign_in(page, viewer)
    page.get_by_role("link", name="Net zero strategy").click()
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    axe_check(page)
