"""Staff roles, as groups of permissions. Later stages add their own roles here."""

ROLES = {
    "Consultation team": [
        "hub.view_consultation",
        "hub.add_consultation",
        "hub.change_consultation",
        "hub.delete_consultation",
        "hub.publish_consultation",
        "hub.add_document",
        "hub.change_document",
        "hub.delete_document",
        "hub.add_event",
        "hub.change_event",
        "hub.delete_event",
        "hub.view_topic",
        "hub.view_area",
        "hub.view_partnerbody",
        # Questionnaires: build them, key in paper responses, import, track stakeholders.
        "surveys.add_questionnaire",
        "surveys.change_questionnaire",
        "surveys.view_questionnaire",
        "surveys.add_page",
        "surveys.change_page",
        "surveys.delete_page",
        "surveys.add_question",
        "surveys.change_question",
        "surveys.delete_question",
        "surveys.add_response",
        "surveys.view_response",
        # Correct keyed-in responses, mark any as a duplicate or withdrawn, undo an import.
        "surveys.change_response",
        "surveys.export_response",
        # Names and email addresses: only the team that answers and writes back to respondents.
        "surveys.export_contact_details",
        # Residents' rights: erase a response on request, find and export everything held about
        # a person, and follow what each consultation keeps and when it is removed.
        "surveys.erase_response",
        "privacy.search_personal_data",
        "privacy.view_retentionrun",
        "surveys.add_importbatch",
        "surveys.add_eventnote",
        "surveys.change_eventnote",
        "surveys.delete_eventnote",
        "surveys.add_stakeholder",
        "surveys.change_stakeholder",
        "surveys.delete_stakeholder",
        "reports.view_engagementreport",
        "reports.publish_engagementreport",
        "reports.generate_engagementreport",
        # Free-text themes: suggest, review and apply codeframes, code answers, approve quotes.
        "analysis.view_codeframe",
        "analysis.add_codeframe",
        "analysis.change_codeframe",
        "analysis.approve_quote",
        "decisions.view_meeting",
        # The decision trail: link the consultation to the meeting items that considered it.
        "outcomes.add_consideration",
        "outcomes.change_consideration",
        "outcomes.delete_consideration",
    ],
    # Turns responses into results: reads and downloads responses, codes free-text themes.
    "Analyst": [
        "hub.view_consultation",
        "surveys.view_questionnaire",
        "surveys.view_response",
        "surveys.export_response",
        "reports.view_engagementreport",
        "reports.generate_engagementreport",
        # Free-text themes: suggest, review and apply codeframes, code answers, approve quotes.
        "analysis.view_codeframe",
        "analysis.add_codeframe",
        "analysis.change_codeframe",
        "analysis.approve_quote",
        "decisions.view_meeting",
    ],
    # Reads drafts and previews, changes nothing.
    "Staff viewer": ["hub.view_consultation", "reports.view_engagementreport", "decisions.view_meeting"],
    # Keeps the democratic records: bodies, members, meetings, agendas, minutes, decisions, votes.
    "Democratic services": [
        "hub.view_consultation",
        "decisions.view_meeting",
        "outcomes.add_consideration",
        "outcomes.change_consideration",
        "outcomes.delete_consideration",
        *(
            f"decisions.{action}_{model}"
            for model in (
                "organization", "person", "membership", "meeting", "attendance", "agendaitem", "agendadocument",
                "decision", "voteevent", "vote", "declaration", "question", "petition",
            )
            for action in ("add", "change", "delete")
        ),
    ],  # fmt: skip
    # Invites colleagues, gives and removes roles, deactivates accounts, lifts sign-in lockouts.
    # A role of its own, held beside another: who may grant rights is a smaller circle than
    # who runs consultations, and a whole team able to promote itself is no control at all.
    # Reads the audit log: who saw whose response, who changed what. The same small circle.
    "Consultation lead": ["accounts.manage_staff", "accounts.view_audit"],
}

ROLE_DESCRIPTIONS = {
    "Consultation team": (
        "Writes, publishes and runs consultations; keys in and downloads responses, with contact details; "
        "answers residents' requests to see or erase what is held about them."
    ),
    "Analyst": "Reads and downloads anonymised responses, codes comments into themes, has the report made again.",
    "Staff viewer": "Reads consultations, drafts and reports; changes nothing.",
    "Democratic services": (
        "Keeps the records of meetings: bodies, members, agendas, minutes, decisions and recorded votes; "
        "links consultations to the meetings that considered them."
    ),
    "Consultation lead": (
        "Manages staff on this page: invites, roles, deactivating accounts and unlocking sign-in; reads the audit log."
    ),
}


def sync_roles():
    """Create or update each role's group so it holds exactly its permissions."""
    from django.contrib.auth.models import Group, Permission

    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
