"""The demo's Strategic Plan: a survey of 259 synthetic responses whose results are the Cabinet
report's figures, and its "We did" entries from the report, counted live and linked to the
Cabinet's decision of 29 March 2022."""

import datetime

import pytest
from django.urls import reverse

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.tables import frequency_table
from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.hub.demo import load_demo
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.outcomes.demo_we_did import ENTRIES, load_demo_we_did
from haveyoursay.outcomes.models import WeDidEntry
from haveyoursay.reports.document import format_percent
from haveyoursay.surveys.demo_strategic_plan import load_demo_strategic_plan_survey
from haveyoursay.surveys.models import Response

pytestmark = pytest.mark.django_db



@pytest.fixture
def demo():
    load_demo()
    added = load_demo_strategic_plan_survey()
    load_demo_records()
    entries = load_demo_we_did()
    return added, entries


def test_the_survey_gives_the_cabinet_reports_figures(demo):
    added, _ = demo
    responses = Response.objects.filter(questionnaire__consultation__slug="strategic-plan-2022-2026")
    assert added == responses.count() == responses.filter(synthetic=True).count() == 259
    assert not responses.exclude(respondent_name="", email="").exists()
    dataset = load_dataset(responses.first().questionnaire)
    outcomes = frequency_table(dataset, "outcomes").summary
    economy = frequency_table(dataset, "economy").summary
    assert (outcomes.base, economy.base) == (259, 259)
    assert [format_percent(p) for p in (outcomes.percent_positive, outcomes.percent_negative)] == ["79%", "10%"]
    assert format_percent(100 * frequency_table(dataset, "outcomes").rows[0].count / 259) == "42%"
    assert [format_percent(p) for p in (economy.percent_positive, economy.percent_negative)] == ["68%", "17%"]
    assert format_percent(100 * frequency_table(dataset, "economy").rows[0].count / 259) == "34%"


def test_every_response_was_sent_while_it_was_open(demo):
    responses = Response.objects.filter(questionnaire__consultation__slug="strategic-plan-2022-2026")
    days = {response.submitted_at.date() for response in responses}
    assert min(days) >= datetime.date(2021, 11, 1) and max(days) <= datetime.date(2022, 2, 18)


def test_the_entries_are_the_reports_changes_linked_to_the_cabinet_decision(demo):
    _, added = demo
    entries = list(WeDidEntry.objects.filter(consultation__slug="strategic-plan-2022-2026"))
    assert added == len(entries) == len(ENTRIES)
    assert {(e.decision.item.meeting.organization.name, e.decision.decided_on) for e in entries} == {
        ("Cabinet", datetime.date(2022, 3, 29))
    }
    assert [entry.we_did for entry in entries] == [data["we_did"] for data in ENTRIES]
    assert "wordcount reduced by 25%" in entries[1].we_did
    assert entries[4].we_did.startswith("The sub-outcome around housing has been removed")
    figures = figures_for(entries)
    shown = [figures[entry.pk].people for entry in entries if figures[entry.pk]]
    # One figure, beside the entry on housing whose concerns explain it: the 79% who agreed with the
    # outcomes is in "You said" already, and is no figure for the vision statement.
    assert shown == ["44 people (17%)"] and figures[entries[4].pk]
    assert figures[entries[0].pk] is None


def test_loading_again_changes_nothing(demo):
    assert load_demo_strategic_plan_survey() == 0
    assert load_demo_we_did() == 0
    assert WeDidEntry.objects.count() == len(ENTRIES)


def test_the_consultation_page_shows_259_responses_and_each_change(client, demo):
    html = client.get(reverse("hub:consultation", args=["strategic-plan-2022-2026"])).content.decode()
    assert "259 people responded to the questionnaire." in html
    assert "<strong>44 people (17%)</strong> of the 259 who answered" in html
    # "You said" gives the 79% as the council did; no entry repeats it.
    assert html.count("79%") == 1
    assert "wordcount reduced by 25%" in html
    assert "The sub-outcome around housing has been removed" in html
    assert html.count("Cabinet, 29 March 2022: Strategic Plan (2022-26) (approved)") == len(ENTRIES)


def test_the_api_gives_each_entry_the_figure_the_page_shows(demo, client):
    plan = WeDidEntry.objects.filter(consultation__slug="strategic-plan-2022-2026")
    figures = figures_for(plan.order_by("position", "pk"), public=True)
    body = client.get(reverse("api:consultation", args=["strategic-plan-2022-2026"])).json()
    given = [entry["figure"] for entry in body["we_did_entries"]]
    expected = [figures[entry.pk] for entry in plan.order_by("position", "pk")]
    assert len(given) == len(expected) == len(ENTRIES)
    assert [f and (f["count"], f["base"]) for f in given] == [e and (e.count, e.base) for e in expected]
    assert given[4]["count"] == 44 and given[4]["base"] == 259 and given[4]["of_whom"] == "who answered"
