"""Where a response is built and sent, whoever is building it: a resident online, an officer
keying in a paper form, or an import. Routing, page-by-page saving and the one-way step to
"submitted" all live here.
"""

import functools
import secrets
from datetime import timedelta

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models.constants import OnConflict
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html

from haveyoursay.govuk_forms import GovukForm
from haveyoursay.prepared import PreparedQuery
from haveyoursay.surveys.compact import note_answers_changed
from haveyoursay.surveys.models import Answer, Page, Questionnaire, Response, hash_secret
from haveyoursay.surveys.question_types import AnswerError

# Each process keeps the structure (pages, questions, options) of the questionnaires it
# serves, under the questionnaire's structure token: reading it again on every page of
# every response was a third of the time a page took to save.
STRUCTURES_KEPT = 64
_structures = {}


class ResponseClosed(Exception):
    """The consultation closed; an online response can no longer be changed or sent."""


class ResumeExpired(Exception):
    """A resume code that was right, but whose time is up (`RESUME_VALID_DAYS`)."""


_STRUCTURE_TOKEN = PreparedQuery(
    lambda questionnaire: Questionnaire.objects.filter(pk=questionnaire).values_list("structure_token", flat=True)
)


def questionnaire_pages(questionnaire_id, token=None):
    """The questionnaire's pages with their questions and options, as they are now.

    Shared between requests: treat them as read-only. Unless the caller has just read the
    questionnaire's structure token, one query reads it to check the copy is current.
    """
    if token is None:
        token = _STRUCTURE_TOKEN.first(questionnaire=questionnaire_id)
    kept = _structures.get(questionnaire_id)
    if kept is not None and kept[0] == token:
        return kept[1]
    pages = list(
        Page.objects.filter(questionnaire_id=questionnaire_id).prefetch_related("questions__options").order_by("position", "pk")
    )
    if len(_structures) >= STRUCTURES_KEPT:
        _structures.pop(next(iter(_structures)))
    _structures[questionnaire_id] = (token, pages)
    return pages


_ANSWERS = PreparedQuery(lambda response: Answer.objects.filter(response=response).values_list("question_id", "value"))


def answers_by_code(response, codes):
    """{question code: stored value}; `codes` maps question ids to codes."""
    if response.pk is None:
        return {}
    answers = _ANSWERS(response=response.pk)
    return {codes[question_id]: value for question_id, value in answers if question_id in codes}


def condition_met(condition, answers):
    """A page or question shows when it has no condition, or when the earlier answer it
    names includes one of the values it lists: {"question": "q1", "values": ["tend_to_agree"]}."""
    if not condition:
        return True
    value = answers.get(condition["question"]) or {}
    chosen = set(value.get("choices", [])) | {value.get("choice")}
    return bool(chosen & set(condition["values"]))


