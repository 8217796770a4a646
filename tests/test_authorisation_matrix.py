"""Who may open every staff URL, by GET and by POST: one table, checked against the URL conf.

Each row names a staff URL and the roles let through for GET and for POST. "Let through"
means the request passed the permission checks: it may then get a page, a redirect, a 404
for an object that does not exist, or a 405 for a method the view does not take. "Refused"
means a 403 for someone signed in, and a redirect to the sign-in page for someone who is not.
A staff URL without a row fails the test, so a new view has to say who may use it.
"""

import datetime

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from haveyoursay.hub.models import Event
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import EventNote, Questionnaire, Response, Stakeholder
from tests.factories import make_consultation, make_document

TEAM = "Consultation team"
ANALYST = "Analyst"
VIEWER = "Staff viewer"
LEAD = "Consultation lead"  # the role alone, without the team's: it manages people, not consultations
OUTSIDER = "signed-in outsider"
ANONYMOUS = "anonymous"
ROLES = [TEAM, ANALYST, VIEWER, LEAD, OUTSIDER, ANONYMOUS]

EVERYONE = {TEAM, ANALYST, VIEWER, LEAD, OUTSIDER, ANONYMOUS}
STAFF = {TEAM, ANALYST, VIEWER}  # hub.view_consultation, reports.view_engagementreport
ANALYSTS = {TEAM, ANALYST}  # responses, themes, making the report again
TEAM_ONLY = {TEAM}
LEADS = {LEAD}  # accounts.manage_staff, accounts.view_audit
SIGNED_IN = {TEAM, ANALYST, VIEWER, LEAD, OUTSIDER}  # their own account, whatever their role
NOBODY = set()

