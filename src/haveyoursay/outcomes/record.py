"""The consultation record: the evidence a council needs if its consultation is challenged,
gathered under the four Gunning principles (R v Brent LBC ex p Gunning, 1985, as approved in
R (Moseley) v Haringey LBC, 2014):

1. the consultation happened while the proposals were still at a formative stage;
2. people were given enough information to give an intelligent response;
3. they had adequate time to respond;
4. the product of the consultation was conscientiously taken into account in the decision.

`gather_record(consultation)` reads what the system holds (the consultation's dates and
documents, the audit log, the meetings linked to it, the engagement report and We did) into a
`ConsultationRecord`: plain data, which the staff page shows and `record_report` turns into the
same kind of `Report` as the engagement report, for its PDF. Evidence the system does not
hold is an `Evidence` marked missing, with what is missing and why it matters: a gap in the
record is shown, never left out. Evidence that is there but tells against the council (a
decision made before the consultation closed) is marked to check.
"""

import dataclasses
import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import Decision
from haveyoursay.hub.models import Document
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.outcomes.models import Consideration

# The period the government's Code of Practice on Consultation (2008) set, and many councils' own
# standards keep, for a formal public consultation: a shorter one needs its reason recorded.
TWELVE_WEEKS_IN_DAYS = 84

RECORDED, MISSING, CHECK = "recorded", "missing", "check"

# The audit log's actions that evidence a step: who published, uploaded or made what, and when.
EVIDENCED_ACTIONS = [
    "consultation.publish", "consultation.schedule", "document.add", "questionnaire.create", "report.publish",
    "consultation.publish_outcome",
]


@dataclasses.dataclass(frozen=True)
class Evidence:
    """One piece of evidence: what it is, what it says, when, and where it comes from. A missing
    one says in `detail` what is missing and in `why` why it matters; one to check says why in `why`."""

    what: str
    detail: str = ""
    on: datetime.date | None = None
    source: str = ""
    url: str = ""  # a path on this site where the evidence is, or where to put a gap right
    status: str = RECORDED
    why: str = ""

    @property
    def is_missing(self):
        return self.status == MISSING

    @property
    def needs_checking(self):
        return self.status == CHECK

    @property
    def status_label(self):
        return {RECORDED: "Recorded", MISSING: "Missing", CHECK: "Check"}[self.status]


def missing(what, detail, why, url=""):
    return Evidence(what=what, detail=detail, why=why, url=url, status=MISSING)


@dataclasses.dataclass
class Principle:
    number: int
    key: str
    title: str
    test: str  # the principle, in a sentence
    evidence: list[Evidence]

    @property
    def heading(self):
        return f"{self.number}. {self.title}"

    @property
    def missing(self):
        return [item for item in self.evidence if item.is_missing]

    @property
    def to_check(self):
        return [item for item in self.evidence if item.needs_checking]

    def summary(self):
        """"Nothing missing." / "2 pieces of evidence missing, 1 to check." """
        parts = []
        if self.missing:
            parts.append(f"{_plural(len(self.missing), 'piece')} of evidence missing")
        if self.to_check:
            checks = len(self.to_check)
            parts.append(f"{checks} to check" if parts else f"{_plural(checks, 'piece')} to check")
        if not parts:
            return "All the evidence the system looks for is recorded."
        return " and ".join(parts) + "."


@dataclasses.dataclass
class ConsultationRecord:
    consultation: object
    gathered_at: datetime.datetime
    responses: int
    principles: list[Principle]

    @property
    def missing_count(self):
        return sum(len(principle.missing) for principle in self.principles)

    @property
    def check_count(self):
        return sum(len(principle.to_check) for principle in self.principles)

    def summary(self):
        """"3 pieces of evidence missing and 1 to check." or "" when nothing is."""
        parts = []
        if self.missing_count:
            parts.append(f"{_plural(self.missing_count, 'piece')} of evidence missing")
        if self.check_count:
            checks = self.check_count
            parts.append(f"{checks} to check" if parts else f"{_plural(checks, 'piece')} of evidence to check")
        return " and ".join(parts) + "." if parts else ""

    @property
    def file_name(self):
        return f"{self.consultation.slug[:80]}-consultation-record.pdf"


