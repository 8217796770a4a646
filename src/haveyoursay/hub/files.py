"""The kinds of file a consultation may publish, recognised by their contents.

A file is accepted only when its name and its first bytes agree on one of the allowed
formats, so a renamed executable or an HTML page called `report.pdf` is refused, and every
file is later served with the content type worked out here, never one the uploader chose.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class FileFormat:
    label: str  # shown to the public beside the document, e.g. "PDF"
    extensions: tuple
    content_type: str
    inline: bool  # safe to show in the browser rather than download


PDF = FileFormat("PDF", (".pdf",), "application/pdf", True)
DOCX = FileFormat(
    "DOCX", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False
)
XLSX = FileFormat("XLSX", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False)
ODT = FileFormat("ODT", (".odt",), "application/vnd.oasis.opendocument.text", False)
CSV = FileFormat("CSV", (".csv",), "text/csv; charset=utf-8", False)
PNG = FileFormat("PNG", (".png",), "image/png", True)
JPEG = FileFormat("JPEG", (".jpg", ".jpeg"), "image/jpeg", True)
GIF = FileFormat("GIF", (".gif",), "image/gif", True)
WEBP = FileFormat("WEBP", (".webp",), "image/webp", True)

FORMATS = (PDF, DOCX, ODT, XLSX, CSV, PNG, JPEG, GIF, WEBP)
ALLOWED_EXTENSIONS = tuple(ext for fmt in FORMATS for ext in fmt.extensions)
ALLOWED_DESCRIPTION = "PDF, DOCX, ODT, XLSX, CSV, PNG, JPEG, GIF or WEBP"


class FileRejected(ValueError):
    """The file is not one we publish; the message says why, for the person uploading it."""


def format_of(name):
    """The format a file name claims, by its extension."""
    suffix = PurePath(name).suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.extensions:
            return fmt
    raise FileRejected(f"The selected file must be a {ALLOWED_DESCRIPTION}.")


def check_contents(name, fileobj):
    """The file's format, once its contents are shown to match its name."""
    fmt = format_of(name)
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if not head:
        raise FileRejected("The selected file is empty.")
    if not _contents_match(fmt, head, fileobj):
        raise FileRejected(
            f"The selected file is called {fmt.label} but its contents are not a {fmt.label} file. "
            "Save it again as that format and upload it."
        )
    fileobj.seek(0)
    return fmt


def _contents_match(fmt, head, fileobj):
    if fmt is PDF:
        return head.startswith(b"%PDF-")
    if fmt is PNG:
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if fmt is JPEG:
        return head.startswith(b"\xff\xd8\xff")
    if fmt is GIF:
        return head[:6] in (b"GIF87a", b"GIF89a")
    if fmt is WEBP:
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if fmt is CSV:
        return _is_text(head)
    if fmt in (DOCX, XLSX, ODT):
        return _office_document_matches(fmt, fileobj)
    return False


def _is_text(head):
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:
            return True  # the 8 KB read cut the last character in two
    try:
        head.decode("cp1252")  # spreadsheets saved on Windows
        return True
    except UnicodeDecodeError:
        return False


def _office_document_matches(fmt, fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if fmt is ODT:
                return "mimetype" in names and archive.read("mimetype").strip() == ODT.content_type.encode()
            if "[Content_Types].xml" not in names:
                return False
            return any(n.startswith("word/" if fmt is DOCX else "xl/") for n in names)
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False
    finally:
        fileobj.seek(0)


def safe_filename(name):
    """A file name safe to store and to put in a download header: ASCII letters, digits,
    hyphens and one extension."""
    path = PurePath(name)
    stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()[:80] or "document"
    return f"{stem}{path.suffix.lower()}"


def human_size(size):
    """Sizes as councils write them on the page: "422 KB", "11.3 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024):,} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB"
