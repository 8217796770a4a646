"""The staff "People" page: a consultation lead invites colleagues, gives and removes their
roles, deactivates and reactivates accounts, and lifts sign-in lockouts. Every change is audited.

Superusers are listed but managed only in the Django admin. Nobody is ever sent or shown a
password: an invitee sets their own through a link that works once and expires
(`PASSWORD_RESET_TIMEOUT`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from haveyoursay.accounts.models import AuditEvent, StaffMember
from haveyoursay.accounts.staff_forms import MANAGE_STAFF, FirstPasswordForm, InviteForm, RolesForm
from haveyoursay.hub.staff import staff_required


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Links for setting a first password. Setting it (or signing in) spends the link."""

    key_salt = "haveyoursay.accounts.staff.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_days():
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))


def get_member_for_user(request, pk, *, editing=False):
    """The one way a staff view reaches an account: a lead may see anyone, and change anyone but a superuser."""
    if not request.user.has_perm(MANAGE_STAFF):
        raise PermissionDenied
    member = get_object_or_404(StaffMember.objects.prefetch_related("groups"), pk=pk)
    if editing and not member.is_editable:
        raise PermissionDenied
    return member


def send_invitation(request, member):
    link = request.build_absolute_uri(
        reverse(
            "accounts_staff:set_password",
            args=[urlsafe_base64_encode(force_bytes(member.pk)), invitation_tokens.make_token(member)],
        )
    )
    context = {
        "member": member, "link": link, "invited_by": request.user, "days": invitation_days(),
        "site_name": settings.SITE_NAME, "council_name": settings.COUNCIL_NAME,
    }
    send_mail(
        subject=render_to_string("accounts/invitation_subject.txt", context).strip(),
        message=render_to_string("accounts/invitation_email.txt", context),
        from_email=None,
        recipient_list=[member.email],
    )


@staff_required(MANAGE_STAFF)
@never_cache
def people(request):
    members = StaffMember.objects.prefetch_related("groups")
    return render(request, "accounts/people.html", {"members": members})


@staff_required(MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            member = StaffMember.invite(request.user, **form.cleaned_data)
        send_invitation(request, member)
        messages.success(request, f"{member} has been sent an invitation to {member.email}.")
        return redirect("accounts_staff:person", member.pk)
    return render(request, "accounts/invite.html", {"form": form, "days": invitation_days()})


@staff_required(MANAGE_STAFF)
@require_http_methods(["GET", "POST"])
def person(request, pk):
    member = get_member_for_user(request, pk)
    form = None
    if member.is_editable:
        form = RolesForm(request.POST or None, member=member, by=request.user)
        if request.method == "POST":
            if form.is_valid():
                with transaction.atomic():
                    member.set_roles(request.user, form.cleaned_data["roles"])
                messages.success(request, f"{member}'s roles have been saved.")
                return redirect("accounts_staff:person", member.pk)
    elif request.method == "POST":
        raise PermissionDenied
    history = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(StaffMember), object_id=str(member.pk)
    ).select_related("user")[:20]
    return render(
        request, "accounts/person.html",
        {
            "member": member, "form": form, "history": history, "is_self": member.pk == request.user.pk,
            "has_two_factor": TOTPDevice.objects.devices_for_user(member, confirmed=True).exists(),
        },
    )


@staff_required(MANAGE_STAFF)
@require_POST
def deactivate(request, pk):
    member = get_member_for_user(request, pk, editing=True)
    if member.pk == request.user.pk:
        messages.error(request, "You cannot deactivate your own account: ask another lead to do it.")
    elif member.is_active:
        member.deactivate(request.user)
        messages.success(request, f"{member}'s account has been deactivated. They can no longer sign in.")
    return redirect("accounts_staff:person", member.pk)


@staff_required(MANAGE_STAFF)
@require_POST
def reactivate(request, pk):
    member = get_member_for_user(request, pk, editing=True)
    if not member.is_active:
        member.reactivate(request.user)
        messages.success(request, f"{member}'s account has been reactivated. They can sign in again.")
    return redirect("accounts_staff:person", member.pk)


@staff_required(MANAGE_STAFF)
@require_POST
def unlock(request, pk):
    member = get_member_for_user(request, pk, editing=True)
    member.unlock(request.user)
    messages.success(request, f"{member} can sign in again.")
    return redirect("accounts_staff:person", member.pk)


@staff_required(MANAGE_STAFF)
@require_POST
def invite_again(request, pk):
    member = get_member_for_user(request, pk, editing=True)
    if member.has_set_password or not member.is_active:
        messages.error(request, f"{member} has already set a password, so needs no invitation.")
    else:
        send_invitation(request, member)
        AuditEvent.record(request.user, "staff.invite_again", member)
        messages.success(request, f"A new invitation has been sent to {member.email}.")
    return redirect("accounts_staff:person", member.pk)


@staff_required(MANAGE_STAFF)
@require_POST
def reset_two_factor(request, pk):
    """For a colleague who has lost their phone: they set up two-factor sign-in again."""
    member = get_member_for_user(request, pk, editing=True)
    if member.reset_two_factor(request.user):
        messages.success(request, f"{member}'s two-factor sign-in has been reset: they will set it up again.")
    return redirect("accounts_staff:person", member.pk)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """An invitee sets their first password. The link is moved out of the address bar at once."""

    template_name = "accounts/set_password.html"
    form_class = FirstPasswordForm
    token_generator = invitation_tokens
    success_url = reverse_lazy("staff:login")
    reset_url_token = "set-password"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active and not user.is_superuser else None

    def form_valid(self, form):
        response = super().form_valid(form)
        member = StaffMember.objects.get(pk=form.user.pk)
        AuditEvent.record(member, "staff.password_set", member)
        messages.success(self.request, "Your password has been set. Sign in with your email address and new password.")
        return response
