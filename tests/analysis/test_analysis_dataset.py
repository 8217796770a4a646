"""Loading a questionnaire's submitted responses into columns: every kind, every oddity, either way of reading."""

import datetime

import numpy as np
import pandas as pd
import pytest
from django.db import connection
from django.utils import timezone

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, ImportBatch, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def build(title="Leicestershire County Council Strategic Plan 2022-2026"):
    questionnaire = Questionnaire.objects.create(consultation=make_consultation(title=title), privacy_notice="As the Act requires.")
    page = add_page(questionnaire, "Our vision")
    add_question(page, "agree", "Do you agree with the vision?", code="vision")
    add_question(page, "multiple", "Which services have you used?", code="services",
                 options=["Libraries", "Country parks", "Adult social care"])  # fmt: skip
    add_question(page, "number", "Years lived in Leicestershire", code="years")
    add_question(page, "ranking", "Put the outcomes in order", code="order",
                 options=[("economy", "Strong Economy"), ("green", "Clean, Green Future")])  # fmt: skip
    add_question(page, "grid", "How much do you agree with these aims?", code="aims",
                 settings={"statements": [{"value": "cohesion", "label": "Community cohesion"},
                                          {"value": "volunteering", "label": "Volunteering"}]})  # fmt: skip
    add_question(page, "location", "Where?", code="place", settings={"places": [{"value": "melton", "label": "Melton"}]})
    add_question(page, "long_text", "Why do you say this?", code="why")
    add_question(page, "postcode", "Your postcode", code="postcode")
    parks = add_page(questionnaire, "Country parks", condition={"question": "services", "values": ["country_parks"]})
    add_question(parks, "single", "Which park do you visit most?", code="park", options=["Beacon Hill", "Bradgate"])
    return questionnaire


def respond(questionnaire, answers, *, state="submitted", submitted_at=None, **fields):
    response = Response.objects.create(
        questionnaire=questionnaire, state=state, submitted_at=submitted_at or (timezone.now() if state == "submitted" else None),
        **fields,
    )  # fmt: skip
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    Answer.objects.bulk_create([Answer(response=response, question=questions[c], value=v) for c, v in answers.items()])
    return response


def choice(value):
    return {"choice": value, "other": ""}


@pytest.fixture
def questionnaire():
    return build()


@pytest.fixture
def answered(questionnaire):
    """A spread of answers, with the oddities imported data can bring."""
    first = respond(questionnaire, {
        "vision": choice("tend_to_agree"), "services": {"choices": ["libraries", "country_parks"], "other": ""},
        "years": {"number": 12}, "order": {"ranking": ["green", "economy"]},
        "aims": {"rows": {"cohesion": "strongly_agree", "volunteering": "dont_know"}},
        "place": {"place": "melton"}, "why": {"text": "Buses."}, "park": choice("bradgate"),
    }, channel="paper")  # fmt: skip
    second = respond(questionnaire, {
        "vision": choice("sort_of_agree"),  # not an option (now): kept, not lost
        "services": {"choices": ["libraries"], "other": ""}, "years": {"number": 2.5},
        "aims": {"rows": {"volunteering": "tend_to_disagree"}}, "place": {"postcode": "LE13 0UL"},
        "postcode": {"postcode": "LE13 0UL"},
    }, respondent_kind="organisation", organisation_name="Melton Borough Council")  # fmt: skip
    third = respond(questionnaire, {
        "vision": {"choice": "", "other": ""}, "services": {"choices": [], "other": ""}, "years": {"number": "lots"},
        "order": {"ranking": []}, "aims": {"rows": {}}, "place": {}, "why": {"text": "Trains."},
    })  # fmt: skip
    respond(questionnaire, {"vision": choice("strongly_disagree")}, state="in_progress")
    other = build(title="Leicestershire Communities Approach 2022-2026")
    respond(other, {"vision": choice("strongly_disagree")})
    return first, second, third


def test_every_kind_becomes_its_columns(questionnaire, answered):
    first, second, third = answered
    dataset = load_dataset(questionnaire)
    frame = dataset.frame
    assert list(frame.index) == [first.pk, second.pk, third.pk]
    assert frame.loc[first.pk, "channel"] == "paper" and frame.loc[second.pk, "respondent_kind"] == "organisation"
    assert frame.loc[first.pk, "vision"] == "tend_to_agree"
    assert list(frame["vision"].cat.categories[:2]) == ["strongly_agree", "tend_to_agree"]
    assert frame.loc[first.pk, ["services:libraries", "services:country_parks", "services:adult_social_care"]].tolist() == [
        True, True, False]  # fmt: skip
    assert frame.loc[second.pk, "years"] == 2.5
    assert frame.loc[first.pk, "order:green"] == 1 and frame.loc[first.pk, "order:economy"] == 2
    assert frame.loc[first.pk, "aims:volunteering"] == "dont_know"
    assert pd.isna(frame.loc[second.pk, "aims:cohesion"])
    assert frame.loc[first.pk, "place"] == "melton" and frame.loc[second.pk, "place"] == "postcode"
    assert "why" not in frame and "postcode" not in frame
    assert dataset.open_answer_counts == {"why": 2, "postcode": 1}
    assert [spec.code for spec in dataset.open_questions] == ["why", "postcode"]