# url name: (roles let through a GET, roles let through a POST)
MATRIX = {
    "staff:login": (EVERYONE, EVERYONE),
    "staff:logout": (EVERYONE, EVERYONE),
    "staff:consultations": (STAFF, STAFF),
    "staff:consultation_new": (TEAM_ONLY, TEAM_ONLY),
    "staff:consultation": (STAFF, STAFF),
    "staff:consultation_edit": (TEAM_ONLY, TEAM_ONLY),
    "staff:consultation_preview": (STAFF, STAFF),
    "staff:publish": (TEAM_ONLY, TEAM_ONLY),
    "staff:unpublish": (TEAM_ONLY, TEAM_ONLY),
    "staff:publish_outcome": (TEAM_ONLY, TEAM_ONLY),
    "staff:withdraw_outcome": (TEAM_ONLY, TEAM_ONLY),
    "staff:outcome": (STAFF, STAFF),
    "staff:we_did_new": (TEAM_ONLY, TEAM_ONLY),
    "staff:we_did_edit": (TEAM_ONLY, TEAM_ONLY),
    "staff:we_did_delete": (TEAM_ONLY, TEAM_ONLY),
    "staff:we_did_move": (STAFF, TEAM_ONLY),  # POST only: a GET is a 405 once past the first check
    "staff:document_new": (TEAM_ONLY, TEAM_ONLY),
    "staff:document_edit": (TEAM_ONLY, TEAM_ONLY),
    "staff:document_delete": (TEAM_ONLY, TEAM_ONLY),
    "staff:schedule": (TEAM_ONLY, TEAM_ONLY),
    "staff:event_new": (TEAM_ONLY, TEAM_ONLY),
    "staff:event_edit": (TEAM_ONLY, TEAM_ONLY),
    "staff:event_delete": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:questionnaire": (STAFF, TEAM_ONLY),
    "surveys_staff:questionnaire_edit": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:about_you": (STAFF, TEAM_ONLY),  # POST only: a GET is a 405 once past the first check
    "surveys_staff:preview": (STAFF, STAFF),
    "surveys_staff:page_new": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:page_edit": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:page_move": (STAFF, TEAM_ONLY),
    "surveys_staff:page_delete": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:question_new": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:question_edit": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:question_move": (STAFF, TEAM_ONLY),
    "surveys_staff:question_delete": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:responses": (ANALYSTS, ANALYSTS),
    "surveys_staff:response_new": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:responses_export": (ANALYSTS, ANALYSTS),
    "surveys_staff:responses_export_contact_details": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response": (ANALYSTS, ANALYSTS),
    "surveys_staff:response_stakeholder": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_enter_details": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_enter_page": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_enter_check": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_correct_details": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_correct_page": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_mark": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:response_unmark": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_undo": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:event_notes": (ANALYSTS, ANALYSTS),
    "surveys_staff:event_note_new": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:event_note_edit": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:event_note_delete": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:stakeholders": (ANALYSTS, ANALYSTS),
    "surveys_staff:stakeholder_new": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:stakeholder_edit": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:stakeholder_delete": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_upload": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_template": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_mapping": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_check": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_run": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_done": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_resume": (TEAM_ONLY, TEAM_ONLY),
    "surveys_staff:import_discard": (TEAM_ONLY, TEAM_ONLY),
    "reports_staff:report": (STAFF, STAFF),
    "reports_staff:regenerate": (ANALYSTS, ANALYSTS),
    "reports_staff:publish": (TEAM_ONLY, TEAM_ONLY),
    "reports_staff:unpublish": (TEAM_ONLY, TEAM_ONLY),
    "reports_staff:download": (STAFF, STAFF),
    "reports_staff:open_data": (STAFF, STAFF),
    "analysis_staff:comments": (ANALYSTS, ANALYSTS),
    "analysis_staff:theme_questions": (ANALYSTS, ANALYSTS),
    "analysis_staff:codeframe": (ANALYSTS, ANALYSTS),
    "analysis_staff:suggest_themes": (ANALYSTS, ANALYSTS),
    "analysis_staff:apply_themes": (ANALYSTS, ANALYSTS),
    "analysis_staff:decide_proposal": (ANALYSTS, ANALYSTS),
    "analysis_staff:add_theme": (ANALYSTS, ANALYSTS),
    "analysis_staff:merge_themes": (ANALYSTS, ANALYSTS),
    "analysis_staff:code_next": (ANALYSTS, ANALYSTS),
    "analysis_staff:review_queue": (ANALYSTS, ANALYSTS),
    "analysis_staff:agreement": (ANALYSTS, ANALYSTS),
    "analysis_staff:quotes": (ANALYSTS, ANALYSTS),
    "analysis_staff:stance": (ANALYSTS, ANALYSTS),
    "analysis_staff:decide_quote": (ANALYSTS, ANALYSTS),
    "analysis_staff:theme": (ANALYSTS, ANALYSTS),
    "analysis_staff:split_theme": (ANALYSTS, ANALYSTS),
    "analysis_staff:delete_theme": (ANALYSTS, ANALYSTS),
    "analysis_staff:move_answers": (ANALYSTS, ANALYSTS),
    "jobs_staff:jobs": (STAFF, STAFF),
    "jobs_staff:job": (STAFF, STAFF),
    "jobs_staff:consultation_jobs": (STAFF, STAFF),
    # The consultation record: whoever may read the consultation may read and download it.
    "record_staff:record": (STAFF, STAFF),
    "record_staff:record_pdf": (STAFF, STAFF),
    # Everyone on the staff site reads the democratic records; only Democratic services change
    # them, a role none of these holds (its own tests are in tests/decisions).
    "decisions_staff:index": (STAFF, STAFF),
    "decisions_staff:records": (STAFF, STAFF),
    "decisions_staff:record": (STAFF, STAFF),  # each record the lists link to, read-only
    "decisions_staff:meeting": (STAFF, STAFF),
    "decisions_staff:import": (NOBODY, NOBODY),
    "decisions_staff:recorded_vote": (NOBODY, NOBODY),
    "decisions_staff:record_new": (NOBODY, NOBODY),
    "decisions_staff:record_edit": (NOBODY, NOBODY),
    "decisions_staff:record_delete": (NOBODY, NOBODY),
    # The decision trail: the consultation team links meetings to its consultations (so does
    # Democratic services, tested in tests/outcomes).
    "outcomes_staff:find_meeting": (TEAM_ONLY, TEAM_ONLY),
    "outcomes_staff:link_item": (TEAM_ONLY, TEAM_ONLY),
    "outcomes_staff:change_link": (TEAM_ONLY, TEAM_ONLY),
    "outcomes_staff:unlink_item": (TEAM_ONLY, TEAM_ONLY),
    # Residents' rights over their personal data: the consultation team answers them.
    "privacy_staff:retention": (TEAM_ONLY, TEAM_ONLY),
    "privacy_staff:consultation_retention": (TEAM_ONLY, TEAM_ONLY),
    "privacy_staff:erase_response": (TEAM_ONLY, TEAM_ONLY),
    "privacy_staff:subject_access": (TEAM_ONLY, TEAM_ONLY),
    "privacy_staff:subject_access_export": (TEAM_ONLY, TEAM_ONLY),
    "outcomes_staff:outcome_emails": (STAFF, STAFF),
    "outcomes_staff:retry_outcome_emails": (TEAM_ONLY, TEAM_ONLY),  # POST only: a GET is a 405 once past the check
    "outcomes_staff:erase_followers": (TEAM_ONLY, TEAM_ONLY),
    "accounts_staff:people": (LEADS, LEADS),
    "accounts_staff:audit_log": (LEADS, LEADS),  # GET only: a POST is a 405 once past the first check
    "accounts_staff:audit_log_download": (LEADS, LEADS),
    "accounts_staff:invite": (LEADS, LEADS),
    "accounts_staff:person": (LEADS, LEADS),
    "accounts_staff:deactivate": (LEADS, LEADS),
    "accounts_staff:reactivate": (LEADS, LEADS),
    "accounts_staff:unlock": (LEADS, LEADS),
    "accounts_staff:invite_again": (LEADS, LEADS),
    "accounts_staff:reset_two_factor": (LEADS, LEADS),
    "accounts_staff:set_password": (EVERYONE, EVERYONE),  # the emailed link is the key
    "accounts_staff:two_factor_code": (SIGNED_IN, SIGNED_IN),
    "accounts_staff:two_factor": (SIGNED_IN, SIGNED_IN),
    "accounts_staff:two_factor_enrol": (SIGNED_IN, SIGNED_IN),
    "accounts_staff:two_factor_turn_off": (SIGNED_IN, SIGNED_IN),
}


