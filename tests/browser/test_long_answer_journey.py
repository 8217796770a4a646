"""A resident pastes a long answer into the demo questionnaire: nothing is cut off, the limit
is said under the box, and with JavaScript a count says how much is left or too much."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.surveys.demo import LCWIP_SLUG

START = f"/consultations/{LCWIP_SLUG}/respond/"
ROUTE = re.compile("Describe the route and the change you would like")
PASTED = ("The towpath from the station to the university floods every winter and needs resurfacing. " * 30)[:2621]


@pytest.fixture(autouse=True)
def demo(demo_questionnaires):
    """Every test here on the demo's questionnaires (`demo_questionnaires`)."""


def first_section(page):
    page.goto(START)
    page.get_by_role("button", name="Start now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The draft cycling and walking networks")


def test_with_javascript_a_count_says_how_many_too_many_and_the_whole_answer_is_kept(page, axe_check):
    first_section(page)
    box = page.get_by_label(ROUTE)
    group = page.locator(".govuk-character-count").filter(has=box)
    expect(group.locator(".govuk-character-count__status")).to_have_text("You have 2,000 characters remaining")
    # The limit itself stays in the box's description, for screen readers.
    expect(box).to_have_accessible_description(re.compile("You can enter up to 2,000 characters"))
    axe_check(page)

    box.fill(PASTED)
    expect(box).to_have_value(PASTED)
    expect(group.locator(".govuk-character-count__status")).to_have_text("You have 621 characters too many")
    announced = group.locator(".govuk-character-count__sr-status")
    expect(announced).to_have_attribute("aria-live", "polite")
    expect(announced).to_have_text("You have 621 characters too many", timeout=5000)
    axe_check(page)

    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Your answer must be 2,000 characters or fewer")
    box = page.get_by_label(ROUTE)
    assert len(box.input_value()) == len(PASTED.strip())
    expect(box).to_have_value(PASTED.strip())
    expect(page.locator(".govuk-character-count").filter(has=box).locator(".govuk-character-count__status")).to_have_text(
        f"You have {len(PASTED.strip()) - 2000} characters too many"
    )
    axe_check(page)


def test_without_javascript_the_limit_is_said_and_the_whole_answer_is_kept(nojs_page, axe_check):
    page = nojs_page
    first_section(page)
    box = page.get_by_label(ROUTE)
    expect(page.locator("#id_q_route_change-info")).to_have_text("You can enter up to 2,000 characters")
    expect(page.locator("#id_q_route_change-info")).to_be_visible()
    expect(box).to_have_accessible_description(re.compile("You can enter up to 2,000 characters"))
    axe_check(page)

    box.fill(PASTED)
    expect(box).to_have_value(PASTED)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Your answer must be 2,000 characters or fewer")
    expect(page.get_by_label(ROUTE)).to_have_value(PASTED.strip())
    expect(page.locator("#id_q_route_change-info")).to_be_visible()
    axe_check(page)
