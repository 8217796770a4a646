"""The staff pages for background work: what is queued, running, done or failed, and why.

Anyone who may see consultations may see the work done on them. Pages are never cached, so
the "Refresh" link always shows the latest progress.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from haveyoursay.hub.models import FileDeletion
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.jobs.models import Job

PERMISSION = "hub.view_consultation"
LIST_LENGTH = 50


def get_job_for_user(request, pk):
    """The one way a staff view reaches a job: through the consultation it concerns, if any."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    job = get_object_or_404(Job.objects.recent(), pk=pk)
    if job.consultation_id is not None:
        get_consultation_for_user(request, job.consultation_id)
    return job


@staff_required(PERMISSION)
@never_cache
def jobs(request):
    # Those who delete consultations hear of their files that storage keeps failing to delete.
    failing = (
        FileDeletion.objects.failing_repeatedly().count() if request.user.has_perm("hub.delete_consultation") else 0
    )
    return render(
        request,
        "jobs/jobs.html",
        {
            "jobs": Job.objects.recent()[:LIST_LENGTH], "consultation": None, "list_length": LIST_LENGTH,
            "files_failing": failing, "tries": FileDeletion.REPEATEDLY,
        },
    )


@staff_required(PERMISSION)
@never_cache
def consultation_jobs(request, pk):
    consultation = get_consultation_for_user(request, pk)
    return render(
        request,
        "jobs/jobs.html",
        {
            "jobs": consultation.jobs.recent()[:LIST_LENGTH],
            "consultation": consultation,
            "list_length": LIST_LENGTH,
        },
    )


@staff_required(PERMISSION)
@never_cache
def job(request, pk):
    job = get_job_for_user(request, pk)
    return render(request, "jobs/job.html", {"job": job, "consultation": job.consultation})
