"""Free-text themes in the platform: a question's codeframe suggested, edited, applied and quoted.

The plain functions here do the work, whoever asks (a staff view, a background task, a test):

    codeframe = suggest_codeframe(question)            # the machine's themes, with history
    rename_theme(theme, analyst, "Breaks for carers")  # a person edits the codeframe
    code_answers(codeframe, analyst, {answer.pk: [theme.pk]})
    apply_codeframe(codeframe)                         # every answer coded; people's codes kept
    choose_quotes(codeframe); approve_quote(quote, analyst)

Machine and person stay apart: an assignment, a coding or an event with no user is the
machine's; one with a user is that person's, and applying the codeframe again (after new
responses arrive, or after more coding) never overwrites it. Identical and near-identical
answers (campaigns, copy-paste) are found first and reported; every copy is still coded and
counted. The engine is in `text/` (scikit-learn, offline); this module stores what it finds.
"""

from dataclasses import dataclass, replace

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Window
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Length, RowNumber, Trim
from django.utils import timezone

from haveyoursay.analysis.models import (
    AgreementSample,
    AnswerCoding,
    Codeframe,
    CodeframeEvent,
    ProposedAssignment,
    ProposedCoding,
    Quote,
    Theme,
    ThemeAssignment,
)
from haveyoursay.analysis.themes.text.coding import (
    FEW_CODED,
    REVIEW_BELOW,
    Coding,
    CodingError,
    agreement_per_theme,
    choose_form,
    decide,
    sample_for_agreement,
    select_for_review,
    train_coder,
)
from haveyoursay.analysis.themes.text.duplicates import describe, group_duplicates
from haveyoursay.analysis.themes.text.duplicates import normalise as normalise_text
from haveyoursay.analysis.themes.text.naming import name_theme, shared_phrases
from haveyoursay.analysis.themes.text.non_answers import is_non_answer
from haveyoursay.analysis.themes.text.redact import redact
from haveyoursay.analysis.themes.text.suggest import fit_text_space, order_by_typicality, suggest_themes
from haveyoursay.surveys.models import Answer, Question, Response, on_counted_responses

OPEN_KINDS = ("short_text", "long_text")
# Fewer person-coded answers than this teach the model less than the suggestion does.
MIN_PERSON_CODED = 20
# A theme is learnt on its own from people's codes once they have given it to this many answers,
# the codeframe's other answers weighing less and less (`handover_rows`); until then its suggested
# members stay among what it learns from. On the NHS feedback, ten were too few: the largest
# theme, learnt from ten, lost half its answers to "no theme".
PERSON_CODED_PER_THEME = 30
# A re-application changing the themes of more than this share of answers waits for a person to accept it.
MAX_SHARE_MOVED = 0.10
# Learning from the suggestion's memberships needs no more than this many answers to find its shape.
MAX_SUGGESTION_TRAINING = 3_000
REVIEW_QUEUE_LENGTH = 200
# A campaign is a substantial text sent many times: shorter ones ("Not really", "Keep it open")
# many people write independently, and they are counted as common answers instead.
MIN_CAMPAIGN_CHARACTERS = 100
COMMON_ANSWER_COPIES = 5
COMMON_ANSWERS_SHOWN = 10
AGREEMENT_SAMPLE_SIZE = 50
QUOTES_PER_THEME = 3
# A theme's typical answers are those nearest the centre of this many of its members, people's and the surest first.
TYPICAL_POOL = 200
QUOTE_LENGTH = (25, 600)  # characters: shorter says too little, longer is not a quote
CONSENTING = (Response.Publication.WITH_NAME, Response.Publication.ANONYMOUS)
Action = CodeframeEvent.Action
# A person's assignment first, then the machine's surest (NULLs placed alike on every database).
PERSON_FIRST = (F("assigned_by").desc(nulls_last=True), F("confidence").desc(nulls_last=True), "pk")


class ThemeError(ValueError):
    """Something a person asked for that cannot be done; the message says what to do instead."""


@dataclass
class Comment:
    answer_id: int
    text: str


# -- Reading --------------------------------------------------------------------------------------


def open_questions(consultation):
    """The consultation's free-text questions, in questionnaire order."""
    questionnaire = getattr(consultation, "questionnaire", None)
    if questionnaire is None:
        return []
    return [question for question in questionnaire.ordered_questions() if question.kind in OPEN_KINDS]


def comment_answers(question):
    """The answers that say something, on counted responses (reached by a join, as the counts are)."""
    return (
        Answer.objects.filter(on_counted_responses("response__"), question=question)
        .exclude(value__text="")
        .exclude(value__text=None)
    )


def load_comments(question):
    """Every comment on the question, oldest answer first."""
    rows = comment_answers(question).order_by("pk").values_list("pk", "value")
    return [Comment(pk, value.get("text", "")) for pk, value in rows if str(value.get("text", "")).strip()]


def count_comments(question):
    return comment_answers(question).count()


def theme_counts(codeframe):
    """{theme pk: how many answers, on counted responses, carry it}."""
    rows = (
        ThemeAssignment.objects.filter(on_counted_responses("answer__response__"), theme__codeframe=codeframe)
        .values("theme").annotate(n=Count("pk"))
    )
    return {row["theme"]: row["n"] for row in rows}


def count_themed(codeframe):
    """How many answers, on counted responses, have at least one theme: the rest are "Other or unclear"."""
    return (
        ThemeAssignment.objects.filter(on_counted_responses("answer__response__"), theme__codeframe=codeframe)
        .values("answer").distinct().count()
    )


@dataclass
class StanceCount:
    """How many of the question's comments have each stance, and how many of those a person gave."""

    counts: dict  # {AnswerCoding.Stance value: answers}
    by_people: int

    @property
    def total(self):
        return sum(self.counts.values())


def stance_counts(codeframe):
    """Each comment counted once, by its stance: a person's where they gave one, otherwise the machine's.

    A person's stance replaces the machine's on the answer's coding (`set_stance`), as their
    themes replace the machine's, so each answer has one stance at most.
    """
    rows = (
        codeframe.codings.filter(answer__in=comment_answers(codeframe.question))
        .exclude(stance="")
        .values("stance")
        .annotate(n=Count("pk"), by_people=Count("stance_by"))
    )
    counts = {stance: 0 for stance in AnswerCoding.Stance.values}
    by_people = 0
    for row in rows:
        counts[row["stance"]] = row["n"]
        by_people += row["by_people"]
    return StanceCount(counts, by_people)


def themes_of_answers(codeframe, answer_ids):
    """{answer pk: [its ThemeAssignments]} for the given answers."""
    result = {pk: [] for pk in answer_ids}
    for assignment in ThemeAssignment.objects.filter(theme__codeframe=codeframe, answer_id__in=list(answer_ids)).select_related("theme"):
        result[assignment.answer_id].append(assignment)
    return result


