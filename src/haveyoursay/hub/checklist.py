"""What a consultation's public page needs before it goes live, as the staff page shows it:
each item present or missing, with where to put it right. Publishing, now or at a time, is
refused while anything is missing."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import Truncator


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    done: bool
    detail: str
    fix_url: str
    fix_text: str

    @property
    def missing_phrase(self):
        """How the refusal names it: "who is consulting"."""
        return self.label[0].lower() + self.label[1:]


def _edit(consultation, field_id):
    return reverse("staff:consultation_edit", args=[consultation.pk]) + f"#{field_id}"


def _questionnaire_questions(consultation):
    from haveyoursay.surveys.models import Question, Questionnaire

    questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
    if questionnaire is None:
        return None, 0
    return questionnaire, Question.objects.filter(page__questionnaire=questionnaire).count()


def checklist(consultation):
    """The items in the order the staff page lists them."""
    partners = list(consultation.partners.all())
    documents = list(consultation.documents.all())
    questionnaire, questions = _questionnaire_questions(consultation)
    other_channels = [
        label
        for label, value in (
            ("online elsewhere", consultation.respond_online_url),
            ("email", consultation.respond_email),
            ("phone", consultation.respond_phone),
            ("post", consultation.respond_post),
            ("other ways", consultation.respond_other),
        )
        if value
    ] + (["events"] if consultation.events.exists() else [])
    unknown_formats = [d for d in documents if not d.file_format or not d.size_bytes]
    contact_ways = [value for value in (consultation.contact_email, consultation.contact_phone) if value]

    if questions:
        respond_detail = f"Online questionnaire with {questions} question{'s' if questions != 1 else ''}"
        if other_channels:
            respond_detail += "; also " + ", ".join(other_channels)
    elif other_channels:
        respond_detail = "By " + ", ".join(other_channels)
    elif questionnaire is not None:
        respond_detail = "The online questionnaire has no questions yet, and there is no other way to respond"
    else:
        respond_detail = "No questionnaire and no other way to respond"

    if consultation.opens_on and consultation.closes_on:
        from haveyoursay.hub.templatetags.hys import closing_text, uk_date

        opens = "Opened" if consultation.status in ("open", "closed") else "Opens"
        dates_detail = f"{opens} {uk_date(consultation.opens_on)}, {closing_text(consultation)}"
    else:
        dates_detail = "Opening and closing dates not set"

    return [
        Item(
            "summary", "Summary", bool(consultation.summary.strip()),
            Truncator(consultation.summary.strip()).words(20) or "No summary",
            _edit(consultation, "id_summary"), "Write the summary",
        ),
        Item(
            "dates", "Dates", bool(consultation.opens_on and consultation.closes_on), dates_detail,
            _edit(consultation, "id_opens_on_day"), "Set the dates",
        ),
        Item(
            "partners", "Who is consulting", bool(partners),
            ", ".join(p.name for p in partners) or "Not set",
            _edit(consultation, "id_partners_0"), "Choose who is consulting",
        ),
        Item(
            "contact", "Contact", bool(contact_ways),
            ", ".join(part for part in [consultation.contact_name, *contact_ways] if part) if contact_ways
            else "No contact email or phone",
            _edit(consultation, "id_contact_email"), "Add an email address or phone number people can contact",
        ),
        Item(
            "privacy", "Privacy notice", bool(consultation.privacy_notice.strip()),
            "Written" if consultation.privacy_notice.strip() else "No privacy notice",
            _edit(consultation, "id_privacy_notice"), "Write the privacy notice",
        ),
        Item(
            "respond", "A way to respond", bool(questions or other_channels), respond_detail,
            reverse("surveys_staff:questionnaire", args=[consultation.pk]) if questionnaire is not None
            else _edit(consultation, "id_respond_online_url"),
            "Add questions or another way to respond",
        ),
        Item(
            "documents", "Documents' formats", not unknown_formats,
            (f"{len(unknown_formats)} of {len(documents)} documents without a known format or size" if unknown_formats
             else f"All {len(documents)} known" if documents else "No documents"),
            reverse("staff:document_edit", args=[consultation.pk, unknown_formats[0].pk]) if unknown_formats
            else reverse("staff:document_new", args=[consultation.pk]),
            "Upload the file again",
        ),
    ]
