"""Staff accounts in Chromium, with axe-core on every page: a lead invites a colleague, who
sets their own password and signs in; too many wrong passwords show the lockout; setting up
two-factor sign-in shows its QR code."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

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
