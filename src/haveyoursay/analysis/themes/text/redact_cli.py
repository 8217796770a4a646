"""`haveyoursay redact --in IN.csv --text-column COL --out OUT.csv`

Writes OUT.csv with IN.csv's rows and columns in the same order, every cell of column COL
redacted (haveyoursay.analysis.themes.text.redact) and every other cell as it was. Runs without
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
import csv
import sys
from pathlib import Path

from haveyoursay.analysis.themes.text import csv_files
from haveyoursay.analysis.themes.text.csv_files import BadInput
from haveyoursay.analysis.themes.text.redact import MARKERS, redact

PROG = "haveyoursay redact"


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
    csv_files.check_input(source)
    csv_files.check_output(target, "redacted.csv")
    if csv_files.same_file(target, source):
        raise BadInput("--out is the same file as --in; choose another name for the redacted copy")
    csv_files.allow_long_cells()
    encoding = csv_files.detect_encoding(source)
    with open(source, encoding=encoding, newline="") as file:
        sample = file.read(csv_files.CHUNK)
    separator, header = csv_files.find_header(sample, column, source)
    columns = [index for index, name in enumerate(header) if name == column]
    quoting = csv.QUOTE_ALL if _all_quoted(sample, separator, len(header)) else csv.QUOTE_MINIMAL

    counts, rows = {}, 0
    with csv_files.replacing(target, encoding) as output, open(source, encoding=encoding, newline="") as file:
        # Strict, so that a quote never closed is an error, not the rest of the file in one cell.
        reader = csv.reader(file, delimiter=separator, strict=True)
        writer = csv.writer(output, delimiter=separator, quoting=quoting, lineterminator=csv_files.line_ending(sample))
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
    return rows, counts


def _all_quoted(sample, separator, cells):
    """True if every cell of the header row was in quotes, as some exports write every cell."""
    first_line = sample.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    return first_line.startswith('"') and first_line.endswith('"') and first_line.count(f'"{separator}"') == cells - 1
