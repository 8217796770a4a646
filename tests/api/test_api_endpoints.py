"""The read-only JSON API on the demo's real consultations and minutes: its shapes, filters and
pages, its errors, its caching headers, and what it never shows (drafts, items taken in private,
anything about a respondent)."""

import datetime

import pytest
from django.utils import timezone

from haveyoursay.analysis.models import Codeframe, Theme
from haveyoursay.decisions.demo import load_demo_records
from haveyoursay.decisions.models import AgendaDocument, AgendaItem, Decision, Meeting, Person, Vote, VoteEvent
from haveyoursay.hub.demo import load_demo
from haveyoursay.hub.models import Consultation
from haveyoursay.outcomes.models import Consideration, WeDidEntry
from haveyoursay.surveys import submission
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire, Response
from tests.factories import make_consultation, make_document

STRATEGIC_PLAN = "strategic-plan-2022-2026"
SECRET_ITEM = "Acquisition of land at Lutterworth"
SECRET_TEXT = "The purchase price agreed was"
RESPONDENT_NAME = "Harjinder Kaur Bassi"
RESPONDENT_EMAIL = "h.bassi.respondent@example.org"
RESPONDENT_WORDS = "My neighbour at 14 Welland Close says the bus stop floods"


@pytest.fixture
def trail(db):
    """The demo's consultations and democratic records, with the Strategic Plan's trail: the
    Cabinet approved the consultation, considered its results and approved the plan; an item
    taken in private at the same meeting; a "We did" entry tied to the plan's decision; and a
    questionnaire with one respondent who gave their name, email and words."""
    load_demo()
    load_demo_records()
    plan = Consultation.public_objects.get(slug=STRATEGIC_PLAN)
    make_document(
        plan, title="Strategic Plan 2022-26: easy read", kind="easy_read", name="strategic-plan-easy-read.pdf"
    )
    october = AgendaItem.objects.get(meeting__organization__slug="cabinet", title="Draft Strategic Plan (2022-26)")
    march = AgendaItem.objects.get(meeting__organization__slug="cabinet", title="Strategic Plan (2022-26)")
    Consideration.objects.create(consultation=plan, item=october, stage=Consideration.Stage.APPROVAL)
    Consideration.objects.create(
        consultation=plan, item=march, stage=Consideration.Stage.DECISION,
        note="The Cabinet approved the Strategic Plan, changed in the light of the consultation.",
    )  # fmt: skip
    secret = AgendaItem.objects.create(
        meeting=march.meeting, number=2, title=SECRET_ITEM, is_exempt=True,
        exemption_paragraph="Paragraph 3 of Part 1 of Schedule 12A", text=f"<p>{SECRET_TEXT} £1.2m</p>",
        minutes=f"<p>{SECRET_TEXT} £1.2m</p>",
    )  # fmt: skip
    AgendaDocument.objects.create(item=secret, title="Valuation report", url="https://example.org/valuation.pdf")
    Decision.objects.create(
        item=secret, decided_on=timezone.localdate(march.meeting.starts_at), outcome=Decision.Outcome.APPROVED,
        text=f"{SECRET_TEXT} £1.2m.",
    )  # fmt: skip
    VoteEvent.objects.create(item=secret, motion_text=f"{SECRET_TEXT} £1.2m", result=VoteEvent.Result.CARRIED)
    Consideration.objects.create(consultation=plan, item=secret, stage=Consideration.Stage.RESULTS)
    questionnaire = Questionnaire.objects.create(consultation=plan, privacy_notice="Stored in line with the law.")
    question = add_question(add_page(questionnaire, "Your views"), "long_text", "Why do you say this?", code="why")
    codeframe = Codeframe.objects.create(question=question)
    theme = Theme.objects.create(codeframe=codeframe, label="Housing on greenfield land")
    entry = WeDidEntry.objects.create(
        consultation=plan, position=1,
        you_said="Some worried the Clean and Green outcome conflicts with housebuilding in greenfield areas.",
        action=WeDidEntry.Action.CHANGED,
        we_did="The sub-outcome around housing has been removed.",
        decision=march.decisions.get(),
    )  # fmt: skip
    entry.themes.add(theme)
    response = Response.objects.create(
        questionnaire=questionnaire, channel=Response.Channel.PAPER, received_on=datetime.date(2022, 1, 10)
    )
    submission.save_answers(response, {question: {"text": RESPONDENT_WORDS}})
    submission.submit(response, respondent_name=RESPONDENT_NAME, email=RESPONDENT_EMAIL, contact_about_outcome=True)
    return plan


