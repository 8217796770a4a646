"""A table too wide for paper is printed in parts: on screen it scrolls, but past a page's edge
a PDF or a printed Word document shows nothing, and a sub-group table of the 19 ethnic groups
lost its groups from the twelfth on."""

import io
from datetime import datetime, timezone

import docx
from docx.oxml.ns import qn
from docx.shared import Mm

from haveyoursay.analysis.tables import Crosstab, CrosstabCell, CrosstabRow, Group, crosstab_notes
from haveyoursay.reports.build import crosstab_blocks
from haveyoursay.reports.document import Report, Section, Table
from haveyoursay.reports.render.content import MARK, PAPER_TEXT_WIDTH, narrowest_widths, paper_parts, table_notes
from haveyoursay.reports.render.html import render_html, render_print_html
from haveyoursay.reports.render.pdf import prepare
from haveyoursay.reports.render.word import render_docx
from haveyoursay.surveys.building import ETHNIC_GROUPS

ANSWERS = ["Very important", "Fairly important", "Not very important", "Not at all important", "Don't know"]
TITLE = (
    "How important are the Council's aims for ‘Great Communities’?: "
    "Increase the number of active Community Response Plans"
)


def ethnic_group_crosstab():
    """The demo's table of an aim by ethnic group: 19 groups, "Prefer not to say" and the
    total, one group's figure marked as significantly higher."""
    labels = [*ETHNIC_GROUPS, "Prefer not to say"]
    groups = [Group(label, label, 1_000 + 37 * number, tested=True) for number, label in enumerate(labels)]
    rows = []
    for r, answer in enumerate(ANSWERS):
        cells = [CrosstabCell(200 + r + g, 100 * (200 + r + g) / group.base) for g, group in enumerate(groups)]
        rows.append(CrosstabRow(answer, answer, cells, sum(cell.count for cell in cells), 20.0 + r))
    rows[1].cells[7].difference = "higher"  # Mixed or Multiple ethnic groups: White and Asian
    return Crosstab("aim", TITLE, "ethnicity", "What is your ethnic group?", groups, rows,
                    base=sum(group.base for group in groups))


def wide_table():
    _, table = crosstab_blocks(ethnic_group_crosstab(), "ethnic group")
    return table


def narrow_table():
    return Table("Respondents by district", ["District", "Respondents", "% of respondents"],
                 [["Charnwood", 1_130, 20.61], ["Harborough", 612, 11.16]], number_columns={1}, percent_columns={2})


def district_table():
    """The aim by district: five groups, which fit on the page."""
    areas = ["Blaby", "Charnwood", "Harborough", "Hinckley and Bosworth", "Melton"]
    crosstab = ethnic_group_crosstab()
    crosstab.groups = crosstab.groups[: len(areas)]
    for group, area in zip(crosstab.groups, areas):
        group.label = area
    for row in crosstab.rows:
        row.cells = row.cells[: len(areas)]
    _, table = crosstab_blocks(crosstab, "district")
    return table


def report_of(*blocks):
    return Report(
        title="Engagement report", consultation_title="Leicestershire County Council Strategic Plan 2022-2026",
        council_name="Leicestershire County Council", generated_at=datetime(2022, 1, 31, 9, 0, tzinfo=timezone.utc),
        response_count=5_483, public=False, sections=[Section("Differences between groups", list(blocks))],
    )


def test_a_table_of_19_ethnic_groups_is_printed_in_parts_each_with_its_rows_names_and_the_total():
    table = wide_table()
    parts = paper_parts(table)

    assert len(parts) == 3
    assert [part.caption for part in parts] == [f"{table.caption} (part {n} of 3)" for n in (1, 2, 3)]
    groups = table.columns[1:-1]
    assert [column for part in parts for column in part.columns[1:-1]] == groups  # each once, in order
    assert max(len(part.columns) for part in parts) - min(len(part.columns) for part in parts) <= 1
    for part in parts:
        assert part.columns[0] == "Answer" and part.columns[-1] == "All"
        assert part.percent_columns == set(range(1, len(part.columns)))
        assert part.notes == table.notes
        for row, cells in zip(table.rows, part.rows):
            assert cells[0] == row[0] and cells[-1] == row[-1]
    # The marked figure is marked where it went, and nowhere else.
    marked = [(part.columns[c], part.rows[r][0], part.rows[r][c]) for part in parts for r, c in part.marked]
    assert marked == [(table.columns[8], "Fairly important", table.rows[1][8])]


def test_a_table_that_fits_is_printed_whole():
    narrow = narrow_table()
    assert paper_parts(narrow) == [narrow]
    table = district_table()
    assert paper_parts(table) == [table]


def boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from boxes(child)


def test_no_table_of_the_pdf_runs_past_the_page():
    HTML, stylesheet, font_config = prepare()
    document = HTML(string=render_print_html(report_of(wide_table()))).render(
        stylesheets=[stylesheet], font_config=font_config
    )
    tables = 0
    for page in document.pages:
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width  # in CSS pixels, 96 to the inch
        for box in boxes(page_box):
            if type(box).__name__ == "TableBox":
                tables += 1
                page_number = page_box.page_type.index + 1
                assert box.position_x + box.margin_width() <= right + 0.5, f"a table on page {page_number}"
    assert tables >= 3
    assert right * 25.4 / 96 - page_box.content_box_x() * 25.4 / 96 >= PAPER_TEXT_WIDTH


def test_word_prints_the_parts_and_the_web_page_keeps_the_table_whole():
    table = wide_table()
    word = docx.Document(io.BytesIO(render_docx(report_of(table))))
    assert [len(grid.columns) for grid in word.tables] == [len(part.columns) for part in paper_parts(table)]
    headers = [cell.text for grid in word.tables for cell in grid.rows[0].cells[1:-1]]
    assert headers == table.columns[1:-1]

    web = render_html(report_of(table))
    assert web.count("<table") == 1
    assert "(part 1 of" not in web


def test_a_sub_group_tables_notes_say_each_thing_once_in_the_reports_words():
    crosstab = ethnic_group_crosstab()
    crosstab.tests = 95
    crosstab.notes = [*crosstab_notes(crosstab), "No chi-square test for the table as a whole: too few answers."]
    _, table = crosstab_blocks(crosstab, "ethnic group")

    assert table.notes[0].startswith("Column percentages: of each group's respondents who answered")
    assert sum(note.startswith("Column percentages") for note in table.notes) == 1
    tested = [note for note in table.notes if "tests in this table" in note]
    assert len(tested) == 1
    assert tested[0].startswith(f"{MARK} marks figures that differ from all other respondents' answers")
    assert "Holm correction across the 95 tests in this table" in tested[0]
    assert table.notes[-1] == "No chi-square test for the table as a whole: too few answers."
    assert table_notes(table) == table.notes  # the mark explained, nothing added for it


def test_word_gives_each_column_of_a_part_room_for_its_longest_word():
    table = wide_table()
    word = docx.Document(io.BytesIO(render_docx(report_of(table))))
    for part, grid in zip(paper_parts(table), word.tables):
        widths = [int(column.get(qn("w:w"))) for column in grid._tbl.tblGrid.findall(qn("w:gridCol"))]
        needed = [Mm(width).twips for width in narrowest_widths(part)]
        assert all(width >= need for width, need in zip(widths, needed)), (part.caption, widths, needed)
        assert sum(widths) <= Mm(PAPER_TEXT_WIDTH).twips


def column_widths_laid_out(html):
    """The width of each column of each table WeasyPrint lays out from `html`, in mm, in order."""
    HTML, stylesheet, font_config = prepare()
    document = HTML(string=html).render(stylesheets=[stylesheet], font_config=font_config)
    return [
        [width * 25.4 / 96 for width in box.column_widths]
        for page in document.pages for box in boxes(page._page_box) if type(box).__name__ == "TableBox"
    ]


def test_the_pdfs_tables_are_as_wide_as_the_automatic_layout_makes_them_without_measuring():
    import re

    narrow = narrow_table()
    long_names = Table(
        "Other: what people said they use",
        ["Service", "Respondents"],
        [["Leicestershire Fire and Rescue Service's home safety checks and smoke alarm fitting", 112],
         ["Libraries", 1_406]],
        number_columns={1},
    )
    html = render_print_html(report_of(wide_table(), district_table(), narrow, long_names))
    assert html.count("hys-fixed-table") == 6 and html.count("<colgroup>") == 6  # the wide table in three parts

    fixed = column_widths_laid_out(html)
    measured = column_widths_laid_out(re.sub(r"<colgroup>.*?</colgroup>", "", html).replace(" hys-fixed-table", ""))
    assert len(fixed) == 6 and [len(table) for table in fixed] == [len(table) for table in measured]
    for ours, theirs in zip(fixed, measured):
        assert abs(sum(ours) - sum(theirs)) < 0.1
        for column, (width, expected) in enumerate(zip(ours, theirs)):
            assert abs(width - expected) < 0.5, f"column {column}: {width:.1f} mm, not {expected:.1f}"
    assert "<colgroup>" not in render_html(report_of(narrow))  # on screen the browser lays it out