class Journey:
    """The pages and questions one response is routed through, given its answers so far."""

    def __init__(self, response, structure_token=None):
        """`structure_token`: the questionnaire's, if it was read from the database in this
        request; it saves asking again whether the cached structure is current."""
        self.response = response
        # Online, a required question must be answered. Staff keying in a paper, email or phone
        # response record it as it came, blanks included: refusing it would lose the rest.
        self.enforce_required = response.channel == Response.Channel.ONLINE
        self.questionnaire = response.questionnaire
        self.pages = questionnaire_pages(response.questionnaire_id, structure_token)
        self.codes = {question.pk: question.code for page in self.pages for question in page.questions.all()}
        self.answers = answers_by_code(response, self.codes)

    def refresh(self, values=None):
        """Take in a page's newly saved answers ({question: value}), or re-read them all."""
        if values is None:
            self.answers = answers_by_code(self.response, self.codes)
            return
        for question, value in values.items():
            if value is None:
                self.answers.pop(question.code, None)
            else:
                self.answers[question.code] = value

    def visible_questions(self, page):
        return [q for q in page.questions.all() if condition_met(q.condition, self.answers)]

    def visible_pages(self):
        return [
            page for page in self.pages if condition_met(page.condition, self.answers) and self.visible_questions(page)
        ]

    def page_number(self, page):
        return self.visible_pages().index(page) + 1

    def page_at(self, number):
        pages = self.visible_pages()
        if 1 <= number <= len(pages):
            return pages[number - 1]
        return None

    def next_page_number(self, page):
        pages = self.visible_pages()
        position = pages.index(page) if page in pages else -1
        return position + 2 if position + 1 < len(pages) else None

    def first_unanswered_required(self):
        """(page number, question) of the first required question still unanswered, or None."""
        if not self.enforce_required:
            return None
        for number, page in enumerate(self.visible_pages(), start=1):
            for question in self.visible_questions(page):
                if question.required and question.code not in self.answers:
                    return number, question
        return None

    def page_to_carry_on(self):
        """The number of the section a resident coming back carries on from: where they
        stopped, the last section with an answer saved, or the one after it if every question
        there is answered; but a section before it with a required question unanswered first."""
        pages = self.visible_pages()
        carry_on = 1
        for number, page in enumerate(pages, start=1):
            questions = self.visible_questions(page)
            answered = [question.code in self.answers for question in questions]
            if any(answered):
                carry_on = number + 1 if all(answered) else number
        missing = self.first_unanswered_required()
        if missing is not None:
            carry_on = min(carry_on, missing[0])
        return carry_on

    def form_for(self, page, data=None, saving_for_later=False):
        """A GOV.UK form holding the page's visible questions, filled with the answers so far.

        Saving for later asks for nothing to be there yet: a required answer still blank is
        no error then. Whatever is there is checked, and only what is valid is saved.
        """
        questions = self.visible_questions(page)
        enforce_required = self.enforce_required and not saving_for_later
        form_class, names = page_form_class(page, questions, self.enforce_required, enforce_required)
        initial = {}
        for question in questions:
            if question.code in self.answers:
                initial.update(question.type.initial(question, self.answers[question.code]))
        form = form_class(data=data, initial=initial)
        form.questions = questions
        form.field_names = names
        form.enforce_required = enforce_required
        return form

    def check_answers(self):
        """[(page number, page, [(question, words)])] for the "Check your answers" page."""
        rows = []
        for number, page in enumerate(self.visible_pages(), start=1):
            items = []
            for question in self.visible_questions(page):
                value = self.answers.get(question.code)
                items.append((question, question.type.display(question, value) if value is not None else ""))
            rows.append((number, page, items))
        return rows


def page_form_class(page, questions, mark_optional, enforce_required):
    """(the form class for these questions of `page`, {question pk: its field names}).

    Kept on the page, which is replaced whenever the questionnaire's structure changes (see
    `questionnaire_pages`), so a class is built once per process rather than on every page
    of every response. Each form made from it gets its own copy of the fields, as any
    Django form does, so nothing one request does to them reaches another.
    """
    key = (tuple(question.pk for question in questions), mark_optional, enforce_required)
    kept = page.__dict__.setdefault("_form_classes", {})
    if key not in kept:
        fields, names, reveals = {}, {}, {}
        for question in questions:
            own = question.type.form_fields(question)
            fields.update(own)
            names[question.pk] = list(own)
            main = question.type.field_name(question)
            if f"{main}__other" in own:
                # "Please specify" shown under the "Other" answer that asks for it.
                others = [option.value for option in question.options.all() if option.other]
                reveals[main] = {value: [f"{main}__other"] for value in others}
        if mark_optional:
            # GOV.UK marks the optional questions rather than the required ones.
            for question in questions:
                main = fields.get(question.type.field_name(question))
                if main is not None and not question.required:
                    main.label = f"{question.text} (optional)"
        if not enforce_required:
            for field in fields.values():
                field.required = False
        kept[key] = (type("PageForm", (GovukForm,), {**fields, "label_size": "m", "reveals": reveals}), names)
    return kept[key]


def clean_page(form):
    """{question: value} from a bound page form, or None with the errors put on the form."""
    values = valid_answers(form)
    return None if form.errors else values


