"""Withholding small numbers from anything published, so no one can be picked out.

`suppress(result, threshold=5)` returns a copy of any table from `analysis/tables.py` (or a
whole `Analysis`) with these rules applied; the original is left as it was, for staff.

- **Small cells**: a count of respondents by an answer or by a characteristic that is at
  least 1 and below the threshold is withheld, and so is its percentage. Zeros are shown.
  Counts of how many answered a question (a table's base, "did not answer", "not asked",
  a profile's "No information") say nothing about anyone and are shown; a sub-group's base
  in a sub-group table counts people with that characteristic, and is withheld like any
  other small count.
- **No working it out by subtraction** (secondary suppression): every set of figures that
  adds up to a figure still shown (a one-way table's rows and its base; each row and each
  column of a sub-group table with its total; the groups' bases) must hold no withheld
  cell or at least two. While one holds exactly one, the smallest other figure in it is
  withheld too: the smallest above zero if there is one (a zero is often known or easily
  guessed, so withholding it protects little), otherwise a zero; in a sub-group table,
  inner cells before totals and bases, and a cell that also protects another set before
  one that doesn't. Shorter sets are seen to first. This greedy rule can withhold more than
  the fewest cells possible; it never leaves a set with a single withheld cell.
- **Figures made from others**: % agree and % disagree, net agreement, and the agree and
  disagree rows of a sub-group table are withheld when any count they are made of is.
  A multiple-choice table's total of answers chosen is withheld when any of its rows is.
- **Percentages give bases away**: in a sub-group table, a group whose base is withheld
  has all its percentages withheld too, and its cells' p-values.
- **Significance**: a withheld cell loses its mark and its p-values. When any cell of a
  sub-group table is withheld, only whether the chi-square test found a difference is
  shown, not its statistic or p-value, from which a withheld count could be worked back.
- **Numbers and rankings**: a summary of fewer than `threshold` answers (a number
  question's mean, median and quartiles; an item's mean rank) is withheld. The smallest and
  largest answers to a number question are always withheld when publishing: each is one
  person's own answer. Counts of respondents putting an item first follow the small-cell
  and subtraction rules (they add up to the question's base).

Known limit: each table is protected on its own. Two published tables sharing figures (the
same group's base in two questions' sub-group tables, say) can still be set against each
other; publish only the sub-group tables the report needs.
"""

import copy

from haveyoursay.analysis import tables

DEFAULT_THRESHOLD = 5


def suppress(result, threshold=DEFAULT_THRESHOLD):
    """A copy of `result` with small cells withheld; see the module's rules."""
    if threshold is None or threshold < 1:
        raise ValueError("The disclosure threshold must be a whole number of respondents, 1 or more (usually 5)")
    result = copy.deepcopy(result)
    _suppress(result, threshold)
    return result


def _suppress(result, threshold):
    handler = SUPPRESSORS.get(type(result))
    if handler is None:
        raise TypeError(f"There is no disclosure rule for a {type(result).__name__}")
    handler(result, threshold)
    result.threshold = threshold


def withheld_cells(counts, threshold, *, sensitive, lines, margins=()):
    """The keys of `counts` ({key: count}) to withhold: `sensitive` ones in [1, threshold),
    then more until no line (a list of keys adding up to a figure shown) has exactly one."""
    margins = set(margins)
    withheld = {key for key in sensitive if 0 < counts[key] < threshold}
    # Shorter lines first: a cell withheld to protect a part (the groups compared with the
    # population) often protects the whole too, where the other way round it seldom does.
    lines = sorted(lines, key=len)
    lines_of = {}
    for line in lines:
        for key in line:
            lines_of.setdefault(key, []).append(line)

    def exposed(line):
        return sum(1 for key in line if key in withheld) == 1

    def cost(key):
        # Inner cells before totals; then one that also protects another exposed line (in a
        # table of two groups, four cells in a rectangle protect each other, where picking
        # the smallest each time can end with the whole table withheld); then the smallest.
        also_protects = sum(1 for other in lines_of[key] if exposed(other))
        return key in margins, -also_protects, counts[key] == 0, counts[key]

    changed = bool(withheld)
    while changed:
        changed = False
        for line in lines:
            if not exposed(line):
                continue
            shown = [key for key in line if key not in withheld]
            if not shown:
                continue
            withheld.add(min(shown, key=cost))
            changed = True
    return withheld


def _frequency(table, threshold):
    counts = {i: row.count for i, row in enumerate(table.rows)}
    withheld = withheld_cells(counts, threshold, sensitive=counts, lines=[list(counts)])
    for i in withheld:
        _withhold_row(table.rows[i])
    if table.summary is not None:
        _scale_summary(table.summary, {row.value for row in table.rows if row.suppressed}, table)


def _withhold_row(row):
    row.count = row.percent = None
    row.suppressed = True


def _scale_summary(summary, withheld_values, table):
    scale = tables.scale_of_values([row.value for row in table.rows])
    if scale is None:
        return
    if withheld_values & set(scale.positive):
        summary.positive = summary.percent_positive = None
    if withheld_values & set(scale.negative):
        summary.negative = summary.percent_negative = None
    if withheld_values & set(scale.neutral):
        summary.neutral = summary.percent_neutral = None
    if tables.DONT_KNOW in withheld_values:
        summary.dont_know = summary.percent_dont_know = None
    if summary.percent_positive is None or summary.percent_negative is None:
        summary.net = None


