"""Django forms rendered as GOV.UK Design System components.

Every form on the site, staff or public, renders through `GovukFormRenderer`: each field
becomes a GOV.UK form group with its label, hint and error message, each error links from
the error summary to its field, and the date input is the GOV.UK day/month/year pattern
with its standard messages. Browser validation is off (`use_required_attribute = False`):
the server's messages are the clear, consistent ones. For the same reason no box has a
`maxlength`: a browser given one silently drops whatever is typed or pasted past it, where
the server keeps it all and says how much too long it is. A textarea that shows its limit
uses GOV.UK's character count (`CharacterCountTextarea`).

Whatever anyone types passes through `typed_text` on its way in (`GovukBoundField.data`):
characters that reorder text on screen are taken out, and an answer made only of invisible
characters counts as blank.
"""

import datetime
import unicodedata

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

INPUT_CLASSES = {
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


def _widget_class(widget):
    if isinstance(widget, forms.Textarea):
        return "govuk-textarea"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.RadioSelect):
        return "govuk-select"
    if isinstance(widget, forms.widgets.Input):
        return INPUT_CLASSES.get(widget.input_type, "govuk-input")
    return None


# Characters that change the direction text is shown in. In a stored answer they make it
# read one way on screen and another in a file (a report, a spreadsheet, an email), so they
# are taken out wherever they are typed. So is NUL, which no keyboard types and PostgreSQL
# cannot store or even look up: a filter sent with one would otherwise fail in the database.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\x00\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
# Letters that draw nothing, though Unicode files them as letters or symbols, not as format
# characters or spaces.
BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def typed_text(value):
    """What was typed, without direction controls; "" when nothing visible is left.

    Zero-width joiners and the like stay inside visible text (some scripts and emoji need
    them); only an answer made of nothing else becomes blank. Lists (several boxes ticked)
    and the parts of a date are cleaned item by item."""
    if isinstance(value, str):
        value = value.translate(BIDI_CONTROLS)
        if all(c.isspace() or c in BLANK_LETTERS or unicodedata.category(c) == "Cf" for c in value):
            return ""
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(typed_text(item) for item in value)
    if isinstance(value, dict):
        return {key: typed_text(item) for key, item in value.items()}
    return value


class GovukBoundField(BoundField):
    @property
    def data(self):
        """The submitted value as the field will clean it; passwords exactly as typed."""
        value = super().data
        if isinstance(self.field.widget, forms.PasswordInput):
            return value
        return typed_text(value)

    @property
    def hint_id(self):
        return f"{self.auto_id}-hint"

    @property
    def error_id(self):
        return f"{self.auto_id}-error"

    @property
    def character_limit(self):
        """The most characters a GOV.UK character count allows here, or None for no count."""
        if isinstance(self.field.widget, CharacterCountTextarea):
            return self.field.max_length
        return None

    @property
    def info_id(self):
        return f"{self.auto_id}-info"

    @property
    def character_limit_hint(self):
        """What everyone is told, JavaScript or not; with it, the count takes its place on screen."""
        return f"You can enter up to {self.character_limit:,} characters"

    @property
    def revealing_choices(self):
        """For radios or checkboxes, each option with the fields it reveals when chosen (the
        form's `reveals`): GOV.UK's conditional reveal, the fields shown under the option. Without
        JavaScript they are all shown, each under its option."""
        reveals = getattr(self.form, "reveals", {}).get(self.name, {})
        return [
            (option, [self.form[name] for name in reveals.get(str(option.data["value"]), []) if name in self.form.fields])
            for option in self.subwidgets
        ]

    @property
    def is_revealed_inside(self):
        """Whether this field is shown under an option of the form's radios or checkboxes, and so
        is not shown on its own."""
        for controller, by_value in getattr(self.form, "reveals", {}).items():
            field = self.form.fields.get(controller)
            if field is not None and _is_choice_list(field.widget) and any(self.name in names for names in by_value.values()):
                return True
        return False

    @property
    def label_classes(self):
        """A field shown under an option has a plain label, as GOV.UK's conditional reveal does;
        the others are headed as big as the form says."""
        if self.is_revealed_inside:
            return "govuk-label"
        return f"govuk-label govuk-label--{getattr(self.form, 'label_size', None) or 's'}"

    @property
    def uses_fieldset(self):
        return isinstance(self.field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect, GovukDateInput))

    @property
    def error_target(self):
        """The id the error summary links to: the field itself, or its first part."""
        widget = self.field.widget
        if isinstance(widget, GovukDateInput):
            return f"{self.auto_id}_{self.field.first_invalid_part or 'day'}"
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
            return f"{self.auto_id}_0"
        return self.auto_id

    @property
    def described_by(self):
        ids = []
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        if self.character_limit:
            ids.append(self.info_id)
        return " ".join(ids)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = dict(attrs)
        if self.described_by and not self.uses_fieldset:
            attrs["aria-describedby"] = self.described_by
        attrs = super().build_widget_attrs(attrs, widget)
        if "maxlength" in widget.attrs:
            # Django gives every CharField with a max_length one; False leaves it out.
            attrs["maxlength"] = False
        if isinstance(widget, GovukDateInput) and self.errors:
            attrs["error_parts"] = self.field.first_invalid_part or "day month year"
        css_class = _widget_class(widget)
        if css_class:
            # Keep width classes set on the widget (govuk-input--width-10) beside ours.
            classes = [css_class, attrs.get("class") or widget.attrs.get("class", "")]
            if self.errors and css_class != "govuk-checkboxes__input":
                classes.append(f"{css_class}--error")
            attrs["class"] = " ".join(c for c in classes if c)
        return attrs


