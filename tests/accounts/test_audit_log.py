"""The audit log page: a consultation lead reads who saw and changed what, filters it, and
downloads it; nobody else may, and filters that make no sense are explained, never a 500."""

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import SENTENCES, AuditEvent, action_choices, action_name
from haveyoursay.surveys.models import Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

LOG = reverse("accounts_staff:audit_log")
DOWNLOAD = reverse("accounts_staff:audit_log_download")


def at(event, day):
    """Move an event to midday on `day` (the log's times are set when it is made)."""
    AuditEvent.objects.filter(pk=event.pk).update(
        at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    )


@pytest.fixture
def log(officer, viewer):
    """A carers consultation with a response seen and a document added, and a library consultation published."""
    carers = make_consultation(title="Joint Carers Strategy 2022 - 2025", slug="carers")
    library = make_consultation(title="Library opening hours", slug="library")
    questionnaire = Questionnaire.objects.create(consultation=carers)
    response = Response.objects.create(
        questionnaire=questionnaire, respondent_name="Priya Shah", email="priya.shah@example.org"
    )
    seen = AuditEvent.record(officer, "response.view", response, page="response")
    added = AuditEvent.record(officer, "document.add", carers, document="Draft strategy")
    published = AuditEvent.record(viewer, "consultation.publish", library)
    at(seen, datetime.date(2026, 11, 3))
    at(added, datetime.date(2026, 11, 10))
    at(published, datetime.date(2026, 11, 20))
    return {"carers": carers, "library": library, "response": response}


def rows_of(html):
    return html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""


class TestWhoMayReadIt:
    def test_a_lead_reads_the_log_newest_first(self, lead_client, log):
        page = lead_client.get(LOG)
        assert page.status_code == 200
        rows = rows_of(page.content.decode())
        assert rows.index("Published by Vic Viewer") < rows.index("Document “Draft strategy” added by Olu Officer")
        assert rows.index("Document “Draft strategy” added") < rows.index("Response opened by Olu Officer")
        assert f"Response {log['response'].reference}" in rows and "Joint Carers Strategy 2022 - 2025" in rows
        assert "Priya Shah" not in page.content.decode() and "priya.shah@example.org" not in page.content.decode()

    def test_only_leads_and_superusers_may_read_or_download_it(
        self, client, officer_client, viewer_client, outsider_client, make_user, log
    ):
        analyst = Client()
        analyst.force_login(make_user("analyst", groups=["Analyst"], is_staff=True))
        admin = Client()
        admin.force_login(make_user("admin", is_staff=True, is_superuser=True))
        for address in (LOG, DOWNLOAD):
            for refused in (officer_client, viewer_client, outsider_client, analyst):
                assert refused.get(address).status_code == 403
            assert client.get(address)["Location"].startswith(reverse("staff:login"))
            assert admin.get(address).status_code == 200
        assert AuditEvent.objects.filter(action="audit.export").count() == 1

    def test_the_menu_shows_the_log_to_those_who_may_read_it(self, lead_client, officer_client):
        assert f'href="{LOG}"' in lead_client.get(reverse("staff:consultations")).content.decode()
        assert f'href="{LOG}"' not in officer_client.get(reverse("staff:consultations")).content.decode()


class TestFilters:
    def test_by_person(self, lead_client, viewer, log):
        rows = rows_of(lead_client.get(LOG, {"person": viewer.pk}).content.decode())
        assert "Published by Vic Viewer" in rows and "Olu Officer" not in rows

    def test_by_consultation_includes_what_was_done_to_its_responses(self, lead_client, log):
        rows = rows_of(lead_client.get(LOG, {"consultation": log["carers"].pk}).content.decode())
        assert "Response opened by Olu Officer" in rows and "Document “Draft strategy” added" in rows
        assert "Published" not in rows

    def test_by_action(self, lead_client, log):
        rows = rows_of(lead_client.get(LOG, {"action": "response.view"}).content.decode())
        assert "Response opened by Olu Officer" in rows and "Document" not in rows

    def test_by_dates_from_and_to_both_included(self, lead_client, log):
        dates = {"since_day": "10", "since_month": "11", "since_year": "2026",
                 "until_day": "20", "until_month": "11", "until_year": "2026"}
        rows = rows_of(lead_client.get(LOG, dates).content.decode())
        assert "Document “Draft strategy” added" in rows and "Published by Vic Viewer" in rows
        assert "Response opened" not in rows

    def test_the_filters_stay_filled_in(self, lead_client, officer, log):
        html = lead_client.get(LOG, {"person": officer.pk, "action": "document.add", "since_day": "3",
                                     "since_month": "11", "since_year": "2026"}).content.decode()
        assert f'<option value="{officer.pk}" selected>' in html
        assert '<option value="document.add" selected>Document added</option>' in html
        assert 'name="since_day" type="text" value="3"' in html or 'value="3"' in html

    def test_the_actions_are_every_known_one_by_name_in_groups(self, lead_client, log):
        html = lead_client.get(LOG).content.decode()
        assert '<optgroup label="Responses">' in html
        assert '<option value="response.view">Response opened</option>' in html
        assert '<option value="staff.invite">Invited</option>' in html
        assert sum(len(actions) for _, actions in action_choices()) == len(SENTENCES)

    def test_action_names_leave_out_who_and_what(self):
        assert action_name("document.delete") == "Document removed"
        assert action_name("themes.suggest") == "Themes suggested"
        assert action_name("democracy.meeting.add") == "Meeting added"

    def test_pages_of_fifty(self, lead_client, officer, log):
        AuditEvent.objects.bulk_create(
            [AuditEvent(user=officer, action="consultation.change", object_repr="x") for _ in range(60)]
        )
        first = lead_client.get(LOG).content.decode()
        assert rows_of(first).count("<tr") == 50 and 'aria-label="Pages of the audit log"' in first
        second = lead_client.get(LOG, {"page": "2"}).content.decode()
        assert rows_of(second).count("<tr") == 13
        assert lead_client.get(LOG, {"page": "many"}).status_code == 200


