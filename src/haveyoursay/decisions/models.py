"""Democratic records: the bodies that decide, their members, meetings, agenda items, minutes,
decisions, votes, declarations of interest, questions and petitions.

Names follow the Popolo / Open Civic Data vocabulary (organization, person, membership, vote
event, vote) so that the data can be reused; a Popolo "event" is a `Meeting` here, because the
hub already has consultation events. Records imported from ModernGov keep the site and the id
they have there, so that importing again updates them instead of adding copies.

The rules that span several records (a named vote's totals agree with its names, only members
present may vote, a decision needs a meeting that has been held) are checked in `clean()` and
by the functions in `decisions/recording.py`, which write nothing unless everything is right.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify


class FromModernGov(models.Model):
    """A record that may have come from a council's ModernGov site, and knows its id there."""

    moderngov_site = models.URLField(blank=True, help_text="The ModernGov site it was imported from, if any.")
    moderngov_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="Its id on that site.")

    class Meta:
        abstract = True

    @classmethod
    def moderngov_constraint(cls, name):
        return models.UniqueConstraint(
            fields=["moderngov_site", "moderngov_id"], condition=Q(moderngov_id__isnull=False), name=name
        )


def unique_slug(model, text, pk=None, max_length=120):
    """A slug for `text` that no other row of `model` has: "audit-committee", "audit-committee-2"."""
    base = slugify(text)[: max_length - 6] or "record"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exclude(pk=pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Organization(FromModernGov):
    """A body that meets or decides: the council, its cabinet, a committee, a scrutiny body, a board."""

    class Classification(models.TextChoices):
        COUNCIL = "council", "Full council"
        EXECUTIVE = "executive", "Cabinet or executive"
        COMMITTEE = "committee", "Committee"
        SCRUTINY = "scrutiny", "Scrutiny body"
        SUBCOMMITTEE = "subcommittee", "Sub-committee or panel"
        BOARD = "board", "Partnership board"
        OTHER = "other", "Other body"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    classification = models.CharField(max_length=20, choices=Classification.choices, default=Classification.COMMITTEE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children",
        help_text="The body it reports to, if any (a sub-committee's committee).",
    )  # fmt: skip
    category = models.CharField(max_length=200, blank=True, help_text="The council's own grouping of its bodies.")
    is_current = models.BooleanField(default=True, help_text="No longer meets: a body that has been wound up.")

    class Meta:
        ordering = ["name"]
        constraints = [FromModernGov.moderngov_constraint("organization_unique_moderngov_id")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Organization, self.name, self.pk)
        super().save(*args, **kwargs)

    def clean(self):
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A body cannot report to itself or to one of its own sub-bodies."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Person(FromModernGov):
    """A councillor, a co-opted member, or an officer named in the records.

    `name` is as the minutes write it ("Mr B. L. Pain CC", "Dr Feltham"); the parts are kept
    apart so that a name in a minute ("Mr Pain") can be matched to the person.
    """

    class Kind(models.TextChoices):
        MEMBER = "member", "Councillor or member"
        OFFICER = "officer", "Officer"

    name = models.CharField(max_length=200, help_text='As the minutes write it, e.g. "Mr B. L. Pain CC".')
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    honorific_prefix = models.CharField(max_length=30, blank=True, help_text="Mr, Mrs, Ms, Dr, Councillor …")
    given_name = models.CharField(max_length=100, blank=True)
    initials = models.CharField(max_length=30, blank=True, help_text='e.g. "B. L."')
    family_name = models.CharField(max_length=100)
    honorific_suffix = models.CharField(max_length=60, blank=True, help_text='e.g. "MBE CC"')
    party = models.CharField(max_length=120, blank=True)
    division = models.CharField(max_length=120, blank=True, help_text="Electoral division or ward.")
    role = models.CharField(max_length=200, blank=True, help_text="For an officer: their post.")

    class Meta:
        ordering = ["family_name", "initials", "given_name", "pk"]
        verbose_name_plural = "people"
        constraints = [FromModernGov.moderngov_constraint("person_unique_moderngov_id")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Person, f"{self.given_name or self.initials} {self.family_name}", self.pk)
        super().save(*args, **kwargs)


class MembershipQuerySet(models.QuerySet):
    def on(self, date):
        """Memberships in force on `date`."""
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=date)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=date)
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        CO_OPTED = "co_opted", "Co-opted member"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "role", "person__family_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()}, {self.organization}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The membership cannot end before it starts."})


