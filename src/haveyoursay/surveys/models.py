"""Questionnaires and the responses to them, from every channel.

A questionnaire belongs to a consultation and has pages of questions. Every answer is
stored against its question as JSON in the shape its question type defines
(`surveys/question_types.py`), so a response can be checked, shown, exported and analysed
the same way whichever channel it came through.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator

from haveyoursay.hub.models import Consultation, Status


def new_structure_token():
    return secrets.token_hex(8)


class Questionnaire(models.Model):
    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="questionnaire")
    introduction = models.TextField(
        blank=True, help_text="Shown on the start page: what the questions are about and how long they take."
    )
    privacy_notice = models.TextField(
        help_text="How the council will use and keep the answers. Shown before a respondent sends them."
    )
    minutes_to_complete = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Changes whenever a page, question or option is saved or deleted, so each process can
    # keep the questionnaire's structure in memory and know when its copy is out of date.
    # Random rather than a counter: a change rolled back can never reuse a token.
    structure_token = models.CharField(max_length=16, default=new_structure_token, editable=False)

    def __str__(self):
        return f"Questionnaire: {self.consultation.title}"

    @classmethod
    def note_structure_changed(cls, **lookup):
        """Give the questionnaire(s) matching `lookup` a new structure token."""
        cls.objects.filter(**lookup).update(structure_token=new_structure_token())

    def get_absolute_url(self):
        return reverse("surveys:start", args=[self.consultation.slug])

    def accepts_online_responses(self):
        return self.consultation.status == Status.OPEN

    def ordered_pages(self):
        return self.pages.order_by("position", "pk")

    def ordered_questions(self):
        return Question.objects.filter(page__questionnaire=self).order_by("page__position", "page__pk", "position", "pk")


class Page(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="pages")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    # Show the page only when an earlier answer matches: {"question": code, "values": [...]}.
    condition = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice"
        AGREE = "agree", "Agree–disagree scale"
        IMPORTANCE = "importance", "Importance scale"
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        POSTCODE = "postcode", "UK postcode"
        AREA = "area", "Area (district)"
        RANKING = "ranking", "Ranking"
        GRID = "grid", "Grid (several statements on one scale)"
        LOCATION = "location", "Map location"

    class Profile(models.TextChoices):
        """What an "About you" question records, so analysis can find it by meaning."""

        NONE = "", "Not a profile question"
        RESPONDENT_TYPE = "respondent_type", "Respondent type"
        AREA = "area", "Area"
        AGE = "age", "Age band"
        SEX = "sex", "Sex"
        GENDER_IDENTITY = "gender_identity", "Gender identity"
        ETHNICITY = "ethnicity", "Ethnic group"
        DISABILITY = "disability", "Disability"
        RELIGION = "religion", "Religion"
        SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
        CARER = "carer", "Carer status"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    code = models.SlugField(
        max_length=40, help_text="A short name for the question in exports and routing, for example q1 or why_vision."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=500)
    hint = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="For text answers: the most characters a respondent may write."
    )
    # Type-specific settings: statements of a grid, the smallest and largest number, ...
    settings = models.JSONField(default=dict, blank=True)
    condition = models.JSONField(null=True, blank=True)
    profile = models.CharField(max_length=30, choices=Profile.choices, blank=True, default="")

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text

    @property
    def questionnaire(self):
        return self.page.questionnaire

    @property
    def type(self):
        from haveyoursay.surveys.question_types import question_type

        return question_type(self.kind)

    def answer_count(self):
        return self.answers.count()

    def unfinished_imports(self):
        """The unfinished imports (being written, stopped part-way, or being discarded) that wrote
        answers to it, each with `answered`, how many. Their answers are counted nowhere yet, but
        they lock the question as counted ones do: an import resumed counts the rows it wrote as
        they were written, without reading them against the question again."""
        batches = ImportBatch.objects.unfinished().filter(responses__answers__question=self)
        return list(batches.annotate(answered=models.Count("responses__answers")).order_by("pk"))

    @cached_property
    def distinct_text(self):
        """The question's words, and, when another question in the questionnaire has the same
        words, what it follows: "Why do you say this? (after ‘How much do you agree with the
        vision?’)". What staff and reports call a question wherever it is named on its own."""
        questions = list(
            Question.objects.filter(page__questionnaire=self.page.questionnaire_id)
            .select_related("page").order_by("page__position", "page__pk", "position", "pk")
        )
        return self.distinct_text_among(questions)

    def distinct_text_among(self, questions):
        """`distinct_text`, given the questionnaire's questions in order (read once for many)."""
        alike = [q for q in questions if same_words(q.text, self.text)]
        if len(alike) < 2 or self not in alike:
            return self.text
        places = {q.pk: q.place_among(questions) for q in alike}
        if len(set(places.values())) < len(places):
            # Alike in what they follow too: only their numbers tell them apart.
            number = questions.index(self) + 1
            return f"{self.text} (question {number}, on the page ‘{self.page.title}’)"
        return f"{self.text} ({places[self.pk]})"

    def place_among(self, questions):
        """"after ‘the question before’", or for the first question "on the page ‘its page’"."""
        index = questions.index(self)
        if index == 0:
            return f"on the page ‘{self.page.title}’"
        before = Truncator(questions[index - 1].text).words(12, truncate="…")
        return f"after ‘{before}’"

    @property
    def is_locked(self):
        """A question with answers may not change in any way that would alter their meaning."""
        return self.answers.exists()


