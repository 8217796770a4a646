"""`haveyoursay code-answers --train CODED.csv --predict NEW.csv --text-column COL --out OUT.csv`

Learns a codeframe from the answers a person has coded (CODED.csv: the text column and one
0/1 column per theme) and applies it to other answers (NEW.csv: the text column, and any
other columns). OUT.csv has one row per row of NEW.csv, in the same order, with all of
NEW.csv's columns as they were, then for each theme a 0/1 column of the same name and a
`<theme>_confidence` column: how sure the machine is of that 0 or 1, from 0.5 (a guess) to 1.

Runs without Django or a database. The model is `haveyoursay.analysis.themes.text.coding`'s.

- Theme columns: every column of CODED.csv but the text column, or those named by
  `--themes`. Each cell must be 0 or 1 (1.0 and 0.0, as spreadsheets write them, too).
- Encoding: UTF-8 with or without a byte order mark, UTF-16 with one (Excel's "Unicode
  text"), or Windows-1252 when the file is not UTF-8. Separator: comma, semicolon, tab or
  bar, whichever makes COL one of the columns (`csv_files`). OUT.csv is written in
  NEW.csv's encoding, with its separator and line endings.
- Rows are numbered in messages as a spreadsheet shows them: the header is row 1.
- A theme no coded answer has (real codeframes have codes nobody used) cannot be learnt:
  the others are, and that theme is written as 0 with confidence 0 for every row (0: the
  machine knows nothing of it), with a line on stderr naming it. If no theme has a coded
  answer there is nothing to learn, and that is bad input.
- Bad input (no such file, no column COL, a theme cell that is not 0 or 1, no coded
  answers, no theme any answer has) prints one line saying what is wrong and what to do,
  and exits with status 2; OUT.csv is then not written.
"""

import argparse
import csv
import io
import sys
from pathlib import Path

from haveyoursay.analysis.themes.text import csv_files
from haveyoursay.analysis.themes.text.csv_files import BadInput

PROG = "haveyoursay code-answers"
USAGE = f"{PROG} --train CODED.csv --predict NEW.csv --text-column COL --out OUT.csv"
CONFIDENCE_SUFFIX = "_confidence"
ONE, ZERO = {"1", "1.0"}, {"0", "0.0"}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise BadInput(f"{message} (usage: {USAGE})")


def main(argv=None):
    parser = _Parser(
        prog=PROG,
        description="Learn a codeframe from coded answers in one CSV file and apply it to the answers in another.",
    )
    parser.add_argument(
        "--train", required=True, metavar="CODED.csv", help="coded answers: the text column and one 0/1 column per theme"
    )
    parser.add_argument(
        "--predict", required=True, metavar="NEW.csv", help="the answers to code: the text column, and any others"
    )
    parser.add_argument(
        "--text-column", required=True, metavar="COL", help="the heading of the answers' column in both files"
    )
    parser.add_argument("--out", required=True, metavar="OUT.csv", help="the CSV file to write")
    parser.add_argument("--themes", metavar="A,B,...", help="the theme columns of CODED.csv (default: all but COL)")
    parser.add_argument("--random-state", type=int, default=0, help="seed: the same files and seed give the same codes")
    try:
        args = parser.parse_args(sys.argv[1:] if argv is None else argv)
        summary = code_answers(args.train, args.predict, args.text_column, args.out, args.themes, args.random_state)
    except BadInput as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except SystemExit as leaving:  # --help
        return leaving.code or 0
    print(summary)
    return 0


def code_answers(train_path, predict_path, column, out_path, themes=None, random_state=0):
    """Learn from train_path, code predict_path into out_path; a sentence saying what was done."""
    from haveyoursay.analysis.themes.text.coding import CodingError, train_coder

    train_path, predict_path, out_path = Path(train_path), Path(predict_path), Path(out_path)
    csv_files.check_output(out_path, "coded.csv")
    for path in (train_path, predict_path):
        if csv_files.same_file(out_path, path):
            raise BadInput(f"--out is the same file as {path}; choose another name for the coded copy")
    coded = read_csv(train_path, column)
    names = theme_columns(coded, column, themes, train_path)
    codes = read_codes(coded, names, train_path)
    new = read_csv(predict_path, column)
    clashes = [name for name in names for heading in (name, name + CONFIDENCE_SUFFIX) if heading in new.header]
    if clashes:
        raise BadInput(
            f"{predict_path} already has a column {clashes[0]!r}, which OUT.csv uses for the machine's codes; "
            "remove or rename that column in NEW.csv"
        )
    texts = coded.column(column)
    new_texts = new.column(column)
    learnt = [number for number in range(len(names)) if codes[:, number].any()]
    if not learnt:
        raise BadInput(
            f"{train_path}: no coded answer has any of the themes; give at least one answer 1 in some theme column"
        )
    unused = [name for number, name in enumerate(names) if number not in learnt]
    if unused:
        print(
            f"{PROG}: no coded answer has the theme{'s' if len(unused) > 1 else ''} {', '.join(map(repr, unused))}, "
            "so it cannot be learnt; it is written as 0 with confidence 0 for every answer",
            file=sys.stderr,
        )
    try:
        coder = train_coder(
            texts, codes[:, learnt], [names[number] for number in learnt], unlabelled=new_texts,
            random_state=random_state,
        )
    except CodingError as error:
        raise BadInput(f"{train_path}: {error}") from None
    coding = coder.apply(new_texts)
    write_coded(new, names, widen(coding, learnt, len(names)), out_path)
    review = len(coding.needs_review())
    return (
        f"Learnt {len(learnt)} themes from {len(texts):,} coded answers; coded {len(new_texts):,} answers "
        f"({len(coding.without_theme()):,} with no theme, {review:,} for a person to check). Written to {out_path}"
    )


