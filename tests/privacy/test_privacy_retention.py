"""Removing personal data when a consultation's retention period ends: what goes, what stays
(every count the report used), what is recorded, and the pages that show it."""

import datetime
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.models import Codeframe, Quote, Theme, ThemeAssignment
from haveyoursay.hub.models import FreeTextAfterRetention, add_months, today
from haveyoursay.privacy.models import RetentionRun
from haveyoursay.privacy.retention import apply_all_due, apply_retention, due_consultations
from haveyoursay.surveys.models import Answer, EventNote, Response
from tests.factories import make_consultation
from tests.privacy.conftest import send

pytestmark = pytest.mark.django_db

WORDS = "Respite breaks matter most. Ring Mrs Patel on 07700 900123 or write to 12 Acacia Avenue."


def answer(response, code):
    return Answer.objects.get(response=response, question__code=code).value


@pytest.fixture
def named(carers):
    return send(
        carers, why=WORDS, other="The carers' centre, ask for Sarah Jones", respondent_name="Jo Bloggs",
        email="jo.bloggs@example.org", contact_about_outcome=True, organisation_role="Chair",
        resume_email="jo.bloggs@example.org", resume_code_hash="a" * 64, import_key="R1",
    )


class TestWhatIsRemoved:
    def test_it_removes_names_contact_details_and_save_and_return_details_once_the_period_ends(self, carers, named):
        run = apply_retention(carers.consultation)
        named.refresh_from_db()
        assert [named.respondent_name, named.email, named.organisation_role, named.resume_email,
                named.resume_code_hash, named.import_key] == [""] * 6
        assert not named.contact_about_outcome and named.personal_data_removed_at is not None
        assert run.responses_anonymised == 1
        # Sending had already ended save and return, so its details are not among those emptied.
        assert run.fields_cleared == {"email": 1, "import_key": 1, "organisation_role": 1, "respondent_name": 1}

    def test_it_keeps_the_organisations_own_name(self, carers):
        response = send(carers, respondent_kind="organisation", organisation_name="Carers Trust", respondent_name="Al")
        apply_retention(carers.consultation)
        response.refresh_from_db()
        assert response.organisation_name == "Carers Trust" and response.respondent_name == ""

    def test_it_takes_personal_details_out_of_comments_when_the_consultation_keeps_them_redacted(self, carers, named):
        apply_retention(carers.consultation)
        assert answer(named, "why_vision") == {
            "text": "Respite breaks matter most. Ring Mrs [name] on [phone] or write to [address]."
        }
        assert answer(named, "find_out")["other"] == "The carers' centre, ask for [name]"
        assert answer(named, "find_out")["choices"] == ["other"]

    def test_it_deletes_comments_when_the_consultation_says_so(self, carers, named):
        carers.consultation.free_text_after_retention = FreeTextAfterRetention.DELETE
        carers.consultation.save()
        run = apply_retention(carers.consultation)
        assert answer(named, "why_vision") == {"text": Answer.REMOVED_TEXT}
        assert answer(named, "find_out") == {"choices": ["other"], "other": Answer.REMOVED_TEXT}
        assert run.answers_deleted == 2 and run.answers_redacted == 0

    @pytest.mark.parametrize("free_text", [FreeTextAfterRetention.REDACT, FreeTextAfterRetention.DELETE])
    def test_what_it_changes_shows_as_changed_and_nothing_else_does(self, carers, named, free_text):
        carers.consultation.free_text_after_retention = free_text
        carers.consultation.save()
        long_ago = timezone.now() - datetime.timedelta(days=400)
        Response.objects.filter(pk=named.pk).update(updated_at=long_ago)
        Answer.objects.filter(response=named).update(updated_at=long_ago)
        before_run = timezone.now()
        apply_retention(carers.consultation)
        named.refresh_from_db()
        assert named.updated_at >= before_run
        changed = dict(Answer.objects.filter(response=named).values_list("question__code", "updated_at"))
        assert changed["why_vision"] >= before_run and changed["find_out"] >= before_run
        untouched = [when for code, when in changed.items() if code not in {"why_vision", "find_out"}]
        assert untouched and all(when == long_ago for when in untouched)

    def test_it_deletes_responses_that_were_never_sent(self, carers):
        Response.objects.create(questionnaire=carers, resume_email="someone@example.org")
        run = apply_retention(carers.consultation)
        assert run.unsent_deleted == 1 and not carers.responses.filter(state="in_progress").exists()

    def test_it_treats_event_notes_as_comments(self, carers, named):
        note = EventNote.objects.create(
            consultation=carers.consultation, title="Carers group session", held_on=carers.consultation.closes_on,
            attendees=12, summary="Mrs Patel said respite is hard to find. Call 07700 900123.",
        )
        apply_retention(carers.consultation)
        note.refresh_from_db()
        assert note.summary == "Mrs [name] said respite is hard to find. Call [phone]." and note.attendees == 12


