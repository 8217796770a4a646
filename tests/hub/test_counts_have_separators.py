"""Counts of a thousand or more are printed with a thousands separator wherever people read
them, as "1,910 consultations" and not "1910 consultations"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from haveyoursay.decisions.models import Decision, Meeting, Organization, Person
from haveyoursay.hub.models import Consultation, Topic, today

pytestmark = pytest.mark.django_db

MANY = 1001


@pytest.fixture
def many_open_consultations():
    """MANY published, open consultations on one topic, made in one go."""
    on = today()
    published_at = timezone.now() - datetime.timedelta(days=1)
    Consultation.private_objects.bulk_create(
        Consultation(
            title=f"Consultation {number}", slug=f"consultation-{number}", summary="What we are asking about.",
            opens_on=on - datetime.timedelta(days=7), closes_on=on + datetime.timedelta(days=21),
            published_at=published_at,
        )
        for number in range(MANY)
    )  # fmt: skip
    topic = Topic.objects.create(name="Health and social care")
    topic.consultations.through.objects.bulk_create(
        topic.consultations.through(topic=topic, consultation_id=pk)
        for pk in Consultation.private_objects.values_list("pk", flat=True)
    )
    return topic


def test_the_hub_heading_and_filters_separate_thousands(client, many_open_consultations):
    page = client.get(reverse("hub:index")).content.decode()
    assert "1,001 consultations" in page
    assert "Open (1,001)" in page
    assert "Health and social care (1,001)" in page
    assert "1001" not in page


def test_the_staff_list_separates_thousands_in_its_status_counts(officer_client, many_open_consultations):
    page = officer_client.get(reverse("staff:consultations")).content.decode()
    assert "Open (1,001)" in page
    assert "(1001)" not in page


@pytest.fixture
def many_delegated_decisions():
    officer = Person.objects.create(name="Director of Adults and Communities", slug="director", kind="officer",
                                    family_name="Director")
    Decision.objects.bulk_create(
        Decision(delegated_officer=officer, decided_on=datetime.date(2022, 3, 1), text="Approved.", outcome="approved")
        for _ in range(1234)
    )


def test_the_decisions_list_separates_thousands(client, many_delegated_decisions):
    page = client.get(reverse("decisions:decisions")).content.decode()
    assert "1,234 decisions" in page


def test_the_bodies_page_separates_thousands_of_meetings(client):
    council = Organization.objects.create(
        name="Leicestershire County Council", slug="council", classification="council"
    )
    first = timezone.make_aware(datetime.datetime(2000, 1, 5, 14))
    Meeting.objects.bulk_create(
        Meeting(organization=council, starts_at=first + datetime.timedelta(days=7 * week)) for week in range(1001)
    )
    page = client.get(reverse("decisions:bodies")).content.decode()
    assert "1,001 meetings" in page
