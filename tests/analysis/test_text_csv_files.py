"""The CSV reader both file commands share: what one command reads, the other reads too."""

import pytest

from haveyoursay.analysis.themes.text import csv_files
from haveyoursay.analysis.themes.text.code_answers_cli import main as code_answers
from haveyoursay.analysis.themes.text.redact_cli import main as redact
from tests.analysis.test_code_answers_cli import CODED_ROWS


@pytest.mark.parametrize(
    "content, encoding",
    [
        (b"id,answer\n1,caf\xc3\xa9\n", "utf-8"),
        (b"\xef\xbb\xbfid,answer\n1,ok\n", "utf-8-sig"),
        ("id\tanswer\n1\tcafé\n".encode("utf-16"), "utf-16"),
        (b"id,answer\n1,caf\xe9 \x80\n", "cp1252"),
    ],
)
def test_it_reads_the_encodings_spreadsheets_save_in(tmp_path, content, encoding):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    assert csv_files.detect_encoding(path) == encoding


@pytest.mark.parametrize(
    "start, what",
    [(b"PK\x03\x04", "Excel workbook"), (b"\xd0\xcf\x11\xe0", "old Excel workbook"), (b"$FL2", "SPSS data file")],
)
def test_each_command_names_a_workbook_or_spss_file_for_what_it_is(tmp_path, capsys, start, what):
    path = tmp_path / "answers.csv"
    path.write_bytes(start + b"\x00" * 64)
    out = tmp_path / "out.csv"

    assert redact(["--in", str(path), "--text-column", "answer", "--out", str(out)]) == 2
    assert code_answers(["--train", str(path), "--predict", str(path), "--text-column", "answer", "--out", str(out)]) == 2

    said = capsys.readouterr().err.splitlines()
    assert len(said) == 2 and all(what in line and "save it as" in line for line in said)
    assert not out.exists()


def test_code_answers_reads_excel_unicode_text_and_writes_it_back_the_same_way(tmp_path):
    coded = tmp_path / "coded.txt"
    coded.write_bytes(("answer\tparking\tbuses\n" + "".join(f"{t}\t{p}\t{b}\n" for t, p, b in CODED_ROWS)).encode("utf-16"))
    new = tmp_path / "new.txt"
    new.write_bytes("ref\tanswer\nR1\tParking is far too dear\n".encode("utf-16"))
    out = tmp_path / "out.txt"

    arguments = ["--train", coded, "--predict", new, "--text-column", "answer", "--out", out]
    assert code_answers([str(argument) for argument in arguments]) == 0

    written = out.read_bytes()
    assert written.startswith(b"\xff\xfe")
    header, row = written.decode("utf-16").splitlines()
    assert header.split("\t") == ["ref", "answer", "parking", "parking_confidence", "buses", "buses_confidence"]
    assert row.split("\t")[:3] == ["R1", "Parking is far too dear", "1"]


def test_code_answers_explains_a_file_in_no_encoding_it_reads_in_one_line(tmp_path, capsys):
    unreadable = tmp_path / "coded.csv"
    unreadable.write_bytes(b"answer,parking\ncaf\xc3,1\n\x81,0\n")  # 0x81 is neither UTF-8 nor Windows-1252

    arguments = ["--train", unreadable, "--predict", unreadable, "--text-column", "answer", "--out", tmp_path / "out.csv"]
    assert code_answers([str(argument) for argument in arguments]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not UTF-8 or Windows-1252 text" in err and "Traceback" not in err


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    target = folder / "out.csv"
    target.write_text("earlier\n")

    with pytest.raises(RuntimeError), csv_files.replacing(target, "utf-8") as output:
        output.write("half of it")
        raise RuntimeError("stopped part-way")

    assert target.read_text() == "earlier\n"
    assert [path.name for path in folder.iterdir()] == ["out.csv"]
