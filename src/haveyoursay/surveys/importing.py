"""Responses exported by other survey tools: read the file, map its columns to questions,
check every row, then import all of them or none: written in chunks that nobody sees until
the last is written, then counted at once (docs/decisions/0020-imports-in-chunks.md).

Plain functions, so the staff site, `haveyoursay import_responses` and the tests do the same
thing in the same order:

    table = open_table(path, file_name)                 # CSV, Excel (.xlsx) or SPSS (.sav)
    targets = targets_for(questionnaire)                # what a column can be mapped to
    mapping = Mapping(table.columns, targets, propose_mapping(table.columns, targets))
    check = check_rows(questionnaire, table, mapping)   # the dry run: writes nothing
    batch, check = import_rows(questionnaire, table, mapping, file_name=..., user=...)
    batch, check = import_file(questionnaire, path, mapping={"ID": "@respondent_id", ...})  # all of the above

On the staff site each step runs in the background (`surveys/import_tasks.py`), the first
being `read_table`, reporting its progress, and leaves what it found beside the upload
(`save_result`) for the page to show. Every read of a file is bounded (`import_limits`): an
Excel workbook is a zip, and a few kilobytes of it can stand for millions of rows.

Rows dated in the future are errors; rows dated before the consultation opened are imported
only when the person importing confirms them (`include_early`).

Every answer goes through its question type's `from_text`, as a keyed-in paper form does, so
an imported answer means the same as one given online. Each imported row is a submitted
Response with channel "import" and an `import_key`: the mapped respondent ID, or else a hash
of the row's content. A key already in the questionnaire is skipped, so a file that overlaps
an earlier one adds only its new rows; the very same file (by SHA-256) is refused outright.
Rows left out (blank, no answers, already imported) are counted, and the counts kept on the
ImportBatch.
"""

import codecs
import csv
import datetime
import hashlib
import io
import json
import logging
import math
import os
import re
import secrets
import shutil
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from haveyoursay.hub.models import max_upload_bytes
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.jobs.running import ignore_progress
from haveyoursay.stored_files import open_stored
from haveyoursay.surveys.compact import note_answers_changed
from haveyoursay.surveys.models import ImportBatch, Response, give_free_references
from haveyoursay.surveys.question_types import AnswerError, SingleChoice, wording
from haveyoursay.surveys.submission import condition_met, insert_answers, insert_responses

logger = logging.getLogger(__name__)

ACCEPTED_EXTENSIONS = (".csv", ".tsv", ".xlsx", ".sav")
FORMULA_STARTS = ("=", "+", "-", "@")
ACCEPTED_DESCRIPTION = "CSV, Excel (.xlsx) or SPSS (.sav)"
CHUNK_SIZE = 500
# Responses written (or deleted) in one transaction: on SQLite, a respondent saving a page
# waits for one chunk at most (docs/decisions/0020-imports-in-chunks.md). A chunk takes as many
# rows as are written in about WRITE_CHUNK_SECONDS, judged from the chunks before it: between
# FEWEST_CHUNK_ROWS (or WRITE_CHUNK_ROWS if fewer) and WRITE_CHUNK_ROWS. Rows were a poor
# measure: the same 200 took 60 ms on a quiet machine and over a second on a busy one, all of
# it a respondent's wait.
WRITE_CHUNK_ROWS = 1000
WRITE_CHUNK_SECONDS = 0.075
# On SQLite a chunk holds the one write lock, and every save waits for it while it is written,
# so a chunk is shorter there (bench/scale.py, a 20,000-row import with the rest below:
# respondents' p99 331 ms with chunks of 75 ms, 238 ms with chunks of 40 ms). On PostgreSQL a
# save waits for nothing a chunk holds (its rows are new), and longer chunks cost fewer commits.
SQLITE_WRITE_CHUNK_SECONDS = 0.04
FEWEST_CHUNK_ROWS = 10
# Between two chunks the import leaves the database to others for at least REST_SECONDS,
# reading the next chunk's rows counted. On SQLite a save that finds the write lock taken does
# not queue for it: its busy handler sleeps and tries again, every 100 ms once it has waited
# half a second. The import, with its next rows mostly read already (they are checked for
# duplicates CHUNK_SIZE at a time), took the lock back within half a millisecond, so a
# respondent slept through chunk after chunk (bench/scale.py, a 20,000-row import: their p99
# was 2.3 s). A rest as long as the handler's sleep lets every waiting save through. On
# PostgreSQL it leaves the server's CPU to respondents' saves. The import takes longer for it.
REST_SECONDS = 0.1
UPLOAD_FOLDER = "imports"
UPLOAD_LIFETIME = datetime.timedelta(days=1)
KEY_MAX_LENGTH = Response._meta.get_field("import_key").max_length


class ImportFileError(ValueError):
    """The file can't be read; the message says why and what to do about it."""


class SheetNotFound(ImportFileError):
    """An Excel workbook without the sheet asked for."""


NO_SUCH_SHEET = "The workbook has no sheet called"


class FileRefused(ImportFileError):
    """A file beyond what one import may take: too big unpacked, too many rows or columns, or
    too slow to read. It is refused before it can hold a worker or its memory for long."""


def import_limits():
    """The bounds within which a file of responses is read (see settings.py)."""
    return {
        "unpacked_bytes": settings.HAVEYOURSAY_IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
        "shared_text_bytes": settings.HAVEYOURSAY_IMPORT_MAX_SHARED_TEXT_MB * 1024 * 1024,
        "rows": settings.HAVEYOURSAY_IMPORT_MAX_ROWS,
        "columns": settings.HAVEYOURSAY_IMPORT_MAX_COLUMNS,
        "seconds": settings.HAVEYOURSAY_IMPORT_MAX_SECONDS,
    }


class ChunkSize:
    """How many rows the next chunk of writing takes, so that its transaction lasts about
    WRITE_CHUNK_SECONDS (on SQLite, SQLITE_WRITE_CHUNK_SECONDS if that is shorter): the rate of
    the chunks written so far, the latest weighing most.
    Given `rows`, every chunk takes that many. Each chunk after the first waits until
    REST_SECONDS have passed since the one before it ended."""

    def __init__(self, rows=None):
        self.fixed = rows is not None
        self.most = rows or WRITE_CHUNK_ROWS
        self.fewest = rows or min(FEWEST_CHUNK_ROWS, self.most)
        self.rows = self.fewest
        self.seconds_a_row = None
        self.last_ended = None

    @contextmanager
    def timing(self, rows):
        """Around the transaction writing `rows` rows: it begins once the rest after the last
        chunk is over, and the next chunk's size follows from how long it took."""
        if self.last_ended is not None:
            time.sleep(max(0.0, REST_SECONDS - (time.perf_counter() - self.last_ended)))
        started = time.perf_counter()
        try:
            yield
        finally:
            self.last_ended = time.perf_counter()
        if self.fixed or rows < 1:
            return
        seconds_a_row = (time.perf_counter() - started) / rows
        if self.seconds_a_row is None:
            self.seconds_a_row = seconds_a_row
        else:
            self.seconds_a_row = 0.5 * self.seconds_a_row + 0.5 * seconds_a_row
        seconds = WRITE_CHUNK_SECONDS
        if transaction.get_connection().vendor == "sqlite":
            seconds = min(seconds, SQLITE_WRITE_CHUNK_SECONDS)
        fitting = int(seconds / max(self.seconds_a_row, 1e-6))
        # Grown at most twofold at a time, so that one chunk written fast on an idle machine
        # doesn't make the next one hold the lock for long if respondents arrive.
        self.rows = max(self.fewest, min(self.most, fitting, 2 * self.rows))


def _megabytes(size):
    """2 MB, 2.4 MB, 88 MB; 300 KB."""
    megabytes = size / (1024 * 1024)
    if megabytes >= 10:
        return f"{megabytes:,.0f} MB"
    return f"{round(megabytes, 1):g} MB" if megabytes >= 1 else f"{size / 1024:,.0f} KB"


def too_many_rows(limit):
    return FileRefused(
        f"The file has more than {limit:,} rows, the most one import can take (empty rows that have "
        "formatting count too). Delete any empty rows below the responses, or split the responses into "
        f"files of up to {limit:,} rows, and upload each one."
    )


def too_many_columns(count, limit):
    return FileRefused(
        f"The file has {count:,} columns, more than the {limit:,} one import can take. "
        "Delete the columns you don't need to import, or any empty columns with formatting, and upload it again."
    )


def too_slow(limit_seconds):
    if limit_seconds < 120:
        took = f"{limit_seconds} second{'s' if limit_seconds != 1 else ''}"
    else:
        took = f"{round(limit_seconds / 60)} minutes"
    return FileRefused(
        f"Reading the file took longer than {took}, the most one import may take, "
        "so it was stopped and nothing was imported. Split the responses into smaller files and upload each one."
    )


