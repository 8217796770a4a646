"""Every figure the analysis gives can be worked out again from the raw response export.

Responses with known (seeded, random) answers go in through the ORM; the export that staff
download (`surveys/exports.py`) comes out as CSV; and a recount written here in plain Python,
calling none of the analysis code, must give the same counts, bases, percentages, scale
summaries, number and ranking statistics, profile shares, sub-group tables and significance
marks, and the same figures once rounded for display.

The suite runs on SQLite and on PostgreSQL, and `load_dataset` reads the answers differently
on each (concatenated on SQLite, grouped by answer on PostgreSQL): the recount checks the
reading of the database the suite runs on, and the last test compares it, table by table,
with the reading through the ORM.
"""

import csv
import io
import math
import random
from fractions import Fraction

import pandas as pd
import pytest
from django.utils import timezone

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.suppression import suppress
from haveyoursay.analysis.tables import Population, analyse
from haveyoursay.reports.document import format_cell
from haveyoursay.surveys.building import add_about_you, add_page, add_question
from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
from haveyoursay.surveys.compact import fill_compact_answers
from haveyoursay.surveys.models import Answer, CompactAnswers, Questionnaire, Response
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

RESPONDENTS = 400
AIMS = [("cohesion", "Increase community cohesion"), ("volunteering", "Sustain the increase in volunteering")]
OUTCOMES = [("economy", "Strong Economy"), ("safe_well", "Keeping People Safe and Well"), ("green", "Clean, Green Future")]
PLACES = [("loughborough", "Loughborough town centre"), ("melton", "Melton Mowbray")]
AGREE_LABELS = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree",
                "Strongly disagree", "Don't know"]  # fmt: skip


def build():
    consultation = make_consultation(title="Leicestershire County Council Strategic Plan 2022-2026")
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="As the Act requires.")
    page = add_page(questionnaire, "Our vision")
    add_question(page, "agree", "Do you agree with the vision?", code="vision")
    add_question(page, "importance", "How important is a ‘Clean, Green Future’?", code="green")
    add_question(page, "multiple", "How did you hear about it?", code="heard",
                 options=["Council website", "Social media", "Local newspaper"])  # fmt: skip
    add_question(page, "number", "Years lived in Leicestershire", code="years")
    add_question(page, "ranking", "Put the outcomes in order", code="order", options=OUTCOMES)
    add_question(page, "grid", "How much do you agree with these aims?", code="aims",
                 settings={"statements": [{"value": v, "label": label} for v, label in AIMS]})  # fmt: skip
    add_question(page, "location", "Where should we start?", code="place",
                 settings={"places": [{"value": v, "label": label} for v, label in PLACES]})  # fmt: skip
    concern = add_page(questionnaire, "Your concerns",
                       condition={"question": "vision", "values": ["tend_to_disagree", "strongly_disagree"]})  # fmt: skip
    add_question(concern, "single", "What concerns you most?", code="concern", options=["Housing", "Transport"])
    add_about_you(questionnaire)
    return questionnaire


def random_answers(rng, questions):
    """One respondent's answers, as they could have given them: skipping some, routed."""
    def pick(code, skip=0.1):
        options = [o.value for o in questions[code].options.all()]
        return None if rng.random() < skip else {"choice": rng.choice(options), "other": ""}

    answers = {"vision": pick("vision"), "green": pick("green"), "sex": pick("sex", 0.15), "age": pick("age", 0.1)}
    if answers["sex"] and answers["sex"]["choice"] == "female" and rng.random() < 0.5:
        answers["vision"] = {"choice": "strongly_agree", "other": ""}  # a real difference to find
    if answers["vision"] and answers["vision"]["choice"] in ("tend_to_disagree", "strongly_disagree"):
        answers["concern"] = pick("concern", 0.3)
    if rng.random() < 0.85:
        chosen = [v for v in ("council_website", "social_media", "local_newspaper") if rng.random() < 0.5]
        answers["heard"] = {"choices": chosen or ["social_media"], "other": ""}
    if rng.random() < 0.9:
        answers["years"] = {"number": rng.choice([rng.randint(0, 80), round(rng.uniform(0, 10), 1)])}
    if rng.random() < 0.8:
        items = [v for v, _ in OUTCOMES]
        rng.shuffle(items)
        answers["order"] = {"ranking": items[: rng.randint(1, 3)]}
    rows = {v: rng.choice([o.value for o in questions["aims"].options.all()]) for v, _ in AIMS if rng.random() < 0.9}
    answers["aims"] = {"rows": rows} if rows else None
    if rng.random() < 0.7:
        answers["place"] = {"place": "melton"} if rng.random() < 0.5 else {"postcode": "LE11 3AB"}
    return {code: value for code, value in answers.items() if value is not None}


