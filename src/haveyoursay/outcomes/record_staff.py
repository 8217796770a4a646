"""The consultation record on the staff site: the evidence under the four Gunning principles,
as a page and as a PDF made when it is asked for (a few seconds for a consultation's record,
which holds no responses, only what was done and when). Every download is recorded in the
audit log, as every staff download is."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.outcomes.record import gather_record, render_record_pdf
from haveyoursay.reports.render.pdf import MissingLibrary

VIEW = "hub.view_consultation"


@staff_required(VIEW)
@never_cache
def record(request, pk):
    consultation = get_consultation_for_user(request, pk, VIEW)
    record = gather_record(consultation)
    # Where to put a gap right is for those who may change the consultation; the rest read.
    can_fix = request.user.has_perm("hub.change_consultation")
    principles = [
        (principle, [(item, item.url if can_fix or not item.is_missing else "") for item in principle.evidence])
        for principle in record.principles
    ]
    return render(
        request, "outcomes/record.html", {"consultation": consultation, "record": record, "principles": principles}
    )


@staff_required(VIEW)
@never_cache
def record_pdf(request, pk):
    consultation = get_consultation_for_user(request, pk, VIEW)
    record = gather_record(consultation)
    try:
        pdf = render_record_pdf(record)
    except MissingLibrary as error:
        messages.error(request, str(error))
        return redirect("record_staff:record", consultation.pk)
    AuditEvent.record(request.user, "record.download", consultation)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{record.file_name}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