def get(client, path, **query):
    response = client.get(f"/api/v1/{path}", query)
    return response, response.json()


# -- Consultations ----------------------------------------------------------------------------


def test_it_lists_published_consultations_in_hub_order_with_their_labels(client, trail):
    response, page = get(client, "consultations", limit=100)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert page["count"] == Consultation.public_objects.count() == len(page["results"])
    plan = next(c for c in page["results"] if c["id"] == STRATEGIC_PLAN)
    assert plan["status"] == "closed"
    assert plan["opens_on"] == "2021-11-01" and plan["closes_on"] == "2022-02-18"
    assert plan["url"] == f"http://testserver/consultations/{STRATEGIC_PLAN}/"
    assert plan["api_url"] == f"http://testserver/api/v1/consultations/{STRATEGIC_PLAN}"
    statuses = [c["status"] for c in page["results"]]
    rank = {"open": 0, "forthcoming": 1, "closed": 2}
    assert statuses == sorted(statuses, key=rank.get)


def test_it_filters_consultations_by_status_topic_and_area(client, trail):
    _, closed = get(client, "consultations", status="closed", limit=100)
    assert closed["count"] == Consultation.public_objects.with_status(["closed"]).count() > 0
    assert {c["status"] for c in closed["results"]} == {"closed"}
    _, both = get(client, "consultations?status=open&status=forthcoming")
    assert {c["status"] for c in both["results"]} <= {"open", "forthcoming"}
    topic = trail.topics.first()
    _, by_topic = get(client, "consultations", topic=topic.slug, limit=100)
    assert STRATEGIC_PLAN in [c["id"] for c in by_topic["results"]]
    assert all(topic.slug in [t["slug"] for t in c["topics"]] for c in by_topic["results"])
    _, unknown = get(client, "consultations", area="no-such-area")
    assert unknown["count"] == 0 and unknown["results"] == []


def test_a_consultation_has_its_documents_dates_outcome_timeline_and_we_did_entries(client, trail):
    response, plan = get(client, f"consultations/{STRATEGIC_PLAN}")
    assert response.status_code == 200
    assert plan["title"] == trail.title
    assert plan["you_said"].startswith("The public survey received 259 responses")
    [document] = plan["documents"]
    assert document["title"] == "Strategic Plan 2022-26: easy read" and document["kind_display"] == "Easy read"
    assert document["format"] == "PDF" and document["url"].startswith("http://testserver/documents/")
    assert plan["response_count"] == 1
    kinds = [step["kind"] for step in plan["timeline"]]
    assert kinds[:2] == ["approved", "opened"] and "closed" in kinds and "decision" in kinds
    decision_step = next(step for step in plan["timeline"] if step["kind"] == "decision")
    assert decision_step["detail"] == (
        "The Cabinet approved the Strategic Plan, changed in the light of the consultation."
    )
    assert decision_step["decisions"][0]["text"].startswith("The Cabinet noted the outcome of the consultation")
    assert decision_step["decisions"][0]["is_key_decision"] is True
    [entry] = plan["we_did_entries"]
    assert entry["action"] == "changed" and entry["action_display"] == "Changed"
    assert entry["we_did"] == "The sub-outcome around housing has been removed."
    assert entry["themes"] == [{"id": entry["themes"][0]["id"], "label": "Housing on greenfield land",
                                "question_code": "why"}]  # fmt: skip
    assert entry["decision"]["decision_maker"] == {"entity_type": "organization", "id": "organization/cabinet",
                                                   "name": "Cabinet"}  # fmt: skip


def test_you_said_and_we_did_stay_hidden_until_the_outcome_is_published(client, trail):
    trail.withdraw_outcome()
    _, plan = get(client, f"consultations/{STRATEGIC_PLAN}")
    assert plan["you_said"] is None and plan["we_did"] is None
    assert plan["we_did_entries"] == []


