"""The decision trail: which meetings considered a consultation, how its closing date moved, and
"We did" as a list of what people said against what the council did about it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from haveyoursay.hub.models import RevisedModel


class Consideration(RevisedModel):
    """An agenda item at which a body considered a consultation: approving it, commenting on it
    while it ran, weighing its results, or making the decision it informed."""

    class Stage(models.TextChoices):
        APPROVAL = "approval", "Approved the consultation"
        DURING = "during", "Commented on the consultation"
        RESULTS = "results", "Considered the results"
        DECISION = "decision", "Made the decision"

    consultation = models.ForeignKey("hub.Consultation", on_delete=models.CASCADE, related_name="considerations")
    item = models.ForeignKey("decisions.AgendaItem", on_delete=models.CASCADE, related_name="considerations")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    note = models.TextField(
        blank=True, help_text="What the meeting did about the consultation, in a sentence for the timeline."
    )
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["item__meeting__starts_at", "item__number", "item__sub_letter", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "item"], name="consideration_item_once_per_consultation")
        ]

    def __str__(self):
        return f"{self.consultation} at {self.item.meeting}: {self.get_stage_display().lower()}"

    @property
    def stage_phrase(self):
        """ "approved the consultation": the stage as it follows the body's name in a sentence."""
        label = self.get_stage_display()
        return label[0].lower() + label[1:]


class ClosingDateChange(RevisedModel):
    """A published consultation's closing date moved, and why: the timeline shows an extension
    with its reason, and the consultation record weighs it against the decision dates."""

    consultation = models.ForeignKey(
        "hub.Consultation", on_delete=models.CASCADE, related_name="closing_date_changes"
    )
    previous_closes_on = models.DateField()
    closes_on = models.DateField()
    reason = models.TextField()
    changed_at = models.DateTimeField(default=timezone.now)
    date_known = models.BooleanField(
        default=True,
        help_text="Whether the records say when it was moved. A change recorded from a report that says only "
        "that the closing date was later extended is placed at the earlier closing date, and says so.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.consultation}: closing date {self.previous_closes_on} to {self.closes_on}"

    @property
    def is_extension(self):
        return self.closes_on > self.previous_closes_on

    @property
    def changed_on(self):
        """The day it was moved; where the records don't say, the earlier closing date, by which
        it must have been decided while the consultation was still open."""
        return timezone.localdate(self.changed_at) if self.date_known else self.previous_closes_on

    @classmethod
    def record(cls, consultation, previous_closes_on, reason, by=None):
        """The closing date of `consultation` has just moved from `previous_closes_on`, for `reason`."""
        return cls.objects.create(
            consultation=consultation,
            previous_closes_on=previous_closes_on,
            closes_on=consultation.closes_on,
            reason=reason,
            changed_by=by if by is not None and by.is_authenticated else None,
        )


class WeDidEntry(models.Model):
    """One line of "You said, we did": what people said (in words, and by the themes or closed
    answers whose counts are taken live from the analysis), what the council did, and the
    decision that did it."""

    class Action(models.TextChoices):
        CHANGED = "changed", "Changed"
        ALREADY_PLANNED = "planned", "Already planned"
        NOT_CHANGED = "not_changed", "Not changed"

    consultation = models.ForeignKey("hub.Consultation", on_delete=models.CASCADE, related_name="we_did_entries")
    position = models.PositiveIntegerField(default=0)
    you_said = models.TextField("what people said")
    themes = models.ManyToManyField(
        "analysis.Theme", blank=True, related_name="we_did_entries",
        help_text="Themes of a question's comments that say this.",
    )  # fmt: skip
    question = models.ForeignKey(
        "surveys.Question", null=True, blank=True, on_delete=models.SET_NULL, related_name="we_did_entries",
        help_text="A closed question whose result says this.",
    )  # fmt: skip
    options = models.ManyToManyField(
        "surveys.Option", blank=True, related_name="we_did_entries",
        help_text="The answers to that question whose share is quoted, for example “Strongly agree” and “Agree”.",
    )  # fmt: skip
    action = models.CharField("what the council did", max_length=12, choices=Action.choices)
    we_did = models.TextField("what we did")
    why_not = models.TextField("why not", blank=True, help_text="Where nothing changed: the reason.")
    decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="we_did_entries",
        help_text="The decision that made the change.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["consultation", "position", "pk"]
        verbose_name_plural = "we did entries"

    def __str__(self):
        return self.you_said[:80]

    def clean(self):
        if self.action == self.Action.NOT_CHANGED and not self.why_not.strip():
            raise ValidationError({"why_not": "Say why nothing changed"})

    def move(self, step):
        """Swap places with the entry `step` (-1 up, 1 down) from it; False at either end.
        Positions are renumbered 0, 1, 2… as it goes, so gaps and ties left by deletions or
        older data never stop an entry moving."""
        siblings = list(WeDidEntry.objects.select_for_update().filter(consultation=self.consultation_id))
        index = next(i for i, entry in enumerate(siblings) if entry.pk == self.pk)
        other = index + step
        if not 0 <= other < len(siblings):
            return False
        siblings[index], siblings[other] = siblings[other], siblings[index]
        for position, entry in enumerate(siblings):
            if entry.position != position:
                entry.position = position
                entry.save(update_fields=["position"])
        self.position = other
        return True


# Who asked to hear the outcome, and the emails that told them: in a file of their own.
from haveyoursay.outcomes.notify_models import Delivery, Follower, Mailing  # noqa: E402, F401