# -- Gathering ------------------------------------------------------------------------------------


def gather_record(consultation, *, now=None):
    """Everything the system holds about how `consultation` was run, under the four principles."""
    now = now or timezone.now()
    gatherer = _Gatherer(consultation, now)
    return ConsultationRecord(
        consultation=consultation,
        gathered_at=now,
        responses=gatherer.responses,
        principles=[
            gatherer.formative_stage(),
            gatherer.sufficient_information(),
            gatherer.adequate_time(),
            gatherer.conscientious_consideration(),
        ],
    )


def _day(moment):
    return timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment


def _at(moment):
    """"3 January 2022 at 2:30pm"."""
    return f"{uk_date(timezone.localtime(moment))} at {clock(moment)}"


def _plural(count, word):
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _weeks_and_days(days):
    weeks, extra = divmod(days, 7)
    text = _plural(weeks, "week")
    return f"{text} and {_plural(extra, 'day')}" if extra else text


def item_number(item):
    """"7" or "8(a)": an agenda item's number inside a sentence, without the list's full stop."""
    return item.display_number.rstrip(".")


def vote_text(vote):
    """"Motion carried: 8 for, 2 against, 1 abstention (a recorded vote)"."""
    text = f"{vote.get_kind_display()} {vote.get_result_display().lower()}"
    counts = [
        _plural(count, label) if label == "abstention" else f"{count} {label}"
        for count, label in (
            (vote.for_count, "for"), (vote.against_count, "against"), (vote.abstain_count, "abstention")
        )
        if count is not None
    ]
    if counts:
        text += ": " + ", ".join(counts)
    if vote.is_named:
        text += " (a recorded vote)"
    return text


