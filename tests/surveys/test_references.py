"""A response's reference is random (32 ** 8 of them), so a new response now and then draws one
another response has: at a million responses about one start in a million, and an import of
200,000 rows beside them about one time in five. The respondent, the officer keying in a
paper form and the import each get another reference, not an error."""

import itertools

import pytest
from django.db import IntegrityError
from django.urls import reverse

from haveyoursay.surveys.models import Response, give_free_references, new_reference, save_with_free_reference
from tests.surveys.test_imports_in_chunks import HEADER, csv_bytes, import_file, rows
from tests.surveys.test_responding import SLUG

pytestmark = pytest.mark.django_db

TAKEN = "HAVE-YRSY"


@pytest.fixture
def taken(questionnaire):
    return Response.objects.create(questionnaire=questionnaire, reference=TAKEN)


@pytest.fixture
def draws_taken_first(monkeypatch):
    """Each new response's reference drawn as the taken one first, `times` times, then at random."""

    def draw(times):
        drawn = itertools.chain(itertools.repeat(TAKEN, times), iter(new_reference, None))
        field = Response._meta.get_field("reference")
        monkeypatch.setattr(field, "default", lambda: next(drawn))
        monkeypatch.setattr(field, "_get_default", field.default)  # what the field keeps of it once used

    return draw


def test_a_respondent_who_draws_a_taken_reference_starts_with_another(client, questionnaire, taken,
                                                                      draws_taken_first):  # fmt: skip
    draws_taken_first(1)
    started = client.post(reverse("surveys:start", args=[SLUG]))
    assert started.status_code == 302 and started["Location"] == reverse("surveys:page", args=[SLUG, 1])
    response = Response.objects.latest("pk")
    assert response != taken and response.reference not in ("", TAKEN)
    assert Response.objects.get(reference=TAKEN) == taken


def test_a_response_keyed_in_is_saved_with_another_reference_when_its_own_is_taken(questionnaire, taken):
    keyed_in = save_with_free_reference(Response(questionnaire=questionnaire, channel="paper", reference=TAKEN))
    assert keyed_in.pk and keyed_in.reference != TAKEN
    assert set(Response.objects.values_list("reference", flat=True)) == {TAKEN, keyed_in.reference}


def test_another_failure_to_insert_is_not_hidden(questionnaire, taken):
    with pytest.raises(IntegrityError):
        save_with_free_reference(Response(questionnaire=questionnaire, pk=taken.pk))


def test_responses_inserted_at_once_get_references_free_of_each_other_and_of_the_rest(questionnaire, taken):
    responses = [Response(questionnaire=questionnaire, reference=reference)
                 for reference in (TAKEN, "BBBB-BBBB", "BBBB-BBBB", "CCCC-CCCC")]
    give_free_references(responses)
    references = [response.reference for response in responses]
    assert len(set(references)) == 4 and TAKEN not in references and "CCCC-CCCC" in references


def test_an_import_whose_rows_draw_taken_references_is_written_whole(questionnaire, taken, tmp_path,
                                                                     draws_taken_first):  # fmt: skip
    path = tmp_path / "carers-survey.csv"
    path.write_bytes(csv_bytes([HEADER, *rows(7)]))
    draws_taken_first(4)  # the first chunk's rows all draw it
    batch, check = import_file(questionnaire, path)
    assert batch.is_complete and check.to_import == 7
    imported = Response.objects.filter(import_batch=batch)
    references = set(imported.values_list("reference", flat=True))
    assert imported.count() == 7 and len(references) == 7 and TAKEN not in references
    assert Response.objects.get(reference=TAKEN) == taken
