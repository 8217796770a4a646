"""What each kind of question asks, and the shape its answers are kept in.

Every type turns a question into GOV.UK form fields, a submitted form into the JSON value
stored in `Answer.value` (or None for no answer), a stored value back into words for
"Check your answers", into export columns, and text from another survey tool's export into
a value. The staff site, the public form, paper entry and imports all go through here, so
an answer means the same whichever way it arrived.

Stored shapes:
    single, agree, importance, area   {"choice": "tend_to_agree", "other": ""}
    multiple                          {"choices": ["a", "b"], "other": "..."}
    short_text, long_text             {"text": "..."}
    number                            {"number": 3}   (int or float)
    date                              {"date": "2022-07-31"}
    postcode                          {"postcode": "LE11 3AB"}
    ranking                           {"ranking": ["first", "second", ...]}
    grid                              {"rows": {"statement": "option", ...}}
    location                          {"place": "loughborough"} or {"postcode": "LE11 3AB"}
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms

from haveyoursay.govuk_forms import DATE_EXAMPLE, CharacterCountTextarea, GovukDateField

AGREE_SCALE = [
    ("strongly_agree", "Strongly agree"),
    ("tend_to_agree", "Tend to agree"),
    ("neither", "Neither agree nor disagree"),
    ("tend_to_disagree", "Tend to disagree"),
    ("strongly_disagree", "Strongly disagree"),
]
IMPORTANCE_SCALE = [
    ("very_important", "Very important"),
    ("fairly_important", "Fairly important"),
    ("not_very_important", "Not very important"),
    ("not_at_all_important", "Not at all important"),
]
DONT_KNOW = ("dont_know", "Don't know")
PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say")

# Full UK postcode, as Royal Mail publishes the format (plus GIR 0AA).
POSTCODE_RE = re.compile(r"^(GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})$")


def normalise_postcode(text):
    """"le113ab" -> "LE11 3AB"; None if it is not a UK postcode."""
    compact = re.sub(r"\s+", "", (text or "").upper())
    if not POSTCODE_RE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


class AnswerError(ValueError):
    """An answer that can't be accepted; the message is for the respondent or the importer."""


class QuestionType:
    kind = ""
    standard_options = None  # [(value, label)], created with the question
    adds_dont_know = False
    uses_options = False

    def field_name(self, question):
        return f"q_{question.code}"

    def form_fields(self, question):
        """{name: field} for this question on a page form."""
        raise NotImplementedError

    def clean(self, question, data, required=None):
        """The stored value from a page form's cleaned data, or None if not answered.

        `required` says whether no answer is an error; None means the question's own setting.
        Staff keying in a paper form pass False: the form is recorded as the person filled it in.
        """
        raise NotImplementedError

    def initial(self, question, value):
        """Form initial values from a stored value, so nothing typed is ever lost."""
        raise NotImplementedError

    def display(self, question, value):
        """The answer in words, for "Check your answers" and exports."""
        raise NotImplementedError

    def export_columns(self, question):
        """[(column name, heading)] — the same for every response, however routing went."""
        return [(question.code, question.text)]

    def export_values(self, question, value):
        return [self.display(question, value) if value is not None else ""]

    def from_text(self, question, text):
        """A value from one cell of another tool's export; AnswerError if it can't be read."""
        raise NotImplementedError


def wording(question, length=70):
    """A question as a person knows it, by its words, cut short: for messages about an answer."""
    text = " ".join(question.text.split())
    return f"‘{text if len(text) <= length else text[: length - 1].rstrip() + '…'}’"


def not_one_of(question, text, labels, what="answers", also="", part=""):
    """AnswerError for an answer that isn't one of `labels`, listing them, so that the person
    importing can correct it without looking the question up. `part`: a grid's statement."""
    labels = list(labels)
    shown = ", ".join(labels[:15]) + (f" and {len(labels) - 15} more" if len(labels) > 15 else "")
    where = f"{wording(question)}, “{part}”" if part else wording(question)
    return AnswerError(f"{where}: “{text.strip()}” is not one of: {shown}{also}. Change it to one of these {what}")


