"""Signing in to the staff site and the admin: too many wrong passwords lock the account."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGN_IN = "/staff/sign-in/"
ADMIN_SIGN_IN = "/django-admin/login/"


def sign_in(client, user, password, address=SIGN_IN):
    return client.post(address, {"username": user.username, "password": password, "next": ""})


def test_five_wrong_passwords_are_each_refused_with_the_usual_message(client, officer):
    for _ in range(5):
        page = sign_in(client, officer, "not-my-password")
        assert page.status_code == 200
        assert "Enter a correct username and password" in page.content.decode()
    page = sign_in(client, officer, officer.raw_password)
    assert page.status_code == 302 and page["Location"] == reverse("staff:consultations")


def test_the_sixth_wrong_password_locks_the_account_even_against_the_right_one(client, officer):
    for _ in range(5):
        sign_in(client, officer, "not-my-password")
    locked = sign_in(client, officer, "not-my-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Your account is locked" in html and "govuk-error-summary" in html
    assert "ask a consultation lead to unlock your account" in html
    assert "<title>Error: Sign in" in html
    assert 'value="officer"' in html  # what was typed is kept
    refused = sign_in(client, officer, officer.raw_password)
    assert refused.status_code == 429 and "Your account is locked" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_on_the_admin_sign_in_too(client, make_user):
    admin = make_user("admin", is_staff=True, is_superuser=True)
    for _ in range(6):
        sign_in(client, admin, "not-my-password", ADMIN_SIGN_IN)
    refused = sign_in(client, admin, admin.raw_password, ADMIN_SIGN_IN)
    assert refused.status_code == 429 and "Your account is locked" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_locked_out_at_its_own_higher_limit(client, make_user):
    colleague = make_user("colleague")
    for number in range(29):
        assert client.post(SIGN_IN, {"username": f"guess{number}", "password": "password1"}).status_code == 200
    # 29 failures from one office address, none more than once per account: colleagues still sign in.
    assert sign_in(client, colleague, colleague.raw_password).status_code == 302
    client.logout()
    for number in range(30):
        client.post(SIGN_IN, {"username": f"spray{number}", "password": "password1"})
    assert sign_in(client, colleague, colleague.raw_password).status_code == 429


def test_a_right_password_clears_the_count(client, officer):
    for _ in range(5):
        sign_in(client, officer, "not-my-password")
    assert sign_in(client, officer, officer.raw_password).status_code == 302
    client.logout()
    for _ in range(5):
        assert sign_in(client, officer, "not-my-password").status_code == 200
    assert not AccessAttempt.objects.filter(failures_since_start__gte=6).exists()


def test_the_count_is_kept_in_the_database_so_every_worker_sees_it(client, officer):
    for _ in range(6):
        sign_in(client, officer, "not-my-password")
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 6
    assert "not-my-password" not in attempt.post_data
