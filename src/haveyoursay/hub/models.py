"""Consultations as the public meets them: "We asked", the documents, how to respond,
and, once the council publishes it, "You said" and "We did"."""

import calendar
import copy
import datetime
import functools
import logging
import time
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from haveyoursay.hub import files
from haveyoursay.stored_files import delete_files_on_commit, files_deleted_with

logger = logging.getLogger(__name__)


def now():
    """This moment, which decides every status: publishing and closing happen at a time."""
    return timezone.now()


def today():
    """Today's date where the council is (Europe/London)."""
    return timezone.localtime(now()).date()


# A consultation closes at the end of its closing day unless staff choose another time.
END_OF_DAY = datetime.time(23, 59)


def as_moment(on):
    """`on` as an aware datetime: a date means the start of that day where the council is."""
    if on is None:
        return now()
    if isinstance(on, datetime.datetime):
        return on
    return datetime.datetime.combine(on, datetime.time(0, 0), tzinfo=timezone.get_current_timezone())


def default_retention_months():
    return settings.RESPONSE_RETENTION_MONTHS


def add_months(day, months):
    """The same day `months` later, or the month's last day if it is shorter: 31 January + 1 is 28 or 29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


class FreeTextAfterRetention(models.TextChoices):
    REDACT = "redact", "Keep the comments, with names, addresses and other personal details taken out"
    DELETE = "delete", "Delete the comments"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
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


class ClockNow(Now):
    """The database's clock as it reads now. SQLite's reads only to the millisecond, and stores
    a moment as text: a publication time stored with its microseconds ("…07.123456") sorts after
    the clock's reading in the same millisecond ("…07.123"), so a consultation just published
    was not yet public (114 times in 200, published and then looked for at once). Read as the
    end of its millisecond ("…07.123999") it compares as the moment it is."""

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="STRFTIME('%%%%Y-%%%%m-%%%%d %%%%H:%%%%M:%%%%f999', 'NOW')", **extra_context
        )


def published_q(on=None):
    """Published by the moment `on`: a publication time still to come is only scheduled.

    Without `on`, the database's own clock decides, when the query runs: a query prepared
    once and run many times (`haveyoursay.prepared`) never carries a stale moment.
    """
    return Q(published_at__isnull=False, published_at__lte=as_moment(on) if on is not None else ClockNow())


def closed_q(on):
    """Past its closing date and time at the moment `on`, where the council is."""
    local = timezone.localtime(as_moment(on))
    day, time_of_day = local.date(), local.time().replace(second=0, microsecond=0)
    return Q(closes_on__lt=day) | Q(closes_on=day, closes_at_time__lt=time_of_day)


def status_q(status, on):
    """The condition for `status` at `on` (a datetime, or a date meaning its start), for
    filtering in the database. Whether it is published is judged now; its dates, at `on`."""
    published = published_q()
    day = timezone.localtime(as_moment(on)).date()
    if status == Status.DRAFT:
        return Q(published_at__isnull=True)
    if status == Status.SCHEDULED:
        return Q(published_at__isnull=False) & ~published
    if status == Status.FORTHCOMING:
        return published & (Q(opens_on__isnull=True) | Q(opens_on__gt=day))
    if status == Status.OPEN:
        return published & Q(opens_on__lte=day) & (Q(closes_on__isnull=True) | ~closed_q(on))
    if status == Status.CLOSED:
        return published & Q(opens_on__lte=day, closes_on__isnull=False) & closed_q(on)
    raise ValueError(f"Unknown status {status!r}")


class ConsultationQuerySet(models.QuerySet):
    def delete(self):
        """Delete the consultations, and (once that commits) the files stored for them: their
        documents, their reports, any file of a row deleted with them."""
        stored = files_deleted_with(self)
        result = super().delete()
        delete_files_on_commit(stored)
        Revision.bump()
        return result

    # Writing without save() keeps the search document up to date too (on PostgreSQL).
    def update(self, **kwargs):
        if not SEARCHED_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            result = super().update(**kwargs)
            self.model.private_objects.db_manager(self.db).filter(pk__in=pks).index_for_search()
        return result

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            self.model.private_objects.db_manager(self.db).filter(
                pk__in=[obj.pk for obj in made if obj.pk is not None]
            ).index_for_search()
        return made

    def bulk_update(self, objs, fields, *args, **kwargs):
        with transaction.atomic(using=self.db):
            result = super().bulk_update(objs, fields, *args, **kwargs)
            if SEARCHED_FIELDS.intersection(fields):
                self.model.private_objects.db_manager(self.db).filter(
                    pk__in=[obj.pk for obj in objs]
                ).index_for_search()
        return result

    def published(self, on=None):
        """Published by the moment `on` (now by default); not those only scheduled."""
        return self.filter(published_q(on))

    def with_status(self, statuses, on=None):
        """Those whose status is one of `statuses` at `on` (now by default; a date means its start)."""
        on = as_moment(on)
        query = Q(pk__in=[])
        for status in statuses:
            query |= status_q(status, on)
        return self.filter(query)

    def in_hub_order(self, on=None, first=()):
        """Open first, soonest closing; then forthcoming, soonest opening; then closed,
        most recently closed first. `first`: orderings that come before all that."""
        on = as_moment(on)
        day = timezone.localtime(on).date()
        far_future = datetime.date(9999, 12, 31)
        return self.annotate(
            status_rank=Case(
                When(~published_q(), then=Value(3)),
                When(Q(opens_on__isnull=True) | Q(opens_on__gt=day), then=Value(1)),
                When(closed_q(on), then=Value(2)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        ).order_by(
            *first,
            "status_rank",
            Case(When(status_rank=0, then=F("closes_on")), default=Value(far_future)).asc(nulls_last=True),
            Case(When(status_rank=1, then=F("opens_on")), default=Value(far_future)).asc(nulls_last=True),
            F("closes_on").desc(nulls_last=True),
            "title",
        )

    def with_outcome_published(self, on=None):
        """Those whose "You said, we did" the public sees at `on` (now by default): published,
        written (as prose or as entries), and closed."""
        from haveyoursay.outcomes.models import WeDidEntry

        written = ~Q(you_said="") | ~Q(we_did="") | Q(pk__in=WeDidEntry.objects.values("consultation"))
        return self.with_status([Status.CLOSED], on).filter(written, outcome_published_at__isnull=False)

    def search(self, text):
        """Those whose title, summary, "We asked" or documents' titles match `text` as a web
        search reads it, annotated with `search_rank`, higher for better matches
        (`haveyoursay.hub.search`)."""
        from haveyoursay.hub.search import search

        return search(self, text)

    def index_for_search(self):
        """Bring the stored search document of each of these up to date with its title,
        summary, "We asked" and documents (on PostgreSQL; SQLite searches the columns)."""
        from haveyoursay.hub.search import index

        index(self)


class PublicManager(models.Manager.from_queryset(ConsultationQuerySet)):
    """Only what the public may see: a draft can never come out of this manager."""

    def get_queryset(self):
        return super().get_queryset().published()

    def next_change_at(self, after=None):
        """The next moment a consultation is published or closes by the clock: public pages
        cached before it must not outlive it. None when nothing is due."""
        after = as_moment(after)
        due = self.model.private_objects.filter(published_at__gt=after).order_by("published_at")
        scheduled = due.values_list("published_at", flat=True).first()
        closing = (
            self.filter(closes_on__gte=timezone.localtime(after).date())
            .order_by("closes_on", "closes_at_time")
            .values_list("closes_on", "closes_at_time")
        )
        moments = [scheduled] if scheduled else []
        for closes_on, closes_at_time in closing[:50]:
            moment = closing_moment(closes_on, closes_at_time)
            if moment > after:
                moments.append(moment)
                break
        return min(moments) if moments else None


def closing_moment(closes_on, closes_at_time):
    """The first minute a consultation closing at `closes_at_time` on `closes_on` no longer
    takes responses, as an aware datetime."""
    at = datetime.datetime.combine(closes_on, closes_at_time, tzinfo=timezone.get_current_timezone())
    return at.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)


# The consultation's own fields the hub's search reads (haveyoursay.hub.search), besides its documents' titles.
SEARCHED_FIELDS = frozenset({"title", "summary", "we_asked"})


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
    closes_at_time = models.TimeField(
        "closing time", default=END_OF_DAY, help_text="Responses are taken until the end of this minute."
    )
    shorter_period_reason = models.TextField(
        "why it runs for less than 12 weeks",
        blank=True,
        help_text="Only if it runs for less than 12 weeks: why that is enough time, for example a deadline set by "
        "government or an earlier stage that asked the same people. The consultation record shows it.",
    )
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
    privacy_notice = models.TextField(
        "privacy notice",
        blank=True,
        help_text="How the council uses the information people give: who holds it, why, for how long, their rights.",
    )

    # How long the personal data in its responses is kept after it closes, and what becomes
    # of free text then (`haveyoursay apply_retention`, docs/decisions/0011-personal-data.md).
    retention_months = models.PositiveSmallIntegerField(
        "months to keep personal data after closing",
        default=default_retention_months,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Names, email addresses and personal details in comments are removed this many months after "
        "the closing date. Say the same in the privacy notice.",
    )
    free_text_after_retention = models.CharField(
        "comments at the end of the retention period",
        max_length=10,
        choices=FreeTextAfterRetention.choices,
        default=FreeTextAfterRetention.REDACT,
    )

    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What PostgreSQL's full-text search reads: the title, summary, "We asked" and the titles
    # of the documents, weighted, worked out once on every save rather than for every row on
    # every search. Always empty on SQLite, which searches the columns themselves.
    search_document = SearchVectorField(null=True, editable=False)

    private_objects = ConsultationQuerySet.as_manager()
    public_objects = PublicManager()

    class Meta:
        ordering = ["-closes_on", "title"]
        default_manager_name = "private_objects"
        permissions = [("publish_consultation", "Can publish and unpublish consultations")]
        # What the hub filters and orders by and what decides how long its pages are cached;
        # the full-text index of search_document is PostgreSQL's only (migration 0006).
        indexes = [
            models.Index(fields=["published_at"], name="hub_consultation_published"),
            models.Index(fields=["closes_on", "closes_at_time"], name="hub_consultation_closes"),
            models.Index(fields=["opens_on"], name="hub_consultation_opens"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(opens_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="consultation_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or SEARCHED_FIELDS.intersection(update_fields):
            Consultation.private_objects.filter(pk=self.pk).index_for_search()

    def get_absolute_url(self):
        return reverse("hub:consultation", args=[self.slug])

    # Status is derived from publication and dates, never stored.
    def status_on(self, on):
        """The status at `on`, a datetime or a date meaning the start of that day: whether it
        is published is judged now, its dates at `on`."""
        on = as_moment(on)
        if self.published_at is None:
            return Status.DRAFT
        if self.published_at > now():
            return Status.SCHEDULED
        if self.opens_on is None or self.opens_on > timezone.localtime(on).date():
            return Status.FORTHCOMING
        if self.closes_at is not None and self.closes_at <= on:
            return Status.CLOSED
        return Status.OPEN

    @property
    def status(self):
        return self.status_on(now())

    @property
    def closes_at(self):
        """The moment it stops taking responses (the minute after its closing time)."""
        if self.closes_on is None:
            return None
        return closing_moment(self.closes_on, self.closes_at_time or END_OF_DAY)

    @property
    def closes_at_local(self):
        """The closing date and time as staff typed them, for "closes at 11:59pm on 5 January"."""
        if self.closes_on is None:
            return None
        return datetime.datetime.combine(
            self.closes_on, self.closes_at_time or END_OF_DAY, tzinfo=timezone.get_current_timezone()
        )

    def get_status_display(self):
        return Status(self.status).label

    @property
    def duration_days(self):
        """How many days it takes responses, its opening and closing days included (3 January to
        27 March is 84 days: 12 weeks); None until both dates are set."""
        if self.opens_on is None or self.closes_on is None:
            return None
        return (self.closes_on - self.opens_on).days + 1

    @property
    def retention_ends_on(self):
        """The day its responses' personal data is due to be removed; None until it has a closing date."""
        if self.closes_on is None:
            return None
        return add_months(self.closes_on, self.retention_months)

    @property
    def is_published(self):
        """The public can see it: published, and the time it was scheduled for has come."""
        return self.published_at is not None and self.published_at <= now()

    @property
    def is_scheduled(self):
        """Set to be published at a time still to come."""
        return self.published_at is not None and self.published_at > now()

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
    def has_outcome(self):
        """ "You said, we did" is written: as prose, or as entries of what the council did."""
        return bool(self.you_said or self.we_did) or self.we_did_entries.exists()

    @property
    def outcome_is_published(self):
        """Whether the public sees "You said" and "We did": published, written, and the
        consultation closed (a closing date moved later hides them until it has passed)."""
        return self.outcome_published_at is not None and self.status == Status.CLOSED and self.has_outcome

    def renew_public_counts(self):
        """Renew the cached public pages when what is counted changes (a response marked or
        unmarked, erased, keyed in or corrected, an import made or undone, themes recoded).
        The consultation page shows counts worked out from the responses (how many responded,
        the We did figures of `outcomes/counts.py`) only once the outcome is published, so a
        change before then renews nothing."""
        if self.outcome_is_published:
            Revision.bump()

    def outcome_not_ready_because(self):
        """Why the outcome can't be published yet, in words for staff; "" when it can."""
        if not self.has_outcome:
            return "Write “You said” or “We did”, or add what the council did, before you publish the outcome."
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

    def publishing_checklist(self):
        """What the public page needs before it goes live, each item present or missing."""
        from haveyoursay.hub.checklist import checklist

        return checklist(self)

    def missing_for_publishing(self):
        return [item for item in self.publishing_checklist() if not item.done]

    def delete(self, *args, **kwargs):
        """Delete it, and (once that commits) the files stored for it: its documents, its
        reports, any file of a row deleted with it."""
        stored = files_deleted_with([self])
        result = super().delete(*args, **kwargs)
        delete_files_on_commit(stored)
        return result

    def publish(self, at=None):
        """Publish now, or schedule it for `at`: the public sees it from that moment."""
        if at is not None:
            self.published_at = at
        elif self.published_at is None or self.published_at > now():
            self.published_at = now()
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

    def publish_outcome(self, at=None):
        """Show "You said" and "We did" to the public, dated now or `at` (for records of an
        outcome published before); OutcomeNotReady before the consultation has closed or while
        neither is written."""
        reason = self.outcome_not_ready_because()
        if reason:
            raise OutcomeNotReady(reason)
        self.outcome_published_at = self.outcome_published_at or at or timezone.now()
        self.save(update_fields=["outcome_published_at", "updated_at"])

    def withdraw_outcome(self):
        self.outcome_published_at = None
        self.save(update_fields=["outcome_published_at", "updated_at"])


