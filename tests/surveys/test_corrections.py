"""Putting responses right on the staff site: correcting a keyed-in response, marking one as a
duplicate or withdrawn, undoing an import, finding a response by its reference, and the
email and outcome opt-in of a paper response."""

import csv

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import today
from haveyoursay.surveys import importing, submission
from haveyoursay.surveys.models import Answer, ImportBatch, Response, Stakeholder
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def url(name, consultation, *args):
    return reverse(f"surveys_staff:{name}", args=[consultation.pk, *args])


def sent_response(questionnaire, answers=None, channel=Response.Channel.PAPER, **fields):
    """A response sent through the same functions the site uses; keyed in on paper unless said."""
    if channel != Response.Channel.ONLINE:
        fields.setdefault("received_on", today())
    response = Response.objects.create(questionnaire=questionnaire, channel=channel, **fields)
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    answers = answers or {"vision": {"choice": "tend_to_agree", "other": ""}}
    submission.save_answers(response, {questions[code]: value for code, value in answers.items()})
    return submission.submit(response)


def answers_of(response):
    return {a.question.code: a.value for a in Answer.objects.filter(response=response).select_related("question")}


def history_of(response):
    """The changes recorded against a response; opening its pages is recorded too, but changes nothing."""
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Response), object_id=str(response.pk)
    ).exclude(action__in=["response.view", "response.view_keyed_in"]).order_by("pk")


@pytest.fixture
def consultation(questionnaire):
    return questionnaire.consultation


@pytest.fixture
def analyst_client(make_user):
    client = Client()
    client.force_login(make_user("analyst", groups=["Analyst"], is_staff=True))
    return client


def import_file(questionnaire, path, user=None):
    table = importing.open_table(path)
    targets = importing.targets_for(questionnaire)
    mapping = importing.Mapping(table.columns, targets, importing.propose_mapping(table.columns, targets))
    return importing.import_rows(questionnaire, table, mapping, user=user)


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


IMPORT_ROWS = [
    ["ID", "vision", "why_vision"],
    ["R1", "Tend to agree", "Breaks for carers."],
    ["R2", "Strongly disagree", ""],
]


