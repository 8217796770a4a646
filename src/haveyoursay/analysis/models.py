"""Reference data for analysis.

A population table says how a profile (area, age band, ...) is distributed in the whole
population, so the respondent profile can show who is under-represented. Groups are keyed
by the option value the "About you" question stores (an area's value, an age band's value).
"""

from django.db import models

from haveyoursay.surveys.models import Question


class PopulationTable(models.Model):
    profile = models.CharField(max_length=30, choices=Question.Profile.choices[1:], unique=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=500, help_text="Where the figures come from, as the report cites it.")
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.title

    @property
    def total(self):
        return sum(group.count for group in self.groups.all())


class PopulationGroup(models.Model):
    table = models.ForeignKey(PopulationTable, on_delete=models.CASCADE, related_name="groups")
    value = models.SlugField(max_length=60, help_text="The option value the profile question stores for this group.")
    label = models.CharField(max_length=200)
    count = models.PositiveIntegerField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["table", "value"], name="population_group_once")]

    def __str__(self):
        return f"{self.label}: {self.count:,}"


# The free-text themes' models, in the themes package with the rest of its code.
from haveyoursay.analysis.themes.models import (  # noqa: E402, F401
    AgreementSample,
    AnswerCoding,
    Codeframe,
    CodeframeEvent,
    ProposedAssignment,
    ProposedCoding,
    Quote,
    Theme,
    ThemeAssignment,
)
