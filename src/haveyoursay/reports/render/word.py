"""The report as a Word document (python-docx).

Built from the same `Report` as the HTML, with the same words and numbers (`content.py`).
Sections use Word's own heading styles, so the navigation pane lists them; tables have a
caption, a header row that repeats on every page and rows that never split; each chart is
a picture (the SVG drawn to PNG by cairosvg, since Word cannot take this SVG) with the
chart's title and description as its alternative text, followed by its data table.

Drawing the pictures is most of the work; the staff and public versions' charts are nearly
all the same, so `render_docx` takes a dictionary of the pictures already drawn, by their SVG,
for the two versions to share.
"""

import io
import re
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt, RGBColor

from haveyoursay.reports.document import BulletList, Figure, Paragraph, Table
from haveyoursay.reports.render.charts import TEXT, render_chart_svg
from haveyoursay.reports.render.content import (
    cell_text,
    chart_description,
    flatten,
    generated_line,
    is_numeric_column,
    narrowest_widths,
    outline,
    paper_parts,
    suppression_line,
    table_notes,
    text_direction,
)
from haveyoursay.reports.render.html import FOOTER_TITLE

TEXT_WIDTH = Mm(170)  # A4 less the margins
CHART_WIDTH = Mm(115)  # the size the PDF prints it at
TABLE_TEXT = Pt(9)
CHART_SCALE = 2  # pixels per SVG unit: sharp when printed at CHART_WIDTH
TEXT_COLOUR = RGBColor.from_string(TEXT.lstrip("#"))


def render_docx(report, pictures=None):
    """The report as the bytes of a .docx file.

    `pictures`: {chart's SVG: its PNG}, filled in as charts are drawn, to pass to the next
    call for another version of the same report (a new one each time otherwise)."""
    pictures = {} if pictures is None else pictures
    document = Document()
    set_up_document(document, report)

    document.add_heading(report.title, level=0)
    document.add_paragraph(report.consultation_title, style="Subtitle")
    document.add_paragraph(report.council_name)
    document.add_paragraph(generated_line(report))
    if report.public:
        document.add_paragraph(suppression_line(report))

    headings = list(flatten(outline(report)))
    entries = [(heading.section.title, min(heading.level, 9)) for heading in headings]
    if report.footer:
        entries.append((FOOTER_TITLE, 1))
    add_contents(document, entries)

    figure_number = 0
    for number, heading in enumerate(headings, 1):
        add_heading(document, heading.section.title, min(heading.level, 9), number)
        blocks = heading.section.blocks
        for block, following in zip(blocks, [*blocks[1:], None]):
            if isinstance(block, Paragraph):
                paragraph = add_paragraph(document, block.text)
                if block.link:
                    add_link(paragraph, block.link)
                # A paragraph introducing a chart goes to the next page with it, not alone.
                paragraph.paragraph_format.keep_with_next = isinstance(following, Figure)
            elif isinstance(block, BulletList):
                for item in block.items:
                    add_paragraph(document, item, style="List Bullet")
            elif isinstance(block, Table):
                for part in paper_parts(block):
                    add_table(document, part)
            elif isinstance(block, Figure):
                figure_number += 1
                add_chart(document, block, figure_number, pictures)
                add_table(document, block.table)
            else:
                raise TypeError(
                    f"A report block must be a Paragraph, BulletList, Table or Figure, not {type(block).__name__}."
                )

    if report.footer:
        add_heading(document, FOOTER_TITLE, 1, len(headings) + 1)
        for paragraph in report.footer:
            add_paragraph(document, paragraph.text)

    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


CONTENTS_LEVELS = 2  # the report's sections and their subsections, as the PDF's contents list


def contents_anchor(number):
    return f"_Toc{number}"


def add_heading(document, text, level, number):
    """A heading in Word's own style (for the navigation pane), bookmarked for the contents list."""
    heading = document.add_heading(text, level=level)
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), contents_anchor(number))
    end.set(qn("w:id"), str(number))
    heading._p.insert(1 if heading._p.pPr is not None else 0, start)
    heading._p.append(end)
    return heading


