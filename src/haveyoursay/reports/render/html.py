"""The report as HTML: a fragment for the staff and public pages, and a whole document for print.

Both come from the same template (`reports/report_body.html`), so the web pages and the
PDF say the same. Everything from the report is escaped by the templates (its words come
from staff and respondents); only the charts, which `charts.py` builds with every piece of
text escaped, go in as markup.
"""

import base64
import itertools

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from haveyoursay.reports.document import BulletList, Figure, Paragraph, Table
from haveyoursay.reports.render import fonts
from haveyoursay.reports.render.charts import render_chart_svg
from haveyoursay.reports.render.content import (
    cell_text,
    chart_description,
    flatten,
    generated_line,
    is_numeric_column,
    outline,
    paper_parts,
    print_column_widths,
    suppression_line,
    table_notes,
    text_direction,
)


def render_html(report):
    """The report's sections as an HTML fragment, to go inside a page that gives it its <h1>."""
    return render_to_string("reports/report_body.html", report_context(report, web=True))


def render_print_html(report, *, embed_css=False):
    """The whole report as a standalone HTML document laid out for A4, what the PDF is made
    from. Its print stylesheet goes inside only with `embed_css` (to open it in a browser):
    `pdf.py` passes it to WeasyPrint parsed once."""
    context = report_context(report, web=False)
    context["embed_css"] = embed_css
    if embed_css:
        context.update(font_context())
    context["created"] = report.generated_at.isoformat()
    return render_to_string("reports/report_print.html", context)


def font_context():
    """What the print stylesheet needs to find the report's fonts."""
    return {"font_face_rules": fonts.font_face_rules(), "font_stack": fonts.font_stack()}


HEADING_CLASSES = {2: "govuk-heading-l", 3: "govuk-heading-m"}
FOOTER_TITLE = "Other formats and languages"
FOOTER_ANCHOR = "report-other-formats"


def report_context(report, *, web):
    headings = outline(report)
    numbers = Numbers()
    sections = []
    for heading in flatten(headings):
        level = min(heading.level + 1, 6)  # the page (or the cover) has the <h1>
        sections.append(
            {
                "level": level,
                "heading_class": HEADING_CLASSES.get(level, "govuk-heading-s"),
                "title": heading.section.title,
                "anchor": heading.anchor,
                "blocks": keep_introductions_with_figures(
                    [view for block in heading.section.blocks for view in block_views(block, numbers, web)]
                ),
            }
        )
    contents = [
        {
            "title": heading.section.title,
            "anchor": heading.anchor,
            "children": [{"title": child.section.title, "anchor": child.anchor} for child in heading.children],
        }
        for heading in headings
    ]
    return {
        "report": report,
        "generated_line": generated_line(report),
        "suppression_line": suppression_line(report),
        "contents": contents,
        "sections": sections,
        "footer": [paragraph_view(paragraph.text) for paragraph in report.footer],
        "footer_title": FOOTER_TITLE,
        "footer_anchor": FOOTER_ANCHOR,
        "web": web,
    }


class Numbers:
    """Counts the charts and tables as they come, for ids unique in the page."""

    def __init__(self):
        self.charts = itertools.count(1)
        self.tables = itertools.count(1)


def keep_introductions_with_figures(blocks):
    """On paper a paragraph introducing a chart goes to the next page with it, not alone."""
    for block, following in zip(blocks, blocks[1:]):
        if block["kind"] == "paragraph" and following["kind"] == "figure":
            block["keep_with_next"] = True
    return blocks


def paragraph_view(text):
    return {"text": text, "dir": text_direction(text)}


def block_views(block, numbers, web):
    """The block's views: one, but on paper a table too wide for the page is several."""
    if isinstance(block, Table) and not web:
        return [block_view(part, numbers, web) for part in paper_parts(block)]
    return [block_view(block, numbers, web)]


def block_view(block, numbers, web):
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "link": block.link, **paragraph_view(block.text)}
    if isinstance(block, BulletList):
        return {"kind": "list", "items": [paragraph_view(item) for item in block.items]}
    if isinstance(block, Table):
        return {"kind": "table", "table": table_view(block, next(numbers.tables), web)}
    if isinstance(block, Figure):
        number = next(numbers.charts)
        svg = render_chart_svg(
            block.chart,
            chart_id=f"report-chart-{number}",
            description=chart_description(block),
            missing=block.table.suppressed,
            fluid=web,
        )
        view = {"kind": "figure", "table": table_view(block.table, next(numbers.tables), web)}
        if web:
            view["svg"] = mark_safe(svg)
        else:
            # For print the chart is an image, whose alt text becomes the PDF figure's
            # alternative text: title and description (of an inline SVG, WeasyPrint takes
            # only the title).
            view["image"] = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
            view["alt"] = f"{block.chart.title}. {chart_description(block)}"
        return view
    raise TypeError(f"A report block must be a Paragraph, BulletList, Table or Figure, not {type(block).__name__}.")


def table_view(table, number, web=True):
    return {
        "id": f"report-table-{number}",
        "caption": table.caption,
        "head": [
            {"text": label, "numeric": is_numeric_column(table, column)} for column, label in enumerate(table.columns)
        ],
        "rows": [
            [
                {
                    "text": cell_text(table, row, column, value),
                    "numeric": is_numeric_column(table, column),
                }
                for column, value in enumerate(cells)
            ]
            for row, cells in enumerate(table.rows)
        ],
        "notes": table_notes(table),
        # On paper, each column's width, worked out beforehand (see `print_column_widths`).
        "print_widths": None if web else print_column_widths(table),
    }
