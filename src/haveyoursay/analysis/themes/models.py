"""The free-text themes' models: a codeframe for each open question, its themes, the machine's
and people's codes, the sample two people code to measure agreement, and the quotes chosen.
They belong to the analysis app (its migrations create them); `analysis/models.py` imports
them so Django finds them there."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from haveyoursay.surveys.models import Answer, Question

# -- Free-text themes ---------------------------------------------------------------------------
#
# A codeframe is the list of themes for one open question. The machine suggests it and applies
# it; a person reviews, edits and codes. Every judgement says who made it: `assigned_by` (and
# `coded_by`, `approved_by`) is null for the machine and the person otherwise, and every change
# to a codeframe is an event in its history.


class Codeframe(models.Model):
    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested, not yet applied"
        APPLIED = "applied", "Applied to every answer"

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="codeframe")
    state = models.CharField(max_length=20, choices=State.choices, default=State.SUGGESTED)
    campaigns = models.JSONField(
        default=list, blank=True,
        help_text="Groups of identical or near-identical answers found before suggesting: "
        "[{answer, size, kind, description}], every copy still counted.",
    )
    trained_on_people = models.PositiveIntegerField(
        default=0, help_text="How many person-coded answers the last application learnt from (0: the suggestion)."
    )
    training_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The last job queued to apply the codeframe again, learning from the latest coding.",
    )
    proposal = models.JSONField(
        default=dict, blank=True,
        help_text="An application held back for a person to accept, because it would move many answers between "
        "themes or empty a theme: {answers, moved, emptied, themes: [{theme, label, now, proposed}], other}.",
    )
    asks_for_stance = models.BooleanField(
        "The question asks for a view for or against",
        default=False,
        help_text="Code each answer's stance (support, oppose or mixed) and report it beside the themes.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        permissions = [("approve_quote", "Can approve quotes for publication")]

    def __str__(self):
        return f"Codeframe for {self.question.code}"

    def record(self, user, action, **detail):
        """Add an event to the history; `user` None means the machine did it. Every change to
        the themes or their answers is recorded here, so the public page's theme figures are
        renewed here too."""
        event = CodeframeEvent.objects.create(
            codeframe=self, user=user if user is not None and user.is_authenticated else None,
            action=action, detail=detail,
        )
        self.question.page.questionnaire.consultation.renew_public_counts()
        return event


class Theme(models.Model):
    class Origin(models.TextChoices):
        MACHINE = "machine", "Suggested by the machine"
        PERSON = "person", "Added by a person"

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="themes")
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    terms = models.JSONField(default=list, blank=True, help_text="The words and phrases that define it.")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MACHINE)
    nothing_to_add = models.BooleanField(default=False)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Who gave or confirmed its name; empty while the name is the machine's, unconfirmed.",
    )
    named_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    @property
    def name_unconfirmed(self):
        """The machine named it and no person has confirmed or changed the name."""
        return self.named_at is None


class CodeframeEvent(models.Model):
    class Action(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        RENAMED = "renamed", "Renamed or described"
        MERGED = "merged", "Merged"
        SPLIT = "split", "Split"
        DELETED = "deleted", "Deleted"
        ADDED = "added", "Added"
        MOVED = "moved", "Moved answers"
        CODED = "coded", "Coded answers"
        APPLIED = "applied", "Applied to every answer"
        SAMPLED = "sampled", "Drew a blind sample"
        QUOTES = "quotes", "Chose or approved quotes"
        STANCE = "stance", "Said whether the question asks for a stance"
        PROPOSED = "proposed", "Held back a new application for a person to accept"
        ACCEPTED = "accepted", "Accepted the new application"
        DISCARDED = "discarded", "Kept the themes as they were, discarding the new application"

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    @property
    def by_machine(self):
        return self.user_id is None


class AnswerCoding(models.Model):
    """Where one answer stands: coded by a person (kept whatever the machine does), or by the machine and how surely."""

    class Stance(models.TextChoices):
        SUPPORT = "support", "Support"
        OPPOSE = "oppose", "Oppose"
        MIXED = "mixed", "Mixed"

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="codings")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coded_at = models.DateTimeField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True, help_text="The machine's least sure decision for it, 0–1.")
    needs_review = models.BooleanField(default=False, db_index=True)
    review_rank = models.PositiveIntegerField(null=True, blank=True, help_text="Its place among the answers to code next.")
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    stance_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["codeframe", "answer"], name="one_coding_per_answer")]

    @property
    def coded_by_person(self):
        return self.coded_at is not None

    def mark_person_coded(self, user):
        self.coded_by, self.coded_at = user, timezone.now()
        self.needs_review, self.review_rank = False, None


class ThemeAssignment(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="assignments")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField(null=True, blank=True, help_text="The machine's probability; empty for a person's.")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty when the machine assigned it.",
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "answer"], name="theme_once_per_answer")]

    @property
    def by_machine(self):
        return self.assigned_by_id is None


class ProposedAssignment(models.Model):
    """A theme the machine would give an answer in an application held back for a person to accept."""

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="proposed_assignments")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["theme", "answer"], name="proposed_once_per_answer")]


class ProposedCoding(models.Model):
    """How sure the machine would be of an answer in an application held back for a person to
    accept: it replaces the answer's coding's confidence, flag and place in the queue only when
    the application is accepted, so the answers put up for review are always those of the themes in force."""

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="proposed_codings")
    coding = models.OneToOneField(AnswerCoding, on_delete=models.CASCADE, related_name="+")
    confidence = models.FloatField()
    needs_review = models.BooleanField(default=False)
    review_rank = models.PositiveIntegerField(null=True, blank=True)


class AgreementSample(models.Model):
    """An answer drawn at random for a person to code blind; their codes stay here, apart from the machine's."""

    codeframe = models.ForeignKey(Codeframe, on_delete=models.CASCADE, related_name="agreement_sample")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    themes = models.ManyToManyField(Theme, blank=True, related_name="+")
    coded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["codeframe", "answer"], name="sampled_once")]


class Quote(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="quotes")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(help_text="The answer with personal details removed.")
    removed = models.JSONField(default=list, blank=True, help_text="What redaction took out: [{kind, original, marker}].")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["theme", "pk"]
        constraints = [models.UniqueConstraint(fields=["theme", "answer"], name="quote_once_per_theme")]

    @property
    def approved(self):
        return self.approved_at is not None
