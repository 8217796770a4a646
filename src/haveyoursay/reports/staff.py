"""The staff side of the engagement report: read it, download it, publish it.

Opening the report page is enough to bring it up to date for the people who work on it:
when the data has changed since it was made, and the reader may have it made again, a new one
is queued (once) and the page says so, showing the last one meanwhile. A reader who only reads
(the staff viewer) is told the report is out of date and queues nothing: starting work is a
change, whoever's request it rides on. The report is not queued by the change itself because
that change is usually a resident sending a response, and thousands of those an hour must
not each queue a report job. While a report is being made, whatever started it, the page shows
the job and follows it.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Revision
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.reports import generating
from haveyoursay.reports.files import report_file_response
from haveyoursay.reports.models import EngagementReport, Publication
from haveyoursay.reports.opendata import DOWNLOADS, OpenDataExport, download_response

VIEW = "reports.view_engagementreport"
PUBLISH = "reports.publish_engagementreport"
GENERATE = "reports.generate_engagementreport"


@staff_required(VIEW)
@never_cache
def report(request, pk):
    consultation = get_consultation_for_user(request, pk, VIEW)
    questionnaire = getattr(consultation, "questionnaire", None)
    reports = {r.audience: r for r in EngagementReport.objects.filter(consultation=consultation)}
    staff_report = reports.get(EngagementReport.Audience.STAFF)
    up_to_date = False
    can_generate = request.user.has_perm(GENERATE)
    if questionnaire is not None:
        fingerprint = generating.data_fingerprint(consultation)
        up_to_date = staff_report is not None and staff_report.data_fingerprint == fingerprint
        if not up_to_date:
            if can_generate:
                generating.start_report(consultation, request.user)  # unless one is already under way
    # Made again on request, or because the data changed: either way the page follows the job.
    job = generating.report_job_to_show(consultation, staff_report) if questionnaire is not None else None
    return render(
        request, "reports/staff_report.html",
        {
            "consultation": consultation, "questionnaire": questionnaire, "report": staff_report,
            "public_report": reports.get(EngagementReport.Audience.PUBLIC), "up_to_date": up_to_date, "job": job,
            "made_by_job": generating.made_by(staff_report, job),
            "publication": Publication.objects.filter(consultation=consultation).first(),
            "can_publish": request.user.has_perm(PUBLISH), "can_generate": can_generate,
            "unconfirmed_names": unconfirmed_theme_names(consultation),
        },
    )


def unconfirmed_theme_names(consultation):
    """How many of the consultation's theme names are the machine's, with no person confirming them."""
    from haveyoursay.analysis.themes import workflow as themes

    codeframes = themes.Codeframe.objects.filter(question__page__questionnaire__consultation=consultation)
    return themes.unconfirmed_names(codeframes).count()


@staff_required(GENERATE)
@require_POST
def regenerate(request, pk):
    consultation = get_consultation_for_user(request, pk, GENERATE)
    if getattr(consultation, "questionnaire", None) is None:
        messages.error(request, "This consultation has no questionnaire, so there is nothing to report yet.")
    else:
        generating.start_report(consultation, request.user)
        messages.success(request, "The report is being made again. This page shows it when it is ready.")
    return redirect("reports_staff:report", pk)


@staff_required(VIEW)
@never_cache
def download(request, pk, audience, fmt):
    consultation = get_consultation_for_user(request, pk, VIEW)
    report = (
        EngagementReport.objects.filter(consultation=consultation, audience=audience)
        .select_related("consultation").first()
    )
    if report is None:
        messages.error(request, "The report has not been made yet.")
        return redirect("reports_staff:report", pk)
    response = report_file_response(request, report, fmt, public=False)
    if response.status_code == 200:  # not the page saying the Word document is not ready yet
        AuditEvent.record(request.user, "report.download", consultation, audience=audience, format=fmt)
    return response


@staff_required(PUBLISH)
@require_POST
def publish(request, pk):
    consultation = get_consultation_for_user(request, pk, PUBLISH)
    if not EngagementReport.objects.filter(consultation=consultation, audience=EngagementReport.Audience.PUBLIC).exists():
        messages.error(request, "There is no public version to publish yet: wait for the report to be made.")
        return redirect("reports_staff:report", pk)
    Publication.objects.get_or_create(consultation=consultation, defaults={"published_by": request.user})
    Revision.bump()  # the consultation's public page now links to the report
    AuditEvent.record(request.user, "report.publish", consultation)
    messages.success(request, "The public version of the report is now on the consultation's page.")
    return redirect("reports_staff:report", pk)


@staff_required(PUBLISH)
@require_POST
def unpublish(request, pk):
    consultation = get_consultation_for_user(request, pk, PUBLISH)
    Publication.objects.filter(consultation=consultation).delete()
    Revision.bump()
    AuditEvent.record(request.user, "report.unpublish", consultation)
    messages.success(request, "The report is no longer public.")
    return redirect("reports_staff:report", pk)


@staff_required(VIEW)
@never_cache
def open_data(request, pk, filename):
    """The open data as the public would get it once the report is published; audited."""
    consultation = get_consultation_for_user(request, pk, VIEW)
    questionnaire = getattr(consultation, "questionnaire", None)
    if questionnaire is None:
        messages.error(request, "This consultation has no questionnaire, so there is no open data to download.")
        return redirect("reports_staff:report", pk)
    export = OpenDataExport(questionnaire)
    if filename in DOWNLOADS:
        # Who downloaded which file of how many rows; never the data itself.
        AuditEvent.record(request.user, "opendata.download", consultation, file=filename, rows=export.count())
    return download_response(export, filename, public=False)