def _is_choice_list(widget):
    return isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect))


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField


class Reveals:
    """Fields shown only under the option of a radio or checkbox field that asks for them.

    `reveals`: {radio or checkbox field: {option value: [the fields shown under that option]}}
    (see `GovukBoundField.revealing_choices`). A field whose option is not chosen was hidden
    from the person, so nothing in it counts: it is cleaned to empty, and whatever was wrong
    with it is no error they could see or need to put right."""

    reveals = {}

    def clean(self):
        data = super().clean()
        for controller, by_value in self.reveals.items():
            # As the person chose it (a field may clean "yes" to True): what decided what they saw.
            widget = self.fields[controller].widget
            chosen = widget.value_from_datadict(self.data, self.files, self.add_prefix(controller))
            chosen = {str(value) for value in chosen} if isinstance(chosen, (list, tuple)) else {str(chosen)}
            shown = {name for value, names in by_value.items() if str(value) in chosen for name in names}
            for name in {name for names in by_value.values() for name in names} - shown:
                self._errors.pop(name, None)
                data[name] = ""
        return data


class GovukForm(Reveals, forms.Form):
    use_required_attribute = False


class GovukModelForm(Reveals, forms.ModelForm):
    use_required_attribute = False


class CharacterCountTextarea(forms.Textarea):
    """A textarea with GOV.UK's character count, for a field with a max_length: the limit in
    a hint under the box, and with JavaScript (govuk-frontend's `govuk-character-count`, started
    by haveyoursay.js) a count of what is left, or how many too many, announced politely to
    screen readers. Text over the limit stays in the box for the server's error to explain."""

    def __init__(self, attrs=None):
        super().__init__({"class": "govuk-js-character-count", **(attrs or {})})


class CurrentFileInput(forms.FileInput):
    """A file input that names the file already stored, linked to the view that serves it.

    Django's own `ClearableFileInput` links to the file's `.url`, which this site never has:
    uploads are served only through views that check who may see them (`MEDIA_URL` is unset).
    The stored file's model instance gives the address, through `get_absolute_url()`.
    """

    template_name = "forms/widgets/current_file.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None) and getattr(value, "instance", None))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, None, attrs)
        if self.is_initial(value):
            instance = value.instance
            context["widget"]["current"] = {
                "name": getattr(instance, "download_name", None) or value.name.rsplit("/", 1)[-1],
                "url": instance.get_absolute_url() if hasattr(instance, "get_absolute_url") else "",
                "id": f"{context['widget']['attrs'].get('id', name)}-current",
                "details": ", ".join(
                    str(detail)
                    for detail in (getattr(instance, "file_format", ""), getattr(instance, "size_display", ""))
                    if detail
                ),
            }
        return context


class GovukDateInput(forms.Widget):
    """Day, month and year in three boxes, as the GOV.UK date input pattern asks."""

    template_name = "forms/widgets/date.html"
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def value_from_datadict(self, data, files, name):
        return {part: (data.get(f"{name}_{part}") or "").strip() for part, _, _ in self.parts}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{part}" in data for part, _, _ in self.parts)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return value or {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = self.format_value(value)
        error_parts = context["widget"]["attrs"].pop("error_parts", "")
        context["widget"]["parts"] = [
            {
                "name": f"{name}_{part}",
                "id": f"{context['widget']['attrs'].get('id', name)}_{part}",
                "label": label,
                "width": width,
                "value": values.get(part, ""),
                "error": part in error_parts,
            }
            for part, label, width in self.parts
        ]
        return context


# The example date under every date input, as GOV.UK writes it: a day above 12, so that no
# one reads it month first, and the month as a number.
DATE_EXAMPLE = "For example, 27 3 2007"


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK pattern's error messages and,
    unless given another hint, GOV.UK's example date as its hint (a model field's empty help
    text, as a model form passes it, counts as none given)."""

    widget = GovukDateInput

    def __init__(self, *, label, help_text=DATE_EXAMPLE, **kwargs):
        super().__init__(label=label, help_text=help_text or DATE_EXAMPLE, **kwargs)
        self.first_invalid_part = None

    def to_python(self, value):
        self.first_invalid_part = None
        if isinstance(value, datetime.date):
            return value
        value = value or {}
        given = {part: value.get(part, "") for part, _, _ in GovukDateInput.parts}
        name = self.label
        if not any(given.values()):
            return None
        missing = [part for part, text in given.items() if not text]
        if missing:
            self.first_invalid_part = missing[0]
            raise forms.ValidationError(f"{name} must include a {' and '.join(missing)}", code="incomplete")
        numbers = {}
        for part, text in given.items():
            # Digits only ("1_000" and "-1" are not a day), and few enough of them: a part of
            # thousands of digits, or one of digits int() can't read ("²"), is no date either.
            if not text.isdecimal() or len(text) > 8:
                self.first_invalid_part = part
                raise forms.ValidationError(f"{name} must be a real date", code="invalid")
            numbers[part] = int(text)
        day, month, year = numbers["day"], numbers["month"], numbers["year"]
        if year < 1000:
            self.first_invalid_part = "year"
            raise forms.ValidationError("Year must include 4 numbers", code="invalid")
        try:
            return datetime.date(year, month, day)
        except ValueError:
            self.first_invalid_part = "month" if not 1 <= month <= 12 else "day"
            raise forms.ValidationError(f"{name} must be a real date", code="invalid") from None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(f"Enter {self.label.lower()}", code="required")

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != initial
        except forms.ValidationError:
            return True
