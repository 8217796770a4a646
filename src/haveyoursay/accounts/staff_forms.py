from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group

from haveyoursay.accounts.models import StaffMember
from haveyoursay.accounts.roles import ROLE_DESCRIPTIONS, ROLES
from haveyoursay.govuk_forms import GovukForm

MANAGE_STAFF = "accounts.manage_staff"


class RoleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Group.objects.filter(name__in=ROLES).order_by("name"), **kwargs)

    def label_from_instance(self, group):
        return f"{group.name}: {ROLE_DESCRIPTIONS.get(group.name, '')}".rstrip(": ")


class InviteForm(GovukForm):
    email = forms.EmailField(
        label="Email address", help_text="Their work email address. It is also their username.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    roles = RoleChoiceField(
        label="Roles", help_text="Select all that apply.", error_messages={"required": "Select at least one role"}
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if StaffMember.objects.filter(username__iexact=email).exists() or StaffMember.objects.filter(
            email__iexact=email
        ).exists():
            raise forms.ValidationError("There is already an account for this email address: find it in the list")
        return email


class RolesForm(GovukForm):
    roles = RoleChoiceField(label="Roles", help_text="Select all that apply.", required=False)

    def __init__(self, *args, member, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.by = by
        self.fields["roles"].initial = list(member.groups.filter(name__in=ROLES))

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if self.member.pk == self.by.pk and not self._could_still_manage_staff(roles):
            raise forms.ValidationError(
                "You cannot remove your own Consultation lead role: ask another lead to do it"
            )
        return roles

    def _could_still_manage_staff(self, roles):
        kept = self.member.groups.exclude(name__in=ROLES)
        holders = Group.objects.filter(
            pk__in=[group.pk for group in [*kept, *roles]],
            permissions__content_type__app_label="accounts", permissions__codename="manage_staff",
        )
        direct = self.member.user_permissions.filter(content_type__app_label="accounts", codename="manage_staff")
        return holders.exists() or direct.exists()


class FirstPasswordForm(SetPasswordForm):
    """The invitee's own password, with GOV.UK wording."""

    use_required_attribute = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label = "Create a password"
        first.help_text = (
            "At least 12 characters. Not a common password, not only numbers, and not like your name or email address."
        )
        first.error_messages["required"] = "Enter a password"
        second.label = "Confirm your password"
        second.help_text = ""
        second.error_messages["required"] = "Enter your password again"
        self.error_messages = {
            **self.error_messages, "password_mismatch": "The passwords do not match: enter the same password twice",
        }
