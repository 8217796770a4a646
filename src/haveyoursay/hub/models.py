"""Consultations as the public meets them: "We asked", the documents, how to respond,
and, once the council publishes it, "You said" and "We did"."""

import copy
import datetime
import time
from pathlib import PurePath

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from haveyoursay.hub import files


def today():
    """Today's date where the council is (Europe/London), which decides every status."""
    return timezone.localdate()


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    FORTHCOMING = "forthcoming", "Forthcoming"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Revision(models.Model):
    """One row whose number goes up whenever anything the public pages show changes.

    Public pages are cached under this number. Each process reads it at most once a second
    (`MEMO_SECONDS`), so a change shows everywhere within a second, at once in the process
    that made it, and serving a cached page costs no database query at all.
    """

    MEMO_SECONDS = 1.0
    _memo = (None, 0.0)  # (number, when it was read, by time.monotonic())

    number = models.PositiveBigIntegerField(default=0)

    @classmethod
    def current(cls):
        number, read_at = cls._memo
        now = time.monotonic()
        if number is None or now - read_at > cls.MEMO_SECONDS:
            number = cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0
            cls._memo = (number, now)
        return number

    @classmethod
    def forget(cls):
        cls._memo = (None, 0.0)

    @classmethod
    def bump(cls):
        def _bump():
            if not cls.objects.filter(pk=1).update(number=F("number") + 1):
                cls.objects.get_or_create(pk=1, defaults={"number": 1})
            cls.forget()

        transaction.on_commit(_bump)


class RevisedModel(models.Model):
    """A model whose changes show on public pages, and so bump the Revision."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Revision.bump()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        Revision.bump()
        return result


class Label(RevisedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:120]
        super().save(*args, **kwargs)


class Topic(Label):
    class Meta(Label.Meta):
        pass


class Area(Label):
    """A district or other part of the council's area that a consultation concerns."""

    class Meta(Label.Meta):
        pass


class PartnerBody(Label):
    """A council, NHS body or other organisation that runs consultations, alone or jointly."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        NHS = "nhs", "NHS body"
        PARTNERSHIP = "partnership", "Partnership or board"
        OTHER = "other", "Other organisation"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    url = models.URLField(blank=True)

    class Meta(Label.Meta):
        verbose_name_plural = "partner bodies"


def status_q(status, on):
    """The condition for `status` on the date `on`, for filtering in the database."""
    published = Q(published_at__isnull=False)
    if status == Status.DRAFT:
        return ~published
    if status == Status.FORTHCOMING:
        return published & (Q(opens_on__isnull=True) | Q(opens_on__gt=on))
    if status == Status.OPEN:
        return published & Q(opens_on__lte=on) & (Q(closes_on__isnull=True) | Q(closes_on__gte=on))
    if status == Status.CLOSED:
        return published & Q(opens_on__lte=on, closes_on__lt=on)
    raise ValueError(f"Unknown status {status!r}")


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def with_status(self, statuses, on=None):
        """Those whose status is one of `statuses`, on `on` (today by default)."""
        on = on or today()
        query = Q(pk__in=[])
        for status in statuses:
            query |= status_q(status, on)
        return self.filter(query)

    def in_hub_order(self, on=None):
        """Open first, soonest closing; then forthcoming, soonest opening; then closed,
        most recently closed first."""
        on = on or today()
        far_future = datetime.date(9999, 12, 31)
        return self.annotate(
            status_rank=Case(
                When(published_at__isnull=True, then=Value(3)),
                When(Q(opens_on__isnull=True) | Q(opens_on__gt=on), then=Value(1)),
                When(closes_on__lt=on, then=Value(2)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        ).order_by(
            "status_rank",
            Case(When(status_rank=0, then=F("closes_on")), default=Value(far_future)).asc(nulls_last=True),
            Case(When(status_rank=1, then=F("opens_on")), default=Value(far_future)).asc(nulls_last=True),
            F("closes_on").desc(nulls_last=True),
            "title",
        )

    def search(self, text):
        """Every word must appear in the title or the summary."""
        for word in text.split():
            self = self.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return self


class PublicManager(models.Manager.from_queryset(ConsultationQuerySet)):
    """Only what the public may see: a draft can never come out of this manager."""

    def get_queryset(self):
        return super().get_queryset().published()


class OutcomeNotReady(Exception):
    """The outcome can't be published yet; the message says why and what to do."""


