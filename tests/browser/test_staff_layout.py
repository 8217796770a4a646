"""The staff site's header and a consultation's page, at a laptop's 1280 px and a phone's
375 px: the staff menu on one line on the laptop and behind "Menu" on the phone, and nothing
wider than the phone's screen."""

import pytest
from playwright.sync_api import expect

from tests.factories import make_consultation, make_document

pytestmark = pytest.mark.usefixtures("empty_cache")

SECTIONS = ["Consultations", "Meetings and decisions", "Background work", "Personal data", "People", "Audit log"]


@pytest.fixture
def administrator(make_user):
    """Sees every section of the staff menu."""
    return make_user("administrator", is_staff=True, is_superuser=True, first_name="Ada", last_name="Admin")


@pytest.fixture
def waste_strategy(db):
    """The Resources and Waste Strategy consultation with two of its documents, one with a long title."""
    consultation = make_consultation(status="open", title="Leicestershire's Resources and Waste Strategy 2022-2050")
    make_document(consultation, title="Summary of Draft Resources and Waste Strategy 2022-2050",
                  name="summary-of-draft-resources-and-waste-strategy-2022-2050.pdf")  # fmt: skip
    make_document(consultation, title="Environmental Report", name="environmental-report.pdf")
    return consultation


def sign_in(page, user):
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.raw_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_staff_menu_fits_one_line_at_1280_px(page, administrator, axe_check):
    sign_in(page, administrator)
    menu = page.get_by_role("navigation", name="Staff menu")
    links = [menu.get_by_role("link", name=name, exact=True) for name in SECTIONS]
    tops = {round(link.bounding_box()["y"]) for link in links}
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines"
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Your account")).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    assert page_width(page) <= 1280
    axe_check(page)


def test_on_a_phone_the_staff_menu_opens_from_menu_and_nothing_is_wider_than_the_screen(
    mobile_page, administrator, axe_check
):
    sign_in(mobile_page, administrator)
    assert page_width(mobile_page) <= 375
    menu = mobile_page.get_by_role("navigation", name="Staff menu")
    expect(menu.get_by_role("link", name="Audit log")).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("link", name="Audit log")).to_be_visible()
    assert page_width(mobile_page) <= 375
    axe_check(mobile_page)
    mobile_page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    expect(mobile_page.get_by_role("navigation", name="Staff menu")).to_have_count(0)


def test_a_consultation_with_documents_fits_a_phone(mobile_page, administrator, waste_strategy, axe_check):
    sign_in(mobile_page, administrator)
    mobile_page.goto(f"/staff/consultations/{waste_strategy.pk}/")
    expect(mobile_page.get_by_role("link", name="Environmental Report", exact=True)).to_be_visible()
    assert page_width(mobile_page) <= 375
    expect(mobile_page.get_by_role("link", name="Remove Environmental Report")).to_be_visible()
    axe_check(mobile_page)