class MappingError(ValueError):
    """A mapping that can't be used. `errors` is {column index: message}."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class AlreadyImported(ValueError):
    """This very file was imported into this questionnaire before."""

    def __init__(self, batch):
        self.batch = batch
        super().__init__(already_imported_message(batch))


class ImportRefused(ValueError):
    """The file has rows with errors, so nothing was imported. `check` lists them."""

    def __init__(self, check):
        self.check = check
        count = len(check.errors)
        super().__init__(f"Nothing was imported: the file has {count} problem{'s' if count != 1 else ''} to fix first.")


class EarlyDatesNotConfirmed(ImportRefused):
    """Rows dated before the consultation opened, which nobody confirmed should be imported."""

    def __init__(self, check):
        self.check = check
        count = check.early
        ValueError.__init__(
            self,
            f"Nothing was imported: {count:,} response{'s are' if count != 1 else ' is'} dated before the consultation "
            "opened. Confirm that they should be imported, or correct their dates and upload the file again.",
        )


class ImportInProgress(ValueError):
    """An import into the questionnaire is being written, or was stopped part-way: one at a time."""

    def __init__(self, batch, same_file=False):
        self.batch, self.same_file = batch, same_file
        super().__init__(in_progress_message(batch, same_file=same_file))


def in_progress_message(batch, same_file=False, name_the_file=True):
    """Why another import can't start now, and what to do; `name_the_file=False` for a job's message."""
    written = f"{batch.rows_written:,} of {batch.rows_to_write:,} responses written, none of them counted yet"
    named = f" (“{batch.file_name}”)" if name_the_file and not same_file else ""
    if batch.is_being_discarded:
        which = "This file's unfinished import" if same_file else f"An unfinished import into this questionnaire{named}"
        left = f"{batch.rows_written:,} response{'s' if batch.rows_written != 1 else ''} still to delete"
        return (
            f"{which} is being discarded ({left}, none of them ever counted). Nothing more has been imported: "
            "try again once it has been discarded."
        )
    if batch.is_interrupted():
        which = "This file's import" if same_file else f"An earlier import into this questionnaire{named}"
        return (
            f"{which} stopped part-way, with {written}. Nothing more has been imported. On the page of imports, "
            "resume that import to carry on from the first row not written, or discard it, then try again."
        )
    if same_file:
        return f"This file is being imported already ({written}). Nothing more has been started: wait for it to finish."
    return (
        f"Another file{named} is being imported into this questionnaire ({written}). Files are imported one at a "
        "time: import this one when that has finished. Rows that file holds will then be skipped."
    )


def previous_import_message(batch, name_the_file=True):
    """Why this file can't be imported now: it was imported, or its import is unfinished."""
    if batch.is_complete:
        return already_imported_message(batch, name_the_file)
    return in_progress_message(batch, same_file=True, name_the_file=name_the_file)


def already_imported_message(batch, name_the_file=True):
    """Says when and by whom; `name_the_file=False` for a message others may read (a job's)."""
    when = timezone.localtime(batch.imported_at)
    who = (batch.imported_by.get_full_name() or batch.imported_by.get_username()) if batch.imported_by else "someone"
    as_named = f", as “{batch.file_name}”" if name_the_file else ""
    return (
        f"This file was already imported on {uk_date(when)} at {clock(when)}"
        + f" by {who} ({batch.row_count:,} response{'s' if batch.row_count != 1 else ''}{as_named}). "
        "Nothing has been imported again. To add new rows, export a new file: rows already imported are skipped."
    )


# -- Reading files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    index: int
    name: str
    label: str = ""  # an SPSS variable's label: often the question's wording

    def __str__(self):
        return self.name

    @property
    def description(self):
        return f"{self.name} ({self.label})" if self.label and self.label != self.name else self.name