def document_upload_to(document, filename):
    return f"documents/{timezone.now():%Y/%m}/{files.safe_filename(filename)}"


# What of a document its consultation's search document holds.
DOCUMENT_SEARCHED_FIELDS = frozenset({"title", "text", "consultation", "consultation_id"})


class DocumentQuerySet(models.QuerySet):
    """Writing documents without save() keeps their consultations' search documents up to
    date too (on PostgreSQL). Documents made with bulk_create wait for their text to be read
    by `haveyoursay read_document_texts`."""

    def _index_consultations(self, consultation_ids):
        Consultation.private_objects.db_manager(self.db).filter(pk__in=consultation_ids).index_for_search()

    def _index(self, pks):
        Document.objects.db_manager(self.db).filter(pk__in=pks).index_for_search()

    def index_for_search(self):
        """Bring the stored search vector of each of these up to date with its title and text
        (on PostgreSQL); their consultations' search documents are another matter."""
        from haveyoursay.hub.search import index_documents

        index_documents(self)

    def update(self, **kwargs):
        if not DOCUMENT_SEARCHED_FIELDS.intersection(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            before = set(self.values_list("consultation_id", flat=True))
            pks = list(self.values_list("pk", flat=True))
            result = super().update(**kwargs)
            after = set(
                Document.objects.db_manager(self.db).filter(pk__in=pks).values_list("consultation_id", flat=True)
            )
            self._index(pks)
            self._index_consultations(before | after)
        return result

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            made = super().bulk_create(objs, *args, **kwargs)
            self._index([obj.pk for obj in made if obj.pk is not None])
            self._index_consultations({obj.consultation_id for obj in made})
        return made

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            before = set(
                Document.objects.db_manager(self.db).filter(pk__in=[obj.pk for obj in objs])
                .values_list("consultation_id", flat=True)
            )
            result = super().bulk_update(objs, fields, *args, **kwargs)
            if DOCUMENT_SEARCHED_FIELDS.intersection(fields):
                self._index([obj.pk for obj in objs])
                self._index_consultations(before | {obj.consultation_id for obj in objs})
        return result

    def delete(self):
        with transaction.atomic(using=self.db):
            consultation_ids = set(self.values_list("consultation_id", flat=True))
            result = super().delete()
            self._index_consultations(consultation_ids)
        return result


class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):
    def get_queryset(self):
        # A document's text (and its search vector) are for the search alone, and may be long:
        # pages listing documents never need them.
        return super().get_queryset().defer("text", "search_vector")


