"""Sending the site's email through GOV.UK Notify, the government's own email service.

Install it with `pip install haveyoursay[notify]` and set NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID
(see the README): every email the site sends then goes through Notify instead of SMTP, with
its subject and plain text as the personalisation of one template whose subject is
"((subject))" and whose body is "((body))". Notify sends plain text, so an HTML alternative
is left out; the text says everything the HTML does. A "List-Unsubscribe" link is given to
Notify as the message's one-click unsubscribe address, which Notify puts in its own headers.

Errors are raised as the client raises them (an `HTTPError` naming Notify's status), so the
caller can try again; their messages can quote the address and are never logged here.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend

try:
    from notifications_python_client.notifications import NotificationsAPIClient
except ImportError:  # an optional install
    NotificationsAPIClient = None

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently=False, *, api_key=None, template_id=None, base_url=None, reply_to_id=None,
                 **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        if NotificationsAPIClient is None:
            raise ImproperlyConfigured(
                "Sending email through GOV.UK Notify needs its client: pip install haveyoursay[notify]"
            )
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_TEMPLATE_ID
        self.base_url = base_url or getattr(settings, "NOTIFY_BASE_URL", "") or DEFAULT_BASE_URL
        self.reply_to_id = reply_to_id or getattr(settings, "NOTIFY_REPLY_TO_ID", None) or None
        self.client = None

    def open(self):
        if self.client is None:
            self.client = NotificationsAPIClient(self.api_key, base_url=self.base_url)
            return True
        return False

    def close(self):
        self.client = None

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        opened = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    self.send_one(message)
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if opened:
                self.close()
        return sent

    def send_one(self, message):
        unsubscribe = unsubscribe_url(message)
        for address in message.recipients():
            self.client.send_email_notification(
                email_address=address,
                template_id=self.template_id,
                personalisation={"subject": message.subject, "body": message.body},
                email_reply_to_id=self.reply_to_id,
                one_click_unsubscribe_url=unsubscribe,
            )


def unsubscribe_url(message):
    """The https address in the message's List-Unsubscribe header, or None."""
    header = (message.extra_headers or {}).get("List-Unsubscribe", "")
    found = re.search(r"<(https?://[^>]+)>", header)
    return found.group(1) if found else None
