"""Forms the consultation team build questionnaires with.

Lists (answers, grid statements, places) are typed one per line. A question nobody has
answered yet can change in every way; once it has answers, `LockedQuestionForm` offers only
what keeps them meaning what they meant: the wording, the labels of what is already listed,
and new items at the end. `building.change_question` enforces the same rules whoever calls.
"""

import re

from django import forms
from django.utils.text import slugify

from haveyoursay.govuk_forms import GovukForm, GovukModelForm
from haveyoursay.surveys import building
from haveyoursay.surveys.models import Question, Questionnaire
from haveyoursay.surveys.question_types import question_type

OTHER_MARK = "(please specify)"
ALONE_MARK = "(on its own)"
ALWAYS_ALONE = ("dont_know", "prefer_not_to_say")
TEXT_KINDS = ("short_text", "long_text")
MARKDOWN_HINT = "Write paragraphs separated by a blank line. Start a line with - for a bullet point."
MARKS_HINT = (
    f"End a line with “{OTHER_MARK}” to ask for the respondent's own words, or with “{ALONE_MARK}” for an "
    "answer that can't be chosen with others, like “None of these”. “Don't know” and “Prefer not to say” "
    "are always on their own."
)
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def lines_of(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def option_line(option):
    marks = [OTHER_MARK] if option.other else []
    if option.exclusive and option.value not in ALWAYS_ALONE:
        marks.append(ALONE_MARK)
    return " ".join([option.label, *marks])


def listed_labels(items):
    return "\n".join(item["label"] for item in items)


def number_text(number):
    return "" if number is None else str(number)


def make_code(text, taken):
    """A code from the question's words, like why_do_you_say_this, unused in `taken` (lower case)."""
    base = re.sub(r"_+", "_", slugify(text[:30]).replace("-", "_")).strip("_")[:30] or "question"
    code, n = base, 2
    while code.lower() in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def short(text, length=80):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def parse_choices(text, *, marks=True):
    """[(label, other, alone)] from lines, marks taken off; ValidationError for repeats or
    marks a question of this kind can't use."""
    items, seen = [], set()
    for line in lines_of(text):
        label, other, alone = line, False, False
        while True:
            folded = label.casefold()
            if folded.endswith(OTHER_MARK):
                label, other = label[: -len(OTHER_MARK)].strip(), True
            elif folded.endswith(ALONE_MARK):
                label, alone = label[: -len(ALONE_MARK)].strip(), True
            else:
                break
        if not label:
            raise forms.ValidationError(f"A line has only “{line}”: write the answer before it")
        if (other or alone) and not marks:
            raise forms.ValidationError(
                f"“{line}”: only single and multiple choice questions and scales can ask people to "
                "specify, or have answers on their own"
            )
        if len(label) > 300:
            raise forms.ValidationError(f"“{short(label, 40)}” is too long: each line must be 300 characters or fewer")
        if label.casefold() in seen:
            raise forms.ValidationError(f"“{label}” is listed twice. Each line must be different")
        seen.add(label.casefold())
        items.append((label, other, alone))
    return items


def with_values(labels, existing, taken):
    """A value for each label: the value of an existing item with the same words, so routing
    and answers keep pointing at it, otherwise a new one made from the words."""
    by_label = {label.casefold(): value for value, label in existing}
    values = []
    for label in labels:
        value = by_label.get(label.casefold())
        if value is None or value in values:
            value = building.option_value(label, taken)
        taken.add(value)
        values.append(value)
    return values


def condition_initial(questionnaire, condition):
    """The condition fields' values for a stored condition: the question's code, and the
    labels of its answers one per line."""
    if not condition or not condition.get("question"):
        return {"condition_question": "", "condition_answers": ""}
    source = Question.objects.filter(code=condition["question"], page__questionnaire=questionnaire).first()
    labels = {o.value: o.label for o in source.options.all()} if source else {}
    return {
        "condition_question": condition["question"],
        "condition_answers": "\n".join(labels.get(value, value) for value in condition.get("values", [])),
    }


def question_initial(question):
    """The form's values for a question as it is stored: what an unchanged form would send."""
    return {
        "text": question.text,
        "hint": question.hint,
        "required": "yes" if question.required else "no",
        "code": question.code,
        "max_length": number_text(question.max_length),
        "options": "\n".join(option_line(o) for o in question.options.all()),
        "statements": listed_labels(question.settings.get("statements", [])),
        "places": listed_labels(question.settings.get("places", [])),
        "number_min": number_text(question.settings.get("min")),
        "number_max": number_text(question.settings.get("max")),
        **condition_initial(question.page.questionnaire, question.condition),
    }


def earlier_choice_questions(questionnaire, page=None):
    """The choice questions on the pages before `page` (all pages if None): what routing may test."""
    questions = []
    for each in questionnaire.ordered_pages().prefetch_related("questions__options"):
        if page is not None and each.pk == page.pk:
            break
        questions += [q for q in each.questions.all() if q.kind in building.CHOICE_KINDS]
    return questions


class QuestionnaireForm(GovukModelForm):
    minutes_to_complete = forms.IntegerField(
        label="Minutes to complete (optional)",
        required=False,
        min_value=1,
        max_value=600,
        help_text="About how long most people take. Shown on the start page.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Minutes to complete must be a whole number, like 10",
            "min_value": "Minutes to complete must be 1 or more",
            "max_value": "Minutes to complete must be 600 or fewer",
        },
    )

    class Meta:
        model = Questionnaire
        fields = ["introduction", "privacy_notice", "minutes_to_complete"]
        labels = {"introduction": "Introduction (optional)", "privacy_notice": "Privacy notice"}
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5}), "privacy_notice": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "introduction": f"Shown on the start page: what the questions are about. {MARKDOWN_HINT}",
            "privacy_notice": "How the council will use and keep the answers. Shown before a respondent sends them.",
        }
        error_messages = {
            "privacy_notice": {"required": "Enter the privacy notice: how the council will use and keep the answers"}
        }


class KindForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind of question is it?",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of question", "invalid_choice": "Select the kind of question"},
    )


class ConditionFields:
    """"Show this only if an earlier question has one of these answers", for pages and questions.

    Only choice questions on earlier pages can decide: a page's answers count once the
    respondent continues from it. A condition saved before and left as it was is kept even
    if it no longer follows that rule (the questionnaire overview reports it), so fixing a
    typo never drops routing by surprise.
    """

    def add_condition_fields(self, sources, condition, noun):
        self.sources = sources
        self.condition = condition or None
        self.condition_noun = noun
        self.choosable = {q.code: q for q in sources}
        choices = [("", f"Always show this {noun}")] + [(q.code, f"{short(q.text)} ({q.code})") for q in sources]
        if condition and condition.get("question") not in self.choosable:
            choices.append((condition["question"], f"{condition['question']} (not on an earlier page)"))
        self.fields["condition_question"] = forms.ChoiceField(
            label=f"Show this {noun} only if this earlier question…",
            required=False,
            choices=choices,
            help_text="Leave as it is to show it to everyone.",
            error_messages={
                "invalid_choice": "Choose a question from the list: only choice questions on earlier pages can decide what is shown"
            },
        )
        self.fields["condition_answers"] = forms.CharField(
            label="…has one of these answers",
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="One answer per line, written as it is in the question's list of answers. For example, Tend to disagree",
        )

    @property
    def offers_condition(self):
        """Whether there is anything to choose: a form without it shows a sentence instead."""
        return bool(self.sources or self.condition)

    def clean_condition(self):
        """The condition to save, or None; errors go on the condition fields."""
        code = self.cleaned_data.get("condition_question") or ""
        lines = lines_of(self.cleaned_data.get("condition_answers"))
        if not code:
            if lines:
                self.add_error(
                    "condition_question",
                    f"Choose the earlier question whose answer decides whether this {self.condition_noun} is shown, "
                    "or remove the answers",
                )
            return None
        source = self.choosable.get(code)
        if source is None:  # the question an existing condition names, kept only while unchanged
            source = Question.objects.filter(code=code, page__questionnaire=self.questionnaire).first()
        if source is None:
            self.add_error("condition_question", "Choose a question from the list")
            return None
        if not lines:
            self.add_error("condition_answers", f"Enter at least one answer to “{source.text}” that shows this {self.condition_noun}")
            return None
        options = list(source.options.all())
        by_words = {o.label.casefold(): o.value for o in options} | {o.value.casefold(): o.value for o in options}
        unknown = [line for line in lines if line.casefold() not in by_words]
        if unknown:
            self.add_error(
                "condition_answers",
                f"“{unknown[0]}” is not an answer to “{short(source.text)}”. Its answers are: "
                + "; ".join(o.label for o in options),
            )
            return None
        values = list(dict.fromkeys(by_words[line.casefold()] for line in lines))
        condition = {"question": code, "values": values}
        if code not in self.choosable and condition != self.condition:
            self.add_error(
                "condition_question",
                f"“{short(source.text)}” is not a choice question on an earlier page, so it can't decide whether this "
                f"{self.condition_noun} is shown. Choose another question, or move this {self.condition_noun} later",
            )
            return None
        return condition


