"""Sending a generated report file, the same way to staff and to the public.

Each file is named for the version it is (`EngagementReport.file_name`), whoever downloads
it: a member of staff who downloads the public version gets the file the public gets.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from haveyoursay.stored_files import file_response

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

WORD_NOT_READY = (
    "The report's Word document is made after its web page and its PDF, and is not ready yet. "
    "Try again in a few minutes, or download the PDF, which is ready now."
)


def report_file_response(request, report, fmt, *, public):
    if fmt not in FORMATS:
        raise Http404("Reports come as HTML, PDF or Word")
    name = report.file_name(fmt)
    if fmt == "html":
        # A page to keep and read offline: the report as on the site, with its print styles.
        document = render_to_string("reports/report_download.html", {"report": report, "council_name": settings.COUNCIL_NAME})
        response = HttpResponse(document, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    elif not getattr(report, fmt):
        # Only the Word document can be missing: the job makes it after the rest of the report.
        response = render(request, "error.html", {"title": "The Word document is not ready yet", "message": WORD_NOT_READY},
                          status=404)
        response["Cache-Control"] = "private, no-store"
        return response
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
