"""Reading the text inside a consultation's PDF and Word documents, so the hub's search
finds a consultation by the words in its documents (docs/decisions/0026-searching-the-text-of-documents.md).

The text is read in the background once a document's file is stored, never in the request
that uploads it: a 50 MB PDF takes a while, and a damaged or password-protected file must not
stop the upload. What is read is kept on the document, at most TEXT_LIMIT characters, with a
note for staff when nothing could be read and why.

    read_text_impl(document_id)        # from the task, `haveyoursay read_document_texts` or a test
"""

import logging
import re
import shutil
import tempfile
import zipfile

from django.db import transaction
from django_tasks import task

from haveyoursay.hub import files
from haveyoursay.stored_files import open_stored

logger = logging.getLogger(__name__)

# Enough for a long strategy (about 30,000 words), and well inside what PostgreSQL's search
# document can hold for a consultation with several documents.
TEXT_LIMIT = 200_000
# A Word file is a zip: its text is parsed only if it unpacks to no more than this, so a
# small file that unpacks to gigabytes is not read into memory.
DOCX_UNPACKED_LIMIT = 200 * 1024 * 1024
# Files larger than this are copied to a temporary file on disk rather than kept in memory.
IN_MEMORY_BYTES = 10 * 1024 * 1024
READABLE_FORMATS = (files.PDF.label, files.DOCX.label)

PASSWORD_PROTECTED = (
    "This file is protected with a password, so its text could not be read and the search will not find "
    "it by the words in it. Upload a copy saved without a password."
)
DAMAGED = (
    "This file could not be read: it may be damaged. The search will not find it by the words in it. "
    "Open it on your computer to check it, save it again and upload the new copy."
)
MISSING = "The stored file could not be found, so its text could not be read. Upload the file again."
NO_TEXT = (
    "No text was found in this file: it may be scanned images of pages. The search will not find it by the "
    "words in it. Publish a version with real text if you can: screen readers need one too."
)


class Unreadable(Exception):
    """The file's text cannot be read; the message says why, for staff."""


def read_pdf(stream, limit=TEXT_LIMIT):
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" only to forbid printing or copying, with no password to open them.
            try:
                opened = reader.decrypt("")
            except (FileNotDecryptedError, NotImplementedError) as error:
                raise Unreadable(PASSWORD_PROTECTED) from error
            if not opened:
                raise Unreadable(PASSWORD_PROTECTED)
        parts, length = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            length += len(text) + 1
            if length >= limit:
                break
    except Unreadable:
        raise
    except FileNotDecryptedError as error:
        raise Unreadable(PASSWORD_PROTECTED) from error
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            zipfile.BadZipFile, OSError) as error:  # fmt: skip
        # pypdf raises more than its own errors on a broken file.
        raise Unreadable(DAMAGED) from error
    return "\n".join(parts)


def read_docx(stream, limit=TEXT_LIMIT):
    import docx
    from lxml.etree import LxmlError

    try:
        with zipfile.ZipFile(stream) as archive:
            if sum(info.file_size for info in archive.infolist()) > DOCX_UNPACKED_LIMIT:
                raise Unreadable(DAMAGED)
            if archive.getinfo("word/document.xml").flag_bits & 0x1:
                raise Unreadable(PASSWORD_PROTECTED)
        stream.seek(0)
        document = docx.Document(stream)
    except Unreadable:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, LxmlError, OSError) as error:
        raise Unreadable(DAMAGED) from error
    parts, length = [], 0
    for block in _docx_blocks(document):
        parts.append(block)
        length += len(block) + 1
        if length >= limit:
            break
    return "\n".join(parts)


def _docx_blocks(document):
    """The text of a Word document's paragraphs and its tables' cells, in order."""
    for paragraph in document.paragraphs:
        if paragraph.text:
            yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells if cell.text]
            if cells:
                yield " | ".join(cells)


READERS = {files.PDF.label: read_pdf, files.DOCX.label: read_docx}
SPACES = re.compile(r"[^\S\n]+")
BLANK_LINES = re.compile(r"\n\s*\n+")


def tidy(text, limit=TEXT_LIMIT):
    """`text` with runs of spaces and blank lines made one, and at most `limit` characters,
    ending at a word."""
    text = BLANK_LINES.sub("\n", SPACES.sub(" ", text.replace("\x00", ""))).strip()
    if len(text) > limit:
        text = text[:limit].rsplit(None, 1)[0]
    return text


def read_stored_text(storage, name, file_format):
    """The text of a stored file; Unreadable with a message for staff if it has none to read."""
    try:
        source = open_stored(storage, name)
    except FileNotFoundError as error:
        raise Unreadable(MISSING) from error
    # pypdf and python-docx need to move about in the file; an object store's stream can't.
    with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES) as copy:
        try:
            shutil.copyfileobj(source, copy)
        finally:
            source.close()
        copy.seek(0)
        text = tidy(READERS[file_format](copy))
    if not text:
        raise Unreadable(NO_TEXT)
    return text


def read_text_impl(document_id):
    """Read and keep the text of document `document_id`, and bring its consultation's search
    document up to date. Reading a document again gives the same result."""
    from haveyoursay.hub.models import Document, Revision

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None  # deleted since: nothing to read
    if document.file_format not in READABLE_FORMATS:
        state, text, note = Document.TextState.NOT_READ, "", ""
    else:
        try:
            text = read_stored_text(document.file.storage, document.file.name, document.file_format)
            state, note = Document.TextState.READ, ""
        except Unreadable as reason:
            state, text, note = Document.TextState.UNREADABLE, "", str(reason)
            logger.info("Document %s: its text could not be read (%s).", document_id, type(reason.__cause__).__name__)
        except Exception as error:
            # A file that breaks a reader in a way nobody foresaw is still only a file we can't read.
            state, text, note = Document.TextState.UNREADABLE, "", DAMAGED
            logger.warning("Document %s: reading its text failed with %s.", document_id, type(error).__name__)
    with transaction.atomic():
        # Only if the same file is still there: a new one is read by its own task.
        changed = Document.objects.filter(pk=document_id, file=document.file.name).update(
            text=text, text_state=state, text_note=note
        )
        if changed:  # the update brought the consultation's search document up to date
            Revision.bump()
    return state if changed else None


@task()
def read_text(document_id):
    return read_text_impl(document_id)