def test_a_consultation_without_a_questionnaire_has_no_response_count(client, trail):
    other = Consultation.public_objects.exclude(pk=trail.pk).filter(questionnaire__isnull=True).first()
    _, shown = get(client, f"consultations/{other.slug}")
    assert shown["response_count"] is None


def test_responses_not_counted_are_not_in_the_count(client, trail):
    questionnaire = trail.questionnaire
    Response.objects.create(questionnaire=questionnaire)  # started, never sent
    withdrawn = Response.objects.create(questionnaire=questionnaire, state=Response.State.SUBMITTED,
                                        excluded_as="withdrawn")  # fmt: skip
    assert withdrawn.pk
    _, plan = get(client, f"consultations/{STRATEGIC_PLAN}")
    assert plan["response_count"] == 1


def test_drafts_and_scheduled_consultations_are_not_found(client, trail):
    draft = make_consultation(published=False, slug="draft-budget-2027")
    scheduled = make_consultation(published=False, slug="scheduled-budget-2027")
    scheduled.publish(at=scheduled.created_at + datetime.timedelta(days=3))
    for consultation in (draft, scheduled):
        response, error = get(client, f"consultations/{consultation.slug}")
        assert response.status_code == 404
        assert error == {"message": f"There is no published consultation '{consultation.slug}'", "errors": []}
    _, page = get(client, "consultations", limit=100)
    assert not {"draft-budget-2027", "scheduled-budget-2027"} & {c["id"] for c in page["results"]}


# -- Nothing private --------------------------------------------------------------------------


def test_nothing_about_a_respondent_appears_anywhere(client, trail):
    reference = Response.objects.get(respondent_name=RESPONDENT_NAME).reference
    paths = ["consultations?limit=100", f"consultations/{STRATEGIC_PLAN}", "meetings?limit=100", "decisions?limit=100",
             "people?limit=100", "bodies?limit=100", "openapi.json"]  # fmt: skip
    paths += [f"meetings/{m.pk}" for m in Meeting.objects.all()]
    for path in paths:
        body = client.get(f"/api/v1/{path}").content.decode()
        for personal in (RESPONDENT_NAME, RESPONDENT_EMAIL, RESPONDENT_WORDS, reference):
            assert personal not in body, f"{personal!r} is in /api/v1/{path}"


def test_an_item_taken_in_private_shows_only_its_title_and_exemption_everywhere(client, trail):
    march = Meeting.objects.get(items__title=SECRET_ITEM)
    _, meeting = get(client, f"meetings/{march.pk}")
    [item] = [i for i in meeting["agenda"] if i["description"] == SECRET_ITEM]
    assert item["exempt"] is True and item["exemption_paragraph"] == "Paragraph 3 of Part 1 of Schedule 12A"
    assert item["documents"] == [] and item["decisions"] == [] and item["vote_events"] == []
    _, plan = get(client, f"consultations/{STRATEGIC_PLAN}")
    [step] = [s for s in plan["timeline"] if s["agenda_item"] and s["agenda_item"]["exempt"]]
    assert step["agenda_item"]["title"] == SECRET_ITEM and step["decisions"] == [] and step["vote_events"] == []
    secret_decision = Decision.objects.get(item__title=SECRET_ITEM)
    _, decision = get(client, f"decisions/{secret_decision.pk}")
    assert decision["text"] is None and decision["outcome"] == "approved"
    for path in ("meetings?limit=100", f"meetings/{march.pk}", f"consultations/{STRATEGIC_PLAN}",
                 "decisions?limit=100", f"decisions/{secret_decision.pk}"):  # fmt: skip
        body = client.get(f"/api/v1/{path}").content.decode()
        assert SECRET_TEXT not in body and "valuation.pdf" not in body, path


# -- Meetings, votes, bodies, people, decisions -----------------------------------------------


