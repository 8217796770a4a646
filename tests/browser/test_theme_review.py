"""An analyst reviews a question's codeframe in Chromium, by keyboard-reachable forms, with axe-core finding nothing."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from haveyoursay.analysis import themes
from tests.analysis.test_themes_workflow import analyst, question  # noqa: F401 (fixtures)
from tests.browser.test_staff_publishing import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache(live_server):
    cache.clear()
    yield
    cache.clear()


def test_an_analyst_renames_a_theme_and_codes_answers(page, analyst, question, axe_check):  # noqa: F811
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    consultation = question.page.questionnaire.consultation
    first = codeframe.themes.filter(nothing_to_add=False).first()
    sign_in(page, analyst)
    page.goto(f"/staff/consultations/{consultation.pk}/themes/why/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Why do you say this?")
    expect(page.get_by_role("table", name="Themes")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=first.label).click()
    axe_check(page)
    page.get_by_label("Name", exact=True).fill("Breaks for carers")
    page.get_by_role("button", name="Save name and description").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Breaks for carers")

    page.goto(f"/staff/consultations/{consultation.pk}/themes/why/next/")
    axe_check(page)
    for number in range(1, 6):
        page.get_by_role("group", name=f"Themes of answer {number}").get_by_label("None of these").check()
    page.get_by_role("button", name="Save and show more").click()
    expect(page.get_by_text("5 answers coded.")).to_be_visible()
    assert codeframe.codings.filter(coded_at__isnull=False).count() == 5