@pytest.fixture
def exported():
    """The questionnaire, and its export read back as dicts (header name → cell)."""
    questionnaire = build()
    questions = {q.code: q for q in questionnaire.ordered_questions().prefetch_related("options")}
    rng = random.Random(2022)
    now = timezone.now()
    responses = Response.objects.bulk_create([
        Response(questionnaire=questionnaire, reference=f"TEST-{n:04d}",
                 channel=rng.choice(["online", "online", "paper", "email", "phone"]),
                 state="submitted" if n % 25 else "in_progress", submitted_at=now if n % 25 else None)
        for n in range(RESPONDENTS)
    ])  # fmt: skip
    Answer.objects.bulk_create([
        Answer(response=response, question=questions[code], value=value)
        for response in responses
        for code, value in random_answers(rng, questions).items()
    ])  # fmt: skip
    # The tables below are read from the compact copies of the answers, as after any load.
    assert fill_compact_answers(questionnaire.pk) == Response.objects.submitted().count()
    body = b"".join(csv_chunks(ResponseExporter(questionnaire).rows())).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    return questionnaire, questions, rows


# -- The recount: plain Python over the exported cells -----------------------------------------


def count_labels(rows, column):
    counts = {}
    for row in rows:
        if row[column]:
            counts[row[column]] = counts.get(row[column], 0) + 1
    return counts


def quantile(sorted_values, share):
    """Hyndman and Fan's method 7, written out."""
    h = (len(sorted_values) - 1) * share
    low = math.floor(h)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (h - low) * (sorted_values[high] - sorted_values[low])


def displayed(count, base):
    """A percentage rounded half up from the exact fraction, as a person would on paper."""
    exact = Fraction(count * 100, base)
    return f"{math.floor(exact + Fraction(1, 2))}%"


def z_test_p(x1, n1, x2, n2):
    pooled = (x1 + x2) / (n1 + n2)
    if min(n1, n2) < 30 or min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)) < 5:
        return None
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(abs(z) / math.sqrt(2))


def holm(p_values):
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted, running = [0.0] * len(p_values), 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


# -- The checks --------------------------------------------------------------------------------


def test_every_closed_question_figure_matches_the_recount(exported):
    questionnaire, questions, rows = exported
    dataset = load_dataset(questionnaire)
    analysis = analyse(dataset)
    results = {result.question: result for result in analysis.questions}
    assert analysis.respondents == len(rows) == RESPONDENTS - RESPONDENTS // 25

    for code in ("vision", "green", "concern", "sex", "age", "area"):
        table = results[code]
        counts = count_labels(rows, code)
        base = sum(counts.values())
        assert (table.base, table.not_answered) == (base, len(rows) - base), code
        for row in table.rows:
            assert row.count == counts.get(row.label, 0), (code, row.label)
            if base:
                assert row.percent == pytest.approx(counts.get(row.label, 0) * 100 / base)
                assert format_cell(row.percent, percent=True) == displayed(row.count, base)

    vision, counts = results["vision"].summary, count_labels(rows, "vision")
    base = sum(counts.values())
    agree = counts.get("Strongly agree", 0) + counts.get("Tend to agree", 0)
    disagree = counts.get("Tend to disagree", 0) + counts.get("Strongly disagree", 0)
    assert (vision.positive, vision.negative, vision.dont_know) == (agree, disagree, counts.get("Don't know", 0))
    assert vision.percent_positive == pytest.approx(agree * 100 / base)
    assert vision.net == pytest.approx((agree - disagree) * 100 / base)
    assert format_cell(vision.net) == format_cell(float(Fraction((agree - disagree) * 100, base)))

    concern = results["concern"]
    asked = sum(1 for row in rows if row["vision"] in ("Tend to disagree", "Strongly disagree"))
    assert concern.not_asked == len(rows) - asked

    heard = results["heard"]
    answered = [row for row in rows if row["heard_council_website"] != ""]
    assert heard.base == len(answered)
    for row in heard.rows:
        chosen = sum(1 for r in answered if r[f"heard_{row.value}"] == "1")
        assert row.count == chosen and row.percent == pytest.approx(chosen * 100 / len(answered))
    assert heard.choices == sum(r[f"heard_{v}"] == "1" for r in answered for v in ("council_website", "social_media", "local_newspaper"))

    years = results["years"]
    values = sorted(float(row["years"]) for row in rows if row["years"])
    assert years.n == len(values)
    assert years.mean == pytest.approx(sum(values) / len(values))
    assert (years.q1, years.median, years.q3) == pytest.approx(tuple(quantile(values, p) for p in (0.25, 0.5, 0.75)))
    assert (years.minimum, years.maximum) == (values[0], values[-1])

    order = results["order"]
    ranked_any = [row for row in rows if any(row[f"order_{v}"] for v, _ in OUTCOMES)]
    assert order.base == len(ranked_any)
    for item in order.items:
        ranks = [int(row[f"order_{item.value}"]) for row in rows if row[f"order_{item.value}"]]
        assert item.ranked == len(ranks)
        assert item.mean_rank == pytest.approx(sum(ranks) / len(ranks))
        assert item.first == ranks.count(1)

    for statement, (value, _) in zip(results["aims"].statements, AIMS):
        counts = count_labels(rows, f"aims_{value}")
        assert statement.base == sum(counts.values())
        assert {row.label: row.count for row in statement.rows if row.count} == counts

    place = {row.value: row.count for row in results["place"].rows}
    assert place["melton"] == sum(1 for row in rows if row["place"] == "Melton Mowbray")
    assert place["postcode"] == sum(1 for row in rows if row["place"] == "LE11 3AB")


