"""The outcome email through real email services: an SMTP server started here (aiosmtpd), and
GOV.UK Notify's client talking to an HTTP server started here that answers as Notify's API
does (Notify itself can't be reached from a test), recording what it was sent."""

import datetime
import email
import json
import logging
import runpy
import socket
import threading
import uuid
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ImproperlyConfigured

import haveyoursay
from haveyoursay.hub.models import today
from haveyoursay.outcomes import notify
from haveyoursay.outcomes.notify_models import Delivery, Mailing
from haveyoursay.surveys.models import Questionnaire, Response
from haveyoursay.surveys.building import add_page, add_question
from tests.factories import make_consultation
from tests.privacy.conftest import send

pytestmark = pytest.mark.django_db

SITE = "https://haveyoursay.example.gov.uk"
SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"haveyoursay_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.fixture
def published(db, settings):
    settings.SITE_URL = SITE
    closed = today() - datetime.timedelta(days=30)
    consultation = make_consultation(
        title="Net Zero Leicestershire Strategy and Action Plan", slug="net-zero",
        opens_on=closed - datetime.timedelta(days=60), closes_on=closed,
        we_did="We have adopted the strategy, with a new action on community energy.",
    )  # fmt: skip
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why_vision")
    add_question(page, "multiple", "How do you find out?", code="find_out", options=["Other"], other=["Other"])
    send(questionnaire, email="jo.bloggs@example.org", contact_about_outcome=True)
    consultation.publish_outcome()
    return Mailing.objects.create(kind=Mailing.Kind.OUTCOME, consultation=consultation)


class TestSMTP:
    @pytest.fixture
    def smtp_server(self, settings):
        class Recorder:
            def __init__(self):
                self.received = []

            async def handle_DATA(self, server, session, envelope):
                self.received.append(envelope)
                return "250 OK"

        with socket.socket() as probe:  # a free port: the controller checks it can connect to what it starts
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        recorder = Recorder()
        controller = Controller(recorder, hostname="127.0.0.1", port=port)
        controller.start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield recorder
        controller.stop()

    def test_the_email_reaches_an_smtp_server_with_its_unsubscribe_headers(self, published, smtp_server):
        notify.send_mailing_impl(published.pk)
        (envelope,) = smtp_server.received
        assert envelope.rcpt_tos == ["jo.bloggs@example.org"]
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert message["Subject"] == "The outcome of Net Zero Leicestershire Strategy and Action Plan"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].strip().startswith(f"<{SITE}/emails/unsubscribe/")
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
        assert published.deliveries.get().state == Delivery.State.SENT
        assert Response.objects.get().email == ""

    def test_an_smtp_server_that_cannot_be_reached_is_a_failure_to_try_again(self, published, smtp_server, settings):
        settings.EMAIL_PORT = 1  # nothing listens there
        notify.send_mailing_impl(published.pk)
        delivery = published.deliveries.get()
        assert (delivery.state, delivery.error) == (Delivery.State.FAILED, "ConnectionRefusedError")
        assert smtp_server.received == []


class FakeNotify:
    """An HTTP server answering POST /v2/notifications/email as GOV.UK Notify's API does."""

    def __init__(self, status=201):
        self.requests = []
        self.status = status
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                recorder.requests.append((self.path, dict(self.headers), json.loads(body)))
                if recorder.status == 201:
                    answer = {"id": str(uuid.uuid4()), "reference": None, "content": {}, "template": {}}
                else:
                    answer = {"status_code": recorder.status,
                              "errors": [{"error": "BadRequestError", "message": "Can't send to this recipient"}]}
                data = json.dumps(answer).encode()
                self.send_response(recorder.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class TestGovukNotify:
    @pytest.fixture
    def notify_settings(self, settings):
        settings.EMAIL_BACKEND = "haveyoursay.govuk_notify.NotifyEmailBackend"
        settings.NOTIFY_API_KEY, settings.NOTIFY_TEMPLATE_ID = API_KEY, TEMPLATE_ID

    def test_the_email_goes_to_notify_as_the_templates_personalisation(self, published, notify_settings, settings):
        with FakeNotify() as fake:
            settings.NOTIFY_BASE_URL = fake.url
            notify.send_mailing_impl(published.pk)
        ((path, headers, sent),) = fake.requests
        assert path == "/v2/notifications/email"
        assert sent["email_address"] == "jo.bloggs@example.org" and sent["template_id"] == TEMPLATE_ID
        assert sent["personalisation"]["subject"] == "The outcome of Net Zero Leicestershire Strategy and Action Plan"
        assert f"{SITE}/consultations/net-zero/#you-said" in sent["personalisation"]["body"]
        assert sent["one_click_unsubscribe_url"].startswith(f"{SITE}/emails/unsubscribe/")
        claims = jwt.decode(headers["Authorization"].removeprefix("Bearer "), SECRET, algorithms=["HS256"])
        assert claims["iss"] == SERVICE_ID
        assert published.deliveries.get().state == Delivery.State.SENT

    def test_a_refusal_from_notify_is_recorded_by_its_name_without_the_address(
        self, published, notify_settings, settings, caplog
    ):
        with FakeNotify(status=400) as fake, caplog.at_level(logging.DEBUG):
            settings.NOTIFY_BASE_URL = fake.url
            notify.send_mailing_impl(published.pk)
        delivery = published.deliveries.get()
        assert (delivery.state, delivery.error) == (Delivery.State.FAILED, "HTTPError")
        assert "HTTPError" in caplog.text and "jo.bloggs" not in caplog.text


class TestSettings:
    @pytest.fixture
    def read_settings(self, monkeypatch, tmp_path):
        def read(**environment):
            monkeypatch.setenv("HAVEYOURSAY_DATA_DIR", str(tmp_path))
            for name in ("EMAIL_HOST", "NOTIFY_API_KEY", "NOTIFY_TEMPLATE_ID"):
                monkeypatch.delenv(name, raising=False)
            for name, value in environment.items():
                monkeypatch.setenv(name, value)
            return runpy.run_path(str(Path(haveyoursay.__file__).parent / "settings.py"))

        return read

    def test_a_notify_api_key_sends_every_email_through_notify(self, read_settings):
        values = read_settings(NOTIFY_API_KEY=API_KEY, NOTIFY_TEMPLATE_ID=TEMPLATE_ID, EMAIL_HOST="smtp.example.org")
        assert values["EMAIL_BACKEND"] == "haveyoursay.govuk_notify.NotifyEmailBackend"

    def test_a_notify_api_key_without_a_template_stops_the_server_saying_what_to_set(self, read_settings):
        with pytest.raises(ImproperlyConfigured, match="NOTIFY_TEMPLATE_ID"):
            read_settings(NOTIFY_API_KEY=API_KEY)

    def test_something_that_is_not_a_notify_key_is_refused(self, read_settings):
        with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
            read_settings(NOTIFY_API_KEY="not-a-key", NOTIFY_TEMPLATE_ID=TEMPLATE_ID)
