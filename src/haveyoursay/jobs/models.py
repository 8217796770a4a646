"""Background work that staff wait for: a report being drawn, an analysis run, an import.

Each piece of such work is a `Job`. The task queue (django-tasks) runs it; the job is what
staff see: what it is, who asked, how far it has got, and, if it failed, what went wrong
in words they can act on. How jobs are started and run is in `jobs/running.py`.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

# Shown for a job that is still "running" but has not reported for this long: its worker
# has most likely stopped (a restart, a crash, memory run out) and it will never finish.
STALLED = "stalled"


def describe_duration(delta):
    """A length of time as staff would say it: "less than a minute", "3 minutes", "1 hour and 5 minutes"."""
    minutes = int(max(delta, datetime.timedelta(0)).total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    counted = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in counted if n]
    # Two units are enough: "2 days and 3 hours", not "2 days, 3 hours and 4 minutes".
    return " and ".join(parts[:2])


def stalled_after():
    return datetime.timedelta(minutes=getattr(settings, "JOB_STALLED_AFTER_MINUTES", 30))


class JobQuerySet(models.QuerySet):
    def recent(self):
        return self.select_related("consultation", "requested_by").order_by("-created_at", "-pk")

    def stalled(self, now=None):
        now = now or timezone.now()
        return self.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - stalled_after())

    def unfinished(self):
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])


class Job(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        ANALYSIS = "analysis", "Analysis"
        IMPORT = "import", "Import"
        EXPORT = "export", "Export"
        EMAIL = "email", "Emails"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="What the work is, in a few words, for the list of jobs.")
    consultation = models.ForeignKey(
        "hub.Consultation", null=True, blank=True, on_delete=models.CASCADE, related_name="jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_path = models.CharField(max_length=255, help_text="The task that does the work, as module.function.")
    subject = models.CharField(
        max_length=100, blank=True, db_index=True,
        help_text="What the work is on, for the page that follows it to find it (\"question 12\"); never shown.",
    )  # fmt: skip
    task_result_id = models.CharField(
        max_length=64, blank=True, help_text="The task queue's own id for this work, once queued."
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED, db_index=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True, help_text="Empty while not yet known.")
    progress_message = models.CharField(max_length=200, blank=True)
    error_message = models.TextField(blank=True, help_text="What went wrong, for staff: never a traceback.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the work last reported.")
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(
        null=True, blank=True,
        help_text="What the finished work returned (numbers and primary keys only, never text from the data).",
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["consultation", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def is_stalled(self, now=None):
        if self.state != self.State.RUNNING:
            return False
        return self.last_heard_at < (now or timezone.now()) - stalled_after()

    def is_waiting_long(self, now=None):
        """Queued for longer than any worker should take to pick it up: is a worker running?"""
        return self.state == self.State.QUEUED and self.created_at < (now or timezone.now()) - datetime.timedelta(
            minutes=5
        )

    @cached_property
    def shown_state(self):
        return STALLED if self.is_stalled() else self.state

    @property
    def shown_state_label(self):
        return "Stalled" if self.shown_state == STALLED else self.get_state_display()

    @property
    def tag_class(self):
        return {
            self.State.QUEUED: "govuk-tag--grey",
            self.State.RUNNING: "",
            self.State.SUCCEEDED: "govuk-tag--green",
            self.State.FAILED: "govuk-tag--red",
            STALLED: "govuk-tag--orange",
        }[self.shown_state]

    @property
    def is_finished(self):
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def progress_percent(self):
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def last_heard_at(self):
        return self.heartbeat_at or self.started_at or self.created_at

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def duration_in_words(self):
        """How long the work took, "less than a minute" or "3 minutes"; empty until it has finished."""
        return describe_duration(self.duration) if self.duration is not None else ""

    def last_heard_in_words(self, now=None):
        return describe_duration((now or timezone.now()) - self.last_heard_at)

    def result_link(self):
        """(url, words) of the page showing what finished work made, or None: the report, a
        question's themes, the imported responses. A check of a file has none: what it found is
        shown only to the person who uploaded the file, on the pages of the import."""
        if self.state != self.State.SUCCEEDED or self.consultation_id is None:
            return None
        if self.kind == self.Kind.REPORT:
            return reverse("reports_staff:report", args=[self.consultation_id]), "See the report"
        number = self.subject.removeprefix("question ")  # theme work's subject: `theme_tasks.job_subject`
        if self.kind == self.Kind.ANALYSIS and number.isdigit():
            from haveyoursay.surveys.models import Question

            question = Question.objects.filter(
                pk=int(number), page__questionnaire__consultation=self.consultation_id
            ).first()
            if question is not None:
                return reverse("analysis_staff:codeframe", args=[self.consultation_id, question.code]), "See the themes"
        if self.kind == self.Kind.IMPORT and isinstance(self.result, dict) and self.result.get("batch"):
            return (
                reverse("surveys_staff:import_done", args=[self.consultation_id, self.result["batch"]]),
                "See what was imported",
            )
        return None