class PageForm(ConditionFields, GovukForm):
    title = forms.CharField(
        label="Page title",
        max_length=200,
        help_text="Respondents see it as the page's heading, like “The vision” or “About you”.",
        error_messages={"required": "Enter a title for the page", "max_length": "Page title must be 200 characters or fewer"},
    )
    introduction = forms.CharField(
        label="Introduction (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Shown under the title, before the questions. {MARKDOWN_HINT}",
    )

    def __init__(self, data=None, *, questionnaire, page=None):
        initial = {"title": page.title, "introduction": page.introduction} if page else {}
        super().__init__(data, initial=initial)
        self.questionnaire = questionnaire
        condition = page.condition if page else None
        self.add_condition_fields(earlier_choice_questions(questionnaire, page), condition, "page")
        self.initial.update(condition_initial(questionnaire, condition))

    def clean(self):
        data = super().clean()
        data["condition"] = self.clean_condition()
        return data


class QuestionForm(ConditionFields, GovukForm):
    """A new question of one kind, or one nobody has answered yet: everything can be set."""

    text = forms.CharField(
        label="Question",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question", "max_length": "Question must be 500 characters or fewer"},
    )
    hint = forms.CharField(
        label="Hint (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown under the question to help people answer it.",
    )
    required = forms.ChoiceField(
        label="Must people answer this question?",
        choices=[("no", "No, it is optional"), ("yes", "Yes, they must answer it")],
        widget=forms.RadioSelect,
        initial="no",
        error_messages={"required": "Select whether people must answer this question"},
    )
    code = forms.CharField(
        label="Code (optional)",
        required=False,
        max_length=40,
        help_text=(
            "A short name for the question in exports and routing, like q1 or why_vision. "
            "Leave empty to make one from the question."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        error_messages={"max_length": "Code must be 40 characters or fewer"},
    )
    max_length = forms.IntegerField(
        label="Most characters (optional)",
        required=False,
        min_value=1,
        max_value=10000,
        help_text="The longest answer allowed. Leave empty for 500 characters (short text) or 5,000 (long text).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Most characters must be a whole number, like 500",
            "min_value": "Most characters must be 1 or more",
            "max_value": "Most characters must be 10,000 or fewer",
        },
    )
    options = forms.CharField(label="Answers", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    statements = forms.CharField(
        label="Statements",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One statement per line. People answer each of them on the same scale.",
    )
    number_min = forms.DecimalField(
        label="Smallest number allowed (optional)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Smallest number must be a number, like 0 or 2.5"},
    )
    number_max = forms.DecimalField(
        label="Largest number allowed (optional)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        error_messages={"invalid": "Largest number must be a number, like 100 or 2.5"},
    )
    places = forms.CharField(
        label="Places (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One place per line, like Loughborough town centre. People can always give a postcode instead.",
    )

    def __init__(self, data=None, *, kind, questionnaire, page, question=None):
        super().__init__(data, initial=question_initial(question) if question else {})
        self.kind, self.type = kind, question_type(kind)
        self.questionnaire, self.page, self.question = questionnaire, page, question
        wanted = {"text", "hint", "required", "code"}
        if kind in TEXT_KINDS:
            wanted.add("max_length")
        if self.type.uses_options:
            wanted.add("options")
        if kind == "grid":
            wanted.add("statements")
        if kind == "number":
            wanted |= {"number_min", "number_max"}
        if kind == "location":
            wanted.add("places")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "options" in self.fields:
            self._describe_options()
        self.add_condition_fields(
            earlier_choice_questions(questionnaire, page), question.condition if question else None, "question"
        )

    def _describe_options(self):
        field = self.fields["options"]
        defaults = building.default_options(self.kind) if self.kind != "area" else []
        if self.kind == "grid":
            field.label = "Scale"
            field.help_text = "The answers people choose from for every statement, one per line. "
        elif self.kind == "ranking":
            field.label = "Answers to put in order"
            field.help_text = "One answer per line."
        else:
            field.help_text = "One answer per line. " + MARKS_HINT + " "
        if defaults:
            field.help_text += "Leave empty for the standard answers: " + ", ".join(label for _, label in defaults) + "."
            if self.type.adds_dont_know:
                field.help_text += " “Don't know” is added if it is not listed."
        elif self.kind == "area":
            field.help_text += "Leave empty for the council's areas, then “Somewhere else” and “Prefer not to say”."

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            return ""
        if not CODE_RE.match(code):
            raise forms.ValidationError("Code must only include letters, numbers, underscores and hyphens, like q1 or why_vision")
        if "__" in code:
            raise forms.ValidationError("Code can't have two underscores together, like q1__a: use one, like q1_a")
        taken = Question.objects.filter(page__questionnaire=self.questionnaire, code__iexact=code)
        if self.question:
            taken = taken.exclude(pk=self.question.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Another question in this questionnaire already has the code “{code}”. Choose a different code"
            )
        return code

    def clean_options(self):
        items = parse_choices(self.cleaned_data["options"], marks=self.kind in building.CHOICE_KINDS)
        needs_list = not building.default_options(self.kind) and self.kind != "area"
        if needs_list and len(items) < 2:
            raise forms.ValidationError("Enter at least 2 answers, one per line")
        return items

    def clean_statements(self):
        items = parse_choices(self.cleaned_data["statements"], marks=False)
        if not items:
            raise forms.ValidationError("Enter at least one statement, one per line")
        return [label for label, _, _ in items]

    def clean_places(self):
        return [label for label, _, _ in parse_choices(self.cleaned_data["places"], marks=False)]

    def clean(self):
        data = super().clean()
        low, high = data.get("number_min"), data.get("number_max")
        if low is not None and high is not None and high < low:
            self.add_error("number_max", "Largest number must be the same as or more than the smallest number")
        data["condition"] = self.clean_condition()
        if self.errors:
            return data
        taken = {c.lower() for c in Question.objects.filter(page__questionnaire=self.questionnaire).values_list("code", flat=True)}
        if self.question:
            taken.discard(self.question.code.lower())
        data["code"] = data.get("code") or make_code(data["text"], taken)
        self.option_items = self._option_items(data.get("options"))
        if self.question:
            already = building.routing_breaks(
                self.question, self.question.kind, {o.value for o in self.question.options.all()}
            )
            reasons = building.routing_breaks(self.question, self.kind, {value for value, *_ in self.option_items})
            new_reasons = [reason for reason in reasons if reason not in already]
            if new_reasons:
                self.add_error("options" if "options" in self.fields else None, new_reasons[0])
        return data

    def _option_items(self, items):
        """[(value, label, other, exclusive)] for the options to keep, in order."""
        if not self.type.uses_options:
            return []
        if not items:
            pairs = building.default_options(self.kind)
            return [(value, label, False, value in ALWAYS_ALONE) for value, label in pairs]
        existing = [(o.value, o.label) for o in self.question.options.all()] if self.question else []
        values = with_values([label for label, _, _ in items], existing, set())
        result = [
            (value, label, other, alone or value in ALWAYS_ALONE) for value, (label, other, alone) in zip(values, items)
        ]
        if self.type.adds_dont_know and "dont_know" not in values:
            result.append(("dont_know", "Don't know", False, True))
        return result

    def listed(self, key, labels):
        existing = [(item["value"], item["label"]) for item in (self.question.settings.get(key, []) if self.question else [])]
        values = with_values(labels, existing, set())
        return [{"value": value, "label": label} for value, label in zip(values, labels)]

    def changes(self):
        """Keyword arguments for building.add_question / change_question."""
        data = self.cleaned_data
        settings = {k: v for k, v in (self.question.settings if self.question else {}).items()}
        for key in ("statements", "places", "min", "max"):
            settings.pop(key, None)
        if self.kind == "grid":
            settings["statements"] = self.listed("statements", data["statements"])
        if self.kind == "location":
            settings["places"] = self.listed("places", data["places"])
        if self.kind == "number":
            for key, name in (("min", "number_min"), ("max", "number_max")):
                if data.get(name) is not None:
                    settings[key] = plain_number(data[name])
        return {
            "kind": self.kind,
            "code": data["code"],
            "text": data["text"],
            "hint": data["hint"],
            "required": data["required"] == "yes",
            "max_length": data.get("max_length"),
            "settings": settings,
            "condition": data["condition"],
        }


