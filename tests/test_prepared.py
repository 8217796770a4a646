"""A prepared query gives what the ORM gives, in one query, however often it runs."""

import pytest

from haveyoursay.hub.models import Consultation
from haveyoursay.prepared import PreparedQuery
from haveyoursay.surveys.models import Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def response_query(pks, slug):
    return Response.objects.select_related("questionnaire__consultation").filter(
        pk__in=pks, questionnaire__consultation__in=Consultation.public_objects.filter(slug=slug)
    )


@pytest.fixture
def responses():
    consultation = make_consultation(title="Carers Strategy 2024-2028", slug="carers-strategy")
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    return [Response.objects.create(questionnaire=questionnaire) for _ in range(3)]


def test_it_gives_what_the_orm_gives_with_related_objects_and_no_further_query(responses, django_assert_num_queries):
    prepared = PreparedQuery(response_query)
    pks = [responses[0].pk, responses[2].pk]
    expected = list(response_query(pks, "carers-strategy"))
    with django_assert_num_queries(1):
        got = prepared(pks=pks, slug="carers-strategy")
        # Selected with it, as select_related does: no query for either.
        consultations = [response.questionnaire.consultation for response in got]
    assert got == expected
    for mine, theirs in zip(got, expected):
        # Every field as the ORM reads it, converted the same way (dates, datetimes, booleans).
        fields = [f.attname for f in Response._meta.concrete_fields]
        assert [getattr(mine, f) for f in fields] == [getattr(theirs, f) for f in fields]
        assert mine.started_at == theirs.started_at and mine.started_at.tzinfo is not None
    assert {c.title for c in consultations} == {"Carers Strategy 2024-2028"}
    assert consultations[0].opens_on == expected[0].questionnaire.consultation.opens_on


def test_new_values_are_used_not_the_first_ones(responses):
    prepared = PreparedQuery(response_query)
    assert [r.pk for r in prepared(pks=[responses[0].pk], slug="carers-strategy")] == [responses[0].pk]
    assert [r.pk for r in prepared(pks=[responses[1].pk], slug="carers-strategy")] == [responses[1].pk]
    assert prepared(pks=[responses[1].pk], slug="another-consultation") == []


def test_lists_of_each_length_are_prepared_apart(responses):
    prepared = PreparedQuery(response_query)
    pks = [response.pk for response in responses]
    for length in (1, 3, 2):
        assert sorted(r.pk for r in prepared(pks=pks[:length], slug="carers-strategy")) == pks[:length]


def test_an_empty_list_matches_nothing_without_asking(responses, django_assert_num_queries):
    prepared = PreparedQuery(response_query)
    with django_assert_num_queries(0):
        assert prepared(pks=[], slug="carers-strategy") == []


def test_the_manager_still_decides_what_the_public_may_see(responses):
    prepared = PreparedQuery(response_query)
    assert prepared.first(pks=[responses[0].pk], slug="carers-strategy") == responses[0]
    Consultation.private_objects.filter(slug="carers-strategy").update(published_at=None)
    assert prepared.first(pks=[responses[0].pk], slug="carers-strategy") is None


def test_values_list_rows_and_flat_lists(responses):
    consultation = responses[0].questionnaire.consultation
    rows = PreparedQuery(lambda slug: Consultation.public_objects.filter(slug=slug).values_list("pk", "opens_on"))
    assert rows(slug="carers-strategy") == [(consultation.pk, consultation.opens_on)]
    flat = PreparedQuery(
        lambda questionnaire: Response.objects.filter(questionnaire=questionnaire).order_by("pk").values_list("pk", flat=True)
    )
    assert flat(questionnaire=consultation.questionnaire.pk) == [response.pk for response in responses]


def test_a_slice_is_kept(responses):
    prepared = PreparedQuery(lambda questionnaire: Response.objects.filter(questionnaire=questionnaire).order_by("-pk")[:1])
    assert prepared(questionnaire=responses[0].questionnaire_id) == [responses[2]]


def test_a_lookup_that_changes_the_value_is_refused_by_name(responses):
    prepared = PreparedQuery(lambda words: Consultation.public_objects.filter(title__icontains=words))
    with pytest.raises(ValueError, match="words: changed by its lookup"):
        prepared(words="carers")


@pytest.mark.parametrize("value", [None, 2.5, True, [None]])
def test_arguments_other_than_ints_strings_and_lists_of_them_are_refused(value):
    prepared = PreparedQuery(lambda pk: Response.objects.filter(pk=pk))
    with pytest.raises(ValueError, match="pk: "):
        prepared(pk=value)


def test_querysets_it_cannot_read_are_refused():
    prepared = PreparedQuery(lambda pk: Response.objects.filter(pk=pk).values("pk"))
    with pytest.raises(ValueError, match="model instances or values_list rows"):
        prepared(pk=1)
    prepared = PreparedQuery(lambda pk: Response.objects.filter(pk=pk).prefetch_related("answers"))
    with pytest.raises(ValueError, match="prefetch_related"):
        prepared(pk=1)
