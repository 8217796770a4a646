"""Every page runs under a strict Content-Security-Policy, and nothing on the public journey
or the main staff pages breaks it: Chromium reports each thing the policy blocks, and any
report fails the test."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from haveyoursay.surveys.demo import LCWIP_SLUG
from tests.browser.test_staff_publishing import sign_in

CONSULTATION = f"/consultations/{LCWIP_SLUG}/"
STRICT = ["script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
          "frame-ancestors 'none'"]


@pytest.fixture(autouse=True)
def demo(demo_questionnaires):
    """Every test here on the demo's questionnaires (`demo_questionnaires`)."""


class Watched:
    """A page whose every policy violation, and every HTML document without the policy, is noted."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        page.add_init_script(
            "window.hysPolicyViolations = [];"
            "document.addEventListener('securitypolicyviolation', event => window.hysPolicyViolations.push("
            "`${event.violatedDirective} blocked ${event.blockedURI || 'inline code'} on ${event.documentURI}`));"
        )
        page.on("console", self.console)
        page.on("response", self.response)

    def console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(message.text)

    def response(self, response):
        if response.request.resource_type == "document" and "text/html" in response.headers.get("content-type", ""):
            policy = response.headers.get("content-security-policy", "")
            missing = [directive for directive in STRICT if directive not in policy]
            if missing:
                self.problems.append(f"{response.url} ({response.status}) lacks {missing}")

    def visit(self, path):
        self.page.goto(path, wait_until="commit")
        self.check()

    def check(self):
        self.page.wait_for_load_state("load")
        # Violation events are dispatched asynchronously: a frame and a task later, all have come.
        self.problems += self.page.evaluate(
            "() => new Promise(resolve => requestAnimationFrame("
            "() => setTimeout(() => resolve(window.hysPolicyViolations))))"
        )
        assert not self.problems, "\n".join(self.problems)


def test_the_public_journey_breaks_no_rule_of_the_policy(page, new_page):
    watched = Watched(page)
    watched.visit("/")
    watched.visit(CONSULTATION)
    page.get_by_role("button", name="Respond online").click()
    watched.check()
    page.get_by_role("button", name="Start now").click()
    watched.check()
    page.get_by_label("Loughborough area", exact=True).first.check()
    page.get_by_role("button", name="Continue").click()  # a required answer missing: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    watched.check()
    page.get_by_role("group", name=re.compile("To what extent do you agree")).get_by_label("Strongly agree").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    code = page.locator(".hys-code").inner_text()
    page.get_by_label("Email address").fill("resident@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("We have sent a link to resident@example.org")).to_be_visible()
    watched.check()

    later = Watched(new_page())
    later.visit(f"{CONSULTATION}respond/continue/")
    later.page.get_by_label("Your code").fill(code)
    later.page.get_by_role("button", name="Continue").click()
    later.check()
    for _ in range(4):
        later.page.get_by_role("button", name="Continue").click()
        later.check()
    expect(later.page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending your response")
    later.page.get_by_role("button", name="Continue to send your response").click()
    later.check()
    later.page.get_by_label("As an individual").check()
    later.page.get_by_label("Do not publish my response").check()
    later.page.get_by_role("group", name=re.compile("email you when we publish")).get_by_label("No").check()
    later.page.get_by_role("button", name="Accept and send").click()
    expect(later.page.get_by_role("heading", level=1)).to_have_text("Response sent")
    later.check()
    later.visit("/respond/continue/no-such-link/")
    later.visit("/no-such-page/")


# The main staff pages of one consultation, under /staff/consultations/<pk>/.
STAFF_PAGES = ["", "edit/", "preview/", "questionnaire/", "responses/", "responses/new/", "import/", "events-notes/",
               "stakeholders/", "jobs/", "themes/", "documents/new/", "events/new/"]


def test_the_main_staff_pages_break_no_rule_of_the_policy(page, officer):
    watched = Watched(page)
    sign_in(page, officer)
    watched.check()
    page.get_by_role("link", name=re.compile("Local Cycling and Walking")).first.click()
    watched.check()
    consultation = urlsplit(page.url).path
    assert re.fullmatch(r"/staff/consultations/\d+/", consultation)
    for path in STAFF_PAGES:
        watched.visit(consultation + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    watched.visit("/staff/jobs/")
