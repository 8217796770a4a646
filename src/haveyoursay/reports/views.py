"""The published engagement report, on the public site: HTML, PDF and Word, and its open data."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from haveyoursay.hub.models import Consultation
from haveyoursay.reports.files import report_file_response
from haveyoursay.reports.models import EngagementReport
from haveyoursay.reports.opendata import OpenDataExport, download_response


def published_report(slug):
    consultation = get_object_or_404(Consultation.public_objects, slug=slug, report_publication__isnull=False)
    return get_object_or_404(
        EngagementReport.objects.select_related("consultation"),
        consultation=consultation, audience=EngagementReport.Audience.PUBLIC,
    )


def report(request, slug):
    report = published_report(slug)
    return render(request, "reports/public_report.html", {"consultation": report.consultation, "report": report})


def download(request, slug, fmt):
    return report_file_response(request, published_report(slug), fmt, public=True)


def open_data(request, slug, filename):
    """The anonymised responses, tables and dictionary: public once the report is published."""
    consultation = get_object_or_404(Consultation.public_objects, slug=slug, report_publication__isnull=False)
    questionnaire = getattr(consultation, "questionnaire", None)
    report = EngagementReport.objects.filter(consultation=consultation, audience=EngagementReport.Audience.PUBLIC).first()
    if questionnaire is None or report is None:
        raise Http404("This consultation had no questionnaire, so there are no responses to publish")
    # The same responses as the published report: none that arrived after it was made.
    return download_response(OpenDataExport(questionnaire, until=report.generated_at), filename, public=True)