def valid_answers(form):
    """{question: value} for each question on a bound page form whose answer is valid, with
    the errors of the others put on the form: what a page that can't all be accepted keeps.
    Each question's answer is checked whole, so a value kept is one its question accepts."""
    form.is_valid()  # field errors first: required, too long, a forged choice
    values = {}
    for question in form.questions:
        if any(name in form.errors for name in form.field_names[question.pk]):
            continue
        try:
            values[question] = question.type.clean(
                question, form.cleaned_data, required=question.required and form.enforce_required
            )
        except AnswerError as error:
            messages = error.args[0]
            if isinstance(messages, dict):
                for field, message in messages.items():
                    form.add_error(field, message)
            else:
                form.add_error(form.field_names[question.pk][0], messages)
    return values


def unsaved_answers(form):
    """[(question, [its error messages])] for the questions on a checked page form whose answer
    could not be kept, in the order they are asked."""
    return [
        (question, [message for name in form.field_names[question.pk] for message in form.errors.get(name, [])])
        for question in form.questions
        if any(name in form.errors for name in form.field_names[question.pk])
    ]


def ensure_open(response):
    if response.channel == Response.Channel.ONLINE and not response.questionnaire.accepts_online_responses():
        raise ResponseClosed


def as_stored(response):
    """The response as it is in the database, with its questionnaire and consultation."""
    return Response.objects.select_related("questionnaire__consultation").get(pk=response.pk)


def save_answers(response, values):
    """Keep a page's answers at once, so closing the tab loses at most the page in hand.

    A response already sent (from another tab, say) is left exactly as it was sent.
    """
    ensure_open(response)
    now = timezone.now()
    kept = [(question.pk, value) for question, value in values.items() if value is not None]
    cleared = [question.pk for question, value in values.items() if value is None]
    with transaction.atomic():
        # One statement takes the write lock (the row lock on PostgreSQL, which `submit`
        # also takes) and checks the response is still in progress, so the lock is held
        # for as few statements as can be.
        if not _touch_in_progress(response.pk, now):
            return
        if kept:
            _upsert_answers(response.pk, kept, now)
        if cleared:
            Answer.objects.filter(response=response, question_id__in=cleared).delete()


# The two statements every saved page runs, written once here rather than built by the ORM
# each time (`update()` and `bulk_create(update_conflicts=True)` spent longer compiling them
# than the database spent running them). Each says what the ORM call it replaces would.
_statements = {}


def _touch_in_progress(response_pk, now):
    """Response.objects.filter(pk=…, state=IN_PROGRESS).update(updated_at=now) > 0"""
    connection = transaction.get_connection()
    key = (connection.vendor, "touch")
    if key not in _statements:
        qn, meta = connection.ops.quote_name, Response._meta
        _statements[key] = (
            f"UPDATE {qn(meta.db_table)} SET {qn(meta.get_field('updated_at').column)} = %s "
            f"WHERE {qn(meta.pk.column)} = %s AND {qn(meta.get_field('state').column)} = %s"
        )
    updated_at = Response._meta.get_field("updated_at").get_db_prep_save(now, connection)
    with connection.cursor() as cursor:
        cursor.execute(_statements[key], [updated_at, response_pk, Response.State.IN_PROGRESS.value])
        return cursor.rowcount > 0


def _upsert_answers(response_pk, answers, now):
    """Answer.objects.bulk_create([...], update_conflicts=True, unique_fields=["response",
    "question"], update_fields=["value", "updated_at"]) for [(question pk, value)]."""
    connection = transaction.get_connection()
    key = (connection.vendor, "upsert", len(answers))
    if key not in _statements:
        fields = [Answer._meta.get_field(name) for name in _ANSWER_FIELDS]
        _statements[key] = f"{_answers_insert_sql(connection, len(answers))} " + connection.ops.on_conflict_suffix_sql(
            fields, OnConflict.UPDATE, [fields[2].column, fields[3].column], [fields[0].column, fields[1].column]
        )
    rows = _answer_rows(connection, [(response_pk, question_pk, value) for question_pk, value in answers], now)
    with connection.cursor() as cursor:
        cursor.execute(_statements[key], [param for row in rows for param in row])