def typical_answers(codeframe, how_many=3):
    """{theme pk: its most typical answers}: a person's first, then the machine's, each the
    nearest first to what the theme's members say together (`order_by_typicality`, over up to
    TYPICAL_POOL of them, people's and the machine's surest first); one query for every theme.

    Not the machine's surest alone: the surest member can share a few words with the theme and
    say something else ("We need more respite beds" as typical of "Employers need to be more
    flexible"). Nor those that say the phrases its description quotes: a phrase the theme's
    answers share can be in an answer about something else ("Respite is almost impossible to
    arrange at short notice" as typical of "Difference between coping and not coping", whose
    description quotes "short notice"). An answer that says nothing ("-", "Not really") is
    evidence of no theme: it is shown only for the "nothing to add" theme, and the same text is
    shown once."""
    typical = typical_members(ThemeAssignment.objects.filter(theme__codeframe=codeframe))
    return {theme_id: [assignment.answer for assignment in members[:how_many]] for theme_id, members in typical.items()}


def typical_members(assignments):
    """{theme pk: its assignments among `assignments`, the most typical first}: a person's first,
    then the machine's, each the nearest first to what the theme's members say together
    (`order_by_typicality`, over up to TYPICAL_POOL of them, people's and the machine's surest
    first); one query for every theme. A text that says nothing is left out but for the "nothing
    to add" theme, and the same text is kept once."""
    ranked = (
        assignments.annotate(rank=Window(RowNumber(), partition_by=[F("theme_id")], order_by=list(PERSON_FIRST)))
        .filter(rank__lte=TYPICAL_POOL)
        .select_related("answer", "theme")
        .order_by("theme_id", "rank")
    )
    pools, seen = {}, {}
    for assignment in ranked:
        text = str(assignment.answer.value.get("text", ""))
        key = normalise_text(text)
        if key in seen.setdefault(assignment.theme_id, set()):
            continue
        if not assignment.theme.nothing_to_add and is_non_answer(text):
            continue
        seen[assignment.theme_id].add(key)
        pools.setdefault(assignment.theme_id, []).append((assignment, text))
    orders = order_by_typicality([[text for _, text in pool] for pool in pools.values()])
    result = {}
    for (theme_id, pool), order in zip(pools.items(), orders):
        place = {position: number for number, position in enumerate(order)}
        chosen = sorted(range(len(pool)), key=lambda position: (pool[position][0].by_machine, place[position]))
        result[theme_id] = [pool[position][0] for position in chosen]
    return result


# -- Suggesting -----------------------------------------------------------------------------------


def suggest_codeframe(question, user=None, n_themes=None, replace=False):
    """Suggest themes for the question's comments and store them as its codeframe, with history.

    A codeframe a person has already worked on is kept unless `replace` is given: suggesting
    again would throw their work away.
    """
    comments = load_comments(question)
    if not comments:
        raise ThemeError("No one has answered this question yet, so there is nothing to suggest themes from.")
    existing = Codeframe.objects.filter(question=question).first()
    if existing and not replace and has_person_work(existing):
        raise ThemeError(
            "A person has already edited or coded this codeframe. Split, merge or add themes instead, "
            "or start again from a fresh suggestion, which discards that work."
        )
    texts = [comment.text for comment in comments]
    groups = group_duplicates(texts)
    campaigns = [
        describe_campaign(group, comments) for group in groups
        if group.is_campaign() and len(texts[group.representative_index].strip()) >= MIN_CAMPAIGN_CHARACTERS
    ]
    campaigns += common_answers(texts)
    suggestion = suggest_themes(texts, n_themes=n_themes)
    with transaction.atomic():
        codeframe, _ = Codeframe.objects.get_or_create(question=question)
        codeframe.themes.all().delete()
        codeframe.codings.all().delete()
        codeframe.agreement_sample.all().delete()
        codeframe.campaigns = campaigns
        codeframe.state = Codeframe.State.SUGGESTED
        codeframe.trained_on_people = 0
        # An application held back for the themes just discarded has nothing left to accept.
        codeframe.proposal = {}
        codeframe.save()
        themes = Theme.objects.bulk_create(
            Theme(
                codeframe=codeframe, label=suggested_name(suggested, texts), terms=list(suggested.terms),
                description=suggested_description(suggested, texts), nothing_to_add=suggested.nothing_to_add,
                position=number, origin=Theme.Origin.MACHINE,
            )
            for number, suggested in enumerate(suggestion.themes)
        )
        ThemeAssignment.objects.bulk_create(
            ThemeAssignment(theme=themes[number], answer_id=comment.answer_id)
            for comment, number in zip(comments, suggestion.assignments)
        )
        AnswerCoding.objects.bulk_create(AnswerCoding(codeframe=codeframe, answer_id=c.answer_id) for c in comments)
        codeframe.record(
            user, Action.SUGGESTED, themes=[theme.label for theme in themes], answers=len(comments),
            campaigns=sum(1 for group in campaigns if group["campaign"]),
            duplicate_groups=len(groups) - sum(1 for group in campaigns if group["campaign"]),
        )
    return codeframe