def cell_text(value):
    """A cell as the text a person would read in it: 3.0 is "3", a date is 2022-07-31, empty is ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    try:
        if value != value:  # NaN, and pandas' NaT
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float):
        if math.isinf(value):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


def _column_name(index):
    """The spreadsheet letter of a column: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _columns_from_header(cells, labels=None):
    names = [cell_text(c) for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise ImportFileError("The first row of the file must hold the column headings, but it is empty.")
    labels = labels or {}
    return [
        Column(index, name or f"Column {_column_name(index)}", labels.get(index, "") or "")
        for index, name in enumerate(names)
    ]


class Table:
    """A file of responses: its columns, and its rows read lazily, each time afresh, so a file
    of thousands of rows is never all in memory. Row numbers are as a spreadsheet shows them:
    the headings are row 1."""

    kind = ""
    header_in_rows = True  # the first raw row is the headings

    def __init__(self, path, file_name, sheet=None, limits=None):
        self.path = Path(path)
        self.file_name = file_name
        self.sheet = sheet or None
        self.limits = limits or import_limits()
        self.deadline = time.monotonic() + self.limits["seconds"]
        self.columns = self._read_columns()
        if len(self.columns) > self.limits["columns"]:
            raise too_many_columns(len(self.columns), self.limits["columns"])

    def limited(self, raw_rows):
        """The raw rows, refused once there are more than the limit allows or reading them has
        taken too long: a few bytes of a file can stand for millions of empty rows."""
        most = self.limits["rows"] + (1 if self.header_in_rows else 0)
        for count, (number, cells) in enumerate(raw_rows, start=1):
            if count > most:
                raise too_many_rows(self.limits["rows"])
            if count % 1000 == 0 and time.monotonic() > self.deadline:
                raise too_slow(self.limits["seconds"])
            yield number, cells

    def rows(self):
        """(row number, [cell text, one per column]) for every row that isn't empty."""
        for number, cells in self.rows_and_blanks():
            if cells is not None:
                yield number, cells

    def rows_and_blanks(self):
        """(row number, [cell text, one per column]) for every row under the headings, and
        (row number, None) for each blank row among them. Blank rows after the last row with
        anything in it are left out: a spreadsheet often carries thousands of empty rows at
        its end that nobody would call part of the file."""
        width = len(self.columns)
        raw_rows = self.limited(self._raw_rows())
        if self.header_in_rows:
            next(raw_rows, None)
        first_blank = None
        for number, cells in raw_rows:
            texts = self.texts(cells[:width])
            if not any(texts):
                first_blank = number if first_blank is None else first_blank
                continue
            if first_blank is not None:
                for blank in range(first_blank, number):
                    yield blank, None
                first_blank = None
            yield number, texts + [""] * (width - len(texts))

    def count_rows(self):
        """About how many rows are under the headings, to show progress against; None if unknown."""
        return None

    @staticmethod
    def unguard(text):
        return text

    def texts(self, cells):
        """The text of each cell, as `cell_text` and `unguard` read it."""
        unguard = self.unguard
        return [unguard(cell.strip() if cell.__class__ is str else cell_text(cell)) for cell in cells]

    def _read_columns(self):
        raise NotImplementedError

    def _raw_rows(self):
        raise NotImplementedError


class CsvTable(Table):
    """Comma, semicolon or tab separated; UTF-8 (with or without a byte order mark) or, as
    Excel on Windows saves "CSV (Comma delimited)", Windows-1252."""

    kind = "csv"
    delimiters = (",", ";", "\t")

    @staticmethod
    def unguard(text):
        """A CSV export (ours among them) writes '=1+2 so that a spreadsheet shows the text
        rather than running it as a formula: the apostrophe is not part of the answer."""
        return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_STARTS else text

    def texts(self, cells):
        # Every cell of a CSV file is text: `unguard(cell.strip())`, without a call per cell,
        # as a file of 200,000 rows has millions of them.
        texts = [cell.strip() for cell in cells]
        for index, text in enumerate(texts):
            if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
                texts[index] = text[1:]
        return texts

    def _read_columns(self):
        with open(self.path, "rb") as binary:
            head = binary.read(65536)
        if b"\x00" in head:
            raise ImportFileError(
                "The selected file is not a CSV file: it holds binary data. Export the responses as CSV and try again."
            )
        self.encoding = self._encoding()
        with open(self.path, encoding=self.encoding, newline="") as text:
            sample = text.read(65536)
            truncated = bool(text.read(1))
        self.delimiter = self._delimiter(sample, truncated)
        for _, cells in self._raw_rows():
            return _columns_from_header([self.unguard(cell) for cell in cells])
        raise ImportFileError("The selected file is empty.")

    def _encoding(self):
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            with open(self.path, "rb") as binary:
                while block := binary.read(1 << 16):
                    decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            with open(self.path, "rb") as binary:
                while block := binary.read(1 << 16):
                    decoder.decode(block)
            return "cp1252"
        except UnicodeDecodeError:
            raise ImportFileError(
                "The selected file's characters could not be read. Save it as “CSV UTF-8” and try again."
            ) from None

    def _delimiter(self, sample, truncated):
        """The delimiter that splits the headings into most columns and the rows into as many."""
        best, best_score = ",", None
        for delimiter in self.delimiters:
            try:
                records = [r for r in csv.reader(io.StringIO(sample), delimiter=delimiter) if r]
            except csv.Error:
                continue
            if truncated and len(records) > 1:
                records.pop()  # probably cut short by the sample's end
            records = records[:50]
            if not records:
                continue
            width = len(records[0])
            score = (width > 1, sum(len(r) == width for r in records[1:]), width)
            if best_score is None or score > best_score:
                best, best_score = delimiter, score
        return best

    def count_rows(self):
        try:
            return max(0, sum(1 for _ in self.limited(self._raw_rows())) - 1)
        except ImportFileError:
            return None  # the check itself will say which row, or that there are too many

    def _raw_rows(self):
        with open(self.path, encoding=self.encoding, newline="") as text:
            reader = csv.reader(text, delimiter=self.delimiter)
            number = 0
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise ImportFileError(f"Row {number + 1} of the file could not be read ({error}).") from None
                number += 1
                yield number, cells


class XlsxTable(Table):
    """An Excel workbook, read a row at a time; its first sheet unless told which."""

    kind = "xlsx"

    def _check_unpacked_size(self):
        """Refuse a workbook that would unpack to more than the limits, from the sizes its zip
        declares for its parts (which the zip reader holds each part to), before opening it."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise ImportFileError(
                "The selected file could not be read as an Excel workbook. "
                "Open it in Excel, save it as an Excel Workbook (.xlsx) and try again."
            ) from error
        unpacked = sum(member.file_size for member in members)
        if len(members) > 10_000 or unpacked > self.limits["unpacked_bytes"]:
            raise FileRefused(
                f"The workbook unpacks to {_megabytes(unpacked)}, more than the "
                f"{_megabytes(self.limits['unpacked_bytes'])} one import can take. Save the responses as CSV, "
                "or split them into smaller workbooks, and upload each one."
            )
        shared_text = sum(m.file_size for m in members if PurePath(m.filename).name.casefold() == "sharedstrings.xml")
        if shared_text > self.limits["shared_text_bytes"]:
            raise FileRefused(
                f"The workbook's text unpacks to {_megabytes(shared_text)}, more than the "
                f"{_megabytes(self.limits['shared_text_bytes'])} one import can take. Save the responses as CSV, "
                "or split them into smaller workbooks, and upload each one."
            )

    def _open(self):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as error:  # a damaged or disguised file fails in many different ways
            raise ImportFileError(
                "The selected file could not be read as an Excel workbook. "
                "Open it in Excel, save it as an Excel Workbook (.xlsx) and try again."
            ) from error
        if self.sheet:
            if self.sheet not in workbook.sheetnames:
                names = ", ".join(f"“{n}”" for n in workbook.sheetnames)
                workbook.close()
                raise SheetNotFound(f"{NO_SUCH_SHEET} “{self.sheet}”. Its sheets are {names}: "
                                    "enter one of these, or leave the sheet name empty for the first sheet.")
            return workbook, workbook[self.sheet]
        return workbook, workbook.worksheets[0]

    def _read_columns(self):
        self._check_unpacked_size()
        # One column past the limit, so that too many is seen without reading them all.
        for _, cells in self._raw_rows(width=self.limits["columns"] + 1):
            return _columns_from_header(cells)
        raise ImportFileError("The sheet is empty: the first row must hold the column headings.")

    def count_rows(self):
        try:
            workbook, sheet = self._open()
        except ImportFileError:
            return None  # the check itself will say what is wrong
        try:
            last = sheet.max_row  # from the sheet's own record of its size, which may be missing
        finally:
            workbook.close()
        return max(0, last - 1) if last else None

    def _raw_rows(self, width=None):
        # As wide as the headings at most: a sheet that claims 16,384 columns is not read as
        # 16,384 cells a row.
        workbook, sheet = self._open()
        try:
            rows = sheet.iter_rows(min_row=1, max_col=width or len(self.columns), values_only=True)
            for number, cells in enumerate(rows, start=1):
                yield number, list(cells)
        finally:
            workbook.close()


class SavTable(Table):
    """An SPSS data file. Coded answers become their value labels, so 1 reads as "Tend to
    agree"; variable labels (often the question's wording) help map the columns."""

    kind = "sav"
    header_in_rows = False  # variable names and labels are in the file's dictionary
    chunk_size = 1000

    def _read_columns(self):
        import pyreadstat

        try:
            _, meta = pyreadstat.read_sav(str(self.path), metadataonly=True)
        except Exception as error:  # pyreadstat raises its own errors, and others, for a bad file
            raise ImportFileError(
                "The selected file could not be read as an SPSS data file (.sav). Save it again from SPSS and try again."
            ) from error
        labels = dict(enumerate(meta.column_labels or []))
        self.number_of_rows = meta.number_rows
        if self.number_of_rows is not None and self.number_of_rows > self.limits["rows"]:
            raise too_many_rows(self.limits["rows"])
        if len(meta.column_names) > self.limits["columns"]:
            raise too_many_columns(len(meta.column_names), self.limits["columns"])
        return _columns_from_header(meta.column_names, labels)

    def count_rows(self):
        return self.number_of_rows

    def _raw_rows(self):
        import pyreadstat

        chunks = pyreadstat.read_file_in_chunks(
            pyreadstat.read_sav, str(self.path), chunksize=self.chunk_size,
            apply_value_formats=True, formats_as_category=False,
        )
        number = 1
        for frame, _ in chunks:
            for cells in frame.itertuples(index=False, name=None):
                number += 1
                yield number, list(cells)


TABLES = {".csv": CsvTable, ".tsv": CsvTable, ".xlsx": XlsxTable, ".sav": SavTable}


def check_file_name(file_name):
    """The extension of a file we can read; ImportFileError, saying what to do, if we can't."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix in TABLES:
        return suffix
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise ImportFileError(
            f"The selected file is a {suffix} spreadsheet, which can't be read. "
            "Save it as an Excel Workbook (.xlsx) or as CSV and try again."
        )
    raise ImportFileError(f"The selected file must be a {ACCEPTED_DESCRIPTION} file.")


def open_table(path, file_name=None, sheet=None):
    """The file at `path` as a Table, by the extension of `file_name` (or of the path)."""
    file_name = file_name or Path(path).name
    suffix = check_file_name(file_name)
    size = os.path.getsize(path)
    limit = max_upload_bytes()
    if size > limit:
        raise ImportFileError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB.")
    if size == 0:
        raise ImportFileError("The selected file is empty.")
    return TABLES[suffix](path, file_name, sheet=sheet if suffix == ".xlsx" else None)


def read_table(table, *, progress=ignore_progress, sample_rows=200, per_column=3):
    """Read a file through once, as the first step of importing it: its columns, a few values
    of each to show beside it when mapping, and how many rows it has. ImportFileError if it
    can't be read, has no rows, or is beyond the limits (FileRefused)."""
    total = table.count_rows()
    samples = defaultdict(list)
    rows = 0
    progress(0, total, "Reading the rows")
    for number, cells in table.rows_and_blanks():
        if cells is None:
            continue
        rows += 1
        if rows <= sample_rows:
            for column, text in zip(table.columns, cells):
                values = samples[column.index]
                if text and text not in values and len(values) < per_column:
                    values.append(text)
        progress(number - 1, total, f"Reading row {number:,}")
    if rows == 0:
        raise ImportFileError(
            "The selected file has column headings but no rows of responses under them. "
            "Check that it is the right file, or that the responses are on its first sheet, and upload it again."
        )
    progress(rows, rows, f"Read {rows:,} rows")
    return {
        "columns": [[c.index, c.name, c.label] for c in table.columns],
        "samples": {str(index): values for index, values in samples.items()},
        "rows": rows,
        "sheet": table.sheet or "",
    }


def columns_read(result):
    """The columns `read_table` found, from what it returned."""
    return [Column(index, name, label) for index, name, label in result["columns"]]


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as binary:
        while block := binary.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


# -- Uploads kept between the steps of the staff pages ----------------------------------------

STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|tsv|xlsx|sav)$")
# What a job found in an upload, kept beside it and deleted with it.
RESULT_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|tsv|xlsx|sav)\.job[0-9]+\.json$")


def upload_folder():
    return Path(settings.MEDIA_ROOT) / UPLOAD_FOLDER


def _object_storage():
    """The object store uploads are kept in (S3_BUCKET), where every web server and worker
    finds them; None when files are on this machine's disk, in `upload_folder()`."""
    storage = storages["default"]
    return None if isinstance(storage, FileSystemStorage) else storage


def _object_name(name):
    return f"{UPLOAD_FOLDER}/{name}"


