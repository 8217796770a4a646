"""The outcome email: one to each person who asked for it, never to anyone else, never twice,
failures tried again and then given up, unsubscribing honoured, and the address deleted after."""

import datetime
import logging
import smtplib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import today
from haveyoursay.jobs.models import Job
from haveyoursay.outcomes import notify, subscriptions
from haveyoursay.outcomes.notify_models import MOST_ATTEMPTS, Delivery, Follower, Mailing
from haveyoursay.privacy.retention import apply_retention
from haveyoursay.surveys.models import Questionnaire, Response
from haveyoursay.surveys.building import add_page, add_question
from tests.factories import make_consultation
from tests.privacy.conftest import send

pytestmark = pytest.mark.django_db

SITE = "https://haveyoursay.example.gov.uk"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def carers(db):
    """The Carers Strategy's consultation, closed a month ago, with "You said" and "We did" written."""
    closed = today() - datetime.timedelta(days=30)
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", opens_on=closed - datetime.timedelta(days=60), closes_on=closed,
        you_said="Carers told us that respite breaks matter most.",
        we_did="We have added a commitment to expand respite provision.",
    )  # fmt: skip
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why_vision")
    add_question(page, "multiple", "How do you find out about support for carers?", code="find_out",
                 options=["GP surgery", "Council website", "Other"], other=["Other"])
    return questionnaire


def opted_in(questionnaire, email, **fields):
    return send(questionnaire, email=email, contact_about_outcome=True, **fields)


def publish(questionnaire, user=None):
    """Publish the outcome as staff do, and run the mailing it queues (inline in tests)."""
    consultation = questionnaire.consultation
    consultation.publish_outcome()
    return notify.start_outcome_mailing(consultation, user)


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


