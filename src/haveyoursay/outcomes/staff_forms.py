"""Forms for linking a consultation to the meetings that considered it."""

from django import forms
from django.db.models import Q

from haveyoursay.decisions.models import Meeting, Organization
from haveyoursay.govuk_forms import GovukDateField, GovukForm
from haveyoursay.outcomes.models import Consideration


class MeetingSearchForm(GovukForm):
    """Finds a meeting among hundreds: by body, between two dates, or by words in an item's title."""

    q = forms.CharField(
        label="Words in an agenda item's title", required=False, max_length=200,
        help_text="For example, strategic plan",
    )  # fmt: skip
    body = forms.ModelChoiceField(
        label="Body", queryset=Organization.objects.all(), to_field_name="slug", required=False,
        empty_label="All bodies",
    )  # fmt: skip
    since = GovukDateField(label="Met on or after", required=False)
    until = GovukDateField(label="Met on or before", required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "Met on or before must be the same as or after met on or after")
        return data

    def meetings(self):
        """The meetings that match, newest first; all of them while the form has an error."""
        meetings = Meeting.objects.select_related("organization").order_by("-starts_at", "-pk")
        if not self.is_valid():
            return meetings
        data = self.cleaned_data
        if data.get("body"):
            meetings = meetings.filter(organization=data["body"])
        if data.get("since"):
            meetings = meetings.filter(starts_at__date__gte=data["since"])
        if data.get("until"):
            meetings = meetings.filter(starts_at__date__lte=data["until"])
        for word in self.words():
            meetings = meetings.filter(items__title__icontains=word)
        return meetings.distinct()

    def words(self):
        return (self.cleaned_data.get("q") or "").split() if self.is_valid() else []

    def matching_items(self, meeting):
        """The meeting's items whose title has every word searched for."""
        query = Q()
        for word in self.words():
            query &= Q(title__icontains=word)
        return meeting.items.filter(query) if self.words() else meeting.items.none()


class ItemChoiceField(forms.ModelChoiceField):
    linked = frozenset()  # the items already linked to the consultation, named as such

    def label_from_instance(self, item):
        label = f"Item {item.display_number.rstrip('.')}: {item.title}"
        if item.is_exempt:
            label += " (taken in private)"
        return f"{label} – already linked" if item.pk in self.linked else label


class ConsiderationForm(GovukForm):
    """Which of the meeting's items considered the consultation, and what the meeting did."""

    item = ItemChoiceField(
        label="Agenda item", queryset=None, widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Choose the agenda item that considered the consultation",
                        "invalid_choice": "Choose one of this meeting's agenda items"},
    )  # fmt: skip
    stage = forms.ChoiceField(
        label="What the meeting did about the consultation", choices=Consideration.Stage.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the meeting did about the consultation"},
    )  # fmt: skip
    note = forms.CharField(
        label="Note for the public timeline (optional)", required=False, max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence on what the meeting said or did about the consultation, for example “The Cabinet "
        "approved a 12-week public consultation on the draft Strategic Plan.” Not shown for an item taken in "
        "private.",
        error_messages={"max_length": "Note must be 600 characters or fewer"},
    )  # fmt: skip

    def __init__(self, *args, consultation, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation, self.meeting = consultation, meeting
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].linked = frozenset(
            consultation.considerations.filter(item__meeting=meeting).values_list("item_id", flat=True)
        )

    def clean_item(self):
        item = self.cleaned_data["item"]
        existing = Consideration.objects.filter(consultation=self.consultation, item=item).first()
        if existing is not None:
            raise forms.ValidationError(
                f"Item {item.display_number.rstrip('.')} is already linked to this consultation "
                f"(“{existing.get_stage_display()}”). To change it, remove that link first"
            )
        return item

    def clean(self):
        data = super().clean()
        if self.meeting.status == Meeting.Status.CANCELLED:
            self.add_error(
                None, "This meeting was cancelled, so it considered nothing. Choose the meeting the item was taken at"
            )
        return data


class ConsiderationChangeForm(GovukForm):
    """A linked item's stage and note, put right; the item itself stays (remove the link instead)."""

    stage = ConsiderationForm.base_fields["stage"]
    note = ConsiderationForm.base_fields["note"]
