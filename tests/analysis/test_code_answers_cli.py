import csv
import subprocess
import sys
from pathlib import Path

import pytest

from haveyoursay import cli
from haveyoursay.analysis.themes.text.code_answers_cli import main

CODED_ROWS = [
    ("There is never enough parking in the town centre on a Saturday.", 1, 0),
    ("Car parks are too expensive, two pounds an hour to park is too much.", 1, 0),
    ("Free parking for the first hour would bring shoppers back.", 1, 0),
    ("More disabled parking spaces near the market please.", 1, 0),
    ("Cheaper parking charges, parking is free in Leicester.", 1, 0),
    ("Buses from the villages only run once an hour.", 0, 1),
    ("The bus is always late and the last bus leaves at six.", 0, 1),
    ("Bus fares are too expensive for a family.", 0, 1),
    ("More frequent buses on a Sunday please, there is no bus at all.", 0, 1),
    ("A park and ride bus from the M1 junction.", 1, 1),
    ("Nothing, it is fine as it is.", 0, 0),
    ("Cleaner streets and fewer empty shops.", 0, 0),
    ("No", 0, 0),
    ("Better public toilets in the market place.", 0, 0),
]
NEW_ROWS = [
    {"reference": "R-0003", "answer": "Parking charges are far too high, make parking free.", "ward": "Loughborough East"},
    {"reference": "R-0001", "answer": "The buses never run on time, and there is no bus after six.", "ward": "Shepshed"},
    {"reference": "R-0010", "answer": "", "ward": ""},
    {"reference": "R-0002", "answer": 'More events, "markets", and, well,\na cinema.', "ward": "Quorn, Mountsorrel"},
    {"reference": "0042", "answer": "There is never a parking space near the shops.", "ward": "Loughborough East"},
]


def write_csv(path, header, rows, **options):
    with open(path, "w", newline="", encoding=options.pop("encoding", "utf-8")) as file:
        writer = csv.writer(file, **options)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_csv(path, **options):
    with open(path, newline="", encoding=options.pop("encoding", "utf-8")) as file:
        return list(csv.reader(file, **options))


@pytest.fixture
def coded(tmp_path):
    return write_csv(tmp_path / "coded.csv", ["answer", "parking", "buses"], CODED_ROWS)


@pytest.fixture
def new(tmp_path):
    return write_csv(tmp_path / "new.csv", ["reference", "answer", "ward"], [list(row.values()) for row in NEW_ROWS])


def run(*arguments):
    return main([str(argument) for argument in arguments])