class Document(RevisedModel):
    class TextState(models.TextChoices):
        WAITING = "waiting", "Waiting to be read"
        READ = "read", "Read"
        UNREADABLE = "unreadable", "Could not be read"
        NOT_READ = "not_read", "Not a format whose text is read"

    class Kind(models.TextChoices):
        MAIN = "main", "Main document"
        SUMMARY = "summary", "Summary"
        EASY_READ = "easy_read", "Easy read"
        LARGE_PRINT = "large_print", "Large print"
        TRANSLATION = "translation", "Translation"
        EQUALITY_IMPACT = "equality_impact", "Equality impact assessment"
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
    # The words inside a PDF or Word file, read in the background once it is stored
    # (haveyoursay.hub.document_text) for the hub's search; a note for staff when they can't be.
    text = models.TextField(blank=True, editable=False)
    text_state = models.CharField(
        max_length=12, choices=TextState.choices, default=TextState.WAITING, editable=False
    )
    text_note = models.TextField(blank=True, editable=False)
    # PostgreSQL's search vector of its title and text, for a page of search results to say
    # which of its consultations' documents matched, kept with its consultation's search
    # document (haveyoursay.hub.search.index). Worked out for each request instead, from ten
    # pages of text a document, a page of results took over a second. Empty on SQLite, which
    # has its own index of documents (migration 0009).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = DocumentManager()

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
        stored_file = Document.objects.filter(pk=self.pk).values_list("file", flat=True).first()
        new_file = self.pk is None or stored_file != self.file.name
        if new_file:
            self.text, self.text_state, self.text_note = "", self.TextState.WAITING, ""
        super().save(*args, **kwargs)
        # Its title, and the words in its file, are part of what the hub's search finds it and its consultation by.
        Document.objects.filter(pk=self.pk).index_for_search()
        Consultation.private_objects.filter(pk=self.consultation_id).index_for_search()
        if new_file:
            transaction.on_commit(functools.partial(self.read_text_later, self.pk))

    @staticmethod
    def read_text_later(document_id):
        """Queue the reading of the document's text. If the queue can't be reached the upload
        still stands: `haveyoursay read_document_texts` reads what is left waiting."""
        from haveyoursay.hub.document_text import read_text

        try:
            read_text.enqueue(document_id)
        except Exception as error:
            logger.error("Document %s: reading its text could not be queued (%s).", document_id, type(error).__name__)

    def delete(self, *args, **kwargs):
        storage, name = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        Consultation.private_objects.filter(pk=self.consultation_id).index_for_search()
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


class FileDeletionQuerySet(models.QuerySet):
    def failing_repeatedly(self):
        """Those tried at least `FileDeletion.REPEATEDLY` times: staff who delete consultations are told."""
        return self.filter(attempts__gte=FileDeletion.REPEATEDLY)


class FileDeletion(models.Model):
    """A stored file (a document, a report's PDF or Word file) whose row was deleted but which the
    storage could not delete then: kept here until `stored_files.retry_file_deletions`, run
    daily by `haveyoursay delete_stored_files`, deletes it. Without it the file would stay in
    storage, unreferenced, for ever."""

    REPEATEDLY = 3

    storage = models.CharField(max_length=50, default="default", help_text="The storage's name in STORAGES.")
    name = models.CharField(max_length=255, help_text="The file's name in that storage.")
    attempts = models.PositiveIntegerField(default=1, help_text="Deletions tried, each failed.")
    first_failed_at = models.DateTimeField(default=timezone.now)
    last_tried_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=100, blank=True, help_text="What kind of error the storage gave.")

    objects = FileDeletionQuerySet.as_manager()

    class Meta:
        ordering = ["first_failed_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["storage", "name"], name="file_deletion_once")]

    def __str__(self):
        return self.name
