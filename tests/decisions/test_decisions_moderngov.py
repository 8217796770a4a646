"""Importing from ModernGov, over HTTP from a local server that answers with real recorded
responses (Manchester City Council's Audit Committee): bodies, meetings, agenda items, minutes,
documents and attendance; importing twice adds no copies; a malformed or partial answer is
reported by meeting and field and changes nothing."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.decisions.models import AgendaDocument, AgendaItem, Attendance, Meeting, Organization, Person
from haveyoursay.decisions.moderngov import ModernGovError, import_site
from tests.decisions.moderngov_site import Site

DATA = Path(__file__).parent / "data"
FROM, TO = datetime.date(2025, 12, 1), datetime.date(2026, 3, 31)


@pytest.fixture
def site():
    site = Site()
    yield site
    site.server.shutdown()
    site.server.server_close()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Organization, Meeting, AgendaItem, AgendaDocument, Attendance, Person)
    }


@pytest.mark.django_db
def test_it_imports_bodies_meetings_items_documents_and_attendance(site):
    summary = import_site(site.url, from_date=FROM, to_date=TO)

    assert sorted(Organization.objects.values_list("name", "is_current", "moderngov_id")) == [
        ("Appointment Sub Committee for Director of Adult Social Services", False, 312),
        ("Art Galleries Committee", True, 163),
        ("Audit Committee", True, 144),
    ]
    cancelled = Meeting.objects.get(moderngov_id=4966)
    assert cancelled.status == Meeting.Status.CANCELLED
    assert cancelled.state_label() == "Cancelled"
    held = Meeting.objects.get(moderngov_id=4967)
    assert held.organization.name == "Audit Committee"
    assert held.venue == "Council Antechamber, Level 2, Town Hall Extension"
    assert held.starts_at == datetime.datetime(2026, 2, 10, 10, 0, tzinfo=datetime.UTC)  # GMT in February
    assert held.ends_at == datetime.datetime(2026, 2, 10, 14, 0, tzinfo=datetime.UTC)
    assert held.minutes_status == Meeting.Minutes.DRAFT
    items = list(held.items.all())
    assert [(i.number, i.title) for i in items] == [(1, "Minutes"), (9, "Work Programme")]
    assert items[0].minutes == (
        "<p>To approve the minutes of the meeting held on\n25 November 2025 as a correct record.</p>"
    )
    assert "class=" not in items[0].text and "style=" not in items[0].text
    document = AgendaDocument.objects.get(moderngov_id=60860)
    assert document.title == "6 - CHAIR APPROVED Minutes Audit Committee 25 Nov 2025"
    assert document.url == "https://democracy.manchester.gov.uk/mgConvert2PDF.aspx?ID=60860"
    assert document.published_on == datetime.date(2026, 2, 2)
    curley = Person.objects.get(moderngov_id=192)
    assert (curley.name, curley.honorific_prefix, curley.given_name, curley.family_name) == (
        "Councillor Basil Curley", "Councillor", "Basil", "Curley"
    )  # fmt: skip
    assert (curley.party, curley.division) == ("Labour", "Charlestown")
    assert Attendance.objects.get(meeting=held, person=curley).status == Attendance.Status.EXPECTED
    assert summary.created["meetings"] == 2 and summary.created["agenda items"] == 2


@pytest.mark.django_db
def test_it_asks_for_each_committees_meetings_between_the_dates(site):
    import_site(site.url, from_date=FROM, to_date=TO)
    asked = [q for path, q in site.requests if path.endswith("/GetMeetings")]
    assert {"lCommitteeId": ["144"], "sFromDate": ["01/12/2025"], "sToDate": ["31/03/2026"]} in asked


@pytest.mark.django_db
def test_importing_twice_updates_and_adds_no_copies(site):
    import_site(site.url, from_date=FROM, to_date=TO)
    before = counts()
    site.replace(
        ("GetMeeting", "lMeetingId=4967"), b"<agendaitemtitle>Work Programme", b"<agendaitemtitle>Work Programme 2026"
    )
    summary = import_site(site.url, from_date=FROM, to_date=TO)
    assert counts() == before
    assert summary.created == {}
    assert AgendaItem.objects.get(moderngov_id=18833).title == "Work Programme 2026"


@pytest.mark.django_db
def test_items_renumbered_in_moderngov_swap_numbers_cleanly(site):
    import_site(site.url, from_date=FROM, to_date=TO)
    key = ("GetMeeting", "lMeetingId=4967")
    site.replace(
        key,
        b"<fulldisplaynumberformat>1.</fulldisplaynumberformat>",
        b"<fulldisplaynumberformat>X</fulldisplaynumberformat>",
    )
    site.replace(
        key,
        b"<fulldisplaynumberformat>9.</fulldisplaynumberformat>",
        b"<fulldisplaynumberformat>1.</fulldisplaynumberformat>",
    )
    site.replace(
        key,
        b"<fulldisplaynumberformat>X</fulldisplaynumberformat>",
        b"<fulldisplaynumberformat>9.</fulldisplaynumberformat>",
    )
    import_site(site.url, from_date=FROM, to_date=TO)
    assert list(AgendaItem.objects.order_by("number").values_list("number", "title")) == [
        (1, "Work Programme"), (9, "Minutes")
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_partial_answer_is_reported_by_meeting_and_field_and_changes_nothing(site):
    key = ("GetMeeting", "lMeetingId=4967")
    site.replace(key, b"<meetingdate>10/02/2026</meetingdate>\n  <meetingstatus>", b"<meetingstatus>")
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems == ["Meeting 4967, meetingdate: missing or empty."]
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_a_malformed_answer_changes_nothing_already_imported(site):
    import_site(site.url, from_date=FROM, to_date=TO)
    before = counts()
    key = ("GetMeeting", "lMeetingId=4967")
    site.replace(key, b"<agendaitemtitle>Work Programme", b"<agendaitemtitle>Changed")
    site.responses[("GetMeeting", "lMeetingId=4966")] = (DATA / "GetMeeting-4966-cancelled.xml").read_bytes()[:400]
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems[0].startswith("GetMeeting: the answer is not readable XML")
    assert counts() == before
    assert AgendaItem.objects.get(moderngov_id=18833).title == "Work Programme"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "old, new, problem",
    [
        (
            b"<meetingdate>10/02/2026</meetingdate>\n  <meetingstatus>",
            b"<meetingdate>2026-02-10</meetingdate>\n  <meetingstatus>",
            "Meeting 4967, meetingdate: “2026-02-10” is not a date written dd/mm/yyyy.",
        ),
        (
            b"<meetingtime>10.00 am</meetingtime>\n  <meetingactualstarttime>",
            b"<meetingtime>ten</meetingtime>\n  <meetingactualstarttime>",
            "Meeting 4967, meetingtime: “ten” is not a time such as 10.00 am.",
        ),
        (
            b"<meetingstatus>Confirmed</meetingstatus>",
            b"<meetingstatus>Abandoned</meetingstatus>",
            "Meeting 4967, meetingstatus: “Abandoned” is not a status this importer knows.",
        ),
        (
            b"<fulldisplaynumberformat>9.</fulldisplaynumberformat>",
            b"<fulldisplaynumberformat>1.</fulldisplaynumberformat>",
            "Meeting 4967, agenda item 2, fulldisplaynumberformat: item number 1. is used twice (items 18831 and 18833).",
        ),
        (
            b'attendance="Expected"',
            b'attendance="Sometimes"',
            "Meeting 4967, attendee 192 attendance: “Sometimes” is not known.",
        ),
        (
            b"<agendaitemid>18833</agendaitemid>",
            b"<agendaitemid>x18833</agendaitemid>",
            "Meeting 4967, agenda item 2, agendaitemid: “x18833” is not a whole number.",
        ),
    ],
)
def test_each_kind_of_bad_field_is_named(site, old, new, problem):
    key = ("GetMeeting", "lMeetingId=4967")
    assert old in site.responses[key]
    site.replace(key, old, new)
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems == [problem]
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_an_answer_cut_short_before_its_agenda_is_reported(site):
    key = ("GetMeeting", "lMeetingId=4967")
    body = site.responses[key]
    site.responses[key] = body[: body.index(b"<agendaitems>")] + b"</meeting>"
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems == ["Meeting 4967, agendaitems: missing: the answer seems to have been cut short."]


@pytest.mark.django_db
def test_xml_entities_are_refused(site):
    site.responses[("GetCommittees", "")] = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<committees>&b;</committees>"
    )
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems[0].startswith("GetCommittees: the answer is not readable XML")


@pytest.mark.django_db
def test_a_site_that_is_not_moderngov_is_reported(site):
    del site.responses[("GetCommittees", "")]
    with pytest.raises(ModernGovError) as caught:
        import_site(site.url, from_date=FROM, to_date=TO)
    assert caught.value.problems == ["GetCommittees: the site answered 404 Not Found."]


@pytest.mark.django_db
def test_an_address_that_is_not_a_website_is_refused():
    with pytest.raises(ModernGovError) as caught:
        import_site("file:///etc/passwd", from_date=FROM, to_date=TO)
    assert "is not the address of a website" in caught.value.problems[0]


@pytest.mark.django_db
def test_the_command_imports_twice_without_copies_and_records_it(site, capsys):
    call_command("import_moderngov", "--url", site.url, "--from", "2025-12-01", "--to", "2026-03-31")
    first = capsys.readouterr().out
    assert "meetings: 2 new, 0 updated" in first
    call_command("import_moderngov", "--url", site.url, "--from", "2025-12-01", "--to", "2026-03-31")
    assert "meetings: 0 new, 2 updated" in capsys.readouterr().out
    assert Meeting.objects.count() == 2
    assert AuditEvent.objects.filter(action="democracy.import_moderngov").count() == 2


@pytest.mark.django_db
def test_the_command_lists_the_problems_and_imports_nothing(site):
    site.replace(
        ("GetMeeting", "lMeetingId=4967"),
        b"<meetingstatus>Confirmed</meetingstatus>",
        b"<meetingstatus>?</meetingstatus>",
    )
    with pytest.raises(CommandError) as caught:
        call_command("import_moderngov", "--url", site.url, "--from", "2025-12-01", "--to", "2026-03-31")
    assert str(caught.value) == (
        "Nothing was imported, because:\n  - Meeting 4967, meetingstatus: “?” is not a status this importer knows."
    )
    assert Meeting.objects.count() == 0
