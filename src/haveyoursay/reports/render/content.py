"""What every format of the report writes the same way: the lines about how it was made,
each table cell's text and its notes, and where each section starts.

HTML, PDF and Word all take their words from here, so a number, a mark or a note reads
the same in each.
"""

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils import timezone

from haveyoursay.reports.document import BulletList, Figure, Paragraph, Table, format_cell
from haveyoursay.reports.render.fonts import text_width

# Shown after a value flagged in `Table.marked`; the table's notes say what it means.
MARK = "†"


def generated_line(report):
    """The line saying when and from what: 'Generated on 3 September 2021 from 5,483 responses.'"""
    when = report.generated_at
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    responses = "response" if report.response_count == 1 else "responses"
    return f"Generated on {when.day} {when:%B %Y} from {format_cell(report.response_count)} {responses}."


def suppression_line(report):
    """For the public version only: why some numbers are missing."""
    if not report.public:
        return ""
    return (
        "To protect respondents' privacy, numbers small enough to identify someone are not "
        "shown in this version of the report."
    )


def table_mark(table):
    # A table may one day choose its own mark, as it chooses its `suppressed` text.
    return getattr(table, "mark", MARK)


def is_numeric_column(table, column):
    return column in table.percent_columns or column in table.number_columns


def cell_text(table, row, column, value):
    """A cell as every format writes it: the number, the table's `suppressed` text for a
    withheld number, and the mark after a flagged value."""
    if value is None:
        # A missing number is a withheld one; a missing word is just an empty cell.
        text = table.suppressed if is_numeric_column(table, column) else ""
    else:
        text = format_cell(value, percent=column in table.percent_columns)
    if (row, column) in table.marked:
        text += table_mark(table)
    return text


def has_suppressed_cells(table):
    return any(
        value is None and is_numeric_column(table, column) for cells in table.rows for column, value in enumerate(cells)
    )


def table_notes(table):
    """The table's own notes, and a note for each symbol in it that they don't explain."""
    notes = list(table.notes)
    mark = table_mark(table)
    if table.marked and not any(note.startswith(mark) for note in notes):
        notes.append(f"{mark} A significant difference.")
    if (
        table.suppressed
        and has_suppressed_cells(table)
        and not any(note.startswith(table.suppressed) for note in notes)
    ):
        notes.append(f"{table.suppressed} Not shown, to protect the privacy of the few people it would count.")
    return notes


# Paper: the width of the text on a page (A4 less the margins: the print stylesheet's 174 mm
# and Word's 170 mm, the narrower), a table's text size on it in points, and the room beside
# each cell's text (Word's cell margins, 1.9 mm each side; the print stylesheet's 2.5 mm before).
PAPER_TEXT_WIDTH = 170
PAPER_TABLE_POINTS = 9
PAPER_CELL_PADDING = 3.8


def paper_parts(table):
    """The tables `table` is printed as, on paper, where a table cannot scroll and what is past
    the page's edge is lost. It is one unless its columns' narrowest widths (each the longest
    word in it) add up to more than the page is wide: a sub-group table of 22 ethnic groups
    then ran off the page from its twelfth group on. Then it is split into as few parts as fit,
    each with the column naming the rows, the total column if it has one, and an even share
    of the columns in between, in order; each part's caption says which it is, and each
    carries the table's notes."""
    widths = narrowest_widths(table)
    last = len(widths) - 1 if table.total_column and len(widths) > 2 else len(widths)
    kept = [0, *range(last, len(widths))]  # in every part
    between = list(range(1, last))
    room = PAPER_TEXT_WIDTH - sum(widths[column] for column in kept)
    if sum(widths[column] for column in between) <= room or len(between) < 2:
        return [table]
    parts = _packed(between, widths, room)
    even = _evenly(between, len(parts))
    if all(sum(widths[column] for column in part) <= room for part in even):
        parts = even
    return [_part(table, [0, *part, *kept[1:]], number, len(parts)) for number, part in enumerate(parts, 1)]


# The print stylesheet's (report_print.css): the width of the text on an A4 page, and the room
# before each cell's text but the first column's, in millimetres.
PRINT_TEXT_WIDTH = 174
PRINT_CELL_PADDING = 2.5


