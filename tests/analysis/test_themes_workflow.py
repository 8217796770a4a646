"""A question's codeframe: suggested with its history, edited, applied, corrected, sampled and quoted."""

import itertools

import pytest
from django.utils import timezone

from haveyoursay.analysis.models import AnswerCoding, CodeframeEvent, Quote, Theme, ThemeAssignment
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

BREAKS = [
    "Carers need regular breaks and respite care so they can rest",
    "More respite breaks for carers please, we are exhausted",
    "Respite care is hard to find and carers never get a break",
    "I have not had a break from caring in two years, respite would help",
    "Short breaks and respite for carers should be easier to book",
    "Carers burn out without proper respite breaks",
]
MONEY = [
    "Carers allowance is far too low to live on",
    "The money carers get is not enough, carers allowance should rise",
    "Financial support for carers is poor and the allowance is too small",
    "I gave up work to care and the allowance does not cover bills",
    "Carers allowance needs to go up with the cost of living",
    "We struggle with money since I became a carer, the allowance is tiny",
]
INFORMATION = [
    "Nobody told me what help was available, information is hard to find",
    "Information for carers should be in one place and easy to read",
    "I only found out about the carers service by chance, advertise it",
    "GPs should give carers information about support when they are diagnosed",
    "Better information and advice for new carers please",
    "It took months to find information about carers assessments",
]
NOTHING = ["No", "Nothing", "N/A", "Nothing to add", "No comment"]
CAMPAIGN = "Keep the carers centre in Loughborough open, it is a lifeline for carers across Charnwood and must not close"


def comments_in_order():
    """60 comments: ten copies of a campaign text and fifty ordinary ones in three subjects."""
    pools = itertools.cycle([BREAKS, MONEY, INFORMATION])
    ordinary = []
    for number in range(45):
        pool = next(pools)
        ordinary.append(pool[(number // 3) % len(pool)] + ("" if number < 18 else f" ({number})"))
    return ordinary + NOTHING + [CAMPAIGN] * 10


def add_responses(questionnaire, texts, publication=Response.Publication.ANONYMOUS):
    question = questionnaire.ordered_questions().get(code="why")
    for text in texts:
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(), publication=publication,
        )
        Answer.objects.create(response=response, question=question, value={"text": text})


@pytest.fixture
def question(db):
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy-themes", status="closed",
    )
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    question = add_question(page, "long_text", "Why do you say this?", code="why")
    texts = comments_in_order()
    add_responses(questionnaire, texts[:40], Response.Publication.ANONYMOUS)
    add_responses(questionnaire, texts[40:], Response.Publication.NO)
    # An unsent response is never counted.
    Response.objects.create(questionnaire=questionnaire, state=Response.State.IN_PROGRESS)
    return question


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], first_name="Ana", last_name="Lyst", is_staff=True)


def answer_ids_with(question, fragment):
    return list(Answer.objects.filter(question=question, value__text__icontains=fragment).values_list("pk", flat=True))


def test_a_suggestion_is_stored_as_a_codeframe_with_its_history_and_campaign(question):
    codeframe = themes.suggest_codeframe(question)
    labels = list(codeframe.themes.values_list("label", flat=True))
    assert len(labels) >= 2
    assert all(theme.origin == Theme.Origin.MACHINE for theme in codeframe.themes.all())
    # Every comment is in exactly one suggested theme: none dropped, the campaign's copies included.
    assert ThemeAssignment.objects.filter(theme__codeframe=codeframe).count() == 60
    assert not ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by__isnull=False).exists()
    today = timezone.now().date().isoformat()
    assert codeframe.campaigns == [
        {"answer": answer_ids_with(question, "Loughborough")[0], "size": 10, "kind": "identical", "campaign": True,
         "description": "a campaign response, 10 copies", "text": CAMPAIGN, "channels": {"Online": 10}, "batches": [],
         "first": today, "last": today}
    ]
    event = codeframe.events.get()
    assert event.action == CodeframeEvent.Action.SUGGESTED and event.by_machine
    assert event.detail["answers"] == 60 and event.detail["campaigns"] == 1


def test_suggesting_again_keeps_a_persons_work_unless_told_to_replace_it(question, analyst):
    codeframe = themes.suggest_codeframe(question)
    themes.add_theme(codeframe, analyst, "Transport to appointments")
    with pytest.raises(themes.ThemeError, match="already edited"):
        themes.suggest_codeframe(question)
    themes.suggest_codeframe(question, replace=True)
    assert not codeframe.themes.filter(label="Transport to appointments").exists()