def insert_answers(answers, now):
    """Answer.objects.bulk_create([Answer(response_id=…, question_id=…, value=…)]) for
    [(response pk, question pk, value)], with `now` as their time: for an import's hundreds of
    thousands, where the ORM spent ten times as long building the INSERTs as SQLite did
    running them. One statement, run for every row; on PostgreSQL one COPY (with it a 20,000-row
    import took 47.9 s where the INSERTs took 71.4 s: bench/README.md)."""
    connection = transaction.get_connection()
    rows = _answer_rows(connection, answers, now)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(_answers_copy_sql(connection)) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(_answers_insert_sql(connection, 1), rows)


_ANSWER_FIELDS = ("response", "question", "value", "updated_at")


def _answers_table(connection):
    """The answers' table and its columns (response, question, value, updated_at), quoted for SQL."""
    qn, meta = connection.ops.quote_name, Answer._meta
    return f"{qn(meta.db_table)} ({', '.join(qn(meta.get_field(name).column) for name in _ANSWER_FIELDS)})"


def _answers_insert_sql(connection, rows):
    """INSERT INTO the answers (response, question, value, updated_at), with `rows` rows of values."""
    row = f"({', '.join(['%s'] * len(_ANSWER_FIELDS))})"
    return f"INSERT INTO {_answers_table(connection)} VALUES {', '.join([row] * rows)}"


def _answers_copy_sql(connection):
    """COPY INTO the answers (response, question, value, updated_at): PostgreSQL's."""
    return f"COPY {_answers_table(connection)} FROM STDIN"


def _answer_rows(connection, answers, now):
    """[(response pk, question pk, value)] as the database takes them, `now` as their time.

    A value that is JSON's own (a dict, a list, a string or a number, as every question type
    stores) goes straight to the database's JSON adapter, as the field would send it after
    asking whether it is an expression; anything else goes through the field."""
    value_field = Answer._meta.get_field("value")
    adapt, encoder = connection.ops.adapt_json_value, value_field.encoder
    updated_at = Answer._meta.get_field("updated_at").get_db_prep_save(now, connection)
    return [
        (
            response_pk,
            question_pk,
            adapt(value, encoder) if type(value) in _PLAIN_JSON else value_field.get_db_prep_save(value, connection),
            updated_at,
        )
        for response_pk, question_pk, value in answers
    ]


_PLAIN_JSON = {dict, list, str, int, float}


def insert_responses(responses):
    """Response.objects.bulk_create(responses), for an import's: each field's value as the ORM
    would write it (its default, `pre_save`, and `get_db_prep_save`), and each response's
    primary key set from the database, through INSERT statements built once per process and
    number of rows. The ORM's compiler took longer to build each chunk's INSERT than the
    database took to run it."""
    connection = transaction.get_connection()
    if not connection.features.can_return_rows_from_bulk_insert:
        Response.objects.bulk_create(responses)
        return
    fields = _response_fields()
    rows_per_statement = max(connection.ops.bulk_batch_size(fields, responses), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(responses), rows_per_statement):
            batch = responses[start : start + rows_per_statement]
            cursor.execute(
                _responses_insert_sql(connection, len(batch)),
                [field.get_db_prep_save(field.pre_save(response, True), connection)
                 for response in batch for field in fields],
            )
            # Matched by reference (unique), not by the order the rows come back in.
            by_reference = {response.reference: response for response in batch}
            for pk, reference in cursor.fetchall():
                response = by_reference.pop(reference)
                response.pk = pk
                response._state.adding = False
                response._state.db = connection.alias
            if by_reference:
                raise RuntimeError(f"{len(by_reference)} of the responses written came back without their id")