def same_words(first, second):
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=300)
    value = models.SlugField(max_length=60)
    position = models.PositiveIntegerField(default=0)
    exclusive = models.BooleanField(
        default=False, help_text="Can't be chosen with others, like “Prefer not to say” or “Don't know”."
    )
    other = models.BooleanField(default=False, help_text="“Other, please specify”: asks for the respondent's words.")

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="option_value_unique_per_question")]

    def __str__(self):
        return self.label


def new_reference():
    """A reference a person can read out on the phone: no 0/O or 1/I to confuse."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"{body[:4]}-{body[4:]}"


# Tries at a reference no response has. With 32 ** 8 references, a consultation of a million
# responses gives a new one a taken reference about once in a million: rare, not never (an
# import of 200,000 rows beside a million responses meets one about one time in five).
REFERENCE_TRIES = 5


def save_with_free_reference(response):
    """Insert `response` (not yet saved); if another response took its reference first, again
    with another reference. Raises IntegrityError if the insert fails for another reason."""
    for attempt in range(REFERENCE_TRIES):
        try:
            with transaction.atomic():
                response.save(force_insert=True)
            return response
        except IntegrityError:
            if attempt + 1 == REFERENCE_TRIES or not Response.all_objects.filter(reference=response.reference).exists():
                raise
            response.reference = new_reference()


def give_free_references(responses):
    """Give each of `responses` (not yet saved) a reference that no response has and no other of
    them has: for inserting them all at once. Checked in the caller's transaction, which on
    SQLite holds the one write lock, so no other response can take one of them meanwhile."""
    chosen = {}
    for response in responses:
        while response.reference in chosen:
            response.reference = new_reference()
        chosen[response.reference] = response
    to_check = list(chosen)
    for _ in range(REFERENCE_TRIES):
        taken = set(Response.all_objects.filter(reference__in=to_check).values_list("reference", flat=True))
        if not taken:
            return
        to_check = []
        for reference in taken:
            response = chosen.pop(reference)
            while response.reference in chosen or response.reference in taken:
                response.reference = new_reference()
            chosen[response.reference] = response
            to_check.append(response.reference)
    raise IntegrityError("No free reference was found for some of the responses")


def normal_secret(secret):
    """A code as typed, in the one form it is kept: "hk7qm 3xrtp" is "HK7QM3XRTP"."""
    return secret.strip().upper().replace(" ", "").replace("-", "")


def hash_secret(secret):
    return hashlib.sha256(normal_secret(secret).encode()).hexdigest()


def normal_reference(typed):
    """A reference as stored, from one typed or read out: "abcd efgh" and " ABCD-EFGH " are ABCD-EFGH."""
    body = "".join(typed.split()).upper().replace("-", "")
    return f"{body[:4]}-{body[4:]}" if len(body) == 8 else "".join(typed.split()).upper()


def counted_condition(path="", until=None):
    """What makes a response counted (`ResponseQuerySet.counted`), for a query that reaches it
    through `path` ("answer__response__"): sent, not marked, not from an undone import nor
    from one still being written, and sent by `until` if given.

    The import batch is tested as "none, or one of these batches", never through a join to
    the batch's table. Through a LEFT JOIN, "its batch was not undone" is a test of a column of
    the joined table, and with few or no batches (their table never analysed) PostgreSQL takes
    it to keep one row in two hundred: it then planned 200,000 counted responses as a thousand,
    and looked each one's answers up by index, taking seconds where a hash join takes a tenth
    of one. "import_batch_id IS NULL" it estimates from the responses' own statistics."""
    batches = ImportBatch.objects.filter(undone_at__isnull=True).exclude(state=ImportBatch.State.IMPORTING)
    condition = Q(**{f"{path}state": Response.State.SUBMITTED, f"{path}excluded_as": ""}) & (
        Q(**{f"{path}import_batch__isnull": True}) | Q(**{f"{path}import_batch__in": batches.values("pk")})
    )
    if until is not None:
        condition &= Q(**{f"{path}submitted_at__lte": until})
    return condition


