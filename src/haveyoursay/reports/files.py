"""Sending a generated report file, the same way to staff and to the public."""

from django.http import FileResponse, Http404

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def report_file_response(report, fmt, *, public):
    if fmt not in FORMATS:
        raise Http404("Reports come as PDF or Word")
    content_type, extension = FORMATS[fmt]
    field = getattr(report, fmt)
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The report's file is missing: generate the report again") from None
    name = f"{report.consultation.slug[:80]}-engagement-report{'' if public else '-staff'}.{extension}"
    response = FileResponse(handle, content_type=content_type, as_attachment=fmt == "docx", filename=name)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