def add_contents(document, entries):
    """The contents list: Word's TOC field, which Word fills in with page numbers when it
    updates the document's fields, holding as its result the headings written out, each a
    link to its heading, so that the list is there in any word processor before any update."""
    document.add_paragraph("Contents", style="TOC Heading")
    shown = [(number, title, level) for number, (title, level) in enumerate(entries, 1) if level <= CONTENTS_LEVELS]
    for index, (number, title, level) in enumerate(shown):
        paragraph = document.add_paragraph(style=contents_style(document, level))
        if index == 0:
            field_character(paragraph, "begin")
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = f' TOC \\o "1-{CONTENTS_LEVELS}" \\h \\z \\u '
            run = OxmlElement("w:r")
            run.append(instruction)
            paragraph._p.append(run)
            field_character(paragraph, "separate")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), contents_anchor(number))
        link.set(qn("w:history"), "1")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = title
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
        if index == len(shown) - 1:
            field_character(paragraph, "end")
    document.add_page_break()


def field_character(paragraph, kind):
    run = OxmlElement("w:r")
    character = OxmlElement("w:fldChar")
    character.set(qn("w:fldCharType"), kind)
    run.append(character)
    paragraph._p.append(run)


def contents_style(document, level):
    """Word's "TOC 1", "TOC 2" paragraph styles, which the default template lacks."""
    name = f"TOC {level}"
    try:
        return document.styles[name]
    except KeyError:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.paragraph_format.left_indent = Mm(6 * (level - 1))
        style.paragraph_format.space_after = Pt(3)
    return document.styles[name]


def set_up_document(document, report):
    """A4, British English, readable colours, the running header and page numbers, and
    the document's properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)

    # The default template's blue headings and captions fall short of 4.5:1 contrast.
    for name in ["Normal", "Title", "Subtitle", "Caption", *(f"Heading {level}" for level in range(1, 10))]:
        document.styles[name].font.color.rgb = TEXT_COLOUR
    document.styles["Normal"].font.name = "Arial"
    set_default_language(document, "en-GB")

    header = section.header.paragraphs[0]
    header.text = f"{report.council_name}: {report.consultation_title}"
    header.style = document.styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")

    properties = document.core_properties
    properties.title = f"{report.title}: {report.consultation_title}"
    properties.subject = report.consultation_title
    properties.author = report.council_name
    properties.language = "en-GB"
    properties.comments = generated_line(report)
    properties.created = properties.modified = report.generated_at
    properties.last_modified_by = report.council_name
    properties.revision = 1


def set_default_language(document, language):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)


def add_field(paragraph, code):
    """A field Word fills in as it lays out the page (the page number, the number of pages)."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    shown_until_updated = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    shown_until_updated.append(text)
    field.append(shown_until_updated)
    paragraph._p.append(field)


def add_paragraph(document, text, style=None):
    paragraph = document.add_paragraph(text, style=style)
    if text_direction(text) == "rtl":
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))
    return paragraph