def test_profile_and_population_shares_match_the_recount(exported):
    questionnaire, questions, rows = exported
    population = Population("sex", "Leicestershire", "Census 2021", [("female", "Female", 360), ("male", "Male", 350)])
    analysis = analyse(load_dataset(questionnaire), populations={"sex": population})
    sex = next(table for table in analysis.profile if table.profile == "sex")
    counts = count_labels(rows, "sex")
    compared = counts.get("Female", 0) + counts.get("Male", 0)
    for row in sex.rows:
        expected = counts.get(row.label, 0) if row.value else len(rows) - sum(counts.values())
        assert row.count == expected and row.percent == pytest.approx(expected * 100 / len(rows))
    female = next(row for row in sex.rows if row.value == "female")
    assert female.percent_of_compared == pytest.approx(counts["Female"] * 100 / compared)
    assert female.difference == pytest.approx(counts["Female"] * 100 / compared - 360 * 100 / 710)
    channel = next(table for table in analysis.profile if table.profile == "channel")
    assert {row.value: row.count for row in channel.rows if row.count} == count_labels(rows, "channel")


def test_sub_group_table_and_its_marks_match_the_recount(exported):
    questionnaire, questions, rows = exported
    analysis = analyse(load_dataset(questionnaire), breakdowns=[("vision", "sex")])
    (table,) = analysis.breakdowns
    answered = [row for row in rows if row["vision"]]
    columns = ["Female", "Male", "Prefer not to say", ""]
    assert [group.base for group in table.groups] == [sum(1 for r in answered if r["sex"] == c) for c in columns]
    p_values, cells = [], []
    for row in table.rows:
        labels = ({"Strongly agree", "Tend to agree"} if row.label.startswith("Agree") else
                  {"Tend to disagree", "Strongly disagree"} if row.label.startswith("Disagree") else {row.label})  # fmt: skip
        total = sum(1 for r in answered if r["vision"] in labels)
        assert row.total == total
        for column, cell, group in zip(columns, row.cells, table.groups):
            in_group = [r for r in answered if r["sex"] == column]
            count = sum(1 for r in in_group if r["vision"] in labels)
            assert cell.count == count
            assert cell.percent == (pytest.approx(count * 100 / len(in_group)) if in_group else None)
            if column in ("Female", "Male"):
                p = z_test_p(count, len(in_group), total - count, len(answered) - len(in_group))
                assert cell.p_value == (None if p is None else pytest.approx(p, rel=1e-9, abs=1e-300))
                if p is not None:
                    p_values.append(p)
                    cells.append((cell, count / len(in_group) > (total - count) / (len(answered) - len(in_group))))
    marked = 0
    for (cell, above), adjusted in zip(cells, holm(p_values)):
        assert cell.adjusted_p == pytest.approx(adjusted, rel=1e-9, abs=1e-300)
        assert cell.difference == (("higher" if above else "lower") if adjusted < 0.05 else "")
        marked += adjusted < 0.05
    assert marked >= 2  # the difference built into the answers is found


def test_the_database_reading_gives_every_table_the_orm_reading_gives(exported):
    questionnaire, _, _ = exported
    breakdowns = [
        ("vision", "sex"), ("green", "age"), ("heard", "sex"), ("aims", "age"), ("years", "sex"),
        ("order", "channel"), ("place", "sex"), ("concern", "channel"), ("vision", "respondent_kind"),
    ]  # fmt: skip
    population = Population("sex", "Leicestershire", "Census 2021", [("female", "Female", 360), ("male", "Male", 350)])
    fast, slow = load_dataset(questionnaire), load_dataset(questionnaire, in_database=False)
    assert fast.compact_rows == fast.respondents  # read from the compact copies
    for name in ("frame", "answered", "asked"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(slow, name))
    CompactAnswers.objects.all().delete()
    answers = load_dataset(questionnaire)  # read from the answers in the database, as without copies
    assert answers.compact_rows == 0
    for name in ("frame", "answered", "asked"):
        pd.testing.assert_frame_equal(getattr(answers, name), getattr(slow, name))
    assert fast.asked["concern"].sum() < fast.respondents  # routing: not everyone was asked
    fast, slow = (analyse(dataset, breakdowns=breakdowns, populations={"sex": population}) for dataset in (fast, slow))
    assert fast == slow
    assert sum(len(table.marked()) for table in fast.breakdowns if hasattr(table, "marked")) >= 2
    published = suppress(fast, 10)
    assert published == suppress(slow, 10)
    assert any(cell.suppressed for table in published.breakdowns if hasattr(table, "rows")
               for row in table.rows for cell in row.cells)  # fmt: skip