@functools.cache
def _response_fields():
    """The fields bulk_create writes for a response without a primary key."""
    return [field for field in Response._meta.concrete_fields if not field.primary_key and not field.generated]


_RESPONSE_INSERTS = {}  # (database vendor, rows): SQL


def _responses_insert_sql(connection, rows):
    """INSERT INTO the responses (every field but the id) `rows` rows, RETURNING their id and reference."""
    key = (connection.vendor, rows)
    if key not in _RESPONSE_INSERTS:
        qn, meta = connection.ops.quote_name, Response._meta
        columns = ", ".join(qn(field.column) for field in _response_fields())
        row = f"({', '.join(['%s'] * len(_response_fields()))})"
        returning = f"{qn(meta.pk.column)}, {qn(meta.get_field('reference').column)}"
        _RESPONSE_INSERTS[key] = (
            f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)} RETURNING {returning}"
        )
    return _RESPONSE_INSERTS[key]


@transaction.atomic
def correct_answers(response, values):
    """Correct a page of a sent response ({question: value}, None to clear an answer), as staff
    do with one keyed in. Answers left on questions the corrected answers now route past are
    removed, as sending removes them. Returns the codes of the questions whose answers changed."""
    Response.objects.select_for_update().filter(pk=response.pk).values_list("pk").first()
    journey = Journey(response)
    before = dict(journey.answers)
    now = timezone.now()
    for question, value in values.items():
        if value is None:
            Answer.objects.filter(response=response, question=question).delete()
        elif before.get(question.code) != value:
            Answer.objects.update_or_create(response=response, question=question, defaults={"value": value})
    journey.refresh(values)
    shown = {q.pk for page in journey.visible_pages() for q in journey.visible_questions(page)}
    response.answers.exclude(question_id__in=shown).delete()
    journey.refresh()
    codes = [question.code for page in journey.pages for question in page.questions.all()]
    changed = [code for code in codes if before.get(code) != journey.answers.get(code)]
    if changed:
        Response.objects.filter(pk=response.pk).update(updated_at=now)
        note_answers_changed(Response.all_objects.filter(pk=response.pk))
        response.questionnaire.consultation.renew_public_counts()
    return changed


_STATE_FOR_UPDATE = PreparedQuery(
    lambda response: Response.objects.select_for_update().filter(pk=response).values_list("state", flat=True)
)


@transaction.atomic
def submit(response, **details):
    """Send a response. Idempotent: a second call (a double click, a resent form, a second
    tab) finds it already sent and changes nothing. Returns the response as stored."""
    # One small query takes the lock (SQLite's write lock is already held: transactions
    # begin IMMEDIATE; PostgreSQL's row lock) and reads the state as stored.
    state = _STATE_FOR_UPDATE.first(response=response.pk)
    if state is None:
        raise Response.DoesNotExist(f"Response {response.pk} is no longer there")
    if state == Response.State.SUBMITTED:
        return as_stored(response)
    ensure_open(response)
    journey = Journey(response)
    missing = journey.first_unanswered_required()
    if missing:
        raise AnswerError(f"Answer “{missing[1].text}” before you send your response")
    # Answers left behind on pages the respondent was routed away from are not part of it.
    # (Every answer is to one of the questionnaire's questions: one with answers can't be
    # deleted or moved to another questionnaire.)
    shown = {q.code: q.pk for page in journey.visible_pages() for q in journey.visible_questions(page)}
    if any(code not in shown for code in journey.answers):
        response.answers.exclude(question_id__in=shown.values()).delete()
    for name, value in details.items():
        setattr(response, name, value)
    response.state = Response.State.SUBMITTED
    response.submitted_at = timezone.now()
    # A sent response can't be resumed: its code, link and the address for links go.
    response.resume_code_hash = response.resume_link_hash = response.resume_email = ""
    response.resume_code_expires_at = response.resume_link_expires_at = None
    # Only what sending sets: the caller's copy may be older than the row in other ways.
    response.save(update_fields=[*details, "state", "submitted_at", *RESUME_FIELDS, "updated_at"])
    note_answers_changed(Response.all_objects.filter(pk=response.pk))
    if response.channel != Response.Channel.ONLINE:
        # Keyed in by staff, perhaps after the outcome was published; one sent online came
        # while the consultation was open, before any outcome is shown.
        response.questionnaire.consultation.renew_public_counts()
    return response