class TestWhoIsWrittenTo:
    def test_a_resident_who_opted_in_receives_one_outcome_email(self, carers, django_capture_on_commit_callbacks):
        response = opted_in(carers, "jo.bloggs@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        assert sent_to() == ["jo.bloggs@example.org"]
        message = mail.outbox[0]
        assert message.subject == f"The outcome of {carers.consultation.title}"
        assert f"{SITE}/consultations/carers-strategy/#you-said" in message.body
        html, kind = message.alternatives[0]
        assert kind == "text/html" and f'href="{SITE}/consultations/carers-strategy/#you-said"' in html
        assert Delivery.objects.get(response=response).state == Delivery.State.SENT

    def test_it_writes_to_no_one_who_did_not_ask_was_not_counted_gave_no_address_or_was_erased(
        self, carers, officer, django_capture_on_commit_callbacks
    ):
        opted_in(carers, "asked@example.org")
        send(carers, email="did.not.tick@example.org", contact_about_outcome=False)
        opted_in(carers, "")
        opted_in(carers, "duplicate@example.org").mark_duplicate(Response.objects.first(), officer, "Sent twice")
        opted_in(carers, "withdrawn@example.org").mark_withdrawn(officer, "Asked to withdraw")
        opted_in(carers, "erased@example.org").erase(officer)
        Response.objects.create(questionnaire=carers, email="unsent@example.org", contact_about_outcome=True)
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        assert sent_to() == ["asked@example.org"]

    def test_two_responses_from_one_address_get_one_email(self, carers, django_capture_on_commit_callbacks):
        opted_in(carers, "jo.bloggs@example.org")
        opted_in(carers, "Jo.Bloggs@Example.org")
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        assert len(mail.outbox) == 1

    def test_a_follower_of_the_consultation_gets_it_too_once_even_if_they_also_responded(
        self, carers, django_capture_on_commit_callbacks
    ):
        opted_in(carers, "jo.bloggs@example.org")
        subscriptions.follow("JO.BLOGGS@example.org", consultation=carers.consultation)
        subscriptions.follow("sam.follower@example.org", consultation=carers.consultation)
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        assert sorted(a.lower() for a in sent_to()) == ["jo.bloggs@example.org", "sam.follower@example.org"]
        assert "You asked us to tell you" in next(m for m in mail.outbox if m.to == ["sam.follower@example.org"]).body


class TestNeverTwice:
    def test_running_the_work_twice_sends_nothing_twice(self, carers, django_capture_on_commit_callbacks):
        opted_in(carers, "jo.bloggs@example.org")
        opted_in(carers, "sam.smith@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            mailing_job = publish(carers)
        mailing = Mailing.objects.get(consultation=carers.consultation)
        notify.send_mailing_impl(mailing.pk)
        with django_capture_on_commit_callbacks(execute=True):
            notify.start_outcome_mailing(carers.consultation, None)  # published again after a withdrawal
        assert len(mail.outbox) == 2
        assert mailing_job.kind == Job.Kind.EMAIL
        assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 2

    def test_two_runs_claiming_at_once_never_claim_the_same_email(self, carers):
        for n in range(30):
            opted_in(carers, f"resident{n}@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        notify.add_recipients(mailing)
        first = notify.claim_batch(mailing, size=20)
        second = notify.claim_batch(mailing, size=20)
        third = notify.claim_batch(mailing, size=20)
        assert {d.pk for d in first} & {d.pk for d in second} == set()
        assert len(first) == 20 and len(second) == 10 and third == []
        assert {d.attempts for d in first + second} == {1}

    def test_an_email_left_sending_by_a_stopped_worker_is_given_up_not_sent_again(self, carers):
        opted_in(carers, "jo.bloggs@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        notify.add_recipients(mailing)
        notify.claim_batch(mailing)  # and the worker stopped
        mailing.deliveries.update(claimed_at=timezone.now() - datetime.timedelta(hours=2))
        notify.send_mailing_impl(mailing.pk)
        delivery = mailing.deliveries.get()
        assert mail.outbox == []
        assert (delivery.state, delivery.error) == (Delivery.State.GIVEN_UP, "Interrupted")


class FailingBackend:
    """An email service that refuses every message, saying the address in its error as SMTP servers do."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (450, b"mailbox busy")})


class TestFailures:
    @pytest.fixture
    def failing(self, settings):
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"

    def test_a_failure_is_tried_again_later_and_given_up_after_the_last_attempt(self, carers, failing, settings):
        opted_in(carers, "jo.bloggs@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        now = timezone.now()
        notify.send_mailing_impl(mailing.pk, now=now)
        delivery = mailing.deliveries.get()
        assert (delivery.state, delivery.attempts, delivery.error) == ("failed", 1, "SMTPRecipientsRefused")
        assert delivery.next_attempt_at == now + datetime.timedelta(minutes=5)
        notify.send_mailing_impl(mailing.pk, now=now + datetime.timedelta(minutes=1))  # not due yet
        delivery.refresh_from_db()
        assert delivery.attempts == 1
        for _ in range(MOST_ATTEMPTS - 1):
            notify.send_mailing_impl(mailing.pk, now=delivery.next_attempt_at)
            delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == (Delivery.State.GIVEN_UP, MOST_ATTEMPTS)
        notify.send_mailing_impl(mailing.pk, now=delivery.next_attempt_at + datetime.timedelta(days=1))
        delivery.refresh_from_db()
        assert delivery.attempts == MOST_ATTEMPTS

    def test_the_error_is_recorded_and_logged_without_the_address(self, carers, failing, caplog):
        opted_in(carers, "jo.bloggs@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        with caplog.at_level(logging.DEBUG):
            notify.send_mailing_impl(mailing.pk)
        delivery = mailing.deliveries.get()
        assert delivery.error == "SMTPRecipientsRefused"
        assert "SMTPRecipientsRefused" in caplog.text
        assert "jo.bloggs" not in caplog.text
        recorded = " ".join(str(value) for value in Delivery.objects.values_list().get())
        assert "jo.bloggs" not in recorded
        # Until it is sent or given up, the address stays where it was given, to try again.
        assert Response.objects.filter(email="jo.bloggs@example.org").exists()

    def test_staff_can_try_the_given_up_emails_again(self, carers, failing, settings, officer_client,
                                                     django_capture_on_commit_callbacks):
        opted_in(carers, "jo.bloggs@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        mailing.deliveries.create(response=Response.objects.get(), state=Delivery.State.GIVEN_UP,
                                  attempts=MOST_ATTEMPTS, error="SMTPServerDisconnected")
        page = officer_client.get(reverse("outcomes_staff:outcome_emails", args=[carers.consultation.pk]))
        assert "SMTPServerDisconnected: 1 email" in page.content.decode()
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("outcomes_staff:retry_outcome_emails", args=[carers.consultation.pk]))
        assert sent_to() == ["jo.bloggs@example.org"]
        assert AuditEvent.objects.filter(action="outcome_emails.retry").exists()
        page = officer_client.get(reverse("outcomes_staff:outcome_emails", args=[carers.consultation.pk]))
        assert "Sent</dt><dd class=\"govuk-summary-list__value\">1</dd>" in page.content.decode()


def test_an_outcome_published_before_the_site_kept_the_consultation_says_no_emails_went(carers, officer_client):
    # Not "when you publish the outcome, everyone gets one email": it was published, with none.
    emails = reverse("outcomes_staff:outcome_emails", args=[carers.consultation.pk])
    assert "No emails have been sent yet. When you publish the outcome" in officer_client.get(emails).content.decode()
    carers.consultation.publish_outcome(at=datetime.datetime(2022, 3, 29, 10, tzinfo=datetime.timezone.utc))
    html = officer_client.get(emails).content.decode()
    assert "The outcome was published on 29 March 2022, before this site kept the consultation" in html
    assert "When you publish the outcome" not in html


class TestAddressesDeleted:
    def test_the_address_is_deleted_once_the_email_has_gone(self, carers, django_capture_on_commit_callbacks):
        response = opted_in(carers, "jo.bloggs@example.org")
        subscriptions.follow("sam.follower@example.org", consultation=carers.consultation)
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        response.refresh_from_db()
        assert response.email == "" and response.contact_about_outcome
        assert not Follower.objects.exists()
        assert set(Delivery.objects.values_list("address_key", flat=True)) == {""}

    def test_when_retention_ends_first_nothing_waiting_is_sent_and_followers_are_deleted(self, carers, settings):
        opted_in(carers, "jo.bloggs@example.org")
        subscriptions.follow("sam.follower@example.org", consultation=carers.consultation)
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        notify.send_mailing_impl(mailing.pk)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        apply_retention(carers.consultation, on=carers.consultation.retention_ends_on)
        assert not Follower.objects.exists()
        notify.send_mailing_impl(mailing.pk, now=timezone.now() + datetime.timedelta(days=1))
        assert mail.outbox == []
        assert set(mailing.deliveries.values_list("state", flat=True)) == {Delivery.State.NOT_SENT}


class TestUnsubscribe:
    def test_the_email_offers_one_click_unsubscribe(self, carers, client, django_capture_on_commit_callbacks):
        opted_in(carers, "jo.bloggs@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        headers = mail.outbox[0].extra_headers
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        url = headers["List-Unsubscribe"].strip("<>")
        assert url.startswith(f"{SITE}/emails/unsubscribe/")
        assert url in mail.outbox[0].body

    def test_a_one_click_post_without_a_csrf_token_unsubscribes_a_follower_and_deletes_the_address(self, carers):
        follower, _ = subscriptions.follow("sam.follower@example.org", consultation=carers.consultation)
        url = reverse("outcomes:unsubscribe", args=[notify.unsubscribe_token(follower=follower)])
        strict = __import__("django.test", fromlist=["Client"]).Client(enforce_csrf_checks=True)
        reply = strict.post(url, {"List-Unsubscribe": "One-Click"})
        assert reply.status_code == 200
        assert not Follower.objects.exists()

    def test_the_page_asks_first_and_its_button_unsubscribes(self, carers, client, django_capture_on_commit_callbacks):
        follower, _ = subscriptions.follow("sam.follower@example.org", consultation=carers.consultation)
        url = reverse("outcomes:unsubscribe", args=[notify.unsubscribe_token(follower=follower)])
        page = client.get(url)
        assert "Stop these emails" in page.content.decode() and Follower.objects.exists()
        client.post(url)
        with django_capture_on_commit_callbacks(execute=True):
            publish(carers)
        assert mail.outbox == []

    def test_an_unsubscribed_respondent_is_not_written_to_when_their_email_is_tried_again(self, carers, settings):
        response = opted_in(carers, "jo.bloggs@example.org")
        settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        notify.send_mailing_impl(mailing.pk)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        subscriptions.unsubscribe(subscriptions.read_unsubscribe_token(notify.unsubscribe_token(response=response)))
        notify.send_mailing_impl(mailing.pk, now=timezone.now() + datetime.timedelta(days=1))
        response.refresh_from_db()
        assert mail.outbox == [] and response.email == "" and not response.contact_about_outcome

    def test_it_refuses_a_token_it_did_not_sign(self, client):
        assert client.post(reverse("outcomes:unsubscribe", args=["eyJmIjoxfQ:forged:sig"])).status_code == 404


class TestStaffAction:
    def test_publishing_the_outcome_sends_the_emails_and_staff_see_the_counts(
        self, carers, officer_client, django_capture_on_commit_callbacks
    ):
        opted_in(carers, "jo.bloggs@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:publish_outcome", args=[carers.consultation.pk]))
        assert sent_to() == ["jo.bloggs@example.org"]
        page = officer_client.get(reverse("outcomes_staff:outcome_emails", args=[carers.consultation.pk])).content
        assert b"Sent</dt><dd class=\"govuk-summary-list__value\">1</dd>" in page
        assert b"jo.bloggs" not in page
        assert AuditEvent.objects.get(action="outcome_emails.sent").sentence == (
            "Outcome emails sent by the background worker: 1 email"
        )

    def test_without_site_url_the_job_fails_with_a_message_staff_can_act_on(
        self, carers, settings, officer_client, django_capture_on_commit_callbacks
    ):
        settings.SITE_URL = ""
        opted_in(carers, "jo.bloggs@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:publish_outcome", args=[carers.consultation.pk]))
        job = Job.objects.get(kind=Job.Kind.EMAIL)
        assert job.state == Job.State.FAILED and "SITE_URL" in job.error_message
        assert mail.outbox == []


class TestTheWorkerRacing:
    def test_rows_another_worker_claimed_after_this_one_looked_are_not_claimed_again(self, carers, monkeypatch):
        for n in range(3):
            opted_in(carers, f"resident{n}@example.org")
        carers.consultation.publish_outcome()
        mailing = Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=carers.consultation)
        notify.add_recipients(mailing)
        real = notify.due_deliveries
        rival = []

        def seen_then_taken(mailing, now=None):
            seen = list(real(mailing, now).values_list("pk", flat=True))
            monkeypatch.setattr(notify, "due_deliveries", real)
            rival.extend(notify.claim_batch(mailing))  # another worker, between this one's look and its claim
            return Delivery.objects.filter(pk__in=seen)

        monkeypatch.setattr(notify, "due_deliveries", seen_then_taken)
        assert notify.claim_batch(mailing) == []
        assert len(rival) == 3
        assert set(mailing.deliveries.values_list("attempts", flat=True)) == {1}


def test_a_consultation_with_only_followers_left_is_due_for_retention_and_they_are_deleted(db):
    from haveyoursay.privacy.retention import due_consultations

    closed = today() - datetime.timedelta(days=25 * 31)
    consultation = make_consultation(
        slug="carers-strategy", opens_on=closed - datetime.timedelta(days=60), closes_on=closed
    )
    subscriptions.follow("sam.follower@example.org", consultation=consultation)
    assert due_consultations() == [consultation]
    apply_retention(consultation)
    assert not Follower.objects.exists()
    assert AuditEvent.objects.get(action="retention.apply").detail["followers_deleted"] == 1
