"""Signing in to the staff site: what django-axes is told about the client and shows when it refuses.

Too many wrong passwords for one account (`SIGN_IN_FAILURE_LIMIT`), or from one address
(`SIGN_IN_ADDRESS_FAILURE_LIMIT`), lock that account or address for `SIGN_IN_LOCKOUT_MINUTES`.
The address's limit is higher: a council's staff often reach the site from one office address,
and one person's mistyping must not lock out the whole office. The lockout is shown on the
staff sign-in page itself, as a GOV.UK error, for the staff sign-in and the admin's alike.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.template.response import TemplateResponse


class SignInAttempts(AxesDatabaseHandler):
    """Axes' database handler, with a limit per account and a higher one per address.

    Axes compares one count with one limit (AXES_FAILURE_LIMIT, the account's), for each of
    AXES_LOCKOUT_PARAMETERS in turn ("username", then "ip_address"): the address's count is
    scaled to the account's limit before the comparison.
    """

    def get_failures(self, request, credentials=None):
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.SIGN_IN_FAILURE_LIMIT // settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def client_address(request):
    """The address the request came from; behind a proxy, the one the proxy saw and appended."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, saying the account is locked and what to do (HTTP 429)."""
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return TemplateResponse(
        request,
        "staff/login.html",
        {"form": form, "locked_out": True, "lockout_minutes": settings.SIGN_IN_LOCKOUT_MINUTES, "next": ""},
        status=429,
    ).render()
