"""Reading the compact copies of responses' closed answers (`surveys/compact.py`): the same
frame as reading the answers, for every kind and oddity, and never a stale copy."""

import datetime
import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from haveyoursay.analysis import dataset as dataset_module
from haveyoursay.analysis.dataset import CLOSED_KINDS, load_dataset
from haveyoursay.reports.generating import data_fingerprint
from haveyoursay.surveys import compact
from haveyoursay.surveys.building import add_question
from haveyoursay.surveys.compact import fill_compact_answers, missing_compact_answers
from haveyoursay.surveys.models import Answer, AnswerText, CompactAnswers, ImportBatch, Response
from haveyoursay.surveys.submission import correct_answers, submit
from tests.analysis.test_analysis_dataset import build, choice, respond

pytestmark = pytest.mark.django_db


def assert_same_as_the_answers(questionnaire, **kwargs):
    """The dataset read (from the copies where current) equals the one read from the answers."""
    fast, slow = load_dataset(questionnaire, **kwargs), load_dataset(questionnaire, in_database=False, **kwargs)
    for name in ("frame", "answered", "asked"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    assert [(s.code, s.options, s.statements) for s in fast.questions] == [
        (s.code, s.options, s.statements) for s in slow.questions
    ]
    return fast


@pytest.fixture
def questionnaire():
    return build()


@pytest.fixture
def oddities(questionnaire):
    """Answers of every closed kind, with the oddities imported data brings, and routing."""
    answers = [
        {"vision": choice("tend_to_agree"), "services": {"choices": ["libraries", "country_parks"], "other": "Buses"},
         "years": {"number": 12}, "order": {"ranking": ["green", "economy"]},
         "aims": {"rows": {"cohesion": "strongly_agree", "volunteering": "dont_know"}},
         "place": {"place": "melton"}, "why": {"text": "Buses."}, "park": choice("bradgate")},
        {"vision": choice("sort_of_agree"), "services": {"choices": ["libraries"], "other": ""}, "years": {"number": 2.5},
         "aims": {"rows": {"volunteering": "tend_to_disagree"}}, "place": {"postcode": "LE13 0UL"},
         "postcode": {"postcode": "LE13 0UL"}},
        {"vision": {"choice": "", "other": ""}, "services": {"choices": [], "other": ""}, "years": {"number": "lots"},
         "order": {"ranking": []}, "aims": {"rows": {}}, "place": {}, "why": {"text": "Trains."}},
        {"aims": {"rows": {"cohesion": 3, "parks": "strongly_agree"}}, "vision": {"choice": "other", "other": "Jo Bloggs"},
         "order": {"ranking": ["economy", "mystery"]}, "services": {"choices": ["buses"], "other": ""}},
        {"aims": {"rows": {"volunteering": "somewhat", "cohesion": None}}, "years": {"number": True},
         "services": {"choices": ["country_parks"], "other": ""}, "park": choice("beacon_hill")},
        {"aims": {"rows": []}, "vision": ["strongly_agree"], "place": "melton", "years": {}},
        {"aims": "strongly_agree", "vision": choice("strongly_agree")},
    ]  # fmt: skip
    responses = [respond(questionnaire, value, channel=["online", "paper"][n % 2]) for n, value in enumerate(answers)]
    respond(questionnaire, {"vision": choice("strongly_disagree")}, state="in_progress")
    return responses


def test_every_kind_and_oddity_reads_from_the_copies_as_from_the_answers(questionnaire, oddities):
    assert fill_compact_answers(questionnaire.pk) == len(oddities)
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == len(oddities) == dataset.respondents
    assert dataset.frame.loc[oddities[3].pk, "aims:parks"] == "strongly_agree"
    assert dataset.frame.loc[oddities[1].pk, "place"] == "postcode"
    assert dataset.asked["park"].tolist() == [True, False, False, False, True, False, False]


def test_without_copies_the_answers_are_read(questionnaire, oddities):
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == 0


def test_the_dictionary_never_holds_what_someone_wrote_beside_a_choice(questionnaire, oddities):
    fill_compact_answers(questionnaire.pk)
    texts = list(AnswerText.objects.values_list("text", flat=True))
    assert texts and not any("Jo Bloggs" in text or "Buses" in text for text in texts)


def test_a_response_changed_without_its_copy_is_read_from_its_answers(questionnaire, oddities):
    fill_compact_answers(questionnaire.pk)
    changed = oddities[0]
    Answer.objects.filter(response=changed, question__code="vision").update(value=choice("strongly_disagree"))
    Response.objects.filter(pk=changed.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.frame.loc[changed.pk, "vision"] == "strongly_disagree"
    assert dataset.compact_rows == len(oddities) - 1
    assert list(missing_compact_answers(questionnaire.pk)) == [changed]


def test_filling_in_is_idempotent_and_writes_only_what_is_missing_or_stale(questionnaire, oddities):
    assert fill_compact_answers(questionnaire.pk, chunk=2) == len(oddities)
    before = dict(CompactAnswers.objects.values_list("response_id", "codes"))
    texts = AnswerText.objects.count()
    assert fill_compact_answers(questionnaire.pk) == 0
    assert {k: bytes(v) for k, v in CompactAnswers.objects.values_list("response_id", "codes")} == {
        k: bytes(v) for k, v in before.items()
    }
    assert AnswerText.objects.count() == texts
    Response.objects.filter(pk=oddities[2].pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))
    assert fill_compact_answers(questionnaire.pk) == 1


def test_a_corrected_response_reads_its_new_answers_and_the_report_fingerprint_changes(questionnaire, oddities):
    fill_compact_answers(questionnaire.pk)
    fingerprint = data_fingerprint(questionnaire.consultation)
    response = oddities[1]  # keyed in on paper
    vision = questionnaire.ordered_questions().get(code="vision")
    before = CompactAnswers.objects.get(response=response).written_for
    assert correct_answers(response, {vision: choice("neither")}) == ["vision"]
    response.refresh_from_db()
    copy = CompactAnswers.objects.get(response=response)
    assert copy.written_for == response.updated_at != before  # written again by the correction
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.frame.loc[response.pk, "vision"] == "neither" and dataset.compact_rows == len(oddities)
    assert data_fingerprint(questionnaire.consultation) != fingerprint


def test_a_sent_response_has_its_copy_written_when_it_is_sent(questionnaire):
    response = respond(questionnaire, {"vision": choice("tend_to_agree"), "years": {"number": 4}}, state="in_progress")
    submit(response)
    response.refresh_from_db()
    assert CompactAnswers.objects.get(response=response).written_for == response.updated_at
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == 1 and dataset.frame.loc[response.pk, "years"] == 4


@pytest.mark.parametrize("mark", ["withdrawn", "duplicate", "erased"])
def test_a_withdrawn_duplicate_or_erased_response_drops_out(questionnaire, oddities, mark, make_user):
    fill_compact_answers(questionnaire.pk)
    response, user = oddities[0], make_user("olu")
    if mark == "withdrawn":
        response.mark_withdrawn(user, "Asked us to")
    elif mark == "duplicate":
        response.mark_duplicate(oddities[1], user)
    else:
        response.erase(user)
    dataset = assert_same_as_the_answers(questionnaire)
    assert response.pk not in dataset.frame.index and dataset.respondents == len(oddities) - 1
    if mark != "erased":  # counted again: read from its copy, written afresh or read from its answers
        response.unmark()
        dataset = assert_same_as_the_answers(questionnaire)
        assert response.pk in dataset.frame.index


def test_an_import_is_counted_from_its_copies_once_its_batch_is_complete(questionnaire, oddities):
    fill_compact_answers(questionnaire.pk)
    batch = ImportBatch.objects.create(
        questionnaire=questionnaire, file_name="carers.csv", file_sha256="0" * 64, state=ImportBatch.State.IMPORTING
    )
    imported = [
        respond(questionnaire, {"vision": choice(value)}, import_batch=batch, channel="import")
        for value in ("strongly_agree", "neither")
    ]
    fill_compact_answers(questionnaire.pk)  # as a fill-in running while the import is written
    assert CompactAnswers.objects.filter(response__in=imported).count() == 2
    dataset = assert_same_as_the_answers(questionnaire)
    assert not set(dataset.frame.index) & {r.pk for r in imported}
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.COMPLETE)
    dataset = assert_same_as_the_answers(questionnaire)
    assert {r.pk for r in imported} <= set(dataset.frame.index)
    assert dataset.compact_rows == len(oddities) + 2
    ImportBatch.objects.filter(pk=batch.pk).update(undone_at=timezone.now())
    assert not set(assert_same_as_the_answers(questionnaire).frame.index) & {r.pk for r in imported}