def widen(coding, learnt, width):
    """(assigned, confidence) with a column for every theme: those not learnt are 0, confidence 0."""
    import numpy as np

    assigned = np.zeros((len(coding.assigned), width), dtype=np.int8)
    confidence = np.zeros((len(coding.assigned), width))
    assigned[:, learnt] = coding.assigned
    confidence[:, learnt] = coding.confidence
    return assigned, confidence


class Table:
    """A CSV file read whole: its header, rows (lists of cells) and how it was written."""

    def __init__(self, path, header, rows, encoding, separator, line_ending):
        self.path, self.header, self.rows = path, header, rows
        self.encoding, self.separator, self.line_ending = encoding, separator, line_ending

    def column(self, name):
        index = self.header.index(name)
        return [row[index] if index < len(row) else "" for row in self.rows]


def read_csv(path, column):
    csv_files.check_input(path)
    encoding = csv_files.detect_encoding(path)
    with open(path, encoding=encoding, newline="") as file:
        content = file.read()
    separator, _ = csv_files.find_header(content, column, path)
    csv_files.allow_long_cells()
    reader = csv.reader(io.StringIO(content), delimiter=separator, strict=True)
    try:
        header = next(reader)
        rows = [row for row in reader if row]
    except csv.Error as error:
        raise BadInput(
            f"{path} could not be read as CSV at line {reader.line_num:,} ({error}); check the quotes in that row"
        ) from None
    for number, row in enumerate(rows):
        while len(row) > len(header) and not row[-1].strip():
            row.pop()  # spreadsheets leave empty cells after the last column
        if len(row) > len(header):
            raise BadInput(
                f"{path} has a row with {len(row)} cells but only {len(header)} headings (row {number + 2:,}); "
                "give every column a heading or remove the extra cells"
            )
    return Table(path, header, rows, encoding, separator, csv_files.line_ending(content))


def theme_columns(coded, column, themes, path):
    if themes is None:
        names = [name for name in coded.header if name != column]
    else:
        names = [name.strip() for name in themes.split(",") if name.strip()]
        missing = [name for name in names if name not in coded.header]
        if missing:
            raise BadInput(f"{path} has no theme column {missing[0]!r}; --themes must name columns of its header")
    if not names:
        raise BadInput(f"{path} has no theme columns: add one 0/1 column per theme beside {column!r}")
    repeated = sorted({name for name in names if coded.header.count(name) > 1 or names.count(name) > 1})
    if repeated:
        raise BadInput(f"{path} has more than one column {repeated[0]!r}; give each theme column its own heading")
    return names


def read_codes(coded, names, path):
    import numpy as np

    if not coded.rows:
        raise BadInput(f"{path} has no coded answers, only a header; code some answers first")
    codes = np.zeros((len(coded.rows), len(names)), dtype=np.int8)
    for number, name in enumerate(names):
        for line, cell in enumerate(coded.column(name), start=2):
            value = cell.strip()
            if value in ONE:
                codes[line - 2, number] = 1
            elif value not in ZERO:
                raise BadInput(
                    f"{path} row {line:,}, column {name!r}: {cell!r} is not 0 or 1; "
                    "give every answer 1 (has the theme) or 0 (has not) for every theme"
                )
    return codes


def write_coded(new, names, codes, out_path):
    header = list(new.header)
    for name in names:
        header += [name, name + CONFIDENCE_SUFFIX]
    with csv_files.replacing(out_path, new.encoding) as output:
        writer = csv.writer(output, delimiter=new.separator, lineterminator=new.line_ending)
        writer.writerow(header)
        assigned, confidence = codes
        width = len(new.header)
        for number, row in enumerate(new.rows):
            cells = list(row) + [""] * (width - len(row))
            for theme in range(len(names)):
                cells += [int(assigned[number, theme]), f"{confidence[number, theme]:.3f}"]
            writer.writerow(cells)