def test_empty_and_unreadable_answers_count_as_not_answered(questionnaire, answered):
    _, _, third = answered
    row = load_dataset(questionnaire).answered.loc[third.pk]
    assert not row[["vision", "services", "years", "order", "aims", "place"]].any()


def test_a_value_that_is_not_an_option_is_kept_as_its_own_category(questionnaire, answered):
    _, second, _ = answered
    dataset = load_dataset(questionnaire)
    assert dataset.frame.loc[second.pk, "vision"] == "sort_of_agree"
    assert dataset.question("vision").options[-1] == ("sort_of_agree", "sort_of_agree")


def test_routing_on_a_multiple_choice_answer(questionnaire, answered):
    first, second, third = answered
    dataset = load_dataset(questionnaire)
    assert dataset.asked["park"].tolist() == [True, False, False]
    assert dataset.asked["vision"].all()


def test_reading_in_the_database_and_through_the_orm_agree(questionnaire, answered):
    fast, slow = load_dataset(questionnaire), load_dataset(questionnaire, in_database=False)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.answered, slow.answered)
    pd.testing.assert_frame_equal(fast.asked, slow.asked)
    assert fast.open_answer_counts == slow.open_answer_counts


def test_until_leaves_out_later_responses_either_way(questionnaire):
    respond(questionnaire, {"vision": choice("neither")}, submitted_at=timezone.now() - datetime.timedelta(days=3))
    respond(questionnaire, {"vision": choice("neither"), "why": {"text": "Late."}})
    cut_off = timezone.now() - datetime.timedelta(days=1)
    for in_database in (True, False):
        dataset = load_dataset(questionnaire, until=cut_off, in_database=in_database)
        assert dataset.respondents == 1
        assert dataset.open_answer_counts == {"why": 0, "postcode": 0}


def test_no_responses_and_no_questions(questionnaire):
    dataset = load_dataset(questionnaire)
    assert dataset.respondents == 0 and len(dataset.answered.columns) == len(dataset.questions)
    empty = Questionnaire.objects.create(consultation=make_consultation(), privacy_notice="As the Act requires.")
    respond(empty, {})
    dataset = load_dataset(empty)
    assert dataset.respondents == 1 and dataset.questions == []
    assert list(dataset.frame.columns) == ["channel", "respondent_kind"]


def test_many_respondents_load_in_order(questionnaire):
    now = timezone.now()
    responses = Response.objects.bulk_create(
        Response(questionnaire=questionnaire, reference=f"LOAD-{n:04d}", state="submitted", submitted_at=now)
        for n in range(300)
    )
    vision = questionnaire.ordered_questions().get(code="vision")
    values = ["strongly_agree", "neither", "dont_know"]
    Answer.objects.bulk_create(
        Answer(response=r, question=vision, value=choice(values[n % 3])) for n, r in enumerate(reversed(responses))
    )
    dataset = load_dataset(questionnaire)
    assert np.all(np.diff(dataset.frame.index.to_numpy()) > 0)
    by_id = {r.pk: values[n % 3] for n, r in enumerate(reversed(responses))}
    assert dataset.frame["vision"].astype(str).to_dict() == by_id


def test_a_question_added_later_to_an_earlier_page_keeps_its_place_either_way(questionnaire, answered):
    first, _, _ = answered
    page = questionnaire.pages.order_by("position").first()
    add_question(page, "single", "Have you read the Plan?", code="read_plan", options=["Yes", "No"])
    question = questionnaire.ordered_questions().get(code="read_plan")
    Answer.objects.create(response=first, question=question, value=choice("yes"))
    fast, slow = load_dataset(questionnaire), load_dataset(questionnaire, in_database=False)
    codes = [spec.code for spec in fast.questions]
    assert codes.index("read_plan") < codes.index("park")  # questionnaire order, not the order questions were made
    assert list(fast.answered.columns) == codes
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.asked, slow.asked)
    assert fast.frame.loc[first.pk, "read_plan"] == "yes"


