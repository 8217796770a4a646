"""Two-factor sign-in for staff: set up with a QR code, then a code after the password."""

import base64

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haveyoursay.accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

ACCOUNT = "/staff/account/two-factor/"
SET_UP = "/staff/account/two-factor/set-up/"
CODE = "/staff/sign-in/code/"


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user):
    return client.post(reverse("staff:login"), {"username": user.username, "password": user.raw_password})


def set_up(client):
    page = client.get(SET_UP)
    device = TOTPDevice.objects.get(confirmed=False)
    client.post(SET_UP, {"code": code_for(device)})
    device.refresh_from_db()
    return page, device


def test_setting_up_shows_a_qr_code_drawn_on_the_server_and_the_key_as_text(officer_client, officer):
    page, device = set_up(officer_client)
    html = page.content.decode()
    assert "<svg" in html and "QR code to scan with your app" in html
    key = html.split('id="secret">')[1].split("<")[0].replace(" ", "")
    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    assert device.confirmed and device.user == officer
    assert AuditEvent.objects.filter(action="staff.two_factor_on", user=officer).exists()


def test_a_wrong_code_does_not_turn_it_on(officer_client):
    officer_client.get(SET_UP)
    page = officer_client.post(SET_UP, {"code": "12345"})
    assert "Enter the 6 numbers from your authenticator app" in page.content.decode()
    page = officer_client.post(SET_UP, {"code": ""})
    assert "Enter the code from your authenticator app" in page.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_once_on_the_password_alone_reaches_no_staff_page(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
    client.force_login(officer)
    _, device = set_up(client)
    client.logout()
    signed_in = sign_in(client, officer)
    assert signed_in.status_code == 302
    for url in (reverse("staff:consultations"), ACCOUNT, "/django-admin/"):
        assert client.get(url)["Location"].startswith(CODE), url
    wrong = client.post(CODE, {"code": code_for(device, steps_ahead=10), "next": "/staff/jobs/"})
    assert wrong.status_code == 200 and "That code did not work" in wrong.content.decode()
    # The code used to set up is spent; the app's next one (allowed one step early) works.
    assert "That code did not work" in client.post(CODE, {"code": code_for(device)}).content.decode()
    right = client.post(CODE, {"code": code_for(device, steps_ahead=1), "next": "/staff/jobs/"})
    assert right["Location"] == "/staff/jobs/"
    assert client.get(reverse("staff:consultations")).status_code == 200


def test_the_code_page_sends_nowhere_but_this_site(client, officer):
    client.force_login(officer)
    _, device = set_up(client)
    client.logout()
    sign_in(client, officer)
    right = client.post(CODE, {"code": code_for(device, steps_ahead=1), "next": "https://evil.example.com/"})
    assert right["Location"] == reverse("staff:consultations")


def test_when_required_everyone_without_an_app_is_sent_to_set_one_up(client, officer, settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True
    sign_in(client, officer)
    assert client.get(reverse("staff:consultations"))["Location"].startswith(SET_UP)
    page = client.get(SET_UP)
    assert "Everyone on the staff site signs in with a code" in page.content.decode()
    device = TOTPDevice.objects.get(confirmed=False)
    client.post(SET_UP, {"code": code_for(device)})
    assert client.get(reverse("staff:consultations")).status_code == 200
    assert "cannot be turned off" in client.get(ACCOUNT).content.decode()
    client.post("/staff/account/two-factor/turn-off/")
    assert TOTPDevice.objects.filter(confirmed=True).exists()


def test_turning_it_off_is_audited(officer_client, officer):
    set_up(officer_client)
    officer_client.post("/staff/account/two-factor/turn-off/")
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.filter(action="staff.two_factor_off", user=officer).exists()


def test_a_lead_resets_a_colleagues_app_after_a_lost_phone(lead_client, lead, client, officer):
    client.force_login(officer)
    set_up(client)
    page = lead_client.get(reverse("accounts_staff:person", args=[officer.pk])).content.decode()
    assert "Reset Olu Officer" in page
    lead_client.post(reverse("accounts_staff:reset_two_factor", args=[officer.pk]))
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.filter(action="staff.two_factor_reset", user=lead).exists()