class Meeting(FromModernGov):
    """A meeting of a body (a Popolo "event"). Whether it has been held is worked out from its
    time and whether it was called off, never typed in."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    class Minutes(models.TextChoices):
        NONE = "none", "No minutes yet"
        DRAFT = "draft", "Draft minutes"
        CONFIRMED = "confirmed", "Confirmed minutes"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    time_known = models.BooleanField(
        default=True, help_text="Whether the records say what time it started (older minutes give only the day)."
    )
    ends_at = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    minutes_status = models.CharField(max_length=20, choices=Minutes.choices, default=Minutes.NONE)
    minutes_confirmed_by = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="confirms_minutes_of",
        help_text="The item of a later meeting at which these minutes were confirmed.",
    )  # fmt: skip
    party_whip_declared = models.BooleanField(
        null=True, blank=True,
        help_text="At scrutiny: whether any member declared the party whip (empty where not recorded).",
    )  # fmt: skip

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            FromModernGov.moderngov_constraint("meeting_unique_moderngov_id"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.organization}, {local.day} {local:%B %Y}"

    def when(self):
        """ "Wednesday 23 February 2022, 2pm to 4:10pm", or the day alone where no time is recorded."""
        from haveyoursay.hub.templatetags.hys import clock

        local = timezone.localtime(self.starts_at)
        day = f"{local:%A} {local.day} {local:%B %Y}"
        if not self.time_known:
            return day
        if self.ends_at:
            return f"{day}, {clock(self.starts_at)} to {clock(self.ends_at)}"
        return f"{day}, {clock(self.starts_at)}"

    @property
    def is_held(self):
        return self.status == self.Status.SCHEDULED and self.starts_at <= timezone.now()

    def state_label(self):
        if self.status != self.Status.SCHEDULED:
            return self.get_status_display()
        return "Held" if self.is_held else "Scheduled"

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The meeting must end after it starts."})
        if self.minutes_status == self.Minutes.CONFIRMED and not self.minutes_confirmed_by_id:
            raise ValidationError(
                {"minutes_confirmed_by": "Say at which later meeting's item the minutes were confirmed."}
            )
        if self.minutes_confirmed_by_id and self.minutes_confirmed_by.meeting_id == self.pk:
            raise ValidationError({"minutes_confirmed_by": "Minutes are confirmed at a later meeting, not this one."})


class Attendance(models.Model):
    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        PRESENT = "present", "Present"
        SUBSTITUTE = "substitute", "Present as substitute"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        IN_ATTENDANCE = "in_attendance", "In attendance"

    VOTING = (Status.PRESENT, Status.SUBSTITUTE)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices)
    substitute_for = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="substituted_by"
    )
    role = models.CharField(max_length=200, blank=True, help_text='e.g. "Chairman", or an officer\'s post.')

    class Meta:
        ordering = ["person__family_name", "person__initials"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting"),
            models.CheckConstraint(
                condition=Q(substitute_for__isnull=True) | Q(status="substitute"),
                name="attendance_substitute_for_only_a_substitute",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"


class AgendaItem(FromModernGov):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()
    sub_letter = models.CharField(max_length=4, blank=True, help_text='e.g. "a" for item 8(a).')
    title = models.CharField(max_length=500)
    text = models.TextField(blank=True, help_text="What the agenda says of the item (sanitised HTML).")
    minutes = models.TextField(blank=True, help_text="The minute of the item (sanitised HTML).")
    is_exempt = models.BooleanField(default=False, help_text="Considered in private: only its title is public.")
    exemption_paragraph = models.CharField(
        max_length=200, blank=True, help_text='e.g. "Paragraph 3 of Part 1 of Schedule 12A".'
    )

    class Meta:
        ordering = ["meeting", "number", "sub_letter"]
        constraints = [
            FromModernGov.moderngov_constraint("agendaitem_unique_moderngov_id"),
            models.UniqueConstraint(fields=["meeting", "number", "sub_letter"], name="agendaitem_number_once"),
        ]

    def __str__(self):
        return f"{self.display_number} {self.title}"

    @property
    def display_number(self):
        return f"{self.number}({self.sub_letter})" if self.sub_letter else f"{self.number}."

    def clean(self):
        if self.is_exempt and not self.exemption_paragraph.strip():
            raise ValidationError(
                {"exemption_paragraph": "Say which exemption paragraph allows this item to be taken in private."}
            )
        if self.meeting_id and self.number is not None:
            clash = AgendaItem.objects.filter(
                meeting_id=self.meeting_id, number=self.number, sub_letter=self.sub_letter
            )
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError({"number": f"Item {self.display_number} is already on this meeting's agenda."})


class AgendaDocument(FromModernGov):
    """A report or other paper for an agenda item: a link to the council's site, or a file."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True)
    is_exempt = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["item", "pk"]
        constraints = [FromModernGov.moderngov_constraint("agendadocument_unique_moderngov_id")]

    def __str__(self):
        return self.title