def _labels(question):
    return {option.value: option.label for option in question.options.all()}


def _option_for_text(question, text):
    """An option from its value or its label, in any case: exports use either. The first
    option, in order, whose value or label matches."""
    return _options_by_text(question).get(text.strip().casefold())


def _options_by_text(question):
    """{casefolded value or label: option}. Kept on the question when its options were
    prefetched (an import's are, and reads every row of a 50,000-row file with it): they
    can't change under it then."""
    kept = question.__dict__.get("_options_by_text")
    if kept is not None:
        return kept
    lookup = {}
    for option in question.options.all():
        lookup.setdefault(option.value.casefold(), option)
        lookup.setdefault(option.label.casefold(), option)
    if "options" in getattr(question, "_prefetched_objects_cache", {}):
        question.__dict__["_options_by_text"] = lookup
    return lookup


def _other_field(name, question, options):
    """The "Please specify" box, for a question with an "Other, please specify" answer."""
    if not any(o.other for o in options):
        return {}
    return {
        f"{name}__other": forms.CharField(
            label="Please specify", required=False, max_length=question.max_length or 500
        )
    }


class SingleChoice(QuestionType):
    kind = "single"
    uses_options = True

    def form_fields(self, question):
        options = list(question.options.all())
        name = self.field_name(question)
        fields = {
            name: forms.ChoiceField(
                label=question.text,
                help_text=question.hint,
                required=question.required,
                choices=[(o.value, o.label) for o in options],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer to “{question.text}”",
                    "invalid_choice": "Select one of the answers shown",
                },
            )
        }
        fields.update(_other_field(name, question, options))
        return fields

    def clean(self, question, data, required=None):
        name = self.field_name(question)
        choice = data.get(name)
        if not choice:
            return None
        option = next(o for o in question.options.all() if o.value == choice)
        other = (data.get(f"{name}__other") or "").strip() if option.other else ""
        if option.other and not other:
            raise AnswerError({f"{name}__other": "Tell us what your other answer is"})
        return {"choice": choice, "other": other}

    def initial(self, question, value):
        name = self.field_name(question)
        return {name: value.get("choice"), f"{name}__other": value.get("other", "")} if value else {}

    def display(self, question, value):
        if not value:
            return ""
        label = _labels(question).get(value["choice"], value["choice"])
        return f"{label}: {value['other']}" if value.get("other") else label

    def export_values(self, question, value):
        return [_labels(question).get(value["choice"], value["choice"]) if value else ""] + (
            [value.get("other", "") if value else ""] if self.has_other(question) else []
        )

    def export_columns(self, question):
        columns = [(question.code, question.text)]
        if self.has_other(question):
            columns.append((f"{question.code}_other", f"{question.text} (other)"))
        return columns

    def has_other(self, question):
        return any(o.other for o in question.options.all())

    def from_text(self, question, text):
        if not text.strip():
            return None
        option = _option_for_text(question, text)
        if option is None:
            other = next((o for o in question.options.all() if o.other), None)
            if other is not None:
                return {"choice": other.value, "other": text.strip()}
            raise not_one_of(question, text, _labels(question).values())
        return {"choice": option.value, "other": ""}


class AgreeScale(SingleChoice):
    kind = "agree"
    standard_options = AGREE_SCALE
    adds_dont_know = True


class ImportanceScale(SingleChoice):
    kind = "importance"
    standard_options = IMPORTANCE_SCALE
    adds_dont_know = True


class AreaChoice(SingleChoice):
    """A district of the council's area: options made from the hub's areas when created."""

    kind = "area"


