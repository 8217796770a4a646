"""The hub's "Outcome published" filter: closed consultations whose "You said, we did" the
public can read, written as prose or as entries."""

import pytest
from django.urls import reverse

from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.models import WeDidEntry
from tests.factories import make_consultation
from tests.hub.test_views import titles_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultations():
    prose = make_consultation(status="closed", title="Net zero strategy", we_did="The target was brought forward.")
    prose.publish_outcome()
    entries = make_consultation(status="closed", title="Leicestershire County Council Strategic Plan 2022-2026")
    WeDidEntry.objects.create(consultation=entries, you_said="The Plan was too long", action="changed",
                              we_did="The length of the Plan has been reduced.")  # fmt: skip
    entries.publish_outcome()
    make_consultation(status="closed", title="Waste strategy", we_did="Written, not yet published.")
    withdrawn = make_consultation(status="closed", title="Carers strategy", we_did="Published, then withdrawn.")
    withdrawn.publish_outcome()
    withdrawn.withdraw_outcome()
    make_consultation(status="open", title="Cycling and walking")
    return prose, entries


def test_it_lists_only_consultations_whose_outcome_the_public_can_read(client, consultations):
    listed = titles_on(client.get("/?outcome=published"))
    assert sorted(listed) == ["Leicestershire County Council Strategic Plan 2022-2026", "Net zero strategy"]
    assert all(consultation.outcome_is_published for consultation in consultations)


def test_an_outcome_hidden_again_by_a_later_closing_date_is_not_listed(client, consultations):
    prose, _ = consultations
    later = prose.closes_on.replace(year=prose.closes_on.year + 1)
    Consultation.private_objects.filter(pk=prose.pk).update(closes_on=later)
    assert titles_on(client.get("/?outcome=published")) == ["Leicestershire County Council Strategic Plan 2022-2026"]


def test_it_shows_as_an_applied_filter_that_can_be_removed_alone(client, consultations):
    html = client.get("/?outcome=published&status=closed").content.decode()
    assert "Outcome: Published" in html
    assert 'href="/?status=closed">Remove<span class="govuk-visually-hidden"> outcome: Published' in html
    assert 'name="outcome" type="checkbox" value="published" checked' in html
    assert "2 consultations found" in html


def test_the_feed_follows_the_filter(client, consultations):
    feed = client.get(reverse("hub:feed") + "?outcome=published").content.decode()
    assert "Net zero strategy" in feed and "Waste strategy" not in feed


def test_a_value_it_does_not_know_gives_a_page_not_an_error(client, consultations):
    response = client.get("/?outcome=nonsense")
    assert response.status_code == 200
    assert len(titles_on(response)) == 5
