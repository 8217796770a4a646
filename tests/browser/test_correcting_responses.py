"""An officer puts responses right: finds a paper response by its reference, corrects an answer
(forgetting the reason first), marks another as withdrawn and counts it again, and opens the
page that undoes an import; by keyboard, with axe-core on every page, and at a phone's width."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from haveyoursay.hub.models import today
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import ImportBatch, Response
from tests.browser.test_responding_journey import tab_to
from tests.browser.test_staff_publishing import sign_in
from tests.surveys.conftest import questionnaire  # noqa: F401 (a fixture)

VISION = "To what extent do you agree or disagree with the proposed vision?"


@pytest.fixture(autouse=True)
def server(live_server):
    return live_server


def paper_response(questionnaire, vision="tend_to_agree"):
    response = Response.objects.create(questionnaire=questionnaire, channel=Response.Channel.PAPER, received_on=today())
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    submission.save_answers(response, {questions["vision"]: {"choice": vision, "other": ""}})
    return submission.submit(response)


def press(page, locator):
    tab_to(page, locator)
    page.keyboard.press("Enter")


def test_an_officer_finds_corrects_and_marks_responses_by_keyboard(page, officer, questionnaire, axe_check):
    keyed_in = paper_response(questionnaire)
    other = paper_response(questionnaire, vision="strongly_agree")
    consultation = questionnaire.consultation
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{consultation.pk}/responses/")
    axe_check(page)

    search = page.get_by_label("Find a response by its reference")
    search.fill("ZZZZ 2345")
    press(page, page.get_by_role("button", name="Find"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("No response to this consultation has the reference")
    axe_check(page)
    page.get_by_label("Find a response by its reference").fill(keyed_in.reference.lower().replace("-", " "))
    press(page, page.get_by_role("button", name="Find"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Response {keyed_in.reference}")
    axe_check(page)

    press(page, page.get_by_role("link", name=f"Change the answer to {VISION}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("The vision")
    page.get_by_label("Strongly disagree").check()
    press(page, page.get_by_role("button", name="Save the correction"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why you are correcting the response")
    expect(page.get_by_label("Strongly disagree")).to_be_checked()  # nothing typed is lost
    axe_check(page)
    press(page, summary.get_by_role("link", name="Enter why you are correcting the response"))
    expect(page.get_by_label("Why are you correcting it?")).to_be_focused()
    page.keyboard.type("The paper form says Strongly disagree.")
    press(page, page.get_by_role("button", name="Save the correction"))
    expect(page.locator("#history")).to_be_visible()
    expect(page.get_by_text("corrected 1 answer in “The vision”")).to_be_visible()
    axe_check(page)

    page.goto(f"/staff/consultations/{consultation.pk}/responses/{other.pk}/")
    press(page, page.get_by_role("button", name="Mark as a duplicate or withdrawn"))
    press(page, page.get_by_role("button", name="Mark it as not counted"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select whether the response is a duplicate")
    axe_check(page)
    page.get_by_label("The respondent withdrew it").check()
    page.get_by_label("Reason (needed for a withdrawal)").fill("Withdrawn by letter on 3 August 2022.")
    press(page, page.get_by_role("button", name="Mark it as not counted"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdrawn")
    axe_check(page)
    press(page, page.get_by_role("button", name="Count it again"))
    expect(page.get_by_text("counted it again (it had been marked as withdrawn)")).to_be_visible()
    other.refresh_from_db()
    assert other.is_counted


def test_the_undo_import_page_at_a_phones_width(mobile_page, officer, questionnaire, axe_check):
    batch = ImportBatch.objects.create(questionnaire=questionnaire, file_name="smart-survey.csv", file_sha256="1" * 64)
    for key in ("R1", "R2", "R3"):
        Response.objects.create(
            questionnaire=questionnaire, channel=Response.Channel.IMPORT, state=Response.State.SUBMITTED,
            submitted_at=timezone.now(), import_batch=batch, import_key=key,
        )
    page = mobile_page
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{questionnaire.consultation.pk}/imports/{batch.pk}/undo/")
    expect(page.get_by_text("This will stop 3 responses being counted.")).to_be_visible()
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Why are you undoing this import?").fill("The dates were read month first.")
    page.get_by_role("button", name="Undo the import").click()
    expect(page.get_by_text("This import was undone on")).to_be_visible()
    axe_check(page)
    assert Response.objects.counted().count() == 0
