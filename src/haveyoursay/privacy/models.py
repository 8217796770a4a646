"""What the council did with residents' personal data under its privacy notices.

Personal data is removed from a consultation's responses when its retention period ends
(`retention.py`, run daily by `haveyoursay apply_retention`); each run that removed anything
is a `RetentionRun`, which the staff site lists. What it records is counts and the names of
fields, never what was in them.
"""

from django.conf import settings
from django.db import models

from haveyoursay.hub.models import FreeTextAfterRetention


class RetentionRun(models.Model):
    consultation = models.ForeignKey("hub.Consultation", on_delete=models.CASCADE, related_name="retention_runs")
    ran_at = models.DateTimeField(auto_now_add=True)
    # Empty when the daily job did it; a person when it was run from the staff site.
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    retention_ended_on = models.DateField()
    free_text = models.CharField(max_length=10, choices=FreeTextAfterRetention.choices)
    responses_anonymised = models.PositiveIntegerField(default=0)
    unsent_deleted = models.PositiveIntegerField(
        default=0, help_text="Responses started but never sent: never counted, so deleted whole."
    )
    answers_redacted = models.PositiveIntegerField(default=0)
    answers_deleted = models.PositiveIntegerField(default=0)
    quotes_deleted = models.PositiveIntegerField(default=0)
    event_notes_changed = models.PositiveIntegerField(default=0)
    # {field name: how many responses held something in it}
    fields_cleared = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-ran_at", "-pk"]
        permissions = [
            ("search_personal_data", "Can find and download everything held about a person (subject access)"),
        ]

    def __str__(self):
        return f"Retention applied to “{self.consultation}” on {self.ran_at:%d %B %Y}"

    @property
    def by_schedule(self):
        return self.ran_by_id is None

    def field_labels(self):
        """[(label, how many responses)] of the personal fields emptied."""
        from haveyoursay.surveys.models import Response

        return [(Response.PERSONAL_FIELDS.get(name, name), count) for name, count in self.fields_cleared.items()]
