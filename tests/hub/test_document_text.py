"""Reading the text inside uploaded PDF and Word documents so the hub's search finds it, on
whichever database the suite runs on. The files are made here, by the libraries the site
itself uses to write reports (WeasyPrint, python-docx) and pypdf."""

import io

import docx
import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pypdf import PdfReader, PdfWriter

from haveyoursay.hub.document_text import DAMAGED, NO_TEXT, PASSWORD_PROTECTED, TEXT_LIMIT, read_text_impl
from haveyoursay.hub.models import Document
from tests.factories import make_consultation, make_document
from tests.hub.test_views import titles_on

pytestmark = pytest.mark.django_db

# From the Resources and Waste Strategy's consultation document (seeds/).
WASTE_TEXT = (
    "Pledge 6: We will work towards a minimum of 70% of household waste being reused, recycled or composted "
    "by 2035. Anaerobic digestion of separately collected food waste will be considered."
)


def pdf_of(*paragraphs):
    html = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return weasyprint.HTML(string=f"<html><body>{html}</body></html>").write_pdf()


def password_protected(pdf):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password="council", owner_password="council-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_of(*paragraphs, table=()):
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, value in zip(row.cells, cells):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def waste(db):
    return make_consultation(
        status="closed",
        title="Leicestershire's Resources and Waste Strategy",
        summary="How we will reduce waste and increase recycling over the next 25 years.",
    )


