"""Without JavaScript, a resident saves a section with an answer half given: the rest is
saved, they are told plainly which answer was not and why, they get their code, and the
code brings them back to that section with what was saved."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.surveys.demo import LCWIP_SLUG

START = f"/consultations/{LCWIP_SLUG}/respond/"


@pytest.fixture(autouse=True)
def demo(demo_questionnaires):
    """Every test here on the demo's questionnaires (`demo_questionnaires`)."""


def test_save_and_come_back_later_saves_what_it_can_and_says_what_it_could_not(nojs_page, new_page, axe_check):
    page = nojs_page
    page.goto(START)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Loughborough area", exact=True).first.check()
    page.get_by_role("group", name=re.compile("To what extent do you agree")).get_by_label("Tend to agree").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    page.get_by_role("group", name=re.compile("Which of these best describes you")).get_by_label("Other", exact=True).check()
    page.get_by_label("Blaby", exact=True).check()
    page.get_by_role("button", name="Save and come back later").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    banner = page.get_by_role("region", name="Important")
    expect(banner).to_contain_text("We could not save one of your answers")
    expect(banner).to_contain_text("‘Which of these best describes you?’: Tell us what your other answer is")
    axe_check(page)
    code = page.locator(".hys-code").inner_text()

    later = new_page(javascript=False)
    later.goto(f"/consultations/{LCWIP_SLUG}/respond/continue/")
    later.get_by_label("Your code").fill(code)
    later.get_by_role("button", name="Continue").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("About you")
    expect(later.get_by_label("Blaby", exact=True)).to_be_checked()
    axe_check(later)
