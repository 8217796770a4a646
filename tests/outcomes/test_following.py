"""Following a consultation or a body without responding: double opt-in, the same answer
whoever asks, rate limits, updates about a body's meetings, and the addresses deleted."""

import base64
import datetime
import logging
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import AgendaItem, Decision, Meeting, Organization
from haveyoursay.outcomes import notify, subscriptions
from haveyoursay.outcomes.notify_models import Follower, Mailing
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

SITE = "https://haveyoursay.example.gov.uk"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def net_zero(db):
    return make_consultation(title="Net Zero Leicestershire Strategy and Action Plan", slug="net-zero")


@pytest.fixture
def cabinet(db):
    return Organization.objects.create(name="Cabinet", classification="executive")


def confirm_link(message):
    return re.search(r"https?://\S+/get-updates/confirm/\S+/", message.body).group()


class TestDoubleOptIn:
    def test_asking_stores_nothing_and_sends_a_link_to_confirm(self, client, net_zero):
        reply = client.post(reverse("outcomes:follow_consultation", args=["net-zero"]), {"email": "jo@example.org"})
        assert "Check your email" in reply.content.decode()
        assert not Follower.objects.exists()
        assert [m.to for m in mail.outbox] == [["jo@example.org"]]
        assert "Net Zero Leicestershire Strategy and Action Plan" in mail.outbox[0].subject

    def test_opening_the_link_asks_and_only_the_button_stores_the_follower(self, client, net_zero):
        client.post(reverse("outcomes:follow_consultation", args=["net-zero"]), {"email": "jo@example.org"})
        path = confirm_link(mail.outbox[0]).removeprefix("http://testserver")
        page = client.get(path)  # a mail program checking links does this
        assert page.status_code == 200 and "Confirm you want updates" in page.content.decode()
        assert not Follower.objects.exists()
        done = client.post(path)
        assert "You will get updates" in done.content.decode()
        follower = Follower.objects.get()
        assert (follower.email, follower.consultation) == ("jo@example.org", net_zero)
        client.post(path)  # pressed twice
        assert Follower.objects.count() == 1

    def test_the_page_says_the_same_whether_or_not_the_address_already_follows(self, client, net_zero):
        url = reverse("outcomes:follow_consultation", args=["net-zero"])
        before = client.post(url, {"email": "jo@example.org"}).content.decode()
        subscriptions.follow("jo@example.org", consultation=net_zero)
        after = client.post(url, {"email": "jo@example.org"}).content.decode()
        strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
        assert strip.sub("", before) == strip.sub("", after)

    def test_the_link_does_not_carry_the_address_where_it_could_be_read(self, client, net_zero):
        token = subscriptions.confirmation_token("jo.bloggs@example.org", consultation=net_zero)
        padded = token + "=" * (-len(token) % 4)
        assert b"jo.bloggs" not in base64.urlsafe_b64decode(padded)
        assert "jo.bloggs" not in token

    def test_a_link_that_was_tampered_with_is_refused(self, client, net_zero):
        token = subscriptions.confirmation_token("jo@example.org", consultation=net_zero)
        assert client.post(reverse("outcomes:confirm", args=[token[:-2] + "xx"])).status_code == 404
        assert not Follower.objects.exists()

    def test_an_old_link_says_it_has_expired(self, client, net_zero, monkeypatch):
        token = subscriptions.confirmation_token("jo@example.org", consultation=net_zero)
        monkeypatch.setattr(subscriptions, "CONFIRM_VALID_DAYS", 0)
        reply = client.post(reverse("outcomes:confirm", args=[token]))
        assert reply.status_code == 410 and "This link has expired" in reply.content.decode()

    def test_a_mistyped_address_gets_a_message_next_to_the_field_and_keeps_what_was_typed(self, client, net_zero):
        reply = client.post(reverse("outcomes:follow_consultation", args=["net-zero"]), {"email": "jo@example"})
        html = reply.content.decode()
        assert "Enter an email address in the correct format, like name@example.com" in html
        assert 'value="jo@example"' in html and "govuk-error-summary" in html
        assert mail.outbox == []

    def test_the_consultation_page_and_the_body_page_have_the_form(self, client, net_zero, cabinet):
        page = client.get(net_zero.get_absolute_url()).content.decode()
        assert f'action="{reverse("outcomes:follow_consultation", args=["net-zero"])}"' in page
        page = client.get(reverse("decisions:body", args=[cabinet.slug])).content.decode()
        assert f'action="{reverse("outcomes:follow_body", args=[cabinet.slug])}"' in page

    def test_the_form_on_a_cached_page_works_without_a_csrf_cookie(self, net_zero):
        strict = Client(enforce_csrf_checks=True)
        reply = strict.post(reverse("outcomes:follow_consultation", args=["net-zero"]), {"email": "jo@example.org"})
        assert reply.status_code == 200 and len(mail.outbox) == 1

    def test_a_draft_consultation_can_not_be_followed(self, client):
        draft = make_consultation(published=False, slug="draft")
        assert client.get(reverse("outcomes:follow_consultation", args=[draft.slug])).status_code == 404

    def test_once_the_outcome_is_out_the_page_links_to_it_instead(self, client, net_zero):
        Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=net_zero)
        reply = client.post(reverse("outcomes:follow_consultation", args=["net-zero"]), {"email": "jo@example.org"})
        assert "The outcome is published" in reply.content.decode() and mail.outbox == []


