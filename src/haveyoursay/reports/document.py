"""The engagement report as plain data, before it is any format.

The report is built once from the responses (`reports/build.py`) as a `Report`: sections
of blocks (paragraphs, lists, tables, figures). Each renderer (`reports/render/`) turns the
same `Report` into HTML for the staff and public pages, PDF and Word, so every format
carries the same words and the same numbers.

A figure is a chart *and* its data table: the chart is drawn from the table's numbers, so
the two can never disagree, and a reader who cannot see the chart reads the table.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlsplit

# A table cell: text, a count, an exact percentage (a float; every renderer rounds it the
# same way with `format_cell`), or None for a suppressed or empty cell.
Cell = str | int | float | None


@dataclass
class Paragraph:
    """Words, perhaps followed by a link. A report leaves the site (a PDF sent round, a Word
    file printed), so a link is a whole address, shown as it is, or there is none."""

    text: str
    link: str = ""

    def __post_init__(self):
        if self.link and urlsplit(self.link).scheme not in ("http", "https"):
            raise ValueError(f"A link in a report must be a whole address (https://...), not {self.link!r}.")


@dataclass
class BulletList:
    items: list[str]


@dataclass
class Table:
    """A table whose first column names each row.

    `columns` are the header labels, including the first (row-name) column.
    `percent_columns` are indexes of columns holding percentages (0–100) to be shown with
    a % sign; `number_columns` hold counts or other numbers. Both are right-aligned.
    `suppressed` is the text shown in a cell withheld for disclosure control.
    `marked` holds (row, column) cells flagged as significantly different; the renderer
    shows a mark in the cell and `notes` explain it, so nothing relies on colour.
    `total_column` says the last column is everyone's figure, which each part of a table
    too wide for paper repeats beside its share of the other columns.
    """

    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    percent_columns: set[int] = field(default_factory=set)
    number_columns: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    marked: set[tuple[int, int]] = field(default_factory=set)
    suppressed: str = "*"
    total_column: bool = False


@dataclass
class Series:
    name: str
    values: list[float | None]  # one per category, percentages 0–100; None = suppressed or no data


@dataclass
class BarChart:
    """Horizontal bars, one group per category; several series are drawn side by side,
    or stacked to 100% when `stacked` (a scale's distribution in one bar per category)."""

    title: str
    categories: list[str]
    series: list[Series]
    stacked: bool = False
    unit: str = "%"


@dataclass
class Figure:
    chart: BarChart
    table: Table


Block = Paragraph | BulletList | Table | Figure


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)
    anchor: str = ""


@dataclass
class Report:
    title: str
    consultation_title: str
    council_name: str
    generated_at: datetime
    response_count: int
    public: bool  # the public version: no personal data, small cells suppressed
    sections: list[Section] = field(default_factory=list)
    footer: list[Paragraph] = field(default_factory=list)  # alternative formats, languages


def round_half_up(value, places=0):
    """Round as people do on paper (2.5 -> 3, 0.05 -> 0.1), not as floats do (banker's)."""
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def format_cell(value, percent=False):
    """How every renderer writes a number.

    Counts get thousands separators; percentages are rounded half up to whole numbers (the
    seed reports' convention) with a % sign, so columns of rounded percentages may add up to
    99% or 101%; other numbers get one decimal place.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if percent:
        return format_percent(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{round_half_up(value, 1):,}"
    return f"{int(value):,}"


def format_percent(value):
    """A percentage as every format writes it, rounded half up to a whole number, except that
    some is never shown as none, nor fewer than all as all: 0.3% is "<1%", 99.7% is ">99%"."""
    rounded = round_half_up(value)
    if rounded == 0 and value > 0:
        return "<1%"
    if rounded == 100 and value < 100:
        return ">99%"
    return f"{rounded}%"