def describe_campaign(group, comments):
    """A campaign as staff see it: its text, how many copies, and where they came from."""
    answer_ids = [comments[index].answer_id for index in group.indexes]
    responses = Response.objects.filter(answers__in=answer_ids)
    channels = {
        Response.Channel(row["channel"]).label: row["n"]
        for row in responses.values("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    }
    batches = [
        {"file": row["import_batch__file_name"], "copies": row["n"]}
        for row in responses.exclude(import_batch=None).values("import_batch__file_name").annotate(n=Count("pk"))
        .order_by("-n", "import_batch__file_name")
    ]
    dates = responses.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    return {
        "answer": comments[group.representative_index].answer_id, "size": group.size, "kind": group.kind,
        "campaign": True, "description": describe(group), "text": comments[group.representative_index].text,
        "channels": channels, "batches": batches,
        "first": dates["first"].date().isoformat() if dates["first"] else "",
        "last": dates["last"].date().isoformat() if dates["last"] else "",
    }


def common_answers(texts, how_many=COMMON_ANSWERS_SHOWN):
    """The short answers many people gave in the same words ("Not really"): counted as what
    they are, ordinary answers, never as a campaign."""
    counts = {}
    for text in texts:
        key = normalise_text(text)
        if key and len(text.strip()) < MIN_CAMPAIGN_CHARACTERS:
            entry = counts.setdefault(key, [0, text.strip()])
            entry[0] += 1
    common = sorted(((n, text) for n, text in counts.values() if n >= COMMON_ANSWER_COPIES), key=lambda item: (-item[0], item[1]))
    return [{"text": text, "size": n, "campaign": False, "kind": "common"} for n, text in common[:how_many]]


def suggested_name(suggested, texts):
    """A phrase the theme's members wrote ("Food could be better"), not its word list."""
    if suggested.nothing_to_add:
        return capitalise(suggested.label)
    return name_theme([texts[position] for position in suggested.members], suggested.terms)


def suggested_description(suggested, texts):
    """The phrases the theme's members shared besides its name ("People also wrote: “safe place
    to cross”, “better lighting”."): what they said, beside the words that set the theme apart,
    which the pages show from its terms."""
    if suggested.nothing_to_add:
        return ""
    name = suggested_name(suggested, texts).lower()
    phrases = [
        phrase for phrase in shared_phrases([texts[position] for position in suggested.members], suggested.terms, 4)
        if phrase.lower() != name
    ][:3]
    if not phrases:
        return ""
    return f"People also wrote: {', '.join(f'“{phrase}”' for phrase in phrases)}."


def unconfirmed_names(codeframes):
    """The themes of the codeframes whose name is still the machine's, unconfirmed."""
    return Theme.objects.filter(codeframe__in=codeframes, named_at__isnull=True)


def capitalise(label):
    return label[:1].upper() + label[1:]


def has_person_work(codeframe):
    return (
        codeframe.themes.filter(origin=Theme.Origin.PERSON).exists()
        or codeframe.codings.filter(coded_at__isnull=False).exists()
        # Saying the question asks for a stance reviews no theme.
        or codeframe.events.exclude(user=None).exclude(action=Action.STANCE).exists()
    )


# -- Editing the codeframe ------------------------------------------------------------------------


def rename_theme(theme, user, label, description=None):
    label = label.strip()
    if not label:
        raise ThemeError("Enter a name for the theme.")
    before = {"label": theme.label, "description": theme.description}
    theme.label = label
    if description is not None:
        theme.description = description.strip()
    # Saved by a person, changed or not, the name is theirs: confirmed.
    theme.named_by, theme.named_at = user, timezone.now()
    theme.save(update_fields=["label", "description", "named_by", "named_at"])
    theme.codeframe.record(user, Action.RENAMED, theme=theme.pk, before=before, after={"label": theme.label, "description": theme.description})
    return theme


def add_theme(codeframe, user, label, description=""):
    label = label.strip()
    if not label:
        raise ThemeError("Enter a name for the theme.")
    position = (codeframe.themes.aggregate(last=Max("position"))["last"] or 0) + 1
    theme = Theme.objects.create(
        codeframe=codeframe, label=label, description=description.strip(), origin=Theme.Origin.PERSON, position=position,
        named_by=user, named_at=timezone.now(),
    )
    codeframe.record(user, Action.ADDED, theme=theme.pk, label=label)
    return theme


def delete_theme(theme, user):
    """Delete the theme; its answers keep their other themes, or have none ("other / unclear")."""
    codeframe = theme.codeframe
    answers = theme.assignments.count()
    with transaction.atomic():
        lock(codeframe)
        codeframe.record(user, Action.DELETED, theme=theme.pk, label=theme.label, answers=answers)
        theme.delete()


def merge_themes(themes, user, label=""):
    """One theme from several: the first keeps its place; every answer of the others moves to it."""
    themes = list(themes)
    if len(themes) < 2:
        raise ThemeError("Choose at least two themes to merge.")
    keep, others = themes[0], themes[1:]
    with transaction.atomic():
        lock(keep.codeframe)
        already = set(keep.assignments.values_list("answer_id", flat=True))
        for assignment in ThemeAssignment.objects.filter(theme__in=others).order_by(*PERSON_FIRST):
            if assignment.answer_id in already:
                assignment.delete()
                continue
            assignment.theme = keep
            assignment.save(update_fields=["theme"])
            already.add(assignment.answer_id)
        for item in AgreementSample.objects.filter(themes__in=others).distinct():
            item.themes.add(keep)
        Quote.objects.filter(theme__in=others).exclude(answer_id__in=keep.quotes.values("answer_id")).update(theme=keep)
        keep.terms = list(dict.fromkeys(keep.terms + [term for other in others for term in other.terms]))
        keep.label = label.strip() or keep.label
        if label.strip():
            keep.named_by, keep.named_at = user, timezone.now()
        keep.nothing_to_add = keep.nothing_to_add and all(other.nothing_to_add for other in others)
        keep.save(update_fields=["terms", "label", "nothing_to_add", "named_by", "named_at"])
        keep.codeframe.record(user, Action.MERGED, theme=keep.pk, label=keep.label, merged=[other.label for other in others])
        for other in others:
            other.delete()
    return keep


def split_theme(theme, user, parts=2):
    """Suggest themes again within this one's answers and put each answer in its new theme.

    A person's assignment stays the person's, in whichever new theme its answer falls.
    """
    assignments = list(theme.assignments.select_related("answer").order_by("pk"))
    texts = [str(assignment.answer.value.get("text", "")) for assignment in assignments]
    if len({text.strip().lower() for text in texts}) < 2:
        raise ThemeError("This theme has fewer than two different answers, so there is nothing to split.")
    suggestion = suggest_themes(texts, n_themes=parts)
    codeframe = theme.codeframe
    with transaction.atomic():
        new_themes = []
        for number, suggested in enumerate(suggestion.themes):
            new_themes.append(Theme.objects.create(
                codeframe=codeframe, label=suggested_name(suggested, texts), terms=list(suggested.terms),
                nothing_to_add=suggested.nothing_to_add, origin=Theme.Origin.MACHINE,
                position=theme.position, description=suggested_description(suggested, texts),
            ))
        new_theme_of = {}
        for assignment, number in zip(assignments, suggestion.assignments):
            assignment.theme = new_themes[number]
            assignment.save(update_fields=["theme"])
            new_theme_of[assignment.answer_id] = new_themes[number]
        for item in AgreementSample.objects.filter(themes=theme):
            if item.answer_id in new_theme_of:
                item.themes.add(new_theme_of[item.answer_id])
        for quote in theme.quotes.all():
            if quote.answer_id in new_theme_of:
                quote.theme = new_theme_of[quote.answer_id]
                quote.save(update_fields=["theme"])
        codeframe.record(user, Action.SPLIT, theme=theme.pk, label=theme.label, into=[t.label for t in new_themes])
        theme.delete()
    return new_themes


def move_answers(codeframe, answer_ids, from_theme, to_theme, user):
    """Take the answers out of one theme and into another, as a person's coding of them.

    Their other themes stay as they were, now the person's: re-applying the codeframe leaves them alone.
    """
    if from_theme is not None and from_theme.pk == getattr(to_theme, "pk", None):
        raise ThemeError("Choose a different theme to move the answers to.")
    answer_ids = list(answer_ids)
    with transaction.atomic():
        lock(codeframe)
        current = themes_of_answers(codeframe, answer_ids)
        coded = {}
        for answer_id in answer_ids:
            theme_ids = {a.theme_id for a in current.get(answer_id, [])}
            if from_theme is not None:
                theme_ids.discard(from_theme.pk)
            if to_theme is not None:
                theme_ids.add(to_theme.pk)
            coded[answer_id] = sorted(theme_ids)
        save_person_codes(codeframe, user, coded)
        codeframe.record(
            user, Action.MOVED, answers=len(answer_ids),
            from_theme=getattr(from_theme, "label", ""), to_theme=getattr(to_theme, "label", "no theme"),
        )


# -- A person coding answers ----------------------------------------------------------------------


def code_answers(codeframe, user, coded, stances=None):
    """Save a person's codes: {answer pk: [theme pks]} (an empty list is "none of these")."""
    with transaction.atomic():
        save_person_codes(codeframe, user, coded)
        for answer_id, stance in (stances or {}).items():
            set_stance(codeframe, answer_id, stance, user)
        codeframe.record(user, Action.CODED, answers=len(coded))


@transaction.atomic
def save_person_codes(codeframe, user, coded):
    lock(codeframe)
    valid = set(codeframe.themes.values_list("pk", flat=True))
    for answer_id, theme_ids in coded.items():
        if not set(theme_ids) <= valid:
            raise ThemeError("One of the themes chosen is no longer in the codeframe: reload the page and try again.")
    answer_ids = list(coded)
    known = set(comment_answers(codeframe.question).filter(pk__in=answer_ids).values_list("pk", flat=True))
    if known != set(answer_ids):
        raise ThemeError("One of those answers is not a comment on this question any more: reload the page.")
    ThemeAssignment.objects.filter(theme__codeframe=codeframe, answer_id__in=answer_ids).delete()
    now = timezone.now()
    ThemeAssignment.objects.bulk_create(
        ThemeAssignment(theme_id=theme_id, answer_id=answer_id, assigned_by=user, assigned_at=now)
        for answer_id, theme_ids in coded.items()
        for theme_id in dict.fromkeys(theme_ids)
    )
    for answer_id in answer_ids:
        coding, _ = AnswerCoding.objects.get_or_create(codeframe=codeframe, answer_id=answer_id)
        coding.mark_person_coded(user)
        coding.save()


def ask_for_stance(codeframe, user, asks=True):
    """Say whether the question asks for a view for or against: if so, answers are coded and reported with their stance."""
    if codeframe.asks_for_stance == asks:
        return codeframe
    codeframe.asks_for_stance = asks
    codeframe.save(update_fields=["asks_for_stance", "updated_at"])
    codeframe.record(user, Action.STANCE, asks=asks)
    return codeframe


def set_stance(codeframe, answer_id, stance, user):
    if stance and stance not in AnswerCoding.Stance.values:
        raise ThemeError("Choose support, oppose or mixed, or leave the stance empty.")
    AnswerCoding.objects.filter(codeframe=codeframe, answer_id=answer_id).update(stance=stance or "", stance_by=user if stance else None)


def counted_codings(codeframe):
    """The codings of answers on counted responses: one marked withdrawn or a duplicate after it
    was coded keeps its coding, but is not put to anyone to review."""
    return codeframe.codings.filter(on_counted_responses("answer__response__"))


def next_to_code(codeframe, how_many=5):
    """Uncoded answers for a person to code next: those that teach the machine most, then the oldest.

    Never an answer that says nothing, and never the same text twice: coding one teaches what coding its copies would.
    """
    codings = counted_codings(codeframe).filter(coded_at__isnull=True).exclude(answer_id__in=sampled_answers(codeframe))
    ranked = distinct_answers(
        codings.filter(review_rank__isnull=False).order_by("review_rank").values_list("answer_id", flat=True), how_many
    )
    if len(ranked) < how_many:
        rest = codings.filter(review_rank__isnull=True).order_by("answer_id").values_list("answer_id", flat=True)
        ranked += distinct_answers(rest, how_many - len(ranked), besides=ranked)
    return ranked


def low_confidence_queue(codeframe, how_many=5):
    """Machine-coded answers it was unsure of, least sure first; each text once, and none that says nothing."""
    codings = counted_codings(codeframe).filter(coded_at__isnull=True, needs_review=True).order_by("confidence", "answer_id")
    return distinct_answers(codings.values_list("answer_id", flat=True), how_many)


def distinct_answers(answer_ids, how_many, besides=(), chunk=200):
    """Up to `how_many` answers from the query `answer_ids`, in its order: each text once (as
    normalised for copies), none that says nothing, none with the text of one in `besides`."""
    chosen, seen, start = [], {normalise_text(str(answer.value.get("text", ""))) for answer in besides}, 0
    while len(chosen) < how_many:
        ids = list(answer_ids[start : start + chunk])
        if not ids:
            break
        start += chunk
        for answer in ordered_answers(ids):
            text = str(answer.value.get("text", ""))
            key = normalise_text(text)
            if key in seen or is_non_answer(text):
                continue
            seen.add(key)
            chosen.append(answer)
            if len(chosen) >= how_many:
                break
    return chosen


def ordered_answers(answer_ids):
    by_pk = Answer.objects.select_related("response").in_bulk(answer_ids)
    return [by_pk[pk] for pk in answer_ids if pk in by_pk]


def sampled_answers(codeframe):
    return codeframe.agreement_sample.values("answer_id")


# -- Applying the codeframe to every answer -------------------------------------------------------


def apply_codeframe(codeframe, progress=None):
    """Code every answer the machine may code; a person's codes stay as they are.

    People's codes add to what the codeframe knew, never erase it. A theme is learnt on its
    own, from the answers people have coded, once they have coded at least
    PERSON_CODED_PER_THEME answers with it (and MIN_PERSON_CODED in all); the codeframe's other
    answers stay among what it learns from, weighing less the more people code
    (`handover_rows`). Until then it learns from the codeframe's current memberships (the
    suggestion's, as people have edited and coded it) with the person-coded answers among
    them. A theme no answer has yet is left out: only people give it.

    Answers that say nothing ("-", "n/a", "Not really") are recognised first: they go to the
    codeframe's "nothing to add" theme, if it has one, and are never left for the model.

    A re-application that would change the themes of more than MAX_SHARE_MOVED of the answers,
    or leave a theme with none, is held back as a proposal (`accept_proposal`,
    `discard_proposal`): the figures a person has seen do not change under them unasked.
    Returns a short summary for the job.
    """
    progress = progress or (lambda *args, **kwargs: None)
    comments = load_comments(codeframe.question)
    themes = list(codeframe.themes.all())
    if not comments:
        raise ThemeError("No one has answered this question yet, so there is nothing to code.")
    if not themes:
        raise ThemeError("The codeframe has no themes: add at least one theme, then apply it.")
    ids = [comment.answer_id for comment in comments]
    texts = [comment.text for comment in comments]
    row_of = {answer_id: row for row, answer_id in enumerate(ids)}
    column_of = {theme.pk: column for column, theme in enumerate(themes)}
    progress(0, 4, "Reading the codeframe")
    ensure_codings(codeframe, ids)
    person_rows = sorted(
        row_of[pk] for pk in codeframe.codings.filter(coded_at__isnull=False).values_list("answer_id", flat=True) if pk in row_of
    )
    sample_rows = sorted(row_of[pk] for pk in codeframe.agreement_sample.values_list("answer_id", flat=True) if pk in row_of)
    codes = np.zeros((len(ids), len(themes)), dtype=np.int8)
    for answer_id, theme_id in ThemeAssignment.objects.filter(theme__codeframe=codeframe).values_list("answer_id", "theme_id"):
        if answer_id in row_of:
            codes[row_of[answer_id], column_of[theme_id]] = 1
    silent = np.array([is_non_answer(text) for text in texts], dtype=bool)
    nothing_column = next((column for column, theme in enumerate(themes) if theme.nothing_to_add), None)
    # What an answer that says nothing teaches is that it says nothing, whatever theme it was put in.
    machine_silent = silent.copy()
    machine_silent[person_rows] = False
    codes[machine_silent] = 0
    if nothing_column is not None:
        codes[machine_silent, nothing_column] = 1
    progress(1, 4, "Learning the codeframe")
    space = fit_text_space(texts)
    coder = learn_codeframe(texts, codes, person_rows, [theme.label for theme in themes], space)
    learnt = coder.columns
    progress(2, 4, "Coding every answer")
    vectors = space.transform(texts)
    coding = coder.apply(vectors=vectors)
    recognised = set(np.flatnonzero(silent).tolist())
    if recognised:
        coding.assigned[silent] = 0
        coding.probability[silent] = 0.0
        if nothing_column is not None and nothing_column in learnt:
            column = learnt.index(nothing_column)
            coding.assigned[silent, column] = 1
            coding.probability[silent, column] = 1.0
    review_order = select_for_review(
        coder, texts, coded=person_rows + sample_rows + sorted(recognised), how_many=REVIEW_QUEUE_LENGTH, vectors=vectors
    )
    progress(3, 4, "Saving the themes")
    with transaction.atomic():
        lock(codeframe)
        # While the model learnt, a person may have coded answers or deleted or merged themes:
        # their work stands, and the machine's is saved only around it.
        person = set(person_rows) | {
            row_of[pk] for pk in codeframe.codings.filter(coded_at__isnull=False).values_list("answer_id", flat=True)
            if pk in row_of
        }
        alive = set(codeframe.themes.values_list("pk", flat=True))
        given = [
            (themes[learnt[column]].pk, ids[row], float(coding.probability[row, column]))
            for row, column in zip(*np.nonzero(coding.assigned))
            if row not in person and themes[learnt[column]].pk in alive
        ]
        change = compare_application(codeframe, ids, person, given) if codeframe.state == Codeframe.State.APPLIED else None
        drop_proposal(codeframe)
        held_back = change is not None and change.needs_acceptance()
        confidences = confidence_rows(codeframe, ids, coding, person, review_order)
        if held_back:
            # Its codes and how sure it is of them wait together: the answers put up for review
            # stay those of the themes in force until a person accepts it.
            ProposedAssignment.objects.bulk_create(
                (ProposedAssignment(codeframe=codeframe, theme_id=theme_id, answer_id=answer_id, confidence=confidence)
                 for theme_id, answer_id, confidence in given),
                batch_size=1000,
            )
            ProposedCoding.objects.bulk_create(
                (ProposedCoding(
                    codeframe=codeframe, confidence=confidence, needs_review=unsure, review_rank=rank, coding_id=pk,
                ) for confidence, unsure, rank, pk in confidences),
                batch_size=1000,
            )
            codeframe.proposal = change.as_dict()
        else:
            replace_machine_assignments(codeframe, given)
            save_confidence(confidences)
            codeframe.proposal = {}
        codeframe.state = Codeframe.State.APPLIED
        codeframe.trained_on_people = coder.from_people
        codeframe.save(update_fields=["state", "trained_on_people", "proposal", "updated_at"])
        unsure = np.flatnonzero(answer_confidence(coding) < REVIEW_BELOW)
        needing_review = int(sum(1 for row in unsure.tolist() if row not in person and row not in recognised))
        codeframe.record(
            None, Action.APPLIED, answers=len(ids), coded_by_people=len(person_rows),
            learnt_from="people" if coder.from_people else "suggestion", needs_review=needing_review,
            themes_from_people=len(coder.people_columns),
            learnt_from_people=[themes[column].label for column in coder.people_columns],
        )
        if held_back:
            codeframe.record(None, Action.PROPOSED, moved=change.moved, answers=change.answers, emptied=change.emptied_labels())
    progress(4, 4, "Done")
    return {"answers": len(ids), "needs_review": needing_review, "held_back": held_back}


@dataclass
class LearntCodeframe:
    """The codeframe learnt in up to two parts over the same `TextSpace`: the themes people
    have coded enough of, from their codes alone; the others, from the codeframe's memberships.
    Decides as one coder: every theme's probability against its threshold, then the likeliest."""

    parts: list  # [(Coder, [codeframe column of each of its themes])]
    people_columns: list
    from_people: int  # person-coded answers the people's part learnt from; 0 if none

    @property
    def columns(self):
        return [column for _, columns in self.parts for column in columns]

    @property
    def thresholds(self):
        return np.concatenate([coder.thresholds for coder, _ in self.parts])

    @property
    def max_themes(self):
        return max(coder.max_themes for coder, _ in self.parts)

    @property
    def floor(self):
        # Each part knows only its own themes: an answer none of them is sure of gets its likeliest
        # theme if either part would have given it one.
        return min(coder.floor for coder, _ in self.parts)

    def vectorise(self, texts):
        return self.parts[0][0].vectorise(texts)

    def probabilities(self, vectors):
        return np.hstack([coder.probabilities(vectors) for coder, _ in self.parts])

    def apply(self, texts=None, vectors=None):
        vectors = vectors if vectors is not None else self.vectorise(texts)
        probability = self.probabilities(vectors)
        assigned = decide(probability, self.thresholds, self.floor, self.max_themes)
        return Coding([None] * probability.shape[1], assigned[vectors.inverse], probability[vectors.inverse])


def learn_codeframe(texts, codes, person_rows, labels, space):
    """A `LearntCodeframe` from `codes` (every answer × theme, people's and the machine's)."""
    person_rows = np.array(person_rows, dtype=np.int64)
    people_columns = []
    if len(person_rows) >= MIN_PERSON_CODED:
        coded_per_theme = codes[person_rows].sum(axis=0)
        people_columns = [int(column) for column in np.flatnonzero(coded_per_theme >= PERSON_CODED_PER_THEME)]
    training = suggestion_rows(codes, person_rows)
    if people_columns:
        # An answer of a theme learnt from people is no example of "no theme" for the others.
        codeframe_rows = training[~codes[np.ix_(training, people_columns)].any(axis=1)]
    else:
        codeframe_rows = training
    others = [
        column for column in range(codes.shape[1])
        if column not in people_columns and codes[codeframe_rows, column].any()
    ]
    if not people_columns and not others:
        raise ThemeError("No answer has any theme yet: code some answers, or suggest themes first.")
    whole = choose_form([texts[row] for row in training], codes[training])
    parts = []
    try:
        for column in people_columns:
            rows, weights = handover_rows(codes[:, column], person_rows, training)
            coder = train_coder(
                [texts[row] for row in rows], codes[rows, column][:, None], [labels[column]],
                space=space, weights=weights,
            )
            parts.append((coder, [column]))
        if others:
            part_texts, part_codes = [texts[row] for row in codeframe_rows], codes[np.ix_(codeframe_rows, others)]
            coder = train_coder(
                part_texts, part_codes, [labels[c] for c in others], space=space,
                form=codeframe_form(part_texts, part_codes, whole),
            )
            parts.append((coder, others))
    except CodingError as error:
        raise ThemeError(str(error)) from None
    return LearntCodeframe(parts, people_columns, len(person_rows) if people_columns else 0)


def codeframe_form(texts, codes, whole):
    """The form to learn the themes not handed over to people in: as `choose_form` finds it in
    their answers, but with several themes per answer, and rare themes weighted up, wherever
    the codeframe as a whole (`whole`, its form) has them.

    Handing a theme over takes its answers out of the rest's; when those were the only answers
    with two themes, the rest flipped to one theme per answer, whose probabilities compete and
    are far less sure, and back again once people had given two themes to answers of others.
    With bench/analyst_flow.py's comments and analyst, applied after every ten answers coded,
    the answers the machine was unsure of went 66 → 173 → 62 and 27 → 101 as themes were
    handed over. Handing over the largest theme likewise stopped the rest's rare themes being
    weighted up (30 → 61 with several themes per answer kept). With both kept: 66 → 29 at the
    first handover, 28 → 29 at the next, and within 26 to 31 from then on.
    """
    form = choose_form(texts, codes)
    if whole.rare_theme_weights:
        form = replace(form, rare_theme_weights=True)
    if whole.one_code_per_answer or not form.one_code_per_answer:
        return form
    return replace(form, one_code_per_answer=False, naive_bayes=False, shared_threshold=len(codes) < FEW_CODED)


def handover_rows(column, person_rows, training):
    """(rows, weights) to learn one theme from once people have coded enough of it: every answer a
    person coded, weight 1, and the codeframe's other answers (its memberships, as the themes
    were suggested, edited and applied), each weighing less the more people have coded.

    The weight is PERSON_CODED_PER_THEME / the fewer of the person-coded answers with the
    theme and without it, 1 at most: 1 when the theme is first learnt from people, so what it
    learns changes little at that step, a third at three times as many. Learning from the
    person-coded answers alone from that step on changed its probabilities at once: learnt
    from a few dozen answers they are much less sure, and the answers the machine was unsure
    of jumped (65 to 1,558 of 5,000 in bench/analyst_flow.py, back to 65 one step later), the
    theme's counts with them. The weight squared (a ninth at three times as many) still moved
    them by more than a tenth of the answers in one step on the NHS feedback
    (`test_the_answers_the_machine_was_unsure_of_move_smoothly_as_an_analyst_codes_more`).
    What was left of the rise in the analyst flow's synthetic comments came from the form the
    other themes were learnt in (`codeframe_form`).
    """
    person_rows = np.asarray(person_rows, dtype=np.int64)
    given = int(column[person_rows].sum())
    fewer = max(1, min(given, len(person_rows) - given))
    weight = min(1.0, PERSON_CODED_PER_THEME / fewer)
    others = np.setdiff1d(training, person_rows)
    rows = np.concatenate([person_rows, others])
    weights = np.concatenate([np.ones(len(person_rows)), np.full(len(others), weight)])
    order = np.argsort(rows, kind="stable")
    return rows[order], weights[order]


@dataclass
class Change:
    """How far an application would move the machine's codes from those in the report now."""

    answers: int  # answers the machine codes
    moved: int  # of those, how many would get different themes
    themes: list  # [{theme, label, now, proposed}], counts of every answer (people's codes included)
    other: dict  # {now, proposed}: answers with no theme

    @property
    def emptied(self):
        return [row for row in self.themes if row["now"] > 0 and row["proposed"] == 0]

    def emptied_labels(self):
        return [row["label"] for row in self.emptied]

    def needs_acceptance(self):
        return bool(self.emptied) or (self.answers > 0 and self.moved / self.answers > MAX_SHARE_MOVED)

    def as_dict(self):
        return {
            "answers": self.answers, "moved": self.moved, "themes": self.themes, "other": self.other,
            "emptied": self.emptied_labels(),
        }


def compare_application(codeframe, ids, person, given):
    """The `Change` from the codeframe's current assignments to `given` [(theme pk, answer pk, confidence)]."""
    person_ids = {ids[row] for row in person}
    machine_ids = [pk for pk in ids if pk not in person_ids]
    now, proposed = {}, {}
    for theme_id, answer_id, by in ThemeAssignment.objects.filter(
        on_counted_responses("answer__response__"), theme__codeframe=codeframe
    ).values_list("theme_id", "answer_id", "assigned_by"):
        now.setdefault(answer_id, set()).add(theme_id)
        if by is not None or answer_id in person_ids:
            proposed.setdefault(answer_id, set()).add(theme_id)
    for theme_id, answer_id, _ in given:
        proposed.setdefault(answer_id, set()).add(theme_id)
    moved = sum(1 for pk in machine_ids if now.get(pk, set()) != proposed.get(pk, set()))
    rows = []
    for theme in codeframe.themes.all():
        rows.append({
            "theme": theme.pk, "label": theme.label,
            "now": sum(1 for pk in ids if theme.pk in now.get(pk, ())),
            "proposed": sum(1 for pk in ids if theme.pk in proposed.get(pk, ())),
        })
    other = {"now": sum(1 for pk in ids if not now.get(pk)), "proposed": sum(1 for pk in ids if not proposed.get(pk))}
    return Change(len(machine_ids), moved, rows, other)


def replace_machine_assignments(codeframe, given):
    ThemeAssignment.objects.filter(theme__codeframe=codeframe, assigned_by__isnull=True).delete()
    ThemeAssignment.objects.bulk_create(
        (ThemeAssignment(theme_id=theme_id, answer_id=answer_id, confidence=confidence) for theme_id, answer_id, confidence in given),
        batch_size=1000,
    )


def accept_proposal(codeframe, user):
    """Put the held-back application into the figures: the machine's codes are replaced by its
    codes, but for answers a person has coded since and themes deleted since."""
    with transaction.atomic():
        lock(codeframe)
        if not codeframe.proposal:
            raise ThemeError("There is no new application waiting: the themes are as the last application left them.")
        person_ids = set(codeframe.codings.filter(coded_at__isnull=False).values_list("answer_id", flat=True))
        given = [
            (theme_id, answer_id, confidence)
            for theme_id, answer_id, confidence in codeframe.proposed_assignments.values_list("theme_id", "answer_id", "confidence")
            if answer_id not in person_ids
        ]
        replace_machine_assignments(codeframe, given)
        save_confidence(
            codeframe.proposed_codings.filter(coding__coded_at__isnull=True)
            .values_list("confidence", "needs_review", "review_rank", "coding_id")
        )
        drop_proposal(codeframe)
        moved = codeframe.proposal.get("moved", 0)
        codeframe.proposal = {}
        codeframe.save(update_fields=["proposal", "updated_at"])
        codeframe.record(user, Action.ACCEPTED, moved=moved)


def discard_proposal(codeframe, user):
    """Keep the themes as they are; the held-back application is dropped."""
    with transaction.atomic():
        lock(codeframe)
        if not codeframe.proposal:
            raise ThemeError("There is no new application waiting: the themes are as the last application left them.")
        drop_proposal(codeframe)
        moved = codeframe.proposal.get("moved", 0)
        codeframe.proposal = {}
        codeframe.save(update_fields=["proposal", "updated_at"])
        codeframe.record(user, Action.DISCARDED, moved=moved)


def drop_proposal(codeframe):
    """Delete what a held-back application would put in force: its codes and how sure it is of them."""
    codeframe.proposed_assignments.all().delete()
    codeframe.proposed_codings.all().delete()


def lock(codeframe):
    """Hold the codeframe until the transaction ends, so a person's edit and the machine's
    save never interleave (PostgreSQL's row lock; SQLite's transactions already begin
    IMMEDIATE, holding its one write lock)."""
    list(Codeframe.objects.select_for_update().filter(pk=codeframe.pk).values_list("pk", flat=True))


def suggestion_rows(codes, person_rows):
    """The codeframe's answers to learn from: those with a theme (a sample if many) and every person-coded one."""
    rows = np.flatnonzero(codes.any(axis=1))
    if len(rows) > MAX_SUGGESTION_TRAINING:
        rng = np.random.default_rng(0)
        rows = np.sort(rng.choice(rows, size=MAX_SUGGESTION_TRAINING, replace=False))
    return np.union1d(rows, np.array(person_rows, dtype=np.int64))


def learning_change(codeframe):
    """What the last application changed in how the machine learns, for the analyst: the themes it
    learnt from people's codes alone ({"themes": [labels], "new": [labels]}, those new since the
    application before), and the answers it was unsure of before and after. A theme handed over to
    people's codes is learnt in another form, and how sure the machine is can move with it."""
    last, before = (list(codeframe.events.filter(action=Action.APPLIED)[:2]) + [None, None])[:2]
    if last is None:
        return None
    learnt = last.detail.get("learnt_from_people", [])
    earlier = before.detail.get("learnt_from_people", []) if before else []
    return {
        "themes": learnt, "new": [label for label in learnt if label not in earlier],
        "unsure_before": before.detail.get("needs_review") if before else None,
        "unsure": last.detail.get("needs_review"),
    }


def ensure_codings(codeframe, answer_ids):
    """An AnswerCoding for every comment, including those sent since the codeframe was made."""
    have = set(codeframe.codings.values_list("answer_id", flat=True))
    AnswerCoding.objects.bulk_create(
        (AnswerCoding(codeframe=codeframe, answer_id=pk) for pk in answer_ids if pk not in have), batch_size=1000
    )


def answer_confidence(coding):
    """How sure the machine is of each answer's coding, 0–1: of the least likely theme it gave the
    answer, or, where it gave none, that the likeliest theme does not apply.

    An answer is unsure when a theme it was given, or the one it nearly was, is in doubt. Not
    the least sure of every theme's yes or no: a theme learnt from a handful of people's codes
    is unsure of nearly every answer's "no", and counting those would put almost every answer
    up for review the moment people coded one theme, whatever themes the answers were given.
    """
    probability, assigned = coding.probability, coding.assigned.astype(bool)
    if probability.shape[1] == 0:
        return np.ones(len(probability))
    given = np.where(assigned, probability, np.inf).min(axis=1)
    return np.where(assigned.any(axis=1), given, 1.0 - probability.max(axis=1))


def confidence_rows(codeframe, ids, coding, person, review_order):
    """(confidence, unsure, place in the queue to code next, AnswerCoding pk) of each answer the machine codes."""
    rank_of = {row: rank for rank, row in enumerate(review_order)}
    least = answer_confidence(coding)
    codings = dict(codeframe.codings.filter(coded_at__isnull=True).values_list("answer_id", "pk"))
    return [
        (float(least[row]), bool(least[row] < REVIEW_BELOW), rank_of.get(row), codings[answer_id])
        for row, answer_id in enumerate(ids)
        if answer_id in codings and row not in person
    ]


def save_confidence(rows):
    """Put `confidence_rows` on the answers' codings: the flags of the memberships in force."""
    update_rows(AnswerCoding, ["confidence", "needs_review", "review_rank"], list(rows))


def update_rows(model, fields, rows):
    """UPDATE `fields` of `model` for each (value, …, pk) in `rows`: one prepared statement run
    once a row. Django's bulk_update writes one CASE per field per batch, which took about 20 s
    for 5,000 answers; this takes well under one."""
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(model._meta.get_field(name).column)} = %s" for name in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s", rows
        )