def test_each_edit_changes_the_codeframe_and_is_recorded_with_who_did_it(question, analyst):
    codeframe = themes.suggest_codeframe(question, n_themes=3)
    first, second, *rest = codeframe.themes.filter(nothing_to_add=False)
    counts = themes.theme_counts(codeframe)
    together = counts[first.pk] + counts[second.pk]

    themes.rename_theme(first, analyst, "Breaks for carers", "Respite and short breaks")
    first.refresh_from_db()
    assert (first.label, first.description) == ("Breaks for carers", "Respite and short breaks")

    added = themes.add_theme(codeframe, analyst, "Transport")
    assert added.origin == Theme.Origin.PERSON

    merged = themes.merge_themes([first, second], analyst, "Breaks and money")
    assert merged.pk == first.pk and not Theme.objects.filter(pk=second.pk).exists()
    assert themes.theme_counts(codeframe)[merged.pk] == together

    parts = themes.split_theme(merged, analyst, parts=2)
    assert len(parts) == 2 and not Theme.objects.filter(pk=merged.pk).exists()
    assert sum(themes.theme_counts(codeframe).get(part.pk, 0) for part in parts) == together

    moving = list(parts[0].assignments.values_list("answer_id", flat=True)[:2])
    themes.move_answers(codeframe, moving, parts[0], added, analyst)
    assert set(added.assignments.values_list("answer_id", flat=True)) == set(moving)
    assert all(a.assigned_by == analyst for a in added.assignments.all())
    assert not parts[0].assignments.filter(answer_id__in=moving).exists()

    themes.delete_theme(added, analyst)
    assert not Theme.objects.filter(pk=added.pk).exists()

    history = list(codeframe.events.order_by("pk").values_list("action", "user__username"))
    assert history == [
        ("suggested", None), ("renamed", "analyst"), ("added", "analyst"), ("merged", "analyst"),
        ("split", "analyst"), ("moved", "analyst"), ("deleted", "analyst"),
    ]


def test_a_persons_corrections_survive_applying_again_after_new_responses(question, analyst):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    transport = themes.add_theme(codeframe, analyst, "Transport")
    corrected = answer_ids_with(question, "Carers allowance is far too low")[0]
    none_of_these = answer_ids_with(question, "advertise it")[0]
    themes.code_answers(codeframe, analyst, {corrected: [transport.pk], none_of_these: []})

    add_responses(question.page.questionnaire, ["Respite breaks for carers are needed in Melton", "Carers allowance is too low"])
    themes.apply_codeframe(codeframe)

    assert [(a.theme_id, a.assigned_by) for a in ThemeAssignment.objects.filter(answer_id=corrected)] == [(transport.pk, analyst)]
    assert not ThemeAssignment.objects.filter(answer_id=none_of_these).exists()
    new = answer_ids_with(question, "Melton")[0]
    assert ThemeAssignment.objects.filter(answer_id=new, assigned_by=None).exists()
    coding = AnswerCoding.objects.get(codeframe=codeframe, answer_id=new)
    assert coding.confidence is not None and not coding.coded_by_person
    # No one coded the new theme's answers but the person: the machine never gives it.
    assert not transport.assignments.filter(assigned_by=None).exists()


def test_what_a_person_does_while_the_machine_learns_stands_and_the_job_still_finishes(question, analyst):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    kept, deleted = list(codeframe.themes.order_by("position", "pk"))[:2]
    # An answer the machine gave `kept`: it will give it again, as the person does meanwhile.
    answer = ThemeAssignment.objects.filter(theme=kept, assigned_by=None).values_list("answer_id", flat=True).first()

    def meanwhile(done, total, message=""):
        if done == 3:  # the model has learnt and coded every answer; nothing is saved yet
            themes.code_answers(codeframe, analyst, {answer: [kept.pk]})
            themes.delete_theme(deleted, analyst)

    themes.apply_codeframe(codeframe, progress=meanwhile)
    assert [(a.theme_id, a.assigned_by) for a in ThemeAssignment.objects.filter(answer_id=answer)] == [(kept.pk, analyst)]
    assert not ThemeAssignment.objects.filter(theme_id=deleted.pk).exists()
    assert ThemeAssignment.objects.filter(theme=kept, assigned_by=None).exists()
    assert AnswerCoding.objects.get(codeframe=codeframe, answer_id=answer).coded_by_person


