"""Two-factor sign-in for staff: a code from an authenticator app (TOTP, with django-otp).

A member of staff may turn it on from "Your account"; `STAFF_TWO_FACTOR_REQUIRED` makes it
compulsory. Once the password is accepted, anyone with a confirmed device is asked for a code
before any staff or admin page; with the setting on, anyone without one is sent to set it up.
"""

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haveyoursay.accounts.models import AuditEvent, StaffMember
from haveyoursay.govuk_forms import GovukForm

GUARDED_PREFIXES = ("/staff/", "/django-admin/")


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def step_needed(request):
    """Which two-factor step, if any, stands between this signed-in user and a staff page."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if confirmed_device(user) is not None:
        return "accounts_staff:two_factor_code"
    if settings.STAFF_TWO_FACTOR_REQUIRED:
        return "accounts_staff:two_factor_enrol"
    return None


class TwoFactorMiddleware:
    """Sends a signed-in user who still owes a code (or a device) to that step first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(GUARDED_PREFIXES) and not self._exempt(request.path):
            step = step_needed(request)
            if step is not None:
                if request.method != "GET":
                    return redirect(step)
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path):
        return path in {
            reverse("staff:login"), reverse("staff:logout"), reverse("accounts_staff:two_factor_code"),
            reverse("accounts_staff:two_factor_enrol"),
        }


class CodeForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app", help_text="The 6 numbers the app shows now, for example 084 371.",
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
            "class": "govuk-input--width-10",
        }),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != self.device.digits:
            raise forms.ValidationError(f"Enter the {self.device.digits} numbers from your authenticator app")
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                "That code did not work: enter the code the app shows now. After several wrong codes, "
                "wait a little before trying again"
            )
        return code


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def code(request):
    """The second step of signing in: the code from the app."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(request, "accounts/two_factor_code.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), then prove it with a code."""
    if confirmed_device(request.user) is not None:
        return redirect("accounts_staff:two_factor")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            AuditEvent.record(request.user, "staff.two_factor_on", StaffMember.objects.get(pk=request.user.pk))
        messages.success(request, "Two-factor sign-in is on. Next time you sign in, we will ask for a code.")
        return redirect(_next_url(request))
    qr = segno.make_qr(device.config_url, error="m")
    return render(
        request, "accounts/two_factor_enrol.html",
        {
            "form": form, "next": request.GET.get("next", ""), "required": settings.STAFF_TWO_FACTOR_REQUIRED,
            "qr_svg": qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", title="QR code to scan with your app"),
            "secret": " ".join(_chunks(base64.b32encode(device.bin_key).decode().rstrip("="), 4)),
        },
    )


def _chunks(text, size):
    return [text[i : i + size] for i in range(0, len(text), size)]


@never_cache
@login_required
def two_factor(request):
    """Your account: whether two-factor sign-in is on, and the way to turn it on or off."""
    return render(
        request, "accounts/two_factor.html",
        {"device": confirmed_device(request.user), "required": settings.STAFF_TWO_FACTOR_REQUIRED},
    )


@login_required
@require_POST
def turn_off(request):
    if settings.STAFF_TWO_FACTOR_REQUIRED:
        messages.error(
            request, "Two-factor sign-in is required for all staff on this site, so it cannot be turned off."
        )
    elif TOTPDevice.objects.filter(user=request.user).delete()[0]:
        AuditEvent.record(request.user, "staff.two_factor_off", StaffMember.objects.get(pk=request.user.pk))
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("accounts_staff:two_factor")
