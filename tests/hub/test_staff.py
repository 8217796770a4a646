import datetime
import io
import re

import pytest
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, Document, Event, PartnerBody
from tests.factories import MINIMAL_PDF, make_consultation, make_document

pytestmark = pytest.mark.django_db


def staff_urls(consultation, document=None, event=None):
    pk = consultation.pk
    urls = {
        "get": [
            reverse("staff:consultations"),
            reverse("staff:consultation", args=[pk]),
            reverse("staff:consultation_preview", args=[pk]),
            reverse("staff:consultation_new"),
            reverse("staff:consultation_edit", args=[pk]),
            reverse("staff:document_new", args=[pk]),
            reverse("staff:event_new", args=[pk]),
        ],
        "post": [
            reverse("staff:publish", args=[pk]),
            reverse("staff:unpublish", args=[pk]),
            reverse("staff:publish_outcome", args=[pk]),
            reverse("staff:withdraw_outcome", args=[pk]),
        ],
    }
    if document:
        urls["get"] += [reverse("staff:document_edit", args=[pk, document.pk])]
        urls["post"] += [reverse("staff:document_delete", args=[pk, document.pk])]
    if event:
        urls["post"] += [reverse("staff:event_delete", args=[pk, event.pk])]
    return urls


@pytest.fixture
def consultation():
    return make_consultation(published=False, title="Draft Net Zero Strategy")