def test_a_grid_read_by_statement_keeps_every_rule_of_reading_it_whole(questionnaire):
    """Grouped by statement and option in the database, a grid's answers give the columns
    its whole answers give: a statement or option that isn't the question's is added, an
    option that isn't text is named by its text, and none or "" is not an answer."""
    odd = [
        {"rows": {"cohesion": "strongly_agree", "volunteering": None}},
        {"rows": {"cohesion": "", "volunteering": "tend_to_agree"}},
        {"rows": {"cohesion": 3, "parks": "strongly_agree"}},  # not an option's value; not a statement (now)
        {"rows": {"volunteering": "somewhat"}},  # not an option (now)
        {"rows": []}, {"rows": "strongly_agree"}, {}, ["strongly_agree"], "strongly_agree",
        {"rows": {"cohesion": None}},
        {"rows": {"cohesion": ["strongly_agree"], "volunteering": {"option": "neither"}}},  # written around the site
    ]
    responses = [respond(questionnaire, {"aims": value}) for value in odd]
    fast, slow = load_dataset(questionnaire), load_dataset(questionnaire, in_database=False)
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_frame_equal(fast.answered, slow.answered)
    assert fast.question("aims").statements == slow.question("aims").statements
    assert fast.answered["aims"].tolist() == [True, True, True, True, False, False, False, False, False, False, True]
    assert fast.frame.loc[responses[2].pk, "aims:cohesion"] == "3"
    assert fast.frame.loc[responses[2].pk, "aims:parks"] == "strongly_agree"
    assert fast.frame.loc[responses[3].pk, "aims:volunteering"] == "somewhat"
    assert pd.isna(fast.frame.loc[responses[1].pk, "aims:cohesion"])
    assert fast.frame.loc[responses[10].pk, "aims:cohesion"] == "['strongly_agree']"
    assert fast.frame.loc[responses[10].pk, "aims:volunteering"] == "{'option': 'neither'}"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_reading_shared_between_connections_gives_what_the_orm_gives():
    """Outside a caller's transaction PostgreSQL reads the questions on two connections
    that see one snapshot; the frame is the same as read through the ORM."""
    questionnaire = build()
    rng = np.random.default_rng(20220218)
    options = ["strongly_agree", "tend_to_agree", "neither", "tend_to_disagree", "strongly_disagree", "dont_know"]
    for n in range(60):
        picks = rng.integers(0, len(options), 3)
        respond(questionnaire, {
            "vision": choice(options[picks[0]]),
            "services": {"choices": ["libraries", "country_parks"][: n % 3], "other": ""},
            "years": {"number": int(picks[1]) * 7}, "order": {"ranking": ["green", "economy"][:: 1 - 2 * (n % 2)]},
            "aims": {"rows": {"cohesion": options[picks[1]], "volunteering": options[picks[2]]}},
            "place": {"place": "melton"} if n % 4 else {"postcode": "LE13 0UL"},
            "park": choice(["beacon_hill", "bradgate"][n % 2]),
        }, state="submitted" if n % 10 else "in_progress")  # fmt: skip
    fast, slow = load_dataset(questionnaire), load_dataset(questionnaire, in_database=False)
    assert fast.respondents == 54
    for name in ("frame", "answered", "asked"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))


@pytest.mark.django_db(transaction=True)
def test_when_no_second_connection_can_be_opened_one_connection_reads_it_all(monkeypatch, caplog):
    questionnaire = build()
    for n in range(12):
        respond(questionnaire, {
            "vision": choice(["tend_to_agree", "neither"][n % 2]), "years": {"number": n},
            "aims": {"rows": {"cohesion": "strongly_agree", "volunteering": ["dont_know", None][n % 2]}},
        })  # fmt: skip
    slow = load_dataset(questionnaire, in_database=False)
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        # A server that refuses the second connection, as one at its max_connections does.
        monkeypatch.setattr(connection, "get_connection_params", lambda: {**params, "port": 1, "host": "/nonexistent"})
    fast = load_dataset(questionnaire)
    for name in ("frame", "answered", "asked"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    if connection.vendor == "postgresql":
        assert "a second could not be opened" in caplog.text


def test_an_open_question_counts_only_the_answers_of_counted_responses(questionnaire, answered):
    """Counted as every answer less those of responses not counted: each kind of response not
    counted must come off, on either way of reading."""
    respond(questionnaire, {"why": {"text": "Not sent yet."}}, state="in_progress")
    respond(questionnaire, {"why": {"text": "Please take my answer out."}}).mark_withdrawn(None, "Asked by email")
    undone = ImportBatch.objects.create(questionnaire=questionnaire, file_name="paper.csv", file_sha256="1" * 64)
    respond(questionnaire, {"why": {"text": "Keyed in twice."}}, channel="import", import_batch=undone, import_key="R1")
    undone.undo(None, "The wrong file")
    writing = ImportBatch.objects.create(
        questionnaire=questionnaire, file_name="june.csv", file_sha256="2" * 64, state=ImportBatch.State.IMPORTING
    )
    respond(questionnaire, {"why": {"text": "Still being imported."}}, channel="import", import_batch=writing,
            import_key="R2")  # fmt: skip
    complete = ImportBatch.objects.create(questionnaire=questionnaire, file_name="july.csv", file_sha256="3" * 64)
    respond(questionnaire, {"why": {"text": "Imported and counted."}}, channel="import", import_batch=complete,
            import_key="R3")  # fmt: skip
    for in_database in (True, False):
        assert load_dataset(questionnaire, in_database=in_database).open_answer_counts == {"why": 3, "postcode": 1}
