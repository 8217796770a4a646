"""The Strategic Plan's decision trail in Chromium: a resident reads the consultation's timeline
on a desktop and on a phone, with and without JavaScript, follows a meeting from it by keyboard
and finds the way back; an officer links a meeting item without JavaScript. axe-core checks
every page."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.hub.demo import load_demo
from haveyoursay.outcomes.demo import load_demo_trail
from haveyoursay.outcomes.models import Consideration

pytestmark = pytest.mark.usefixtures("empty_cache")
STRATEGIC_PLAN = "/consultations/strategic-plan-2022-2026/"


@pytest.fixture(autouse=True)
def demo(live_server):
    load_demo()
    load_demo_records()
    load_demo_trail()


def read_the_timeline(page, axe_check):
    page.goto(STRATEGIC_PLAN)
    timeline = page.get_by_role("list", name="Timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator(":scope > li")).to_have_count(9)
    expect(timeline.get_by_role("heading", level=3).first).to_have_text("Cabinet approved the consultation")
    expect(timeline.locator("time").first).to_have_attribute("datetime", "2021-10-26")
    why = "Why: To enable further direct engagement with County Council officers and members."
    expect(timeline.get_by_text(why)).to_be_visible()
    expect(timeline.get_by_text("and approved the Strategic Plan.")).to_be_visible()
    axe_check(page)
    return timeline


def test_the_timeline_on_a_desktop_leads_by_keyboard_to_the_meeting_and_back(page, axe_check):
    timeline = read_the_timeline(page, axe_check)
    link = timeline.get_by_role("link", name="Item 1: Strategic Plan (2022-26)")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday 29 March 2022")
    assert page.url.split("#")[1].startswith("item-")
    back = page.get_by_role("link", name="Leicestershire County Council Strategic Plan 2022-2026")
    expect(back).to_be_visible()
    axe_check(page)
    back.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Leicestershire County Council Strategic Plan 2022-2026")


@pytest.mark.parametrize("fixture", ["mobile_page", "mobile_nojs_page"])
def test_the_timeline_reads_on_a_phone_with_and_without_javascript(request, fixture, axe_check):
    page = request.getfixturevalue(fixture)
    read_the_timeline(page, axe_check)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the timeline fits a phone"


def test_the_timeline_without_javascript_on_a_desktop(nojs_page, axe_check):
    timeline = read_the_timeline(nojs_page, axe_check)
    timeline.get_by_role("link", name="Item 1: Draft Strategic Plan (2022-26)").click()
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text("Tuesday 26 October 2021")


def test_an_officer_links_a_meeting_item_without_javascript(nojs_page, make_user, axe_check):
    officer = make_user("officer", groups=["Consultation team"], first_name="Olu", last_name="Officer", is_staff=True)
    page = nojs_page
    page.goto("/staff/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(officer.raw_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Leicestershire Communities Approach 2022-2026").click()
    expect(page.get_by_role("heading", name="Meetings that considered it")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Link a meeting that considered it").click()
    axe_check(page)
    page.get_by_label("Words in an agenda item's title").fill("communities")
    page.get_by_role("button", name="Find meetings").click()
    expect(page.get_by_role("heading", name="1 meeting found")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Item 8\(b\): Reports of the Cabinet: .* Communities Strategy")).click()
    axe_check(page)
    page.get_by_role("button", name="Link the item").click()
    expect(page.get_by_role("link", name="Choose what the meeting did about the consultation")).to_be_visible()
    axe_check(page)
    page.get_by_label("Made the decision").check()
    page.get_by_role("button", name="Link the item").click()
    expect(page.get_by_text("is linked to “Leicestershire Communities Approach 2022-2026”")).to_be_visible()
    linked = page.get_by_role("heading", name="Leicestershire County Council, 18 May 2022: made the decision")
    expect(linked).to_be_visible()
    axe_check(page)
    assert Consideration.objects.filter(consultation__slug="communities-approach-2022-2026").count() == 1
