"""The engagement report of a consultation, as last generated, in every format.

A report is generated from the data in a background job (`reports/generating.py`) and kept
here with when it was made, from how many responses, and a fingerprint of the data it was
made from, so the staff site knows when it is out of date and makes it again. The public
version (suppressed small numbers, no personal details) is shown on the consultation page
once the consultation team publishes it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


def report_path(instance, filename):
    return f"reports/{instance.consultation_id}/{instance.audience}/{filename}"


class EngagementReport(models.Model):
    class Audience(models.TextChoices):
        STAFF = "staff", "Staff version"
        PUBLIC = "public", "Public version"

    consultation = models.ForeignKey("hub.Consultation", on_delete=models.CASCADE, related_name="reports")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    html = models.TextField(help_text="The report as an HTML fragment for the site's pages.")
    pdf = models.FileField(upload_to=report_path, max_length=255)
    docx = models.FileField(upload_to=report_path, max_length=255)
    generated_at = models.DateTimeField(default=timezone.now)
    response_count = models.PositiveIntegerField()
    data_fingerprint = models.CharField(max_length=64)
    scripts_without_glyphs = models.JSONField(
        default=list, blank=True,
        help_text="Scripts of text in the report that none of the PDF's fonts has (printed as empty boxes).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "audience"], name="one_report_per_audience")]
        permissions = [
            ("publish_engagementreport", "Can publish a consultation's engagement report"),
            ("generate_engagementreport", "Can have a consultation's engagement report made again"),
        ]

    def __str__(self):
        return f"{self.get_audience_display()} of the report on {self.consultation}"

    def font_warning(self):
        """What staff are told when the PDF can't show some of the report's text; "" when it can."""
        scripts = self.scripts_without_glyphs
        if not scripts:
            return ""
        named = scripts[0] if len(scripts) == 1 else ", ".join(scripts[:-1]) + " and " + scripts[-1]
        return (
            f"The PDF can't show the text in {named}: none of its fonts has those letters, "
            "so they print as empty boxes."
        )

    def file_name(self, extension):
        """What a download of this version is called: the staff version says so, so that a copy
        with the small numbers in it is never mistaken for the one the public may read."""
        suffix = "-staff" if self.audience == self.Audience.STAFF else ""
        return f"{self.consultation.slug[:80]}-engagement-report{suffix}.{extension}"


class Publication(models.Model):
    """The consultation team's decision that the public may read the report."""

    consultation = models.OneToOneField("hub.Consultation", on_delete=models.CASCADE, related_name="report_publication")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self):
        return f"Report on {self.consultation} published {self.published_at:%-d %B %Y}"

    def has_word_document(self):
        """Whether the published version's Word document is made yet: it follows the web page and
        the PDF each time the report is made."""
        return EngagementReport.objects.filter(
            consultation_id=self.consultation_id, audience=EngagementReport.Audience.PUBLIC
        ).exclude(docx="").exists()
