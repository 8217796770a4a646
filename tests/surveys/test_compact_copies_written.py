"""The paths that send, correct and import responses write their compact copies (`surveys/compact.py`)."""

import pytest

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.surveys.models import CompactAnswers, Response
from tests.surveys.test_imports_in_chunks import import_file, stopped_part_way, survey_file  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_import_writes_each_chunks_copies_with_it_and_they_count_when_its_batch_completes(
    questionnaire, survey_file  # noqa: F811
):
    path = survey_file(10)
    stopped_part_way(questionnaire, path)
    written = Response.all_objects.filter(questionnaire=questionnaire)
    assert 0 < written.count() < 10
    # Written in the chunks' own transactions, not all at once in the switch that counts them,
    # which would keep respondents' saves waiting on SQLite while every copy was written.
    assert dict(CompactAnswers.objects.values_list("response_id", "written_for")) == dict(
        written.values_list("pk", "updated_at")
    )
    dataset = load_dataset(questionnaire)
    assert dataset.respondents == 0 and dataset.compact_rows == 0

    import_file(questionnaire, path)  # carried on to the end
    imported = Response.objects.counted().filter(questionnaire=questionnaire)
    assert imported.count() == 10
    copies = dict(CompactAnswers.objects.values_list("response_id", "written_for"))
    assert copies == dict(imported.values_list("pk", "updated_at"))
    dataset = load_dataset(questionnaire)
    assert dataset.compact_rows == 10 == dataset.respondents
    assert dataset.frame["vision"].value_counts().to_dict() == load_dataset(
        questionnaire, in_database=False
    ).frame["vision"].value_counts().to_dict()


def test_every_change_to_whether_or_what_a_response_counts_moves_its_updated_at(questionnaire, make_user):
    """A compact copy is read only while written for the response's `updated_at`, so each of
    these must move it (so does correcting, tested with the copies' reading)."""
    from haveyoursay.surveys.submission import submit

    vision = questionnaire.ordered_questions().get(code="vision")
    response = Response.objects.create(questionnaire=questionnaire)
    response.answers.create(question=vision, value={"choice": vision.options.first().value, "other": ""})
    original = Response.objects.create(questionnaire=questionnaire, state="submitted")
    user = make_user("olu")
    seen = []

    def stamp():
        seen.append(Response.all_objects.get(pk=response.pk).updated_at)

    stamp()
    submit(response)
    stamp()
    response.mark_withdrawn(user, "Asked us to")
    stamp()
    response.unmark()
    stamp()
    response.mark_duplicate(original, user)
    stamp()
    response.unmark()
    response.erase(user)
    stamp()
    assert len(set(seen)) == len(seen)
    # And the copy written when it was sent is not read once it moved on.
    assert CompactAnswers.objects.get(response=response).written_for == seen[1] != seen[-1]