class TestLimits:
    def test_a_few_confirmation_emails_go_to_one_address_then_none_though_the_page_is_the_same(self, client, net_zero):
        url = reverse("outcomes:follow_consultation", args=["net-zero"])
        replies = [client.post(url, {"email": "jo@example.org"}) for _ in range(5)]
        assert len(mail.outbox) == 3
        assert {r.status_code for r in replies} == {200}
        assert "Check your email" in replies[-1].content.decode()

    def test_one_connection_asking_too_often_is_refused_politely(self, client, net_zero):
        url = reverse("outcomes:follow_consultation", args=["net-zero"])
        for n in range(20):
            client.post(url, {"email": f"person{n}@example.org"})
        reply = client.post(url, {"email": "one.more@example.org"})
        assert reply.status_code == 429 and "too many requests" in reply.content.decode()


class TestBodyFollowers:
    @pytest.fixture
    def meeting(self, cabinet):
        meeting = Meeting.objects.create(organization=cabinet, starts_at=timezone.now() - datetime.timedelta(days=2))
        item = AgendaItem.objects.create(meeting=meeting, number=5, title="Net Zero Strategy and Action Plan")
        Decision.objects.create(
            item=item, decided_on=timezone.localdate(meeting.starts_at), outcome=Decision.Outcome.APPROVED,
            text="That the Net Zero Leicestershire Strategy and Action Plan be approved.",
        )
        return meeting

    def test_followers_of_a_body_get_one_email_when_a_meetings_decisions_are_recorded(
        self, cabinet, meeting, django_capture_on_commit_callbacks
    ):
        subscriptions.follow("jo@example.org", body=cabinet)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_meeting_updates", verbosity=0)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_meeting_updates", verbosity=0)
        assert [m.to for m in mail.outbox] == [["jo@example.org"]]
        message = mail.outbox[0]
        assert "That the Net Zero Leicestershire Strategy and Action Plan be approved." in message.body
        assert f"{SITE}/meetings/{meeting.pk}/" in message.body
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert AuditEvent.objects.get(action="meeting_emails.sent").sentence == (
            "Emails about a meeting's decisions sent by the background worker: 1 email"
        )
        # A body's follower is kept for its next meeting, until they unsubscribe.
        assert Follower.objects.filter(body=cabinet).exists()

    def test_a_meeting_without_decisions_or_a_body_without_followers_sends_nothing(
        self, cabinet, django_capture_on_commit_callbacks
    ):
        Meeting.objects.create(organization=cabinet, starts_at=timezone.now() - datetime.timedelta(days=1))
        subscriptions.follow("jo@example.org", body=cabinet)
        with django_capture_on_commit_callbacks(execute=True):
            jobs = notify.start_meeting_mailings()
        assert jobs == [] and mail.outbox == []

    def test_unsubscribing_deletes_the_follower(self, client, cabinet, meeting, django_capture_on_commit_callbacks):
        follower, _ = subscriptions.follow("jo@example.org", body=cabinet)
        client.post(reverse("outcomes:unsubscribe", args=[notify.unsubscribe_token(follower=follower)]))
        assert not Follower.objects.exists()
        with django_capture_on_commit_callbacks(execute=True):
            notify.start_meeting_mailings()
        assert mail.outbox == []


def test_no_address_reaches_the_logs(client, net_zero, cabinet, caplog, django_capture_on_commit_callbacks):
    with caplog.at_level(logging.DEBUG):
        client.post(reverse("outcomes:follow_body", args=[cabinet.slug]), {"email": "jo.bloggs@example.org"})
        client.post(confirm_link(mail.outbox[0]).removeprefix("http://testserver"))
        follower = Follower.objects.get()
        client.post(reverse("outcomes:unsubscribe", args=[notify.unsubscribe_token(follower=follower)]))
    assert "jo.bloggs" not in caplog.text


class TestPersonalData:
    def test_subject_access_finds_what_an_address_follows_and_staff_can_erase_it(
        self, officer_client, net_zero, cabinet
    ):
        subscriptions.follow("Jo.Bloggs@example.org", consultation=net_zero)
        subscriptions.follow("jo.bloggs@example.org", body=cabinet)
        subscriptions.follow("someone.else@example.org", body=cabinet)
        html = officer_client.post(
            reverse("privacy_staff:subject_access"), {"kind": "email", "term": "jo.bloggs@EXAMPLE.org"}
        ).content.decode()
        assert "Updates they asked for by email (2)" in html
        assert "The outcome of Net Zero Leicestershire Strategy and Action Plan" in html
        assert "Decisions of Cabinet" in html
        officer_client.post(reverse("outcomes_staff:erase_followers"), {"email": "jo.bloggs@EXAMPLE.org"})
        assert list(Follower.objects.values_list("email", flat=True)) == ["someone.else@example.org"]
        event = AuditEvent.objects.get(action="followers.erase")
        assert "jo.bloggs" not in str(event.detail).lower() and event.detail["deleted"] == "2"

    def test_the_privacy_notice_says_what_happens_to_the_addresses(self, client, net_zero):
        page = client.get(net_zero.get_absolute_url()).content.decode()
        assert "We delete it once the email has gone" in page
        assert "until you tell us to stop" in page