def on_counted_responses(path, until=None):
    """Rows that reach a response through `path` ("answer__response__") and whose response is
    counted, by joining to it. For the rows of one question or codeframe this is far quicker than
    `answer__in=Answer.objects.counted()`, a list of every counted answer on the site that the
    database builds afresh for each query (two seconds each at 10,000 responses on SQLite). The
    response's own manager is not used through a join, so an import still being written is left
    out here, as `Response.objects` leaves it out."""
    return counted_condition(path, until)


class ResponseQuerySet(models.QuerySet):
    def without_unfinished_imports(self):
        """Leave out the rows of an import still being written (or interrupted part-way): they
        exist for no one but the import itself until its batch is complete."""
        unfinished = ImportBatch.objects.filter(state=ImportBatch.State.IMPORTING).values("pk")
        return self.exclude(import_batch__in=unfinished)

    def submitted(self):
        return self.filter(state=Response.State.SUBMITTED)

    def counted(self, until=None):
        """The responses every count, table, report and open data file is made from: sent, not
        marked as a duplicate or withdrawn, and not from an import that was undone. Excluded
        responses are kept, and shown as such to staff, but never counted. (An import still
        being written is not there at all: `Response.objects` leaves its responses out.)"""
        return self.filter(counted_condition(until=until))

    def not_counted(self):
        """Sent, but left out of every count: marked, or from an undone import."""
        return self.submitted().filter(~Q(excluded_as="") | Q(import_batch__undone_at__isnull=False))

    def with_reference(self, typed):
        return self.filter(reference=normal_reference(typed))


