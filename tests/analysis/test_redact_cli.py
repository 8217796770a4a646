"""`haveyoursay redact`: a CSV in, the same CSV out with one column redacted; bad input says why."""

import csv
import io
import os
import subprocess
import sys

import pytest

from haveyoursay.analysis.themes.text.redact_cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def redact_into(capsys, source, column, target):
    return run(capsys, "--in", str(source), "--text-column", column, "--out", str(target))


def read_rows(path, encoding="utf-8-sig"):
    with open(path, encoding=encoding, newline="") as file:
        return list(csv.reader(file))


def test_it_redacts_the_column_and_keeps_every_other_cell_and_the_row_order(tmp_path, capsys):
    rows = [
        ["ref", "answer", "area", "notes"],
        ["HYS-0003", "Ring me on 07700 900123, after 6pm", "Loughborough", 'said "no", then "yes"'],
        ["HYS-0001", "Dr Patel was lovely,\nreally kind.", "LE11 3AB", "line one\nline two"],
        ["HYS-0002", "Nothing to add", "Charnwood, north", ""],
        ["HYS-0004", "", "  spaces kept  ", "jo@example.org"],
    ]
    source = tmp_path / "in.csv"
    with open(source, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)

    status, out, err = redact_into(capsys, source, "answer", tmp_path / "out.csv")

    assert status == 0, err
    written = read_rows(tmp_path / "out.csv")
    assert [row[1] for row in written] == [
        "answer",
        "Ring me on [phone], after 6pm",
        "Dr [name] was lovely,\nreally kind.",
        "Nothing to add",
        "",
    ]
    # Every other column exactly as it was, in the same order: the postcode and e-mail address
    # in other columns are not this command's business.
    assert [[row[0], *row[2:]] for row in written] == [[row[0], *row[2:]] for row in rows]
    assert "2 personal details in 4 rows" in out
    assert "[phone]" in out and "[name]" in out


def test_it_keeps_a_byte_order_mark_and_windows_line_endings(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffid,comment\r\n1,Mrs Patel said hello\r\n2,\"a, b\"\r\n".encode())

    status, _, err = redact_into(capsys, source, "comment", tmp_path / "out.csv")

    assert status == 0, err
    expected = "\ufeffid,comment\r\n1,Mrs [name] said hello\r\n2,\"a, b\"\r\n"
    assert (tmp_path / "out.csv").read_bytes() == expected.encode()