class _Gatherer:
    def __init__(self, consultation, now):
        from haveyoursay.surveys.models import Response

        self.consultation = consultation
        self.now = now
        self.edit_url = reverse("staff:consultation_edit", args=[consultation.pk])
        self.staff_url = reverse("staff:consultation", args=[consultation.pk])
        # Only the actions that are evidence: a consultation's log also holds every response opened.
        self.audit = list(
            AuditEvent.objects.filter(consultation_pk=consultation.pk, action__in=EVIDENCED_ACTIONS)
            .select_related("user")
            .order_by("at", "pk")
        )
        self.considerations = list(
            consultation.considerations.select_related("item__meeting__organization").prefetch_related(
                "item__decisions", "item__vote_events"
            )
        )
        self.changes = list(consultation.closing_date_changes.select_related("changed_by"))
        self.responses = Response.objects.counted().filter(questionnaire__consultation=consultation).count()

    # The audit log says who did what and when; the first entry for an action is the evidence.
    def first_audit(self, *actions, **detail):
        for event in self.audit:
            if event.action in actions and all((event.detail or {}).get(k) == v for k, v in detail.items()):
                return event
        return None

    def audit_source(self, event):
        return f"Audit log: {event.sentence}, {_at(event.at)}"

    @property
    def closes_at(self):
        return self.consultation.closes_at

    def before_closing(self, day):
        """Whether a thing done on `day` came before responses stopped (the closing day counts)."""
        closes_on = self.consultation.closes_on
        return closes_on is not None and day <= closes_on

    # 1 -----------------------------------------------------------------------------------------

    def formative_stage(self):
        consultation = self.consultation
        evidence = [self.publication(), *self.dates()]
        stages = {stage: [c for c in self.considerations if c.stage == stage] for stage in Consideration.Stage.values}
        for consideration in stages[Consideration.Stage.APPROVAL]:
            evidence.append(self.meeting_evidence(consideration, "Consultation approved"))
        for consideration in stages[Consideration.Stage.DURING]:
            evidence.append(self.meeting_evidence(consideration, "Commented on while it ran"))
        for consideration in stages[Consideration.Stage.RESULTS]:
            evidence.append(
                self.meeting_evidence(
                    consideration, "Results considered",
                    early_because=(
                        "The meeting was before the consultation closed, so it cannot have had every response."
                    ),
                )
            )
        decisions = self.decisions()
        for decision, consideration in decisions:
            early = self.before_closing(decision.decided_on)
            evidence.append(
                Evidence(
                    what="Decision made",
                    detail=f"{decision.decision_maker}: {decision.get_outcome_display()}. {decision.text}",
                    on=decision.decided_on,
                    source=self.decision_source(decision),
                    url=self.meeting_url(consideration) if consideration else "",
                    status=CHECK if early else RECORDED,
                    why=(
                        f"Made on or before the closing date ({uk_date(consultation.closes_on)}): a decision taken "
                        "before the consultation ends suggests the proposals were no longer at a formative stage."
                    )
                    if early
                    else "",
                )
            )
        decided_items = {consideration.item_id for _, consideration in decisions if consideration}
        for consideration in stages[Consideration.Stage.DECISION]:
            if consideration.item_id in decided_items:
                continue
            evidence.append(
                self.meeting_evidence(
                    consideration, "Decision meeting", also=" No decision is recorded against the item yet.",
                    early_because="The meeting was before the consultation closed.",
                )
            )
        if not decisions and not stages[Consideration.Stage.DECISION]:
            evidence.append(
                missing(
                    "The decision",
                    "No decision is linked to the consultation: neither a meeting item that made it nor a decision "
                    "named in We did.",
                    "The record can only show that the decision came after the consultation closed once the "
                    "decision is linked to it.",
                )
            )
        return Principle(
            1, "formative", "Formative stage",
            "The consultation happened while the proposals were still at a formative stage: before the decision "
            "was made.",
            evidence,
        )  # fmt: skip

    def publication(self):
        consultation = self.consultation
        event = self.first_audit("consultation.publish", "consultation.schedule")
        if consultation.published_at is None and event is None:
            return missing(
                "Published",
                "The consultation has not been published.",
                "Until it is published nobody can respond, and there is nothing for the record to show.",
                self.staff_url,
            )
        at = consultation.published_at
        detail = f"Published on the hub on {_at(at)}." if at else "Published, then unpublished: not public now."
        if at and at > self.now:
            detail = f"Scheduled to be published on {_at(at)}."
        return Evidence(
            what="Published",
            detail=detail,
            on=_day(at) if at else _day(event.at),
            source=self.audit_source(event) if event else "Consultation details",
            url=consultation.get_absolute_url() if consultation.is_published else "",
        )

    def dates(self):
        consultation = self.consultation
        if consultation.opens_on is None or consultation.closes_on is None:
            return [
                missing(
                    "Consultation dates",
                    "The opening and closing dates are not set.",
                    "Without them the record cannot show that the consultation came before the decision, nor "
                    "how long people had to respond.",
                    self.edit_url + "#opens_on",
                )
            ]
        closing = Evidence(
            what="Closed",
            detail=f"Responses taken until {clock(consultation.closes_at_time)} on {uk_date(consultation.closes_on)}.",
            on=consultation.closes_on,
            source="Consultation details",
        )
        if self.changes:
            closing = dataclasses.replace(
                closing,
                detail=closing.detail
                + f" The closing date first set was {uk_date(self.changes[0].previous_closes_on)}.",
                source="Consultation details and the record of its closing date changes",
            )
        return [
            Evidence(
                what="Opened", detail=f"Responses taken from {uk_date(consultation.opens_on)}.",
                on=consultation.opens_on, source="Consultation details",
            ),
            closing,
        ]  # fmt: skip

    def decisions(self):
        """(decision, consideration) for each decision made at an item linked as making the
        decision, then any other decision named in We did (an officer's, or another meeting's)."""
        found, seen = [], set()
        for consideration in self.considerations:
            if consideration.stage != Consideration.Stage.DECISION:
                continue
            for decision in consideration.item.decisions.all():
                found.append((decision, consideration))
                seen.add(decision.pk)
        named = (
            Decision.objects.filter(we_did_entries__consultation=self.consultation)
            .exclude(pk__in=seen)
            .select_related("item__meeting__organization", "delegated_officer")
            .distinct()
        )
        by_item = {consideration.item_id: consideration for consideration in self.considerations}
        found += [(decision, by_item.get(decision.item_id)) for decision in named]
        return sorted(found, key=lambda pair: (pair[0].decided_on, pair[0].pk))

    def decision_source(self, decision):
        if decision.item_id:
            return f"Minutes of {decision.item.meeting}, item {item_number(decision.item)}"
        return "Officer decision under delegated powers"

    def meeting_detail(self, consideration):
        item = consideration.item
        text = f"{item.meeting.organization}, {item.meeting.when()}: item {item_number(item)}, “{item.title}”."
        if consideration.note:
            text += f" {consideration.note}"
        return text

    def meeting_url(self, consideration):
        return reverse("decisions:meeting", args=[consideration.item.meeting_id]) + f"#item-{consideration.item_id}"

    def meeting_evidence(self, consideration, what, *, also="", early_because=None):
        """Evidence of a meeting the consultation was linked to. With `early_because`, a meeting
        before the consultation closed is marked to check, for that reason."""
        meeting = consideration.item.meeting
        early = early_because is not None and self.closes_at is not None and meeting.starts_at < self.closes_at
        return Evidence(
            what=what,
            detail=self.meeting_detail(consideration) + also,
            on=timezone.localdate(meeting.starts_at),
            source=f"{meeting.organization}, item {item_number(consideration.item)}",
            url=self.meeting_url(consideration),
            status=CHECK if early else RECORDED,
            why=early_because if early else "",
        )

    # 2 -----------------------------------------------------------------------------------------

    def sufficient_information(self):
        consultation = self.consultation
        documents = list(consultation.documents.all())
        add_url = reverse("staff:document_new", args=[consultation.pk])
        evidence = []
        if consultation.we_asked.strip():
            evidence.append(
                Evidence(
                    what="What we asked",
                    detail="The consultation page explains the proposals and what people were asked "
                    f"({_plural(len(consultation.we_asked.split()), 'word')}).",
                    source="Consultation page, “We asked”",
                    url=consultation.get_absolute_url() if consultation.is_published else "",
                )
            )
        else:
            evidence.append(
                missing(
                    "What we asked",
                    "The consultation page has no “We asked”.",
                    "The page is where people first read what is proposed and why.",
                    self.edit_url + "#we_asked",
                )
            )
        for document in documents:
            evidence.append(self.document_evidence(document))
        kinds = {document.kind for document in documents}
        expected = [
            (Document.Kind.MAIN, "Main document", "The proposal itself, in full, is what people respond to."),
            (Document.Kind.SUMMARY, "Summary", "A short summary lets people who will not read the whole document "
             "still understand the proposals."),
            (Document.Kind.EASY_READ, "Easy read version", "People with a learning disability need an easy read "
             "version to take part (Equality Act 2010: reasonable adjustments)."),
            (Document.Kind.LARGE_PRINT, "Large print version", "People with a visual impairment need a large print "
             "version, or a format their screen reader can read."),
            (Document.Kind.TRANSLATION, "Translation", "People who do not read English well need the main points in "
             "their language, or a way to ask for them."),
            (Document.Kind.EQUALITY_IMPACT, "Equality impact assessment", "It shows the council had due regard to "
             "the public sector equality duty (Equality Act 2010, section 149) when it made its proposals."),
        ]  # fmt: skip
        for kind, what, why in expected:
            if kind not in kinds:
                evidence.append(missing(what, f"No {what[0].lower() + what[1:]} was published.", why, add_url))
        evidence.append(self.questionnaire_evidence())
        channels = [
            label
            for label, value in (
                ("online elsewhere", consultation.respond_online_url), ("by email", consultation.respond_email),
                ("by phone", consultation.respond_phone), ("by post", consultation.respond_post),
                ("in other ways", consultation.respond_other),
            )
            if value
        ]  # fmt: skip
        if channels:
            evidence.append(
                Evidence(
                    what="Other ways to respond",
                    detail="People could also respond " + _and_list(channels) + ".",
                    source="Consultation page, “How to respond”",
                )
            )
        for event in consultation.events.all():
            evidence.append(
                Evidence(
                    what="Event",
                    detail=f"{event.title}, {event.place}, {clock(event.starts_at)}.",
                    on=timezone.localdate(event.starts_at),
                    source="Consultation page, events",
                )
            )
        if consultation.privacy_notice.strip():
            evidence.append(
                Evidence(
                    what="Privacy notice",
                    detail="The consultation page says how the council uses what people tell it; personal data is "
                    f"kept for {_plural(consultation.retention_months, 'month')} after closing.",
                    source="Consultation page, privacy notice",
                )
            )
        else:
            evidence.append(
                missing(
                    "Privacy notice",
                    "The consultation has no privacy notice.",
                    "People must be told how their responses and personal data are used (UK GDPR, article 13).",
                    self.edit_url + "#privacy_notice",
                )
            )
        return Principle(
            2, "information", "Sufficient information",
            "People were given enough information about the proposals, in formats they could use, to give an "
            "intelligent response.",
            evidence,
        )  # fmt: skip

    def document_evidence(self, document):
        published_at = self.consultation.published_at
        uploaded = document.uploaded_at
        if published_at is None:
            public = "not yet public: the consultation is not published."
        elif uploaded <= published_at:
            public = f"public from {uk_date(timezone.localtime(published_at))}, when the consultation was published."
        else:
            public = "public from then: the consultation was already published."
        event = self.first_audit("document.add", document=document.title)
        source = self.audit_source(event) if event else "Consultation documents"
        return Evidence(
            what=document.kind_display,
            detail=f"“{document.title}” ({document.file_format}, {document.size_display}). Added on "
            f"{_at(uploaded)}; {public}",
            on=timezone.localdate(max(uploaded, published_at) if published_at else uploaded),
            source=source,
            url=document.get_absolute_url(),
        )

    def questionnaire_evidence(self):
        from haveyoursay.surveys.models import Question

        consultation = self.consultation
        questionnaire = getattr(consultation, "questionnaire", None)
        if questionnaire is not None:
            questions = Question.objects.filter(page__questionnaire=questionnaire).count()
            event = self.first_audit("questionnaire.create")
            return Evidence(
                what="Questionnaire",
                detail=f"An online questionnaire of {_plural(questions, 'question')}, made on "
                f"{uk_date(timezone.localtime(questionnaire.created_at))}.",
                on=timezone.localdate(questionnaire.created_at),
                source=self.audit_source(event) if event else "Questionnaire",
                url=reverse("surveys_staff:questionnaire", args=[consultation.pk]),
            )
        if consultation.respond_online_url:
            return Evidence(
                what="Questionnaire",
                detail=f"Run outside this system, at {consultation.respond_online_url}: keep a copy of its "
                "questions with this record.",
                source="Consultation page, “How to respond”",
            )
        return missing(
            "Questionnaire",
            "The consultation has no questionnaire on this system or elsewhere.",
            "The questions show what people were asked and how; without them the responses are hard to weigh.",
            reverse("surveys_staff:questionnaire", args=[consultation.pk]),
        )

    # 3 -----------------------------------------------------------------------------------------

    def adequate_time(self):
        consultation = self.consultation
        days = consultation.duration_days
        evidence = []
        if days is None:
            evidence.append(
                missing(
                    "How long it ran",
                    "The opening and closing dates are not set.",
                    "The record cannot show how long people had to respond.",
                    self.edit_url + "#opens_on",
                )
            )
        else:
            evidence.append(
                Evidence(
                    what="How long it ran",
                    detail=f"{_plural(days, 'day')} ({_weeks_and_days(days)}), from {uk_date(consultation.opens_on)} "
                    f"to {uk_date(consultation.closes_on)}, both days included.",
                    on=consultation.closes_on,
                    source="Consultation details",
                )
            )
        for change in self.changes:
            verb = "extended" if change.is_extension else "brought forward"
            by = change.changed_by.get_full_name() if change.changed_by else ""
            evidence.append(
                Evidence(
                    what=f"Closing date {verb}",
                    detail=f"From {uk_date(change.previous_closes_on)} to {uk_date(change.closes_on)}. "
                    f"Reason: {change.reason}",
                    on=timezone.localdate(change.changed_at),
                    source=f"Closing date changes{', by ' + by if by else ''}, {_at(change.changed_at)}",
                )
            )
        if days is not None and days < TWELVE_WEEKS_IN_DAYS:
            reason = consultation.shorter_period_reason.strip()
            if reason:
                evidence.append(
                    Evidence(
                        what="Why less than 12 weeks",
                        detail=reason,
                        source="Consultation details",
                    )
                )
            else:
                evidence.append(
                    missing(
                        "Why less than 12 weeks",
                        f"It ran for {_weeks_and_days(days)}, less than 12 weeks, and no reason is recorded.",
                        "A consultation shorter than the usual 12 weeks must be able to show why the time was "
                        "enough for people to respond.",
                        self.edit_url + "#shorter_period_reason",
                    )
                )
        elif days is not None:
            evidence.append(
                Evidence(what="12 weeks or more", detail="It ran for at least 12 weeks, the usual period.")
            )
        return Principle(
            3, "time", "Adequate time",
            "People had enough time to consider the proposals and respond.",
            evidence,
        )  # fmt: skip

    # 4 -----------------------------------------------------------------------------------------

    def conscientious_consideration(self):
        from haveyoursay.reports.models import EngagementReport, Publication

        consultation = self.consultation
        evidence = [
            Evidence(
                what="Responses",
                detail=f"{_plural(self.responses, 'response')} counted (duplicates and withdrawn responses left "
                f"out), and {_plural(consultation.event_notes.count(), 'set')} of notes from events.",
                source="Responses from every channel",
            )
        ]
        publication = Publication.objects.filter(consultation=consultation).first()
        report_url = reverse("reports_staff:report", args=[consultation.pk])
        if publication is not None:
            event = self.first_audit("report.publish")
            evidence.append(
                Evidence(
                    what="Engagement report published",
                    detail="The public version of the engagement report was published on "
                    f"{_at(publication.published_at)}.",
                    on=timezone.localdate(publication.published_at),
                    source=self.audit_source(event) if event else "Engagement report",
                    url=report_url,
                )
            )
        else:
            made = EngagementReport.objects.filter(consultation=consultation).order_by("generated_at").first()
            detail = (
                f"A report was made on {uk_date(timezone.localtime(made.generated_at))} but it has not been published."
                if made
                else "No engagement report has been published."
            )
            evidence.append(
                missing(
                    "Engagement report published",
                    detail,
                    "The report is how decision makers and the public see what people said; publishing it shows "
                    "the results were available before the decision.",
                    report_url,
                )
            )
        considered = [
            c for c in self.considerations if c.stage in (Consideration.Stage.RESULTS, Consideration.Stage.DECISION)
        ]
        for consideration in considered:
            item = consideration.item
            detail = self.meeting_detail(consideration)
            decisions = [f"Decision: {d.get_outcome_display()}. {d.text}" for d in item.decisions.all()]
            votes = [vote_text(vote) + "." for vote in item.vote_events.all()]
            evidence.append(
                Evidence(
                    what=consideration.get_stage_display(),
                    detail=" ".join([detail, *decisions, *votes]),
                    on=timezone.localdate(item.meeting.starts_at),
                    source=f"Minutes of {item.meeting}, item {item_number(item)}",
                    url=self.meeting_url(consideration),
                )
            )
        if not considered:
            evidence.append(
                missing(
                    "Meetings that considered the results",
                    "No meeting is linked as having considered the results or made the decision.",
                    "Decision makers must be shown to have had the consultation's results in front of them "
                    "when they decided.",
                )
            )
        entries = list(consultation.we_did_entries.select_related("decision"))
        for entry in entries:
            detail = f"You said: {entry.you_said} We did ({entry.get_action_display().lower()}): {entry.we_did}"
            if entry.why_not:
                detail += f" Why not: {entry.why_not}"
            evidence.append(
                Evidence(
                    what="We did",
                    detail=detail,
                    on=entry.decision.decided_on if entry.decision else None,
                    source=f"Decision of {uk_date(entry.decision.decided_on)}" if entry.decision else "We did entries",
                )
            )
        if not entries and consultation.we_did.strip():
            evidence.append(
                Evidence(what="We did", detail=consultation.we_did.strip(), source="Consultation details, “We did”")
            )
        if not entries and not consultation.we_did.strip():
            evidence.append(
                missing(
                    "We did",
                    "Nothing is recorded of what the council did because of what people said.",
                    "“We did” shows how the responses changed, or did not change, the decision, and why.",
                    self.edit_url + "#we_did",
                )
            )
        if consultation.outcome_published_at:
            event = self.first_audit("consultation.publish_outcome")
            evidence.append(
                Evidence(
                    what="Outcome published",
                    detail="“You said” and “We did” were published on "
                    f"{_at(consultation.outcome_published_at)}.",
                    on=timezone.localdate(consultation.outcome_published_at),
                    source=self.audit_source(event) if event else "Consultation details",
                    url=consultation.get_absolute_url() if consultation.outcome_is_published else "",
                )
            )
        else:
            evidence.append(
                missing(
                    "Outcome published",
                    "“You said” and “We did” have not been published.",
                    "Telling people what happened because of what they said closes the loop with those who took "
                    "part.",
                    self.staff_url,
                )
            )
        return Principle(
            4, "consideration", "Conscientious consideration",
            "The results of the consultation were conscientiously taken into account when the decision was made.",
            evidence,
        )  # fmt: skip