class TestWhatStays:
    def test_every_figure_the_report_used_is_the_same_afterwards(self, carers, named):
        send(carers, vision="strongly_disagree", why="Not enough breaks.", email="a@example.org")
        send(carers, vision="tend_to_agree", other="Leaflets at Loughborough Library")
        withdrawn = send(carers, vision="neither", respondent_name="Sam Smith")
        withdrawn.mark_withdrawn(None, "Withdrawn by email.")
        codeframe = Codeframe.objects.create(question=carers.ordered_questions().get(code="why_vision"))
        theme = Theme.objects.create(codeframe=codeframe, label="Respite breaks", origin=Theme.Origin.PERSON)
        coded = Answer.objects.get(response=named, question__code="why_vision")
        ThemeAssignment.objects.create(theme=theme, answer=coded)
        before = load_dataset(carers)
        counted_before = Response.objects.counted().filter(questionnaire=carers).count()

        apply_retention(carers.consultation)

        after = load_dataset(carers)
        assert after.frame.equals(before.frame) and after.answered.equals(before.answered)
        assert after.open_answer_counts == before.open_answer_counts
        assert Response.objects.counted().filter(questionnaire=carers).count() == counted_before == 3
        assert theme.assignments.count() == 1

    def test_a_quote_keeps_its_redacted_text_but_not_what_was_taken_out(self, carers, named):
        codeframe = Codeframe.objects.create(question=carers.ordered_questions().get(code="why_vision"))
        theme = Theme.objects.create(codeframe=codeframe, label="Respite breaks", origin=Theme.Origin.PERSON)
        quote = Quote.objects.create(
            theme=theme, answer=Answer.objects.get(response=named, question__code="why_vision"),
            text="Ring Mrs [name].", removed=[{"kind": "name", "original": "Patel", "marker": "[name]"}],
        )
        apply_retention(carers.consultation)
        quote.refresh_from_db()
        assert quote.text == "Ring Mrs [name]." and quote.removed == []


class TestWhenItRuns:
    def test_it_does_nothing_before_the_period_ends(self, carers, named):
        carers.consultation.retention_months = 36
        carers.consultation.save()
        assert apply_retention(carers.consultation) is None
        named.refresh_from_db()
        assert named.email == "jo.bloggs@example.org"
        assert due_consultations() == []

    def test_the_period_defaults_to_the_setting_and_counts_from_the_closing_date(self, settings):
        settings.RESPONSE_RETENTION_MONTHS = 18
        consultation = make_consultation(closes_on=datetime.date(2022, 7, 31), opens_on=datetime.date(2022, 6, 6))
        assert consultation.retention_months == 18
        assert consultation.retention_ends_on == datetime.date(2024, 1, 31)

    def test_a_month_shorter_than_the_closing_day_ends_on_its_last_day(self):
        assert add_months(datetime.date(2022, 8, 31), 18) == datetime.date(2024, 2, 29)
        assert add_months(datetime.date(2022, 12, 15), 1) == datetime.date(2023, 1, 15)

    def test_running_it_again_does_nothing_more(self, carers, named):
        assert apply_retention(carers.consultation) is not None
        assert apply_retention(carers.consultation) is None
        assert RetentionRun.objects.count() == 1
        assert AuditEvent.objects.filter(action="retention.apply").count() == 1

    def test_the_daily_command_does_every_consultation_due_and_audits_each_without_personal_data(
        self, carers, named, capsys
    ):
        call_command("apply_retention")
        out = capsys.readouterr().out
        assert "personal data removed from 1 responses" in out
        event = AuditEvent.objects.get(action="retention.apply")
        assert event.sentence == "Personal data past its retention period removed from 1 response by the command line"
        assert "jo.bloggs" not in str(event.detail) and "Patel" not in str(event.detail)
        assert event.detail["fields"] == ["email", "import_key", "organisation_role", "respondent_name"]
        call_command("apply_retention")
        assert "No consultation is past its retention period" in capsys.readouterr().out

    def test_a_dry_run_changes_nothing(self, carers, named, capsys):
        call_command("apply_retention", "--dry-run")
        assert "Due since" in capsys.readouterr().out
        named.refresh_from_db()
        assert named.email == "jo.bloggs@example.org"

    @pytest.mark.parametrize("value", ["0", "121", "two years"])
    def test_the_setting_must_be_a_whole_number_of_months_from_1_to_120(self, value, tmp_path):
        env = {**os.environ, "RESPONSE_RETENTION_MONTHS": value, "HAVEYOURSAY_DATA_DIR": str(tmp_path),
               "PYTHONPATH": "src"}
        result = subprocess.run(
            [sys.executable, "-c", "import haveyoursay.settings"], env=env, capture_output=True, text=True
        )
        assert result.returncode != 0 and "RESPONSE_RETENTION_MONTHS must be" in result.stderr