class ResponseManager(models.Manager.from_queryset(ResponseQuerySet)):
    """Every response there is, to everyone: an import's rows are there once its batch is
    complete, all at once (docs/decisions/0020-imports-in-chunks.md)."""

    def get_queryset(self):
        return super().get_queryset().without_unfinished_imports()


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", "Online"
        PAPER = "paper", "Paper form"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        IMPORT = "import", "Imported"

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"

    class Publication(models.TextChoices):
        WITH_NAME = "name", "Publish my response with my name"
        ANONYMOUS = "anonymous", "Publish my response anonymously"
        NO = "no", "Do not publish my response"

    class RespondentKind(models.TextChoices):
        INDIVIDUAL = "individual", "As an individual"
        ORGANISATION = "organisation", "On behalf of an organisation"

    class Exclusion(models.TextChoices):
        DUPLICATE = "duplicate", "Duplicate"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Anonymised at the respondent's request (UK GDPR Article 17): kept only as answers
        # with no one's name or words, and never counted again.
        ERASED = "erased", "Erased"

    # Who sent it and how to reach them: removed when its retention period ends or the person
    # asks for it to be erased. The organisation's own name is not personal and is kept.
    PERSONAL_FIELDS = {
        "respondent_name": "Name",
        "organisation_role": "Role in the organisation",
        "email": "Email address (for the outcome)",
        "resume_email": "Email address for save and return",
        "resume_code_hash": "Resume code",
        "resume_link_hash": "Resume link",
        "import_key": "Respondent ID from the imported file",
    }

    # Keying in, correcting and marking are for staff; online responses are the respondent's own.
    KEYED_IN = ("paper", "email", "phone")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    reference = models.CharField(max_length=12, unique=True, default=new_reference)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True, help_text="For post, email and phone: the day it arrived.")

    respondent_kind = models.CharField(
        max_length=12, choices=RespondentKind.choices, default=RespondentKind.INDIVIDUAL
    )
    respondent_name = models.CharField(max_length=200, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    organisation_role = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    publication = models.CharField(max_length=10, choices=Publication.choices, blank=True)
    contact_about_outcome = models.BooleanField(default=False)
    synthetic = models.BooleanField(
        default=False,
        help_text="Made up for the demonstration (haveyoursay demo), not a real person's response. "
        "Label it wherever it is shown, counted or exported.",
    )

    # Save and return: only hashes are kept, so a leaked database cannot resume anyone's answers.
    # Both stop working after RESUME_VALID_DAYS, when the consultation closes, or once sent
    # (docs/decisions/0006-save-and-return.md).
    resume_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    resume_code_expires_at = models.DateTimeField(null=True, blank=True)
    resume_link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    resume_link_expires_at = models.DateTimeField(null=True, blank=True)
    # The address the first emailed link went to; every later link goes there and nowhere else.
    resume_email = models.EmailField(blank=True)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stakeholder = models.ForeignKey(
        "Stakeholder", null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )
    import_key = models.CharField(max_length=200, blank=True)

    # Marked by staff as a duplicate of another response, or withdrawn by the respondent: kept,
    # shown to staff as such, and left out of every count (`Response.objects.counted()`).
    excluded_as = models.CharField(max_length=10, choices=Exclusion.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    exclusion_reason = models.TextField(blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When its names, contact details and free text were removed (retention or erasure).
    personal_data_removed_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseManager()
    # With the rows of unfinished imports: for the import itself, to carry on or to discard them.
    all_objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        permissions = [
            ("export_response", "Can download raw responses"),
            ("export_contact_details", "Can download responses with respondents' names and email addresses"),
            ("erase_response", "Can erase or anonymise a person's response at their request"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "import_key"], condition=~Q(import_key=""), name="import_row_once"
            )
        ]
        indexes = [
            # How many responses are sent and when one last changed, for the report's data
            # fingerprint: read from this index alone (PostgreSQL: with the import batch, to
            # leave out an import still being written), not from a million responses' rows.
            models.Index(
                fields=["questionnaire", "state", "updated_at"], include=["import_batch"], name="response_last_changed"
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED

    @property
    def is_keyed_in(self):
        return self.channel in self.KEYED_IN

    @property
    def import_undone(self):
        return self.import_batch_id is not None and self.import_batch.undone_at is not None

    @property
    def is_counted(self):
        return self.is_submitted and not self.excluded_as and not self.import_undone

    def status(self):
        """Why it is not counted, in a few words, or "" if it is."""
        if self.excluded_as == self.Exclusion.DUPLICATE:
            return "Duplicate"
        if self.excluded_as == self.Exclusion.WITHDRAWN:
            return "Withdrawn"
        if self.excluded_as == self.Exclusion.ERASED:
            return "Erased"
        if self.import_undone:
            return "Import undone"
        return ""

    def mark_duplicate(self, original, user, reason=""):
        self._exclude(self.Exclusion.DUPLICATE, user, reason, duplicate_of=original)

    def mark_withdrawn(self, user, reason):
        self._exclude(self.Exclusion.WITHDRAWN, user, reason)

    def unmark(self):
        self._exclude("", None, "")

    def _exclude(self, as_, user, reason, duplicate_of=None):
        self.excluded_as = as_
        self.duplicate_of = duplicate_of
        self.exclusion_reason = reason
        self.excluded_by = user if as_ else None
        self.excluded_at = timezone.now() if as_ else None
        self.save(update_fields=[
            "excluded_as", "duplicate_of", "exclusion_reason", "excluded_by", "excluded_at", "updated_at",
        ])
        self.questionnaire.consultation.renew_public_counts()

    def personal_fields_held(self):
        """The names of the personal fields that hold something."""
        return [name for name in self.PERSONAL_FIELDS if getattr(self, name)]

    def remove_personal_details(self):
        """Empty every personal field, stop save and return, and stop outcome emails. Returns
        the names of the fields that held something. The caller saves."""
        held = self.personal_fields_held()
        for name in self.PERSONAL_FIELDS:
            setattr(self, name, "")
        self.resume_code_expires_at = self.resume_link_expires_at = None
        self.contact_about_outcome = False
        # A change like any other, for whatever is keyed on a response's last change, even when
        # the caller writes it with bulk_update(), which leaves auto_now fields alone.
        self.personal_data_removed_at = self.updated_at = timezone.now()
        return held

    def erase(self, user):
        """Anonymise it at the respondent's request: no name, contact details or words of theirs
        are kept, and it is no longer counted. Its closed answers stay, unattributable, so the
        council can still say what a published report was made from."""
        from haveyoursay.analysis.models import Quote

        self.remove_personal_details()
        self.excluded_as = self.Exclusion.ERASED
        self.duplicate_of = None
        self.exclusion_reason = ""
        self.excluded_by = user
        self.excluded_at = timezone.now()
        self.save()
        free_text = [answer for answer in self.answers.select_related("question") if answer.holds_free_text]
        Quote.objects.filter(answer__in=free_text).delete()
        for answer in free_text:
            answer.remove_free_text()
        Answer.objects.bulk_update(free_text, Answer.FREE_TEXT_FIELDS)
        self.questionnaire.consultation.renew_public_counts()
        return len(free_text)

    @property
    def masked_resume_email(self):
        """The resume address as shown again later, on what may be a shared computer: j•••@example.org."""
        name, _, domain = self.resume_email.partition("@")
        return f"{name[:1]}•••@{domain}" if domain else ""


class AnswerQuerySet(models.QuerySet):
    def without_unfinished_imports(self):
        """Leave out the answers on the responses of an import still being written: as
        `Response.objects`, which leaves out the responses themselves."""
        return self.exclude(response__import_batch__state=ImportBatch.State.IMPORTING)

    def counted(self, until=None):
        """Answers on the responses that are counted (`ResponseQuerySet.counted`)."""
        return self.filter(response__in=Response.objects.counted(until))


class Answer(models.Model):
    # No index of its own: one_answer_per_question's index begins with the response, and serves
    # every lookup by response. A second was written for each of tens of millions of answers.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")]

    # Put in place of a respondent's words that were deleted, so staff see why the answer is empty.
    REMOVED_TEXT = "[removed]"
    TEXT_KINDS = ("short_text", "long_text")

    @property
    def holds_free_text(self):
        """The respondent's own words: a text answer, or the "other" of a choice."""
        value = self.value or {}
        if self.question.kind in self.TEXT_KINDS:
            return bool(value.get("text")) and value["text"] != self.REMOVED_TEXT
        return bool(value.get("other")) and value["other"] != self.REMOVED_TEXT

    def _words_key(self):
        return "text" if self.question.kind in self.TEXT_KINDS else "other"

    # What remove_free_text() and redact_free_text() change, for the caller's bulk_update(),
    # which leaves auto_now fields alone unless named.
    FREE_TEXT_FIELDS = ["value", "updated_at"]

    def remove_free_text(self):
        """Replace the respondent's words with a marker; the choice beside an "other" stays.
        The caller saves (FREE_TEXT_FIELDS)."""
        self.value = {**self.value, self._words_key(): self.REMOVED_TEXT}
        self.updated_at = timezone.now()

    def redact_free_text(self):
        """Take names, contact details and addresses out of the respondent's words
        (`analysis.text.redact`). True if anything was taken out. The caller saves (FREE_TEXT_FIELDS)."""
        from haveyoursay.analysis.themes.text.redact import redact

        key = self._words_key()
        redacted = redact(self.value[key])
        if redacted.text == self.value[key]:
            return False
        self.value = {**self.value, key: redacted.text}
        self.updated_at = timezone.now()
        return True


class AnswerText(models.Model):
    """One distinct closed answer to a question, as analysis reads it (the stored JSON text
    without its free-text "other"), numbered once and for all: its id is the code a
    response's `CompactAnswers` holds for it. Rows are only ever added
    (docs/decisions/0028-compact-answers.md)."""

    # Looked up by question through answer_text_once's index, which begins with it.
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+", db_index=False)
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["question", "text"], name="answer_text_once")]

    def __str__(self):
        return self.text


class CompactAnswers(models.Model):
    """A copy of a sent response's closed answers, as codes (`AnswerText`), for reading a
    large consultation quickly (`surveys/compact.py`). A cache, never the truth: it is read
    only while `written_for` is the response's `updated_at`, which every change to its
    answers moves on; otherwise the response's answers are read."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, primary_key=True, related_name="+")
    written_for = models.DateTimeField(help_text="The response's updated_at when this copy was made.")
    # (question id, AnswerText id) of each closed answer it holds, as 4-byte big-endian integers;
    # on SQLite as their hexadecimal digits (`surveys/compact.py` says why).
    codes = models.BinaryField()

    def __str__(self):
        return f"Closed answers of response {self.response_id}"


class EventNote(models.Model):
    """What was said at a group session or event: its own kind of submission, counted apart."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="event_notes")
    event = models.ForeignKey("hub.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="notes")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    attendees = models.PositiveIntegerField()
    summary = models.TextField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self):
        return self.title


class Stakeholder(models.Model):
    """An organisation or partnership the council asked directly for its views."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        PARTNERSHIP = "partnership", "Partnership or board"
        GROUP = "group", "Community or voluntary group"

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    invited_on = models.DateField(null=True, blank=True)
    responded_other_way_on = models.DateField(
        null=True, blank=True, help_text="If they responded by letter or at a meeting rather than the questionnaire."
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["consultation", "name"], name="stakeholder_once")]

    def __str__(self):
        return self.name

    @property
    def has_responded(self):
        return self.responded_other_way_on is not None or any(r.is_counted for r in self.responses.all())


class ImportBatchQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(state=ImportBatch.State.IMPORTING)


class ImportBatch(models.Model):
    """One file of responses from another survey tool; the same file is never imported twice.

    Its responses are written in chunks, each its own short transaction, while the batch is
    "importing"; nobody sees them (`Response.objects`) until one write marks it "complete".
    An import stopped part-way stays "importing", interrupted, until it is resumed or discarded.
    Discarding is a job that deletes its responses a chunk at a time, then the batch: meanwhile
    the batch is "being discarded", still unfinished and unseen, and can't be resumed.
    """

    class State(models.TextChoices):
        IMPORTING = "importing", "Importing"
        COMPLETE = "complete", "Complete"

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="import_batches")
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0, help_text="Responses imported.")
    # What else the file held, and why it was left out. Empty for files imported before these
    # were recorded.
    rows_in_file = models.PositiveIntegerField(null=True, blank=True, help_text="Rows under the headings.")
    skipped_blank = models.PositiveIntegerField(null=True, blank=True, help_text="Rows with nothing in them.")
    skipped_no_answers = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rows with nothing in the columns matched to questions."
    )
    skipped_already_imported = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rows already in the questionnaire, by respondent ID or by content."
    )
    warning_count = models.PositiveIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.COMPLETE, db_index=True)
    rows_to_write = models.PositiveIntegerField(default=0, help_text="Responses the import is to write.")
    rows_written = models.PositiveIntegerField(default=0, help_text="Responses written so far.")
    written_at = models.DateTimeField(null=True, blank=True, help_text="When the last chunk of responses was written.")
    completed_at = models.DateTimeField(null=True, blank=True)
    # The work writing it, to tell an import going on from one that stopped; and what is needed to
    # carry on: the stored upload (`importing.store_upload`), and whether early dates were confirmed.
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    upload = models.CharField(max_length=100, blank=True)
    include_early = models.BooleanField(default=False)
    # Being discarded, by the work deleting its responses; how many there were to delete.
    discard_requested_at = models.DateTimeField(null=True, blank=True)
    discard_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rows_to_discard = models.PositiveIntegerField(default=0, help_text="Responses to delete when discarded.")
    # Undone: its responses are kept but no longer counted, and the file may be imported again.
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    undo_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "file_sha256"], condition=Q(undone_at__isnull=True), name="import_file_once"
            ),
            # Rows are recognised as already imported by their keys: two imports writing at once
            # could each take the other's rows for new ones.
            models.UniqueConstraint(
                fields=["questionnaire"], condition=Q(state="importing"), name="one_import_at_a_time"
            ),
        ]

    objects = ImportBatchQuerySet.as_manager()

    def __str__(self):
        return self.file_name

    def undo(self, user, reason):
        """Stop counting its responses and let the file, or any of its rows, be imported again:
        the rows' import keys are released, since the same rows are never held twice."""
        self.undone_at = timezone.now()
        self.undone_by = user
        self.undo_reason = reason
        self.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        self.responses.update(import_key="")
        self.questionnaire.consultation.renew_public_counts()

    @property
    def is_complete(self):
        return self.state == self.State.COMPLETE

    def is_interrupted(self, now=None):
        """Unfinished, and nothing is writing it: its work failed or stopped, or nothing has been
        heard of it for as long as makes a job stalled (a worker killed, a machine restarted)."""
        from haveyoursay.jobs.models import stalled_after

        if self.is_complete or self.is_being_discarded:
            return False
        if self.job is not None and self.job.is_finished:
            return True
        heard = [self.imported_at, self.written_at, self.job.last_heard_at if self.job is not None else None]
        return max(when for when in heard if when is not None) < (now or timezone.now()) - stalled_after()

    @property
    def is_being_discarded(self):
        return self.discard_requested_at is not None

    def discard_stopped(self, now=None):
        """Being discarded, and nothing is deleting its responses: the work failed, or was lost
        (a worker killed, a machine restarted), so staff may discard it again."""
        from haveyoursay.jobs.models import stalled_after

        if not self.is_being_discarded:
            return False
        job = self.discard_job
        if job is None or job.state == job.State.FAILED:
            return True
        if job.is_finished:
            return False
        heard = [self.discard_requested_at, job.last_heard_at]
        return max(when for when in heard if when is not None) < (now or timezone.now()) - stalled_after()

    @property
    def rows_discarded(self):
        return max(0, self.rows_to_discard - self.rows_written)

    @property
    def rows_left(self):
        return max(0, self.rows_to_write - self.rows_written)

    @property
    def recorded_skips(self):
        return self.rows_in_file is not None

    @property
    def skipped_count(self):
        return sum(count for count, _ in self.skipped_reasons())

    def skipped_reasons(self):
        """[(count, what)] for each reason rows were left out, largest first, to be read as
        "12 blank rows skipped"; none if none were."""
        reasons = [
            (self.skipped_blank, "blank row skipped", "blank rows skipped"),
            (self.skipped_no_answers, "row skipped with no answers in the matched columns",
             "rows skipped with no answers in the matched columns"),
            (self.skipped_already_imported, "row skipped as already imported", "rows skipped as already imported"),
        ]
        return sorted(
            ((count, one if count == 1 else many) for count, one, many in reasons if count),
            key=lambda reason: -reason[0],
        )
