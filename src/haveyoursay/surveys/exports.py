"""Raw responses as rows, and those rows as a CSV file a spreadsheet opens safely.

`ResponseExporter` yields one row per sent response: the same columns for every
response, whatever routing did, because each question contributes its type's
`export_columns` whether or not this respondent was shown it. Rendering is separate
(`csv_chunks`), so another format can take the same rows.

The staff download holds every sent response, with its status: those marked as a duplicate
or withdrawn, or from an undone import, are kept and named as such (`status`,
`duplicate_of`), so the file can be checked against the council's own records and nothing
is dropped without trace; filter on `status` = "counted" for the responses in the results.
An exporter made `counted_only=True` (the open data's) reads only the counted responses.

Personal data (the respondent's name and email address) is left out unless the exporter is
made `with_contact_details=True`; the views give that variant its own address and audit.
"""

import csv
import re

from django.utils import timezone

from haveyoursay.surveys.models import Response

BATCH_SIZE = 500

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class ResponseExporter:
    """Rows of one questionnaire's sent responses, oldest first."""

    columns_before_answers = [
        ("reference", "Reference"),
        ("channel", "How it arrived"),
        ("submitted_at", "Submitted (Europe/London)"),
        ("received_on", "Date received"),
        ("respondent_kind", "Responding as"),
        ("organisation_name", "Organisation"),
        ("organisation_role", "Role in the organisation"),
        ("stakeholder", "Stakeholder"),
        ("publication", "May we publish it"),
        ("synthetic", "Made up for the demo"),
    ]
    status_columns = [
        ("status", "Counted in the results, or why not: duplicate, withdrawn, erased, import_undone"),
        ("duplicate_of", "The reference of the response it duplicates"),
    ]
    contact_columns = [
        ("respondent_name", "Name"),
        ("email", "Email address"),
        ("contact_about_outcome", "Wants to hear about the outcome"),
    ]

    def __init__(self, questionnaire, *, with_contact_details=False, until=None, counted_only=False):
        self.questionnaire = questionnaire
        self.with_contact_details = with_contact_details
        self.counted_only = counted_only
        # Count and rows read the same responses, even if another arrives mid-download.
        self.until = until or timezone.now()
        self.questions = list(questionnaire.ordered_questions().prefetch_related("options"))

    def responses(self):
        responses = Response.objects.counted() if self.counted_only else Response.objects.submitted()
        return responses.filter(questionnaire=self.questionnaire, submitted_at__lte=self.until).order_by(
            "submitted_at", "pk"
        )

    def count(self):
        return self.responses().count()

    def columns(self):
        """[(name, heading)] in the order of every row."""
        columns = list(self.columns_before_answers)
        if not self.counted_only:
            columns += self.status_columns
        if self.with_contact_details:
            columns += self.contact_columns
        for question in self.questions:
            columns += question.type.export_columns(question)
        return columns

    def header(self):
        return [name for name, _ in self.columns()]

    def rows(self):
        """The header, then one list of strings per response."""
        yield self.header()
        responses = self.responses().select_related("stakeholder", "import_batch", "duplicate_of")
        responses = responses.prefetch_related("answers")
        for response in responses.iterator(chunk_size=BATCH_SIZE):
            yield self.row(response)

    def row(self, response):
        submitted_at = timezone.localtime(response.submitted_at) if response.submitted_at else None
        cells = [
            response.reference,
            response.channel,
            submitted_at.isoformat(timespec="seconds") if submitted_at else "",
            response.received_on.isoformat() if response.received_on else "",
            response.respondent_kind,
            response.organisation_name,
            response.organisation_role,
            response.stakeholder.name if response.stakeholder else "",
            response.publication,
            "yes" if response.synthetic else "no",
        ]
        if not self.counted_only:
            status = response.status()
            cells += [
                status.lower().replace(" ", "_") if status else "counted",
                response.duplicate_of.reference if response.duplicate_of else "",
            ]
        if self.with_contact_details:
            cells += [response.respondent_name, response.email, "yes" if response.contact_about_outcome else "no"]
        answers = {answer.question_id: answer.value for answer in response.answers.all()}
        for question in self.questions:
            cells += question.type.export_values(question, answers.get(question.pk))
        return cells


def safe_cell(value):
    """The cell as text a spreadsheet shows and never runs: a formula-like start gets a
    leading apostrophe. A plain number such as -3 is data, not a formula, and stays as it is."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class _Line:
    """A file-like object whose write() hands back what it was given: one CSV line at a time."""

    def write(self, text):
        return text


def csv_chunks(rows):
    """UTF-8 CSV with a byte-order mark (so Excel reads the accents right), a line at a time."""
    writer = csv.writer(_Line())
    yield "\ufeff".encode()
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row]).encode()