class MultipleChoice(QuestionType):
    kind = "multiple"
    uses_options = True

    def form_fields(self, question):
        options = list(question.options.all())
        name = self.field_name(question)
        fields = {
            name: forms.MultipleChoiceField(
                label=question.text,
                help_text=question.hint or "Select all that apply.",
                required=question.required,
                choices=[(o.value, o.label) for o in options],
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": f"Select at least one answer to “{question.text}”",
                    "invalid_choice": "Select from the answers shown",
                },
            )
        }
        fields.update(_other_field(name, question, options))
        return fields

    def clean(self, question, data, required=None):
        name = self.field_name(question)
        choices = data.get(name) or []
        if not choices:
            return None
        options = {o.value: o for o in question.options.all()}
        exclusive = [options[c].label for c in choices if options[c].exclusive]
        if exclusive and len(choices) > 1:
            raise AnswerError({name: f"Select “{exclusive[0]}” on its own, or other answers without it"})
        wants_other = any(options[c].other for c in choices)
        other = (data.get(f"{name}__other") or "").strip() if wants_other else ""
        if wants_other and not other:
            raise AnswerError({f"{name}__other": "Tell us what your other answer is"})
        ordered = [o for o in options if o in choices]
        return {"choices": ordered, "other": other}

    def initial(self, question, value):
        name = self.field_name(question)
        return {name: value.get("choices", []), f"{name}__other": value.get("other", "")} if value else {}

    def display(self, question, value):
        if not value:
            return ""
        labels = _labels(question)
        words = [labels.get(c, c) for c in value["choices"]]
        if value.get("other"):
            words.append(f"Other: {value['other']}")
        return "; ".join(words)

    def export_columns(self, question):
        """One 0/1 column per option, so totals over 100% are plain to see."""
        columns = [(f"{question.code}_{o.value}", f"{question.text}: {o.label}") for o in question.options.all()]
        if any(o.other for o in question.options.all()):
            columns.append((f"{question.code}_other_text", f"{question.text} (other)"))
        return columns

    def export_values(self, question, value):
        chosen = set(value["choices"]) if value else set()
        cells = [("1" if o.value in chosen else "0") if value else "" for o in question.options.all()]
        if any(o.other for o in question.options.all()):
            cells.append(value.get("other", "") if value else "")
        return cells

    def from_text(self, question, text):
        parts = [p for p in re.split(r"[;|\n]", text) if p.strip()]
        if not parts:
            return None
        choices, other = [], ""
        for part in parts:
            option = _option_for_text(question, part)
            if option is None:
                other_option = next((o for o in question.options.all() if o.other), None)
                if other_option is None:
                    raise not_one_of(question, part, _labels(question).values(),
                                     also=" (separate several answers with semicolons)")
                option, other = other_option, part.strip()
            if option.value not in choices:
                choices.append(option.value)
        return {"choices": choices, "other": other}


