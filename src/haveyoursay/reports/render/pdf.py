"""The report as PDF: the print HTML laid out by WeasyPrint on A4.

The print stylesheet and the font configuration are made once per process and reused: a
report is laid out in one pass, and only its HTML is new each time.

The PDF is tagged as PDF/UA-1 (headings, lists, tables with their header cells, and each
chart a figure whose alternative text is its title), with the report's title as the
document title and British English as its language.
"""

import functools

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from haveyoursay.reports.render.html import render_print_html

PDF_VARIANT = "pdf/ua-1"


@functools.cache
def print_setup():
    """The parsed print stylesheet and the fonts it uses, shared by every report."""
    font_config = FontConfiguration()
    stylesheet = CSS(string=render_to_string("reports/report_print.css"), font_config=font_config)
    return stylesheet, font_config


def render_pdf(report):
    """The report as PDF bytes."""
    stylesheet, font_config = print_setup()
    document = HTML(string=render_print_html(report))
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT)