class TestFilterErrors:
    @pytest.mark.parametrize(
        "query, message",
        [
            ({"person": "999999"}, "Select a person from the list"),
            ({"person": "lee"}, "Select a person from the list"),
            ({"consultation": "999999"}, "Select a consultation from the list"),
            ({"consultation": "9\x00x"}, "Select a consultation from the list"),  # NUL is taken out: "9x"
            ({"action": "response.steal"}, "Select an action from the list"),
            ({"since_day": "31", "since_month": "2", "since_year": "2026"}, "From must be a real date"),
            ({"since_day": "1", "since_month": "", "since_year": "2026"}, "From must include a month"),
            ({"until_day": "1", "until_month": "1", "until_year": "26"}, "Year must include 4 numbers"),
            ({"until_day": "1", "until_month": "1", "until_year": "99999"}, "To must be a real date"),
            ({"since_day": "2", "since_month": "11", "since_year": "2026", "until_day": "1", "until_month": "11",
              "until_year": "2026"}, "The ‘to’ date must be the same as or after the ‘from’ date"),
        ],
    )
    def test_each_wrong_filter_is_explained_next_to_it(self, lead_client, log, query, message):
        page = lead_client.get(LOG, query)
        html = page.content.decode()
        assert page.status_code == 400
        assert "There is a problem" in html and html.count(message) == 2  # the summary and the field
        assert "<title>Error: Audit log" in html
        assert "Published by Vic Viewer" in html  # every event is still listed

    def test_a_download_with_wrong_filters_shows_the_errors_and_records_nothing(self, lead_client, log):
        page = lead_client.get(DOWNLOAD, {"action": "response.steal"})
        assert page.status_code == 400 and "Select an action from the list" in page.content.decode()
        assert not AuditEvent.objects.filter(action="audit.export").exists()


class TestDownload:
    def test_it_downloads_the_filtered_events_and_records_that_it_did(self, lead_client, lead, log):
        download = lead_client.get(DOWNLOAD, {"consultation": log["carers"].pk})
        assert download["Content-Type"] == "text/csv; charset=utf-8"
        assert download["Content-Disposition"].startswith('attachment; filename="audit-log-')
        rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
        assert rows[0] == ["When", "Who", "Username", "Action", "What happened", "Concerning", "Consultation"]
        assert [row[3] for row in rows[1:]] == ["document.add", "response.view"]
        assert rows[2][1:3] == ["Olu Officer", "officer"]
        assert rows[2][4:] == [
            "Response opened by Olu Officer", f"Response {log['response'].reference}",
            "Joint Carers Strategy 2022 - 2025",
        ]
        event = AuditEvent.objects.get(action="audit.export")
        assert (event.user, event.detail) == (lead, {"rows": 2, "filters": {"consultation": log["carers"].pk}})
        assert event.sentence == "Audit log downloaded by Lee Lead"

    def test_the_page_links_to_the_download_of_what_it_shows(self, lead_client, log):
        html = lead_client.get(LOG, {"action": "document.add"}).content.decode()
        assert f'href="{DOWNLOAD}?action=document.add"' in html and "Download this event" in html


def test_records_made_before_the_log_knew_their_consultation_are_given_it(officer, log):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("haveyoursay.accounts.migrations.0003_audit_consultation_and_view_permission")
    AuditEvent.objects.update(consultation_pk=None)
    migration.fill_in_consultations(apps, None)
    assert dict(AuditEvent.objects.values_list("action", "consultation_pk")) == {
        "response.view": log["carers"].pk, "document.add": log["carers"].pk, "consultation.publish": log["library"].pk,
    }
