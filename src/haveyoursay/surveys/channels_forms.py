"""Forms for the other channels: responses keyed in from paper, email and phone, notes of
events and group sessions, and the stakeholders the council asked directly."""

from django import forms
from django.utils import timezone

from haveyoursay.govuk_forms import DATE_EXAMPLE, GovukDateField, GovukForm, GovukModelForm
from haveyoursay.hub.models import today
from haveyoursay.surveys.models import EventNote, Response, Stakeholder

KEYED_CHANNELS = [
    (Response.Channel.PAPER, Response.Channel.PAPER.label),
    (Response.Channel.EMAIL, Response.Channel.EMAIL.label),
    (Response.Channel.PHONE, Response.Channel.PHONE.label),
]


def not_in_future(day, label):
    if day and day > today():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return day


def same_name(name):
    """Names compared as people read them: "Leicestershire  police" is Leicestershire Police."""
    return " ".join(name.split()).casefold()


class ResponseDetailsForm(GovukModelForm):
    """Step 1 of keying in a response: how and when it arrived, and who it is from."""

    label_size = "m"
    channel = forms.ChoiceField(
        label="How did the response arrive?",
        choices=KEYED_CHANNELS,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select how the response arrived",
            "invalid_choice": "Select paper form, email or phone",
        },
    )
    received_on = GovukDateField(label="Date received")
    respondent_kind = forms.ChoiceField(
        label="Is the response from an individual or an organisation?",
        choices=[
            (Response.RespondentKind.INDIVIDUAL, "An individual"),
            (Response.RespondentKind.ORGANISATION, "An organisation"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the response is from an individual or an organisation"},
    )
    publication = forms.ChoiceField(
        label="May we publish the response? (optional)",
        choices=[*Response.Publication.choices, ("", "They did not say")],
        required=False,
        widget=forms.RadioSelect,
        help_text="As the respondent answered on the form, if they did.",
    )
    contact_about_outcome = forms.ChoiceField(
        label="Do they want us to email them when we publish what we did because of this consultation? (optional)",
        choices=[("yes", "Yes"), ("no", "No, or they did not say")],
        required=False,
        widget=forms.RadioSelect,
        help_text="As they answered on the form, in their email or on the phone.",
    )
    email = forms.EmailField(
        label="Their email address",
        required=False,
        max_length=254,
        help_text="It is never published.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    class Meta:
        model = Response
        fields = ["channel", "received_on", "respondent_kind", "organisation_name", "organisation_role", "stakeholder",
                  "respondent_name", "publication", "contact_about_outcome", "email"]
        labels = {
            "organisation_name": "Name of the organisation",
            "organisation_role": "Their role in the organisation (optional)",
            "stakeholder": "Stakeholder it came from (optional)",
            "respondent_name": "Their name",
        }
        help_texts = {
            "stakeholder": "Only if it came from one of the organisations you asked directly.",
            "respondent_name": "As they would like it published. It is removed with their other personal details "
            "when the consultation's time for keeping them ends.",
        }
        error_messages = {
            "organisation_name": {"max_length": "Name of the organisation must be 200 characters or fewer"},
            "organisation_role": {"max_length": "Role must be 200 characters or fewer"},
            "respondent_name": {"max_length": "Name must be 200 characters or fewer"},
            "stakeholder": {"invalid_choice": "Select a stakeholder from the list"},
        }

    # Each shown under the answer it belongs to (GOV.UK's conditional reveal).
    reveals = {
        "respondent_kind": {Response.RespondentKind.ORGANISATION: ["organisation_name", "organisation_role"]},
        "publication": {Response.Publication.WITH_NAME: ["respondent_name"]},
        "contact_about_outcome": {"yes": ["email"]},
    }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        stakeholder = self.fields["stakeholder"]
        stakeholder.queryset = consultation.stakeholders.order_by("name")
        stakeholder.empty_label = "None"
        if not self.is_bound:
            self.initial["contact_about_outcome"] = "yes" if self.instance.contact_about_outcome else "no"

    def clean_contact_about_outcome(self):
        return self.cleaned_data.get("contact_about_outcome") == "yes"

    def clean_received_on(self):
        return not_in_future(self.cleaned_data.get("received_on"), "Date received")

    def clean(self):
        data = super().clean()
        # An individual's organisation fields are emptied by `reveals`.
        if data.get("respondent_kind") == Response.RespondentKind.ORGANISATION and not data.get("organisation_name"):
            self.add_error("organisation_name", "Enter the name of the organisation the response is from")
        if (
            data.get("publication") == Response.Publication.WITH_NAME and not data.get("respondent_name")
            and "respondent_name" not in self.errors
        ):
            self.add_error("respondent_name", "Enter their name, or say they may be published without it")
        if data.get("contact_about_outcome") and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter their email address so we can tell them about the outcome")
        return data


class CorrectionReasonField(forms.CharField):
    def __init__(self):
        super().__init__(
            label="Why are you correcting it?",
            help_text="For example, “Question 3 was keyed in as Agree; the paper form says Disagree.” "
            "This is kept in the response's history. Do not include personal details.",
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 3}),
            error_messages={
                "required": "Enter why you are correcting the response",
                "max_length": "Reason must be 1,000 characters or fewer",
            },
        )


class CorrectDetailsForm(ResponseDetailsForm):
    """The details of a saved response, corrected, with the reason why."""

    reason = CorrectionReasonField()


class MarkResponseForm(GovukForm):
    """Mark a sent response as a duplicate of another, or as withdrawn: it is kept, not counted."""

    label_size = "m"
    mark = forms.ChoiceField(
        label="Why should this response not be counted?",
        choices=[
            (Response.Exclusion.DUPLICATE, "It duplicates another response"),
            (Response.Exclusion.WITHDRAWN, "The respondent withdrew it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the response is a duplicate or was withdrawn"},
    )
    duplicate_of = forms.CharField(
        label="Reference of the response it duplicates (for a duplicate)",
        required=False,
        max_length=20,
        help_text="The response that is to be counted, for example HJ7K-2MPQ.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="Reason (needed for a withdrawal)",
        required=False,
        max_length=1000,
        help_text="For example, “Withdrawn by email on 3 August 2022.” Do not include personal details.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Reason must be 1,000 characters or fewer"},
    )

    def __init__(self, *args, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.response = response

    def clean(self):
        data = super().clean()
        if data.get("mark") == Response.Exclusion.DUPLICATE:
            typed = data.get("duplicate_of", "")
            if not typed.strip():
                self.add_error("duplicate_of", "Enter the reference of the response it duplicates")
                return data
            original = (
                Response.objects.submitted().with_reference(typed)
                .filter(questionnaire_id=self.response.questionnaire_id).select_related("import_batch").first()
            )
            if original is None:
                self.add_error(
                    "duplicate_of", f"No response to this consultation has the reference “{typed.strip()}”"
                )
            elif original.pk == self.response.pk:
                self.add_error("duplicate_of", "Enter the reference of another response: this is the one being marked")
            elif not original.is_counted:
                self.add_error(
                    "duplicate_of",
                    f"Response {original.reference} is not counted itself ({original.status().lower()}): "
                    "enter the reference of the response that is counted",
                )
            data["original"] = original
        elif data.get("mark") == Response.Exclusion.WITHDRAWN and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why the response was withdrawn, for example how and when they asked")
        return data


class UndoImportForm(GovukForm):
    label_size = "m"
    reason = forms.CharField(
        label="Why are you undoing this import?",
        help_text="For example, “The dates were read as month first: the file will be corrected.”",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are undoing the import",
            "max_length": "Reason must be 1,000 characters or fewer",
        },
    )


class ReferenceSearchForm(GovukForm):
    reference = forms.CharField(
        label="Find a response by its reference",
        max_length=40,
        help_text="For example, HJ7K-2MPQ. Capital letters and spaces do not matter.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Enter a response reference, like HJ7K-2MPQ"},
    )