def _grid(table, threshold):
    for statement in table.statements:
        _suppress(statement, threshold)


def _multiple(table, threshold):
    counts = {i: row.count for i, row in enumerate(table.rows)}
    withheld = withheld_cells(counts, threshold, sensitive=counts, lines=[])
    for i in withheld:
        _withhold_row(table.rows[i])
    if withheld:
        table.choices = None


def _number(summary, threshold):
    summary.minimum = summary.maximum = None
    if summary.n is None or summary.n < threshold:
        summary.mean = summary.median = summary.q1 = summary.q3 = None


def _ranking(summary, threshold):
    firsts = {i: item.first for i, item in enumerate(summary.items)}
    withheld = withheld_cells(firsts, threshold, sensitive=firsts, lines=[list(firsts)])
    for i, item in enumerate(summary.items):
        if i in withheld:
            item.first = item.percent_first = None
            item.suppressed = True
        if 0 < item.ranked < threshold:
            item.ranked = item.mean_rank = None
            item.suppressed = True


def _profile(table, threshold):
    counts = {i: row.count for i, row in enumerate(table.rows)}
    sensitive = [i for i, row in enumerate(table.rows) if row.value is not None]
    lines = [list(counts)]
    compared = [i for i, row in enumerate(table.rows) if row.compared]
    if compared:
        lines.append(compared)
    for i in withheld_cells(counts, threshold, sensitive=sensitive, lines=lines):
        row = table.rows[i]
        row.count = row.percent = row.percent_of_compared = row.difference = None
        row.suppressed = True


def _crosstab(table, threshold):
    plain = [r for r, row in enumerate(table.rows) if not row.derived]
    columns = range(len(table.groups))
    counts = {("cell", r, g): table.rows[r].cells[g].count for r in plain for g in columns}
    counts.update({("total", r): table.rows[r].total for r in plain})
    counts.update({("base", g): group.base for g, group in enumerate(table.groups)})
    sensitive = [key for key in counts if key[0] != "base"]
    sensitive += [("base", g) for g, group in enumerate(table.groups) if group.value is not None]
    lines = [[("cell", r, g) for g in columns] + [("total", r)] for r in plain]
    lines.append([("base", g) for g in columns])
    if not table.multiple:
        lines += [[("cell", r, g) for r in plain] + [("base", g)] for g in columns]
        lines.append([("total", r) for r in plain])
    margins = [key for key in counts if key[0] != "cell"]
    withheld = withheld_cells(counts, threshold, sensitive=sensitive, lines=lines, margins=margins)

    withheld_bases = {g for g in columns if ("base", g) in withheld}
    for g in withheld_bases:
        group = table.groups[g]
        group.base = None
        group.suppressed = True
    parts = _derived_parts(table)
    for r, row in enumerate(table.rows):
        components = parts.get(r, [r])
        if any(("total", c) in withheld for c in components):
            row.total = row.total_percent = None
            row.total_suppressed = True
        for g, cell in enumerate(row.cells):
            if any(("cell", c, g) in withheld for c in components):
                cell.count = cell.percent = None
                cell.suppressed = True
                cell.difference = ""
            if cell.suppressed or g in withheld_bases:
                cell.percent = cell.p_value = cell.adjusted_p = None
    if withheld and table.chi_square is not None:
        table.chi_square.statistic = table.chi_square.p_value = None


def _derived_parts(table):
    """{row index of a derived row: [row indexes it adds up]}."""
    index = {row.value: r for r, row in enumerate(table.rows) if not row.derived}
    return {
        r: [index[value] for value in row.value.split("|") if value in index]
        for r, row in enumerate(table.rows)
        if row.derived
    }


def _breakdown(table, threshold):
    bases = {g: group.base for g, group in enumerate(table.groups)}
    sensitive = [g for g, group in enumerate(table.groups) if group.value is not None]
    withheld = withheld_cells(bases, threshold, sensitive=sensitive, lines=[list(bases)])
    for g, (group, summary) in enumerate(zip(table.groups, table.summaries)):
        _suppress(summary, threshold)
        if g in withheld:
            group.base = None
            group.suppressed = True
            _withhold_summary_base(summary)


def _withhold_summary_base(summary):
    if isinstance(summary, tables.NumberSummary):
        summary.n = summary.mean = summary.median = summary.q1 = summary.q3 = None
    else:
        summary.base = None
        for item in summary.items:
            item.percent_first = None


def _analysis(analysis, threshold):
    for result in (*analysis.questions, *analysis.profile, *analysis.breakdowns):
        _suppress(result, threshold)


SUPPRESSORS = {
    tables.FrequencyTable: _frequency,
    tables.MultipleChoiceTable: _multiple,
    tables.GridTable: _grid,
    tables.NumberSummary: _number,
    tables.RankingSummary: _ranking,
    tables.ProfileTable: _profile,
    tables.Crosstab: _crosstab,
    tables.Breakdown: _breakdown,
    tables.Analysis: _analysis,
}
