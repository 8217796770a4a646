"""A resident's journeys through the hub, in Chromium, checked with axe-core at each step."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from haveyoursay.hub.demo import load_demo

CARERS = "Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025"


@pytest.fixture(autouse=True)
def demo(live_server):
    cache.clear()
    load_demo()
    yield
    cache.clear()


def listed_titles(page):
    return page.locator(".hys-consultation-list__item h3").all_inner_texts()


def test_the_hub_shows_open_forthcoming_and_closed_consultations(page, axe_check):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations")
    tags = page.locator(".hys-consultation-list__item .govuk-tag").all_inner_texts()
    assert tags[0] == "Open" and "Forthcoming" in tags and tags[-1] == "Closed"
    expect(page.get_by_text(re.compile(r"Closes in \d+ days"))).to_be_visible()
    assert CARERS in listed_titles(page)
    axe_check(page)


def test_a_keyboard_user_skips_to_the_content_and_filters(page, axe_check):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"

    page.get_by_role("group", name="Status").get_by_label("Closed").check()
    page.get_by_role("button", name="Apply filters").press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^8 consultations found"))).to_be_visible()
    assert CARERS in listed_titles(page)
    assert page.get_by_label("Closed").is_checked()
    axe_check(page)

    page.get_by_label("Search consultations").fill("carers")
    page.get_by_label("Search consultations").press("Enter")
    # The carers' strategy first, by its title; then the end of life care consultation, whose
    # "We asked" speaks of carers.
    assert listed_titles(page) == [CARERS, "End of life care and support services in Leicestershire and Rutland"]
    expect(page.get_by_text("Matching “carers”")).to_be_visible()
    axe_check(page)


def test_a_search_finds_a_consultation_by_the_title_of_one_of_its_documents(page, axe_check):
    page.goto("/")
    page.get_by_label("Search consultations").fill("options appraisal")
    page.get_by_label("Search consultations").press("Enter")
    # Neither word is in any consultation's own words: only in the waste strategy's documents.
    assert listed_titles(page) == ["Leicestershire's Resources and Waste Strategy 2022-2050"]
    expect(page.get_by_role("heading", name="1 consultation found")).to_be_visible()
    # The result says why it was found, and the document is a link away.
    expect(page.get_by_text("Matching document:")).to_be_visible()
    link = page.get_by_role("link", name="Options Appraisal (PDF")
    expect(link).to_be_visible()
    axe_check(page)
    assert page.request.get(link.get_attribute("href")).status == 200


def test_a_search_with_no_results_says_what_to_try(page, axe_check):
    page.goto("/?q=zzzz")
    expect(page.get_by_text("There are no consultations matching your search.")).to_be_visible()
    axe_check(page)


def test_a_consultation_page_reads_well_and_its_documents_download(page, axe_check):
    page.goto("/")
    page.get_by_role("link", name=CARERS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CARERS)
    expect(page.get_by_role("heading", name="We asked")).to_be_visible()
    expect(page.get_by_text("Run jointly by")).to_be_visible()
    expect(page.get_by_text("This consultation closed at 11:59pm on 31 July 2022")).to_be_visible()
    axe_check(page)

    link = page.locator(".hys-document__title a").first
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")


def test_the_outcome_of_the_strategic_plan_is_shown(page, axe_check):
    page.goto("/?q=strategic+plan")
    page.get_by_role("link", name=re.compile("Strategic Plan")).click()
    expect(page.get_by_role("heading", name="You said", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile("259 responses")).first).to_be_visible()
    expect(page.get_by_role("heading", name="We did", exact=True)).to_be_visible()
    axe_check(page)


def test_the_hub_works_on_a_phone(mobile_page, axe_check):
    mobile_page.goto("/")
    width = mobile_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px wide)"
    axe_check(mobile_page)


def test_without_javascript_filtering_and_reading_still_work(nojs_page, axe_check):
    page = nojs_page
    page.goto("/")
    page.get_by_label("Open").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "status=open" in page.url
    titles = listed_titles(page)
    assert len(titles) == 1 and "Cycling and Walking" in titles[0]
    page.get_by_role("link", name=titles[0]).click()
    expect(page.get_by_role("heading", name="How to respond")).to_be_visible()
    axe_check(page)


def first_result_top(page):
    return page.locator(".hys-consultation-list__item").first.bounding_box()["y"]


def test_on_a_phone_the_results_come_before_the_filters(mobile_page, axe_check):
    page = mobile_page
    page.goto("/")
    screen = page.viewport_size["height"]
    assert first_result_top(page) < screen, "the first consultation is below the first screen on a phone"
    closed = page.get_by_role("group", name="Status").get_by_label("Closed")
    expect(closed).to_be_hidden()
    show = page.get_by_text("Show filters")
    expect(show).to_be_visible()
    axe_check(page)
    show.click()
    expect(closed).to_be_visible()
    axe_check(page)


def test_on_a_phone_without_javascript_the_filters_work_and_show_what_they_apply(mobile_nojs_page, axe_check):
    page = mobile_nojs_page
    page.goto("/")
    page.get_by_text("Show filters").click()
    page.get_by_role("group", name="Status").get_by_label("Closed").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("heading", name=re.compile(r"^8 consultations found"))).to_be_visible()
    assert first_result_top(page) < 2 * page.viewport_size["height"]
    applied = page.get_by_role("list", name="Filtered by")
    expect(applied).to_contain_text("Status: Closed")
    expect(page.get_by_role("group", name="Status").get_by_label("Closed")).to_be_hidden()  # behind "Show filters"
    axe_check(page)
    applied.get_by_role("link", name="Remove status: Closed").click()
    expect(page.get_by_role("heading", name=re.compile(r"^10 consultations$"))).to_be_visible()
    expect(page.get_by_role("list", name="Filtered by")).to_have_count(0)


def test_on_a_desktop_the_filters_are_open_beside_the_results(page, axe_check):
    page.goto("/?status=closed")
    closed = page.get_by_role("group", name="Status").get_by_label("Closed")
    expect(closed).to_be_visible()
    expect(closed).to_be_checked()
    expect(page.get_by_text("Show filters")).to_be_hidden()
    filters, results = page.locator(".hys-filters").bounding_box(), page.locator("#results-heading").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"], "the filters are not beside the results"
    expect(page.get_by_role("list", name="Filtered by")).to_contain_text("Status: Closed")
    axe_check(page)