def staff_url_names(patterns=None, namespace=None, prefix=""):
    """Every URL under /staff/ in the URL conf, by its namespaced name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from staff_url_names(entry.url_patterns, entry.namespace or namespace, route)
        elif route.startswith("staff/"):
            yield f"{namespace}:{entry.name}"


def test_every_staff_url_has_a_row_in_the_matrix():
    names = set(staff_url_names())
    missing = names - MATRIX.keys()
    assert not missing, f"Add these staff URLs to MATRIX, saying who may GET and POST them: {missing}"
    assert not MATRIX.keys() - names, f"These rows are for URLs that no longer exist: {MATRIX.keys() - names}"


@pytest.fixture
def world(db, make_user, settings):
    """A consultation with one of everything a staff URL can point at, and a person in each role."""
    # Work a view queues is recorded but not done: this test is about who may ask for it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    consultation = make_consultation()
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "Your views")
    question = add_question(page, "long_text", "What would help carers most?", code="help")
    response = Response.objects.create(
        questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
    )
    event = Event.objects.create(
        consultation=consultation, title="Drop-in", place="Loughborough Library",
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    note = EventNote.objects.create(
        consultation=consultation, event=event, title="Drop-in", held_on=timezone.localdate(), attendees=12
    )
    stakeholder = Stakeholder.objects.create(consultation=consultation, name="Carers Trust")
    document = make_document(consultation)
    people = {
        TEAM: make_user("team", groups=[TEAM]),
        ANALYST: make_user("analyst", groups=[ANALYST]),
        VIEWER: make_user("viewer", groups=[VIEWER]),
        LEAD: make_user("lead", groups=[LEAD]),
        OUTSIDER: make_user("outsider"),
        ANONYMOUS: None,
    }
    missing = 999999  # an object that does not exist: the permission check comes before the lookup
    arguments = {
        "pk": consultation.pk, "document_pk": document.pk, "item_pk": event.pk, "event_pk": event.pk, "number": 1, "page_pk": page.pk,
        "question_pk": question.pk, "response_pk": response.pk, "note_pk": note.pk,
        "stakeholder_pk": stakeholder.pk, "token": "0" * 32, "batch_pk": missing, "audience": "staff",
        "fmt": "pdf", "filename": "responses.csv", "code": question.code, "quote_pk": missing,
        "theme_pk": missing, "uidb64": "MQ", "kind": "meetings",
        "meeting_pk": missing, "consideration_pk": missing, "entry_pk": missing,
    }
    return people, arguments


def address(name, arguments):
    """The URL, with each of its parameters taken from `arguments`."""
    namespace, url_name = name.split(":")
    ((_, parameters),) = get_resolver().namespace_dict[namespace][1].reverse_dict[url_name][0]
    return reverse(name, kwargs={key: arguments[key] for key in parameters})


def outcome(response):
    if response.status_code == 403:
        return "refused"
    if response.status_code == 302 and response["Location"].startswith(reverse("staff:login") + "?"):
        return "refused"
    return "let through"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_is_let_through(world, name):
    people, arguments = world
    url = address(name, arguments)
    wrong = []
    for method, allowed in zip(("get", "post"), MATRIX[name], strict=True):
        for role in ROLES:
            # A view that fails after letting someone through is the business of the test that
            # opens every page; here it counts as let through.
            client = Client(raise_request_exception=False)
            if people[role] is not None:
                client.force_login(people[role])
            response = getattr(client, method)(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            expected = "let through" if role in allowed else "refused"
            if outcome(response) != expected:
                wrong.append(f"{method.upper()} by {role}: {response.status_code}, expected {expected}")
    assert not wrong, f"{url}: " + "; ".join(wrong)