# -- Agreement between a person and the machine ---------------------------------------------------


def draw_agreement_sample(codeframe, user, size=AGREEMENT_SAMPLE_SIZE):
    """A random sample of the answers no person has coded yet, for a person to code blind."""
    if codeframe.agreement_sample.exists():
        return list(codeframe.agreement_sample.all())
    coded = set(codeframe.codings.filter(coded_at__isnull=False).values_list("answer_id", flat=True))
    candidates = [comment.answer_id for comment in load_comments(codeframe.question) if comment.answer_id not in coded]
    if not candidates:
        raise ThemeError("Every answer has been coded by a person already, so there is nothing to sample blind.")
    chosen = sample_for_agreement(len(candidates), size)
    with transaction.atomic():
        items = AgreementSample.objects.bulk_create(AgreementSample(codeframe=codeframe, answer_id=candidates[i]) for i in chosen)
        sampled = [item.answer_id for item in items]
        AnswerCoding.objects.filter(codeframe=codeframe, answer_id__in=sampled).update(review_rank=None)
        codeframe.proposed_codings.filter(coding__answer_id__in=sampled).update(review_rank=None)
        codeframe.record(user, Action.SAMPLED, answers=len(items))
    return items


def next_blind(codeframe, how_many=5):
    """Sample answers the person has not coded blind yet."""
    return list(codeframe.agreement_sample.filter(coded_at__isnull=True).select_related("answer")[:how_many])


