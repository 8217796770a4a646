"""Finding everything held about one person, for a subject access request (UK GDPR Article 15).

`find_person(kind, term)` looks across every consultation: responses by their name, email
addresses (for the outcome and for save and return) or reference; comments and "other"
answers that mention the name or address; event notes that do; stakeholder records by
name; and, by email address, the updates the person asked for (followers). `Findings.responses` is what the exported file lists, each with its questions and
answers in words.

Who searched is audited, never what for: the audit holds a keyed hash of the search, so the
council can later show a given person was searched for without the log naming anyone.
"""

import hashlib
import hmac
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q

from haveyoursay.surveys.models import Answer, EventNote, Response, Stakeholder, normal_reference


@dataclass
class Findings:
    kind: str
    responses: list = field(default_factory=list)  # [Response], with .answers_in_words and .why
    mentions: list = field(default_factory=list)  # [Answer] in other people's responses
    event_notes: list = field(default_factory=list)
    stakeholders: list = field(default_factory=list)
    followers: list = field(default_factory=list)  # [Follower]: updates asked for by email

    @property
    def total(self):
        return (
            len(self.responses) + len(self.mentions) + len(self.event_notes) + len(self.stakeholders)
            + len(self.followers)
        )


def search_hash(kind, term):
    """A keyed hash of the search: the same search gives the same hash, and no one can reverse it."""
    message = f"{kind}:{' '.join(term.split()).casefold()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:32]


def find_person(kind, term):
    term = " ".join(term.split())
    if kind == "email":
        who = Q(email__iexact=term) | Q(resume_email__iexact=term)
        why = "email address"
    elif kind == "name":
        who = Q(respondent_name__icontains=term)
        why = "name"
    else:
        who = Q(reference=normal_reference(term))
        why = "reference"
    responses = list(
        Response.objects.filter(who)
        .select_related("questionnaire__consultation", "stakeholder", "entered_by")
        .order_by("questionnaire__consultation__title", "started_at")
    )
    for response in responses:
        response.why = why
        response.answers_in_words = answers_in_words(response)
    found = Findings(kind=kind, responses=responses)
    if kind in ("email", "name"):
        mentioned = Q(value__text__icontains=term) | Q(value__other__icontains=term)
        found.mentions = list(
            Answer.objects.filter(mentioned).without_unfinished_imports()
            .exclude(response__in=[response.pk for response in responses])
            .select_related("response__questionnaire__consultation", "question")
            .order_by("response__questionnaire__consultation__title", "response__started_at")
        )
        found.event_notes = list(
            EventNote.objects.filter(Q(summary__icontains=term) | Q(title__icontains=term)).select_related(
                "consultation"
            )
        )
    if kind == "email":
        from haveyoursay.outcomes.notify_models import Follower, address_key

        found.followers = list(
            Follower.objects.filter(email_key=address_key(term)).select_related("consultation", "body")
        )
    if kind == "name":
        found.stakeholders = list(Stakeholder.objects.filter(name__icontains=term).select_related("consultation"))
    return found


def answers_in_words(response):
    """[(question text, answer in words)] in the questionnaire's order."""
    answers = {
        answer.question_id: answer
        for answer in response.answers.select_related("question").prefetch_related("question__options")
    }
    rows = []
    for question in response.questionnaire.ordered_questions().prefetch_related("options"):
        answer = answers.get(question.pk)
        if answer is not None:
            rows.append((question.text, question.type.display(question, answer.value)))
    return rows
