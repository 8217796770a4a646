"""Staff accounts in Chromium, with axe-core on every page: a lead invites a colleague, who
sets their own password and signs in; too many wrong passwords show the lockout; setting up
two-factor sign-in shows its QR code; a lead filters the audit log."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from haveyoursay.accounts.models import AuditEvent
from tests.factories import make_consultation

pytestmark = pytest.mark.usefixtures("empty_cache")


def sign_in(page, username, password, heading="Consultations"):
    page.goto("/staff/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_a_lead_invites_a_colleague_who_sets_their_own_password(page, new_page, lead, axe_check):
    sign_in(page, "lead", lead.raw_password)
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    axe_check(page)
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Email address").fill("priya.shah at example.org")
    page.get_by_label("First name").fill("Priya")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Priya")
    axe_check(page)
    page.get_by_label("Email address").fill("priya.shah@example.org")
    page.get_by_label("Last name").fill("Shah")
    page.get_by_label(re.compile("^Analyst")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Priya Shah")
    axe_check(page)

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Create your password")
    axe_check(invitee)
    invitee.get_by_label("Create a password").fill("Carers-strategy-2025")
    invitee.get_by_label("Confirm your password").fill("Carers-strategy-2026")
    invitee.get_by_role("button", name="Create password").click()
    expect(invitee.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(invitee)
    invitee.get_by_label("Create a password").fill("Carers-strategy-2025")
    invitee.get_by_label("Confirm your password").fill("Carers-strategy-2025")
    invitee.get_by_role("button", name="Create password").click()
    expect(invitee.get_by_text("Your password has been set")).to_be_visible()
    sign_in(invitee, "priya.shah@example.org", "Carers-strategy-2025")


def test_the_lockout_is_a_clear_message_on_the_sign_in_page(mobile_page, officer, axe_check):
    page = mobile_page
    for _ in range(5):
        sign_in(page, "officer", "not-my-password", heading="Sign in to the staff site")
    page.get_by_label("Password").fill("not-my-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your account is locked")).to_be_visible()
    axe_check(page)
    page.get_by_label("Password").fill(officer.raw_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your account is locked")).to_be_visible()


def test_setting_up_two_factor_sign_in_shows_a_qr_code_and_the_key(page, officer, axe_check):
    sign_in(page, "officer", officer.raw_password)
    page.get_by_role("link", name="Your account").click()
    axe_check(page)
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator("svg")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    expect(page.locator("#secret")).to_have_text(re.compile(r"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$"))
    axe_check(page)


def test_a_lead_filters_the_audit_log_and_reads_a_mistake_by_the_field(mobile_page, lead, officer, axe_check):
    page = mobile_page
    consultation = make_consultation(title="Library opening hours", slug="library-hours")
    AuditEvent.record(officer, "consultation.publish", consultation)
    AuditEvent.record(officer, "document.add", consultation, document="Easy read version")
    sign_in(page, "lead", lead.raw_password)
    page.goto("/staff/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    axe_check(page)
    page.get_by_label("Action").select_option(label="Document added")
    page.get_by_label("Action").press("Tab")
    page.get_by_role("group", name="From").get_by_label("Day").fill("2")
    page.get_by_role("group", name="From").get_by_label("Month").fill("1")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("group", name="To").get_by_label("Day").fill("1")
    page.get_by_role("group", name="To").get_by_label("Month").fill("1")
    page.get_by_role("group", name="To").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Apply filters").press("Enter")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("group", name="To")).to_contain_text("The ‘to’ date must be the same as or after")
    expect(page.get_by_label("Action")).to_have_value("document.add")
    axe_check(page)
    page.get_by_role("group", name="To").get_by_label("Year").fill("2099")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="Events matching the filters")).to_be_visible()
    expect(page.get_by_role("region", name="Audit events, newest first")).to_contain_text(
        "Document “Easy read version” added by Olu Officer"
    )
    expect(page.get_by_role("region", name="Audit events, newest first")).not_to_contain_text("Published")
    axe_check(page)