class EventNoteForm(GovukModelForm):
    held_on = GovukDateField(label="Date held")
    attendees = forms.IntegerField(
        label="Number of people who attended",
        min_value=1,
        max_value=1_000_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the number of people who attended",
            "invalid": "Number of people who attended must be a whole number, like 12",
            "min_value": "Number of people who attended must be 1 or more",
            "max_value": "Number of people who attended must be 1,000,000 or fewer",
        },
    )

    class Meta:
        model = EventNote
        fields = ["title", "held_on", "attendees", "summary", "event"]
        labels = {
            "title": "Name of the event or session",
            "summary": "What people said",
            "event": "Event it was (optional)",
        }
        help_texts = {
            "title": "For example, Carers' group session, Loughborough",
            "summary": "The points made, as the note-taker recorded them. Leave out people's names.",
            "event": "If it was one of the events listed on the consultation's page.",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 10})}
        error_messages = {
            "title": {"required": "Enter the name of the event or session",
                      "max_length": "Name must be 200 characters or fewer"},
            "summary": {"required": "Enter what people said"},
            "event": {"invalid_choice": "Select an event from the list"},
        }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        event = self.fields["event"]
        event.queryset = consultation.events.order_by("starts_at")
        event.empty_label = "None"
        event.label_from_instance = lambda e: f"{e.title}, {timezone.localtime(e.starts_at):%-d %B %Y}"

    def clean_held_on(self):
        return not_in_future(self.cleaned_data.get("held_on"), "Date held")


