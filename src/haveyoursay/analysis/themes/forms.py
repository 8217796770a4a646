"""Forms for reviewing a codeframe and coding answers."""

from django import forms

from haveyoursay.analysis.models import AnswerCoding
from haveyoursay.govuk_forms import GovukForm

NONE_OF_THESE = "none"


class ThemeForm(GovukForm):
    label = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter a name for the theme"})
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What answers with this theme say, for whoever codes them next.",
    )


class MergeForm(GovukForm):
    small_choices = True
    themes = forms.MultipleChoiceField(
        label="Themes to merge", widget=forms.CheckboxSelectMultiple,
        help_text="The first one chosen keeps its place; the answers of the others join it.",
        error_messages={"required": "Choose at least two themes to merge"},
    )
    label = forms.CharField(label="Name of the merged theme (optional)", max_length=200, required=False)

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(str(theme.pk), theme.label) for theme in themes]

    def clean_themes(self):
        chosen = self.cleaned_data["themes"]
        if len(chosen) < 2:
            raise forms.ValidationError("Choose at least two themes to merge")
        return [int(pk) for pk in chosen]


class MoveForm(GovukForm):
    small_choices = True
    answers = forms.MultipleChoiceField(
        label="Answers to move", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the answers to move"},
    )
    to_theme = forms.ChoiceField(label="Move them to", error_messages={"required": "Choose a theme to move them to"})

    def __init__(self, *args, answers, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [(str(answer.pk), answer.value.get("text", "")) for answer in answers]
        self.fields["to_theme"].choices = [("", "Choose a theme"), (NONE_OF_THESE, "No theme (other or unclear)")] + [
            (str(theme.pk), theme.label) for theme in themes
        ]


class CodingForm(GovukForm):
    """For each answer shown, its themes (or "None of these") and, optionally, its stance."""

    small_choices = True

    def __init__(self, *args, answers, themes, stance=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(theme.pk), theme.label) for theme in themes] + [(NONE_OF_THESE, "None of these")]
        self.answers = list(answers)
        for number, answer in enumerate(self.answers, start=1):
            self.fields[f"answer_{answer.pk}"] = forms.MultipleChoiceField(
                label=f"Themes of answer {number}", choices=choices, widget=forms.CheckboxSelectMultiple,
                error_messages={"required": f"Choose the themes of answer {number}, or “None of these”"},
            )
            if stance:
                self.fields[f"stance_{answer.pk}"] = forms.ChoiceField(
                    label=f"Stance of answer {number} (optional)", required=False,
                    choices=[("", "Not said")] + list(AnswerCoding.Stance.choices), widget=forms.RadioSelect,
                )

    def clean(self):
        for answer in self.answers:
            name = f"answer_{answer.pk}"
            chosen = self.cleaned_data.get(name) or []
            if NONE_OF_THESE in chosen and len(chosen) > 1:
                self.add_error(name, "Choose themes or “None of these”, not both")
        return self.cleaned_data

    def coded(self):
        """{answer pk: [theme pks]}; an empty list is "none of these"."""
        return {
            answer.pk: [int(pk) for pk in self.cleaned_data[f"answer_{answer.pk}"] if pk != NONE_OF_THESE]
            for answer in self.answers
        }

    def stances(self):
        return {answer.pk: self.cleaned_data.get(f"stance_{answer.pk}", "") for answer in self.answers if f"stance_{answer.pk}" in self.fields}

    def pairs(self):
        """(answer, its themes field, its stance field or None), for the template."""
        return [
            (answer, self[f"answer_{answer.pk}"], self[f"stance_{answer.pk}"] if f"stance_{answer.pk}" in self.fields else None)
            for answer in self.answers
        ]


class StanceForm(GovukForm):
    small_choices = True
    asks_for_stance = forms.ChoiceField(
        label="Does this question ask for a view for or against?",
        choices=[("no", "No"), ("yes", "Yes: code each answer's stance (support, oppose or mixed) and report it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the question asks for a view for or against"},
    )

    def asks(self):
        return self.cleaned_data["asks_for_stance"] == "yes"
