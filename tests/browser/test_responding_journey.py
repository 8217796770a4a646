"""A resident responds to the open demo consultation, by keyboard alone, with axe-core
checking every step, and again with JavaScript switched off."""

import re

import pytest
from playwright.sync_api import expect

from haveyoursay.surveys.demo import LCWIP_SLUG
from haveyoursay.surveys.models import Response

START = f"/consultations/{LCWIP_SLUG}/respond/"


@pytest.fixture(autouse=True)
def demo(demo_questionnaires):
    """Every test here on the demo's questionnaires (`demo_questionnaires`)."""


def tab_to(page, locator, limit=400):
    """Press Tab until `locator` has the focus, as a keyboard user would; fail if it never does."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("element => element === document.activeElement", handle):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} could not be reached with the Tab key")


def choose_radio(page, group, label):
    """Tab into a radio group and move to `label` with the arrow keys."""
    radios = group.get_by_role("radio")
    tab_to(page, radios.first)
    target = group.get_by_label(label, exact=True)
    for _ in range(radios.count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()


def press_button(page, name):
    tab_to(page, page.get_by_role("button", name=name, exact=True))
    page.keyboard.press("Enter")


def test_a_resident_responds_by_keyboard_alone(page, axe_check):
    page.goto(f"/consultations/{LCWIP_SLUG}/")
    tab_to(page, page.get_by_role("button", name="Respond online"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Have your say")
    axe_check(page)
    press_button(page, "Start now")

    # Section 1: leave out a required answer first, to meet the error summary.
    expect(page.get_by_role("heading", level=1)).to_have_text("The draft cycling and walking networks")
    axe_check(page)
    tab_to(page, page.get_by_label("Loughborough area", exact=True).first)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_label("Why do you say this?"))
    page.keyboard.type("The route along the canal towpath is missing.")
    press_button(page, "Continue")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary).to_contain_text("Select an answer to")
    expect(page.get_by_label("Why do you say this?")).to_have_value("The route along the canal towpath is missing.")
    axe_check(page)
    summary.get_by_role("link").first.press("Enter")
    choose_radio(page, page.get_by_role("group", name=re.compile("To what extent do you agree")), "Tend to disagree")
    tab_to(page, page.get_by_label(re.compile("Is there a key route missing")))
    page.keyboard.press("ArrowDown")  # the first place in the list
    press_button(page, "Continue")

    # Section 2: a grid, answered one statement at a time.
    expect(page.get_by_role("heading", level=1)).to_have_text("Infrastructure improvements")
    axe_check(page)
    choose_radio(page, page.get_by_role("group", name="Dedicated cycle lanes"), "Very important")
    choose_radio(page, page.get_by_role("group", name="Benches"), "Fairly important")
    press_button(page, "Continue")

    # About you and equality monitoring: all optional.
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    axe_check(page)
    choose_radio(page, page.get_by_role("group", name="What is your age?"), "35 to 44")
    press_button(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("Equality monitoring")
    axe_check(page)
    press_button(page, "Continue")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    expect(page.get_by_text("Dedicated cycle lanes: Very important; Benches: Fairly important")).to_be_visible()
    axe_check(page)
    tab_to(page, page.get_by_role("button", name="Continue to send your response"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Send your response")
    axe_check(page)
    choose_radio(page, page.get_by_role("group", name=re.compile("individual or on behalf")), "As an individual")
    choose_radio(page, page.get_by_role("group", name="May we publish your response?"), "Publish my response anonymously")
    choose_radio(page, page.get_by_role("group", name=re.compile("email you when we publish")), "No")
    press_button(page, "Accept and send")

    expect(page.get_by_role("heading", level=1)).to_have_text("Response sent")
    axe_check(page)
    response = Response.objects.get(state="submitted")
    expect(page.get_by_text(response.reference)).to_be_visible()
    answers = {a.question.code: a.value for a in response.answers.select_related("question")}
    assert answers["network_agree"] == {"choice": "tend_to_disagree", "other": ""}
    assert answers["route_place"] == {"place": "loughborough"}
    assert answers["improvements"] == {"rows": {"cycle_lanes": "very_important", "benches": "fairly_important"}}
    assert answers["age"] == {"choice": "35_to_44", "other": ""}


def test_without_javascript_a_resident_saves_comes_back_and_sends(nojs_page, new_page, axe_check):
    page = nojs_page
    page.goto(START)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("South of Leicester area", exact=True).first.check()
    page.get_by_role("group", name=re.compile("To what extent do you agree")).get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    axe_check(page)
    code = page.locator(".hys-code").inner_text()

    # Another browser, as if the next day: the code brings the answers back.
    later = new_page(javascript=False)
    later.goto(START)
    later.get_by_role("link", name="Continue with a code you saved").click()
    axe_check(later)
    later.get_by_label("Your code").fill(code)
    later.get_by_role("button", name="Continue").click()
    expect(later.get_by_role("group", name=re.compile("To what extent do you agree")).get_by_label("Strongly agree")).to_be_checked()
    later.get_by_role("button", name="Continue").click()
    later.get_by_role("button", name="Continue").click()
    later.get_by_role("button", name="Continue").click()
    later.get_by_role("button", name="Continue").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    later.get_by_role("button", name="Continue to send your response").click()
    later.get_by_label("As an individual").check()
    later.get_by_label("Do not publish my response").check()
    later.get_by_role("group", name=re.compile("email you when we publish")).get_by_label("No").check()
    later.get_by_role("button", name="Accept and send").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Response sent")
    # The back button and sending again add nothing: the form, if the browser shows it from
    # its history, sends to a response already sent, and the page itself leads back here.
    later.go_back()
    if later.get_by_role("button", name="Accept and send").count():
        later.get_by_role("button", name="Accept and send").click()
    expect(later.get_by_role("heading", level=1)).to_have_text("Response sent")
    assert Response.objects.filter(state="submitted").count() == 1


def test_a_question_page_works_on_a_phone(mobile_page, axe_check):
    page = mobile_page
    page.goto(START)
    page.get_by_role("button", name="Start now").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px wide)"
    axe_check(page)


def test_save_close_the_browser_and_resume_from_the_emailed_link(page, new_page, live_server, axe_check):
    from django.core import mail

    page.goto(START)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Loughborough area", exact=True).first.check()
    page.get_by_label("Why do you say this?").fill("Words I do not want to lose.")
    page.get_by_role("button", name="Save and come back later").click()
    page.get_by_label("Email address").fill("resident@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("We have sent a link to resident@example.org")).to_be_visible()
    axe_check(page)
    page.context.close()  # the browser is closed: the session cookie is gone

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert link.startswith(live_server.url)
    fresh = new_page()
    fresh.goto(link)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("The draft cycling and walking networks")
    expect(fresh.get_by_label("Why do you say this?")).to_have_value("Words I do not want to lose.")
    expect(fresh.get_by_label("Loughborough area", exact=True).first).to_be_checked()

    # The link works once.
    again = new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("This link has expired or has already been used")
    axe_check(again)
