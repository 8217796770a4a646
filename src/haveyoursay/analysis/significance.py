"""Whether a sub-group's answers differ from everyone else's by more than chance would make.

The rules, as the sub-group tables' notes state them:

- **The table as a whole**: Pearson's chi-square test of independence (no continuity
  correction) on the counts of each answer in each sub-group. Only the profile's real
  groups with at least `MIN_BASE` answers take part: not "Prefer not to say", "Don't know"
  or "No information". It is worked out only when the expected counts are adequate by
  Cochran's rule (none below 1, no more than a fifth below 5); otherwise the table says why
  it has none.
- **Each cell**: a two-sided two-proportion z-test (pooled standard error) of the share of
  the sub-group giving that answer against the share of all other respondents to the
  question giving it. A cell is tested only when both bases are at least `MIN_BASE` and
  every expected count (n × p and n × (1 − p) on each side, p the pooled share) is at
  least 5; otherwise it is shown without a mark.
- **Many tests at once**: the p-values of all the cells tested in one table are adjusted
  together, by Holm's method by default (it controls the chance of marking even one false
  difference in the table) or Benjamini–Hochberg's (`correction="bh"`: it controls the share
  of marks that are false, and marks more). A cell is marked when its adjusted p-value is
  below `ALPHA`.
"""

import math

import numpy as np
from scipy import special, stats

MIN_BASE = 30
ALPHA = 0.05
MIN_EXPECTED = 5
CORRECTIONS = {"holm": "Holm", "bh": "Benjamini–Hochberg"}


def two_proportion_test(count, base, other_count, other_base, min_base=MIN_BASE):
    """The two-sided p-value of a pooled two-proportion z-test, or None when the bases are
    too small or an expected count is under 5 (so the normal approximation can't be trusted)."""
    if base < min_base or other_base < min_base:
        return None
    pooled = (count + other_count) / (base + other_base)
    expected = (base * pooled, base * (1 - pooled), other_base * pooled, other_base * (1 - pooled))
    if min(expected) < MIN_EXPECTED:
        return None
    error = math.sqrt(pooled * (1 - pooled) * (1 / base + 1 / other_base))
    z = (count / base - other_count / other_base) / error
    # The normal distribution's upper tail, as `stats.norm.sf` works it out (the same bits),
    # without the distribution object's checks: a report's sub-group tables make 10,000 tests.
    return float(2 * special.ndtr(-abs(z)))


def adjust(p_values, method="holm"):
    """The p-values adjusted for testing them together, in the order given."""
    if method not in CORRECTIONS:
        raise ValueError(f"Unknown correction “{method}”: use one of {', '.join(CORRECTIONS)}")
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return []
    order = np.argsort(p, kind="stable")
    ranked = p[order]
    if method == "holm":
        stepped = np.maximum.accumulate(np.minimum(1.0, (m - np.arange(m)) * ranked))
    else:
        stepped = np.minimum.accumulate(np.minimum(1.0, ranked * m / np.arange(1, m + 1))[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = stepped
    return adjusted.tolist()


def chi_square_test(observed):
    """((statistic, degrees of freedom, p-value), "") for a table of counts (answers ×
    groups), or (None, why not) when the test can't be done or its answer can't be trusted.
    Rows and columns with nobody in them are left out first."""
    observed = np.asarray(observed, dtype=float)
    if observed.ndim != 2:
        return None, "there is nothing to test"
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    rows, columns = observed.shape
    if rows < 2 or columns < 2:
        return None, "fewer than two groups or answers have anyone in them"
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    if expected.min() < 1 or (expected < MIN_EXPECTED).mean() > 0.2:
        return None, "too few answers in some groups for the test to be reliable"
    statistic = float(((observed - expected) ** 2 / expected).sum())
    dof = (rows - 1) * (columns - 1)
    return (statistic, dof, float(stats.chi2.sf(statistic, dof))), ""