def code_blind(codeframe, user, coded):
    """A person's blind codes, {answer pk: [theme pks]}: kept on the sample, apart from every other code."""
    valid = set(codeframe.themes.values_list("pk", flat=True))
    with transaction.atomic():
        items = {item.answer_id: item for item in codeframe.agreement_sample.filter(answer_id__in=list(coded))}
        for answer_id, theme_ids in coded.items():
            item = items.get(answer_id)
            if item is None or not set(theme_ids) <= valid:
                raise ThemeError("That answer or theme is no longer in the sample: reload the page and try again.")
            item.themes.set(theme_ids)
            item.coded_by, item.coded_at = user, timezone.now()
            item.save(update_fields=["coded_by", "coded_at"])


def measure_agreement(codeframe):
    """Cohen's kappa per theme between the blind codes and the machine's, over the sample coded so far.

    An answer a person has coded since it was sampled has no machine codes left to compare, and is left out.
    """
    themes = list(codeframe.themes.all())
    items = list(codeframe.agreement_sample.filter(coded_at__isnull=False).prefetch_related("themes"))
    person_coded = set(codeframe.codings.filter(coded_at__isnull=False).values_list("answer_id", flat=True))
    items = [item for item in items if item.answer_id not in person_coded]
    if not items or not themes:
        return []
    column_of = {theme.pk: column for column, theme in enumerate(themes)}
    row_of = {item.answer_id: row for row, item in enumerate(items)}
    person = np.zeros((len(items), len(themes)), dtype=np.int8)
    machine = np.zeros_like(person)
    for item in items:
        for theme in item.themes.all():
            person[row_of[item.answer_id], column_of[theme.pk]] = 1
    machine_rows = ThemeAssignment.objects.filter(theme__codeframe=codeframe, answer_id__in=list(row_of), assigned_by__isnull=True)
    for answer_id, theme_id in machine_rows.values_list("answer_id", "theme_id"):
        machine[row_of[answer_id], column_of[theme_id]] = 1
    return agreement_per_theme(person, machine, [theme.pk for theme in themes])


