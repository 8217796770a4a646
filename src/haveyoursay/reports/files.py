"""Sending a generated report file, the same way to staff and to the public.

Each file is named for the version it is (`EngagementReport.file_name`), whoever downloads
it: a member of staff who downloads the public version gets the file the public gets.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string

from haveyoursay.stored_files import file_response

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def report_file_response(report, fmt, *, public):
    if fmt not in FORMATS:
        raise Http404("Reports come as HTML, PDF or Word")
    name = report.file_name(fmt)
    if fmt == "html":
        # A page to keep and read offline: the report as on the site, with its print styles.
        document = render_to_string("reports/report_download.html", {"report": report, "council_name": settings.COUNCIL_NAME})
        response = HttpResponse(document, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        try:
            # A PDF opens in the browser, a Word file is saved: either way under its own name.
            response = file_response(
                getattr(report, fmt), content_type=FORMATS[fmt], as_attachment=fmt == "docx", filename=name
            )
        except FileNotFoundError:
            raise Http404("The report's file is missing: generate the report again") from None
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
