import datetime

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent, StaffMember, action_choices
from haveyoursay.accounts.roles import ROLE_DESCRIPTIONS, ROLES
from haveyoursay.govuk_forms import GovukDateField, GovukForm
from haveyoursay.hub.models import Consultation

MANAGE_STAFF = "accounts.manage_staff"
VIEW_AUDIT = "accounts.view_audit"


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


class ListedChoiceField(forms.ModelChoiceField):
    """A choice from a select: anything else sent (a NUL character too) is "not from the list"."""

    def to_python(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class PersonChoiceField(ListedChoiceField):
    def label_from_instance(self, member):
        name = member.get_full_name()
        return f"{name} ({member.username})" if name else member.username


class AuditFilterForm(GovukForm):
    """The audit log's filters, from the address: each one optional, each one checked."""

    person = PersonChoiceField(
        label="Person", required=False, empty_label="Anyone",
        queryset=StaffMember.objects.none(),
        error_messages={"invalid_choice": "Select a person from the list"},
    )
    consultation = ListedChoiceField(
        label="Consultation", required=False, empty_label="Any consultation", queryset=None,
        error_messages={"invalid_choice": "Select a consultation from the list"},
    )
    action = forms.ChoiceField(
        label="Action", required=False, error_messages={"invalid_choice": "Select an action from the list"},
    )
    since = GovukDateField(label="From", required=False)
    until = GovukDateField(label="To", required=False)

    def __init__(self, data=None):
        super().__init__(data)
        # Everyone who holds or held a staff account: with a role, or named in the log.
        self.fields["person"].queryset = (
            StaffMember.objects.filter(
                Q(is_staff=True) | Q(groups__isnull=False) | Q(pk__in=AuditEvent.objects.values("user"))
            )
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["consultation"].queryset = Consultation.private_objects.order_by("title")
        self.fields["action"].choices = [("", "Any action"), *action_choices()]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The ‘to’ date must be the same as or after the ‘from’ date")
        return cleaned

    def events(self):
        """The events these filters pick, newest first; every event while the filters are wrong."""
        events = AuditEvent.objects.select_related("user", "content_type")
        if not self.is_bound or not self.is_valid():
            return events
        chosen = self.cleaned_data
        if chosen.get("person"):
            events = events.filter(user=chosen["person"])
        if chosen.get("consultation"):
            events = events.filter(consultation_pk=chosen["consultation"].pk)
        if chosen.get("action"):
            events = events.filter(action=chosen["action"])
        if chosen.get("since"):
            events = events.filter(at__gte=start_of(chosen["since"]))
        if chosen.get("until"):
            events = events.filter(at__lt=start_of(chosen["until"] + datetime.timedelta(days=1)))
        return events

    def described(self):
        """The filters in use, as words for the audit record of a download: never a person's name."""
        if not self.is_bound or not self.is_valid():
            return {}
        chosen = self.cleaned_data
        described = {
            "person": chosen["person"].pk if chosen.get("person") else None,
            "consultation": chosen["consultation"].pk if chosen.get("consultation") else None,
            "action": chosen.get("action") or None,
            "since": chosen["since"].isoformat() if chosen.get("since") else None,
            "until": chosen["until"].isoformat() if chosen.get("until") else None,
        }
        return {key: value for key, value in described.items() if value is not None}


def start_of(day):
    """Midnight at the start of `day`, in the council's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
