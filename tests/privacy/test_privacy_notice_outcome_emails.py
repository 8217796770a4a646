"""Every consultation's privacy notice says what happens to an email address given for the
outcome email, as the site works now: notices written before the site sent outcome emails
included, without staff editing them."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings

from haveyoursay.hub.models import add_months
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "haveyoursay.privacy.migrations.0002_the_site_says_what_happens_to_outcome_email_addresses"
)
# As a council wrote its notices before the site sent outcome emails (from the council's own pages).
OLD_NOTICE = (
    "Your responses will be stored in line with the Data Protection Act 2018. Where you have shared your "
    "experiences, responses may be used in the form of anonymous quotes to help illustrate key issues that have "
    "been highlighted through this piece of engagement."
)


def page_of(client, consultation):
    return client.get(consultation.get_absolute_url()).content.decode()


def test_a_notice_written_before_outcome_emails_says_what_happens_to_the_address(client):
    consultation = make_consultation(status="open", privacy_notice=OLD_NOTICE)
    page = page_of(client, consultation)
    assert "Emails about the outcome: if you ask us to tell you the outcome" in page
    removed_on = add_months(consultation.closes_on, consultation.retention_months)
    assert f"We delete it once the email has gone, or on {removed_on:%-d %B %Y} if that comes first." in page
    assert "until you tell us to stop" in page


def test_a_notice_begun_from_the_template_says_it_once(client):
    consultation = make_consultation(status="open", privacy_notice=settings.PRIVACY_NOTICE_TEMPLATE)
    assert page_of(client, consultation).count("Emails about the outcome") == 1


def test_notices_begun_from_the_old_template_lose_its_paragraph_and_keep_the_rest(client):
    kept = "Your rights: you can ask for a copy of everything we hold about you."
    from_template = make_consultation(
        slug="from-template", status="open",
        privacy_notice=f"{OLD_NOTICE}\r\n\r\n{migration.PARAGRAPH}\r\n\r\n{kept}",
    )  # fmt: skip
    own_words = "Emails about the outcome: we keep your address for a week after we send it."
    own = make_consultation(slug="own-words", status="open", privacy_notice=f"{OLD_NOTICE}\n\n{own_words}")
    migration.take_out_the_paragraph(apps, None)
    from_template.refresh_from_db()
    own.refresh_from_db()
    assert from_template.privacy_notice == f"{OLD_NOTICE}\r\n\r\n{kept}"
    assert own.privacy_notice == f"{OLD_NOTICE}\n\n{own_words}"
    assert page_of(client, from_template).count("Emails about the outcome") == 1