class TestPermissions:
    def test_the_public_is_sent_to_sign_in_from_every_staff_page(self, client, consultation):
        document = make_document(consultation)
        for method, urls in staff_urls(consultation, document).items():
            for url in urls:
                response = getattr(client, method)(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("staff:login")), url
        assert Consultation.private_objects.get(pk=consultation.pk).published_at is None

    def test_a_signed_in_outsider_is_refused_everywhere(self, outsider_client, consultation):
        document = make_document(consultation)
        for method, urls in staff_urls(consultation, document).items():
            for url in urls:
                assert getattr(outsider_client, method)(url).status_code == 403, url
        assert Document.objects.filter(pk=document.pk).exists()

    def test_a_viewer_reads_and_previews_but_changes_nothing(self, viewer_client, consultation):
        document = make_document(consultation)
        for url in staff_urls(consultation)["get"][:3]:
            assert viewer_client.get(url).status_code == 200, url
        for url in staff_urls(consultation)["get"][3:]:
            assert viewer_client.get(url).status_code == 403, url
        for url in staff_urls(consultation, document)["post"]:
            assert viewer_client.post(url).status_code == 403, url
        consultation.refresh_from_db()
        assert consultation.published_at is None
        assert Document.objects.filter(pk=document.pk).exists()

    def test_errors_on_the_staff_site_keep_its_layout_and_a_way_back_into_it(self, viewer_client, client, consultation):
        for url, status, title in [
            ("/staff/consultations/999999/", 404, "Page not found"),
            (staff_urls(consultation)["get"][3], 403, "You do not have permission to see this page"),
        ]:
            response = viewer_client.get(url)
            html = response.content.decode()
            assert response.status_code == status and title in html, url
            assert ": staff</a>" in html, url
            assert f'href="{reverse("staff:consultations")}">Go to the staff site' in html, url
        # The public, and public pages, keep the public site's.
        for page in (client.get("/staff/no-such-page/"), viewer_client.get("/consultations/no-such-thing/")):
            html = page.content.decode()
            assert page.status_code == 404
            assert "Go to all consultations" in html and ": staff</a>" not in html

    def test_state_changes_refuse_get(self, officer_client, consultation):
        for url in staff_urls(consultation)["post"]:
            assert officer_client.get(url).status_code == 405, url

    def test_the_django_admin_is_for_superusers_only(self, officer_client, make_user, client):
        assert officer_client.get("/django-admin/").status_code == 302
        admin = make_user("root", is_staff=True, is_superuser=True)
        client.force_login(admin)
        assert client.get("/django-admin/").status_code == 200

    def test_a_web_address_typed_in_the_django_admin_without_its_scheme_is_taken_as_https(self, make_user, client):
        client.force_login(make_user("root", is_staff=True, is_superuser=True))
        response = client.post(
            "/django-admin/hub/partnerbody/add/",
            {"name": "Rutland County Council", "slug": "rutland-county-council", "kind": "council",
             "url": "www.rutland.gov.uk"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert PartnerBody.objects.get(slug="rutland-county-council").url == "https://www.rutland.gov.uk"


class TestCreateAndEdit:
    def valid(self, **changes):
        data = {
            "title": "Leicestershire's Resources and Waste Strategy 2022-2050",
            "slug": "",
            "summary": "The strategy examines what happens to your recycling and waste.",
            "opens_on_day": "31", "opens_on_month": "1", "opens_on_year": "2022",
            "closes_on_day": "25", "closes_on_month": "4", "closes_on_year": "2022",
            "we_asked": "The strategy has 11 pledges.",
        }
        data.update(changes)
        return data

    def test_an_officer_creates_a_draft_with_a_slug_from_the_title(self, officer_client, officer):
        response = officer_client.post(reverse("staff:consultation_new"), self.valid())
        consultation = Consultation.private_objects.get()
        assert response.status_code == 302
        assert consultation.slug == "leicestershires-resources-and-waste-strategy-2022-2050"
        assert consultation.opens_on == datetime.date(2022, 1, 31)
        assert consultation.published_at is None
        assert AuditEvent.objects.filter(action="consultation.create", user=officer).exists()

    def test_bad_input_gets_an_error_summary_and_keeps_what_was_typed(self, officer_client):
        response = officer_client.post(
            reverse("staff:consultation_new"),
            self.valid(title="", closes_on_day="31", closes_on_month="2", opens_on_year="22", we_asked="Kept text"),
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert '<a href="#id_title">Enter a title</a>' in html
        assert "Year must include 4 numbers" in html
        assert "Closing date must be a real date" in html
        assert 'href="#id_closes_on_day"' in html
        assert "Kept text" in html and 'value="22"' in html
        assert "<title>Error:" in html
        assert not Consultation.private_objects.exists()

    @pytest.mark.parametrize(
        "changes, message",
        [
            ({"closes_on_day": "1", "closes_on_month": "1"}, "Closing date must be the same as or after the opening date"),
            ({"closes_on_day": "", "closes_on_month": "", "closes_on_year": ""}, "Enter a closing date"),
            ({"opens_on_month": ""}, "Opening date must include a month"),
            ({"opens_on_day": "", "opens_on_month": "", "opens_on_year": ""}, "Enter an opening date as well"),
            ({"respond_email": "not-an-email"}, "Enter an email address in the correct format"),
            ({"slug": "Bad slug!"}, "Web address must only include letters, numbers and hyphens"),
            ({"summary": "x" * 601}, "Summary must be 600 characters or fewer"),
        ],
    )
    def test_each_mistake_has_a_specific_message(self, officer_client, changes, message):
        response = officer_client.post(reverse("staff:consultation_new"), self.valid(**changes))
        assert response.status_code == 200
        assert message in response.content.decode()

    def test_a_web_address_in_use_is_refused(self, officer_client):
        make_consultation(slug="carers")
        response = officer_client.post(reverse("staff:consultation_new"), self.valid(slug="carers"))
        assert "Another consultation already uses the web address" in response.content.decode()

    def test_dates_can_be_left_unconfirmed(self, officer_client):
        data = self.valid(**{f"{d}_{p}": "" for d in ("opens_on", "closes_on") for p in ("day", "month", "year")})
        assert officer_client.post(reverse("staff:consultation_new"), data).status_code == 302
        assert Consultation.private_objects.get().opens_on is None

    def test_editing_keeps_the_form_values_and_records_what_changed(self, officer_client, consultation, officer):
        response = officer_client.get(reverse("staff:consultation_edit", args=[consultation.pk]))
        assert 'value="Draft Net Zero Strategy"' in response.content.decode()
        data = self.valid(title="Net zero strategy and action plan 2045", slug=consultation.slug)
        officer_client.post(reverse("staff:consultation_edit", args=[consultation.pk]), data)
        consultation.refresh_from_db()
        assert consultation.title == "Net zero strategy and action plan 2045"
        event = AuditEvent.objects.get(action="consultation.change")
        assert "title" in event.detail["fields"] and event.user == officer


class TestPublishing:
    def test_publish_then_unpublish(self, officer_client, client, consultation, django_capture_on_commit_callbacks):
        url = consultation.get_absolute_url()
        assert client.get(url).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:publish", args=[consultation.pk]))
        assert client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:unpublish", args=[consultation.pk]))
        assert client.get(url).status_code == 404
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["consultation.publish", "consultation.unpublish"]

    def test_preview_shows_a_draft_to_staff_with_a_banner(self, viewer_client, consultation):
        response = viewer_client.get(reverse("staff:consultation_preview", args=[consultation.pk]))
        html = response.content.decode()
        assert "this consultation is not published" in html
        assert "Draft Net Zero Strategy" in html
        assert response["X-Robots-Tag"] == "noindex, nofollow"

    def test_preview_shows_the_respond_button_residents_will_see_leading_to_the_questionnaire_preview(
        self, viewer_client, consultation
    ):
        from haveyoursay.surveys.building import add_page, add_question
        from haveyoursay.surveys.models import Questionnaire, Response

        questionnaire = Questionnaire.objects.create(consultation=consultation)
        add_question(add_page(questionnaire, "The plan"), "long_text", "What do you think?", code="think")
        html = viewer_client.get(reverse("staff:consultation_preview", args=[consultation.pk])).content.decode()
        assert "not published yet" not in html
        assert "Respond online" in html and "Closes in 21 days" in html
        assert reverse("surveys_staff:preview", args=[consultation.pk, 1]) in html
        assert reverse("surveys:start", args=[consultation.slug]) not in html
        assert "nothing you enter is saved" in html
        assert viewer_client.get(reverse("surveys_staff:preview", args=[consultation.pk, 1])).status_code == 200
        assert not Response.objects.exists()
        consultation.refresh_from_db()
        assert not consultation.is_published

    def test_the_outcome_cannot_be_published_empty(self, officer_client, consultation):
        response = officer_client.post(reverse("staff:publish_outcome", args=[consultation.pk]), follow=True)
        refusal = "Write “You said” or “We did”, or add what the council did, before you publish the outcome"
        assert refusal in response.content.decode()
        consultation.refresh_from_db()
        assert consultation.outcome_published_at is None

    def test_it_refuses_to_publish_the_outcome_of_an_open_consultation(self, officer_client, client):
        consultation = make_consultation(status="open", we_did="The length of the Plan has been reduced")
        closes = consultation.closes_on
        page = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
        assert reverse("staff:publish_outcome", args=[consultation.pk]) not in page
        reason = (
            f"You can publish the outcome once the consultation has closed. It closes on {closes:%-d %B %Y}, "
            f"so you can publish the outcome from {closes + datetime.timedelta(days=1):%-d %B %Y}."
        )
        assert reason in page
        response = officer_client.post(reverse("staff:publish_outcome", args=[consultation.pk]), follow=True)
        assert reason in response.content.decode()
        consultation.refresh_from_db()
        assert consultation.outcome_published_at is None
        assert not AuditEvent.objects.filter(action="consultation.publish_outcome").exists()
        assert "The length of the Plan has been reduced" not in client.get(consultation.get_absolute_url()).content.decode()

    def test_it_refuses_to_publish_the_outcome_of_a_forthcoming_or_draft_consultation(self, officer_client):
        forthcoming = make_consultation(status="forthcoming", you_said="259 responses")
        draft = make_consultation(published=False, status="closed", you_said="259 responses")
        for consultation, reason in [(forthcoming, "You can publish the outcome once the consultation has closed"),
                                     (draft, "Publish the consultation first")]:  # fmt: skip
            response = officer_client.post(reverse("staff:publish_outcome", args=[consultation.pk]), follow=True)
            assert reason in response.content.decode()
            consultation.refresh_from_db()
            assert consultation.outcome_published_at is None

    def test_the_outcome_of_a_closed_consultation_is_published_and_recorded(self, officer_client, client):
        consultation = make_consultation(status="closed", we_did="The length of the Plan has been reduced")
        response = officer_client.post(reverse("staff:publish_outcome", args=[consultation.pk]), follow=True)
        assert "is published: “You said” and “We did” are on its page" in response.content.decode()
        assert AuditEvent.objects.filter(action="consultation.publish_outcome").count() == 1
        assert "The length of the Plan has been reduced" in client.get(consultation.get_absolute_url()).content.decode()


class TestDocuments:
    def upload(self, client, consultation, name="strategy.pdf", content=MINIMAL_PDF, **fields):
        upload = io.BytesIO(content)
        upload.name = name
        data = {"title": "Draft Net Zero Strategy and Action Plan", "kind": "main", "language": "", "file": upload}
        data.update(fields)
        return client.post(reverse("staff:document_new", args=[consultation.pk]), data)

    def test_an_officer_uploads_a_pdf(self, officer_client, consultation):
        assert self.upload(officer_client, consultation).status_code == 302
        document = consultation.documents.get()
        assert (document.file_format, document.size_bytes) == ("PDF", len(MINIMAL_PDF))

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("virus.exe", b"MZ", "must be a PDF, DOCX, ODT, XLSX, CSV, PNG, JPEG, GIF or WEBP"),
            ("fake.pdf", b"<html><script>", "its contents are not a PDF file"),
        ],
    )
    def test_wrong_files_are_refused_with_a_clear_message(self, officer_client, consultation, name, content, message):
        response = self.upload(officer_client, consultation, name=name, content=content)
        html = response.content.decode()
        assert response.status_code == 200 and message in html
        assert 'value="Draft Net Zero Strategy and Action Plan"' in html
        assert not consultation.documents.exists()

    def test_files_over_the_limit_are_refused(self, officer_client, consultation, settings):
        settings.HAVEYOURSAY_MAX_UPLOAD_MB = 1
        response = self.upload(officer_client, consultation, content=b"%PDF-1.4" + b"0" * (1024 * 1024 + 1))
        assert "The selected file must be smaller than 1 MB" in response.content.decode()
        assert not consultation.documents.exists()

    def test_a_translation_must_say_its_language(self, officer_client, consultation):
        response = self.upload(officer_client, consultation, kind="translation")
        assert "Enter the language the translation is in" in response.content.decode()
        assert self.upload(officer_client, consultation, kind="translation", language="Gujarati").status_code == 302
        assert consultation.documents.get().kind_display == "Translation: Gujarati"

    def test_no_file_is_refused(self, officer_client, consultation):
        response = officer_client.post(
            reverse("staff:document_new", args=[consultation.pk]), {"title": "Plan", "kind": "main"}
        )
        assert "Select a file" in response.content.decode()

    def test_removing_a_document_asks_first_then_removes_it(self, officer_client, consultation):
        document = make_document(consultation)
        url = reverse("staff:document_delete", args=[consultation.pk, document.pk])
        assert "Are you sure" in officer_client.get(url).content.decode()
        assert Document.objects.filter(pk=document.pk).exists()
        officer_client.post(url)
        assert not Document.objects.filter(pk=document.pk).exists()

    def test_the_change_page_names_the_current_file_with_a_link_to_it(self, officer_client, consultation):
        document = make_document(consultation, name="net-zero-strategy.pdf")
        response = officer_client.get(reverse("staff:document_edit", args=[consultation.pk, document.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert f'<a class="govuk-link" href="{document.get_absolute_url()}">net-zero-strategy.pdf</a> (PDF, ' in html
        assert officer_client.get(document.get_absolute_url()).status_code == 200

    def test_changing_a_document_without_a_new_file_keeps_the_file(self, officer_client, consultation, officer):
        document = make_document(consultation, name="net-zero-strategy.pdf")
        stored = document.file.name
        url = reverse("staff:document_edit", args=[consultation.pk, document.pk])
        response = officer_client.post(url, {"title": "Net Zero Action Plan", "kind": "summary", "language": ""})
        assert response.status_code == 302
        document.refresh_from_db()
        assert (document.title, document.kind, document.file.name) == ("Net Zero Action Plan", "summary", stored)
        assert AuditEvent.objects.get().action == "document.change"

    def test_a_mistake_on_the_change_page_still_names_the_current_file(self, officer_client, consultation):
        document = make_document(consultation, name="net-zero-strategy.pdf")
        url = reverse("staff:document_edit", args=[consultation.pk, document.pk])
        html = officer_client.post(url, {"title": "", "kind": "main", "language": ""}).content.decode()
        assert "Enter the document&#x27;s title" in html or "Enter the document's title" in html
        assert ">net-zero-strategy.pdf</a>" in html

    def test_a_document_of_another_consultation_is_not_found(self, officer_client, consultation):
        other = make_document(make_consultation())
        url = reverse("staff:document_delete", args=[consultation.pk, other.pk])
        assert officer_client.post(url).status_code == 404
        assert Document.objects.filter(pk=other.pk).exists()


class TestEvents:
    def test_an_officer_adds_an_event_in_local_time(self, officer_client, consultation):
        response = officer_client.post(
            reverse("staff:event_new", args=[consultation.pk]),
            {"title": "Carers group session", "day_day": "14", "day_month": "7", "day_year": "2022",
             "starts": "10am", "ends": "12:30pm", "place": "Loughborough Library"},
        )
        assert response.status_code == 302
        event = Event.objects.get()
        assert event.starts_at.isoformat() == "2022-07-14T09:00:00+00:00"
        assert (event.ends_at - event.starts_at) == datetime.timedelta(hours=2, minutes=30)

    def test_bad_times_get_a_message(self, officer_client, consultation):
        response = officer_client.post(
            reverse("staff:event_new", args=[consultation.pk]),
            {"title": "Session", "day_day": "14", "day_month": "7", "day_year": "2022",
             "starts": "teatime", "ends": "9am", "place": "Hall"},
        )
        assert "Start time must be a time, like 10am or 2:30pm" in response.content.decode()
        assert not Event.objects.exists()

    def event(self, consultation):
        return Event.objects.create(
            consultation=consultation, title="Carers group session", place="Loughborough Library",
            starts_at=datetime.datetime(2022, 7, 14, 9, 0, tzinfo=datetime.UTC),
            ends_at=datetime.datetime(2022, 7, 14, 11, 30, tzinfo=datetime.UTC),
        )

    def test_the_change_page_shows_the_event_as_it_was_typed(self, officer_client, consultation):
        event = self.event(consultation)
        html = officer_client.get(reverse("staff:event_edit", args=[consultation.pk, event.pk])).content.decode()
        assert "Change an event" in html
        assert 'value="Carers group session"' in html and 'value="10am"' in html and 'value="12:30pm"' in html
        assert 'name="day_day" type="text" inputmode="numeric" value="14"' in html

    def test_an_officer_changes_an_event_and_it_is_audited(self, officer_client, consultation, officer):
        event = self.event(consultation)
        response = officer_client.post(
            reverse("staff:event_edit", args=[consultation.pk, event.pk]),
            {"title": "Carers group session", "day_day": "15", "day_month": "7", "day_year": "2022",
             "starts": "2pm", "ends": "4pm", "place": "Coalville Library"},
        )
        assert response.status_code == 302
        event.refresh_from_db()
        assert event.starts_at.isoformat() == "2022-07-15T13:00:00+00:00"
        assert event.place == "Coalville Library"
        audit = AuditEvent.objects.get()
        assert audit.action == "event.change" and audit.user == officer
        assert set(audit.detail["fields"]) == {"day", "starts", "ends", "place"}
        assert audit.sentence == "Event “Carers group session” changed by Olu Officer"

    def test_a_mistake_keeps_what_was_typed(self, officer_client, consultation):
        event = self.event(consultation)
        html = officer_client.post(
            reverse("staff:event_edit", args=[consultation.pk, event.pk]),
            {"title": "Carers drop-in", "day_day": "15", "day_month": "7", "day_year": "2022",
             "starts": "4pm", "ends": "2pm", "place": "Coalville Library"},
        ).content.decode()
        assert "End time must be after the start time" in html and 'value="Carers drop-in"' in html
        event.refresh_from_db()
        assert event.title == "Carers group session"

    def test_an_event_of_another_consultation_is_not_found_and_viewers_may_not_change_events(
        self, officer_client, viewer_client, consultation
    ):
        other = self.event(make_consultation())
        assert officer_client.get(reverse("staff:event_edit", args=[consultation.pk, other.pk])).status_code == 404
        mine = self.event(consultation)
        assert viewer_client.get(reverse("staff:event_edit", args=[consultation.pk, mine.pk])).status_code == 403


class TestSignIn:
    def test_staff_sign_in_with_their_password(self, client, officer):
        response = client.post(reverse("staff:login"), {"username": "officer", "password": officer.raw_password})
        assert response.status_code == 302
        assert client.get(reverse("staff:consultations")).status_code == 200

    def test_a_signed_in_person_s_footer_names_them_and_signs_them_out(self, client, officer):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(officer)
        html = client.get(reverse("staff:consultations")).content.decode()
        footer = html[html.index('<footer class="govuk-footer">'):]
        assert "Staff sign in" not in footer
        assert "Signed in as Olu Officer" in footer
        form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', footer, re.S)
        assert form.group(1) == reverse("staff:logout") and "Sign out" in form.group(2)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(2)).group(1)
        assert client.post(reverse("staff:logout"), {"csrfmiddlewaretoken": token}).status_code == 302
        assert "_auth_user_id" not in client.session

    def test_the_footer_offers_sign_in_to_someone_signed_out_and_public_pages_name_no_one(self, client, officer):
        html = client.get(reverse("staff:login")).content.decode()
        assert "Staff sign in" in html[html.index("<footer"):]
        client.force_login(officer)
        public = client.get(reverse("hub:index")).content.decode()
        assert "Staff sign in" in public and "Olu Officer" not in public

    def test_a_wrong_password_gets_a_clear_message(self, client, officer):
        response = client.post(reverse("staff:login"), {"username": "officer", "password": "wrong"})
        assert "Enter a correct username and password" in response.content.decode()


class TestPublishingChecklist:
    def test_it_refuses_to_publish_and_names_what_is_missing(self, officer_client):
        consultation = make_consultation(published=False, ready=False, title="Draft Net Zero Strategy")
        response = officer_client.post(reverse("staff:publish", args=[consultation.pk]), follow=True)
        html = response.content.decode()
        expected = "You cannot publish “Draft Net Zero Strategy” yet. Add who is consulting, contact, privacy notice"
        assert expected in html
        consultation.refresh_from_db()
        assert consultation.published_at is None
        assert not AuditEvent.objects.exists()

    def test_the_checklist_shows_each_item_present_or_missing_with_a_link_to_fix_it(self, officer_client):
        consultation = make_consultation(published=False, ready=False)
        html = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
        edit = reverse("staff:consultation_edit", args=[consultation.pk])
        assert f'href="{edit}#id_privacy_notice"' in html and f'href="{edit}#id_partners_0"' in html
        assert html.count('<strong class="govuk-tag govuk-tag--red">Missing</strong>') == 4
        assert "4 of 7 still missing" in html

    def test_a_complete_consultation_is_published(self, officer_client, client, django_capture_on_commit_callbacks):
        consultation = make_consultation(published=False)
        assert not consultation.missing_for_publishing()
        with django_capture_on_commit_callbacks(execute=True):
            officer_client.post(reverse("staff:publish", args=[consultation.pk]))
        assert client.get(consultation.get_absolute_url()).status_code == 200

    def test_a_questionnaire_with_questions_is_a_way_to_respond(self):
        from haveyoursay.surveys.building import add_page, add_question
        from haveyoursay.surveys.models import Questionnaire

        consultation = make_consultation(published=False, respond_email="")
        assert [item.key for item in consultation.missing_for_publishing()] == ["respond"]
        questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="Stored securely.")
        assert [item.key for item in consultation.missing_for_publishing()] == ["respond"]
        add_question(add_page(questionnaire, "The vision"), "long_text", "Why do you say this?", code="why")
        assert not consultation.missing_for_publishing()


class TestScheduledPublishing:
    LATER = datetime.datetime(2099, 1, 5, 9, 0, tzinfo=datetime.UTC)

    def schedule(self, client, consultation, day="5", month="1", year="2099", time="9am"):
        return client.post(
            reverse("staff:schedule", args=[consultation.pk]),
            {"day_day": day, "day_month": month, "day_year": year, "time": time},
        )

    def test_a_scheduled_consultation_appears_on_the_hub_at_that_moment(self, officer_client, monkeypatch):
        consultation = make_consultation(
            published=False, opens_on=datetime.date(2099, 1, 10), closes_on=datetime.date(2099, 2, 28)
        )
        assert self.schedule(officer_client, consultation).status_code == 302
        consultation.refresh_from_db()
        assert consultation.published_at == self.LATER
        assert consultation.status == "scheduled"
        assert not Consultation.public_objects.filter(pk=consultation.pk).exists()
        assert AuditEvent.objects.get().action == "consultation.schedule"
        minute_before = self.LATER - datetime.timedelta(minutes=1)
        assert not Consultation.private_objects.published(on=minute_before).filter(pk=consultation.pk).exists()
        assert Consultation.private_objects.published(on=self.LATER).filter(pk=consultation.pk).exists()
        monkeypatch.setattr("haveyoursay.hub.models.now", lambda: self.LATER)
        assert consultation.is_published and consultation.status == "forthcoming"

    def test_it_refuses_to_schedule_what_is_incomplete(self, officer_client):
        consultation = make_consultation(published=False, ready=False)
        response = self.schedule(officer_client, consultation, year="2099")
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.published_at is None

    def test_a_time_in_the_past_gets_a_message(self, officer_client):
        consultation = make_consultation(published=False)
        html = self.schedule(officer_client, consultation, year="2020").content.decode()
        assert "The date and time must be in the future" in html
        assert 'value="2020"' in html

    def test_a_time_after_it_closes_gets_a_message(self, officer_client):
        consultation = make_consultation(published=False, closes_on=datetime.date(2098, 12, 31))
        html = self.schedule(officer_client, consultation).content.decode()
        assert "The date and time must be before the consultation closes, at 11:59pm on 31 December 2098" in html
        consultation.refresh_from_db()
        assert consultation.published_at is None

    def test_a_bad_time_gets_a_message(self, officer_client):
        consultation = make_consultation(published=False)
        html = self.schedule(officer_client, consultation, year="2099", time="9 o'clock").content.decode()
        assert "Time must be a time, like 10am or 2:30pm" in html


class TestClosingTime:
    def test_it_closes_at_the_end_of_its_closing_minute(self, monkeypatch):
        day = datetime.date(2026, 1, 5)
        consultation = make_consultation(
            published=False, opens_on=datetime.date(2025, 11, 1), closes_on=day, closes_at_time=datetime.time(17, 0)
        )
        consultation.publish(at=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC))
        zone = datetime.timezone.utc  # Europe/London is on GMT in January
        for moment, status in (
            (datetime.datetime(2026, 1, 5, 16, 59, tzinfo=zone), "open"),
            (datetime.datetime(2026, 1, 5, 17, 0, 59, tzinfo=zone), "open"),
            (datetime.datetime(2026, 1, 5, 17, 1, tzinfo=zone), "closed"),
        ):
            monkeypatch.setattr("haveyoursay.hub.models.now", lambda moment=moment: moment)
            assert consultation.status == status, moment
            assert list(Consultation.private_objects.with_status([status], on=moment)) == [consultation], moment

    def test_staff_set_the_closing_time_and_the_public_page_says_it(self, officer_client, client):
        consultation = make_consultation(closes_on=datetime.date(2099, 1, 5))
        response = officer_client.get(reverse("staff:consultation_edit", args=[consultation.pk]))
        assert 'value="11:59pm"' in response.content.decode()
        consultation.closes_at_time = datetime.time(23, 59)
        consultation.save()
        assert "closes at 11:59pm on 5 January 2099" in client.get(consultation.get_absolute_url()).content.decode()


class TestHistory:
    def test_the_history_reads_as_sentences_with_a_fallback_for_unknown_actions(self, officer_client, officer):
        consultation = make_consultation(published=False)
        AuditEvent.record(officer, "consultation.publish", consultation)
        AuditEvent.record(officer, "document.delete", consultation, document="Draft Net Zero Strategy")
        AuditEvent.record(officer, "consultation.archive_everything", consultation)
        html = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
        assert "Published by Olu Officer" in html
        assert "Document “Draft Net Zero Strategy” removed by Olu Officer" in html
        assert "Consultation: archive everything by Olu Officer" in html
        assert "consultation.publish" not in html

    def test_every_action_the_code_records_has_a_sentence(self):
        import pathlib
        import re

        from haveyoursay.accounts.models import SENTENCES

        source = pathlib.Path(__file__).resolve().parents[2] / "src"
        codes = set()
        for path in source.rglob("*.py"):
            codes |= set(re.findall(r'"([a-z_]+\.[a-z_]+)"', path.read_text()))
        file_names = {"html", "csv", "json", "md", "pdf", "docx"}
        recorded = {
            code for code in codes
            if code.split(".")[0] in {c.split(".")[0] for c in SENTENCES} and code.split(".")[1] not in file_names
        }
        assert not recorded - set(SENTENCES), sorted(recorded - set(SENTENCES))
