import io
import zipfile

import pytest

from haveyoursay.hub import files


def office_file(kind):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


GOOD = {
    "strategy.pdf": b"%PDF-1.7\n...",
    "plan.docx": office_file("docx"),
    "action-plan.xlsx": office_file("xlsx"),
    "summary.odt": office_file("odt"),
    "responses.csv": "Area,Responses\nCharnwood,41\nMelton,12\n".encode(),
    "windows.csv": "Name,Comment\nJos\xe9,caf\xe9\n".encode("cp1252"),
    "map.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
    "photo.JPG": b"\xff\xd8\xff\xe0" + b"\x00" * 20,
    "logo.gif": b"GIF89a" + b"\x00" * 20,
    "banner.webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
}


@pytest.mark.parametrize("name", GOOD)
def test_allowed_files_are_recognised_by_name_and_contents(name):
    fmt = files.check_contents(name, io.BytesIO(GOOD[name]))
    assert name.lower().endswith(fmt.extensions)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("setup.exe", b"MZ\x90\x00", "must be a PDF, DOCX, ODT, XLSX, CSV, PNG, JPEG, GIF or WEBP"),
        ("page.html", b"<html><script>", "must be a PDF"),
        ("report.pdf", b"<html><script>alert(1)</script>", "its contents are not a PDF file"),
        ("report.docx", office_file("xlsx"), "its contents are not a DOCX file"),
        ("report.docx", b"PK\x03\x04 not really a zip", "its contents are not a DOCX file"),
        ("data.csv", b"\x00\x01\x02binary", "its contents are not a CSV file"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("no-extension", b"%PDF-1.4", "must be a PDF"),
    ],
)
def test_other_files_are_refused_with_a_reason(name, content, message):
    with pytest.raises(files.FileRejected, match=message):
        files.check_contents(name, io.BytesIO(content))


@pytest.mark.parametrize(
    "name, expected",
    [
        ("LLR Carers Strategy.pdf", "llr-carers-strategy.pdf"),
        ("../../etc/passwd.PDF", "passwd.pdf"),
        ("Stratégie été 2022.docx", "strategie-ete-2022.docx"),
        ("   .pdf", "document.pdf"),
    ],
)
def test_stored_names_are_safe(name, expected):
    assert files.safe_filename(name) == expected


@pytest.mark.parametrize(
    "size, expected", [(900, "900 bytes"), (432_128, "422 KB"), (11_796_480, "11.2 MB"), (1024 * 1024, "1.0 MB")]
)
def test_sizes_read_as_on_the_council_page(size, expected):
    assert files.human_size(size) == expected