def print_column_widths(table):
    """Each column's share of the printed table's width, in percent, as the automatic table
    layout shares it (CSS 2.1, 17.5.2.2, as WeasyPrint does it): where every column's text fits
    on one line, each gets that width and the room left over in proportion to it; otherwise each
    gets its longest word and the rest of the page in proportion to how much more it would
    take. Given them, WeasyPrint lays the PDF's tables out at these widths (`table-layout:
    fixed`) without measuring every cell's text first, which was a tenth of a PDF's work.
    None when the longest words alone are wider than the page (a table in one part only: its
    single column between is too wide); the automatic layout widens the table then."""
    narrowest, widest = [], []
    for column in range(len(table.columns)):
        padding = PRINT_CELL_PADDING if column else 0
        texts = list(_column_texts(table, column))
        narrowest.append(_narrowest_width(texts, padding))
        lines = [(" ".join(text.split()), bold) for text, bold in texts]  # each on one line
        widest.append(padding + max(text_width(line, PAPER_TABLE_POINTS, bold=bold) for line, bold in lines))
    if sum(widest) <= PRINT_TEXT_WIDTH:
        widths = widest
    elif sum(narrowest) <= PRINT_TEXT_WIDTH:
        share = (PRINT_TEXT_WIDTH - sum(narrowest)) / (sum(widest) - sum(narrowest))
        widths = [least + (most - least) * share for least, most in zip(narrowest, widest)]
    else:
        return None
    if not sum(widths):
        return None
    return [f"{100 * width / sum(widths):.3f}" for width in widths]


def narrowest_widths(table):
    """How narrow each of the table's columns can be on paper with no word broken, in mm."""
    return [_narrowest_width(_column_texts(table, column)) for column in range(len(table.columns))]


def _narrowest_width(texts, padding=PAPER_CELL_PADDING):
    """How narrow a column of `texts` ((text, bold) pairs: `_column_texts`) can be with no word
    broken, in millimetres, with `padding` beside its text."""
    words = [(word, bold) for text, bold in texts for word in text.split()]
    return padding + max((text_width(word, PAPER_TABLE_POINTS, bold=bold) for word, bold in words), default=0)


def _column_texts(table, column):
    """The column's texts as printed, each with whether it is bold: its header, then its cells."""
    yield table.columns[column], True
    for row, cells in enumerate(table.rows):
        yield cell_text(table, row, column, cells[column]), False


def _packed(columns, widths, room):
    """`columns` in order, as many to a part as fit in `room` (at least one)."""
    parts = [[]]
    for column in columns:
        if parts[-1] and sum(widths[c] for c in parts[-1]) + widths[column] > room:
            parts.append([])
        parts[-1].append(column)
    return parts


def _evenly(columns, count):
    """`columns` in order in `count` parts whose sizes differ by one at most."""
    size, extra = divmod(len(columns), count)
    parts, start = [], 0
    for number in range(count):
        end = start + size + (number < extra)
        parts.append(columns[start:end])
        start = end
    return parts


def _part(table, columns, number, count):
    """The table with only `columns` (indexes into its own), as part `number` of `count`."""
    new = {old: index for index, old in enumerate(columns)}
    return dataclasses.replace(
        table,
        caption=f"{table.caption} (part {number} of {count})",
        columns=[table.columns[column] for column in columns],
        rows=[[cells[column] for column in columns] for cells in table.rows],
        percent_columns={new[column] for column in table.percent_columns if column in new},
        number_columns={new[column] for column in table.number_columns if column in new},
        marked={(row, new[column]) for row, column in table.marked if column in new},
        notes=list(table.notes),
    )


def text_direction(text):
    """'rtl' when the text's first strong character is right-to-left (Urdu, Arabic, Hebrew)."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return ""
    return ""


@dataclass
class Heading:
    """A section with its place in the report: `level` 1 for the report's sections, 2 for
    their subsections, and so on."""

    section: object
    level: int
    anchor: str
    children: list["Heading"] = field(default_factory=list)


def outline(report):
    """The report's sections as a tree of `Heading`s, each with an anchor unique in the report."""
    taken = set()

    def walk(sections, level):
        headings = []
        for section in sections:
            anchor = unique_anchor(section.anchor or section.title, taken)
            heading = Heading(section, level, anchor)
            heading.children = walk(section.subsections, level + 1)
            headings.append(heading)
        return headings

    return walk(report.sections, 1)


def flatten(headings):
    """Every heading in reading order."""
    for heading in headings:
        yield heading
        yield from flatten(heading.children)


def unique_anchor(text, taken):
    base = "section-" + (re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section")
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


def chart_description(figure):
    """What a chart shows, for those who can't see it: the table that follows has its figures."""
    return f"Bar chart of the figures in the table that follows: {figure.table.caption}"


def report_texts(report):
    """Every piece of text the report prints, in reading order: to check the fonts have it."""
    yield from (report.title, report.consultation_title, report.council_name)

    def blocks(block):
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, BulletList):
            yield from block.items
        elif isinstance(block, Figure):
            yield block.chart.title
            yield from block.chart.categories
            yield from (series.name for series in block.chart.series)
            yield from blocks(block.table)
        elif isinstance(block, Table):
            yield block.caption
            yield from block.columns
            yield from (cell for row in block.rows for cell in row if isinstance(cell, str))
            yield from table_notes(block)

    def sections(items):
        for section in items:
            yield section.title
            for block in section.blocks:
                yield from blocks(block)
            yield from sections(section.subsections)

    yield from sections(report.sections)
    yield from (paragraph.text for paragraph in report.footer)