def test_it_writes_one_row_per_answer_in_order_with_its_columns_then_codes_and_confidences(coded, new, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert run("--train", coded, "--predict", new, "--text-column", "answer", "--out", out) == 0
    header, *rows = read_csv(out)
    assert header == ["reference", "answer", "ward", "parking", "parking_confidence", "buses", "buses_confidence"]
    assert len(rows) == len(NEW_ROWS)
    for row, original in zip(rows, NEW_ROWS):
        assert row[:3] == list(original.values())  # leading zeros, commas, quotes and line breaks kept
        assert row[3] in {"0", "1"} and row[5] in {"0", "1"}
        assert 0.0 <= float(row[4]) <= 1.0 and 0.0 <= float(row[6]) <= 1.0
    assert rows[0][3:6:2] == ["1", "0"]
    assert rows[1][3:6:2] == ["0", "1"]
    assert rows[4][3:6:2] == ["1", "0"]
    assert "Learnt 2 themes from 14 coded answers; coded 5 answers" in capsys.readouterr().out


def test_it_runs_as_a_haveyoursay_command_without_django(coded, new, tmp_path):
    out = tmp_path / "out.csv"
    command = [sys.executable, "-c", "import sys; from haveyoursay.cli import main; sys.exit(main())"]
    finished = subprocess.run(
        [*command, "code-answers", "--train", str(coded), "--predict", str(new), "--text-column", "answer", "--out", str(out)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    assert finished.returncode == 0, finished.stderr
    assert len(read_csv(out)) == len(NEW_ROWS) + 1


def test_the_haveyoursay_command_hands_over_to_it(coded, new, tmp_path):
    out = tmp_path / "out.csv"
    arguments = ["--train", str(coded), "--predict", str(new), "--text-column", "answer", "--out", str(out)]
    assert cli.main(["code-answers", *arguments]) == 0
    assert out.exists()


def test_themes_can_be_chosen_and_other_columns_of_the_coded_file_left_out(tmp_path, new):
    coded = write_csv(
        tmp_path / "coded.csv",
        ["id", "answer", "parking", "buses", "coder"],
        [(f"C{n}", text, parking, buses, "JS") for n, (text, parking, buses) in enumerate(CODED_ROWS)],
    )
    out = tmp_path / "out.csv"
    assert run("--train", coded, "--predict", new, "--text-column", "answer", "--out", out, "--themes", "buses") == 0
    assert read_csv(out)[0] == ["reference", "answer", "ward", "buses", "buses_confidence"]


def test_it_keeps_a_semicolon_separated_file_with_a_byte_order_mark_as_it_was(tmp_path, coded):
    new = write_csv(
        tmp_path / "new.csv",
        ["reference", "answer"],
        [["R1", "Free parking please; it is too dear"], ["R2", "More buses"]],
        delimiter=";",
        encoding="utf-8-sig",
    )
    out = tmp_path / "out.csv"
    assert run("--train", coded, "--predict", new, "--text-column", "answer", "--out", out) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(out, delimiter=";", encoding="utf-8-sig")
    assert rows[0] == ["reference", "answer", "parking", "parking_confidence", "buses", "buses_confidence"]
    assert rows[1][:2] == ["R1", "Free parking please; it is too dear"]


def test_codes_written_as_spreadsheets_write_them_are_accepted(tmp_path, new):
    coded = write_csv(
        tmp_path / "coded.csv", ["answer", "parking", "buses"], [(t, f"{p}.0", f" {b} ") for t, p, b in CODED_ROWS]
    )
    assert run("--train", coded, "--predict", new, "--text-column", "answer", "--out", tmp_path / "out.csv") == 0


def bad_input(capsys, *arguments):
    """Run with bad input: the exit status and the one line said about it."""
    status = run(*arguments)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return status, lines[0]


@pytest.mark.parametrize(
    "problem, rows, header, expected",
    [
        ("a theme column that isn't 0/1", [("Free parking", "yes", 0)], ["answer", "parking", "buses"], "row 2, column 'parking': 'yes' is not 0 or 1"),
        ("an empty cell", [("Free parking", "", 0)], ["answer", "parking", "buses"], "'' is not 0 or 1"),
        ("an empty training set", [], ["answer", "parking", "buses"], "no coded answers"),
        ("no theme with a coded answer", [("Free parking", 0, 0), ("Cheap parking", 0, 0)], ["answer", "parking", "buses"], "no coded answer has any of the themes"),
        ("no theme columns", [("Free parking",)], ["answer"], "no theme columns"),
        ("no text column", [("Free parking", 1, 0)], ["comment", "parking", "buses"], "has no column 'answer'; its header row has: 'comment', 'parking', 'buses'"),
        ("a differently spelt text column", [("Free parking", 1, 0)], ["Answer ", "parking", "buses"], "but it has 'Answer '"),
        ("two theme columns of one name", [("Free parking", 1, 1)], ["answer", "parking", "parking"], "more than one column 'parking'"),
    ],
)
def test_bad_coded_files_are_refused_with_a_clear_message(tmp_path, new, capsys, problem, rows, header, expected):
    coded = write_csv(tmp_path / "coded.csv", header, rows)
    out = tmp_path / "out.csv"
    status, message = bad_input(capsys, "--train", coded, "--predict", new, "--text-column", "answer", "--out", out)
    assert status == 2, problem
    assert message.startswith("haveyoursay code-answers: ")
    assert expected in message, problem
    assert not out.exists()


def test_a_theme_no_coded_answer_has_is_written_as_0_with_confidence_0_and_the_others_learnt(tmp_path, new, capsys):
    rows = [(text, parking, 0, buses) for text, parking, buses in CODED_ROWS]
    coded = write_csv(tmp_path / "coded.csv", ["answer", "parking", "toilets", "buses"], rows)
    out = tmp_path / "out.csv"
    assert run("--train", coded, "--predict", new, "--text-column", "answer", "--out", out) == 0
    header, *written = read_csv(out)
    assert header[3:] == ["parking", "parking_confidence", "toilets", "toilets_confidence", "buses", "buses_confidence"]
    assert len(written) == len(NEW_ROWS)
    assert all(row[5:7] == ["0", "0.000"] for row in written)
    assert written[0][3] == "1" and written[1][7] == "1"
    printed = capsys.readouterr()
    assert "no coded answer has the theme 'toilets', so it cannot be learnt" in printed.err
    assert "Learnt 2 themes from 14 coded answers" in printed.out


def test_missing_files_and_columns_are_refused_with_a_clear_message(tmp_path, coded, new, capsys):
    out = tmp_path / "out.csv"
    status, message = bad_input(capsys, "--train", tmp_path / "nope.csv", "--predict", new, "--text-column", "answer", "--out", out)
    assert status == 2 and "cannot find" in message and "nope.csv" in message
    status, message = bad_input(capsys, "--train", coded, "--predict", tmp_path / "gone.csv", "--text-column", "answer", "--out", out)
    assert status == 2 and "cannot find" in message and "gone.csv" in message
    other = write_csv(tmp_path / "other.csv", ["reference", "comment"], [["R1", "Free parking"]])
    status, message = bad_input(capsys, "--train", coded, "--predict", other, "--text-column", "answer", "--out", out)
    assert status == 2 and "other.csv has no column 'answer'" in message
    status, message = bad_input(capsys, "--train", coded, "--predict", new, "--text-column", "answer", "--out", tmp_path / "no" / "out.csv")
    assert status == 2 and "there is no folder" in message
    status, message = bad_input(capsys, "--train", coded, "--predict", new, "--text-column", "answer", "--out", out, "--themes", "parking,trains")
    assert status == 2 and "no theme column 'trains'" in message
    assert not out.exists()


def test_a_new_file_that_already_has_a_theme_column_is_refused(tmp_path, coded, capsys):
    new = write_csv(tmp_path / "new.csv", ["answer", "parking"], [["Free parking", "1"]])
    status, message = bad_input(capsys, "--train", coded, "--predict", new, "--text-column", "answer", "--out", tmp_path / "out.csv")
    assert status == 2 and "already has a column 'parking'" in message


def test_a_workbook_or_a_broken_row_is_refused(tmp_path, coded, new, capsys):
    workbook = tmp_path / "coded.csv"
    workbook.write_bytes(b"PK\x03\x04 not really a csv")
    status, message = bad_input(capsys, "--train", workbook, "--predict", new, "--text-column", "answer", "--out", tmp_path / "out.csv")
    assert status == 2 and "Excel workbook" in message
    extra = tmp_path / "extra.csv"
    extra.write_text("answer,parking,buses\nFree parking,1,0,surprise\n")
    status, message = bad_input(capsys, "--train", extra, "--predict", new, "--text-column", "answer", "--out", tmp_path / "out.csv")
    assert status == 2 and "row 2" in message and "4 cells but only 3 headings" in message


def test_missing_arguments_return_2_with_the_usage(capsys):
    status, message = bad_input(capsys, "--train", "coded.csv")
    assert status == 2
    assert "usage: haveyoursay code-answers --train CODED.csv" in message
