"""Signing in to the staff site: what django-axes is told about the client and shows when it refuses.

Too many wrong passwords for one account, or from one address, lock that account or address
for a while (`SIGN_IN_FAILURE_LIMIT`, `SIGN_IN_LOCKOUT_MINUTES`). The lockout is shown on the
staff sign-in page itself, as a GOV.UK error, for the staff sign-in and the admin's alike.
"""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.template.response import TemplateResponse


def client_address(request):
    """The address the request came from; behind a proxy, the one the proxy saw and appended."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, saying the account is locked and what to do (HTTP 429)."""
    form = AuthenticationForm(request)
    return TemplateResponse(
        request,
        "staff/login.html",
        {"form": form, "locked_out": True, "lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES, "next": ""},
        status=429,
    ).render()