def plain_number(number):
    return int(number) if number == number.to_integral_value() else float(number)


# What a locked question keeps, named as the warning on its form names them.
LOCKED_FIELDS = {
    "kind": "kind", "code": "code", "required": "whether people must answer it", "max_length": "most characters",
    "options": "answers", "statements": "statements", "places": "places", "number_min": "smallest number",
    "number_max": "largest number", "condition_question": "routing", "condition_answers": "routing",
}


class LockedQuestionForm(GovukForm):
    """A question with answers: only its words may change, and new answers join at the end."""

    text = QuestionForm.base_fields["text"]
    hint = QuestionForm.base_fields["hint"]

    def __init__(self, data=None, *, question):
        if data is not None:
            # A form from before the first answer has no field per answer: keep their words.
            data = data.copy()
            for prefix, items in self._listed(question).items():
                for value, label in items:
                    data.setdefault(f"{prefix}_{value}", label)
        super().__init__(data, initial={"text": question.text, "hint": question.hint})
        self.question, self.type = question, question.type
        self.existing_options = list(question.options.all())
        self.lists = {}
        if self.type.uses_options:
            marks = question.kind in building.CHOICE_KINDS
            self._add_list("option", [(o.value, o.label, self._flags(o)) for o in self.existing_options], "Answer", marks)
        if question.kind == "grid":
            self._add_list("statement", [(s["value"], s["label"], "") for s in question.settings.get("statements", [])], "Statement")
        if question.kind == "location":
            self._add_list("place", [(p["value"], p["label"], "") for p in question.settings.get("places", [])], "Place")

    @staticmethod
    def _listed(question):
        return {
            "option": [(o.value, o.label) for o in question.options.all()],
            "statement": [(s["value"], s["label"]) for s in question.settings.get("statements", [])],
            "place": [(p["value"], p["label"]) for p in question.settings.get("places", [])],
        }

    @staticmethod
    def _flags(option):
        if option.other:
            return "Asks people to specify."
        if option.exclusive:
            return "Can't be chosen with other answers."
        return ""

    def _add_list(self, prefix, items, noun, marks=False):
        names = []
        for number, (value, label, hint) in enumerate(items, start=1):
            name = f"{prefix}_{value}"
            self.fields[name] = forms.CharField(
                label=f"{noun} {number}",
                max_length=300,
                help_text=hint,
                initial=label,
                error_messages={
                    "required": f"Enter the words of {noun.lower()} {number}",
                    "max_length": f"{noun} {number} must be 300 characters or fewer",
                },
            )
            self.initial[name] = label
            names.append(name)
        new = f"new_{prefix}s"
        self.fields[new] = forms.CharField(
            label=f"New {noun.lower()}s to add at the end (optional)",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=f"One per line. {MARKS_HINT}" if marks else "One per line.",
        )
        self.lists[prefix] = {"names": names, "values": [value for value, _, _ in items], "new": new, "marks": marks}

    @property
    def listed_words(self):
        """"answers", "answers and statements": what this question lists, for its warning."""
        nouns = {"option": "answers", "statement": "statements", "place": "places"}
        return building.and_list([nouns[prefix] for prefix in self.lists])

    def list_fields(self, prefix):
        return [self[name] for name in self.lists[prefix]["names"]] if prefix in self.lists else []

    @property
    def option_fields(self):
        return self.list_fields("option")

    @property
    def statement_fields(self):
        return self.list_fields("statement")

    @property
    def place_fields(self):
        return self.list_fields("place")

    def tried_to_change(self):
        """What the data tries to change that a locked question must keep (a form from before
        the first answer, or a forged one)."""
        current = question_initial(self.question) | {"kind": self.question.kind}
        tried = [
            words for name, words in LOCKED_FIELDS.items()
            if name in self.data and lines_of(self.data.get(name)) != lines_of(current[name])
        ]
        return list(dict.fromkeys(tried))

    def clean(self):
        data = super().clean()
        tried = self.tried_to_change()
        if tried:
            count = self.question.answer_count()
            raise forms.ValidationError(
                f"This question is locked: {count:,} response{'s' if count != 1 else ''} answered it, so its "
                f"{building.and_list(tried)} can't change. Only the words can: check them below and save again"
            )
        for prefix, spec in self.lists.items():
            self._clean_list(prefix, spec, data)
        return data

    def _clean_list(self, prefix, spec, data):
        old = {value: self.initial[name] for value, name in zip(spec["values"], spec["names"])}
        labels, seen = [], {}
        for value, name in zip(spec["values"], spec["names"]):
            label = data.get(name)
            if label is None:
                continue
            folded = label.casefold()
            swapped = next((v for v, words in old.items() if v != value and words.casefold() == folded), None)
            if swapped is not None:
                self.add_error(
                    name,
                    f"“{label}” is already the words of another {prefix}. Answers can't swap places once people "
                    "have chosen them: the answers already given would change meaning",
                )
            elif folded in seen:
                self.add_error(name, f"“{label}” is listed twice. Each {prefix} must be different")
            seen[folded] = value
            labels.append((value, label))
        try:
            new = parse_choices(data.get(spec["new"], ""), marks=spec["marks"])
        except forms.ValidationError as error:
            self.add_error(spec["new"], error)
            return
        repeated = next((label for label, _, _ in new if label.casefold() in seen), None)
        if repeated:
            self.add_error(spec["new"], f"“{repeated}” is already listed. Each {prefix} must be different")
            return
        taken = set(spec["values"])
        new_values = [building.option_value(label, taken) for label, _, _ in new]
        spec["result"] = labels + [(value, label) for value, (label, _, _) in zip(new_values, new)]
        spec["new_flags"] = {value: (other, alone or value in ALWAYS_ALONE) for value, (_, other, alone) in zip(new_values, new)}

    def changes(self):
        """Keyword arguments for building.change_question."""
        changes = {"text": self.cleaned_data["text"], "hint": self.cleaned_data["hint"]}
        if "option" in self.lists:
            spec = self.lists["option"]
            flags = {o.value: (o.other, o.exclusive) for o in self.existing_options} | spec["new_flags"]
            changes["options"] = [(value, label, *flags[value]) for value, label in spec["result"]]
        settings = dict(self.question.settings)
        for prefix, key in (("statement", "statements"), ("place", "places")):
            if prefix in self.lists:
                settings[key] = [{"value": value, "label": label} for value, label in self.lists[prefix]["result"]]
        changes["settings"] = settings
        return changes

