"""`haveyoursay redact --in IN.csv --text-column COL --out OUT.csv`

Writes OUT.csv with IN.csv's rows and columns in the same order, every cell of column COL
redacted (haveyoursay.analysis.text.redact) and every other cell as it was. Runs without
Django or a database, and streams, so a file of any size goes through in a fixed amount of
memory.

- Encoding: UTF-8 with or without a byte order mark, UTF-16 with one (Excel's "Unicode
  text"), or, when the file is not valid UTF-8, Windows-1252 (older Excel "CSV" exports).
  OUT.csv is written in the encoding IN.csv was read in, byte order mark included.
- Separator: comma, semicolon, tab or bar, whichever makes COL one of the header's columns.
- Quoting: cells are quoted where they need it (a separator, a quote or a line break
  inside); if every header cell of IN.csv was quoted, every cell of OUT.csv is. Line endings
  (\\r\\n or \\n) follow IN.csv's first line.
- Bad input (no such file, not a CSV, an encoding it cannot read, no column COL, a broken
  row) prints one line saying what is wrong and what to do, and exits with status 2;
  OUT.csv is then left as it was.
"""

import argparse
import codecs
import csv
import io
import os
import sys
import tempfile
from pathlib import Path

from haveyoursay.analysis.text.redact import MARKERS, redact

PROG = "haveyoursay redact"
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


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(f"{message} (usage: {PROG} --in IN.csv --text-column COL --out OUT.csv)")


def main(argv=None):
    parser = _Parser(
        prog=PROG,
        description="Remove personal details (names, e-mail and street addresses, phone, NHS and "
        "National Insurance numbers, postcodes, web addresses) from one column of a CSV file.",
    )
    parser.add_argument("--in", dest="input", required=True, metavar="IN.csv", help="the CSV file to read")
    parser.add_argument("--text-column", required=True, metavar="COL", help="the heading of the column to redact")
    parser.add_argument("--out", dest="output", required=True, metavar="OUT.csv", help="the CSV file to write")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        rows, counts = redact_csv(args.input, args.text_column, args.output)
    except BadInput as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help
        return leaving.code or 0
    print(describe(rows, counts, args.text_column, args.output))
    return 0


def describe(rows, counts, column, output):
    total = sum(counts.values())
    kinds = ", ".join(f"{counts[kind]:,} {MARKERS[kind]}" for kind in MARKERS if counts.get(kind))
    details = f": {kinds}" if kinds else ""
    return f"Redacted {total:,} personal details in {rows:,} rows of column {column!r}{details}. Written to {output}"


def redact_csv(input_path, column, output_path):
    """Redact `column` of the CSV at input_path into output_path: (rows, {kind: count})."""
    source, target = Path(input_path), Path(output_path)
    _check_paths(source, target)
    csv.field_size_limit(LONGEST_CELL)
    encoding = detect_encoding(source)
    with open(source, encoding=encoding, newline="") as file:
        sample = file.read(CHUNK)
    separator, header = _find_header(sample, column, source)
    columns = [index for index, name in enumerate(header) if name == column]
    quoting = csv.QUOTE_ALL if _all_quoted(sample, separator, len(header)) else csv.QUOTE_MINIMAL
    line_ending = "\r\n" if "\r\n" in sample.split("\n", 1)[0] + "\n" else "\n"

    counts, rows = {}, 0
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
        with partial, open(source, encoding=encoding, newline="") as file:
            # Strict, so that a quote never closed is an error, not the rest of the file in one cell.
            reader = csv.reader(file, delimiter=separator, strict=True)
            writer = csv.writer(partial, delimiter=separator, quoting=quoting, lineterminator=line_ending)
            try:
                writer.writerow(next(reader))
                for row in reader:
                    rows += 1
                    for index in columns:
                        if index < len(row):
                            redacted = redact(row[index])
                            row[index] = redacted.text
                            for kind, count in redacted.counts().items():
                                counts[kind] = counts.get(kind, 0) + count
                    writer.writerow(row)
            except csv.Error as error:
                raise BadInput(
                    f"{source} could not be read as CSV at line {reader.line_num:,} ({error}); "
                    "check the quotes in that row and the rows above it"
                ) from None
        os.replace(partial.name, target)
    except OSError as error:
        raise BadInput(
            f"cannot write {target} ({error.strerror}); check there is room and that you may write there"
        ) from None
    finally:
        Path(partial.name).unlink(missing_ok=True)
    return rows, counts


def _check_paths(source, target):
    if not source.exists():
        raise BadInput(f"cannot find {source}; check the file name and folder")
    if not source.is_file():
        raise BadInput(f"{source} is a folder, not a CSV file; give the path of the file itself")
    if not target.parent.is_dir():
        raise BadInput(f"cannot write {target}: there is no folder {target.parent}; create it or choose another --out")
    if target.exists() and target.resolve() == source.resolve():
        raise BadInput("--out is the same file as --in; choose another name for the redacted copy")
    if target.is_dir():
        raise BadInput(f"{target} is a folder; give --out a file name, such as {target / 'redacted.csv'}")


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
        return _checked(path, "utf-16", "UTF-16")
    if b"\x00" in start:
        raise BadInput(f"{path} is not a CSV file (it holds binary data); {SAVE_AS_CSV}")
    if start.startswith(codecs.BOM_UTF8):
        return _checked(path, "utf-8-sig", "UTF-8")
    try:
        return _checked(path, "utf-8", "UTF-8")
    except BadInput:
        return _checked(path, "cp1252", "UTF-8 or Windows-1252")


def _checked(path, encoding, name):
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


def _find_header(sample, column, source):
    """(separator, header cells): the separator that makes `column` a heading."""
    headers = {}
    for separator in SEPARATORS:
        try:
            header = next(csv.reader(io.StringIO(sample), delimiter=separator), [])
        except csv.Error:
            continue
        if column in header:
            return separator, header
        headers[separator] = header
    header = max(headers.values(), key=len, default=[])
    near = [name for name in header if name.strip().casefold() == column.strip().casefold()]
    if near:
        raise BadInput(
            f"{source} has no column {column!r}, but it has {near[0]!r}; "
            "give --text-column exactly as the header spells it"
        )
    shown = ", ".join(repr(name) for name in header[:20]) + (", …" if len(header) > 20 else "")
    raise BadInput(f"{source} has no column {column!r}; its header row has: {shown or 'nothing'}")


def _all_quoted(sample, separator, cells):
    """True if every cell of the header row was in quotes, as some exports write every cell."""
    first_line = sample.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return first_line.startswith('"') and first_line.endswith('"') and first_line.count(f'"{separator}"') == cells - 1