class Consultation(RevisedModel):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The last part of the page's web address. Letters, numbers and hyphens only.",
    )
    summary = models.TextField(
        max_length=600,
        help_text="One or two sentences shown in the list of consultations and in search results.",
    )
    opens_on = models.DateField(
        null=True, blank=True, help_text="Leave empty while the dates are not yet confirmed."
    )
    closes_on = models.DateField(null=True, blank=True)
    partners = models.ManyToManyField(
        PartnerBody, blank=True, related_name="consultations", verbose_name="who is consulting"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="consultations")
    areas = models.ManyToManyField(Area, blank=True, related_name="consultations")
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_by",
        verbose_name="earlier stage",
        help_text="An earlier consultation or engagement this one continues from.",
    )

    we_asked = models.TextField("We asked", blank=True)
    what_happens_next = models.TextField("What happens next", blank=True)
    you_said = models.TextField("You said", blank=True)
    we_did = models.TextField("We did", blank=True)
    outcome_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    respond_online_url = models.URLField(
        "online questionnaire address", blank=True, help_text="Only if the questionnaire is run elsewhere."
    )
    respond_email = models.EmailField("email responses to", blank=True)
    respond_phone = models.CharField("phone responses on", max_length=40, blank=True)
    respond_post = models.TextField("post responses to", blank=True)
    respond_other = models.TextField("other ways to respond", blank=True)

    contact_name = models.CharField("contact team or person", max_length=200, blank=True)
    contact_email = models.EmailField("contact email", blank=True)
    contact_phone = models.CharField("contact phone", max_length=40, blank=True)

    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    private_objects = ConsultationQuerySet.as_manager()
    public_objects = PublicManager()

    class Meta:
        ordering = ["-closes_on", "title"]
        default_manager_name = "private_objects"
        permissions = [("publish_consultation", "Can publish and unpublish consultations")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("hub:consultation", args=[self.slug])

    # Status is derived from publication and dates, never stored.
    def status_on(self, on):
        if self.published_at is None:
            return Status.DRAFT
        if self.opens_on is None or self.opens_on > on:
            return Status.FORTHCOMING
        if self.closes_on is not None and self.closes_on < on:
            return Status.CLOSED
        return Status.OPEN

    @property
    def status(self):
        return self.status_on(today())

    def get_status_display(self):
        return Status(self.status).label

    @property
    def is_published(self):
        return self.published_at is not None

    @property
    def days_left(self):
        """Whole days until it closes, counting today as 0; None when not open."""
        if self.status != Status.OPEN or self.closes_on is None:
            return None
        return (self.closes_on - today()).days

    @property
    def days_until_opens(self):
        if self.status != Status.FORTHCOMING or self.opens_on is None:
            return None
        return (self.opens_on - today()).days

    @property
    def outcome_is_published(self):
        """Whether the public sees "You said" and "We did": published, written, and the
        consultation closed (a closing date moved later hides them until it has passed)."""
        return (
            self.outcome_published_at is not None and bool(self.you_said or self.we_did)
            and self.status == Status.CLOSED
        )

    def outcome_not_ready_because(self):
        """Why the outcome can't be published yet, in words for staff; "" when it can."""
        if not (self.you_said or self.we_did):
            return "Write “You said” or “We did” before you publish the outcome."
        status = self.status
        if status == Status.CLOSED:
            return ""
        if status == Status.DRAFT:
            return "Publish the consultation first. You can publish its outcome once it has closed."
        if self.closes_on is None:
            return "Set the closing date first. You can publish the outcome once the consultation has closed."
        after = self.closes_on + datetime.timedelta(days=1)
        return (
            f"You can publish the outcome once the consultation has closed. It closes on "
            f"{self.closes_on:%-d %B %Y}, so you can publish the outcome from {after:%-d %B %Y}."
        )

    @property
    def has_ways_to_respond(self):
        return any(
            [self.respond_online_url, self.respond_email, self.respond_phone, self.respond_post, self.respond_other]
        ) or bool(self.events.all())

    def publish(self):
        self.published_at = self.published_at or timezone.now()
        self.save(update_fields=["published_at", "updated_at"])

    def as_published(self):
        """This consultation as the public will see it once published (status, timings), for
        staff to preview: an unsaved copy, never to be saved."""
        if self.is_published:
            return self
        shown = copy.copy(self)
        shown.published_at = timezone.now()
        return shown

    def unpublish(self):
        self.published_at = None
        self.save(update_fields=["published_at", "updated_at"])

    def publish_outcome(self):
        """Show "You said" and "We did" to the public; OutcomeNotReady before the consultation
        has closed or while neither is written."""
        reason = self.outcome_not_ready_because()
        if reason:
            raise OutcomeNotReady(reason)
        self.outcome_published_at = self.outcome_published_at or timezone.now()
        self.save(update_fields=["outcome_published_at", "updated_at"])

    def withdraw_outcome(self):
        self.outcome_published_at = None
        self.save(update_fields=["outcome_published_at", "updated_at"])


def document_upload_to(document, filename):
    return f"documents/{timezone.now():%Y/%m}/{files.safe_filename(filename)}"


class Document(RevisedModel):
    class Kind(models.TextChoices):
        MAIN = "main", "Main document"
        SUMMARY = "summary", "Summary"
        EASY_READ = "easy_read", "Easy read"
        LARGE_PRINT = "large_print", "Large print"
        TRANSLATION = "translation", "Translation"
        SUPPORTING = "supporting", "Supporting document"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MAIN)
    language = models.CharField(
        max_length=60, blank=True, help_text="For a translation: the language it is in, for example Gujarati."
    )
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    # Both worked out from the stored file when it is saved, never typed in.
    file_format = models.CharField(max_length=10, editable=False)
    size_bytes = models.PositiveBigIntegerField(editable=False)
    position = models.PositiveIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="translation") | ~Q(language=""), name="translation_names_its_language"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.size_bytes = self.file.size
        self.file_format = files.format_of(self.file.name).label
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        storage, name = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: storage.delete(name))
        return result

    def get_absolute_url(self):
        return reverse("hub:document", args=[self.pk, self.download_name])

    @property
    def download_name(self):
        return PurePath(self.file.name).name

    @property
    def size_display(self):
        return files.human_size(self.size_bytes)

    @property
    def kind_display(self):
        if self.kind == self.Kind.TRANSLATION and self.language:
            return f"Translation: {self.language}"
        return self.get_kind_display()


class Event(RevisedModel):
    """A drop-in, meeting or group session where people can give their views in person."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    place = models.CharField(max_length=200, help_text="The venue, for example Loughborough Library.")
    address = models.TextField(blank=True)
    details = models.TextField(blank=True, help_text="Booking, access or anything else people should know.")

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")), name="event_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return self.title


def max_upload_bytes():
    return settings.HAVEYOURSAY_MAX_UPLOAD_MB * 1024 * 1024
