"""The audit log on the staff site: who saw and changed what, newest first, filtered by
person, consultation, action and dates, and downloaded as a spreadsheet (itself recorded).

It shows what each record says and what it concerned, never the personal data of a response:
the records hold a response's reference, not its answers or its respondent's details.
"""

from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.accounts.staff_forms import VIEW_AUDIT, AuditFilterForm
from haveyoursay.hub.models import Consultation, today
from haveyoursay.hub.staff import staff_required
from haveyoursay.surveys.exports import csv_chunks

EVENTS_PER_PAGE = 50
FILTERS = ("person", "consultation", "action", "since_day", "since_month", "since_year", "until_day",
           "until_month", "until_year")  # fmt: skip


def filter_form(request):
    """The filters from the address; unbound (every event) when none was given."""
    return AuditFilterForm(request.GET if any(key in request.GET for key in FILTERS) else None)


def with_consultations(events):
    """Each event with `.consultation_title`: the consultation it concerned, looked up once for them all."""
    events = list(events)
    pks = {event.consultation_pk for event in events if event.consultation_pk}
    titles = dict(Consultation.private_objects.filter(pk__in=pks).values_list("pk", "title"))
    for event in events:
        event.consultation_title = titles.get(event.consultation_pk, "")
    return events


def concerned(event):
    """"Response HYS-4K7Q2M" or "Consultation ‘Library opening hours’": what the action was done to."""
    if not event.content_type_id:
        return ""
    kind = event.content_type.model_class()
    name = kind._meta.verbose_name.capitalize() if kind else event.content_type.model.capitalize()
    return f"{name} {event.object_repr}".strip()


@never_cache
@staff_required(VIEW_AUDIT)
@require_safe
def audit_log(request):
    form = filter_form(request)
    paginator = Paginator(form.events(), EVENTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    events = with_consultations(page.object_list)
    for event in events:
        event.concerned = concerned(event)
    return render(
        request, "accounts/audit_log.html",
        {
            "form": form, "page": page, "paginator": paginator, "events": events,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "filtered": form.is_bound and form.is_valid(), "download_query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


def audit_rows(events):
    yield ["When", "Who", "Username", "Action", "What happened", "Concerning", "Consultation"]
    batch = []
    for event in events.iterator(chunk_size=500):
        batch.append(event)
        if len(batch) == 500:
            yield from map(audit_row, with_consultations(batch))
            batch = []
    yield from map(audit_row, with_consultations(batch))


def audit_row(event):
    return [
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.user.get_full_name() if event.user else "",
        event.user.get_username() if event.user else "",
        event.action,
        event.sentence,
        concerned(event),
        event.consultation_title,
    ]


@never_cache
@staff_required(VIEW_AUDIT)
@require_safe
def audit_log_download(request):
    """The filtered events as CSV. Wrong filters are shown on the page, not downloaded."""
    form = filter_form(request)
    if form.is_bound and not form.is_valid():
        return audit_log(request)
    # The events as they stand now: the download's own record, made next, is in the next one.
    newest = AuditEvent.objects.aggregate(newest=Max("pk"))["newest"] or 0
    events = form.events().filter(pk__lte=newest)
    AuditEvent.record(request.user, "audit.export", None, rows=events.count(), filters=form.described())
    download = StreamingHttpResponse(csv_chunks(audit_rows(events)), content_type="text/csv; charset=utf-8")
    download["Content-Disposition"] = f'attachment; filename="audit-log-{today():%Y-%m-%d}.csv"'
    download["Cache-Control"] = "private, no-store"
    return download
