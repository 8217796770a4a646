"""Importing from ModernGov as background work that democratic services can follow."""

import datetime

from django.contrib.auth import get_user_model
from django_tasks import task

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.moderngov import ModernGovError, import_site
from haveyoursay.hub.models import Revision
from haveyoursay.jobs.running import JobError, ignore_progress, run_job

MOST_PROBLEMS_SHOWN = 20


def import_moderngov_impl(site_url, since, until, user_id=None, *, progress=ignore_progress):
    """Import, and record what was imported in the audit log; a JobError lists what was wrong."""
    try:
        summary = import_site(
            site_url,
            from_date=datetime.date.fromisoformat(since),
            to_date=datetime.date.fromisoformat(until),
            progress=progress,
        )
    except ModernGovError as error:
        shown = error.problems[:MOST_PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        raise JobError(
            "Nothing was imported, because what the site sent could not all be read. Put these right in "
            "ModernGov, or tell its administrators, then import again: "
            + "; ".join(shown)
            + (f"; and {more} more." if more else ".")
        ) from None
    Revision.bump()  # consultations' timelines show the meetings imported
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    AuditEvent.record(
        user, "democracy.import_moderngov", None, site=site_url, since=since, until=until,
        created=summary.created, updated=summary.updated,
    )  # fmt: skip
    return {"created": summary.created, "updated": summary.updated}


@task()
def import_moderngov(job_id, site_url, since, until, user_id=None):
    return run_job(job_id, import_moderngov_impl, site_url, since, until, user_id)
