"""Records as the API shows them: plain dicts in the shape of `api/schemas.py`.

Only what the public pages show goes out: no respondent's name, email, answers or reference,
nothing of an unpublished consultation, and of an item taken in private (exempt) its title and
exemption paragraph alone, wherever it appears.
"""

from django.urls import reverse
from django.utils import timezone

from haveyoursay.decisions.models import Meeting
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.surveys.models import Response

VOTE_OPTIONS = {"for": "yes", "against": "no", "abstain": "abstain"}
MEETING_STATUS = {Meeting.Status.SCHEDULED: "confirmed"}


class Shaper:
    """Shapes records for one request, whose host the absolute addresses are made with."""

    def __init__(self, request):
        self.request = request

    def url(self, name, *args):
        return self.request.build_absolute_uri(reverse(name, args=args))

    def absolute(self, path):
        return self.request.build_absolute_uri(path)

    # -- Consultations ------------------------------------------------------------------------

    def consultation_summary(self, consultation):
        return {
            "id": consultation.slug,
            "title": consultation.title,
            "summary": consultation.summary,
            "status": consultation.status,
            "opens_on": consultation.opens_on,
            "closes_on": consultation.closes_on,
            "closes_at": consultation.closes_at,
            "topics": [{"slug": t.slug, "name": t.name} for t in consultation.topics.all()],
            "areas": [{"slug": a.slug, "name": a.name} for a in consultation.areas.all()],
            "partners": [
                {"slug": p.slug, "name": p.name, "kind": p.kind, "url": p.url} for p in consultation.partners.all()
            ],
            "url": self.absolute(consultation.get_absolute_url()),
            "api_url": self.url("api:consultation", consultation.slug),
        }

    def consultation_detail(self, consultation, timeline):
        outcome = consultation.outcome_is_published
        follows = consultation.follows
        return {
            **self.consultation_summary(consultation),
            "we_asked": consultation.we_asked,
            "what_happens_next": consultation.what_happens_next,
            "you_said": consultation.you_said if outcome else None,
            "we_did": consultation.we_did if outcome else None,
            "outcome_published_at": consultation.outcome_published_at if outcome else None,
            "response_count": response_count(consultation),
            "documents": [self.document(d) for d in consultation.documents.all()],
            "events": [
                {
                    "title": e.title, "starts_at": e.starts_at, "ends_at": e.ends_at, "place": e.place,
                    "address": e.address, "details": e.details,
                }
                for e in consultation.events.all()
            ],  # fmt: skip
            "ways_to_respond": {
                "online": consultation.respond_online_url,
                "email": consultation.respond_email,
                "phone": consultation.respond_phone,
                "post": consultation.respond_post,
                "other": consultation.respond_other,
            },
            "contact": {
                "name": consultation.contact_name,
                "email": consultation.contact_email,
                "phone": consultation.contact_phone,
            },
            "follows": follows.slug if follows is not None and follows.is_published else None,
            "followed_by": [c.slug for c in consultation.followed_by.published()],
            "timeline": [self.timeline_entry(entry) for entry in timeline],
            "we_did_entries": self.we_did_entries(consultation) if outcome else [],
        }

    def we_did_entries(self, consultation):
        entries = list(consultation.we_did_entries.all())
        figures = figures_for(entries, public=True)
        return [self.we_did_entry(entry, figures.get(entry.pk)) for entry in entries]

    def document(self, document):
        return {
            "title": document.title,
            "kind": document.kind,
            "kind_display": document.kind_display,
            "language": document.language,
            "format": document.file_format,
            "size_bytes": document.size_bytes,
            "url": self.absolute(document.get_absolute_url()),
        }

    def timeline_entry(self, entry):
        item = entry.consideration.item if entry.consideration is not None else None
        private = item is not None and item.is_exempt
        return {
            "on": entry.on,
            "kind": entry.kind,
            "title": entry.title,
            "detail": entry.detail,
            "url": self.absolute(entry.url) if entry.url else None,
            "agenda_item": self.agenda_item(item) if item is not None else None,
            "decisions": [] if private else [self.decision(d, item=item) for d in entry.decisions],
            "vote_events": [] if private else [self.vote_event(v) for v in entry.votes],
        }

    def we_did_entry(self, entry, figure=None):
        """One line of "You said, we did", with how many people said it (`outcomes/counts.py`:
        worked out afresh from the analysis, small numbers withheld as on the public page)."""
        question = entry.question
        return {
            "position": entry.position,
            "you_said": entry.you_said,
            "action": entry.action,
            "action_display": entry.get_action_display(),
            "we_did": entry.we_did,
            "why_not": entry.why_not,
            "themes": [
                {"id": t.pk, "label": t.label, "question_code": t.codeframe.question.code} for t in entry.themes.all()
            ],
            "question": {"code": question.code, "text": question.text} if question is not None else None,
            "options": [{"value": o.value, "label": o.label} for o in entry.options.all()],
            "decision": self.decision(entry.decision) if entry.decision_id else None,
            "figure": self.figure(figure) if figure is not None else None,
        }

    def figure(self, figure):
        return {
            "count": figure.count,
            "base": figure.base,
            "percent": figure.percent if figure.count is not None else None,
            "of_whom": figure.of_whom,
            "question": figure.question,
            "withheld": figure.withheld,
        }

    # -- Democratic records -------------------------------------------------------------------

    def agenda_item(self, item):
        return {
            "id": item.pk,
            "meeting_id": item.meeting_id,
            "number": item.display_number,
            "title": item.title,
            "exempt": item.is_exempt,
            "exemption_paragraph": item.exemption_paragraph if item.is_exempt else "",
            "url": self.url("decisions:meeting", item.meeting_id) + f"#item-{item.pk}",
        }

    def decision(self, decision, item=None):
        item = item or decision.item
        if item is not None:
            organization = item.meeting.organization
            maker = {
                "entity_type": "organization", "id": f"organization/{organization.slug}", "name": organization.name
            }
            url = self.url("decisions:meeting", item.meeting_id) + f"#item-{item.pk}"
        else:
            officer = decision.delegated_officer
            maker = {"entity_type": "person", "id": f"person/{officer.slug}", "name": officer.name}
            url = self.url("decisions:decisions") + f"#decision-{decision.pk}"
        return {
            "id": decision.pk,
            "decided_on": decision.decided_on,
            "outcome": decision.outcome,
            "outcome_display": decision.get_outcome_display(),
            "text": None if item is not None and item.is_exempt else decision.text,
            "is_key_decision": decision.is_key_decision,
            "published_on": decision.published_on,
            "call_in_deadline": decision.call_in_deadline,
            "decision_maker": maker,
            "agenda_item": self.agenda_item(item) if item is not None else None,
            "url": url,
            "api_url": self.url("api:decision", decision.pk),
        }

    def vote_event(self, event):
        totals = (("yes", event.for_count), ("no", event.against_count), ("abstain", event.abstain_count))
        counts = [{"option": option, "value": value} for option, value in totals if value is not None]
        return {
            "id": f"vote_event/{event.pk}",
            "motion_text": event.motion_text,
            "motion": {"text": event.motion_text, "classification": event.kind},
            "result": {"carried": "pass", "lost": "fail"}[event.result],
            "moved_by": f"person/{event.moved_by.slug}" if event.moved_by_id else None,
            "seconded_by": f"person/{event.seconded_by.slug}" if event.seconded_by_id else None,
            "counts": counts,
            "votes": [
                {"voter_id": f"person/{v.person.slug}", "voter_name": v.person.name, "option": VOTE_OPTIONS[v.option]}
                for v in event.votes.all()
            ],
        }

    def organization(self, organization):
        return {
            "id": f"organization/{organization.slug}",
            "slug": organization.slug,
            "name": organization.name,
            "classification": organization.classification,
            "parent_id": f"organization/{organization.parent.slug}" if organization.parent_id else None,
            "is_current": organization.is_current,
            "url": self.url("decisions:body", organization.slug),
            "api_url": self.url("api:body", organization.slug),
        }

    def membership(self, membership):
        return {
            "person_id": f"person/{membership.person.slug}",
            "organization_id": f"organization/{membership.organization.slug}",
            "role": membership.get_role_display(),
            "start_date": membership.start_date,
            "end_date": membership.end_date,
        }

    def person(self, person):
        return {
            "id": f"person/{person.slug}",
            "slug": person.slug,
            "name": person.name,
            "honorific_prefix": person.honorific_prefix,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "honorific_suffix": person.honorific_suffix,
            "party": person.party,
            "division": person.division,
            "role": person.role,
            "classification": person.kind,
            "url": self.url("decisions:member", person.slug),
            "api_url": self.url("api:person", person.slug),
        }

    def meeting(self, meeting):
        return {
            "id": meeting.pk,
            "name": str(meeting),
            "classification": "meeting",
            "organization_id": f"organization/{meeting.organization.slug}",
            "start_date": meeting.starts_at.isoformat()
            if meeting.time_known
            else timezone.localdate(meeting.starts_at).isoformat(),
            "end_date": meeting.ends_at.isoformat() if meeting.ends_at else None,
            "location": {"name": meeting.venue},
            "status": MEETING_STATUS.get(meeting.status, meeting.status),
            "url": self.url("decisions:meeting", meeting.pk),
            "api_url": self.url("api:meeting", meeting.pk),
        }

    def meeting_detail(self, meeting, items, attendance, considered):
        """`considered` maps an item's id to the ids of the published consultations it considered."""
        organization = meeting.organization
        participants = [
            {
                "entity_type": "organization", "entity_id": f"organization/{organization.slug}",
                "name": organization.name, "note": "host",
            }
        ] + [
            {
                "entity_type": "person", "entity_id": f"person/{a.person.slug}", "name": a.person.name,
                "note": a.get_status_display().lower(),
            }
            for a in attendance
        ]  # fmt: skip
        agenda = [self.agenda_entry(item, considered) for item in items]
        return {**self.meeting(meeting), "participants": participants, "agenda": agenda}

    def agenda_entry(self, item, considered):
        entry = {
            "id": item.pk,
            "order": item.display_number,
            "description": item.title,
            "exempt": item.is_exempt,
            "exemption_paragraph": item.exemption_paragraph if item.is_exempt else "",
            "documents": [],
            "decisions": [],
            "vote_events": [],
            "consultations": considered.get(item.pk, []),
        }
        if not item.is_exempt:
            entry["documents"] = [
                {"note": d.title, "url": d.url} for d in item.documents.all() if d.url and not d.is_exempt
            ]
            entry["decisions"] = [self.decision(d, item=item) for d in item.decisions.all()]
            entry["vote_events"] = [self.vote_event(v) for v in item.vote_events.all()]
        return entry


def response_count(consultation):
    """How many responses count, by the rule every count and report follows; None where the
    consultation takes no responses on this site. A total picks no one out (reports print it
    as it is), so it is not withheld when small."""
    questionnaire = getattr(consultation, "questionnaire", None)
    if questionnaire is None:
        return None
    return Response.objects.counted().filter(questionnaire=questionnaire).count()