def store_upload(upload, file_name):
    """Keep an uploaded file server-side under a random name; (stored name, SHA-256)."""
    suffix = check_file_name(file_name)
    stored_name = f"{secrets.token_hex(16)}{suffix}"
    digest = hashlib.sha256()
    blocks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1 << 20), b"")
    storage = _object_storage()
    if storage is not None:
        for block in blocks:
            digest.update(block)
        upload.seek(0)
        storage.save(_object_name(stored_name), upload)
        return stored_name, digest.hexdigest()
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / stored_name, "xb") as out:
        os.chmod(out.fileno(), settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        for block in blocks:
            digest.update(block)
            out.write(block)
    return stored_name, digest.hexdigest()


def stored_upload_path(stored_name):
    """The path of a stored upload on this machine's disk, or None if the name isn't one we
    made or the file is gone. (In object storage: `upload_exists`, `local_upload`.)"""
    if not STORED_NAME.match(stored_name or ""):
        return None
    path = upload_folder() / stored_name
    return path if path.is_file() else None


def upload_exists(stored_name):
    """Whether an upload is still kept, wherever uploads are kept."""
    storage = _object_storage()
    if storage is None:
        return stored_upload_path(stored_name) is not None
    return bool(STORED_NAME.match(stored_name or "")) and storage.exists(_object_name(stored_name))


@contextmanager
def local_upload(stored_name):
    """The path of an upload on this machine, for the readers, while the block runs; None if it
    is gone. From object storage it is copied to a private temporary folder, deleted after."""
    storage = _object_storage()
    if storage is None:
        yield stored_upload_path(stored_name)
        return
    if not STORED_NAME.match(stored_name or ""):
        yield None
        return
    try:
        source = open_stored(storage, _object_name(stored_name))
    except FileNotFoundError:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="haveyoursay-import-") as folder:
        path = Path(folder) / stored_name
        with closing(source), open(path, "xb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
        yield path


def delete_upload(stored_name):
    """Delete the upload and whatever jobs found in it; but not the file of an import that stopped
    part-way, which is kept to resume from until the import is discarded."""
    if not STORED_NAME.match(stored_name or ""):
        return
    if ImportBatch.objects.unfinished().filter(upload=stored_name).exists():
        return
    storage = _object_storage()
    if storage is not None:
        _, names = storage.listdir(UPLOAD_FOLDER)
        for name in names:
            if name.startswith(f"{stored_name}.job") and RESULT_NAME.match(name):
                storage.delete(_object_name(name))
        storage.delete(_object_name(stored_name))
        return
    folder = upload_folder()
    if not folder.is_dir():
        return
    for path in folder.glob(f"{stored_name}.job*.json"):
        if RESULT_NAME.match(path.name):
            path.unlink(missing_ok=True)
    (folder / stored_name).unlink(missing_ok=True)


def result_path(stored_name, job_id):
    if not STORED_NAME.match(stored_name or ""):
        raise ValueError("Not the name of a stored upload")
    return upload_folder() / f"{stored_name}.job{int(job_id)}.json"


def save_result(stored_name, job_id, data):
    """Keep what job `job_id` found in an upload, for the uploading person's page. Written
    whole then renamed (or, in object storage, stored whole), so a page never reads half of it."""
    path = result_path(stored_name, job_id)
    storage = _object_storage()
    if storage is not None:
        name = _object_name(path.name)
        storage.delete(name)  # a job that runs again finds afresh
        storage.save(name, ContentFile(json.dumps(data, ensure_ascii=False).encode()))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with open(partial, "w", encoding="utf-8") as out:
        os.chmod(out.fileno(), settings.FILE_UPLOAD_PERMISSIONS or 0o640)
        json.dump(data, out, ensure_ascii=False)
    os.replace(partial, path)


def load_result(stored_name, job_id):
    """What job `job_id` found in an upload, or None if it found nothing or it has been deleted."""
    try:
        path = result_path(stored_name, job_id)
        storage = _object_storage()
        if storage is not None:
            with storage.open(_object_name(path.name), "rb") as source:
                return json.loads(source.read().decode("utf-8"))
        with open(path, encoding="utf-8") as source:
            return json.load(source)
    except (OSError, ValueError):
        return None


def remove_stale_uploads(older_than=UPLOAD_LIFETIME):
    """Delete uploads nobody finished importing within a day, but not the file of an import that
    stopped part-way: it is kept to resume from until that import is resumed or discarded.
    Returns how many."""
    cutoff = time.time() - older_than.total_seconds()
    kept = {name for name in ImportBatch.objects.unfinished().values_list("upload", flat=True) if name}
    removed = 0
    storage = _object_storage()
    if storage is not None:
        _, names = storage.listdir(UPLOAD_FOLDER)
        for name in names:
            if name in kept:
                continue
            if STORED_NAME.match(name) or RESULT_NAME.match(name):
                try:
                    if storage.get_modified_time(_object_name(name)).timestamp() < cutoff:
                        storage.delete(_object_name(name))
                        removed += 1
                except FileNotFoundError:
                    pass  # deleted meanwhile by its import
        return removed
    folder = upload_folder()
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.name in kept:
            continue
        if STORED_NAME.match(path.name) or RESULT_NAME.match(path.name) or path.name.endswith(".json.part"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                pass  # deleted meanwhile by its import
    return removed


# -- What a column can be mapped to -----------------------------------------------------------

ABOUT_THE_RESPONSE = "About the response"


@dataclass(frozen=True, eq=False)
class Target:
    """Something one column can fill: a whole answer, one part of one (an option's 0/1, a
    statement of a grid, an option's rank, the "other" words), or a detail of the response."""

    key: str  # stored in the mapping: "vision", "find_out[gp_surgery]", "find_out[*other]", "@respondent_id"
    label: str  # shown in the select
    group: str
    role: str  # answer, other, option, rank, statement, or special
    question: object = None
    part: str = ""  # the option's or statement's value
    names: tuple = ()  # headings that map to it automatically


SPECIALS = [
    ("@respondent_id", "Respondent reference or ID (to recognise rows already imported)", (
        "id", "respondent id", "respondent_id", "respondentid", "response id", "response_id", "responseid",
        "reference", "response reference", "ref", "unique id", "record id", "case id", "caseid", "serial",
    )),
    ("@date", "Date received or submitted (sets both)", ("date", "response date", "date of response")),
    ("@submitted_at", "Date (and time) submitted", (
        "submitted", "submitted_at", "submitted at", "submitted (europe/london)", "date submitted",
        "submission date", "completed", "date completed", "completion date", "end date", "enddate", "timestamp",
    )),
    ("@received_on", "Date received (by post, email or phone)", (
        "received_on", "received on", "date received", "received",
    )),
    ("@organisation_name", "Organisation name", (
        "organisation", "organisation name", "organisation_name", "organization", "organization name",
        "name of organisation",
    )),
    ("@organisation_role", "Organisation role (the respondent's role in it)", (
        "organisation role", "organisation_role", "organization role", "role in the organisation", "role",
        "job title", "your role",
    )),
    ("@respondent_kind", "Respondent kind: individual or organisation", (
        "respondent kind", "respondent_kind", "responding as", "response type",
    )),
    ("@channel", "Channel: how the response came (paper form, email, phone, online)", (
        "channel", "how it arrived", "response channel", "how received", "received by", "received via",
        "method of response",
    )),
]
# The channel a row's words name; a row without one came by import.
CHANNEL_WORDS = {
    **{label.casefold(): value for value, label in Response.Channel.choices},
    **{value: value for value in Response.Channel.values},
    "paper": "paper", "post": "paper", "letter": "paper", "freepost": "paper", "form": "paper",
    "e-mail": "email", "telephone": "phone", "phone call": "phone", "web": "online", "website": "online",
    "internet": "online", "imported": "import",
}
TEMPLATE_HEADINGS = ("Respondent ID", "Date received", "Channel")


def normalise_heading(text):
    return " ".join((text or "").split()).casefold()


def _short(text, length=60):
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def targets_for(questionnaire):
    """Every target a column of this questionnaire's file may be mapped to, in question order.
    Each question offers its whole answer in one column (except a grid) and each column our own
    export writes for it (`export_columns`), so our own export maps itself."""
    targets = [
        Target(key, label, ABOUT_THE_RESPONSE, "special", names=names) for key, label, names in SPECIALS
    ]
    sections = {pk: number for number, pk in enumerate(questionnaire.pages.values_list("pk", flat=True), start=1)}
    questions = questionnaire.ordered_questions().select_related("page").prefetch_related("options")
    # Each question by its number and words, grouped by its section, as the questionnaire shows
    # them: the person matching columns knows the questions, not the codes they are stored by.
    for number, question in enumerate(questions, start=1):
        type_ = question.type
        code, kind = question.code, question.kind
        group = f"Section {sections.get(question.page_id, '')}: {question.page.title}"
        short = f"{number}. {_short(question.text, 40)}"  # leaving room for the part it names
        options = list(question.options.all())
        exported = type_.export_columns(question)
        if kind != "grid":
            label = {
                "multiple": f"{short}: all the answers in one column (a; b; c)",
                "ranking": f"{short}: the whole order in one column (1. x; 2. y)",
            }.get(kind, f"{number}. {_short(question.text, 90)}")
            names = (code, question.text, f"{question.text} [{code}]")
            if kind not in ("multiple", "ranking"):
                names += tuple(exported[0])
            targets.append(Target(code, label, group, "answer", question, names=names))
        if kind in ("single", "agree", "importance", "area") and type_.has_other(question):
            targets.append(Target(f"{code}[*other]", f"{short}: the words of “other”", group, "other", question,
                                  names=tuple(exported[1])))
        if kind == "multiple":
            for option, names in zip(options, exported):
                targets.append(Target(f"{code}[{option.value}]", f"{short}: {_short(option.label)} (0 or 1)", group,
                                      "option", question, option.value, tuple(names)))
            if any(o.other for o in options):
                targets.append(Target(f"{code}[*other]", f"{short}: the words of “other”", group, "other", question,
                                      names=tuple(exported[-1])))
        if kind == "ranking":
            for option, names in zip(options, exported):
                targets.append(Target(f"{code}[{option.value}]", f"{short}: rank of {_short(option.label)}", group,
                                      "rank", question, option.value, tuple(names)))
        if kind == "grid":
            for statement, names in zip(type_.statements(question), exported):
                targets.append(Target(f"{code}[{statement['value']}]", f"{short}: {_short(statement['label'])}", group,
                                      "statement", question, statement["value"], tuple(names)))
    return targets


def template_headings(questionnaire):
    """The headings of a file to fill in by hand and import: the respondent's ID, the date
    received and the channel, then each question in order (a grid: each of its statements),
    headed by its words, so that every column is matched by itself. A question whose words
    another also has is told apart by its code."""
    questions = list(questionnaire.ordered_questions().prefetch_related("options"))
    texts = Counter(question.text for question in questions)
    headings = list(TEMPLATE_HEADINGS)
    for question in questions:
        if question.kind == "grid":
            headings += [heading for _, heading in question.type.export_columns(question)]
        elif texts[question.text] > 1:
            headings.append(f"{question.text} [{question.code}]")
        else:
            headings.append(question.text)
    return headings


def target_choices(targets):
    """Choices for a select: "Ignore this column", then one group per question."""
    groups = {}
    for target in targets:
        groups.setdefault(target.group, []).append((target.key, target.label))
    return [("", "Ignore this column")] + list(groups.items())


def propose_mapping(columns, targets):
    """{column index: target key} for each column whose heading (or SPSS label) is a target's
    export column name or question text, in any case. Each target is proposed once at most."""
    by_name = {}
    for target in sorted(targets, key=lambda t: t.role == "special"):  # a question coded "date" wins
        for name in target.names:
            by_name.setdefault(normalise_heading(name), target)
    proposal, used = {}, set()
    for column in columns:
        for heading in (column.name, column.label):
            target = by_name.get(normalise_heading(heading)) if heading else None
            if target is not None and target.key not in used:
                proposal[column.index] = target.key
                used.add(target.key)
                break
    return proposal


class Mapping:
    """Which column fills which target: checked so that every target is filled once at most."""

    def __init__(self, columns, targets, chosen):
        self.columns = list(columns)
        self.targets = {t.key: t for t in targets}
        self.chosen = {int(i): key for i, key in chosen.items() if key}
        errors, taken = {}, {}
        by_index = {c.index: c for c in self.columns}
        for index, key in sorted(self.chosen.items()):
            column = by_index.get(index)
            if column is None:
                errors[index] = f"The file has no column {index + 1}"
            elif key not in self.targets:
                errors[index] = f"Column {column.name}: “{key}” is not something a column can be mapped to"
            elif key in taken:
                errors[index] = (
                    f"Column {column.name}: “{self.targets[key].label}” is already mapped from column "
                    f"{taken[key].name}. Map each answer from one column only"
                )
            else:
                taken[key] = column
        if not errors and not any(self.targets[k].role != "special" for k in self.chosen.values()):
            errors[None] = "Map at least one column to a question"
        if errors:
            raise MappingError(errors)
        self.pairs = [(by_index[i], self.targets[k]) for i, k in sorted(self.chosen.items())]

    def target_of(self, column):
        key = self.chosen.get(column.index)
        return self.targets[key] if key else None

    def as_json(self):
        return {"columns": [{"index": c.index, "name": c.name, "target": t.key} for c, t in self.pairs]}

    @classmethod
    def from_json(cls, columns, targets, data):
        """A mapping as `as_json` writes it, or a plain {column heading: target}, where a target
        is a key ("vision", "find_out[gp_surgery]", "@respondent_id"), the name of a column of our
        own export ("find_out_gp_surgery"), or "ignore". Columns it doesn't name keep the
        automatic proposal."""
        chosen = propose_mapping(columns, targets)
        by_heading = {}
        for column in columns:
            by_heading.setdefault(normalise_heading(column.name), column)
        if isinstance(data, dict) and isinstance(data.get("columns"), list):
            items = [(entry.get("name", ""), entry.get("target", ""), entry.get("index")) for entry in data["columns"]]
            chosen = {}
        elif isinstance(data, dict):
            items = [(heading, target, None) for heading, target in data.items()]
        else:
            raise MappingError({None: "A mapping must be a JSON object of {column heading: target}"})
        keys = {t.key for t in targets}
        export_names = {}
        for target in targets:
            if target.role != "special" and target.names:
                export_names.setdefault(normalise_heading(target.names[0]), target.key)
        errors = {}
        for heading, target, index in items:
            column = next((c for c in columns if c.index == index and c.name == heading), None) if index is not None else None
            column = column or by_heading.get(normalise_heading(heading))
            if column is None:
                errors[f"missing:{heading}"] = f"The file has no column headed “{heading}”"
                continue
            wanted = (target or "").strip()
            if wanted.casefold() in ("", "ignore"):
                chosen.pop(column.index, None)
            elif wanted in keys:
                chosen[column.index] = wanted
            elif normalise_heading(wanted) in export_names:
                chosen[column.index] = export_names[normalise_heading(wanted)]
            else:
                errors[column.index] = f"Column {column.name}: “{wanted}” is not a question, part of one, or detail"
        if errors:
            raise MappingError(errors)
        return cls(columns, targets, chosen)


# -- Checking rows ------------------------------------------------------------------------------


@dataclass
class Problem:
    level: str  # "error" stops the import; "warning" doesn't; "early" (dated before the consultation
    # opened) doesn't once the person importing has confirmed it; "skipped" is a row left out
    row: int | None
    column: str | None
    message: str

    def __str__(self):
        place = ", ".join(p for p in (f"Row {self.row}" if self.row else "", f"column {self.column}" if self.column else "") if p)
        return f"{place}: {self.message}" if place else self.message


@dataclass
class Check:
    """What a dry run found; an import returns the same, counted as it went.

    `rows_read` counts the rows with anything in them; `blank` the empty rows among them;
    `early` the rows to import that are dated before the consultation opened, which are imported
    only when the person importing confirms them.
    """

    rows_read: int = 0
    to_import: int = 0
    duplicates: int = 0
    empty: int = 0
    blank: int = 0
    early: int = 0
    problems: list = field(default_factory=list)

    @property
    def rows_in_file(self):
        return self.rows_read + self.blank

    def as_json(self):
        return {
            "rows_read": self.rows_read, "to_import": self.to_import, "duplicates": self.duplicates,
            "empty": self.empty, "blank": self.blank, "early": self.early,
            "problems": [[p.level, p.row, p.column, p.message] for p in self.problems],
        }

    @classmethod
    def from_json(cls, data):
        names = ("rows_read", "to_import", "duplicates", "empty", "blank", "early")
        counts = {name: int(data.get(name) or 0) for name in names}
        return cls(**counts, problems=[Problem(*problem) for problem in data.get("problems", [])])

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self):
        """Everything that doesn't stop the import, the early dates among them."""
        return [p for p in self.problems if p.level in ("warning", "early")]

    @property
    def other_warnings(self):
        return [p for p in self.problems if p.level == "warning"]

    @property
    def early_dates(self):
        return [p for p in self.problems if p.level == "early"]

    @property
    def skipped(self):
        return [p for p in self.problems if p.level == "skipped"]

    @property
    def ok(self):
        return not self.errors

    def summary_lines(self):
        return [
            f"Rows read: {self.rows_read:,}",
            f"Rows to import: {self.to_import:,}" if self.ok else "Rows to import: none until the problems are fixed",
            f"Rows skipped as already imported: {self.duplicates:,}",
            f"Rows skipped with no answers: {self.empty:,}",
            f"Blank rows skipped: {self.blank:,}",
            f"Problems: {len(self.errors):,}",
            f"Warnings: {len(self.warnings):,}",
            *([f"Rows dated before the consultation opened: {self.early:,}"] if self.early else []),
        ]


@dataclass
class Row:
    number: int
    key: str = ""
    key_column: str | None = None
    answers: dict = field(default_factory=dict)  # {question's pk: value}
    details: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    status: str = "import"  # import, duplicate, empty, blank
    written: bool = False  # by the unfinished import being carried on
    early: bool = False  # dated before the consultation opened

    def error(self, column, message):
        self.problems.append(Problem("error", self.number, column, message))

    def warn(self, column, message):
        self.problems.append(Problem("warning", self.number, column, message))

    @property
    def has_errors(self):
        return any(p.level == "error" for p in self.problems)


TRUE_WORDS = {"1", "yes", "y", "true", "x", "✓", "✔", "ticked", "checked", "selected", "chosen", "on"}
FALSE_WORDS = {
    "", "0", "no", "n", "false", "off", "not selected", "unselected", "not checked", "unchecked", "not ticked",
    "not chosen",
}
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y")
TIME_FORMATS = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")


def parse_when(text, zone=None):
    """(datetime, has a time) from a date or date-and-time cell; ValueError if it is neither.
    Dates are read the UK way round: 01/07/2022 is 1 July. A naive one is in `zone`, or else
    the current time zone."""
    text = " ".join(text.split())
    try:
        moment = datetime.datetime.fromisoformat(text)
        has_time = bool(re.search(r"[T ]\d", text))
    except ValueError:
        moment = None
        for date_format in DATE_FORMATS:
            for time_format in ("",) + TIME_FORMATS:
                try:
                    moment = datetime.datetime.strptime(text, f"{date_format} {time_format}".strip())
                except ValueError:
                    continue
                has_time = bool(time_format)
                break
            if moment:
                break
        if moment is None:
            raise ValueError(text) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    return moment, has_time


NOT_KNOWN = object()


@dataclass(eq=False)
class MappedQuestion:
    """One question with the columns mapped to it, and what reading them needs, worked out once
    per file rather than for each of its rows: its type, its options, which column holds the
    whole answer and which the words of "other"."""

    question: object
    parts: list  # [(column, target)], in the file's order

    # A file of 200,000 rows says "Tend to agree" hundreds of thousands of times: what a choice's
    # words stand for is read once per question (up to this many different words).
    KNOWN_WORDS = 1000

    def __post_init__(self):
        question = self.question
        self.pk = question.pk
        self.type = question.type
        self.kind = question.kind
        self.known = {}  # a cell's words -> the value `from_text` made of them, for single choices
        self.known_rows = {}  # (a grid's statement, a cell's words) -> `row_from_text`
        self.whole = next((column for column, target in self.parts if target.role == "answer"), None)
        self.other = next((column for column, target in self.parts if target.role == "other"), None)
        self.options = {option.value: option for option in question.options.all()}
        self.other_option = next((option for option in self.options.values() if option.other), None)
        # An option's words, casefolded, as a 0/1 column's cell may name it.
        self.option_words = {
            value: (option.label.casefold(), option.value.casefold()) for value, option in self.options.items()
        }
        self.remembers = type(self.type).from_text is SingleChoice.from_text

    def from_text(self, text):
        """The question type's `from_text`; for a single choice, which depends only on the
        question's options, remembered, and copied, as the value may be given "other" words."""
        if not self.remembers:
            return self.type.from_text(self.question, text)
        value = self.known.get(text, NOT_KNOWN)
        if value is NOT_KNOWN:
            value = self.type.from_text(self.question, text)  # an AnswerError is not remembered
            if len(self.known) < self.KNOWN_WORDS:
                self.known[text] = value
        return dict(value) if value is not None else None

    def row_from_text(self, statement, text):
        """A grid's `row_from_text`, remembered: a statement's answer depends only on the options."""
        key = (statement, text)
        choice = self.known_rows.get(key, NOT_KNOWN)
        if choice is NOT_KNOWN:
            choice = self.type.row_from_text(self.question, statement, text)
            if len(self.known_rows) < self.KNOWN_WORDS:
                self.known_rows[key] = choice
        return choice


class RowReader:
    """Turns one row of cells into answers and details, through each question's type."""

    def __init__(self, questionnaire, mapping):
        self.questionnaire = questionnaire
        self.mapping = mapping
        self.by_question = defaultdict(list)  # question -> [(column, target)]
        self.specials = {}
        for column, target in mapping.pairs:
            if target.role == "special":
                self.specials[target.key] = column
            else:
                self.by_question[target.question].append((column, target))
        self.questions = list(self.by_question)
        self.mapped = [MappedQuestion(question, parts) for question, parts in self.by_question.items()]
        self.codes = {question.pk: question.code for question in self.questions}
        all_questions = list(questionnaire.ordered_questions().select_related("page"))
        self.required_mapped = [q for q in self.questions if q.required]
        # Each required question with the conditions on its page and itself, asked once.
        self.required_conditions = [(q, q.page.condition, q.condition) for q in self.required_mapped]
        self.required_unmapped = [q for q in all_questions if q.required and q not in self.by_question]
        self.seen_contents = Counter()
        self.opens_on = questionnaire.consultation.opens_on
        self.zone = timezone.get_current_timezone()

    def file_warnings(self):
        return [
            Problem("warning", None, None, f"No column is matched to the required question {wording(q)}: "
                    "no row will have an answer to it. If the file has a column for it, match it to the question.")
            for q in self.required_unmapped
        ]

    def read(self, number, cells):
        row = Row(number)
        answers = row.answers
        for mapped in self.mapped:
            value = self._answer(row, mapped, cells)
            if value is not None:
                answers[mapped.pk] = value
        self._details(row, cells)
        if not answers and not row.has_errors:
            row.status = "empty"
            return row
        self._key(row, cells)
        if not self.required_conditions:
            return row
        answered = {self.codes[pk]: v for pk, v in answers.items()}
        missing = [
            wording(q, 50) for q, page_condition, condition in self.required_conditions
            if q.pk not in answers and condition_met(page_condition, answered) and condition_met(condition, answered)
        ]
        if missing and not row.has_errors:  # an answer with an error is missing for its own reason
            names = ", ".join(missing)
            row.warn(None, f"no answer to the required question{'s' if len(missing) > 1 else ''} {names} "
                           "(imported all the same)")
        return row

    # Answers --------------------------------------------------------------------------------

    def _answer(self, row, mapped, cells):
        whole = None
        value = None
        if mapped.whole is not None:
            text = cells[mapped.whole.index]
            if text:
                whole = (mapped.whole, text)
                try:
                    value = mapped.from_text(text)
                except AnswerError as error:
                    row.error(mapped.whole.name, str(error))
                    return None
        kind = mapped.kind
        if kind == "multiple":
            return self._multiple(row, mapped, cells, value, whole)
        if kind == "ranking":
            return self._ranking(row, mapped, cells, value, whole)
        if kind == "grid":
            return self._grid(row, mapped, cells)
        other_words = cells[mapped.other.index] if mapped.other is not None else ""
        if other_words:
            other_option = mapped.other_option
            if value is None and other_option is not None:
                value = {"choice": other_option.value, "other": other_words}
            elif value is not None and other_option is not None and value.get("choice") == other_option.value:
                value["other"] = value.get("other") or other_words
        return value

    def _multiple(self, row, mapped, cells, value, whole):
        question, options = mapped.question, mapped.options
        chosen = {}  # option value -> column it came from
        other_words = ""
        if value:
            for choice in value["choices"]:
                chosen[choice] = whole[0]
            other_words = value.get("other", "")
        for column, target in mapped.parts:
            role = target.role
            if role == "option":
                text = cells[column.index]
                folded = text.casefold()
                if folded in FALSE_WORDS:
                    continue
                option = options[target.part]
                if folded in TRUE_WORDS or folded in mapped.option_words[target.part]:
                    chosen.setdefault(option.value, column)
                    continue
                try:
                    number = float(text)
                except ValueError:
                    number = None
                if number in (0.0, 1.0):
                    if number:
                        chosen.setdefault(option.value, column)
                    continue
                row.error(column.name, f"{wording(question)}: “{text}” is not 0 or 1 (for “{option.label}”). "
                                      "Use 1 for chosen, 0 or nothing for not chosen")
                return None
            elif role == "other":
                text = cells[column.index]
                if text:
                    other_words = other_words or text
                    if mapped.other_option is not None:
                        chosen.setdefault(mapped.other_option.value, column)
        if not chosen:
            return None
        exclusive = [v for v in chosen if options[v].exclusive]
        if exclusive and len(chosen) > 1:
            option = options[exclusive[0]]
            row.error(chosen[option.value].name,
                      f"{wording(question)}: “{option.label}” can't be chosen with other answers. "
                      "Keep it or the others")
            return None
        return {"choices": [v for v in options if v in chosen], "other": other_words}

    def _ranking(self, row, mapped, cells, value, whole):
        question, options = mapped.question, mapped.options
        ranks, columns = {}, {}
        for column, target in mapped.parts:
            if target.role != "rank":
                continue
            text = cells[column.index]
            if not text:
                continue
            try:
                number = float(text)
                if not number.is_integer() or number < 1:
                    raise ValueError
            except ValueError:
                label = options[target.part].label
                row.error(column.name, f"{wording(question)}: “{text}” is not a rank for “{label}”. "
                                       "Use a whole number from 1, or nothing if it wasn't ranked")
                return None
            ranks[target.part] = int(number)
            columns[target.part] = column
        if ranks:
            if value is not None:
                row.error(whole[0].name, f"{wording(question)} is ranked in this column and in its rank columns: "
                                         "match only one or the other")
                return None
            order = sorted(ranks.values())
            if order != list(range(1, len(order) + 1)):
                first = next(v for v in options if v in ranks)
                row.error(columns[first].name,
                          f"{wording(question)}: the ranks must run from 1 to {len(order)} without gaps or repeats, "
                          f"but they are {', '.join(map(str, order))}")
                return None
            return {"ranking": sorted(ranks, key=ranks.get)}
        if value is not None:
            repeated = [v for v, n in Counter(value["ranking"]).items() if n > 1]
            if repeated:
                row.error(whole[0].name, f"{wording(question)}: “{options[repeated[0]].label}” is ranked twice. "
                                         "Rank each answer once")
                return None
        return value

    def _grid(self, row, mapped, cells):
        rows = {}
        for column, target in mapped.parts:
            if target.role != "statement":
                continue
            try:
                choice = mapped.row_from_text(target.part, cells[column.index])
            except AnswerError as error:
                row.error(column.name, str(error))
                continue
            if choice is not None:
                rows[target.part] = choice
        return {"rows": rows} if rows and not row.has_errors else None

    # Details of the response ----------------------------------------------------------------

    # One date for both, as most tools give; or, as our own export gives, each on its own.
    # A response received on a day was submitted then, unless the file says when.
    DATES = (("@date", ("submitted_at", "received_on")), ("@submitted_at", ("submitted_at",)),
             ("@received_on", ("received_on", "submitted_at")))

    def _details(self, row, cells):
        zone = self.zone
        today = None

        def text_of(key):
            column = self.specials.get(key)
            return (column, cells[column.index]) if column is not None else (None, "")

        for key, fields in self.DATES:
            column, text = text_of(key)
            if not text:
                continue
            try:
                moment, has_time = parse_when(text, zone)
            except ValueError:
                row.error(column.name, f"“{text}” is not a date (use 31/07/2022 or 2022-07-31, with a time if known)")
                continue
            day = timezone.localtime(moment, zone).date() if has_time else moment.date()
            if today is None:
                today = timezone.localdate(timezone=zone)
            if (moment > timezone.now()) if has_time else (day > today):
                row.error(column.name, f"“{text}” is in the future: no response can have been received after today, "
                                       f"{uk_date(today)}. Correct the date in the file and upload it again")
                continue
            if self.opens_on is not None and day < self.opens_on and not row.early:
                row.early = True
                row.problems.append(Problem(
                    "early", row.number, column.name,
                    f"dated “{text}”, before the consultation opened on {uk_date(self.opens_on)}",
                ))
            if "submitted_at" in fields and (key != "@received_on" or "submitted_at" not in row.details):
                row.details["submitted_at"] = moment
            if "received_on" in fields:
                row.details["received_on"] = timezone.localtime(moment, zone).date() if has_time else moment.date()
        for key, field_name in (("@organisation_name", "organisation_name"), ("@organisation_role", "organisation_role")):
            column, text = text_of(key)
            if len(text) > 200:
                what = field_name.replace("_", "'s ")
                row.error(column.name, f"is {len(text):,} characters, more than the 200 allowed for an {what}")
            elif text:
                row.details[field_name] = text
        column, text = text_of("@respondent_kind")
        folded = text.casefold()
        if not folded:
            kind = Response.RespondentKind.ORGANISATION if row.details.get("organisation_name") else Response.RespondentKind.INDIVIDUAL
        elif "organi" in folded or folded in ("business", "group", "on behalf of an organisation"):
            kind = Response.RespondentKind.ORGANISATION
        elif folded in ("individual", "as an individual", "myself", "me", "personal", "person", "resident", "member of the public"):
            kind = Response.RespondentKind.INDIVIDUAL
        else:
            row.error(column.name, f"“{text}” is not a kind of respondent: use “individual” or “organisation”")
            kind = Response.RespondentKind.INDIVIDUAL
        row.details["respondent_kind"] = kind
        column, text = text_of("@channel")
        if text:
            channel = CHANNEL_WORDS.get(" ".join(text.split()).casefold())
            if channel is None:
                labels = ", ".join(label for _, label in Response.Channel.choices)
                row.error(column.name,
                          f"“{text}” is not a channel: use one of {labels}, or leave it empty for “Imported”")
            else:
                row.details["channel"] = channel

    def _key(self, row, cells):
        column = self.specials.get("@respondent_id")
        text = cells[column.index] if column is not None else ""
        if text:
            if len(text) > KEY_MAX_LENGTH:
                row.error(column.name, f"a respondent ID must be {KEY_MAX_LENGTH} characters or fewer")
                return
            row.key, row.key_column = text, column.name
            return
        # No ID: the row's own content, so the same row in another file is recognised. Two
        # identical rows in one file are two responses: the second one's key counts it.
        values = [c.strip() for c in cells]
        while values and not values[-1]:
            values.pop()
        digest = hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()
        self.seen_contents[digest] += 1
        occurrence = self.seen_contents[digest]
        row.key = f"row:{digest}" + (f":{occurrence}" if occurrence > 1 else "")


def _rows(questionnaire, table, mapping, carrying_on=None):
    """Every row of the file, read and checked, with duplicates of earlier imports marked, and
    a Row with status "blank" for each blank row among them. Carrying on with an unfinished
    import, the rows it has written already are marked `written`."""
    reader = RowReader(questionnaire, mapping)
    seen_ids = {}  # respondent ID -> row number, within this file
    chunk = []

    def mark_duplicates(rows):
        keys = [r.key for r in rows if r.key]
        if not keys:
            return
        existing = Response.objects.filter(questionnaire=questionnaire)
        imported = set(existing.filter(import_key__in=keys).values_list("import_key", flat=True))
        references = set(existing.filter(reference__in=keys).values_list("reference", flat=True))
        written = set()
        if carrying_on is not None:
            written = set(Response.all_objects.filter(import_batch=carrying_on, import_key__in=keys)
                          .values_list("import_key", flat=True))
        for row in rows:
            if row.key in written:
                row.written = True
                continue
            if row.key in imported or row.key in references:
                row.status = "duplicate"
                row.problems = []  # a row that won't be imported can't stop the others
                what = f"“{row.key}” " if row.key_column else ""
                place = "this questionnaire already has the response" if row.key in references else "already imported"
                row.problems.append(Problem("skipped", row.number, row.key_column, f"{what}{place}, will be skipped".strip()))

    for number, cells in table.rows_and_blanks():
        if cells is None:
            chunk.append(Row(number, status="blank"))
            continue
        row = reader.read(number, cells)
        if row.key_column:
            if row.key in seen_ids:
                row.error(row.key_column, f"the respondent ID “{row.key}” is also on row {seen_ids[row.key]}: "
                                          "each row needs its own")
            else:
                seen_ids[row.key] = number
        chunk.append(row)
        if len(chunk) >= CHUNK_SIZE:
            mark_duplicates(chunk)
            yield from chunk
            chunk = []
    mark_duplicates(chunk)
    yield from chunk


def check_rows(questionnaire, table, mapping, *, progress=ignore_progress):
    """The dry run: every row read and checked, nothing written.

    `progress(done, total, message)` is told how many rows have been checked, of about how many."""
    check = Check(problems=RowReader(questionnaire, mapping).file_warnings())
    total = table.count_rows()
    progress(0, total, "Checking the rows")
    for row in _rows(questionnaire, table, mapping):
        _count(check, row)
        progress(row.number - 1, total, f"Checking row {row.number:,}")  # row 1 is the headings
    if check.rows_read == 0:
        check.problems.append(Problem("error", None, None, "The file has no rows of responses under its headings."))
    progress(check.rows_in_file, check.rows_in_file, f"Checked {check.rows_in_file:,} rows")
    return check


def _count(check, row):
    if row.status == "blank":
        check.blank += 1
        return
    check.rows_read += 1
    check.problems.extend(row.problems)
    if row.status == "duplicate":
        check.duplicates += 1
    elif row.status == "empty":
        check.empty += 1
        check.problems.append(Problem("warning", row.number, None, "no answers in the mapped columns, will be skipped"))
    elif not row.has_errors:
        check.to_import += 1
        check.early += row.early


def previous_import(questionnaire, sha256):
    """The import of this file that still counts, or is being written; an undone one does not
    stop it being imported again."""
    batches = ImportBatch.objects.filter(questionnaire=questionnaire, file_sha256=sha256, undone_at__isnull=True)
    return batches.select_related("imported_by", "job").first()


def unfinished_import(questionnaire):
    """The import into this questionnaire being written, or stopped part-way, if there is one."""
    unfinished = ImportBatch.objects.unfinished().filter(questionnaire=questionnaire)
    return unfinished.select_related("imported_by", "job").first()


def import_rows(
    questionnaire, table, mapping, *, user=None, file_name=None, progress=ignore_progress, then=None,
    include_early=False, job_id=None, upload="", chunk_rows=None, started=None,
):
    """Import every row, or none that anyone sees. Returns (batch, check).

    The rows are checked first, writing nothing (the dry run). Then they are written in chunks
    of about WRITE_CHUNK_SECONDS' writing (`ChunkSize`; of `chunk_rows` rows, if given), each
    its own short transaction with a rest after it, so that respondents saving their answers
    wait for one chunk at most, never for the whole file; the batch says how many are written
    so far. Until the last is written, no response of the batch is
    counted, listed or exported by anything (`Response.objects`); then one write makes the
    batch complete, and all of them are there at once. `then(batch, check)` is called inside
    that last transaction, so that what it writes (the audit trail's record, say) is kept only
    with the completed import.

    An import stopped part-way (its worker killed, the machine restarted, an error) leaves its
    batch unfinished, with its rows unseen. The same file imported again carries on from the
    first row not written, skipping those written by their import keys; `discard_import`
    deletes them instead.

    AlreadyImported if this file was imported before, or is imported by someone else while
    this runs; ImportInProgress if another import into the questionnaire is being written or
    was stopped part-way (or this file is being imported by other work); ImportRefused (with
    the check) if any row has an error, or EarlyDatesNotConfirmed if rows are dated before the
    consultation opened and `include_early` doesn't confirm them. Rows already imported, by ID
    or by content, are skipped and counted, as are blank rows and rows with no answers.

    `progress(done, total, message)` hears of the dry run row by row, then of the writing:
    responses written of responses to write. `job_id` is the job doing the work, and `upload`
    the stored upload it reads (`store_upload`), kept on the batch to carry on from.
    `started(batch)` is called in the transaction that creates the batch, not when carrying on."""
    sha256 = file_sha256(table.path)
    batch = _batch_to_carry_on(questionnaire, sha256, job_id)
    check = check_rows(questionnaire, table, mapping, progress=progress)
    if not check.ok:
        raise ImportRefused(check)
    if check.early and not include_early:
        raise EarlyDatesNotConfirmed(check)
    to_write = check.to_import
    responses = f"{to_write:,} response{'s' if to_write != 1 else ''}"
    progress(batch.rows_written if batch else 0, to_write,
             f"Writing {responses}: none is counted until all are written")
    if batch is None:
        batch = _start_batch(questionnaire, table, mapping, sha256, user, file_name, to_write, job_id, upload,
                             include_early, started)
    else:
        batch = _claim_batch(batch, to_write, job_id, upload, include_early)
    check = Check(problems=RowReader(questionnaire, mapping).file_warnings())
    written = Response.all_objects.filter(import_batch=batch).count()
    # The dry run read the whole file within the time one read may take; the writing, which
    # respondents' saves come between, has as long again.
    table.deadline = time.monotonic() + table.limits["seconds"]
    pending = []
    chunk = ChunkSize(chunk_rows)

    def write_chunk():
        nonlocal written
        if not pending:
            return
        began = time.monotonic()
        with chunk.timing(len(pending)), transaction.atomic():
            _create(questionnaire, batch, pending, user)
            written += len(pending)
            ImportBatch.objects.filter(pk=batch.pk).update(rows_written=written, written_at=timezone.now())
        # The time limit is for reading the file: the writing, the rests between chunks and
        # any wait for the database are not counted against it.
        table.deadline += time.monotonic() - began
        pending.clear()
        progress(written, to_write, f"{written:,} of {to_write:,} responses written: none is counted until all are")

    try:
        for row in _rows(questionnaire, table, mapping, carrying_on=batch):
            _count(check, row)
            if row.has_errors:  # the file changed under us: refuse, as the dry run would
                discard_import(batch)
                raise ImportRefused(check)
            if row.status == "import" and not row.written:
                pending.append(row)
            if len(pending) >= chunk.rows:
                write_chunk()
        write_chunk()
    except FileRefused:
        # Reading the file again, to write it, ran out of the time one read may take (a busy
        # server: the dry run's reading was within it). It would run out again if carried on
        # with, so what was written is deleted, as the message says: nothing was imported.
        discard_import(batch)
        raise
    except IntegrityError as error:
        # Most often other work wrote some of the same rows at the same moment; the rule the
        # database named is logged for whoever runs the server. This batch's own rows stay, unseen.
        logger.warning("Import %s stopped part-way: the database refused a chunk (%s)", batch.pk, refused_by(error))
        raise ImportFileError(
            "Some of these rows could not be written, so the import stopped part-way: the database refused them, "
            "most often because other work wrote the same rows at the same moment. None of its responses are "
            "counted: carry on with the import, or discard it, from the page of imports."
        ) from None
    return _complete(batch, check, written, then), check


def refused_by(error):
    """The rule the database named in refusing a write, without the values refused: they can be a respondent's."""
    diagnosis = getattr(error.__cause__, "diag", None)  # psycopg: the constraint's name
    if getattr(diagnosis, "constraint_name", None):
        return diagnosis.constraint_name
    first_line = str(error).split("\n", 1)[0]
    # SQLite's own messages name the columns, never the values ("UNIQUE constraint failed: a.b, a.c").
    if re.fullmatch(r"(UNIQUE|FOREIGN KEY|NOT NULL|CHECK) constraint failed(: [\w., ]+)?", first_line):
        return first_line
    return type(error.__cause__ or error).__name__


def import_file(
    questionnaire, path, *, mapping=None, sheet=None, user=None, progress=ignore_progress, include_early=False,
    chunk_rows=None, then=None,
):
    """Import a file on this machine, as `haveyoursay import_responses` does, from a script or a
    benchmark: `mapping` is {column heading: target} (`Mapping.from_json`), or None for the
    columns matched by their headings. Returns (batch, check); refuses as `import_rows` does.
    Run again on the same file after it stopped part-way, it carries on where it stopped."""
    table = open_table(path, sheet=sheet)
    targets = targets_for(questionnaire)
    if mapping is None:
        chosen = Mapping(table.columns, targets, propose_mapping(table.columns, targets))
    else:
        chosen = Mapping.from_json(table.columns, targets, mapping)
    return import_rows(
        questionnaire, table, chosen, user=user, progress=progress, include_early=include_early,
        chunk_rows=chunk_rows, then=then,
    )


def _batch_to_carry_on(questionnaire, sha256, job_id):
    """This file's unfinished import, to carry on with; None to start one. Refuses (AlreadyImported,
    ImportInProgress) when the file is imported, or another import is unfinished."""
    batch = previous_import(questionnaire, sha256)
    if batch is not None and batch.is_complete:
        raise AlreadyImported(batch)
    if batch is not None and batch.is_being_discarded:  # never carried on: its rows are being deleted
        raise ImportInProgress(batch, same_file=True)
    if batch is not None and batch.job_id == job_id:
        # The queue runs this work again, after its worker stopped part-way; or, without a job,
        # the command line (or a script) is run again on the same file.
        return batch
    if batch is not None and not batch.is_interrupted():
        raise ImportInProgress(batch, same_file=True)
    other = unfinished_import(questionnaire)
    if other is not None and other != batch:
        raise ImportInProgress(other)
    return batch


def _start_batch(questionnaire, table, mapping, sha256, user, file_name, to_write, job_id, upload, include_early,
                 started):
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                questionnaire=questionnaire, file_name=(file_name or table.file_name)[:255], file_sha256=sha256,
                mapping={**mapping.as_json(), "sheet": table.sheet},
                imported_by=user if user and user.is_authenticated else None,
                state=ImportBatch.State.IMPORTING, rows_to_write=to_write, job_id=job_id, upload=upload or "",
                include_early=include_early,
            )
            if started is not None:
                started(batch)
            return batch
    except IntegrityError:
        # Someone started this file, or another, at the same moment.
        batch = previous_import(questionnaire, sha256)
        if batch is not None and batch.is_complete:
            raise AlreadyImported(batch) from None
        if batch is not None:
            raise ImportInProgress(batch, same_file=True) from None
        other = unfinished_import(questionnaire)
        if other is not None:
            raise ImportInProgress(other) from None
        raise


