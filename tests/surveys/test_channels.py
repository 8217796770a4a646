"""Staff views of responses, and the channels beyond the web form: keyed-in paper, email and
phone responses, event notes and stakeholders."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation, Event, today
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import EventNote, Response, Stakeholder
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def url(name, consultation, *args):
    return reverse(f"surveys_staff:{name}", args=[consultation.pk, *args])


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def details(day=None, **changes):
    data = {"channel": "paper", "respondent_kind": "individual", **date_fields("received_on", day or today())}
    data.update(changes)
    return data


def sent_response(questionnaire, vision="tend_to_agree", channel=Response.Channel.ONLINE, **fields):
    """A response sent through the same functions the site uses."""
    response = Response.objects.create(questionnaire=questionnaire, channel=channel, **fields)
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    submission.save_answers(response, {questions["vision"]: {"choice": vision, "other": ""}})
    return submission.submit(response)


def close(consultation):
    Consultation.private_objects.filter(pk=consultation.pk).update(
        opens_on=today() - datetime.timedelta(days=60), closes_on=today() - datetime.timedelta(days=30)
    )
    consultation.refresh_from_db()
    assert consultation.status == "closed"


def start_entry(client, consultation, **changes):
    page = client.post(url("response_new", consultation), details(**changes))
    assert page.status_code == 302, page.content.decode()
    response = Response.objects.latest("pk")
    assert page["Location"] == url("response_enter_page", consultation, response.pk, 1)
    return response


@pytest.fixture
def consultation(questionnaire):
    return questionnaire.consultation


@pytest.fixture
def analyst_client(make_user):
    """Reads and downloads responses; keys in and manages nothing."""
    client = Client()
    client.force_login(make_user("analyst", groups=["Analyst"], is_staff=True))
    return client


class TestResponsesList:
    def test_counts_by_channel_and_state(self, officer_client, questionnaire, consultation):
        sent_response(questionnaire)
        sent_response(questionnaire)
        Response.objects.create(questionnaire=questionnaire)  # started online, not sent
        sent_response(questionnaire, channel=Response.Channel.PAPER, received_on=today())
        Response.objects.create(questionnaire=questionnaire, channel=Response.Channel.EMAIL)
        page = officer_client.get(url("responses", consultation))
        assert page.status_code == 200
        counts = {label: (sent, in_progress) for label, sent, _, in_progress in page.context["counts"]}
        assert counts == {
            "Online": (2, 1), "Paper form": (1, 0), "Email": (0, 1), "Phone": (0, 0), "Imported": (0, 0),
        }
        assert page.context["totals"] == ("Total", 3, 0, 2)
        assert page.context["paginator"].count == 3  # only sent responses are listed

    def test_the_list_shows_sent_responses_with_their_organisation(self, officer_client, questionnaire, consultation):
        sent = sent_response(questionnaire, respondent_kind="organisation", organisation_name="Carers Trust")
        draft = Response.objects.create(questionnaire=questionnaire)
        html = officer_client.get(url("responses", consultation)).content.decode()
        assert sent.reference in html and "Carers Trust" in html
        assert draft.reference not in html

    def test_it_filters_by_channel_and_pages(self, officer_client, questionnaire, consultation):
        online = [sent_response(questionnaire) for _ in range(3)]
        paper = sent_response(questionnaire, channel=Response.Channel.PAPER, received_on=today())
        page = officer_client.get(url("responses", consultation) + "?channel=paper")
        html = page.content.decode()
        assert paper.reference in html and not any(r.reference in html for r in online)
        assert page.context["paginator"].count == 1

    def test_many_responses_come_in_pages(self, officer_client, questionnaire, consultation, monkeypatch):
        from haveyoursay.surveys import channels

        monkeypatch.setattr(channels, "RESPONSES_PER_PAGE", 2)
        sent = [sent_response(questionnaire) for _ in range(5)]
        first = officer_client.get(url("responses", consultation))
        assert first.context["paginator"].num_pages == 3 and 'rel="next"' in first.content.decode()
        last = officer_client.get(url("responses", consultation) + "?page=99").content.decode()
        assert sent[0].reference in last and sent[4].reference not in last

    def test_a_consultation_without_a_questionnaire_shows_no_responses(self, officer_client):
        consultation = make_consultation()
        page = officer_client.get(url("responses", consultation))
        assert page.status_code == 200 and "has no questionnaire yet" in page.content.decode()

    def test_the_detail_shows_the_answers_as_check_your_answers_does(self, officer_client, questionnaire, consultation):
        response = sent_response(questionnaire, vision="strongly_agree")
        html = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert f"Response {response.reference}" in html
        assert "To what extent do you agree or disagree with the proposed vision?" in html
        assert "Strongly agree" in html and "Not answered" in html
        assert html.count("<h1") == 1

    def test_the_detail_shows_the_name_of_someone_who_asked_to_be_published_with_it(
        self, officer_client, questionnaire, consultation
    ):
        named = sent_response(questionnaire, respondent_name="Aisha Khan", publication=Response.Publication.WITH_NAME)
        html = officer_client.get(url("response", consultation, named.pk)).content.decode()
        assert "Aisha Khan" in html and "Publish my response with my name" in html
        unnamed = sent_response(questionnaire)
        html = officer_client.get(url("response", consultation, unnamed.pk)).content.decode()
        assert "Not given" in html and "Not from a stakeholder" in html and ">None<" not in html

    def test_a_response_not_yet_sent_has_no_detail_page(self, officer_client, questionnaire, consultation):
        draft = Response.objects.create(questionnaire=questionnaire)
        assert officer_client.get(url("response", consultation, draft.pk)).status_code == 404

    def test_a_response_to_another_consultation_is_not_found(self, officer_client, questionnaire):
        response = sent_response(questionnaire)
        other = make_consultation()
        assert officer_client.get(url("response", other, response.pk)).status_code == 404

    def test_who_may_see_responses(self, client, officer_client, analyst_client, viewer_client, outsider_client,
                                   questionnaire, consultation):
        response = sent_response(questionnaire)
        for address in (url("responses", consultation), url("response", consultation, response.pk)):
            assert officer_client.get(address).status_code == 200
            assert analyst_client.get(address).status_code == 200
            assert viewer_client.get(address).status_code == 403
            assert outsider_client.get(address).status_code == 403
            assert client.get(address)["Location"].startswith(reverse("staff:login"))

    def test_an_analyst_reads_but_keys_in_nothing(self, analyst_client, questionnaire, consultation):
        html = analyst_client.get(url("responses", consultation)).content.decode()
        assert "Key in a paper" not in html and "Download responses (CSV)" in html
        assert analyst_client.get(url("response_new", consultation)).status_code == 403
        assert analyst_client.post(url("response_new", consultation), details()).status_code == 403
        assert not Response.objects.exists()


class TestKeyingIn:
    def test_an_officer_keys_in_a_paper_response_after_the_closing_date(self, officer_client, officer, consultation):
        close(consultation)
        received = today() - datetime.timedelta(days=31)
        response = start_entry(officer_client, consultation, day=received)
        assert (response.channel, response.received_on, response.entered_by) == ("paper", received, officer)
        assert not response.is_submitted
        page = officer_client.post(
            url("response_enter_page", consultation, response.pk, 1),
            {"q_vision": "tend_to_agree", "q_why_vision": "Written on the paper form.", "continue": ""},
        )
        assert page["Location"] == url("response_enter_page", consultation, response.pk, 2)
        officer_client.post(url("response_enter_page", consultation, response.pk, 2), {"continue": ""})
        officer_client.post(url("response_enter_page", consultation, response.pk, 3), {"continue": ""})
        check = officer_client.get(url("response_enter_check", consultation, response.pk)).content.decode()
        assert "Written on the paper form." in check and "Save response" in check
        saved = officer_client.post(url("response_enter_check", consultation, response.pk))
        assert saved["Location"] == url("response", consultation, response.pk)
        response.refresh_from_db()
        assert response.is_submitted and response.submitted_at is not None
        assert response.entered_by == officer
        event = AuditEvent.objects.get(action="response.enter")
        assert event.user == officer and event.detail == {"response": response.reference, "channel": "paper"}
        assert AuditEvent.objects.filter(action="response.entry_start").count() == 1

    def test_the_date_received_is_required_and_not_in_the_future(self, officer_client, consultation):
        missing = officer_client.post(url("response_new", consultation), {"channel": "email", "respondent_kind": "individual"})
        assert "Enter date received" in missing.content.decode()
        future = officer_client.post(url("response_new", consultation), details(day=today() + datetime.timedelta(days=1)))
        html = future.content.decode()
        assert future.status_code == 200 and "Date received must be today or in the past" in html
        assert html.startswith("<!DOCTYPE") and "<title>Error: " in html
        assert not Response.objects.exists()

    def test_online_is_not_a_channel_staff_key_in(self, officer_client, consultation):
        page = officer_client.post(url("response_new", consultation), details(channel="online"))
        assert "Select paper form, email or phone" in page.content.decode()
        assert not Response.objects.exists()

    def test_an_organisation_needs_its_name(self, officer_client, consultation):
        page = officer_client.post(url("response_new", consultation), details(respondent_kind="organisation"))
        assert "Enter the name of the organisation the response is from" in page.content.decode()
        response = start_entry(
            officer_client, consultation, respondent_kind="organisation",
            organisation_name="Leicestershire Police", organisation_role="Chief Inspector",
        )
        assert (response.organisation_name, response.organisation_role) == ("Leicestershire Police", "Chief Inspector")

    def test_a_response_to_be_published_with_their_name_needs_the_name(self, officer_client, consultation):
        page = officer_client.post(url("response_new", consultation), details(publication="name"))
        assert "Enter their name, or say they may be published without it" in page.content.decode()
        assert not Response.objects.exists()
        response = start_entry(officer_client, consultation, publication="name", respondent_name="Aisha Khan")
        assert (response.respondent_name, response.publication) == ("Aisha Khan", "name")
        check = officer_client.get(url("response_enter_check", consultation, response.pk)).content.decode()
        assert "Aisha Khan" in check

    def test_a_stakeholder_can_be_chosen_from_this_consultation_only(self, officer_client, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        elsewhere = Stakeholder.objects.create(consultation=make_consultation(), name="Rutland County Council")
        refused = officer_client.post(url("response_new", consultation), details(stakeholder=elsewhere.pk))
        assert "Select a stakeholder from the list" in refused.content.decode()
        assert start_entry(officer_client, consultation, stakeholder=police.pk).stakeholder == police

    def test_saving_twice_saves_once(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        officer_client.post(url("response_enter_page", consultation, response.pk, 1), {"q_vision": "strongly_agree"})
        first = officer_client.post(url("response_enter_check", consultation, response.pk))
        submitted_at = Response.objects.get(pk=response.pk).submitted_at
        second = officer_client.post(url("response_enter_check", consultation, response.pk))
        assert first["Location"] == second["Location"] == url("response", consultation, response.pk)
        assert Response.objects.count() == 1
        assert Response.objects.get(pk=response.pk).submitted_at == submitted_at
        assert AuditEvent.objects.filter(action="response.enter").count() == 1

    def test_the_first_step_sent_twice_makes_one_response(self, officer_client, consultation):
        token = officer_client.get(url("response_new", consultation)).context["entry_token"]
        first = officer_client.post(url("response_new", consultation), {**details(), "entry_token": token})
        second = officer_client.post(url("response_new", consultation), {**details(), "entry_token": token})
        assert first["Location"] == second["Location"]
        assert Response.objects.count() == 1

    def test_a_sent_response_cannot_be_changed_through_the_entry_pages(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        officer_client.post(url("response_enter_page", consultation, response.pk, 1), {"q_vision": "strongly_agree"})
        officer_client.post(url("response_enter_check", consultation, response.pk))
        again = officer_client.post(
            url("response_enter_page", consultation, response.pk, 1), {"q_vision": "strongly_disagree"}
        )
        assert again["Location"] == url("response", consultation, response.pk)
        assert response.answers.get(question__code="vision").value["choice"] == "strongly_agree"

    def test_routing_applies_to_staff_entry(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        enter = lambda number, data: officer_client.post(  # noqa: E731
            url("response_enter_page", consultation, response.pk, number), {**data, "continue": ""}
        )
        enter(1, {"q_vision": "strongly_disagree"})
        enter(2, {})
        third = officer_client.get(url("response_enter_page", consultation, response.pk, 3)).content.decode()
        assert "What would you change about the vision?" in third
        enter(3, {"q_change_vision": "Name young carers first."})
        # Changing the first answer routes around the concerns page; its answer is not saved with the response.
        officer_client.post(
            url("response_enter_page", consultation, response.pk, 1) + "?return=check", {"q_vision": "tend_to_agree"}
        )
        third = officer_client.get(url("response_enter_page", consultation, response.pk, 3)).content.decode()
        assert "What would you change about the vision?" not in third and "Anything else" in third
        check = officer_client.get(url("response_enter_check", consultation, response.pk)).content.decode()
        assert "Your concerns" not in check
        officer_client.post(url("response_enter_check", consultation, response.pk))
        assert not response.answers.filter(question__code="change_vision").exists()
        assert Response.objects.get(pk=response.pk).is_submitted

    def test_page_errors_keep_what_was_typed(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        page = officer_client.post(
            url("response_enter_page", consultation, response.pk, 1),
            {"q_vision": "not_on_the_scale", "q_why_vision": "Typed from the letter."},
        )
        html = page.content.decode()
        assert page.status_code == 200 and "There is a problem" in html and "Typed from the letter." in html
        assert "<title>Error: " in html

    def test_a_paper_form_with_a_required_answer_left_blank_is_saved_as_it_came(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        officer_client.post(
            url("response_enter_page", consultation, response.pk, 1), {"q_why_vision": "Typed from the letter."}
        )
        check = officer_client.get(url("response_enter_check", consultation, response.pk)).content.decode()
        assert "Save response" in check
        officer_client.post(url("response_enter_check", consultation, response.pk))
        saved = Response.objects.get(pk=response.pk)
        assert saved.is_submitted
        assert [a.question.code for a in saved.answers.all()] == ["why_vision"]

    def test_save_and_finish_later_lists_it_as_being_keyed_in(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        later = officer_client.post(
            url("response_enter_page", consultation, response.pk, 1), {"q_vision": "strongly_agree", "save": ""}
        )
        assert later["Location"] == url("responses", consultation)
        html = officer_client.get(url("responses", consultation)).content.decode()
        assert "Being keyed in" in html and response.reference in html

    def test_the_details_can_be_changed_before_saving(self, officer_client, consultation):
        response = start_entry(officer_client, consultation)
        changed = officer_client.post(url("response_enter_details", consultation, response.pk), details(channel="phone"))
        assert changed["Location"] == url("response_enter_check", consultation, response.pk)
        assert Response.objects.get(pk=response.pk).channel == "phone"

    def test_online_responses_are_not_keyed_in(self, officer_client, questionnaire, consultation):
        online = Response.objects.create(questionnaire=questionnaire)
        assert officer_client.get(url("response_enter_page", consultation, online.pk, 1)).status_code == 404
        assert officer_client.post(url("response_enter_check", consultation, online.pk)).status_code == 404

    def test_a_consultation_without_a_questionnaire_says_to_build_it_first_and_takes_nothing(self, officer_client):
        consultation = make_consultation()
        page = officer_client.get(url("response_new", consultation))
        assert page.status_code == 200
        assert [t.name for t in page.templates][:2] == [
            "surveys/staff/channels/entry_no_questionnaire.html", "staff/base.html",
        ]
        html = page.content.decode()
        assert "Build the questionnaire before keying in responses" in html
        assert f'href="{reverse("surveys_staff:questionnaire", args=[consultation.pk])}"' in html
        sent = officer_client.post(url("response_new", consultation), details())
        assert sent.status_code == 200 and not Response.objects.exists()

    def test_the_consultation_page_offers_keying_in_only_once_there_is_a_questionnaire(
        self, officer_client, consultation
    ):
        without = make_consultation(slug="no-questionnaire")
        html = officer_client.get(reverse("staff:consultation", args=[without.pk])).content.decode()
        assert url("response_new", without) not in html and url("import_upload", without) not in html
        assert "has no questionnaire yet" in html
        assert f'href="{reverse("surveys_staff:questionnaire", args=[without.pk])}">Build the questionnaire' in html
        html = officer_client.get(reverse("staff:consultation", args=[consultation.pk])).content.decode()
        assert url("response_new", consultation) in html and url("import_upload", consultation) in html
        assert "has no questionnaire yet" not in html


class TestEventNotes:
    def note(self, **changes):
        return {
            "title": "Carers' group session, Loughborough", **date_fields("held_on", today()),
            "attendees": "12", "summary": "Carers asked for breaks to be easier to book.", **changes,
        }

    def test_notes_are_counted_apart_from_responses(self, officer_client, officer, questionnaire, consultation):
        sent_response(questionnaire)
        assert officer_client.post(url("event_note_new", consultation), self.note())["Location"] == url(
            "event_notes", consultation
        )
        officer_client.post(url("event_note_new", consultation), self.note(title="Young carers' forum", attendees="8"))
        page = officer_client.get(url("responses", consultation))
        assert page.context["notes"] == {"notes": 2, "attendees": 20}
        assert page.context["totals"] == ("Total", 1, 0, 0)
        html = page.content.decode()
        assert "2 event or group-session notes" in html and "20 attendees" in html
        assert EventNote.objects.filter(entered_by=officer).count() == 2
        assert AuditEvent.objects.filter(action="event_note.add").count() == 2

    @pytest.mark.parametrize("changes, message", [
        ({"attendees": "0"}, "Number of people who attended must be 1 or more"),
        ({"attendees": "lots"}, "Number of people who attended must be a whole number"),
        ({"title": ""}, "Enter the name of the event or session"),
        ({"summary": ""}, "Enter what people said"),
        ({"held_on_day": ""}, "Date held must include a day"),
    ])
    def test_each_mistake_gets_its_message(self, officer_client, consultation, changes, message):
        page = officer_client.post(url("event_note_new", consultation), self.note(**changes))
        assert page.status_code == 200 and message in page.content.decode()
        assert not EventNote.objects.exists()

    def test_a_note_may_name_one_of_the_consultations_events(self, officer_client, consultation):
        event = Event.objects.create(
            consultation=consultation, title="Drop-in", starts_at=timezone.now(), place="Loughborough Library"
        )
        other = Event.objects.create(
            consultation=make_consultation(), title="Elsewhere", starts_at=timezone.now(), place="Melton"
        )
        refused = officer_client.post(url("event_note_new", consultation), self.note(event=other.pk))
        assert "Select an event from the list" in refused.content.decode()
        officer_client.post(url("event_note_new", consultation), self.note(event=event.pk))
        assert EventNote.objects.get().event == event

    def test_edit_then_remove_after_confirming(self, officer_client, consultation):
        officer_client.post(url("event_note_new", consultation), self.note())
        note = EventNote.objects.get()
        officer_client.post(url("event_note_edit", consultation, note.pk), self.note(attendees="15"))
        assert EventNote.objects.get().attendees == 15
        confirm = officer_client.get(url("event_note_delete", consultation, note.pk))
        assert "Are you sure you want to remove" in confirm.content.decode()
        assert EventNote.objects.exists()
        officer_client.post(url("event_note_delete", consultation, note.pk))
        assert not EventNote.objects.exists()
        assert {"event_note.change", "event_note.delete"} <= set(AuditEvent.objects.values_list("action", flat=True))

    def test_who_may_do_what(self, analyst_client, viewer_client, client, consultation):
        assert analyst_client.get(url("event_notes", consultation)).status_code == 200
        assert analyst_client.post(url("event_note_new", consultation), self.note()).status_code == 403
        assert viewer_client.get(url("event_notes", consultation)).status_code == 403
        assert client.get(url("event_notes", consultation)).status_code == 302
        assert not EventNote.objects.exists()


class TestStakeholders:
    def test_adding_many_at_once_reports_duplicates_and_adds_them_once(self, officer_client, consultation):
        Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        names = (
            "Leicestershire Police\n"
            "Leicestershire Rural Partnership\n\n"
            "  leicestershire   rural partnership \n"
            "Healthwatch Leicestershire\n"
        )
        added = officer_client.post(
            url("stakeholder_new", consultation),
            {"names": names, "kind": "partnership", **date_fields("invited_on", datetime.date(2017, 6, 26))},
            follow=True,
        )
        html = added.content.decode()
        assert "2 stakeholders added." in html
        assert "Already on the list, so not added again: Leicestershire Police, leicestershire rural partnership." in html
        assert sorted(consultation.stakeholders.values_list("name", flat=True)) == [
            "Healthwatch Leicestershire", "Leicestershire Police", "Leicestershire Rural Partnership",
        ]
        rural = Stakeholder.objects.get(name="Leicestershire Rural Partnership")
        assert (rural.kind, rural.invited_on) == ("partnership", datetime.date(2017, 6, 26))
        assert AuditEvent.objects.get(action="stakeholder.add").detail == {
            "stakeholders": ["Leicestershire Rural Partnership", "Healthwatch Leicestershire"]
        }

    def test_adding_one(self, officer_client, consultation):
        officer_client.post(url("stakeholder_new", consultation), {"names": "Loughborough University", "kind": "organisation"})
        assert Stakeholder.objects.get().name == "Loughborough University"

    def test_no_names_gets_a_message(self, officer_client, consultation):
        page = officer_client.post(url("stakeholder_new", consultation), {"names": " \n ", "kind": "organisation"})
        assert "Enter at least one name" in page.content.decode()

    def test_responded_means_a_sent_response_or_another_way(self, officer_client, questionnaire, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        rural = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Rural Partnership")
        scrutiny = Stakeholder.objects.create(
            consultation=consultation, name="Scrutiny Commission", responded_other_way_on=datetime.date(2017, 7, 20)
        )
        Stakeholder.objects.create(consultation=consultation, name="Leicestershire MPs")
        sent = sent_response(questionnaire, stakeholder=police)
        Response.objects.create(questionnaire=questionnaire, stakeholder=rural)  # started, never sent
        page = officer_client.get(url("stakeholders", consultation))
        html = page.content.decode()
        assert "4 targeted, 2 responded" in html
        responded = {s.name for s in page.context["stakeholders"] if s.has_responded}
        assert responded == {police.name, scrutiny.name}
        assert sent.reference in html and "Another way, 20 July 2017" in html

    def test_the_list_does_not_query_once_per_stakeholder(self, officer_client, questionnaire, consultation,
                                                          django_assert_max_num_queries):
        for number in range(3):
            sent_response(questionnaire, stakeholder=Stakeholder.objects.create(consultation=consultation, name=f"S{number}"))
        with django_assert_max_num_queries(12) as few:
            officer_client.get(url("stakeholders", consultation))
        for number in range(3, 10):
            sent_response(questionnaire, stakeholder=Stakeholder.objects.create(consultation=consultation, name=f"S{number}"))
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = officer_client.get(url("stakeholders", consultation))
        assert "10 targeted, 10 responded" in page.content.decode()

    def test_linking_a_response_from_its_page(self, officer_client, questionnaire, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        response = sent_response(questionnaire)
        detail = officer_client.get(url("response", consultation, response.pk)).content.decode()
        assert "Link to a stakeholder" in detail
        linked = officer_client.post(url("response_stakeholder", consultation, response.pk), {"stakeholder": police.pk})
        assert linked["Location"] == url("response", consultation, response.pk)
        assert Response.objects.get(pk=response.pk).stakeholder == police
        assert "1 targeted, 1 responded" in officer_client.get(url("stakeholders", consultation)).content.decode()
        officer_client.post(url("response_stakeholder", consultation, response.pk), {"stakeholder": ""})
        assert Response.objects.get(pk=response.pk).stakeholder is None
        assert AuditEvent.objects.filter(action="response.link_stakeholder").count() == 2

    def test_only_those_who_manage_stakeholders_link_responses(self, analyst_client, questionnaire, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        response = sent_response(questionnaire)
        assert "Link to a stakeholder" not in analyst_client.get(url("response", consultation, response.pk)).content.decode()
        refused = analyst_client.post(url("response_stakeholder", consultation, response.pk), {"stakeholder": police.pk})
        assert refused.status_code == 403
        assert Response.objects.get(pk=response.pk).stakeholder is None

    def test_edit_refuses_a_name_already_listed(self, officer_client, consultation):
        Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        fire = Stakeholder.objects.create(consultation=consultation, name="Fire Service")
        page = officer_client.post(
            url("stakeholder_edit", consultation, fire.pk), {"name": "leicestershire police", "kind": "organisation"}
        )
        assert "is already on the list of stakeholders" in page.content.decode()
        officer_client.post(
            url("stakeholder_edit", consultation, fire.pk),
            {"name": "Leicestershire Fire and Rescue Service", "kind": "organisation",
             **date_fields("responded_other_way_on", datetime.date(2017, 8, 1))},
        )
        fire.refresh_from_db()
        assert (fire.name, fire.responded_other_way_on) == ("Leicestershire Fire and Rescue Service", datetime.date(2017, 8, 1))

    def test_removing_keeps_its_responses(self, officer_client, questionnaire, consultation):
        police = Stakeholder.objects.create(consultation=consultation, name="Leicestershire Police")
        response = sent_response(questionnaire, stakeholder=police)
        confirm = officer_client.get(url("stakeholder_delete", consultation, police.pk)).content.decode()
        assert "1 response is linked to it" in confirm
        officer_client.post(url("stakeholder_delete", consultation, police.pk))
        assert not Stakeholder.objects.exists()
        assert Response.objects.get(pk=response.pk).stakeholder is None
        assert AuditEvent.objects.get(action="stakeholder.delete").detail == {"stakeholder": "Leicestershire Police"}

    def test_a_stakeholder_of_another_consultation_is_not_found(self, officer_client, consultation):
        elsewhere = Stakeholder.objects.create(consultation=make_consultation(), name="Rutland County Council")
        assert officer_client.get(url("stakeholder_edit", consultation, elsewhere.pk)).status_code == 404
        assert officer_client.post(url("stakeholder_delete", consultation, elsewhere.pk)).status_code == 404
        assert Stakeholder.objects.exists()

    def test_who_may_do_what(self, analyst_client, viewer_client, outsider_client, consultation):
        assert analyst_client.get(url("stakeholders", consultation)).status_code == 200
        assert analyst_client.post(url("stakeholder_new", consultation), {"names": "X", "kind": "group"}).status_code == 403
        assert viewer_client.get(url("stakeholders", consultation)).status_code == 403
        assert outsider_client.get(url("stakeholders", consultation)).status_code == 403
        assert not Stakeholder.objects.exists()


def test_every_page_has_one_h1(officer_client, questionnaire, consultation):
    response = start_entry(officer_client, consultation)
    note = EventNote.objects.create(consultation=consultation, title="Session", held_on=today(), attendees=3, summary="…")
    stakeholder = Stakeholder.objects.create(consultation=consultation, name="Healthwatch")
    for address in (
        url("responses", consultation), url("response_new", consultation),
        url("response_enter_page", consultation, response.pk, 1), url("response_enter_check", consultation, response.pk),
        url("response_enter_details", consultation, response.pk), url("responses_export_contact_details", consultation),
        url("event_notes", consultation), url("event_note_new", consultation), url("event_note_edit", consultation, note.pk),
        url("event_note_delete", consultation, note.pk), url("stakeholders", consultation),
        url("stakeholder_new", consultation), url("stakeholder_edit", consultation, stakeholder.pk),
        url("stakeholder_delete", consultation, stakeholder.pk),
    ):
        page = officer_client.get(address)
        assert page.status_code == 200, address
        assert len(re.findall(r"<h1[ >]", page.content.decode())) == 1, address


class TestDateHints:
    def test_the_key_in_page_gives_govuk_s_example_date(self, officer_client, consultation):
        html = officer_client.get(url("response_new", consultation)).content.decode()
        assert "For example, 27 3 2007" in html
        assert not re.search(r"For example, (?!27 3 2007)\d+ \d+ \d{4}", html)

    def test_every_date_field_on_every_form_gives_govuk_s_example_date(self):
        from django import forms

        import haveyoursay.hub.staff_forms  # noqa: F401  the forms with date fields, imported to be found
        import haveyoursay.surveys.channels_forms  # noqa: F401
        from haveyoursay.govuk_forms import GovukDateField

        def subclasses(cls):
            for sub in cls.__subclasses__():
                yield sub
                yield from subclasses(sub)

        date_fields = [
            (form.__name__, name, field)
            for form in subclasses(forms.BaseForm) if form.__module__.startswith("haveyoursay.")
            for name, field in getattr(form, "base_fields", {}).items() if isinstance(field, GovukDateField)
        ]  # fmt: skip
        assert len(date_fields) >= 6
        for form, name, field in date_fields:
            assert "For example, 27 3 2007" in field.help_text, f"{form}.{name}: {field.help_text}"

    def test_a_date_question_gives_govuk_s_example_date(self, questionnaire):
        from haveyoursay.surveys.building import add_page, add_question

        question = add_question(add_page(questionnaire, "When"), "date", "When did you last visit?", code="when")
        field = question.type.form_fields(question)["q_when"]
        assert field.help_text == "For example, 27 3 2007"
