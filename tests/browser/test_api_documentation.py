"""A developer finds the open data API from any page's footer, reads how to call it on a phone
and on a desktop, and follows an example address to the JSON; checked with axe-core."""

import json

import pytest
from playwright.sync_api import expect

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.decisions.models import Meeting


@pytest.fixture(autouse=True)
def demo(live_server):
    load_demo_records()


def test_the_api_is_found_from_the_footer_and_its_example_answers(page, axe_check):
    page.goto("/meetings/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open data API").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data API")
    axe_check(page)
    page.get_by_role("link", name="A meeting", exact=True).focus()
    page.keyboard.press("Enter")
    section = page.get_by_role("region", name="A meeting")
    expect(section.get_by_text("GET /api/v1/meetings/{meeting_id}")).to_be_visible()
    expect(section.get_by_role("table", name="Parameters").get_by_role("row", name="meeting_id")).to_be_visible()
    page.get_by_role("region", name="Meetings", exact=True).get_by_role("link", name="/api/v1/meetings?").click()
    answer = json.loads(page.locator("body").inner_text())
    # The example asks for 2022's meetings, newest first.
    assert answer["count"] == Meeting.objects.filter(starts_at__year=2022).count() > 0
    assert answer["results"][0]["classification"] == "meeting" and answer["results"][0]["start_date"] < "2023"


def test_the_documentation_reads_on_a_phone(mobile_page, axe_check):
    mobile_page.goto("/api/")
    expect(mobile_page.get_by_role("heading", level=1)).to_have_text("Open data API")
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 375
    axe_check(mobile_page)
