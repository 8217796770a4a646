"""Significance in sub-group tables: the tests themselves, and marks only where the answer is known."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from haveyoursay.analysis import significance
from haveyoursay.analysis.dataset import Dataset, QuestionSpec
from haveyoursay.analysis.tables import crosstab
from haveyoursay.surveys.question_types import AGREE_SCALE, DONT_KNOW, PREFER_NOT_TO_SAY
from tests.analysis.in_memory import combine, people

SEXES = [("female", "Female"), ("male", "Male"), PREFER_NOT_TO_SAY]
AGES = [("16_to_24", "16 to 24"), ("25_to_34", "25 to 34"), ("35_to_44", "35 to 44"), ("45_to_54", "45 to 54")]


def dataset_of(groups, answers, *, group_options=SEXES, options=(*AGREE_SCALE, DONT_KNOW)):
    """Respondents in memory: each one's group (a value of `group_options`, or None) and
    answer (an option value, or None)."""
    question = QuestionSpec(1, "vision", "agree", "Do you agree with the vision?", options=list(options))
    profile = QuestionSpec(2, "by", "single", "About you", profile="sex", options=list(group_options))
    n = len(answers)
    index = pd.Index(np.arange(1, n + 1), name="response")
    frame = pd.DataFrame({
        "channel": pd.Categorical(["online"] * n, categories=["online", "paper"]),
        "respondent_kind": pd.Categorical(["individual"] * n, categories=["individual", "organisation"]),
        "vision": pd.Categorical(answers, categories=[v for v, _ in options]),
        "by": pd.Categorical(groups, categories=[v for v, _ in group_options]),
    }, index=index)  # fmt: skip
    answered = pd.DataFrame({"vision": frame["vision"].notna(), "by": frame["by"].notna()}, index=index)
    asked = pd.DataFrame(True, index=index, columns=["vision", "by"])
    return Dataset(1, "Strategic Plan", frame, [question, profile], answered, asked)


def cell(table, value, group):
    row = next(row for row in table.rows if row.value == value)
    return row.cells[[g.value for g in table.groups].index(group)]


# -- The tests themselves --------------------------------------------------------------------


def test_two_proportion_test_matches_a_worked_example_and_the_2x2_chi_square():
    # 60 of 100 against 40 of 100: pooled 0.5, standard error √(0.25 × 2/100), z = 2.828.
    p = significance.two_proportion_test(60, 100, 40, 100)
    assert p == pytest.approx(2 * stats.norm.sf(0.2 / np.sqrt(0.25 * 0.02)))
    assert p == pytest.approx(0.004678, abs=1e-6)
    _, chi_p, _, _ = stats.chi2_contingency([[60, 40], [40, 60]], correction=False)
    assert p == pytest.approx(chi_p)


def test_two_proportion_test_gives_exactly_the_normal_distributions_p_value_far_into_the_tail():
    # Holm's adjustment orders the p-values, so a report's marks depend on their last bits:
    # they must be those of the normal distribution's own survival function, to |z| of 38.
    rng = np.random.default_rng(7)
    for _ in range(2000):
        base, other_base = rng.integers(30, 200_000, size=2)
        count, other_count = rng.integers(5, base - 4), rng.integers(5, other_base - 4)
        p = significance.two_proportion_test(count, base, other_count, other_base)
        if p is None:
            continue
        pooled = (count + other_count) / (base + other_base)
        z = (count / base - other_count / other_base) / np.sqrt(pooled * (1 - pooled) * (1 / base + 1 / other_base))
        assert p == float(2 * stats.norm.sf(abs(z)))


def test_two_proportion_test_refuses_small_bases_and_small_expected_counts():
    assert significance.two_proportion_test(20, 29, 10, 100) is None  # a base under 30
    assert significance.two_proportion_test(20, 29, 10, 100, min_base=20) is not None
    assert significance.two_proportion_test(1, 100, 2, 100) is None  # 1.5 expected in each
    assert significance.two_proportion_test(0, 100, 0, 100) is None


def test_holm_and_benjamini_hochberg_adjustments():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm: sorted 0.005, 0.01, 0.03, 0.04 × 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max.
    assert significance.adjust(p, "holm") == pytest.approx([0.03, 0.06, 0.06, 0.02])
    # BH: sorted × 4/1, 4/2, 4/3, 4/4 = 0.02, 0.02, 0.04, 0.04 → running min from the top.
    assert significance.adjust(p, "bh") == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert significance.adjust([0.5, 0.9], "holm") == pytest.approx([1.0, 1.0])
    assert significance.adjust([], "holm") == []
    with pytest.raises(ValueError, match="Unknown correction"):
        significance.adjust([0.1], "bonferroni-ish")


def test_chi_square_matches_scipy_and_refuses_sparse_tables():
    observed = [[30, 50, 20], [40, 30, 35], [10, 25, 40]]
    (statistic, dof, p), reason = significance.chi_square_test(observed)
    expected = stats.chi2_contingency(observed, correction=False)
    assert (statistic, dof, p) == pytest.approx((expected[0], expected[2], expected[1]))
    assert reason == ""
    result, reason = significance.chi_square_test([[1, 0], [0, 2], [3, 1]])
    assert result is None and "too few" in reason
    result, reason = significance.chi_square_test([[5, 0], [6, 0]])  # one group has nobody
    assert result is None and "fewer than two" in reason


# -- Marks in sub-group tables ---------------------------------------------------------------


def test_an_obvious_difference_is_marked_both_ways():
    groups, answers = combine(
        people("female", strongly_agree=80, strongly_disagree=20),
        people("male", strongly_agree=20, strongly_disagree=80),
    )
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    assert cell(table, "strongly_agree", "female").difference == "higher"
    assert cell(table, "strongly_agree", "male").difference == "lower"
    assert cell(table, "strongly_disagree", "male").difference == "higher"
    agree = next(row for row in table.rows if row.derived and row.label.startswith("Agree"))
    assert agree.cells[0].difference == "higher"
    assert table.chi_square.significant and table.chi_square.p_value < 1e-10
    assert (3, 0, "higher") not in table.marked()  # nobody said "Neither": nothing to mark
    assert (0, 0, "higher") in table.marked()


def test_no_difference_is_not_marked():
    groups, answers = combine(
        people("female", strongly_agree=50, tend_to_agree=30, strongly_disagree=20),
        people("male", strongly_agree=50, tend_to_agree=30, strongly_disagree=20),
    )
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    assert table.marked() == []
    assert not table.chi_square.significant
    assert cell(table, "strongly_agree", "female").p_value == pytest.approx(1.0)


def test_a_tiny_base_is_not_tested_however_different():
    groups, answers = combine(
        people("female", strongly_agree=50, strongly_disagree=50),
        people("male", strongly_agree=10),  # 100% agree, but only 10 of them
    )
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    male = table.groups[1]
    assert male.base == 10 and not male.tested
    assert cell(table, "strongly_agree", "male").p_value is None
    assert cell(table, "strongly_agree", "male").difference == ""
    assert "fewer than 30 answers" in table.notes[1]


def test_prefer_not_to_say_and_no_information_are_never_tested():
    groups, answers = combine(
        people("female", strongly_agree=50, strongly_disagree=50),
        people("prefer_not_to_say", strongly_agree=100),
        people(None, strongly_disagree=100),
    )
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    tested = {group.label: group.tested for group in table.groups}
    assert tested == {"Female": True, "Male": False, "Prefer not to say": False, "No information": False}
    assert all(cell.p_value is None for row in table.rows for cell in row.cells[2:])


def test_a_difference_that_does_not_survive_the_correction_is_not_marked():
    # Four age groups of 200. One agrees a little more often than the rest: 111 of 200
    # against 270 of 600 gives p ≈ 0.010 on its own, but the table makes 16 tests (strongly
    # agree, strongly disagree, agree and disagree for each group; the rows nobody chose
    # can't be tested), and Holm's correction needs p < 0.05/16 for the smallest.
    groups, answers = combine(
        people("16_to_24", strongly_agree=111, strongly_disagree=89),
        people("25_to_34", strongly_agree=90, strongly_disagree=110),
        people("35_to_44", strongly_agree=90, strongly_disagree=110),
        people("45_to_54", strongly_agree=90, strongly_disagree=110),
    )
    dataset = dataset_of(groups, answers, group_options=AGES)
    holm = crosstab(dataset, "vision", "by")
    young = cell(holm, "strongly_agree", "16_to_24")
    assert young.p_value == pytest.approx(0.0100, abs=5e-5)
    assert sum(1 for row in holm.rows for c in row.cells if c.p_value is not None) == 16
    assert young.adjusted_p >= 0.05
    assert young.difference == ""
    loose = crosstab(dataset, "vision", "by", alpha=0.5)
    assert cell(loose, "strongly_agree", "16_to_24").difference == "higher"
    bh = crosstab(dataset, "vision", "by", correction="bh")
    assert cell(bh, "strongly_agree", "16_to_24").adjusted_p <= young.adjusted_p


def test_the_table_chi_square_uses_only_real_groups_with_enough_answers():
    groups, answers = combine(
        people("female", strongly_agree=60, tend_to_agree=20, strongly_disagree=20),
        people("male", strongly_agree=40, tend_to_agree=30, strongly_disagree=30),
        people("prefer_not_to_say", strongly_disagree=40),
    )
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    expected = stats.chi2_contingency([[60, 40], [20, 30], [20, 30]], correction=False)
    assert table.chi_square.statistic == pytest.approx(expected[0])
    assert table.chi_square.dof == 2
    assert table.chi_square.p_value == pytest.approx(expected[1])


def test_a_table_with_one_testable_group_says_why_it_has_no_chi_square():
    groups, answers = combine(people("female", strongly_agree=40), people("male", strongly_agree=5))
    table = crosstab(dataset_of(groups, answers), "vision", "by")
    assert table.chi_square is None
    assert any("fewer than two groups have 30 or more answers" in note for note in table.notes)
