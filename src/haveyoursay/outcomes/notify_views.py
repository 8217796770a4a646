"""Residents' pages for emails: getting updates about a consultation or a body, confirming
that, and unsubscribing (from a link, or with one click from a mail program)."""

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from haveyoursay import limits
from haveyoursay.decisions.models import Organization
from haveyoursay.govuk_forms import GovukForm
from haveyoursay.hub.models import Consultation, Status
from haveyoursay.outcomes import subscriptions
from haveyoursay.outcomes.notify_models import Mailing, address_key
from haveyoursay.surveys.views import client_address


class FollowForm(GovukForm):
    email = forms.EmailField(
        label="Email address", max_length=254,
        help_text="We will only use it to send you these updates.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )  # fmt: skip


def can_follow(consultation):
    """A consultation is followed until its outcome is out: after that there is nothing to wait for."""
    return consultation.status != Status.DRAFT and not Mailing.objects.filter(consultation=consultation).exists()


# The form is on the consultation's page, which is kept in a cache shared by everyone, so it
# can't carry a CSRF token of one visitor's. Nothing is stored until the emailed link is
# confirmed (with a token), and the emails are rate-limited: a forged request can do no more
# than anyone can by filling the form in.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_consultation(request, slug):
    consultation = get_object_or_404(Consultation.public_objects, slug=slug)
    if not can_follow(consultation):
        return render(request, "outcomes/follow_closed.html", {"consultation": consultation})
    return follow(request, "outcomes/follow.html", consultation=consultation)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def follow_body(request, slug):
    body = get_object_or_404(Organization, slug=slug)
    return follow(request, "outcomes/follow.html", body=body)


def follow(request, template, *, consultation=None, body=None):
    followed = consultation or body
    form = FollowForm(request.POST or None)
    context = {"form": form, "consultation": consultation, "body": body, "followed": followed}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if not limits.FOLLOW_REQUESTS_FROM_ADDRESS.take(client_address(request)):
            reply = render(request, "outcomes/too_many.html", context, status=429)
            reply["Retry-After"] = str(limits.WINDOW_SECONDS)
            return reply
        # Beyond a few an hour to one address, nothing more is sent; the page says the same.
        if limits.FOLLOW_EMAILS_TO_ADDRESS.take(address_key(email)):
            subscriptions.send_confirmation(request, email, consultation=consultation, body=body)
        return render(request, "outcomes/check_email.html", {**context, "email": email})
    return render(request, template, context)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """The emailed link: a page with a button, so that a mail program that opens links to check
    them does not sign anyone up; pressing it stores the follower."""
    try:
        email, consultation_pk, body_pk = subscriptions.read_confirmation_token(token)
    except subscriptions.LinkExpired:
        return render(request, "outcomes/link_expired.html", {"valid_days": subscriptions.CONFIRM_VALID_DAYS},
                      status=410)
    except subscriptions.NotOurLink:
        raise Http404("Not a link we sent") from None
    consultation = body = None
    if consultation_pk is not None:
        consultation = get_object_or_404(Consultation.public_objects, pk=consultation_pk)
        if not can_follow(consultation):
            return render(request, "outcomes/follow_closed.html", {"consultation": consultation})
    else:
        body = get_object_or_404(Organization, pk=body_pk)
    context = {"consultation": consultation, "body": body, "followed": consultation or body}
    if request.method == "POST":
        follower, _ = subscriptions.follow(email, consultation=consultation, body=body)
        context["unsubscribe_url"] = subscriptions.follower_unsubscribe_url(request, follower)
        return render(request, "outcomes/following.html", context)
    return render(request, "outcomes/confirm.html", context)


# Mail programs unsubscribe with one click (RFC 8058) by POSTing here from no page of ours, so
# there is no CSRF token; the signed token in the address is what allows it.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        value = subscriptions.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("Not a link we sent") from None
    if request.method == "POST":
        subscriptions.unsubscribe(value)
        return render(request, "outcomes/unsubscribed.html", {"council_name": settings.COUNCIL_NAME})
    return render(request, "outcomes/unsubscribe.html", {})
