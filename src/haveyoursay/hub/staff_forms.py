"""Forms the consultation team fill in on the staff site."""

import datetime

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import slugify

from haveyoursay.govuk_forms import DATE_EXAMPLE, CurrentFileInput, GovukDateField, GovukForm, GovukModelForm
from haveyoursay.hub import files
from haveyoursay.hub.models import END_OF_DAY, Consultation, Document, Event, max_upload_bytes
from haveyoursay.hub.templatetags.hys import clock

MARKDOWN_HINT = (
    "Write paragraphs separated by a blank line. Start a line with - for a bullet point. "
    "Make a link with [link text](https://example.org)."
)


def parse_time(text, label):
    """A time typed as people write them: 10am, 2:30pm, 14:30, 1430."""
    cleaned = text.strip().lower().replace(" ", "").replace(".", ":")
    cleaned = {"midday": "12pm", "noon": "12pm", "midnight": "12am"}.get(cleaned, cleaned)
    for pattern in ("%I%p", "%I:%M%p", "%H:%M", "%H%M"):
        try:
            return datetime.datetime.strptime(cleaned, pattern).time()
        except ValueError:
            continue
    raise forms.ValidationError(f"{label} must be a time, like 10am or 2:30pm")


class ConsultationForm(GovukModelForm):
    opens_on = GovukDateField(
        label="Opening date", required=False, help_text=f"{DATE_EXAMPLE}. Leave empty while not confirmed."
    )
    closes_on = GovukDateField(label="Closing date", required=False)
    closes_at_time = forms.CharField(
        label="Closing time",
        required=False,
        max_length=10,
        help_text="Responses are taken until the end of this minute. For example, 11:59pm or 5pm. "
        "Leave empty for 11:59pm.",
    )
    closing_date_reason = forms.CharField(
        label="Why the closing date is changing",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you change the closing date. The public page's timeline shows the reason beside "
        "the new date, for example “To enable further direct engagement with County Council officers and members.”",
        error_messages={"max_length": "The reason must be 1,000 characters or fewer"},
    )
    respond_online_url = forms.URLField(
        label="Online questionnaire address",
        required=False,
        assume_scheme="https",
        help_text="Only if the questionnaire is run elsewhere.",
        error_messages={"invalid": "Enter a web address in the correct format, like https://example.org"},
    )

    class Meta:
        model = Consultation
        fields = [
            "title", "slug", "summary", "opens_on", "closes_on", "closes_at_time", "shorter_period_reason",
            "partners", "topics", "areas", "follows",
            "we_asked", "what_happens_next",
            "respond_online_url", "respond_email", "respond_phone", "respond_post", "respond_other",
            "contact_name", "contact_email", "contact_phone", "privacy_notice",
            "you_said", "we_did",
        ]
        widgets = {
            "partners": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "areas": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "we_asked": forms.Textarea(attrs={"rows": 12}),
            "what_happens_next": forms.Textarea(attrs={"rows": 5}),
            "you_said": forms.Textarea(attrs={"rows": 8}),
            "we_did": forms.Textarea(attrs={"rows": 8}),
            "respond_post": forms.Textarea(attrs={"rows": 4}),
            "respond_other": forms.Textarea(attrs={"rows": 3}),
            "privacy_notice": forms.Textarea(attrs={"rows": 8}),
            "shorter_period_reason": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "slug": "The end of the page's web address. Leave empty to make one from the title.",
            "we_asked": f"What you are consulting on and why. {MARKDOWN_HINT}",
            "what_happens_next": MARKDOWN_HINT,
            "you_said": "What people told you. Shown once you publish the outcome.",
            "we_did": "What the council did because of it. Shown once you publish the outcome.",
            "privacy_notice": "How the council uses the information people give: who holds it, why, for how long, "
            "and their rights. Start from the council's template and adapt it. The page adds the date personal "
            "details will be removed and what happens to email addresses given for outcome emails. " + MARKDOWN_HINT,
        }
        error_messages = {
            "title": {"required": "Enter a title", "max_length": "Title must be 200 characters or fewer"},
            "summary": {"required": "Enter a summary", "max_length": "Summary must be 600 characters or fewer"},
            "slug": {"invalid": "Web address must only include letters, numbers and hyphens"},
            "respond_email": {"invalid": "Enter an email address in the correct format, like name@example.org"},
            "contact_email": {"invalid": "Enter an email address in the correct format, like name@example.org"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        follows = self.fields["follows"]
        follows.queryset = Consultation.private_objects.exclude(pk=self.instance.pk).order_by("-closes_on", "title")
        follows.empty_label = "None"
        for name in ("title", "slug", "respond_online_url", "respond_email", "contact_email", "contact_name"):
            self.fields[name].widget.attrs.setdefault("spellcheck", "false" if name != "title" else "true")
        self.fields["closes_at_time"].widget.attrs["class"] = "govuk-input--width-5"
        # Once the public can see the dates, moving the closing date needs a reason they can read.
        self.previous_closes_on = self.instance.closes_on
        if not (self.instance.pk and self.instance.is_published and self.previous_closes_on):
            del self.fields["closing_date_reason"]
        self.initial["closes_at_time"] = clock(self.instance.closes_at_time or END_OF_DAY)
        if not self.instance.privacy_notice:
            self.initial["privacy_notice"] = settings.PRIVACY_NOTICE_TEMPLATE

    def clean_closes_at_time(self):
        text = self.cleaned_data.get("closes_at_time") or ""
        return parse_time(text, "Closing time") if text.strip() else END_OF_DAY

    def clean_slug(self):
        slug = self.cleaned_data.get("slug") or slugify(self.cleaned_data.get("title") or self.data.get("title", ""))[:100]
        if not slug:
            return slug
        taken = Consultation.private_objects.filter(slug=slug).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                f"Another consultation already uses the web address “{slug}”. Choose a different one."
            )
        return slug

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if closes_on and not opens_on and "opens_on" not in self.errors:
            self.add_error("opens_on", "Enter an opening date as well, or leave both dates empty until they are confirmed")
        if opens_on and not closes_on and "closes_on" not in self.errors:
            self.add_error("closes_on", "Enter a closing date")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "Closing date must be the same as or after the opening date")
        if self.closing_date_moved() and not data.get("closing_date_reason", "").strip():
            self.add_error(
                "closing_date_reason",
                "Say why the closing date is changing. The public page shows the reason beside the new date",
            )
        if not data.get("slug") and "slug" not in self.errors and data.get("title"):
            self.add_error("slug", "Enter a web address using letters, numbers and hyphens")
        return data


    def closing_date_moved(self):
        """Whether a published consultation's closing date is being moved (its reason is asked for)."""
        closes_on = self.cleaned_data.get("closes_on")
        return "closing_date_reason" in self.fields and closes_on is not None and closes_on != self.previous_closes_on


