"""Following a consultation or a body without responding, with double opt-in, and unsubscribing.

Asking to follow stores nothing: the address and what it wants to follow travel inside an
encrypted link emailed to it. Only following that link and pressing "Confirm" stores a
`Follower`, so nobody can sign someone else up, and an address that never confirms leaves no
trace. The page after asking says the same whether or not the address already follows, so it
can't be used to find out who follows what. Unsubscribing deletes the follower, address and all.
"""

import base64
import hashlib
import json
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from haveyoursay.outcomes.notify import UNSUBSCRIBE_SALT, unsubscribe_token
from haveyoursay.outcomes.notify_models import Delivery, Follower, address_key

CONFIRM_SALT = "haveyoursay.outcomes.follow"
CONFIRM_VALID_DAYS = 7


class LinkExpired(Exception):
    """A confirmation link we sent, too old to use."""


class NotOurLink(Exception):
    """A confirmation link we did not send, or one that was changed."""


def _cipher():
    # The address rides in the link, so the link is encrypted, not only signed: a signed value
    # is readable by anyone, and links end up in browser histories and servers' access logs.
    digest = hashlib.sha256(f"{CONFIRM_SALT}:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def confirmation_token(email, *, consultation=None, body=None):
    what = {"c": consultation.pk} if consultation is not None else {"b": body.pk}
    return _cipher().encrypt(json.dumps({"e": email, **what}).encode()).decode().rstrip("=")


def read_confirmation_token(token, now=None):
    """(email, consultation pk or None, body pk or None); NotOurLink, or LinkExpired when it is
    older than CONFIRM_VALID_DAYS."""
    cipher, raw = _cipher(), (token + "=" * (-len(token) % 4)).encode()
    try:
        value = json.loads(cipher.decrypt(raw))
        made = cipher.extract_timestamp(raw)
    except (InvalidToken, ValueError, TypeError):
        raise NotOurLink from None
    if not isinstance(value, dict) or not isinstance(value.get("e"), str):
        raise NotOurLink
    if (now or time.time()) - made >= CONFIRM_VALID_DAYS * 24 * 60 * 60:
        raise LinkExpired
    return value["e"], value.get("c"), value.get("b")


def site_address(request):
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")


def send_confirmation(request, email, *, consultation=None, body=None):
    """Email `email` a link that confirms it wants updates about the consultation or the body."""
    followed = consultation or body
    token = confirmation_token(email, consultation=consultation, body=body)
    context = {
        "consultation": consultation, "body": body, "followed": followed,
        "link": site_address(request) + reverse("outcomes:confirm", args=[token]),
        "valid_days": CONFIRM_VALID_DAYS, "council_name": settings.COUNCIL_NAME,
    }  # fmt: skip
    name = consultation.title if consultation is not None else body.name
    message = EmailMultiAlternatives(
        subject=f"Confirm you want updates about {name}",
        body=render_to_string("outcomes/email/confirm.txt", context),
        to=[email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("outcomes/email/confirm.html", context), "text/html")
    message.send()


def follow(email, *, consultation=None, body=None):
    """Store the confirmed follower, or find the one already there: (follower, created)."""
    existing = Follower.objects.filter(email_key=address_key(email), consultation=consultation, body=body).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Follower.objects.create(email=email, consultation=consultation, body=body), True
    except IntegrityError:  # confirmed twice at once
        return Follower.objects.get(email_key=address_key(email), consultation=consultation, body=body), False


def read_unsubscribe_token(token):
    """{"r": response pk} or {"f": follower pk}; signing.BadSignature if it is not one we sent."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(value, dict) or not ({"r", "f"} & value.keys()):
        raise signing.BadSignature("Not an unsubscribe link")
    return value


def unsubscribe(value):
    """Stop every email the token's holder would get, and delete the address kept for them.

    Safe to do twice: the second time there is nothing left to delete."""
    from haveyoursay.surveys.models import Response

    waiting = [Delivery.State.PENDING, Delivery.State.FAILED, Delivery.State.GIVEN_UP]
    with transaction.atomic():
        if "r" in value:
            Delivery.objects.filter(response_id=value["r"], state__in=waiting).update(
                state=Delivery.State.NOT_SENT, address_key=""
            )
            Response.objects.filter(pk=value["r"]).update(contact_about_outcome=False, email="")
        else:
            Delivery.objects.filter(follower_id=value["f"], state__in=waiting).update(
                state=Delivery.State.NOT_SENT, address_key=""
            )
            Follower.objects.filter(pk=value["f"]).delete()


def erase_follower_address(email):
    """Delete every follower with this address (any case), as unsubscribing would; how many."""
    pks = list(Follower.objects.filter(email_key=address_key(email)).values_list("pk", flat=True))
    for pk in pks:
        unsubscribe({"f": pk})
    return len(pks)


def follower_unsubscribe_url(request, follower):
    return site_address(request) + reverse("outcomes:unsubscribe", args=[unsubscribe_token(follower=follower)])