def test_a_question_added_after_the_copies_were_written(questionnaire, oddities):
    fill_compact_answers(questionnaire.pk)
    page = questionnaire.ordered_pages()[0]
    added = add_question(page, "single", "Have you read the Plan?", code="read_plan", options=["Yes", "No"])
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == len(oddities) and not dataset.answered["read_plan"].any()
    response = oddities[1]
    correct_answers(response, {added: choice("yes")})
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.frame.loc[response.pk, "read_plan"] == "yes" and dataset.compact_rows == len(oddities)


def test_until_leaves_out_later_responses(questionnaire):
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    early = respond(questionnaire, {"vision": choice("tend_to_agree")}, submitted_at=three_days_ago)
    later = respond(questionnaire, {"vision": choice("neither")})
    fill_compact_answers(questionnaire.pk)
    dataset = assert_same_as_the_answers(questionnaire, until=timezone.now() - datetime.timedelta(days=1))
    assert list(dataset.frame.index) == [early.pk] and later.pk not in dataset.frame.index
    assert dataset.compact_rows == 1


def test_an_answer_too_long_for_the_dictionary_is_read_from_the_answers(questionnaire, oddities):
    long = respond(questionnaire, {"vision": choice("x" * (compact.MAX_TEXT_BYTES + 1)), "years": {"number": 7}})
    fill_compact_answers(questionnaire.pk)
    assert not CompactAnswers.objects.filter(response=long).exists()
    dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == len(oddities) and dataset.frame.loc[long.pk, "years"] == 7


