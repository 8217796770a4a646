from django import forms

from haveyoursay.govuk_forms import GovukForm, GovukModelForm
from haveyoursay.hub.models import Consultation


class RetentionForm(GovukModelForm):
    label_size = "m"

    class Meta:
        model = Consultation
        fields = ["retention_months", "free_text_after_retention"]
        labels = {
            "retention_months": "How many months after the closing date should personal data be kept?",
            "free_text_after_retention": "What should happen to respondents' comments then?",
        }
        help_texts = {
            "retention_months": "Between 1 and 120. Names, email addresses and save-and-return details are removed "
            "then. The privacy notice on the consultation's page gives the date.",
            "free_text_after_retention": "Closed answers are always kept, so the published figures stay the same.",
        }
        widgets = {
            "retention_months": forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
            "free_text_after_retention": forms.RadioSelect,
        }
        error_messages = {
            "retention_months": {
                "required": "Enter how many months to keep personal data, for example 24",
                "invalid": "Months must be a whole number, for example 24",
                "min_value": "Months must be 1 or more",
                "max_value": "Months must be 120 (ten years) or fewer",
            },
            "free_text_after_retention": {"required": "Select what should happen to respondents' comments"},
        }


class EraseResponseForm(GovukForm):
    label_size = "m"

    DELETE = "delete"
    ANONYMISE = "anonymise"
    how = forms.ChoiceField(
        label="How should the response be erased?",
        choices=[
            (ANONYMISE, "Anonymise it: remove the name, contact details and their words, keep the closed answers"),
            (DELETE, "Delete it completely: the response and every answer in it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to anonymise the response or delete it completely"},
    )
    request_reference = forms.CharField(
        label="The council's reference for the request (optional)",
        required=False,
        max_length=60,
        help_text="For example, the case number your information governance team gave it. Do not enter the "
        "person's name or email address.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "autocomplete": "off"}),
        error_messages={"max_length": "The reference must be 60 characters or fewer"},
    )

    def clean_request_reference(self):
        value = self.cleaned_data["request_reference"].strip()
        if "@" in value:
            raise forms.ValidationError("Enter the request's case number, not an email address")
        return value


class SubjectAccessForm(GovukForm):
    label_size = "m"

    EMAIL, NAME, REFERENCE = "email", "name", "reference"
    KINDS = {EMAIL: "email address", NAME: "name", REFERENCE: "response reference"}
    kind = forms.ChoiceField(
        label="What do you know about the person?",
        choices=[(EMAIL, "Their email address"), (NAME, "Their name"), (REFERENCE, "A response reference")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are searching by email address, name or reference"},
    )
    term = forms.CharField(
        label="Search for",
        max_length=200,
        help_text="An email address is matched exactly, whatever its capitals; a name matches any part of a "
        "name or comment, so check each result is the person's.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the email address, name or reference to search for",
            "max_length": "Search for 200 characters or fewer",
        },
    )

    def clean(self):
        data = super().clean()
        kind, term = data.get("kind"), (data.get("term") or "").strip()
        if not kind or not term:
            return data
        if kind == self.EMAIL:
            try:
                forms.EmailField().clean(term)
            except forms.ValidationError:
                self.add_error("term", "Enter an email address in the correct format, like name@example.com")
        elif kind == self.NAME and len(term) < 3:
            self.add_error("term", "Enter at least 3 letters of the name")
        data["term"] = term
        return data