@pytest.fixture
def upload(media_root, django_capture_on_commit_callbacks):
    """Store a document as the staff pages do, and run what is queued once it commits."""

    def upload(consultation, content, name, title="Consultation document", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            document = make_document(consultation, title=title, name=name, content=content, **fields)
        document.refresh_from_db()
        return document

    return upload


class TestReadingText:
    def test_it_finds_a_consultation_by_words_inside_its_pdf(self, client, waste, upload):
        document = upload(waste, pdf_of(WASTE_TEXT), "strategy.pdf")
        assert document.text_state == Document.TextState.READ
        assert "Anaerobic digestion" in Document.objects.get(pk=document.pk).text
        assert titles_on(client.get("/?q=anaerobic")) == ["Leicestershire's Resources and Waste Strategy"]
        assert titles_on(client.get('/?q="separately+collected"')) == ["Leicestershire's Resources and Waste Strategy"]
        assert titles_on(client.get("/?q=anaerobic+-composted")) == []

    def test_it_finds_words_in_a_word_documents_paragraphs_and_tables(self, client, waste, upload):
        upload(waste, docx_of(WASTE_TEXT, table=[("Site", "Tonnes"), ("Whetstone transfer station", "41,000")]),
               "strategy.docx")  # fmt: skip
        assert titles_on(client.get("/?q=anaerobic")) == ["Leicestershire's Resources and Waste Strategy"]
        assert titles_on(client.get("/?q=whetstone")) == ["Leicestershire's Resources and Waste Strategy"]

    def test_each_result_names_the_document_whose_text_matched(self, client, waste, upload):
        matched = upload(waste, pdf_of(WASTE_TEXT), "strategy.pdf", title="Consultation document")
        upload(waste, pdf_of("Responses to the consultation on the draft strategy."), "other.pdf", title="Summary")
        page = client.get("/?q=anaerobic").content.decode()
        assert "Matching document:" in page
        assert f'href="{matched.get_absolute_url()}">Consultation document<' in page
        assert ">Summary<" not in page

    def test_a_match_in_a_documents_title_comes_before_one_only_in_a_documents_text(self, client, waste, upload):
        cycling = make_consultation(title="Local Cycling and Walking Infrastructure Plans engagement")
        upload(cycling, pdf_of("Routes past the household waste recycling centre at Whetstone."), "routes.pdf")
        upload(waste, pdf_of("Contents"), "appendix.pdf", title="Whetstone site appendix")
        assert titles_on(client.get("/?q=whetstone")) == [
            "Leicestershire's Resources and Waste Strategy",
            "Local Cycling and Walking Infrastructure Plans engagement",
        ]

    def test_it_keeps_no_more_than_the_limit_ending_at_a_word(self, waste, upload):
        long_text = " ".join(f"pledge{number}" for number in range(40_000))
        document = upload(waste, docx_of(long_text), "long.docx")
        text = Document.objects.get(pk=document.pk).text
        assert 0 < len(text) <= TEXT_LIMIT
        assert text.split()[-1].startswith("pledge") and long_text.startswith(text)

    def test_reading_a_new_file_replaces_the_old_files_words(
        self, client, waste, upload, django_capture_on_commit_callbacks
    ):
        document = upload(waste, pdf_of(WASTE_TEXT), "strategy.pdf")
        document = Document.objects.get(pk=document.pk)
        with django_capture_on_commit_callbacks(execute=True):
            document.file = SimpleUploadedFile("revised.docx", docx_of("Garden waste collections every fortnight."))
            document.save()
        assert titles_on(client.get("/?q=anaerobic")) == []
        assert titles_on(client.get("/?q=fortnight")) == ["Leicestershire's Resources and Waste Strategy"]

    def test_other_formats_are_not_read(self, waste, upload):
        document = upload(waste, b"Site,Tonnes\nWhetstone,41000\n", "tonnages.csv")
        assert document.text_state == Document.TextState.NOT_READ and document.text_note == ""


class TestUnreadableFiles:
    def test_a_password_protected_pdf_is_stored_with_a_note_for_staff(self, client, waste, upload, officer_client):
        document = upload(waste, password_protected(pdf_of(WASTE_TEXT)), "protected.pdf")
        assert document.text_state == Document.TextState.UNREADABLE
        assert document.text_note == PASSWORD_PROTECTED
        assert titles_on(client.get("/?q=anaerobic")) == []
        page = officer_client.get(f"/staff/consultations/{waste.pk}/documents/{document.pk}/")
        assert page.status_code == 200
        assert "protected with a password" in page.content.decode()
        assert "Text could not be read" in officer_client.get(f"/staff/consultations/{waste.pk}/").content.decode()

    def test_a_damaged_pdf_or_word_file_is_stored_with_a_note_for_staff(self, waste, upload, officer_client):
        truncated = pdf_of(WASTE_TEXT)[:400]
        pdf = upload(waste, truncated, "damaged.pdf")
        word = upload(waste, b"PK\x03\x04 not really a zip", "damaged.docx")
        for document in (pdf, word):
            assert document.text_state == Document.TextState.UNREADABLE, document.title
            assert document.text_note == DAMAGED
            page = officer_client.get(f"/staff/consultations/{waste.pk}/documents/{document.pk}/")
            assert page.status_code == 200 and "may be damaged" in page.content.decode()

    def test_a_pdf_of_scanned_pages_says_it_has_no_text(self, waste, upload):
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        out = io.BytesIO()
        writer.write(out)
        document = upload(waste, out.getvalue(), "scanned.pdf")
        assert document.text_state == Document.TextState.UNREADABLE and document.text_note == NO_TEXT

    def test_uploading_through_the_staff_page_stores_an_unreadable_file_and_reads_it_later(
        self, waste, media_root, officer_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = officer_client.post(
                f"/staff/consultations/{waste.pk}/documents/new/",
                {"title": "Protected strategy", "kind": "main",
                 "file": SimpleUploadedFile("protected.pdf", password_protected(pdf_of(WASTE_TEXT)))},
            )  # fmt: skip
        assert response.status_code == 302
        document = waste.documents.get()
        assert document.text_state == Document.TextState.UNREADABLE


class TestReadingExistingDocuments:
    def test_the_command_reads_those_waiting_and_running_it_again_changes_nothing(
        self, client, waste, media_root, django_capture_on_commit_callbacks
    ):
        # Stored before the site read documents' text: nothing queued their reading.
        document = make_document(waste, name="strategy.pdf", content=pdf_of(WASTE_TEXT))
        assert Document.objects.get(pk=document.pk).text_state == Document.TextState.WAITING
        assert titles_on(client.get("/?q=anaerobic")) == []
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("read_document_texts", stdout=out)
        assert "Documents read: 1; could not be read: 0" in out.getvalue()
        assert titles_on(client.get("/?q=anaerobic")) == ["Leicestershire's Resources and Waste Strategy"]
        out = io.StringIO()
        call_command("read_document_texts", stdout=out)
        assert "Documents read: 0; could not be read: 0" in out.getvalue()
        assert titles_on(client.get("/?q=anaerobic")) == ["Leicestershire's Resources and Waste Strategy"]

    def test_reading_a_document_deleted_since_does_nothing(self, waste, media_root):
        document = make_document(waste, name="strategy.pdf", content=pdf_of(WASTE_TEXT))
        document_id = document.pk
        document.delete()
        assert read_text_impl(document_id) is None
