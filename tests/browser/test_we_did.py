"""A resident reads what the council did about the Strategic Plan consultation, on a phone and
on a desktop, without JavaScript; a member of the consultation team adds an entry. axe-core
checks every page."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.hub.demo import load_demo
from haveyoursay.outcomes.demo_we_did import ENTRIES, load_demo_we_did
from haveyoursay.surveys.demo_strategic_plan import load_demo_strategic_plan_survey
from tests.browser.test_staff_publishing import sign_in

pytestmark = pytest.mark.usefixtures("empty_cache")

PLAN = "/consultations/strategic-plan-2022-2026/"


@pytest.fixture(autouse=True)
def demo(live_server):
    load_demo()
    load_demo_strategic_plan_survey()
    load_demo_records()
    load_demo_we_did()


def read_we_did(page, axe_check):
    page.goto(PLAN)
    page.get_by_role("link", name="Read the outcome").click()
    section = page.get_by_role("region", name="What you said and what we did about it")
    expect(section).to_be_visible()
    expect(section.get_by_text("259 people responded to the questionnaire.")).to_be_visible()
    entries = section.locator(".hys-we-did__entry")
    expect(entries).to_have_count(len(ENTRIES))
    expect(entries.nth(0)).to_contain_text("Removed the single-line vision statement.")
    expect(entries.nth(0)).not_to_contain_text("of the 259 who answered")
    expect(entries.nth(1)).to_contain_text("wordcount reduced by 25%")
    expect(entries.nth(4)).to_contain_text("44 people (17%)")
    expect(entries.nth(4).get_by_text("Changed", exact=True)).to_be_visible()
    axe_check(page)
    entries.nth(4).get_by_role("link", name=re.compile("Cabinet, 29 March 2022")).click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/#item-\d+$"))
    expect(page.get_by_text("approved the Strategic Plan")).to_be_visible()


def test_a_resident_on_a_phone_reads_each_change_against_what_people_said(mobile_nojs_page, axe_check):
    read_we_did(mobile_nojs_page, axe_check)


def test_a_resident_on_a_desktop_reads_each_change_against_what_people_said(nojs_page, axe_check):
    read_we_did(nojs_page, axe_check)


def test_the_hub_lists_consultations_whose_outcome_is_published(nojs_page, axe_check):
    nojs_page.goto("/")
    nojs_page.get_by_role("group", name="Outcome").get_by_label("Outcome published").check()
    nojs_page.get_by_role("button", name="Apply filters").click()
    expect(nojs_page.get_by_text("Outcome: Published")).to_be_visible()
    titles = nojs_page.locator(".hys-consultation-list__item h3").all_inner_texts()
    assert "Leicestershire County Council Strategic Plan 2022-2026" in titles
    axe_check(nojs_page)


def test_the_team_adds_an_entry_without_javascript(nojs_page, axe_check, officer):
    sign_in(nojs_page, officer)
    nojs_page.get_by_role("link", name="Leicestershire County Council Strategic Plan 2022-2026").click()
    nojs_page.get_by_role("link", name=re.compile("What people said and what the council did")).click()
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text("Outcome: You said, we did")
    axe_check(nojs_page)
    nojs_page.get_by_role("button", name="Add an entry").click()
    nojs_page.get_by_label("What people said").fill("Some also challenged the lack of reference to district councils.")
    nojs_page.get_by_label("Not changed").check()
    nojs_page.get_by_role("button", name="Add entry").click()
    expect(nojs_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(nojs_page.get_by_label("What people said")).to_have_value(
        "Some also challenged the lack of reference to district councils."
    )
    axe_check(nojs_page)
    nojs_page.get_by_label("What we did", exact=True).fill("The Plan now refers to district councils.")
    nojs_page.get_by_label("Not changed").check()
    nojs_page.get_by_label("Why nothing changed").fill("The planning of housing is a district council matter.")
    nojs_page.get_by_role("group", name=re.compile("Strong economy")).get_by_label("Strongly disagree").check()
    nojs_page.get_by_role("button", name="Add entry").click()
    expect(nojs_page.get_by_text("The entry has been added.")).to_be_visible()
    expect(nojs_page.locator(".hys-we-did-staff__entry").last).to_contain_text("17 people (7%)")