def _and_list(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def site_address(path):
    """The whole address of a page of this site, for the PDF, read away from the site; "" when
    SITE_URL is not set."""
    return settings.SITE_URL + path if settings.SITE_URL and path else ""


# -- As a document --------------------------------------------------------------------------------


def evidence_text(item):
    """An evidence row's words, as the PDF prints them: what it says, why it matters or needs
    checking, and where it comes from."""
    parts = []
    if item.is_missing:
        parts.append(f"Missing: {item.detail}")
        parts.append(f"Why it matters: {item.why}")
    else:
        parts.append(item.detail)
        if item.needs_checking:
            parts.append(f"Check: {item.why}")
    if item.source:
        parts.append(f"Source: {item.source}.")
    address = site_address(item.url) if not item.is_missing else ""
    if address:
        parts.append(address)
    return " ".join(part for part in parts if part)


def record_report(record):
    """The record as a `Report`, the engagement report's document, for the same PDF renderer."""
    from haveyoursay.reports.document import Paragraph, Report, Section, Table

    consultation = record.consultation
    when = timezone.localtime(record.gathered_at)
    about = Section(
        "About this record",
        blocks=[
            Paragraph(
                f"The evidence {settings.COUNCIL_NAME} holds on how “{consultation.title}” was run, gathered on "
                f"{uk_date(when)} at {clock(when)}, under the four principles a court applies to a public "
                "consultation (the Gunning principles)."
            ),
            Paragraph(
                "Evidence the system looks for and does not have is listed as missing, with why it matters. "
                "Evidence marked “Check” is recorded but may tell against the consultation."
            ),
            Table(
                caption="Evidence under each principle",
                columns=["Principle", "Recorded", "Missing", "To check"],
                rows=[
                    [
                        principle.heading,
                        len(principle.evidence) - len(principle.missing) - len(principle.to_check),
                        len(principle.missing),
                        len(principle.to_check),
                    ]
                    for principle in record.principles
                ],
                number_columns={1, 2, 3},
            ),
        ],
    )
    principles = Section(
        "The four principles",
        anchor="principles",
        blocks=[Paragraph("Each principle, then the evidence for it: what it is, when, and where it comes from.")],
    )
    for principle in record.principles:
        principles.subsections.append(
            Section(
                principle.heading,
                anchor=principle.key,
                blocks=[
                    Paragraph(principle.test),
                    Paragraph(principle.summary()),
                    Table(
                        caption=f"Evidence of {principle.title.lower()}",
                        columns=["Evidence", "Status", "Date", "Details"],
                        rows=[
                            [item.what, item.status_label, uk_date(item.on) if item.on else "", evidence_text(item)]
                            for item in principle.evidence
                        ],
                    ),
                ],
            )
        )
    sections = [about, principles]
    return Report(
        title="Consultation record",
        consultation_title=consultation.title,
        council_name=settings.COUNCIL_NAME,
        generated_at=record.gathered_at,
        response_count=record.responses,
        public=False,
        sections=sections,
    )


def render_record_pdf(record):
    """The record as PDF bytes, laid out as the engagement report is."""
    from haveyoursay.reports.render.pdf import render_pdf

    return render_pdf(record_report(record))