def test_it_writes_plain_utf8_without_adding_a_byte_order_mark(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes("id,comment\n1,Café near 12 High Street – lovely\n".encode())

    status, _, err = redact_into(capsys, source, "comment", tmp_path / "out.csv")

    assert status == 0, err
    assert (tmp_path / "out.csv").read_bytes() == "id,comment\n1,Café near [address] – lovely\n".encode()


def test_it_reads_and_writes_a_windows_1252_export(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes("id,comment,cost\n1,“Café” – ring 07700 900123,£5\n".encode("cp1252"))

    status, _, err = redact_into(capsys, source, "comment", tmp_path / "out.csv")

    assert status == 0, err
    expected = "id,comment,cost\n1,“Café” – ring [phone],£5\n"
    assert (tmp_path / "out.csv").read_bytes() == expected.encode("cp1252")


def test_it_follows_a_semicolon_separated_file_with_every_cell_quoted(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text('"id";"answer"\n"1";"Email jo@example.org; thanks"\n"2";"plain"\n', encoding="utf-8")

    status, _, err = redact_into(capsys, source, "answer", tmp_path / "out.csv")

    assert status == 0, err
    expected = '"id";"answer"\n"1";"Email [email]; thanks"\n"2";"plain"\n'
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == expected


def test_it_handles_short_rows_and_very_long_answers(tmp_path, capsys):
    long_answer = "The library matters to us. " * 10_000 + "Mrs Patel"
    source = tmp_path / "in.csv"
    with open(source, "w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["id", "area", "answer"], ["1"], ["2", "Melton", long_answer]])

    status, _, err = redact_into(capsys, source, "answer", tmp_path / "out.csv")

    assert status == 0, err
    written = read_rows(tmp_path / "out.csv")
    assert written[1] == ["1"]
    assert written[2][2].endswith("Mrs [name]") and len(written[2][2]) > 270_000


def test_it_goes_through_the_haveyoursay_command_without_django(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,answer\n1,Call 0116 305 0000\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    command = "import sys; from haveyoursay.cli import main; sys.exit(main(sys.argv[1:]))"
    argv = ["redact", "--in", str(source), "--text-column", "answer", "--out", str(tmp_path / "out.csv")]

    finished = subprocess.run(
        [sys.executable, "-c", command, *argv], env=env, capture_output=True, text=True, timeout=60
    )

    assert finished.returncode == 0, finished.stderr
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "id,answer\n1,Call [phone]\n"


def write(path, data):
    path.write_bytes(data)
    return path


BAD_INPUT = [
    # (what IN.csv holds, --text-column, words the one-line message must contain)
    (None, "answer", "cannot find"),
    (b"", "answer", "is empty"),
    (b"id,answer\n1,hello\n", "Answer", "has no column 'Answer', but it has 'answer'"),
    (b"id,comment\n1,hello\n", "answer", "has no column 'answer'; its header row has: 'id', 'comment'"),
    (b"PK\x03\x04" + b"\x00" * 100, "answer", "Excel workbook"),
    (b"id,answer\n1,\x00\x01\x02\x00\n", "answer", "not a CSV file"),
    (b"id,answer\n" + b"1,ok\n" * 2000 + b'2,"ab"c\n', "answer", "could not be read as CSV at line 2,002"),
    (b'id,answer\n1,"never closed\n2,ok\n', "answer", "could not be read as CSV at line 3 (unexpected end of data)"),
    # 0x81 is neither UTF-8 nor Windows-1252
    (b"id,answer\n1,caf\xc3\n2,\x81\n", "answer", "is not UTF-8 or Windows-1252 text"),
]


@pytest.mark.parametrize("content, column, message", BAD_INPUT)
def test_bad_input_gets_one_clear_line_and_status_2(tmp_path, capsys, content, column, message):
    folder = tmp_path / "work"
    folder.mkdir()
    source = folder / "in.csv"
    if content is not None:
        source.write_bytes(content)
    target = folder / "out.csv"

    status, out, err = redact_into(capsys, source, column, target)

    assert status == 2
    assert message in err
    assert err.startswith("haveyoursay redact: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and out == ""
    assert not target.exists()
    assert [path.name for path in folder.iterdir() if path.name != "in.csv"] == []  # no half-written file


def test_it_refuses_to_write_over_its_input(tmp_path, capsys):
    source = write(tmp_path / "in.csv", b"id,answer\n1,Mrs Patel\n")

    status, _, err = redact_into(capsys, source, "answer", source)

    assert status == 2 and "same file as --in" in err
    assert source.read_bytes() == b"id,answer\n1,Mrs Patel\n"


def test_a_missing_output_folder_is_explained(tmp_path, capsys):
    source = write(tmp_path / "in.csv", b"id,answer\n1,hi\n")

    status, _, err = redact_into(capsys, source, "answer", tmp_path / "no" / "out.csv")

    assert status == 2 and "there is no folder" in err


def test_a_failed_run_leaves_an_earlier_output_as_it_was(tmp_path, capsys):
    source = write(tmp_path / "in.csv", b"id,answer\n1,\x81\xc3\n")
    target = write(tmp_path / "out.csv", b"earlier\n")

    status, _, _ = redact_into(capsys, source, "answer", target)

    assert status == 2
    assert target.read_bytes() == b"earlier\n"


def test_missing_arguments_are_one_line_and_status_2(capsys):
    status, out, err = run(capsys, "--in", "x.csv")

    assert status == 2
    assert "required: --text-column, --out" in err and err.count("\n") == 1


def test_help_exits_cleanly(capsys):
    status, out, _ = run(capsys, "--help")

    assert status == 0
    assert "--text-column COL" in out


def test_the_summary_counts_each_kind(tmp_path, capsys):
    rows = "id,answer\n1,Mrs Patel and Mr Khan\n2,jo@example.org\n3,fine\n"
    source = write(tmp_path / "in.csv", rows.encode())

    status, out, _ = redact_into(capsys, source, "answer", tmp_path / "o.csv")

    assert status == 0
    assert out.strip() == (
        "Redacted 3 personal details in 3 rows of column 'answer': 1 [email], 2 [name]. "
        f"Written to {tmp_path / 'o.csv'}"
    )
    assert list(csv.reader(io.StringIO((tmp_path / "o.csv").read_text())))[1] == ["1", "Mrs [name] and Mr [name]"]


def test_it_reads_excel_unicode_text_tab_separated_utf16(tmp_path, capsys):
    source = write(tmp_path / "in.txt", "id\tanswer\n1\tDr Patel, 07700 900123\n".encode("utf-16"))

    status, _, err = redact_into(capsys, source, "answer", tmp_path / "out.txt")

    assert status == 0, err
    assert (tmp_path / "out.txt").read_bytes() == "id\tanswer\n1\tDr [name], [phone]\n".encode("utf-16")