class DocumentForm(GovukModelForm):
    class Meta:
        model = Document
        fields = ["title", "kind", "language", "file"]
        widgets = {"kind": forms.RadioSelect, "file": CurrentFileInput}
        error_messages = {
            "title": {"required": "Enter the document's title"},
            "file": {"required": "Select a file", "invalid": "The selected file could not be read. Try again"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = f"A {files.ALLOWED_DESCRIPTION} file, smaller than {limit} MB."
        self.fields["file"].widget.attrs["accept"] = ",".join(files.ALLOWED_EXTENSIONS)
        if self.instance.pk:
            self.fields["file"].required = False
            self.fields["file"].help_text = "Leave empty to keep the current file. " + self.fields["file"].help_text

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # no new file: the one already stored stays
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
        try:
            files.check_contents(upload.name, upload)
        except files.FileRejected as rejected:
            raise forms.ValidationError(str(rejected)) from None
        return upload

    def clean(self):
        data = super().clean()
        if data.get("kind") == Document.Kind.TRANSLATION and not data.get("language"):
            self.add_error("language", "Enter the language the translation is in")
        return data


class EventForm(GovukModelForm):
    day = GovukDateField(label="Date")
    starts = forms.CharField(label="Start time", help_text="For example, 10am or 2:30pm.", max_length=10)
    ends = forms.CharField(label="End time (optional)", required=False, max_length=10)

    class Meta:
        model = Event
        fields = ["title", "place", "address", "details"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "details": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Enter a name for the event"}, "place": {"required": "Enter the venue"}}

    field_order = ["title", "day", "starts", "ends", "place", "address", "details"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts", "ends"):
            self.fields[name].widget.attrs["class"] = "govuk-input--width-5"
        self.fields["day"].required = True
        if self.instance.pk:
            starts = timezone.localtime(self.instance.starts_at)
            self.initial.update(day=starts.date(), starts=clock(starts))
            if self.instance.ends_at:
                self.initial["ends"] = clock(self.instance.ends_at)

    def clean_starts(self):
        return parse_time(self.cleaned_data["starts"], "Start time")

    def clean_ends(self):
        text = self.cleaned_data.get("ends")
        return parse_time(text, "End time") if text else None

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "End time must be after the start time")
        return data

    def save(self, commit=True):
        event = super().save(commit=False)
        zone = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        event.starts_at = datetime.datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone)
        ends = self.cleaned_data.get("ends")
        event.ends_at = datetime.datetime.combine(day, ends, tzinfo=zone) if ends else None
        if commit:
            event.save()
        return event


class ScheduleForm(GovukForm):
    """When the consultation goes live on the hub, without anyone pressing a button then."""

    day = GovukDateField(label="Date")
    time = forms.CharField(label="Time", max_length=10, help_text="For example, 9am or 2:30pm.")

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.fields["day"].required = True
        self.fields["time"].widget.attrs["class"] = "govuk-input--width-5"
        self.fields["time"].error_messages["required"] = "Enter a time"

    def clean_time(self):
        return parse_time(self.cleaned_data["time"], "Time")

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            at = datetime.datetime.combine(data["day"], data["time"], tzinfo=timezone.get_current_timezone())
            closes_at = self.consultation.closes_at
            if at <= timezone.now():
                self.add_error("day", "The date and time must be in the future. To publish now, use Publish now")
            elif closes_at is not None and at >= closes_at:
                local = timezone.localtime(self.consultation.closes_at_local)
                self.add_error(
                    "day",
                    f"The date and time must be before the consultation closes, at {clock(local)} on "
                    f"{local:%-d %B %Y}",
                )
            data["at"] = at
        return data
