"""The form for one We did entry on the staff outcome page."""

from django import forms

from haveyoursay.analysis.models import Theme
from haveyoursay.decisions.models import Decision
from haveyoursay.govuk_forms import GovukModelForm
from haveyoursay.hub.staff_forms import MARKDOWN_HINT
from haveyoursay.outcomes.counts import QUOTABLE_KINDS
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.surveys.models import Option


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, decision):
        return decision_label(decision)


def decision_label(decision):
    """ "Cabinet, 29 March 2022: Strategic Plan (2022-26) (approved)" """
    day = f"{decision.decided_on.day} {decision.decided_on:%B %Y}"
    if decision.item_id:
        title = "Decision taken in private" if decision.item.is_exempt else decision.item.title
        maker = decision.item.meeting.organization
    else:
        title, maker = decision.text[:80], decision.delegated_officer
    return f"{maker}, {day}: {title} ({decision.get_outcome_display().lower()})"


def consultation_decisions(consultation):
    """[(group label, [decisions])]: first those taken at the meetings that considered the
    consultation, then every other decision, newest first."""
    decisions = Decision.objects.select_related("item__meeting__organization", "delegated_officer")
    meetings = consultation.considerations.values("item__meeting")
    linked = list(decisions.filter(item__meeting__in=meetings))
    others = list(decisions.exclude(pk__in=[decision.pk for decision in linked]))
    groups = []
    if linked:
        groups.append(("At meetings that considered this consultation", linked))
    if others:
        groups.append(("Other decisions" if linked else "Decisions", others))
    return groups


class WeDidEntryForm(GovukModelForm):
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Themes in the comments",
        help_text="The themes of one question's comments that say this. The page shows how many people’s comments "
        "carry any of them.",
    )
    options = forms.ModelMultipleChoiceField(
        Option.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Answers to a closed question",
        help_text="For example “Strongly agree” and “Tend to agree”. The page shows how many people chose any "
        "of them, of those who answered the question.",
    )  # fmt: skip
    decision = DecisionChoiceField(
        Decision.objects.none(), required=False, label="The decision that did it",
        help_text="Leave empty if no decision is recorded yet.", empty_label="No decision",
    )  # fmt: skip

    class Meta:
        model = WeDidEntry
        fields = ["you_said", "action", "we_did", "why_not", "decision"]
        widgets = {
            "you_said": forms.Textarea(attrs={"rows": 4}),
            "action": forms.RadioSelect,
            "we_did": forms.Textarea(attrs={"rows": 5}),
            "why_not": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "you_said": "What people said",
            "action": "What the council did",
            "we_did": "What we did",
            "why_not": "Why nothing changed",
        }
        help_texts = {
            "you_said": "In a sentence or two, as the public page will show it.",
            "we_did": f"What changed, or what was already planned. {MARKDOWN_HINT}",
            "why_not": "Needed when nothing changed: the council's reason, as the public page will show it.",
        }
        error_messages = {
            "you_said": {"required": "Enter what people said"},
            "action": {"required": "Choose what the council did"},
            "we_did": {"required": "Enter what we did"},
        }

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["action"].choices = WeDidEntry.Action.choices
        themes = (
            Theme.objects.filter(codeframe__question__page__questionnaire__consultation=consultation)
            .select_related("codeframe__question__page")
            .order_by("codeframe__question__page__position", "codeframe__question__position", "position", "pk")
        )
        self.fields["themes"].queryset = themes
        self.fields["options"].queryset = (
            Option.objects.filter(
                question__page__questionnaire__consultation=consultation, question__kind__in=QUOTABLE_KINDS,
                question__profile="",
            )
            .select_related("question__page")
            .order_by("question__page__position", "question__position", "question__pk", "position", "pk")
        )  # fmt: skip
        self.decision_groups = consultation_decisions(consultation)
        decision_field = self.fields["decision"]
        decision_field.queryset = Decision.objects.select_related("item__meeting__organization", "delegated_officer")
        decision_field.choices = [("", "No decision")] + [
            (group, [(decision.pk, decision_label(decision)) for decision in decisions])
            for group, decisions in self.decision_groups
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["themes"] = list(self.instance.themes.values_list("pk", flat=True))
            self.initial["options"] = list(self.instance.options.values_list("pk", flat=True))

    def grouped(self, name, question_of):
        """The checkboxes of field `name`, as [(question, [checkbox])], in questionnaire order."""
        instances = {str(obj.pk): obj for obj in self.fields[name].queryset}
        groups = {}
        for checkbox in self[name].subwidgets:
            obj = instances.get(str(checkbox.data["value"]))
            if obj is not None:
                groups.setdefault(question_of(obj), []).append(checkbox)
        return list(groups.items())

    def theme_groups(self):
        return self.grouped("themes", lambda theme: theme.codeframe.question)

    def option_groups(self):
        return self.grouped("options", lambda option: option.question)

    def clean_themes(self):
        themes = self.cleaned_data["themes"]
        if len({theme.codeframe_id for theme in themes}) > 1:
            raise forms.ValidationError(
                "Choose themes of one question only: the share shown is of the people who commented on it"
            )
        return themes

    def clean_options(self):
        options = self.cleaned_data["options"]
        if len({option.question_id for option in options}) > 1:
            raise forms.ValidationError(
                "Choose answers to one question only: the share shown is of the people who answered it"
            )
        return options

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("themes") and cleaned.get("options"):
            self.add_error(
                "options",
                "Choose themes or answers to a closed question, not both: each entry shows one number of people",
            )
        if cleaned.get("action") != WeDidEntry.Action.NOT_CHANGED and "why_not" in cleaned:
            # A reason kept from an earlier "Not changed" would show beside a change.
            cleaned["why_not"] = ""
        return cleaned

    def save(self, commit=True):
        entry = super().save(commit=False)
        entry.consultation = self.consultation
        options = list(self.cleaned_data.get("options") or [])
        entry.question = options[0].question if options else None
        if entry.pk is None:
            last = self.consultation.we_did_entries.order_by("-position").values_list("position", flat=True).first()
            entry.position = 0 if last is None else last + 1
        entry.save()
        entry.themes.set(self.cleaned_data.get("themes") or [])
        entry.options.set(options)
        return entry
