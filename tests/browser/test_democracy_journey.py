"""A resident follows the council's decisions in Chromium: finds the County Council meeting of
23 February 2022, sees how each member voted on the Medium Term Financial Strategy, opens Mr
Pain's page with his declaration and vote, and reads the replies still owed; by keyboard, on
a phone, and without JavaScript, checked with axe-core at each step."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.decisions.demo import load_demo_records


@pytest.fixture(autouse=True)
def demo(live_server):
    load_demo_records()


def test_a_resident_sees_who_voted_for_and_against_the_mtfs(page, axe_check):
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    axe_check(page)
    page.get_by_label("Body").select_option(label="Leicestershire County Council")
    page.get_by_role("button", name="Show meetings").click()
    page.locator(".hys-meeting-list__item").filter(has_text="23 February 2022").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wednesday 23 February 2022, 2pm to 4:10pm")
    expect(page.get_by_text("Motion carried: 40 for, 11 against.")).to_be_visible()

    summary = page.locator("summary").filter(has_text="How each member voted (recorded vote)")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.get_by_role("table", name="Recorded vote on item 47(a)")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(52)
    expect(table.get_by_role("row", name=re.compile(r"Mr\. B\. L\. Pain CC For"))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"Mr\. G\. Welsh CC Against"))).to_be_visible()
    axe_check(page)

    table.get_by_role("link", name="Mr. B. L. Pain CC").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mr. B. L. Pain CC")
    expect(page.get_by_text("as his family operated a taxi business")).to_be_visible()
    expect(page.get_by_role("cell", name="For", exact=True)).to_be_visible()
    axe_check(page)


def test_the_replies_still_owed_on_a_phone(mobile_page, axe_check):
    page = mobile_page
    page.goto("/meetings/")
    page.get_by_role("link", name="Replies still owed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replies still owed")
    expect(page.get_by_text("Asked by Mrs. A. J. Hack CC.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(page)
    page.get_by_role("link", name="Health Overview and Scrutiny Committee, 1 September 2021").click()
    expect(page.get_by_text("Written reply still owed")).to_be_visible()
    expect(page.get_by_text("No member declared the party whip.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "long addresses in minutes wrap"
    axe_check(page)


def test_the_decisions_filter_works_without_javascript(nojs_page, axe_check):
    page = nojs_page
    page.goto("/decisions/")
    page.get_by_text("Filter decisions").click()
    page.get_by_label("Body").select_option(label="Cabinet")
    page.get_by_role("group", name="Decided on or after").get_by_label("Day").fill("31")
    page.get_by_role("group", name="Decided on or after").get_by_label("Month").fill("2")
    page.get_by_role("group", name="Decided on or after").get_by_label("Year").fill("2022")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("alert")).to_contain_text("Decided on or after must be a real date")
    expect(page.get_by_label("Body")).to_have_value("cabinet")
    axe_check(page)
    page.get_by_role("group", name="Decided on or after").get_by_label("Day").fill("28")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name="1 decision")).to_be_visible()
    expect(page.get_by_role("link", name="Strategic Plan (2022-26)")).to_be_visible()
    axe_check(page)


def test_democratic_services_record_a_pasted_vote_after_checking_the_names(page, axe_check, make_user):
    from haveyoursay.decisions.models import AgendaItem, Meeting, VoteEvent
    from tests.browser.test_staff_publishing import sign_in

    clerk = make_user("clerk", groups=["Democratic services"], is_staff=True)
    meeting = Meeting.objects.get(organization__name="Leicestershire County Council", starts_at__date="2022-02-23")
    item = AgendaItem.objects.create(meeting=meeting, number=49, title="A motion on notice")
    sign_in(page, clerk)
    page.goto(f"/staff/democracy/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record a recorded vote on item 49.").click()
    page.get_by_label("Carried").check()
    page.get_by_label("The recorded vote, as the minutes write it").fill(
        "For the Motion\nMr Allen, Mrs Wright\nAgainst the Motion\nMr Welsh"
    )
    page.get_by_role("button", name="Check the names").click()
    expect(page.get_by_role("alert")).to_contain_text("“Mrs Wright” could be Mrs. A. Wright CC or Mrs. M. Wright CC")
    axe_check(page)
    page.get_by_label("The recorded vote, as the minutes write it").fill(
        "For the Motion\nMr Allen, Mrs M. Wright\nAgainst the Motion\nMr Welsh"
    )
    page.get_by_role("button", name="Check the names").click()
    expect(page.get_by_role("table", name="3 names read from the minute")).to_contain_text("Mrs. M. Wright CC")
    axe_check(page)
    page.get_by_role("button", name="Record this vote").click()
    expect(page.get_by_role("alert")).to_contain_text("2 for, 1 against, 0 abstained")
    assert VoteEvent.objects.get(item=item).votes.count() == 3
