"""Disclosure control: small cells withheld from what is published, and none worked out by subtraction."""

import random

import numpy as np
import pandas as pd
import pytest

from haveyoursay.analysis.dataset import Dataset, QuestionSpec
from haveyoursay.analysis.suppression import suppress, withheld_cells
from haveyoursay.analysis.tables import (
    NO_INFORMATION,
    Breakdown,
    FrequencyTable,
    Group,
    MultipleChoiceTable,
    NumberSummary,
    Population,
    RankedItem,
    RankingSummary,
    Row,
    crosstab,
    frequency_table,
    profile_table,
)
from haveyoursay.surveys.question_types import AGREE_SCALE, DONT_KNOW, PREFER_NOT_TO_SAY
from tests.analysis.in_memory import combine, people

SEXES = [("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY]


def dataset_of(groups, answers, *, group_options=SEXES, options=(*AGREE_SCALE, DONT_KNOW), kind="agree"):
    """Respondents in memory: each one's group and answer (None for none)."""
    question = QuestionSpec(1, "vision", kind, "Do you agree with the vision?", options=list(options))
    profile = QuestionSpec(2, "sex", "single", "What is your sex?", profile="sex", options=list(group_options))
    index = pd.Index(np.arange(1, len(answers) + 1), name="response")
    frame = pd.DataFrame({
        "channel": pd.Categorical(["online"] * len(answers), categories=["online"]),
        "respondent_kind": pd.Categorical(["individual"] * len(answers), categories=["individual"]),
        "vision": pd.Categorical(answers, categories=[v for v, _ in options]),
        "sex": pd.Categorical(groups, categories=[v for v, _ in group_options]),
    }, index=index)  # fmt: skip
    answered = pd.DataFrame({"vision": frame["vision"].notna(), "sex": frame["sex"].notna()}, index=index)
    asked = pd.DataFrame(True, index=index, columns=["vision", "sex"])
    return Dataset(1, "Strategic Plan", frame, [question, profile], answered, asked)


def frequency(counts):
    rows = [Row(value, value.title(), count, count * 100 / sum(counts.values())) for value, count in counts.items()]
    return FrequencyTable("q", "A question", "single", rows, sum(counts.values()), 0, 0)


# -- The rule ----------------------------------------------------------------------------------


def test_small_cells_are_withheld_and_one_more_so_none_can_be_worked_out():
    counts = {"a": 3, "b": 40, "c": 0, "d": 12}
    withheld = withheld_cells(counts, 5, sensitive=counts, lines=[list(counts)])
    assert withheld == {"a", "d"}  # d: the smallest other count above zero


def test_a_zero_is_withheld_only_when_nothing_else_can_hide_the_small_cell():
    counts = {"a": 3, "b": 0, "c": 0}
    assert withheld_cells(counts, 5, sensitive=counts, lines=[list(counts)]) == {"a", "b"}


def test_two_small_cells_protect_each_other():
    counts = {"a": 3, "b": 4, "c": 50}
    assert withheld_cells(counts, 5, sensitive=counts, lines=[list(counts)]) == {"a", "b"}


def test_cells_that_are_not_sensitive_are_shown_however_small_but_can_hide_another():
    counts = {"yes": 2, "no": 30, "no_information": 1}
    withheld = withheld_cells(counts, 5, sensitive=["yes", "no"], lines=[list(counts)])
    assert withheld == {"yes", "no_information"}


def test_the_threshold_must_be_sensible():
    with pytest.raises(ValueError, match="1 or more"):
        suppress(frequency({"a": 3}), 0)


# -- One-way tables ----------------------------------------------------------------------------


def test_a_frequency_table_is_copied_with_its_small_rows_and_their_percentages_withheld():
    table = frequency({"yes": 40, "no": 3, "unsure": 9})
    published = suppress(table)
    shown = {row.value: (row.count, row.percent, row.suppressed) for row in published.rows}
    assert shown["yes"][0] == 40
    assert shown["no"] == (None, None, True)
    assert shown["unsure"] == (None, None, True)
    assert published.base == 52 and published.threshold == 5
    assert table.rows[1].count == 3 and table.threshold is None  # the staff copy is untouched


def test_a_scale_summary_is_withheld_where_its_parts_are():
    groups, answers = combine(people("female", strongly_agree=3, tend_to_agree=20, strongly_disagree=30, dont_know=10))
    table = frequency_table(dataset_of(groups, answers), "vision")
    summary = suppress(table).summary
    assert summary.positive is None and summary.percent_positive is None and summary.net is None
    assert summary.dont_know is None  # the second cell withheld to protect the 3
    assert summary.negative == 30 and summary.percent_negative == pytest.approx(30 * 100 / 63)


def test_multiple_choice_rows_stand_alone_but_their_total_goes_with_them():
    rows = [Row("a", "A", 2, 20.0), Row("b", "B", 9, 90.0)]
    table = MultipleChoiceTable("q", "Which?", rows, base=10, not_answered=0, not_asked=0, choices=11)
    published = suppress(table)
    assert [row.count for row in published.rows] == [None, 9]
    assert published.choices is None


def test_number_summaries_never_publish_one_persons_own_answer():
    summary = NumberSummary("years", "Years", n=40, mean=12.5, median=10, q1=4, q3=20, minimum=0, maximum=81,
                            not_answered=0, not_asked=0)  # fmt: skip
    published = suppress(summary)
    assert (published.minimum, published.maximum) == (None, None)
    assert published.mean == 12.5
    few = suppress(NumberSummary("years", "Years", 3, 5.0, 5, 4, 6, 3, 7, 0, 0))
    assert (few.mean, few.median, few.q1, few.q3) == (None, None, None, None)


def test_ranking_first_places_and_thin_mean_ranks_are_withheld():
    items = [RankedItem("economy", "Economy", 40, 1.8, 30, 60.0), RankedItem("green", "Green", 4, 1.5, 2, 4.0),
             RankedItem("safe", "Safe", 45, 2.1, 18, 36.0)]  # fmt: skip
    published = suppress(RankingSummary("order", "Order", items, base=50, not_answered=0, not_asked=0))
    economy, green, safe = published.items
    assert (green.first, green.ranked, green.mean_rank) == (None, None, None)
    assert safe.first is None and safe.mean_rank == 2.1  # hides the 2 first places of "Green"
    assert economy.first == 30


def test_profile_no_information_is_shown_small_but_used_to_hide_others():
    groups = ["female"] * 30 + ["male"] * 3 + [None] * 2
    dataset = dataset_of(groups, ["neither"] * len(groups))
    population = Population("sex", "Leicestershire", "Census 2021", [("female", "Female", 51), ("male", "Male", 49)])
    published = suppress(profile_table(dataset, "sex", population))
    rows = {row.label: row for row in published.rows}
    assert rows["Male"].count is None and rows["Male"].percent_of_compared is None and rows["Male"].difference is None
    assert rows["Male"].population_percent == pytest.approx(49)  # public figures stay
    assert rows["Female"].count is None  # else 30 + ? = compared base 33 gives Male away
    assert rows[NO_INFORMATION].count == 2  # Female already hides Male in the whole column
    assert rows["Prefer not to say"].count == 0


# -- Sub-group tables --------------------------------------------------------------------------


def crosstab_lines(table):
    """Every set of a crosstab's figures that adds up to a figure shown, as the test sees it."""
    plain = [r for r, row in enumerate(table.rows) if not row.derived]
    groups = range(len(table.groups))
    lines = [[table.rows[r].cells[g] for g in groups] + [("total", r)] for r in plain]
    lines.append([("base", g) for g in groups])
    if not table.multiple:
        lines += [[table.rows[r].cells[g] for r in plain] + [("base", g)] for g in groups]
        lines.append([("total", r) for r in plain])
    return lines


def is_withheld(table, item):
    if isinstance(item, tuple):
        kind, i = item
        return table.rows[i].total_suppressed if kind == "total" else table.groups[i].suppressed
    return item.suppressed


def test_a_sub_group_table_withholds_small_bases_with_all_their_percentages():
    groups, answers = combine(
        people("female", strongly_agree=40, tend_to_agree=22, strongly_disagree=31),
        people("male", strongly_agree=3),
        people("prefer_not_to_say", strongly_agree=12, tend_to_agree=9),
    )
    published = suppress(crosstab(dataset_of(groups, answers), "vision", "sex"))
    female, male, _ = published.groups
    assert male.base is None and male.suppressed
    assert all(row.cells[1].percent is None for row in published.rows)
    assert all(cell.p_value is None for row in published.rows for cell in row.cells if cell.suppressed)
    assert female.base == 93
    agree = next(row for row in published.rows if row.derived and row.label.startswith("Agree"))
    strongly = next(row for row in published.rows if row.value == "strongly_agree")
    assert strongly.cells[1].suppressed and agree.cells[1].suppressed


def test_withheld_cells_lose_their_marks_and_the_chi_square_keeps_only_its_verdict():
    groups, answers = combine(
        people("female", strongly_agree=80, strongly_disagree=20, dont_know=4),
        people("male", strongly_agree=20, strongly_disagree=80, dont_know=6),
    )
    table = crosstab(dataset_of(groups, answers), "vision", "sex")
    assert table.chi_square.p_value is not None
    published = suppress(table)
    assert published.chi_square.statistic is None and published.chi_square.p_value is None
    assert published.chi_square.significant
    assert all(not cell.difference for row in published.rows for cell in row.cells if cell.suppressed)
    # With two groups, the 4 is protected by a rectangle of four cells, not the whole table.
    withheld = {(row.value, g) for row in published.rows if not row.derived for g, c in enumerate(row.cells) if c.suppressed}
    assert withheld == {("strongly_disagree", 0), ("strongly_disagree", 1), ("dont_know", 0), ("dont_know", 1)}
    strongly_agree = published.rows[0]
    assert [cell.difference for cell in strongly_agree.cells[:2]] == ["higher", "lower"]


@pytest.mark.parametrize("seed", range(40))
def test_random_sub_group_tables_leave_no_small_cell_and_no_lone_withheld_cell_in_a_line(seed):
    rng = random.Random(seed)
    values = [v for v, _ in (*AGREE_SCALE, DONT_KNOW)]
    groups, answers = [], []
    for group in ("female", "male", "prefer_not_to_say", None):
        for value in values:
            count = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40])
            groups += [group] * count
            answers += [value] * count
    table = crosstab(dataset_of(groups, answers), "vision", "sex")
    published = suppress(table, threshold=rng.choice([3, 5, 10]))
    threshold = published.threshold
    for original, row in zip(table.rows, published.rows):
        for before, after in zip(original.cells, row.cells):
            assert not (0 < before.count < threshold) or after.suppressed
            assert after.suppressed == (after.count is None)
        assert not (0 < original.total < threshold) or row.total_suppressed
    for group, before in zip(published.groups, table.groups):
        if group.value is not None and 0 < before.base < threshold:
            assert group.suppressed
    for line in crosstab_lines(published):
        assert sum(is_withheld(published, item) for item in line) != 1


def test_a_breakdown_withholds_small_groups_and_their_summaries():
    summaries = [NumberSummary("years", "Years", n, 10.0, 9, 5, 14, 1, 30, 0, 0) for n in (60, 3, 20)]
    groups = [Group("female", "Female", 60), Group("male", "Male", 3), Group(None, NO_INFORMATION, 20)]
    published = suppress(Breakdown("years", "Years", "sex", "Sex", groups, summaries))
    assert [group.base for group in published.groups] == [60, None, None]
    assert published.summaries[1].mean is None and published.summaries[1].n is None
    assert published.summaries[0].mean == 10.0 and published.summaries[0].maximum is None