class StakeholderForm(GovukModelForm):
    invited_on = GovukDateField(label="Date invited (optional)", required=False)
    responded_other_way_on = GovukDateField(
        label="Date they responded another way (optional)",
        required=False,
        help_text=f"Only if they responded by letter, at a meeting or another way than the questionnaire. {DATE_EXAMPLE}",
    )

    class Meta:
        model = Stakeholder
        fields = ["name", "kind", "invited_on", "responded_other_way_on"]
        labels = {"kind": "Kind of stakeholder"}
        widgets = {"kind": forms.RadioSelect}
        error_messages = {
            "name": {"required": "Enter the stakeholder's name", "max_length": "Name must be 200 characters or fewer"},
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        others = self.instance.consultation.stakeholders.exclude(pk=self.instance.pk)
        if any(same_name(other) == same_name(name) for other in others.values_list("name", flat=True)):
            raise forms.ValidationError(f"“{name}” is already on the list of stakeholders")
        return name

    def clean_responded_other_way_on(self):
        return not_in_future(self.cleaned_data.get("responded_other_way_on"), "Date they responded")


class StakeholdersAddForm(GovukForm):
    """Add one stakeholder or many: one name per line, all invited the same day."""

    label_size = "m"
    names = forms.CharField(
        label="Names",
        help_text="One organisation, partnership or group per line.",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
        error_messages={"required": "Enter at least one name"},
    )
    kind = forms.ChoiceField(
        label="Kind of stakeholder",
        choices=Stakeholder.Kind.choices,
        initial=Stakeholder.Kind.ORGANISATION,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of stakeholder"},
    )
    invited_on = GovukDateField(label="Date invited (optional)", required=False)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean_names(self):
        """(new names, names already listed or given twice), each in the order typed."""
        new, repeated, seen = [], [], set()
        existing = {same_name(name) for name in self.consultation.stakeholders.values_list("name", flat=True)}
        for line in self.cleaned_data["names"].splitlines():
            name = " ".join(line.split())
            if not name:
                continue
            if len(name) > 200:
                raise forms.ValidationError(f"“{name[:40]}…” is longer than 200 characters: shorten it")
            key = same_name(name)
            if key in existing or key in seen:
                repeated.append(name)
            else:
                new.append(name)
            seen.add(key)
        if not new and not repeated:
            raise forms.ValidationError("Enter at least one name")
        return new, repeated


class LinkStakeholderForm(GovukForm):
    stakeholder = forms.ModelChoiceField(
        label="Stakeholder",
        queryset=Stakeholder.objects.none(),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Select a stakeholder from the list"},
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder"].queryset = consultation.stakeholders.order_by("name")
