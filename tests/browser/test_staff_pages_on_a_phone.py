"""Every staff page of one consultation fits a phone's 375 px (WCAG 1.4.10 Reflow): the staff
home, then each page reached by following the links of the consultation's own staff pages,
on the demo's Strategic Plan consultation with its questionnaire, responses, background
work, meetings and "We did"."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.hub.demo import load_demo
from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.demo import SLUG, load_demo_trail
from haveyoursay.outcomes.demo_we_did import load_demo_we_did
from haveyoursay.reports.generating import start_report
from haveyoursay.surveys.demo import load_demo_questionnaires
from haveyoursay.surveys.demo_strategic_plan import load_demo_strategic_plan_survey
from tests.browser.test_staff_publishing import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("empty_cache")]

PHONE_WIDTH = 375
# Pages of the same kind (one response, one meeting link) are laid out alike: two of each are enough.
SAME_KIND = 2
# Files to download rather than pages, and pages that only confirm a deletion.
NOT_A_PAGE = re.compile(r"\.\w+$|/download/|/delete/|/remove/")


@pytest.fixture
def officer(make_user):
    return make_user("officer", groups=["Consultation team"], first_name="Olu", last_name="Officer", is_staff=True)


@pytest.fixture
def strategic_plan(officer):
    """The demo's Strategic Plan consultation as the demo loads it, with its engagement report made
    in the background (the tests' queue runs it at once) by the officer."""
    load_demo()
    load_demo_questionnaires()
    load_demo_strategic_plan_survey()
    load_demo_records()
    load_demo_trail()
    load_demo_we_did()
    consultation = Consultation.private_objects.get(slug=SLUG)
    start_report(consultation, officer)
    return consultation


def kind_of(path):
    return re.sub(r"/\d+/", "/N/", path)


def wider_than_the_phone(page):
    # Against the phone's width, not `innerWidth`: a phone's browser widens its viewport to fit a page too wide.
    return page.evaluate("document.documentElement.scrollWidth") > PHONE_WIDTH


def test_no_staff_page_of_a_consultation_is_wider_than_a_phone(mobile_page, officer, strategic_plan):
    page = mobile_page
    sign_in(page, officer)
    assert not wider_than_the_phone(page), "/staff/"
    own = f"/staff/consultations/{strategic_plan.pk}/"
    to_visit, visited, kinds, too_wide = [own], set(), {}, []
    while to_visit:
        path = to_visit.pop(0)
        if path in visited or kinds.get(kind_of(path), 0) >= SAME_KIND:
            continue
        visited.add(path)
        kinds[kind_of(path)] = kinds.get(kind_of(path), 0) + 1
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        if wider_than_the_phone(page):
            too_wide.append(f"{path} ({page.evaluate('document.documentElement.scrollWidth')} px)")
        for href in page.locator("main a[href]").evaluate_all("links => links.map(link => link.href)"):
            target = urlparse(href).path
            if target.startswith(own) and target not in visited and not NOT_A_PAGE.search(target):
                to_visit.append(target)
    # The walk reached the consultation's pages of every stage, not just its first.
    for stage in ("questionnaire/", "responses/", "jobs/", "meetings/", "outcome/", "record/", "report/"):
        assert own + stage in visited, stage
    assert not too_wide, f"wider than {PHONE_WIDTH} px at {PHONE_WIDTH} px: {', '.join(too_wide)}"


def test_the_staff_home_lists_each_consultation_as_a_block_on_a_phone(mobile_page, officer, strategic_plan, axe_check):
    page = mobile_page
    sign_in(page, officer)
    row = page.get_by_role("table", name="Consultations").get_by_role("row").filter(has_text=strategic_plan.title)
    expect(row.get_by_role("rowheader")).to_have_text(strategic_plan.title)
    expect(row.get_by_text("Status:")).to_be_visible()
    assert not wider_than_the_phone(page)
    axe_check(page)
