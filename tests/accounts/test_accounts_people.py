"""The staff "People" page: a consultation lead invites colleagues and manages their roles and accounts."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent, StaffMember

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"accounts_staff:{name}", args=args)


def role(name):
    return Group.objects.get(name=name).pk


def invite(client, **fields):
    data = {"email": "priya.shah@example.org", "first_name": "Priya", "last_name": "Shah", "roles": [role("Analyst")]}
    data.update(fields)
    return client.post(url("invite"), data)


def invitation_link():
    (message,) = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


class TestWhoMayManageStaff:
    def test_only_a_lead_sees_the_people_page(
        self, lead_client, officer_client, viewer_client, outsider_client, client
    ):
        assert lead_client.get(url("people")).status_code == 200
        assert "People" in lead_client.get(reverse("staff:consultations")).content.decode()
        for refused in (officer_client, viewer_client, outsider_client):
            assert refused.get(url("people")).status_code == 403
            assert refused.post(url("invite"), {"email": "x@example.org"}).status_code == 403
        assert client.get(url("people"))["Location"].startswith(reverse("staff:login"))
        assert 'href="/staff/people/"' not in officer_client.get(reverse("staff:consultations")).content.decode()
        assert not StaffMember.objects.filter(email="x@example.org").exists()

    def test_a_superuser_is_listed_but_not_editable(self, lead_client, make_user):
        admin = make_user("admin", is_superuser=True, is_staff=True)
        page = lead_client.get(url("person", admin.pk)).content.decode()
        assert "managed in the site's administration" in page and "Save roles" not in page
        for name in ("deactivate", "reactivate", "unlock", "invite_again"):
            assert lead_client.post(url(name, admin.pk)).status_code == 403
        assert lead_client.post(url("person", admin.pk), {"roles": [role("Staff viewer")]}).status_code == 403
        admin.refresh_from_db()
        assert admin.is_active and not admin.groups.exists()
        assert not AuditEvent.objects.exists()


class TestInviting:
    def test_the_invitee_is_emailed_a_link_and_sets_their_own_password(self, lead_client, lead, client):
        page = invite(lead_client)
        member = StaffMember.objects.get(email="priya.shah@example.org")
        assert page["Location"] == url("person", member.pk)
        assert member.username == "priya.shah@example.org" and member.roles == ["Analyst"]
        assert not member.has_usable_password()
        (message,) = mail.outbox
        assert message.to == ["priya.shah@example.org"]
        assert "Lee Lead has invited you" in message.body and "password" not in message.subject.lower()
        event = AuditEvent.objects.get(action="staff.invite")
        assert (event.user, event.object_id, event.detail) == (lead, str(member.pk), {"roles": ["Analyst"]})

        link = invitation_link()
        form = client.get(link, follow=True)
        assert "Create your password" in form.content.decode()
        set_password_url = form.redirect_chain[-1][0]
        assert "set-password" in set_password_url  # the token is no longer in the address bar
        done = client.post(
            set_password_url, {"new_password1": "Carers-strategy-2025", "new_password2": "Carers-strategy-2025"}
        )
        assert done["Location"] == reverse("staff:login")
        member.refresh_from_db()
        assert member.check_password("Carers-strategy-2025")
        assert AuditEvent.objects.filter(action="staff.password_set", user=member).exists()
        signed_in = client.post(
            reverse("staff:login"), {"username": "priya.shah@example.org", "password": "Carers-strategy-2025"}
        )
        assert signed_in.status_code == 302

    def test_the_link_works_only_once(self, lead_client, client):
        invite(lead_client)
        link = invitation_link()
        set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
        password = "Carers-strategy-2025"
        client.post(set_password_url, {"new_password1": password, "new_password2": password})
        again = client.get(link, follow=True).content.decode()
        assert "This link does not work" in again and "Create password" not in again

    def test_the_link_expires(self, lead_client, client, settings):
        invite(lead_client)
        link = invitation_link()
        settings.PASSWORD_RESET_TIMEOUT = -1  # as if the days allowed had passed
        assert "This link does not work" in client.get(link, follow=True).content.decode()

    def test_a_deactivated_invitee_cannot_use_their_link(self, lead_client, lead, client):
        invite(lead_client)
        StaffMember.objects.get(email="priya.shah@example.org").deactivate(lead)
        assert "This link does not work" in client.get(invitation_link(), follow=True).content.decode()

    def test_a_weak_or_mismatched_password_is_refused_next_to_the_field(self, lead_client, client):
        invite(lead_client)
        set_password_url = client.get(invitation_link(), follow=True).redirect_chain[-1][0]
        page = client.post(set_password_url, {"new_password1": "password", "new_password2": "password"})
        html = page.content.decode()
        assert page.status_code == 200 and "There is a problem" in html and "too short" in html
        page = client.post(
            set_password_url, {"new_password1": "Carers-strategy-2025", "new_password2": "Carers-strategy-2026"}
        )
        assert "The passwords do not match" in page.content.decode()
        assert not StaffMember.objects.get(email="priya.shah@example.org").has_usable_password()

    def test_bad_input_is_explained_and_what_was_typed_is_kept(self, lead_client, officer):
        page = invite(lead_client, email="priya.shah at example.org", roles=[])
        html = page.content.decode()
        assert page.status_code == 200 and "There is a problem" in html
        assert "Enter an email address in the correct format" in html and "Select at least one role" in html
        assert 'value="priya.shah at example.org"' in html and 'value="Priya"' in html
        page = invite(lead_client, email="OFFICER@example.org")
        assert "There is already an account for this email address" in page.content.decode()
        assert not mail.outbox and not AuditEvent.objects.exists()

    def test_a_new_link_can_be_sent_and_the_old_one_still_works_once(self, lead_client):
        invite(lead_client)
        member = StaffMember.objects.get(email="priya.shah@example.org")
        mail.outbox.clear()
        assert lead_client.post(url("invite_again", member.pk)).status_code == 302
        assert len(mail.outbox) == 1 and AuditEvent.objects.filter(action="staff.invite_again").exists()


class TestRolesAndAccounts:
    def test_a_lead_gives_and_removes_roles(self, lead_client, lead, viewer):
        page = lead_client.post(url("person", viewer.pk), {"roles": [role("Analyst"), role("Consultation team")]})
        assert page.status_code == 302
        assert StaffMember.objects.get(pk=viewer.pk).roles == ["Analyst", "Consultation team"]
        event = AuditEvent.objects.get(action="staff.roles")
        assert event.user == lead
        assert event.detail == {"given": ["Analyst", "Consultation team"], "removed": ["Staff viewer"]}
        assert "roles changed by Lee Lead" in lead_client.get(url("person", viewer.pk)).content.decode()

    def test_a_lead_cannot_remove_their_own_lead_role(self, lead_client, lead):
        page = lead_client.post(url("person", lead.pk), {"roles": [role("Consultation team")]})
        assert page.status_code == 200
        assert "You cannot remove your own Consultation lead role" in page.content.decode()
        assert StaffMember.objects.get(pk=lead.pk).roles == ["Consultation lead", "Consultation team"]
        assert not AuditEvent.objects.exists()

    def test_deactivating_stops_sign_in_and_reactivating_restores_it(self, lead_client, lead, officer, client):
        officer_session = client
        officer_session.force_login(officer)
        assert lead_client.post(url("deactivate", officer.pk)).status_code == 302
        officer.refresh_from_db()
        assert not officer.is_active
        assert officer_session.get(reverse("staff:consultations")).status_code == 302  # signed out
        refused = officer_session.post(
            reverse("staff:login"), {"username": "officer", "password": officer.raw_password}
        )
        assert refused.status_code == 200
        assert lead_client.post(url("reactivate", officer.pk)).status_code == 302
        officer.refresh_from_db()
        assert officer.is_active
        assert list(AuditEvent.objects.order_by("pk").values_list("action", "user__username")) == [
            ("staff.deactivate", "lead"), ("staff.reactivate", "lead"),
        ]

    def test_a_lead_cannot_deactivate_themselves(self, lead_client, lead):
        page = lead_client.post(url("deactivate", lead.pk), follow=True)
        assert "You cannot deactivate your own account" in page.content.decode()
        lead.refresh_from_db()
        assert lead.is_active and not AuditEvent.objects.exists()


class TestUnlocking:
    def test_a_locked_out_colleague_is_shown_and_unlocked_with_an_audit_record(
        self, lead_client, lead, officer, client
    ):
        for _ in range(6):
            client.post(reverse("staff:login"), {"username": "officer", "password": "not-my-password"})
        assert "Locked out" in lead_client.get(url("people")).content.decode()
        assert "Unlock Olu Officer" in lead_client.get(url("person", officer.pk)).content.decode()
        assert lead_client.post(url("unlock", officer.pk)).status_code == 302
        event = AuditEvent.objects.get(action="staff.unlock")
        assert event.user == lead and event.object_id == str(officer.pk)
        assert "Locked out" not in lead_client.get(url("people")).content.decode()
        signed_in = client.post(reverse("staff:login"), {"username": "officer", "password": officer.raw_password})
        assert signed_in.status_code == 302