RESUME_FIELDS = [
    "resume_code_hash", "resume_code_expires_at", "resume_link_hash", "resume_link_expires_at", "resume_email",
]


def resume_valid_until(given_at):
    """When a code or link given at `given_at` stops working: `RESUME_VALID_DAYS` later."""
    return given_at + timedelta(days=settings.RESUME_VALID_DAYS)


def new_resume_code(response):
    """A code to write down and type in later; only its hash is kept.

    It works as often as needed while the response is in progress (people come back more
    than once), until it expires, the consultation closes, or the response is sent."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    code = "".join(secrets.choice(alphabet) for _ in range(10))
    response.resume_code_hash = hash_secret(code)
    response.resume_code_expires_at = resume_valid_until(timezone.now())
    response.save(update_fields=["resume_code_hash", "resume_code_expires_at", "updated_at"])
    return f"{code[:5]}-{code[5:]}"


def new_resume_link_token(response):
    """A single-use token for an emailed link, valid for `RESUME_VALID_DAYS`."""
    token = secrets.token_urlsafe(32)
    response.resume_link_hash = hash_secret(token)
    response.resume_link_expires_at = resume_valid_until(timezone.now())
    response.save(update_fields=["resume_link_hash", "resume_link_expires_at", "updated_at"])
    return token


def bind_resume_email(response, email):
    """The address links for this response go to: the first one given, kept from then on.

    Two tabs giving two addresses at once can't both win: the row is changed only while it
    has none."""
    Response.objects.filter(pk=response.pk, resume_email="").update(resume_email=email)
    response.resume_email = Response.objects.values_list("resume_email", flat=True).get(pk=response.pk)
    return response.resume_email


def resume_with_code(questionnaire, code):
    """The response in progress this code continues, or None if none has it.

    Raises ResumeExpired for a right code whose time is up."""
    if not code.strip():
        return None
    response = Response.objects.filter(
        questionnaire=questionnaire, state=Response.State.IN_PROGRESS, resume_code_hash=hash_secret(code)
    ).first()
    if response is not None and (
        response.resume_code_expires_at is None or response.resume_code_expires_at <= timezone.now()
    ):
        raise ResumeExpired
    return response


@transaction.atomic
def resume_with_link(token):
    """The response a link's token opens, once: the token is spent on use."""
    response = (
        Response.objects.select_for_update()
        .filter(resume_link_hash=hash_secret(token), state=Response.State.IN_PROGRESS)
        .first()
    )
    if response is None or response.resume_link_expires_at is None or response.resume_link_expires_at < timezone.now():
        return None
    response.resume_link_hash = ""
    response.resume_link_expires_at = None
    response.save(update_fields=["resume_link_hash", "resume_link_expires_at", "updated_at"])
    return response


class HoneypotInput(forms.TextInput):
    """Written out directly rather than through the form templates, which took longer to draw
    this one hidden box than the rest of the start page together. Always empty, even on a form
    shown again: a person who somehow filled it must be able to send the form the next time."""

    def __init__(self):
        super().__init__(attrs={"autocomplete": "off", "tabindex": "-1"})

    def render(self, name, value, attrs=None, renderer=None):
        return format_html('<input type="text" name="{}"{}>', name, flatatt({**self.attrs, **(attrs or {})}))


class HoneypotField(forms.CharField):
    """A field people never see or fill; software that fills every field gives itself away.
    Templates show it, inside `<div class="hys-honeypot" aria-hidden="true">` (which the
    stylesheet moves off the screen), as `<label for="{{ form.website.id_for_label }}">…`
    and `{{ form.website }}`."""

    def __init__(self):
        super().__init__(required=False, label="Leave this empty", widget=HoneypotInput())
