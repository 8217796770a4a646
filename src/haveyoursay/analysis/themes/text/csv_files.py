"""Reading and writing the CSV files people hand to the file commands (`haveyoursay redact`,
`haveyoursay code-answers`), as spreadsheets and other survey tools save them.

- Encoding: UTF-8 with or without a byte order mark, UTF-16 with one (Excel's "Unicode
  text"), or, when the file is not valid UTF-8, Windows-1252 (older Excel "CSV" exports).
  A workbook, PDF or SPSS file saved under a .csv name is named for what it is.
- Separator: comma, semicolon, tab or bar, whichever makes the column asked for one of the
  header's columns.
- A file is written beside its destination and moved into place only once it is whole, so a
  failed run leaves no half-written file and an earlier one as it was.

Everything wrong with a file raises `BadInput`, whose message says what is wrong and what to
do; the commands print it as one line. Runs without Django or a database.
"""

import codecs
import csv
import io
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20
LONGEST_CELL = (1 << 31) - 1  # the csv module's default, 131,072 characters, is shorter than some answers
SEPARATORS = (",", ";", "\t", "|")
# What other formats start with, so that a workbook saved with a .csv name gets a clear answer.
NOT_CSV_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip file",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
    b"%PDF": "a PDF",
    b"$FL2": "an SPSS data file (.sav)",
    b"$FL3": "an SPSS data file (.sav)",
}
SAVE_AS_CSV = 'open it in Excel and save it as "CSV UTF-8 (Comma delimited)", then try again'


class BadInput(Exception):
    """Something wrong with what the person gave; the message says what and what to do."""


def allow_long_cells():
    csv.field_size_limit(LONGEST_CELL)


def check_input(path):
    if not path.exists():
        raise BadInput(f"cannot find {path}; check the file name and folder")
    if not path.is_file():
        raise BadInput(f"{path} is a folder, not a CSV file; give the path of the file itself")


def check_output(target, example_name):
    """BadInput unless `target` is a file name in a folder that exists."""
    if target.is_dir():
        raise BadInput(f"{target} is a folder; give --out a file name, such as {target / example_name}")
    if not target.parent.is_dir():
        raise BadInput(f"cannot write {target}: there is no folder {target.parent}; create it or choose another --out")


def same_file(target, source):
    return target.exists() and source.exists() and target.resolve() == source.resolve()


def detect_encoding(path):
    """The encoding to read the file in; BadInput if it is not text a CSV could be in."""
    try:
        with open(path, "rb") as file:
            start = file.read(4096)
    except OSError as error:
        raise BadInput(f"cannot read {path} ({error.strerror}); check that you may open it") from None
    if not start:
        raise BadInput(f"{path} is empty; it needs a header row naming the columns")
    for signature, what in NOT_CSV_SIGNATURES.items():
        if start.startswith(signature):
            raise BadInput(f"{path} is not a CSV file, it looks like {what}; {SAVE_AS_CSV}")
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return checked_encoding(path, "utf-16", "UTF-16")
    if b"\x00" in start:
        raise BadInput(f"{path} is not a CSV file (it holds binary data); {SAVE_AS_CSV}")
    if start.startswith(codecs.BOM_UTF8):
        return checked_encoding(path, "utf-8-sig", "UTF-8")
    try:
        return checked_encoding(path, "utf-8", "UTF-8")
    except BadInput:
        return checked_encoding(path, "cp1252", "UTF-8 or Windows-1252")


def checked_encoding(path, encoding, name):
    """`encoding` if the whole file decodes in it, read in chunks so any size fits in memory."""
    decoder = codecs.getincrementaldecoder(encoding)()
    position = 0
    try:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK):
                decoder.decode(chunk)
                position += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        at = position + error.start
        byte = error.object[error.start]
        raise BadInput(
            f"{path} is not {name} text (byte 0x{byte:02x} at position {at:,} cannot be read); {SAVE_AS_CSV}"
        ) from None
    return encoding


def find_header(text, column, path):
    """(separator, header cells): the separator that makes `column` one of the headings at the start of `text`."""
    headers = {}
    for separator in SEPARATORS:
        try:
            header = next(csv.reader(io.StringIO(text), delimiter=separator), [])
        except csv.Error:
            continue
        if column in header:
            return separator, header
        headers[separator] = header
    header = max(headers.values(), key=len, default=[])
    near = [name for name in header if name.strip().casefold() == column.strip().casefold()]
    if near:
        raise BadInput(
            f"{path} has no column {column!r}, but it has {near[0]!r}; "
            "give --text-column exactly as the header spells it"
        )
    shown = ", ".join(repr(name) for name in header[:20]) + (", …" if len(header) > 20 else "")
    raise BadInput(f"{path} has no column {column!r}; its header row has: {shown or 'nothing'}")


def line_ending(text):
    """The first line's ending, \\r\\n or \\n, for writing a file as the one read was written."""
    return "\r\n" if text.split("\n", 1)[0].endswith("\r") else "\n"


@contextmanager
def replacing(target, encoding):
    """An open text file that takes `target`'s place once the block ends without an error.

    Until then the writing goes to a hidden file beside it, removed if anything goes wrong.
    """
    try:
        partial = tempfile.NamedTemporaryFile(
            "w",
            encoding=encoding,
            newline="",
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".partial",
            delete=False,
        )
    except OSError as error:
        raise BadInput(f"cannot write in {target.parent} ({error.strerror}); choose another --out") from None
    try:
        with partial:
            yield partial
        os.replace(partial.name, target)
    except OSError as error:
        raise BadInput(
            f"cannot write {target} ({error.strerror}); check there is room and that you may write there"
        ) from None
    finally:
        Path(partial.name).unlink(missing_ok=True)