def add_link(paragraph, url):
    """The address after the paragraph's words, as a link Word opens (and prints as it is)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for tag, value in (("w:color", "1D70B8"), ("w:u", "single")):  # looks like a link, as on the site
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = url
    run.append(text)
    link.append(run)
    paragraph.add_run(" ")
    paragraph._p.append(link)


def add_table(document, table):
    """The table after its caption, its header row repeated on each page it runs on to, no
    row split across pages, numbers right-aligned, and its notes after it.

    Written as WordprocessingML in one piece rather than cell by cell through python-docx,
    whose every cell and run looks up its place among its siblings: the demo-sized report's
    Word document took 0.76 s of CPU so, and 0.39 to 0.49 s this way, with the same XML."""
    document.add_paragraph(table.caption, style="Caption").paragraph_format.keep_with_next = True
    widths = [Length(width).twips for width in column_widths(len(table.columns), narrowest_widths(table))]
    numeric = [is_numeric_column(table, column) for column in range(len(table.columns))]
    header = "".join(
        _cell_xml(label, widths[column], bold=True, right=numeric[column]) for column, label in enumerate(table.columns)
    )
    rows = [f"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{header}</w:tr>"]
    for row_number, values in enumerate(table.rows):
        cells = "".join(
            _cell_xml(cell_text(table, row_number, column, value), widths[column], bold=False, right=numeric[column])
            for column, value in enumerate(values)
        )
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>")
    style = escape(document.styles["Table Grid"].style_id, QUOTE)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    element = parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{style}"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="left"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/>'
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )
    body = document.element.body
    if body.sectPr is not None:
        body.sectPr.addprevious(element)
    else:
        body.append(element)

    notes = table_notes(table)
    for note in notes:
        document.add_paragraph(note).runs[0].font.size = Pt(9)
    if not notes:
        document.add_paragraph()  # Word joins two tables with nothing between them into one


QUOTE = {'"': "&quot;"}  # escaped in an attribute's value too


def _cell_xml(text, width, *, bold, right):
    """One table cell: `text` in a paragraph of its own, Word's width of it (Word reads each
    cell's width, LibreOffice the column's), right-aligned for a number. A tab or a line break
    in the text is Word's."""
    weight = "<w:b/>" if bold else '<w:b w:val="0"/>'
    run_properties = f'<w:rPr>{weight}<w:sz w:val="{int(TABLE_TEXT.pt * 2)}"/></w:rPr>'
    parts = []
    for part in re.split(r"(\t|\n)", text):
        if part == "\t":
            parts.append("<w:tab/>")
        elif part == "\n":
            parts.append("<w:br/>")
        elif part:
            parts.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    alignment = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    run = f"<w:r>{run_properties}{''.join(parts)}</w:r>"
    return f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr><w:p>{alignment}{run}</w:p></w:tc>'


def column_widths(count, narrowest):
    """The first column, naming the rows, gets the room its words need; the numbers share the
    rest. Where that leaves a column narrower than its longest word (`narrowest`, in mm: the
    columns of a sub-group table's groups), each column gets its longest word's width and a
    share of the room left in proportion to it, so that Word breaks no word."""
    if count == 1:
        return [TEXT_WIDTH]
    first = int(TEXT_WIDTH * (0.5 if count <= 3 else 0.3))
    rest = int((TEXT_WIDTH - first) / (count - 1))
    widths = [first] + [rest] * (count - 1)
    if all(width >= Mm(need) for width, need in zip(widths, narrowest)):
        return widths
    needed = [Mm(need) for need in narrowest]
    room = TEXT_WIDTH - sum(needed)
    if room < 0:
        return widths  # wider than the page whatever is done: paper_parts splits the tables that are
    return [int(need + room * need / sum(needed)) for need in needed]


def chart_svg(figure, number):
    """The SVG of the report's `number`th chart, as its picture in Word is drawn from."""
    return render_chart_svg(
        figure.chart,
        chart_id=f"report-chart-{number}",
        description=chart_description(figure),
        missing=figure.table.suppressed,
    )


def chart_svgs(report):
    """The SVG of each of the report's charts, numbered as `render_docx` numbers them."""
    number = 0
    for heading in flatten(outline(report)):
        for block in heading.section.blocks:
            if isinstance(block, Figure):
                number += 1
                yield chart_svg(block, number)


def draw_picture(svg):
    # Imported here, not at the top: only charts in Word need cairo, and a machine without
    # it still serves the site and makes every other format.
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=CHART_SCALE)


def draw_pictures(reports):
    """{chart's SVG: its PNG} for every chart of the `reports` (versions of one report), each
    different chart drawn once: to give `render_docx` for each version, in whichever process
    draws it. Drawn in each of the two processes instead, the two versions' 32 charts at a
    million respondents (the same in both) cost 1.0 to 1.25 s of CPU in each."""
    pictures = {}
    for report in reports:
        for svg in chart_svgs(report):
            if svg not in pictures:
                pictures[svg] = draw_picture(svg)
    return pictures


def add_chart(document, figure, number, pictures):
    svg = chart_svg(figure, number)
    png = pictures.get(svg)
    if png is None:
        png = pictures[svg] = draw_picture(svg)
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.keep_with_next = True
    picture = paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
    properties = picture._inline.docPr
    properties.set("name", f"Chart {number}")
    properties.set("title", figure.chart.title)
    properties.set("descr", f"{figure.chart.title}. {chart_description(figure)}")
