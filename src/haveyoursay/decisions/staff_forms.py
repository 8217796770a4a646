"""Forms for democratic services: every record, a recorded vote pasted from the minutes, and a
ModernGov import."""

import datetime
import urllib.parse

from django import forms

from haveyoursay.decisions.models import (
    AgendaDocument,
    AgendaItem,
    Attendance,
    Decision,
    Declaration,
    Meeting,
    Membership,
    Organization,
    Person,
    Petition,
    Question,
    VoteEvent,
)
from haveyoursay.govuk_forms import DATE_EXAMPLE, GovukDateField, GovukForm, GovukModelForm


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def people_field(required=False, label="", help_text=""):
    return forms.ModelChoiceField(
        queryset=Person.objects.all(), required=required, label=label, help_text=help_text, empty_label="Nobody"
    )


class OrganizationForm(GovukModelForm):
    class Meta:
        model = Organization
        fields = ["name", "classification", "parent", "category", "is_current"]
        labels = {"is_current": "It still meets"}


class PersonForm(GovukModelForm):
    class Meta:
        model = Person
        fields = [
            "name", "kind", "honorific_prefix", "given_name", "initials", "family_name", "honorific_suffix", "party",
            "division", "role",
        ]  # fmt: skip


class MembershipForm(GovukModelForm):
    class Meta:
        model = Membership
        fields = ["person", "organization", "role", "start_date", "end_date"]
        field_classes = {"start_date": GovukDateField, "end_date": GovukDateField}
        labels = {"organization": "Body", "start_date": "From", "end_date": "Until"}


class MeetingForm(GovukModelForm):
    class Meta:
        model = Meeting
        fields = [
            "organization", "starts_at", "time_known", "ends_at", "venue", "status", "minutes_status",
            "minutes_confirmed_by", "party_whip_declared",
        ]  # fmt: skip
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}
        labels = {"organization": "Body", "starts_at": "Starts", "ends_at": "Ends"}


class AgendaItemForm(GovukModelForm):
    class Meta:
        model = AgendaItem
        fields = ["meeting", "number", "sub_letter", "title", "is_exempt", "exemption_paragraph", "text", "minutes"]


class AgendaDocumentForm(GovukModelForm):
    url = forms.URLField(
        label="Web address", max_length=500, assume_scheme="https",
        error_messages={"required": "Enter the web address of the document", "invalid": "Enter a web address"},
    )  # fmt: skip

    class Meta:
        model = AgendaDocument
        fields = ["item", "title", "url", "is_exempt", "published_on"]
        field_classes = {"published_on": GovukDateField}
        labels = {"item": "Agenda item"}


class AttendanceForm(GovukModelForm):
    class Meta:
        model = Attendance
        fields = ["meeting", "person", "status", "substitute_for", "role"]

    def clean(self):
        data = super().clean()
        if data.get("substitute_for") and data.get("status") != Attendance.Status.SUBSTITUTE:
            self.add_error("substitute_for", "Only a substitute stands in for someone: choose “Present as substitute”")
        return data


class DecisionForm(GovukModelForm):
    class Meta:
        model = Decision
        fields = [
            "item", "delegated_officer", "decided_on", "outcome", "text", "is_key_decision", "published_on",
            "call_in_deadline",
        ]  # fmt: skip
        field_classes = {
            "decided_on": GovukDateField,
            "published_on": GovukDateField,
            "call_in_deadline": GovukDateField,
        }
        labels = {"item": "Agenda item (for a decision at a meeting)"}
        help_texts = {"decided_on": f"For a meeting's decision, the day of the meeting. {DATE_EXAMPLE}"}


class DeclarationForm(GovukModelForm):
    class Meta:
        model = Declaration
        fields = ["meeting", "item", "person", "kind", "reason", "left_room"]


class QuestionForm(GovukModelForm):
    class Meta:
        model = Question
        fields = [
            "meeting", "item", "asked_by", "asked_of", "asked_of_role", "text", "reply", "reply_promised",
            "reply_owed_by", "reply_owed_by_role", "written_reply", "written_reply_on",
        ]  # fmt: skip
        field_classes = {"written_reply_on": GovukDateField}


class PetitionForm(GovukModelForm):
    class Meta:
        model = Petition
        fields = ["title", "organization", "signatures", "received_on", "debated_at", "response"]
        field_classes = {"received_on": GovukDateField}
        labels = {"organization": "Lead body"}


class RecordedVoteForm(GovukForm):
    kind = forms.ChoiceField(choices=VoteEvent.Kind.choices, label="What was voted on", initial="motion")
    result = forms.ChoiceField(choices=VoteEvent.Result.choices, label="Result", widget=forms.RadioSelect)
    moved_by = people_field(label="Moved by")
    seconded_by = people_field(label="Seconded by")
    motion_text = forms.CharField(label="The motion", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    paragraph = forms.CharField(
        label="The recorded vote, as the minutes write it",
        help_text="Paste from “For the Motion” to the last name, with each heading (For the Motion, Against the "
        "Motion, Abstentions) on its own line. A sentence giving the totals is checked against the names.",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Paste the recorded vote from the minutes"},
    )


class ModernGovImportForm(GovukForm):
    url = forms.URLField(
        label="The council's democracy website",
        assume_scheme="https",
        help_text="For example, https://democracy.example.gov.uk",
        error_messages={"required": "Enter the address of the democracy website", "invalid": "Enter a web address"},
    )
    since = GovukDateField(label="Meetings from")
    until = GovukDateField(label="Meetings until")

    def clean_url(self):
        url = self.cleaned_data["url"]
        if urllib.parse.urlsplit(url).scheme not in {"http", "https"}:
            raise forms.ValidationError("Enter a web address starting with https:// or http://")
        return url

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until:
            if until < since:
                self.add_error("until", "Meetings until must be the same as or after meetings from")
            elif until - since > datetime.timedelta(days=366 * 5):
                self.add_error("until", "Import at most five years of meetings at a time")
        return data