class TestCorrectingAKeyedInResponse:
    def page_data(self, **changes):
        data = {"q_vision": "strongly_disagree", "q_why_vision": "The form says disagree.",
                "reason": "Question 1 was keyed in as Tend to agree; the paper form says Strongly disagree."}
        data.update(changes)
        return data

    def test_an_officer_corrects_answers_with_a_reason_and_the_change_is_audited(
        self, officer_client, officer, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        page = officer_client.post(url("response_correct_page", consultation, response.pk, 1), self.page_data())
        assert page.status_code == 302 and page["Location"] == url("response", consultation, response.pk)
        assert answers_of(response) == {
            "vision": {"choice": "strongly_disagree", "other": ""}, "why_vision": {"text": "The form says disagree."},
        }
        event = history_of(response).get(action="response.correct")
        assert event.user == officer
        assert event.detail == {
            "page": "The vision", "questions": ["vision", "why_vision"],
            "reason": "Question 1 was keyed in as Tend to agree; the paper form says Strongly disagree.",
        }
        # The audit says which questions changed, never what the respondent said.
        assert "The form says disagree" not in str(event.detail) and "strongly_disagree" not in str(event.detail)
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert "corrected 2 answers in “The vision”" in html
        assert "To what extent do you agree or disagree with the proposed vision?" in html.split('id="history"')[1]
        assert "the paper form says Strongly disagree" in html

    def test_it_refuses_a_correction_without_a_reason_and_keeps_what_was_typed(
        self, officer_client, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        page = officer_client.post(url("response_correct_page", consultation, response.pk, 1), self.page_data(reason=""))
        assert page.status_code == 400
        html = page.content.decode()
        assert "There is a problem" in html and 'href="#id_reason"' in html
        assert "Enter why you are correcting the response" in html
        assert "The form says disagree." in html and 'value="strongly_disagree" checked' in html
        assert answers_of(response)["vision"] == {"choice": "tend_to_agree", "other": ""}
        assert not history_of(response).filter(action="response.correct").exists()

    def test_an_unchanged_page_records_no_correction(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire)
        page = officer_client.post(
            url("response_correct_page", consultation, response.pk, 1),
            self.page_data(q_vision="tend_to_agree", q_why_vision=""), follow=True,
        )
        assert "No answers were changed" in page.content.decode()
        assert not history_of(response).exists()

    def test_answers_routed_past_by_the_correction_are_removed(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire, {
            "vision": {"choice": "strongly_disagree", "other": ""},
            "change_vision": {"text": "Name young carers first."},
        })
        officer_client.post(
            url("response_correct_page", consultation, response.pk, 1), self.page_data(q_vision="strongly_agree")
        )
        assert "change_vision" not in answers_of(response)
        assert history_of(response).get().detail["questions"] == ["vision", "why_vision", "change_vision"]

    def test_the_details_are_corrected_and_the_audit_names_the_fields_not_their_values(
        self, officer_client, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        data = {
            "channel": "paper", "received_on_day": str(today().day), "received_on_month": str(today().month),
            "received_on_year": str(today().year), "respondent_kind": "individual",
            "contact_about_outcome": "yes", "email": "carer@example.org", "reason": "The email was on the back page.",
        }
        page = officer_client.post(url("response_correct_details", consultation, response.pk), data)
        assert page.status_code == 302
        response.refresh_from_db()
        assert response.contact_about_outcome and response.email == "carer@example.org"
        event = history_of(response).get(action="response.correct_details")
        assert event.detail == {"fields": ["contact_about_outcome", "email"], "reason": "The email was on the back page."}

    def test_an_online_response_is_not_corrected_by_staff_and_the_page_says_so(
        self, officer_client, questionnaire, consultation
    ):
        response = sent_response(questionnaire, channel=Response.Channel.ONLINE)
        assert officer_client.get(url("response_correct_page", consultation, response.pk, 1)).status_code == 404
        assert officer_client.post(
            url("response_correct_page", consultation, response.pk, 1), self.page_data()
        ).status_code == 404
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert "sent online by the respondent, so its answers are theirs and staff do not change them" in html
        assert url("response_correct_page", consultation, response.pk, 1) not in html
        assert url("response_mark", consultation, response.pk) in html

    def test_a_keyed_in_response_page_offers_the_corrections(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire)
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert url("response_correct_page", consultation, response.pk, 1) in html
        assert url("response_correct_details", consultation, response.pk) in html

    def test_only_the_consultation_team_corrects(
        self, viewer_client, outsider_client, analyst_client, client, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        for name, args in [("response_correct_page", [response.pk, 1]), ("response_correct_details", [response.pk])]:
            for someone in (viewer_client, outsider_client, analyst_client):
                assert someone.get(url(name, consultation, *args)).status_code == 403
                assert someone.post(url(name, consultation, *args), self.page_data()).status_code == 403
            assert client.get(url(name, consultation, *args)).status_code == 302  # to sign in
        assert answers_of(response)["vision"] == {"choice": "tend_to_agree", "other": ""}
        html = analyst_client.get(url("response", consultation, response.pk)).content.decode()
        assert url("response_correct_page", consultation, response.pk, 1) not in html
        assert url("response_mark", consultation, response.pk) not in html


class TestMarking:
    def test_a_duplicate_is_marked_by_a_reference_typed_loosely_and_is_no_longer_counted(
        self, officer_client, officer, questionnaire, consultation
    ):
        original, copy = sent_response(questionnaire), sent_response(questionnaire)
        typed = f"  {original.reference.lower().replace('-', ' ')} "
        page = officer_client.post(
            url("response_mark", consultation, copy.pk), {"mark": "duplicate", "duplicate_of": typed, "reason": ""}
        )
        assert page.status_code == 302
        copy.refresh_from_db()
        assert (copy.excluded_as, copy.duplicate_of, copy.excluded_by) == ("duplicate", original, officer)
        assert list(Response.objects.counted()) == [original]
        assert history_of(copy).get().detail == {"duplicate_of": original.reference, "reason": ""}
        html = officer_client.get(url("response", consultation, copy.pk)).content.decode()
        assert "Marked as a duplicate of" in html and original.reference in html and "not counted" in html
        listed = officer_client.get(url("responses", consultation)).content.decode()
        assert "Duplicate</strong> of " + original.reference in listed

    @pytest.mark.parametrize("data, message", [
        ({"mark": "duplicate", "duplicate_of": ""}, "Enter the reference of the response it duplicates"),
        ({"mark": "duplicate", "duplicate_of": "ZZZZ-ZZZZ"}, "No response to this consultation has the reference “ZZZZ-ZZZZ”"),
        ({"mark": "withdrawn", "reason": "  "}, "Enter why the response was withdrawn"),
        ({}, "Select whether the response is a duplicate or was withdrawn"),
    ])
    def test_it_says_what_is_wrong_next_to_the_field(self, officer_client, questionnaire, consultation, data, message):
        response = sent_response(questionnaire)
        page = officer_client.post(url("response_mark", consultation, response.pk), data)
        assert page.status_code == 400
        assert message in page.content.decode() and "There is a problem" in page.content.decode()
        response.refresh_from_db()
        assert response.is_counted

    def test_a_response_is_not_a_duplicate_of_itself_nor_of_one_not_counted(
        self, officer_client, questionnaire, consultation
    ):
        response, withdrawn = sent_response(questionnaire), sent_response(questionnaire)
        withdrawn.mark_withdrawn(None, "Asked by phone")
        page = officer_client.post(
            url("response_mark", consultation, response.pk), {"mark": "duplicate", "duplicate_of": response.reference}
        )
        assert "this is the one being marked" in page.content.decode()
        page = officer_client.post(
            url("response_mark", consultation, response.pk), {"mark": "duplicate", "duplicate_of": withdrawn.reference}
        )
        assert f"Response {withdrawn.reference} is not counted itself (withdrawn)" in page.content.decode()

    def test_a_reference_from_another_consultation_is_not_found(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire)
        other = make_consultation(title="Melton Local Plan", slug="melton-local-plan")
        stranger = Response.objects.create(
            questionnaire=type(questionnaire).objects.create(consultation=other), state=Response.State.SUBMITTED
        )
        page = officer_client.post(
            url("response_mark", consultation, response.pk), {"mark": "duplicate", "duplicate_of": stranger.reference}
        )
        assert page.status_code == 400 and "No response to this consultation has the reference" in page.content.decode()

    def test_withdrawn_then_counted_again_each_audited(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire, channel=Response.Channel.ONLINE)
        officer_client.post(
            url("response_mark", consultation, response.pk),
            {"mark": "withdrawn", "reason": "Withdrawn by email on 3 August 2022."},
        )
        response.refresh_from_db()
        assert response.excluded_as == "withdrawn" and not response.is_counted
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert "Marked as withdrawn" in html and "Withdrawn by email on 3 August 2022." in html
        assert officer_client.get(url("response_unmark", consultation, response.pk)).status_code == 405
        officer_client.post(url("response_unmark", consultation, response.pk))
        response.refresh_from_db()
        assert response.is_counted and response.excluded_by is None and response.exclusion_reason == ""
        assert list(history_of(response).values_list("action", flat=True)) == [
            "response.mark_withdrawn", "response.unmark",
        ]
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert "counted it again (it had been marked as withdrawn)" in html

    def test_a_stakeholder_whose_only_response_is_withdrawn_has_not_responded(
        self, officer_client, questionnaire, consultation
    ):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        response = sent_response(questionnaire, stakeholder=police)
        assert police.has_responded
        response.mark_withdrawn(None, "Withdrawn by letter")
        page = officer_client.get(url("stakeholders", consultation))
        assert page.context["responded"] == 0
        assert f"{response.reference}</a> (withdrawn, not counted)" in page.content.decode()

    def test_only_the_consultation_team_marks(
        self, viewer_client, outsider_client, analyst_client, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        for someone in (viewer_client, outsider_client, analyst_client):
            assert someone.get(url("response_mark", consultation, response.pk)).status_code == 403
            assert someone.post(
                url("response_mark", consultation, response.pk), {"mark": "withdrawn", "reason": "No"}
            ).status_code == 403
            assert someone.post(url("response_unmark", consultation, response.pk)).status_code == 403
        response.refresh_from_db()
        assert response.is_counted


class TestUndoingAnImport:
    def test_the_confirmation_says_how_many_and_undoing_stops_them_counting(
        self, officer_client, officer, questionnaire, consultation, tmp_path
    ):
        sent_response(questionnaire)
        batch, _ = import_file(questionnaire, write_csv(tmp_path / "survey.csv", IMPORT_ROWS), user=officer)
        page = officer_client.get(url("import_undo", consultation, batch.pk))
        assert page.status_code == 200
        assert "This will stop <strong>2 responses</strong> being counted." in page.content.decode()
        assert Response.objects.counted().count() == 3
        page = officer_client.post(url("import_undo", consultation, batch.pk), {"reason": "Dates read month first."})
        assert page.status_code == 302
        batch.refresh_from_db()
        assert batch.undone_by == officer and batch.undo_reason == "Dates read month first."
        assert Response.objects.counted().count() == 1
        assert Response.objects.filter(import_batch=batch).count() == 2  # kept, not counted
        event = AuditEvent.objects.get(action="responses.import_undo")
        assert event.detail == {
            "batch": batch.pk, "file": "survey.csv", "responses": 2, "reason": "Dates read month first.",
        }
        imported = batch.responses.first()
        html = officer_client.get(url("response", consultation, imported.pk)).content.decode()
        assert "Import undone" in html and "was undone on" in html
        html = officer_client.get(reverse("surveys_staff:import_done", args=[consultation.pk, batch.pk])).content.decode()
        assert "This import was undone on" in html and "Dates read month first." in html
        html = officer_client.get(reverse("surveys_staff:import_upload", args=[consultation.pk])).content.decode()
        assert "survey.csv</a> <strong class=\"govuk-tag govuk-tag--grey\">Undone</strong>" in html

    def test_an_undone_file_can_be_imported_again(self, officer, questionnaire, tmp_path):
        path = write_csv(tmp_path / "survey.csv", IMPORT_ROWS)
        batch, _ = import_file(questionnaire, path, user=officer)
        with pytest.raises(importing.AlreadyImported):
            import_file(questionnaire, path, user=officer)
        batch.undo(officer, "Wrong mapping")
        again, check = import_file(questionnaire, path, user=officer)
        assert again.pk != batch.pk and again.row_count == 2 and check.duplicates == 0
        assert set(Response.objects.counted().values_list("import_batch", flat=True)) == {again.pk}
        with pytest.raises(importing.AlreadyImported):  # the new import is the one that counts now
            import_file(questionnaire, path, user=officer)

    def test_a_reason_is_needed(self, officer_client, officer, questionnaire, consultation, tmp_path):
        batch, _ = import_file(questionnaire, write_csv(tmp_path / "survey.csv", IMPORT_ROWS), user=officer)
        page = officer_client.post(url("import_undo", consultation, batch.pk), {"reason": ""})
        assert page.status_code == 400 and "Enter why you are undoing the import" in page.content.decode()
        batch.refresh_from_db()
        assert batch.undone_at is None

    def test_only_the_consultation_team_undoes_an_import(
        self, viewer_client, outsider_client, analyst_client, officer, questionnaire, consultation, tmp_path
    ):
        batch, _ = import_file(questionnaire, write_csv(tmp_path / "survey.csv", IMPORT_ROWS), user=officer)
        for someone in (viewer_client, outsider_client, analyst_client):
            assert someone.get(url("import_undo", consultation, batch.pk)).status_code == 403
            assert someone.post(url("import_undo", consultation, batch.pk), {"reason": "No"}).status_code == 403
        assert ImportBatch.objects.get().undone_at is None

    def test_another_consultations_batch_is_not_found(self, officer_client, officer, questionnaire, tmp_path):
        batch, _ = import_file(questionnaire, write_csv(tmp_path / "survey.csv", IMPORT_ROWS), user=officer)
        other = make_consultation(title="Melton Local Plan", slug="melton-local-plan")
        assert officer_client.get(url("import_undo", other, batch.pk)).status_code == 404


class TestFindingByReference:
    def test_an_exact_reference_goes_straight_to_the_response_whatever_the_case_and_spaces(
        self, officer_client, analyst_client, questionnaire, consultation
    ):
        response = sent_response(questionnaire)
        typed = " " + response.reference.lower().replace("-", " ") + " "
        for someone in (officer_client, analyst_client):
            page = someone.get(url("responses", consultation), {"reference": typed})
            assert page.status_code == 302 and page["Location"] == url("response", consultation, response.pk)

    def test_an_unknown_reference_is_said_clearly_next_to_the_box(self, officer_client, questionnaire, consultation):
        sent_response(questionnaire)
        page = officer_client.get(url("responses", consultation), {"reference": "abcd-2345"})
        assert page.status_code == 400
        html = page.content.decode()
        assert "No response to this consultation has the reference “abcd-2345”" in html
        assert 'href="#id_reference"' in html and 'value="abcd-2345"' in html

    def test_an_empty_search_asks_for_a_reference(self, officer_client, questionnaire, consultation):
        page = officer_client.get(url("responses", consultation), {"reference": " "})
        assert page.status_code == 400 and "Enter a response reference, like HJ7K-2MPQ" in page.content.decode()

    def test_a_viewer_or_outsider_may_not_search(self, viewer_client, outsider_client, questionnaire, consultation):
        response = sent_response(questionnaire)
        for someone in (viewer_client, outsider_client):
            assert someone.get(url("responses", consultation), {"reference": response.reference}).status_code == 403


class TestPaperContactDetails:
    def details(self, **changes):
        day = today()
        data = {"channel": "paper", "respondent_kind": "individual", "received_on_day": str(day.day),
                "received_on_month": str(day.month), "received_on_year": str(day.year)}
        data.update(changes)
        return data

    def test_a_paper_response_records_an_email_and_the_outcome_opt_in(self, officer_client, consultation):
        page = officer_client.post(
            url("response_new", consultation), self.details(contact_about_outcome="yes", email="carer@example.org")
        )
        assert page.status_code == 302
        response = Response.objects.get()
        assert response.contact_about_outcome and response.email == "carer@example.org"

    @pytest.mark.parametrize("changes, message", [
        ({"contact_about_outcome": "yes"}, "Enter their email address so we can tell them about the outcome"),
        ({"contact_about_outcome": "yes", "email": "carer.example.org"},
         "Enter an email address in the correct format, like name@example.com"),
    ])
    def test_it_says_what_is_wrong_with_the_contact_details(self, officer_client, consultation, changes, message):
        page = officer_client.post(url("response_new", consultation), self.details(**changes))
        assert page.status_code == 200 and message in page.content.decode()
        assert not Response.objects.exists()

    def test_an_address_shown_only_under_yes_is_not_kept_without_it(self, officer_client, consultation):
        # With JavaScript the box is hidden unless "Yes" is chosen: what is in it then is not theirs to send.
        page = officer_client.post(url("response_new", consultation), self.details(contact_about_outcome="no",
                                                                                   email="carer.example.org"))
        assert page.status_code == 302
        response = Response.objects.get()
        assert not response.contact_about_outcome and response.email == ""

    def test_without_an_answer_they_are_not_contacted(self, officer_client, consultation):
        officer_client.post(url("response_new", consultation), self.details())
        assert not Response.objects.get().contact_about_outcome