def test_a_meeting_is_an_open_civic_data_event_with_its_agenda_and_named_vote(client, trail):
    council = Meeting.objects.get(organization__name="Leicestershire County Council", starts_at__date="2022-02-23")
    response, meeting = get(client, f"meetings/{council.pk}")
    assert response.status_code == 200
    assert meeting["classification"] == "meeting" and meeting["status"] == "confirmed"
    assert meeting["start_date"] == council.starts_at.isoformat()
    assert meeting["organization_id"] == "organization/leicestershire-county-council"
    assert meeting["participants"][0] == {
        "entity_type": "organization", "entity_id": "organization/leicestershire-county-council",
        "name": "Leicestershire County Council", "note": "host",
    }  # fmt: skip
    assert sum(1 for p in meeting["participants"] if p["note"] == "present") == 51
    [named] = [v for item in meeting["agenda"] for v in item["vote_events"] if v["votes"]]
    assert {"option": "yes", "value": 40} in named["counts"] and {"option": "no", "value": 11} in named["counts"]
    assert named["result"] == "pass"
    pain = Person.objects.get(family_name="Pain")
    assert {"voter_id": f"person/{pain.slug}", "voter_name": "Mr. B. L. Pain CC", "option": "yes"} in named["votes"]
    assert len(named["votes"]) == Vote.objects.filter(vote_event__is_named=True).count()


def test_a_meeting_without_a_recorded_time_gives_its_date_alone(client, trail):
    cabinet = Meeting.objects.get(organization__slug="cabinet", starts_at__date="2022-03-29")
    _, meeting = get(client, f"meetings/{cabinet.pk}")
    assert meeting["start_date"] == "2022-03-29"
    [item] = [i for i in meeting["agenda"] if i["description"] == "Strategic Plan (2022-26)"]
    assert item["consultations"] == [STRATEGIC_PLAN]


def test_meetings_filter_by_body_and_date(client, trail):
    _, cabinet = get(client, "meetings", body="cabinet")
    assert cabinet["count"] == 2 and {m["organization_id"] for m in cabinet["results"]} == {"organization/cabinet"}
    _, in_2022 = get(client, "meetings", since="2022-01-01", until="2022-12-31", limit=100)
    assert in_2022["count"] == Meeting.objects.filter(starts_at__year=2022).count()
    starts = [m["start_date"] for m in in_2022["results"]]
    assert starts == sorted(starts, reverse=True)


def test_decisions_filter_by_body_outcome_and_date(client, trail):
    _, everything = get(client, "decisions")
    assert everything["count"] == Decision.objects.count()
    _, cabinet = get(client, "decisions", body="cabinet")
    assert cabinet["count"] == 3  # two from the demo, one taken in private
    _, key = get(client, "decisions", outcome="approved", since="2022-03-01")
    assert {d["decided_on"] >= "2022-03-01" and d["outcome"] == "approved" for d in key["results"]} == {True}


def test_bodies_and_people_give_what_their_pages_show(client, trail):
    _, bodies = get(client, "bodies")
    cabinet = next(b for b in bodies["results"] if b["slug"] == "cabinet")
    assert cabinet["parent_id"] == "organization/leicestershire-county-council"
    assert cabinet["classification"] == "executive"
    response, body = get(client, "bodies/cabinet")
    assert response.status_code == 200 and body["name"] == "Cabinet"
    pain = Person.objects.get(family_name="Pain")
    _, person = get(client, f"people/{pain.slug}")
    assert person["name"] == "Mr. B. L. Pain CC" and person["classification"] == "member"
    assert {"organization_id": "organization/leicestershire-county-council"}.items() <= person["memberships"][0].items()
    assert set(person) == {
        "id", "slug", "name", "honorific_prefix", "given_name", "family_name", "honorific_suffix", "party",
        "division", "role", "classification", "url", "api_url", "memberships",
    }  # fmt: skip


# -- Pages, errors, methods, caching ----------------------------------------------------------


def test_pages_link_to_each_other_and_a_page_past_the_end_is_empty(client, trail):
    total = Meeting.objects.count()
    _, first = get(client, "meetings", limit=2, body="")
    assert first["pages"] == -(-total // 2) and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/meetings?limit=2&body=&page=2"
    _, second = get(client, "meetings", limit=2, page=2)
    assert second["previous"].endswith("page=1")
    assert second["results"][0]["id"] not in [m["id"] for m in first["results"]]
    _, beyond = get(client, "meetings", limit=2, page=1000)
    assert beyond["results"] == [] and beyond["next"] is None and beyond["count"] == total


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page": 10**30}, "page"),
        ({"status": "draft"}, "status"),
        ({"topic": "not a slug"}, "topic"),
        ({"topic": "nul\x00"}, "topic"),
    ],
)
def test_it_refuses_bad_consultation_parameters_with_a_422_naming_the_parameter(client, db, query, parameter):
    response, error = get(client, "consultations", **query)
    assert response.status_code == 422
    assert [e["parameter"] for e in error["errors"]] == [parameter]
    assert error["message"].startswith(f"{parameter}: ")