class Decision(models.Model):
    """What was decided, by a body at a meeting (on an agenda item) or by an officer under
    delegated powers."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_AMENDMENTS = "amended", "Approved with amendments"
        NOTED = "noted", "Noted"
        DEFERRED = "deferred", "Deferred"
        REJECTED = "rejected", "Rejected"
        REFERRED = "referred", "Referred"

    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="decisions")
    delegated_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="delegated_decisions",
        help_text="For a decision taken by an officer under delegated powers.",
    )  # fmt: skip
    decided_on = models.DateField(help_text="For a meeting's decision, the meeting's date.")
    text = models.TextField(help_text="The decision as recorded.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    is_key_decision = models.BooleanField(default=False)
    published_on = models.DateField(null=True, blank=True)
    call_in_deadline = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(delegated_officer__isnull=True))
                | (Q(item__isnull=True) & Q(delegated_officer__isnull=False)),
                name="decision_has_one_decision_maker",
            )
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.text[:80]}"

    @property
    def decision_maker(self):
        return self.item.meeting.organization if self.item_id else self.delegated_officer

    def clean(self):
        errors = {}
        if bool(self.item_id) == bool(self.delegated_officer_id):
            errors["item"] = "A decision is made either at a meeting (choose its item) or by an officer, not both."
        elif self.item_id:
            meeting = self.item.meeting
            if meeting.status != Meeting.Status.SCHEDULED:
                errors["item"] = f"The meeting was {meeting.get_status_display().lower()}: no decision was made at it."
            elif not meeting.is_held:
                errors["item"] = "The meeting has not been held yet: record its decisions once it has met."
            elif self.decided_on and self.decided_on != timezone.localdate(meeting.starts_at):
                errors["decided_on"] = "A meeting's decision is dated the day of the meeting."
        if self.published_on and self.decided_on and self.published_on < self.decided_on:
            errors["published_on"] = "A decision cannot be published before it was made."
        if self.call_in_deadline and self.published_on and self.call_in_deadline < self.published_on:
            errors["call_in_deadline"] = "The call-in deadline cannot be before the decision was published."
        if errors:
            raise ValidationError(errors)


class VoteEvent(models.Model):
    """A vote on a motion or amendment. A named (recorded) vote also has one `Vote` per member,
    and its totals are those of the names."""

    class Kind(models.TextChoices):
        MOTION = "motion", "Motion"
        AMENDMENT = "amendment", "Amendment"

    class Result(models.TextChoices):
        CARRIED = "carried", "Carried"
        LOST = "lost", "Lost"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="vote_events")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MOTION)
    motion_text = models.TextField(blank=True)
    moved_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seconded_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(max_length=10, choices=Result.choices)
    for_count = models.PositiveIntegerField(null=True, blank=True)
    against_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)
    is_named = models.BooleanField(default=False, help_text="A recorded vote: how each member voted is minuted.")

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_result_display().lower()} ({self.item})"


class Vote(models.Model):
    class Option(models.TextChoices):
        FOR = "for", "For"
        AGAINST = "against", "Against"
        ABSTAIN = "abstain", "Abstained"

    vote_event = models.ForeignKey(VoteEvent, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="votes")
    option = models.CharField(max_length=10, choices=Option.choices)

    class Meta:
        ordering = ["option", "person__family_name", "person__initials"]
        constraints = [models.UniqueConstraint(fields=["vote_event", "person"], name="vote_once_per_member")]

    def __str__(self):
        return f"{self.person}: {self.get_option_display()}"


class Declaration(models.Model):
    class Kind(models.TextChoices):
        PECUNIARY = "pecuniary", "Disclosable pecuniary interest"
        OTHER_REGISTRABLE = "registrable", "Other registrable interest"
        NON_REGISTRABLE = "non_registrable", "Non-registrable interest"
        PARTY_WHIP = "party_whip", "Party whip"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(help_text="The reason, as the minutes write it.")
    left_room = models.BooleanField(default=False, help_text="Left the meeting while the item was considered.")

    class Meta:
        ordering = ["meeting", "person__family_name", "pk"]

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"

    def clean(self):
        if self.item_id and self.meeting_id and self.item.meeting_id != self.meeting_id:
            raise ValidationError(
                {"item": "The item must be on the agenda of the meeting the declaration was made at."}
            )


class QuestionQuerySet(models.QuerySet):
    def replies_owed(self):
        """Questions whose asker was promised a reply that has not been recorded, oldest first."""
        return (
            self.filter(reply_promised=True, written_reply="")
            .select_related("meeting__organization", "asked_by", "asked_of", "reply_owed_by")
            .order_by("meeting__starts_at", "pk")
        )


class Question(models.Model):
    """A question asked at a meeting by a member or a member of the public, the reply given at
    the meeting, and a reply still owed when one was promised."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions")
    asked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="questions_asked",
        help_text="The member who asked it; empty for a question from a member of the public.",
    )  # fmt: skip
    asked_of = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="questions_answered"
    )
    asked_of_role = models.CharField(max_length=200, blank=True, help_text='e.g. "Chair of the Scrutiny Commission".')
    text = models.TextField()
    reply = models.TextField(blank=True, help_text="The reply given at the meeting.")
    reply_promised = models.BooleanField(default=False, help_text="A written reply was promised.")
    reply_owed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="replies_owed"
    )
    reply_owed_by_role = models.CharField(max_length=200, blank=True)
    written_reply = models.TextField(blank=True)
    written_reply_on = models.DateField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self):
        return f"Question by {self.asked_by or 'a member of the public'} at {self.meeting}"

    @property
    def is_reply_owed(self):
        return self.reply_promised and not self.written_reply.strip()

    def clean(self):
        if self.written_reply.strip() and not self.written_reply_on:
            raise ValidationError({"written_reply_on": "Give the date the written reply was sent."})


class Petition(models.Model):
    """A petition to the council. No petitioner's personal details are kept."""

    title = models.CharField(max_length=300)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="petitions")
    signatures = models.PositiveIntegerField()
    received_on = models.DateField(null=True, blank=True)
    debated_at = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="petitions")
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "pk"]

    def __str__(self):
        return self.title