class AnswerTextField(forms.CharField):
    """Typed text with its line breaks as "\n": a browser sends each as "\r\n", two characters,
    where the character count beside the box counts one, so a 2,000-character answer with
    breaks in it would be refused as too long though the count said it fitted."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class Text(QuestionType):
    kind = "short_text"
    widget = forms.TextInput

    def form_fields(self, question):
        limit = question.max_length or (500 if self.kind == "short_text" else 5000)
        return {
            self.field_name(question): AnswerTextField(
                label=question.text,
                help_text=question.hint,
                required=question.required,
                max_length=limit,
                widget=self.widget(attrs={"rows": 6} if self.widget is CharacterCountTextarea else {}),
                error_messages={
                    "required": f"Enter your answer to “{question.text}”",
                    "max_length": f"Your answer must be {limit:,} characters or fewer",
                },
            )
        }

    def clean(self, question, data, required=None):
        text = (data.get(self.field_name(question)) or "").strip()
        return {"text": text} if text else None

    def initial(self, question, value):
        return {self.field_name(question): value.get("text", "")} if value else {}

    def display(self, question, value):
        return value["text"] if value else ""

    def from_text(self, question, text):
        text = text.strip()
        if question.max_length and len(text) > question.max_length:
            raise AnswerError(
                f"{wording(question)}: the answer is {len(text):,} characters, more than its limit of "
                f"{question.max_length:,}. Shorten it in the file"
            )
        return {"text": text} if text else None


class LongText(Text):
    kind = "long_text"
    widget = CharacterCountTextarea


# The most digits before the point a number answer may have: any such number is stored and
# shown exactly, and a page is never asked to write out a number of millions of digits.
MAX_DIGITS = 15


class Number(QuestionType):
    kind = "number"

    def bounds(self, question):
        return question.settings.get("min"), question.settings.get("max")

    def form_fields(self, question):
        return {
            self.field_name(question): forms.CharField(
                label=question.text,
                help_text=question.hint,
                required=question.required,
                max_length=30,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
                error_messages={"required": f"Enter a number for “{question.text}”"},
            )
        }

    def parse(self, question, text):
        cleaned = text.strip().replace(",", "")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            raise AnswerError(f"“{question.text}” must be a number, like 3 or 2.5") from None
        if not number.is_finite():
            raise AnswerError(f"“{question.text}” must be a number, like 3 or 2.5")
        # 1e999999999 is a finite number, but one no answer means and no computer can write out.
        if number.adjusted() >= MAX_DIGITS:
            raise AnswerError(f"“{question.text}” must be a smaller number, with at most {MAX_DIGITS} digits")
        low, high = self.bounds(question)
        if low is not None and number < Decimal(str(low)):
            raise AnswerError(f"“{question.text}” must be {low} or more")
        if high is not None and number > Decimal(str(high)):
            raise AnswerError(f"“{question.text}” must be {high} or less")
        return int(number) if number == number.to_integral_value() else float(number)

    def clean(self, question, data, required=None):
        name = self.field_name(question)
        text = (data.get(name) or "").strip()
        if not text:
            return None
        try:
            return {"number": self.parse(question, text)}
        except AnswerError as error:
            raise AnswerError({name: str(error)}) from None

    def initial(self, question, value):
        return {self.field_name(question): str(value["number"])} if value else {}

    def display(self, question, value):
        return f"{value['number']:,}" if value else ""

    def export_values(self, question, value):
        return [str(value["number"]) if value else ""]

    def from_text(self, question, text):
        return {"number": self.parse(question, text)} if text.strip() else None


class Date(QuestionType):
    kind = "date"

    def form_fields(self, question):
        return {
            self.field_name(question): GovukDateField(
                label=question.text, help_text=question.hint or DATE_EXAMPLE, required=question.required
            )
        }

    def clean(self, question, data, required=None):
        day = data.get(self.field_name(question))
        return {"date": day.isoformat()} if day else None

    def initial(self, question, value):
        return {self.field_name(question): datetime.date.fromisoformat(value["date"])} if value else {}

    def display(self, question, value):
        return f"{datetime.date.fromisoformat(value['date']):%-d %B %Y}" if value else ""

    def export_values(self, question, value):
        return [value["date"] if value else ""]

    def from_text(self, question, text):
        text = text.strip()
        if not text:
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y"):
            try:
                return {"date": datetime.datetime.strptime(text, pattern).date().isoformat()}
            except ValueError:
                continue
        raise AnswerError(f"“{text}” is not a date (use 31/07/2022 or 2022-07-31)")


class Postcode(QuestionType):
    kind = "postcode"

    def form_fields(self, question):
        return {
            self.field_name(question): forms.CharField(
                label=question.text,
                help_text=question.hint or "For example, LE3 8RA",
                required=question.required,
                max_length=10,
                widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10", "spellcheck": "false"}),
                error_messages={"required": "Enter a postcode", "max_length": "Enter a real postcode, like LE3 8RA"},
            )
        }

    def clean(self, question, data, required=None):
        name = self.field_name(question)
        text = (data.get(name) or "").strip()
        if not text:
            return None
        postcode = normalise_postcode(text)
        if postcode is None:
            raise AnswerError({name: "Enter a real postcode, like LE3 8RA"})
        return {"postcode": postcode}

    def initial(self, question, value):
        return {self.field_name(question): value["postcode"]} if value else {}

    def display(self, question, value):
        return value["postcode"] if value else ""

    def from_text(self, question, text):
        if not text.strip():
            return None
        postcode = normalise_postcode(text)
        if postcode is None:
            raise AnswerError(
                f"{wording(question)}: “{text.strip()}” is not a UK postcode. Correct it, or leave it empty"
            )
        return {"postcode": postcode}


class Ranking(QuestionType):
    """Put the options in order. Without JavaScript: a number box beside each option."""

    kind = "ranking"
    uses_options = True

    def rank_name(self, question, option):
        return f"{self.field_name(question)}__{option.value}"

    def form_fields(self, question):
        options = list(question.options.all())
        return {
            self.rank_name(question, option): forms.TypedChoiceField(
                label=option.label,
                required=False,
                coerce=int,
                choices=[("", "Not ranked")] + [(n, str(n)) for n in range(1, len(options) + 1)],
                error_messages={"invalid_choice": "Choose a rank from the list"},
            )
            for option in options
        }

    def clean(self, question, data, required=None):
        ranks = {}
        for option in question.options.all():
            rank = data.get(self.rank_name(question, option))
            if rank not in (None, ""):
                ranks[option.value] = rank
        if not ranks:
            if question.required if required is None else required:
                first = question.options.first()
                raise AnswerError({self.rank_name(question, first): f"Rank at least one answer to “{question.text}”"})
            return None
        if len(set(ranks.values())) != len(ranks):
            duplicated = sorted({r for r in ranks.values() if list(ranks.values()).count(r) > 1})[0]
            option = next(o for o in question.options.all() if ranks.get(o.value) == duplicated)
            raise AnswerError({self.rank_name(question, option): f"Give each answer a different rank: {duplicated} is used twice"})
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            option = next(o for o in question.options.all() if o.value in ranks)
            raise AnswerError({self.rank_name(question, option): f"Use the ranks 1 to {len(ranks)} without gaps"})
        return {"ranking": sorted(ranks, key=ranks.get)}

    def initial(self, question, value):
        if not value:
            return {}
        by_value = {o.value: o for o in question.options.all()}
        return {
            self.rank_name(question, by_value[v]): position
            for position, v in enumerate(value["ranking"], start=1)
            if v in by_value
        }

    def display(self, question, value):
        if not value:
            return ""
        labels = _labels(question)
        return "; ".join(f"{n}. {labels.get(v, v)}" for n, v in enumerate(value["ranking"], start=1))

    def export_columns(self, question):
        return [(f"{question.code}_{o.value}", f"{question.text}: {o.label} (rank)") for o in question.options.all()]

    def export_values(self, question, value):
        order = value["ranking"] if value else []
        return [str(order.index(o.value) + 1) if o.value in order else "" for o in question.options.all()]

    def from_text(self, question, text):
        parts = [p for p in re.split(r"[;|\n>]", text) if p.strip()]
        if not parts:
            return None
        ranking = []
        for part in parts:
            option = _option_for_text(question, re.sub(r"^\s*\d+[.)]\s*", "", part))
            if option is None:
                raise not_one_of(question, part, _labels(question).values(), also=" (in order: “1. x; 2. y”)")
            ranking.append(option.value)
        return {"ranking": ranking}


class Grid(QuestionType):
    """Several statements answered on one scale: settings {"statements": [{"value", "label"}]}."""

    kind = "grid"
    uses_options = True
    standard_options = AGREE_SCALE
    adds_dont_know = True

    def statements(self, question):
        return question.settings.get("statements", [])

    def row_name(self, question, statement):
        return f"{self.field_name(question)}__{statement['value']}"

    def form_fields(self, question):
        choices = [(o.value, o.label) for o in question.options.all()]
        return {
            self.row_name(question, statement): forms.ChoiceField(
                label=statement["label"],
                required=question.required,
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select an answer for “{statement['label']}”",
                    "invalid_choice": "Select one of the answers shown",
                },
            )
            for statement in self.statements(question)
        }

    def clean(self, question, data, required=None):
        rows = {
            s["value"]: data[self.row_name(question, s)]
            for s in self.statements(question)
            if data.get(self.row_name(question, s))
        }
        return {"rows": rows} if rows else None

    def initial(self, question, value):
        if not value:
            return {}
        return {self.row_name(question, s): value["rows"].get(s["value"]) for s in self.statements(question)}

    def display(self, question, value):
        if not value:
            return ""
        labels = _labels(question)
        return "; ".join(
            f"{s['label']}: {labels.get(value['rows'][s['value']], '')}"
            for s in self.statements(question)
            if s["value"] in value["rows"]
        )

    def export_columns(self, question):
        return [(f"{question.code}_{s['value']}", f"{question.text}: {s['label']}") for s in self.statements(question)]

    def export_values(self, question, value):
        labels = _labels(question)
        rows = value["rows"] if value else {}
        return [labels.get(rows.get(s["value"]), "") for s in self.statements(question)]

    def from_text(self, question, text):
        raise AnswerError(f"{wording(question)} is a grid: match one column to each of its statements")

    def row_from_text(self, question, statement_value, text):
        if not text.strip():
            return None
        option = _option_for_text(question, text)
        if option is None:
            statement = next((s["label"] for s in self.statements(question) if s["value"] == statement_value), "")
            raise not_one_of(question, text, _labels(question).values(), what="answers on its scale", part=statement)
        return option.value


class Location(QuestionType):
    """A place. The list of places and the postcode box are the whole question, not a fallback:
    a map, where one is configured, only helps choose from the same list.

    settings: {"places": [{"value": "loughborough", "label": "Loughborough town centre"}]}
    """

    kind = "location"

    def places(self, question):
        return question.settings.get("places", [])

    def form_fields(self, question):
        name = self.field_name(question)
        return {
            name: forms.ChoiceField(
                label=question.text,
                help_text=question.hint or "Choose a place from the list, or enter a postcode instead.",
                required=False,
                choices=[("", "Choose a place")] + [(p["value"], p["label"]) for p in self.places(question)],
                error_messages={"invalid_choice": "Choose a place from the list"},
            ),
            f"{name}__postcode": forms.CharField(
                label="Or enter a postcode", required=False, max_length=10,
                widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}),
            ),
        }

    def clean(self, question, data, required=None):
        name = self.field_name(question)
        place = data.get(name)
        postcode_text = (data.get(f"{name}__postcode") or "").strip()
        if place and postcode_text:
            raise AnswerError({name: "Choose a place or enter a postcode, not both"})
        if place:
            return {"place": place}
        if postcode_text:
            postcode = normalise_postcode(postcode_text)
            if postcode is None:
                raise AnswerError({f"{name}__postcode": "Enter a real postcode, like LE11 3AB"})
            return {"postcode": postcode}
        if question.required if required is None else required:
            raise AnswerError({name: f"Choose a place or enter a postcode for “{question.text}”"})
        return None

    def initial(self, question, value):
        name = self.field_name(question)
        return {name: value.get("place", ""), f"{name}__postcode": value.get("postcode", "")} if value else {}

    def display(self, question, value):
        if not value:
            return ""
        if value.get("place"):
            return next((p["label"] for p in self.places(question) if p["value"] == value["place"]), value["place"])
        return value.get("postcode", "")

    def from_text(self, question, text):
        text = text.strip()
        if not text:
            return None
        for place in self.places(question):
            if text.casefold() in (place["value"].casefold(), place["label"].casefold()):
                return {"place": place["value"]}
        postcode = normalise_postcode(text)
        if postcode:
            return {"postcode": postcode}
        raise not_one_of(question, text, [p["label"] for p in self.places(question)], what="places, or a postcode",
                         also=", nor a postcode")


TYPES = {
    cls.kind: cls()
    for cls in (
        SingleChoice, MultipleChoice, AgreeScale, ImportanceScale, AreaChoice, Text, LongText,
        Number, Date, Postcode, Ranking, Grid, Location,
    )
}


def question_type(kind):
    return TYPES[kind]