def _claim_batch(batch, to_write, job_id, upload, include_early):
    """Make this work the one writing an unfinished batch; ImportInProgress if other work took it first."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state=ImportBatch.State.IMPORTING, job=batch.job_id, discard_requested_at__isnull=True
    ).update(
        job=job_id, rows_to_write=to_write, upload=upload or batch.upload, include_early=include_early,
        written_at=timezone.now(),
    )
    if not claimed:
        raise ImportInProgress(ImportBatch.objects.filter(pk=batch.pk).first() or batch, same_file=True)
    batch.refresh_from_db()
    return batch


def _complete(batch, check, written, then):
    """The one switch: every response of the batch is counted from this commit on."""
    with transaction.atomic():
        now = timezone.now()
        switched = ImportBatch.objects.filter(
            pk=batch.pk, state=ImportBatch.State.IMPORTING, discard_requested_at__isnull=True
        ).update(
            state=ImportBatch.State.COMPLETE, completed_at=now, written_at=now, rows_written=written,
            rows_to_write=written, row_count=written, rows_in_file=check.rows_in_file, skipped_blank=check.blank,
            skipped_no_answers=check.empty, skipped_already_imported=check.duplicates,
            warning_count=len(check.warnings), upload="",
        )
        if not switched:
            raise ImportFileError(
                "This import was discarded while its rows were being written, so nothing was imported."
            )
        batch.refresh_from_db()
        # The responses' compact copies were written with them, chunk by chunk (`_create`), not
        # here: in the switch's one transaction, a copy of every response held SQLite's write lock
        # for as long as that took, with respondents' saves waiting (bench/scale.py: at 200,000
        # rows, 21 respondents turned away). A response written without its copy (by an import
        # begun before copies were written with each chunk) is read from its answers until the
        # filling-in the reading queues has written it.
        if then is not None:
            then(batch, check)
        batch.questionnaire.consultation.renew_public_counts()
    return batch


def discard_import(batch, *, chunk_rows=None, progress=ignore_progress, then=None):
    """Delete what an unfinished import wrote, a chunk at a time (each chunk its own short
    transaction, as the rows were written), then the batch itself, so the file may be imported
    afresh. Returns how many responses were deleted. Nobody has seen them: they were never counted.

    Stopped part-way and run again, it carries on with the responses left. `progress(done,
    total, message)` hears of responses deleted, of those the batch had when it was asked to be
    discarded (`rows_to_discard`) or else when this began. `then(batch)` is called inside the
    transaction that deletes the batch, and only if this work deleted it, so that what it writes
    (the audit trail's record) is kept once, with the batch gone."""
    chunk = ChunkSize(chunk_rows)
    if ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.COMPLETE).exists():
        raise ValueError("A complete import is undone, not discarded: its responses have been counted.")
    left = Response.all_objects.filter(import_batch=batch).count()
    total = max(batch.rows_to_discard, left)
    deleted = 0
    progress(total - left, total, "Deleting the responses it wrote")
    while True:
        rows = chunk.rows
        with chunk.timing(rows), transaction.atomic():
            pks = list(Response.all_objects.filter(import_batch=batch).values_list("pk", flat=True)[:rows])
            if not pks:
                break
            Response.all_objects.filter(pk__in=pks).delete()
            deleted += len(pks)
            ImportBatch.objects.filter(pk=batch.pk).update(rows_written=F("rows_written") - len(pks))
        done = total - left + deleted
        progress(done, total, f"{done:,} of {total:,} responses deleted: none of them was ever counted")
        if len(pks) < rows:
            break  # that was the last of them: no rest, and no chunk, to find nothing more
    with transaction.atomic():
        gone, _ = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.State.IMPORTING).delete()
        if gone and then is not None:
            then(batch)
    return deleted


def _create(questionnaire, batch, rows, user):
    if not rows:
        return
    now = timezone.now()
    responses = []
    for row in rows:
        submitted_at = row.details.get("submitted_at") or now
        responses.append(Response(
            questionnaire=questionnaire,
            channel=row.details.get("channel") or Response.Channel.IMPORT,
            state=Response.State.SUBMITTED,
            started_at=submitted_at,
            submitted_at=submitted_at,
            received_on=row.details.get("received_on"),
            respondent_kind=row.details["respondent_kind"],
            organisation_name=row.details.get("organisation_name", ""),
            organisation_role=row.details.get("organisation_role", ""),
            entered_by=user if user and user.is_authenticated else None,
            import_batch=batch,
            import_key=row.key,
        ))
    give_free_references(responses)
    insert_responses(responses)
    insert_answers(
        ((response.pk, question_pk, value)
         for response, row in zip(responses, rows) for question_pk, value in row.answers.items()),
        now,
    )
    # Written with the chunk, in its transaction; nobody reads it until the batch is counted.
    note_answers_changed(Response.all_objects.filter(pk__in=[response.pk for response in responses]))
