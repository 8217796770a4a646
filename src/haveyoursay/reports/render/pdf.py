"""The report as PDF: the print HTML laid out by WeasyPrint on A4.

The print stylesheet and the font configuration are made once per process and reused: a
report is laid out in one pass, and only its HTML is new each time.

The PDF is tagged as PDF/UA-1 (headings, lists, tables with their header cells, and each
chart a figure whose alternative text is its title), with the report's title as the
document title and British English as its language.
"""

import atexit
import functools

from django.template.loader import render_to_string

from haveyoursay.reports.render.html import font_context, render_print_html

MISSING_LIBRARIES = (
    "Drawing the PDF needs the Pango text library, which this server does not have "
    "(Debian and Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0). Ask the site's administrators."
)


class MissingLibrary(Exception):
    """A system library the renderer needs is not installed; the message says which."""

PDF_VARIANT = "pdf/ua-1"


@functools.cache
def print_setup():
    """The parsed print stylesheet and the fonts it uses, shared by every report."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Let go of it while Python can still delete the copies of the fonts it keeps on disk.
    atexit.register(print_setup.cache_clear)
    stylesheet = CSS(string=render_to_string("reports/report_print.css", font_context()), font_config=font_config)
    return stylesheet, font_config


def prepare():
    """Load WeasyPrint and the print setup, or raise MissingLibrary: done before forking, so
    that the processes drawing a report's versions share them (and the copies of the fonts on
    disk are made, and deleted at exit, by this process alone)."""
    # Imported here, not with the module: without Pango the site still runs, and only
    # making a PDF fails, with a message that says what to install.
    try:
        from weasyprint import HTML

        return HTML, *print_setup()
    except OSError as error:
        raise MissingLibrary(MISSING_LIBRARIES) from error


def render_pdf(report):
    """The report as PDF bytes."""
    HTML, stylesheet, font_config = prepare()
    document = HTML(string=render_print_html(report))
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, pdf_variant=PDF_VARIANT)
