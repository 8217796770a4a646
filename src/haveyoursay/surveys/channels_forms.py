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

    class Meta:
        model = Response
        fields = ["channel", "received_on", "respondent_kind", "organisation_name", "organisation_role", "stakeholder",
                  "publication"]
        labels = {
            "organisation_name": "Name of the organisation",
            "organisation_role": "Their role in the organisation (optional)",
            "stakeholder": "Stakeholder it came from (optional)",
        }
        help_texts = {"stakeholder": "Only if it came from one of the organisations you asked directly."}
        error_messages = {
            "organisation_name": {"max_length": "Name of the organisation must be 200 characters or fewer"},
            "organisation_role": {"max_length": "Role must be 200 characters or fewer"},
            "stakeholder": {"invalid_choice": "Select a stakeholder from the list"},
        }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        stakeholder = self.fields["stakeholder"]
        stakeholder.queryset = consultation.stakeholders.order_by("name")
        stakeholder.empty_label = "None"

    def clean_received_on(self):
        return not_in_future(self.cleaned_data.get("received_on"), "Date received")

    def clean(self):
        data = super().clean()
        if data.get("respondent_kind") == Response.RespondentKind.ORGANISATION:
            if not data.get("organisation_name"):
                self.add_error("organisation_name", "Enter the name of the organisation the response is from")
        else:
            data["organisation_name"] = data["organisation_role"] = ""
        return data


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
