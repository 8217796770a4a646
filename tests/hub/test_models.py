import datetime

import pytest
from django.db import IntegrityError

from haveyoursay.hub.models import Consultation, Revision, Status
from tests.factories import make_consultation, make_document, midday

pytestmark = pytest.mark.django_db

DAY = datetime.date(2022, 6, 6)


def carers(**dates):
    return Consultation(title="Carers Strategy", slug="carers", published_at=datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC), **dates)


class TestStatus:
    def test_it_is_open_from_the_opening_day_to_the_end_of_the_closing_day(self):
        consultation = carers(opens_on=DAY, closes_on=datetime.date(2022, 7, 31))
        assert consultation.status_on(DAY - datetime.timedelta(days=1)) == Status.FORTHCOMING
        assert consultation.status_on(DAY) == Status.OPEN
        assert consultation.status_on(datetime.date(2022, 7, 31)) == Status.OPEN
        assert consultation.status_on(datetime.date(2022, 8, 1)) == Status.CLOSED

    def test_unconfirmed_dates_are_forthcoming(self):
        assert carers(opens_on=None, closes_on=None).status_on(DAY) == Status.FORTHCOMING

    def test_unpublished_is_draft_whatever_the_dates(self):
        consultation = carers(opens_on=DAY, closes_on=DAY)
        consultation.published_at = None
        assert consultation.status_on(DAY) == Status.DRAFT

    def test_the_database_filter_agrees_with_the_python_status(self):
        on = datetime.date(2026, 3, 10)
        made = {
            status: make_consultation(status=status, on=on) for status in ("open", "forthcoming", "closed")
        }
        draft = make_consultation(published=False, on=on)
        tbc = make_consultation(opens_on=None, closes_on=None, on=on)
        for status, consultation in made.items():
            found = set(Consultation.private_objects.with_status([status], on=on))
            assert consultation in found
            assert all(c.status_on(on) == status for c in found)
        assert tbc in Consultation.private_objects.with_status(["forthcoming"], on=on)
        assert list(Consultation.private_objects.with_status(["draft"], on=on)) == [draft]

    def test_days_left_counts_down_to_zero_on_the_closing_day(self, monkeypatch):
        monkeypatch.setattr("haveyoursay.hub.models.now", lambda: midday(DAY))
        consultation = carers(opens_on=DAY - datetime.timedelta(days=3), closes_on=DAY + datetime.timedelta(days=12))
        assert consultation.days_left == 12
        consultation.closes_on = DAY
        assert consultation.days_left == 0
        consultation.closes_on = DAY - datetime.timedelta(days=1)
        assert consultation.days_left is None


class TestVisibility:
    def test_the_public_manager_never_returns_a_draft(self):
        published = make_consultation()
        draft = make_consultation(published=False)
        assert list(Consultation.public_objects.all()) == [published]
        assert Consultation.public_objects.filter(pk=draft.pk).count() == 0
        assert set(Consultation.private_objects.all()) == {published, draft}

    def test_unpublishing_hides_it_again(self):
        consultation = make_consultation()
        consultation.unpublish()
        assert not Consultation.public_objects.filter(pk=consultation.pk).exists()

    def test_a_consultation_is_public_the_moment_it_is_published(self):
        # The database's clock decides, and SQLite's reads milliseconds: before it was read as
        # the end of its millisecond, more than half of these were not found at once.
        for _ in range(50):
            consultation = make_consultation()
            assert Consultation.public_objects.filter(pk=consultation.pk).exists()

    def test_publishing_twice_keeps_the_first_publication_time(self):
        consultation = make_consultation()
        first = consultation.published_at
        consultation.publish()
        assert consultation.published_at == first


class TestHubOrder:
    def test_open_soonest_closing_first_then_forthcoming_then_most_recently_closed(self):
        on = datetime.date(2026, 3, 10)
        closes_later = make_consultation(status="open", on=on, closes_on=on + datetime.timedelta(days=40))
        closes_sooner = make_consultation(status="open", on=on, closes_on=on + datetime.timedelta(days=2))
        forthcoming = make_consultation(status="forthcoming", on=on)
        closed_long_ago = make_consultation(status="closed", on=on, opens_on=on.replace(year=2020), closes_on=on.replace(year=2021))
        closed_recently = make_consultation(status="closed", on=on)
        order = list(Consultation.public_objects.in_hub_order(on))
        assert order == [closes_sooner, closes_later, forthcoming, closed_recently, closed_long_ago]


class TestSearch:
    def test_every_word_must_match_the_title_or_summary(self):
        carers = make_consultation(title="Joint Carers Strategy", summary="Support for carers in Rutland")
        waste = make_consultation(title="Resources and Waste Strategy", summary="Recycling pledges")
        assert set(Consultation.public_objects.search("strategy")) == {carers, waste}
        assert list(Consultation.public_objects.search("carers rutland")) == [carers]
        assert list(Consultation.public_objects.search("RECYCLING")) == [waste]
        assert list(Consultation.public_objects.search("carers recycling")) == []


class TestConstraints:
    def test_a_consultation_cannot_close_before_it_opens(self):
        with pytest.raises(IntegrityError):
            make_consultation(opens_on=DAY, closes_on=DAY - datetime.timedelta(days=1))


class TestDocuments:
    def test_format_and_size_come_from_the_stored_file(self, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        document = make_document(make_consultation(), name="LLR Carers Strategy.PDF")
        assert document.file_format == "PDF"
        assert document.size_bytes == (tmp_path / document.file.name).stat().st_size
        assert document.download_name == "llr-carers-strategy.pdf"

    def test_deleting_a_document_deletes_its_file_after_commit(self, settings, tmp_path, django_capture_on_commit_callbacks):
        settings.MEDIA_ROOT = tmp_path
        document = make_document(make_consultation())
        path = tmp_path / document.file.name
        with django_capture_on_commit_callbacks(execute=True):
            document.delete()
        assert not path.exists()


class TestRevision:
    def test_any_change_to_public_content_bumps_the_revision_once_committed(self, django_capture_on_commit_callbacks):
        before = Revision.current()
        with django_capture_on_commit_callbacks(execute=True):
            consultation = make_consultation()
        after_create = Revision.current()
        assert after_create > before
        with django_capture_on_commit_callbacks(execute=True):
            consultation.unpublish()
        assert Revision.current() > after_create

    def test_a_process_reads_the_revision_at_most_once_a_second(self, django_assert_num_queries, monkeypatch):
        clock = [1000.0]
        monkeypatch.setattr("haveyoursay.hub.models.time.monotonic", lambda: clock[0])
        Revision.forget()
        with django_assert_num_queries(1):
            first = Revision.current()
            assert Revision.current() == first
        clock[0] += 1.5
        with django_assert_num_queries(1):
            Revision.current()

    def test_the_process_that_made_a_change_sees_it_at_once(self, django_capture_on_commit_callbacks):
        before = Revision.current()
        with django_capture_on_commit_callbacks(execute=True):
            make_consultation()
        assert Revision.current() > before