def test_the_model_learns_from_people_once_enough_answers_are_coded(question, analyst, monkeypatch):
    # Sixty comments: a theme stands on people's codes here once they have given it to ten.
    monkeypatch.setattr(themes, "PERSON_CODED_PER_THEME", 10)
    codeframe = themes.suggest_codeframe(question)
    money = themes.add_theme(codeframe, analyst, "Money")
    other = themes.add_theme(codeframe, analyst, "Everything else")
    coded = {}
    for answer in themes.comment_answers(question).order_by("pk")[:30]:
        coded[answer.pk] = [money.pk] if "allowance" in answer.value["text"] or "money" in answer.value["text"] else [other.pk]
    themes.code_answers(codeframe, analyst, coded)
    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.trained_on_people == 30
    later = answer_ids_with(question, "cost of living")
    assert later and all(money.assignments.filter(answer_id=pk).exists() for pk in later if pk not in coded)


def test_the_queue_to_code_next_holds_only_answers_no_person_has_coded(question, analyst):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    first = themes.next_to_code(codeframe, how_many=5)
    assert len(first) == 5
    theme = codeframe.themes.first()
    themes.code_answers(codeframe, analyst, {answer.pk: [theme.pk] for answer in first})
    themes.apply_codeframe(codeframe)
    coded = set(AnswerCoding.objects.filter(codeframe=codeframe, coded_at__isnull=False).values_list("answer_id", flat=True))
    assert coded == {answer.pk for answer in first}
    following = themes.next_to_code(codeframe, how_many=50)
    assert following and not coded & {answer.pk for answer in following}
    assert not coded & {answer.pk for answer in themes.low_confidence_queue(codeframe, how_many=100)}


def test_kappa_per_theme_compares_blind_codes_with_the_machines(question, analyst):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    sample = themes.draw_agreement_sample(codeframe, analyst, size=12)
    assert len(sample) == 12
    machine = themes.themes_of_answers(codeframe, [item.answer_id for item in sample])
    # The person agrees with the machine on every answer.
    themes.code_blind(codeframe, analyst, {pk: [a.theme_id for a in rows] for pk, rows in machine.items()})
    agreements = themes.measure_agreement(codeframe)
    assert agreements and all(a.answers == 12 and a.observed == 1.0 and a.kappa == 1.0 for a in agreements)
    # Blind codes are kept apart: nothing about these answers became a person's coding.
    assert not ThemeAssignment.objects.filter(answer_id__in=machine, assigned_by__isnull=False).exists()


def test_quotes_come_only_from_consenting_respondents_with_personal_details_removed(question, analyst):
    add_responses(question.page.questionnaire, ["Respite breaks saved me, ring Mrs Patel on 07700 900123 to hear how"])
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    made = themes.choose_quotes(codeframe, per_theme=40)
    assert made
    refused = set(Answer.objects.filter(response__publication=Response.Publication.NO).values_list("pk", flat=True))
    quotes = Quote.objects.filter(theme__codeframe=codeframe)
    assert not refused & set(quotes.values_list("answer_id", flat=True))
    with_phone = quotes.get(answer_id=answer_ids_with(question, "Mrs Patel")[0])
    assert "07700" not in with_phone.text and "[phone]" in with_phone.text and "Patel" not in with_phone.text
    assert {"kind": "phone", "original": "07700 900123", "marker": "[phone]"} in with_phone.removed
    assert not quotes.filter(approved_at__isnull=False).exists()
    themes.approve_quote(with_phone, analyst)
    with_phone.refresh_from_db()
    assert with_phone.approved_by == analyst