# -- Quotes ---------------------------------------------------------------------------------------


def choose_quotes(codeframe, user=None, per_theme=QUOTES_PER_THEME):
    """Put forward each theme's most typical quotable answers, redacted, for a person to approve.

    Only answers whose respondent allowed publication, of a quotable length and saying something;
    chosen as its typical answers are (`typical_members`): a person's codes first, then those
    nearest what the theme's answers say together, each saying something the ones before did not.
    Not the machine's surest: that can share a few words with the theme and say something else.
    Unapproved candidates are chosen afresh; approved quotes stay.
    """
    with transaction.atomic():
        Quote.objects.filter(theme__codeframe=codeframe, approved_at__isnull=True).delete()
        quotable = (
            ThemeAssignment.objects.filter(
                on_counted_responses("answer__response__"),
                theme__codeframe=codeframe,
                theme__nothing_to_add=False,
                answer__response__publication__in=CONSENTING,
            )
            .annotate(length=Length(Trim(KeyTextTransform("text", "answer__value"))))
            .filter(length__gte=QUOTE_LENGTH[0], length__lte=QUOTE_LENGTH[1])
            .exclude(Exists(Quote.objects.filter(theme=OuterRef("theme"), answer=OuterRef("answer"))))
        )
        chosen = []
        for members in typical_members(quotable).values():
            chosen += [make_quote(a.theme, a.answer_id, str(a.answer.value.get("text", "")).strip()) for a in members[:per_theme]]
        Quote.objects.bulk_create(chosen)
        made = len(chosen)
        codeframe.record(user, Action.QUOTES, chosen=made)
    return made