def test_it_refuses_a_date_not_written_as_one(client, db):
    for since in ("0", "2022-02-30", "29/03/2022"):
        response, error = get(client, "decisions", since=since)
        assert response.status_code == 422
        assert error["errors"][0]["parameter"] == "since"
    _, error = get(client, "meetings", until="0")
    assert error["message"] == "until: Value error, Give the date as YYYY-MM-DD, for example 2022-03-29"


def test_a_date_range_that_ends_before_it_starts_has_no_results(client, trail):
    response, page = get(client, "decisions", since="2022-03-01", until="2022-01-01")
    assert response.status_code == 200 and page["count"] == 0


@pytest.mark.parametrize("path", ["meetings/0", "meetings/9223372036854775808", "decisions/-1", "meetings/abc"])
def test_it_answers_an_id_that_cannot_exist_with_json_not_a_server_error(client, db, path):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code in (404, 422)
    assert response.json()["message"]


@pytest.mark.parametrize("path", ["people/no-such-person", "bodies/nul%00", "consultations/%F0%9F%90%8D"])
def test_an_unknown_slug_is_a_json_404(client, db, path):
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_it_is_read_only(client, db):
    for method in (client.post, client.put, client.patch, client.delete):
        response = method("/api/v1/consultations")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["message"].startswith("This API is read-only")


def test_head_answers_as_get_without_the_body(client, trail):
    got = client.get("/api/v1/consultations")
    head = client.head("/api/v1/consultations")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"] and head["Content-Length"] == str(len(got.content))


def test_answers_can_be_cached_and_revalidated(client, trail):
    response = client.get("/api/v1/consultations")
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/api/v1/consultations", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again.content == b""
    trail.title = "Strategic Plan (2022-26), renamed"
    trail.save()
    changed = client.get("/api/v1/consultations", headers={"If-None-Match": response["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]


def test_an_error_is_not_cached(client, db):
    response = client.get("/api/v1/consultations/no-such-consultation")
    assert response.status_code == 404
    assert "ETag" not in response and "max-age" not in response.get("Cache-Control", "")


# -- The description and its page -------------------------------------------------------------


def test_the_openapi_description_lists_every_operation(client, db):
    description = client.get("/api/v1/openapi.json").json()
    assert description["openapi"].startswith("3.")
    assert sorted(description["paths"]) == [
        "/api/v1/bodies", "/api/v1/bodies/{slug}", "/api/v1/consultations", "/api/v1/consultations/{slug}",
        "/api/v1/decisions", "/api/v1/decisions/{decision_id}", "/api/v1/meetings", "/api/v1/meetings/{meeting_id}",
        "/api/v1/people", "/api/v1/people/{slug}",
    ]  # fmt: skip
    assert all(list(methods) == ["get"] for methods in description["paths"].values())


def test_the_documentation_page_describes_each_operation_and_its_parameters(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Open data API</h1>' in page
    assert "GET /api/v1/meetings/{meeting_id}" in page
    assert '<a class="govuk-link" href="/api/v1/openapi.json">OpenAPI 3 (JSON)</a>' in page
    assert '<code class="hys-code">limit</code>' in page and "Whole number, 1 to 100 (default 20)." in page
    assert "One of: forthcoming, open, closed (repeat for several)." in page
    assert 'href="/api/v1/consultations?status=open&amp;limit=10"' in page


def test_every_page_links_to_the_api_from_its_footer(client, db):
    assert '<a class="govuk-footer__link" href="/api/">Open data API</a>' in client.get("/").content.decode()


def test_the_api_root_leads_to_its_documentation(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 302 and response["Location"] == "/api/"