def test_answers_that_say_nothing_are_never_evidence_of_a_theme_nor_queued_and_no_text_is_queued_twice(question, analyst):
    add_responses(question.page.questionnaire, ["-"] * 5 + ["Not really."] * 3 + ["n/a"] * 2)
    repeated = "Carers need more respite so that they can rest properly"
    add_responses(question.page.questionnaire, [repeated] * 4)
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    silent = answer_ids_with(question, "Not really") + list(
        Answer.objects.filter(question=question, value__text__in=["-", "n/a"]).values_list("pk", flat=True)
    )
    substantive = codeframe.themes.filter(nothing_to_add=False).first()
    nothing = codeframe.themes.get(nothing_to_add=True)
    # Recognised first: they are in "nothing to add", the machine sure of it, and in no other theme.
    assert set(nothing.assignments.filter(answer_id__in=silent).values_list("answer_id", flat=True)) == set(silent)
    assert not ThemeAssignment.objects.filter(answer_id__in=silent).exclude(theme=nothing).exists()
    # Even where the machine puts one in a theme, surest of all, it is not shown as typical of it or quoted.
    ThemeAssignment.objects.create(theme=substantive, answer_id=silent[0], confidence=1.0)
    typical = themes.typical_answers(codeframe, 3)
    assert typical[substantive.pk] and not {answer.pk for answer in typical[substantive.pk]} & set(silent)
    themes.choose_quotes(codeframe)
    assert not Quote.objects.filter(answer_id__in=silent).exists()
    # Unsure of them all: the queue offers each text once, and none that says nothing.
    AnswerCoding.objects.filter(codeframe=codeframe).update(needs_review=True, confidence=0.5)
    AnswerCoding.objects.filter(codeframe=codeframe, answer_id__in=silent + answer_ids_with(question, repeated)).update(confidence=0.1)
    for queue in (themes.low_confidence_queue(codeframe, how_many=20), themes.next_to_code(codeframe, how_many=20)):
        texts = [answer.value["text"] for answer in queue]
        assert len(texts) == 20 and len(set(texts)) == len(texts)
        assert not {answer.pk for answer in queue} & set(silent)
    assert texts.count(repeated) <= 1


def test_a_short_sentence_many_people_wrote_is_a_common_answer_not_a_campaign(question):
    short = "I do not really have anything more to say about it"  # eight words and more, but short
    add_responses(question.page.questionnaire, [short] * 12 + ["Not really"] * 6)
    codeframe = themes.suggest_codeframe(question)
    campaigns = [group for group in codeframe.campaigns if group["campaign"]]
    assert [group["text"] for group in campaigns] == [CAMPAIGN]
    common = [(group["text"], group["size"]) for group in codeframe.campaigns if group["kind"] == "common"]
    assert (short, 12) in common and ("Not really", 6) in common
    assert codeframe.events.get().detail["campaigns"] == 1


def review_flags(codeframe):
    """{answer pk: (confidence, unsure, place to code next)} of the answers the machine codes."""
    return {
        answer_id: flags for answer_id, *flags in
        codeframe.codings.filter(coded_at__isnull=True).values_list("answer_id", "confidence", "needs_review", "review_rank")
    }


def review_queues(codeframe):
    return (
        [answer.pk for answer in themes.low_confidence_queue(codeframe, how_many=20)],
        [answer.pk for answer in themes.next_to_code(codeframe, how_many=20)],
    )


def test_a_held_back_application_flags_answers_for_review_only_once_accepted(question, analyst, monkeypatch):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    theme = codeframe.themes.exclude(nothing_to_add=True).first()
    themes.code_answers(codeframe, analyst, {pk: [theme.pk] for pk in answer_ids_with(question, "allowance")})
    in_force, queues = review_flags(codeframe), review_queues(codeframe)
    monkeypatch.setattr(themes, "MAX_SHARE_MOVED", -1.0)  # every re-application waits

    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.proposal
    # The flags and queues are those of the themes in force, not of the application waiting.
    assert review_flags(codeframe) == in_force and review_queues(codeframe) == queues
    themes.discard_proposal(codeframe, analyst)
    assert review_flags(codeframe) == in_force and review_queues(codeframe) == queues

    themes.apply_codeframe(codeframe)
    assert review_flags(codeframe) == in_force
    themes.accept_proposal(codeframe, analyst)
    accepted, accepted_queues = review_flags(codeframe), review_queues(codeframe)
    assert accepted != in_force
    # Accepted, they are the flags the same application writes when nothing holds it back.
    monkeypatch.setattr(themes, "MAX_SHARE_MOVED", 1.0)
    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.proposal == {}
    assert review_flags(codeframe) == accepted and review_queues(codeframe) == accepted_queues


def test_suggesting_afresh_drops_an_application_held_back_for_the_old_themes(question, analyst, monkeypatch):
    codeframe = themes.suggest_codeframe(question)
    themes.apply_codeframe(codeframe)
    themes.code_answers(codeframe, analyst, {pk: [] for pk in answer_ids_with(question, "allowance")})
    monkeypatch.setattr(themes, "MAX_SHARE_MOVED", -1.0)
    themes.apply_codeframe(codeframe)
    codeframe.refresh_from_db()
    assert codeframe.proposal

    codeframe = themes.suggest_codeframe(question, analyst, replace=True)
    assert codeframe.proposal == {}
    with pytest.raises(themes.ThemeError, match="There is no new application waiting"):
        themes.accept_proposal(codeframe, analyst)
    assert ThemeAssignment.objects.filter(theme__codeframe=codeframe).count() == themes.count_comments(question)
