"""Telling people the outcome: who follows a consultation or a body, and every email sent.

A `Follower` is an address that asked for updates and confirmed it by following the link
emailed to it; nothing is stored before that. A `Mailing` is one piece of news (a
consultation's outcome, a meeting's decisions) and a `Delivery` is that news for one person:
a respondent who asked to hear back, or a follower. A delivery is made once, holds no
address (the address stays on the response or the follower, and is deleted when the email
has gone), and keeps what went wrong only as the name of the error.
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# How many times one email is tried before it is given up, and how long to wait after each
# failure: 5 minutes, then 20, 80 and 320.
MOST_ATTEMPTS = 5
FIRST_RETRY_AFTER = datetime.timedelta(minutes=5)


def address_key(email):
    """A keyed hash of an address (any case) that finds the same person twice without being the address."""
    normal = email.strip().lower()
    return hmac.new(settings.SECRET_KEY.encode(), f"address:{normal}".encode(), hashlib.sha256).hexdigest()


class Follower(models.Model):
    """An address that confirmed it wants an email about a consultation's outcome, or about a
    body's meetings. Deleted when the person unsubscribes; a consultation's followers are
    deleted once its outcome email has gone to them, or when its retention period ends."""

    email = models.EmailField()
    email_key = models.CharField(max_length=64, editable=False)
    consultation = models.ForeignKey(
        "hub.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    body = models.ForeignKey(
        "decisions.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=False, body__isnull=True)
                | Q(consultation__isnull=True, body__isnull=False),
                name="follower_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["email_key", "consultation"], condition=Q(consultation__isnull=False),
                name="follower_once_per_consultation",
            ),
            models.UniqueConstraint(
                fields=["email_key", "body"], condition=Q(body__isnull=False), name="follower_once_per_body"
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"Follower {self.pk} of {self.consultation or self.body}"

    def save(self, *args, **kwargs):
        self.email_key = address_key(self.email)
        super().save(*args, **kwargs)

    @property
    def followed(self):
        return self.consultation or self.body


class Mailing(models.Model):
    """One piece of news sent to everyone who asked for it: a consultation's outcome, or the
    decisions recorded for one meeting of a body. There is one of each, so that however often
    it is started, each person is written to once."""

    class Kind(models.TextChoices):
        OUTCOME = "outcome", "Outcome of a consultation"
        MEETING = "meeting", "Decisions of a meeting"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    consultation = models.OneToOneField(
        "hub.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="outcome_mailing"
    )
    meeting = models.OneToOneField(
        "decisions.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="mailing"
    )
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="outcome", consultation__isnull=False, meeting__isnull=True)
                | Q(kind="meeting", consultation__isnull=True, meeting__isnull=False),
                name="mailing_is_about_one_thing",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.consultation or self.meeting}"

    def counts(self):
        """How many emails are sent, waiting, failed for now (to be tried again), given up, and
        not sent because the address went first (unsubscribed, erased, retention ended)."""
        found = dict(self.deliveries.values_list("state").annotate(n=models.Count("pk")).order_by())
        counts = {state: found.get(state, 0) for state in Delivery.State.values}
        counts["total"] = sum(found.values())
        counts["waiting"] = counts[Delivery.State.PENDING] + counts[Delivery.State.SENDING]
        return counts


class Delivery(models.Model):
    """One email of a mailing, to one respondent or one follower; never to the same one twice.

    It names whom it is for (the response or the follower), never their address. `attempts`
    counts the tries; a failed try keeps the error's name (`error`, such as
    "SMTPServerDisconnected"), never its message, which can quote the address."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, to be tried again"
        GIVEN_UP = "given_up", "Given up"
        NOT_SENT = "not_sent", "Not sent: the address was removed first"

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    response = models.ForeignKey(
        "surveys.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="outcome_deliveries"
    )
    follower = models.ForeignKey(
        Follower, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # The keyed hash of the address while the email waits, so that two responses or a response
    # and a follower with one address get one email; emptied once it is sent.
    address_key = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claim = models.CharField(max_length=32, blank=True, help_text="Which run of the work is sending it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=100, blank=True, help_text="The name of the last error, never its message.")

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "response"], condition=Q(response__isnull=False), name="delivery_once_per_response"
            ),
            models.UniqueConstraint(
                fields=["mailing", "follower"], condition=Q(follower__isnull=False), name="delivery_once_per_follower"
            ),
            models.UniqueConstraint(
                fields=["mailing", "address_key"], condition=~Q(address_key=""), name="delivery_once_per_address"
            ),
        ]
        indexes = [models.Index(fields=["mailing", "state", "next_attempt_at"])]

    def __str__(self):
        return f"Delivery {self.pk} ({self.get_state_display().lower()})"

    @property
    def retry_after(self):
        """How long to wait after this many failed attempts."""
        return FIRST_RETRY_AFTER * 4 ** max(0, self.attempts - 1)