class TestTheDemo:
    def test_it_runs_on_the_demos_closed_consultations_and_their_figures_stay(self):
        from haveyoursay.hub.demo import load_demo
        from haveyoursay.surveys.demo import CARERS_SLUG, load_demo_questionnaires
        from haveyoursay.surveys.demo_responses import generate_responses, save_responses
        from haveyoursay.surveys.models import Questionnaire

        load_demo()
        load_demo_questionnaires()
        questionnaire = Questionnaire.objects.get(consultation__slug=CARERS_SLUG)
        save_responses(questionnaire, generate_responses(questionnaire, count=1000))
        before = load_dataset(questionnaire)

        def texts():
            answers = Answer.objects.filter(response__questionnaire=questionnaire, question__kind="long_text")
            return [answer.value["text"] for answer in answers]

        def personal(text):
            return "07700 900" in text or "@example" in text

        assert Response.objects.filter(questionnaire=questionnaire).exclude(organisation_role="").exists()
        assert any(personal(text) for text in texts())

        runs = apply_all_due()

        assert questionnaire.consultation.pk in {run.consultation_id for run in runs}
        assert load_dataset(questionnaire).frame.equals(before.frame)
        assert not Response.objects.filter(questionnaire=questionnaire).exclude(organisation_role="").exists()
        assert not any(personal(text) for text in texts())


class TestThePages:
    def test_the_list_shows_what_is_overdue_and_when_the_rest_is_due(self, carers, named, officer_client):
        later = make_consultation(title="Draft Net Zero Strategy", closes_on=today(), opens_on=today())
        page = officer_client.get(reverse("privacy_staff:retention")).content.decode()
        assert "Overdue" in page and carers.consultation.title in page
        assert f"{later.retention_ends_on:%-d %B %Y}" in page

    def test_the_consultations_page_says_what_was_done_and_by_whom(self, carers, named, officer_client):
        apply_retention(carers.consultation)
        page = officer_client.get(reverse("privacy_staff:consultation_retention", args=[carers.consultation.pk]))
        html = page.content.decode()
        assert "by the daily retention job" in html and "Name: emptied in 1 response" in html
        assert "Comments with personal details taken out: 2" in html

    def test_changing_the_period_is_checked_audited_and_keeps_what_was_typed(self, carers, officer_client):
        url = reverse("privacy_staff:consultation_retention", args=[carers.consultation.pk])
        refused = officer_client.post(url, {"retention_months": "200", "free_text_after_retention": "delete"})
        assert refused.status_code == 400
        html = refused.content.decode()
        assert "Months must be 120 (ten years) or fewer" in html and 'value="200"' in html
        saved = officer_client.post(url, {"retention_months": "36", "free_text_after_retention": "delete"})
        assert saved.status_code == 302
        carers.consultation.refresh_from_db()
        assert carers.consultation.retention_months == 36
        event = AuditEvent.objects.get(action="retention.change")
        assert event.sentence == "Retention period changed to 36 months by Olu Officer"

    def test_an_analyst_cannot_see_it(self, carers, make_user):
        client = Client()
        client.force_login(make_user("analyst", groups=["Analyst"]))
        assert client.get(reverse("privacy_staff:retention")).status_code == 403

    def test_the_public_privacy_notice_gives_the_date_personal_data_is_removed(self, carers, client):
        page = client.get(carers.consultation.get_absolute_url()).content.decode()
        assert f"until {carers.consultation.retention_ends_on:%-d %B %Y}, and then removed" in page
