"""A resident asks for updates, confirms through the emailed link and unsubscribes, without
JavaScript, by keyboard, at a phone's width and a desktop's; staff follow the outcome emails.
axe-core checks every page."""

import datetime
import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import expect

from haveyoursay.decisions.models import Organization
from haveyoursay.hub.models import today
from haveyoursay.outcomes.notify_models import Delivery, Follower, Mailing
from haveyoursay.surveys.models import Questionnaire, Response
from tests.browser.test_responding_journey import tab_to
from tests.browser.test_staff_publishing import sign_in
from tests.factories import make_consultation


@pytest.fixture(autouse=True)
def server(live_server, settings, empty_cache):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The limits' counts are kept in a table the database flush leaves: one test's emails to an
    # address must not use up the next one's.
    caches["limits"].clear()
    return live_server


def press(page, locator):
    tab_to(page, locator)
    page.keyboard.press("Enter")


def link_in(message, path):
    return re.search(rf"https?://\S+{path}\S+/", message.body).group()


@pytest.mark.parametrize("fixture", ["nojs_page", "mobile_nojs_page"])
def test_a_resident_follows_a_consultation_confirms_and_unsubscribes(request, fixture, axe_check):
    page = request.getfixturevalue(fixture)
    make_consultation(title="Net Zero Leicestershire Strategy and Action Plan", slug="net-zero")
    page.goto("/consultations/net-zero/")
    form = page.locator("form.hys-follow-form")
    axe_check(page, "#get-updates, form.hys-follow-form")
    press(page, form.get_by_role("button", name="Get updates"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    axe_check(page)
    page.get_by_label("Email address").fill("jo.bloggs@example.org")
    press(page, page.get_by_role("button", name="Get updates"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    axe_check(page)
    assert not Follower.objects.exists()

    page.goto(link_in(mail.outbox[-1], "/get-updates/confirm/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm you want updates")
    axe_check(page)
    press(page, page.get_by_role("button", name="Confirm"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You will get updates")
    axe_check(page)
    assert Follower.objects.get().email == "jo.bloggs@example.org"

    press(page, page.get_by_role("link", name="stop these updates now"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop getting these emails")
    axe_check(page)
    press(page, page.get_by_role("button", name="Stop these emails"))
    expect(page.get_by_role("heading", level=1)).to_have_text("You will not get these emails any more")
    axe_check(page)
    assert not Follower.objects.exists()


def test_a_body_page_offers_updates_at_a_phones_width(mobile_nojs_page, axe_check):
    cabinet = Organization.objects.create(name="Cabinet", classification="executive")
    mobile_nojs_page.goto(f"/bodies/{cabinet.slug}/")
    axe_check(mobile_nojs_page, "#get-updates, form.hys-follow-form")
    mobile_nojs_page.get_by_label("Email address").fill("jo.bloggs@example.org")
    press(mobile_nojs_page, mobile_nojs_page.get_by_role("button", name="Get updates"))
    expect(mobile_nojs_page.get_by_role("heading", level=1)).to_have_text("Check your email")
    width = mobile_nojs_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375


def test_staff_see_how_the_outcome_emails_went_and_try_the_failed_ones_again(page, officer, axe_check):
    closed = today() - datetime.timedelta(days=30)
    consultation = make_consultation(
        title="Net Zero Leicestershire Strategy and Action Plan", slug="net-zero",
        opens_on=closed - datetime.timedelta(days=60), closes_on=closed, we_did="We adopted the strategy.",
    )  # fmt: skip
    consultation.publish_outcome()
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=consultation)
    for n, state in enumerate(["sent", "sent", "given_up"]):
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(),
            email=f"resident{n}@example.org", contact_about_outcome=True,
        )
        mailing.deliveries.create(response=response, state=state, attempts=1 if state == "sent" else 5,
                                  error="SMTPServerDisconnected" if state == "given_up" else "")
    sign_in(page, officer)
    page.goto(f"/staff/consultations/{consultation.pk}/")
    press(page, page.get_by_role("link", name="Outcome emails to respondents and followers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcome emails")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Failed 5 times")
    axe_check(page)
    press(page, page.get_by_role("button", name="Try the failed emails again now"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Trying 1 email again")
    axe_check(page)
    assert mailing.deliveries.filter(state=Delivery.State.GIVEN_UP).count() == 0