def test_too_few_copies_read_the_answers_and_fill_the_copies_in(questionnaire, oddities, monkeypatch,
                                                              django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(dataset_module, "FILL_IN_FROM", 2)
    fill_compact_answers(questionnaire.pk)
    CompactAnswers.objects.filter(response__in=oddities[:4]).delete()
    with django_capture_on_commit_callbacks(execute=True):
        dataset = assert_same_as_the_answers(questionnaire)
    assert dataset.compact_rows == 0  # 4 of 7 without a copy: the answers were read
    assert CompactAnswers.objects.filter(response__in=oddities).count() == len(oddities)  # filled in
    assert assert_same_as_the_answers(questionnaire).compact_rows == len(oddities)


def test_readings_while_the_copies_are_filled_in_queue_the_fill_once(questionnaire, oddities, monkeypatch,
                                                                    django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(dataset_module, "FILL_IN_FROM", 2)
    with django_capture_on_commit_callbacks() as queued:
        assert_same_as_the_answers(questionnaire)
        assert_same_as_the_answers(questionnaire)  # another page read before the fill has run
    assert len(queued) == 1
    queued[0]()  # the fill runs, and no longer holds the place
    assert not missing_compact_answers(questionnaire.pk).exists()
    CompactAnswers.objects.filter(response__in=oddities[:4]).delete()
    with django_capture_on_commit_callbacks() as queued_again:
        assert_same_as_the_answers(questionnaire)
    assert len(queued_again) == 1


def test_the_copies_hold_the_kinds_analysis_reads_as_closed():
    assert set(compact.CLOSED_KINDS) == set(CLOSED_KINDS)


def test_the_command_fills_in_the_copies_of_the_consultations_named(questionnaire, oddities):
    other = build(title="Leicestershire Communities Approach 2022-2026")
    elsewhere = respond(other, {"vision": choice("neither")})
    out = io.StringIO()
    call_command("fill_compact_answers", questionnaire.consultation.slug, stdout=out)
    assert f"{len(oddities)} responses' answers copied" in out.getvalue()
    assert CompactAnswers.objects.count() == len(oddities) and not CompactAnswers.objects.filter(response=elsewhere)
    call_command("fill_compact_answers", stdout=out)
    assert CompactAnswers.objects.filter(response=elsewhere).exists()
    with pytest.raises(CommandError, match="No consultation has the address “nowhere”"):
        call_command("fill_compact_answers", "nowhere")


# -- A grid's distinct answers decoded by PostgreSQL -------------------------------------------

ON_POSTGRESQL = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL decodes a grid's answers: run with DATABASE_URL naming one"
)

PLAIN_GRIDS = [
    {"rows": {"cohesion": "strongly_agree", "volunteering": "dont_know"}},
    {"rows": {"volunteering": "tend_to_disagree"}},
    {"rows": {"cohesion": None, "volunteering": ""}},
    {"rows": {}},
    {"rows": []},
    "strongly_agree",
    {"other": "no rows at all"},
]


@pytest.fixture
def decoded_where(monkeypatch):
    """What each call to `grid_answer_options` returned: the decoding PostgreSQL did, or None."""
    returned = []
    real = compact.grid_answer_options

    def spy(*arguments):
        returned.append(real(*arguments))
        return returned[-1]

    monkeypatch.setattr(compact, "grid_answer_options", spy)
    return returned


def respond_to_the_grid(questionnaire, grids):
    responses = [respond(questionnaire, {"aims": grid, "vision": choice("tend_to_agree")}) for grid in grids]
    assert fill_compact_answers(questionnaire.pk) == len(responses)
    return responses


def test_a_grids_answers_read_from_the_copies_as_from_the_answers_none_and_empty_included(
    questionnaire, decoded_where
):
    responses = respond_to_the_grid(questionnaire, PLAIN_GRIDS)
    dataset = assert_same_as_the_answers(questionnaire)
    frame = dataset.frame
    assert frame.loc[responses[0].pk, "aims:volunteering"] == "dont_know"
    assert pd.isna(frame.loc[responses[2].pk, "aims:cohesion"])
    assert pd.isna(frame.loc[responses[2].pk, "aims:volunteering"])
    assert dataset.answered["aims"].tolist() == [True, True, False, False, False, False, False]
    if connection.vendor == "postgresql":
        assert len(decoded_where) == 1 and decoded_where[0] is not None  # PostgreSQL decoded it
    else:
        assert decoded_where in ([], [None])


@ON_POSTGRESQL
def test_postgresql_decodes_each_distinct_grid_answer_to_its_options_positions(questionnaire):
    respond_to_the_grid(questionnaire, PLAIN_GRIDS)
    specs, _ = dataset_module.question_specs(questionnaire)
    aims = next(spec for spec in specs if spec.code == "aims")
    options = aims.option_values
    codes, given = compact.grid_answer_options(aims.id, ["cohesion", "volunteering"], options)
    texts = dict(AnswerText.objects.filter(question_id=aims.id).values_list("pk", "text"))
    assert codes.tolist() == sorted(texts)
    by_text = {texts[code]: row.tolist() for code, row in zip(codes.tolist(), given)}
    assert by_text['{"rows": {"cohesion": "strongly_agree", "volunteering": "dont_know"}}'] == [
        options.index("strongly_agree"), options.index("dont_know")
    ]
    assert by_text['{"rows": {"volunteering": "tend_to_disagree"}}'] == [-1, options.index("tend_to_disagree")]
    assert by_text['{"rows": {"cohesion": null, "volunteering": ""}}'] == [-1, -1]
    assert by_text['"strongly_agree"'] == [-1, -1]


@pytest.mark.parametrize(
    "surprise",
    [
        {"rows": {"cohesion": "strongly_agree", "parks": "strongly_agree"}},  # a statement it doesn't have
        {"rows": {"volunteering": "somewhat"}},  # an option it doesn't have
        {"rows": {"cohesion": 3}},  # a number, named by its text
        {"rows": {"cohesion": True}},  # Python names it "True", PostgreSQL "true"
    ],
)
def test_a_grid_answer_python_must_add_to_the_question_is_decoded_by_python(questionnaire, decoded_where, surprise):
    responses = respond_to_the_grid(questionnaire, [*PLAIN_GRIDS, surprise])
    dataset = assert_same_as_the_answers(questionnaire)
    assert decoded_where in ([], [None])
    assert dataset.answered.loc[responses[-1].pk, "aims"]