def make_quote(theme, answer_id, text):
    redacted = redact(text)
    removed = [{"kind": r.kind, "original": r.original, "marker": r.marker} for r in redacted.removed]
    return Quote(theme=theme, answer_id=answer_id, text=redacted.text, removed=removed)


def approve_quote(quote, user, text=None):
    """Approve a quote for publication, optionally with the person's own further redaction."""
    publication = Response.objects.filter(answers=quote.answer_id).values_list("publication", flat=True).first()
    if publication not in CONSENTING:
        raise ThemeError("This respondent did not allow their words to be published, so this answer cannot be quoted.")
    if text is not None and text.strip():
        quote.text = redact(text.strip()).text
    quote.approved_by, quote.approved_at = user, timezone.now()
    quote.save(update_fields=["text", "approved_by", "approved_at"])
    quote.theme.codeframe.record(user, Action.QUOTES, approved=quote.pk, theme=quote.theme.label)


def withdraw_quote(quote, user):
    quote.approved_by, quote.approved_at = None, None
    quote.save(update_fields=["approved_by", "approved_at"])
    quote.theme.codeframe.record(user, Action.QUOTES, withdrawn=quote.pk, theme=quote.theme.label)


def codeframe_for(question):
    return Codeframe.objects.filter(question=question).first()


def question_with_code(consultation, code):
    return Question.objects.filter(page__questionnaire__consultation=consultation, code=code, kind__in=OPEN_KINDS).first()
