"""Results for every closed question, the respondent profile, and sub-group tables.

Plain functions over a loaded `Dataset` (`analysis/dataset.py`), each returning a small
dataclass of exact figures; `analyse` makes all of them in one pass for the report.

How the figures are worked out:

- **Counts** are exact whole numbers of respondents (submitted responses, every channel).
- **Base**: the respondents who answered the question. "Don't know" and "Prefer not to say"
  are answers: each is a row of the table, as in the council's own reports, and in the base.
  Everyone else **did not answer**, and of those, the ones routing never showed the question
  are counted apart as **not asked** ("of 259 who answered; 12 did not, 5 of them not
  asked"). A question nobody was routed to gives a table with base 0, never an error.
- **Percentages** are exact floats, count × 100 ÷ base, kept unrounded here; None when the
  base is 0. Reports round them once, for display, half up to whole numbers
  (`reports/document.py`'s `format_cell`: 12.5% shows as 13%), so a column of rounded
  percentages may add up to 99% or 101%. Means, medians and quartiles are exact floats too,
  shown to one decimal place, half up.
- **Agree–disagree and importance scales**: % agree is (strongly agree + tend to agree) ÷
  base; % disagree likewise; % neither and % don't know are their own rows. "Don't know" is
  IN the base, so % agree, % neither, % disagree and % don't know add up to 100% of those
  who answered, and each agrees with the full distribution shown beside it. Net agreement
  is exact % agree − exact % disagree, in percentage points, rounded only for display (so
  it may differ by one from the difference of the two rounded figures). Importance reads
  the same way: very + fairly important, not very + not at all important.
- **Multiple choice**: each answer as a % of the respondents who chose at least one answer;
  people could choose several, so the percentages add up to more than 100%.
- **Grids**: one table and one scale summary per statement, each with its own base (those
  who answered that statement).
- **Numbers**: mean, median, lower and upper quartiles by linear interpolation between
  the ordered answers (Hyndman and Fan's method 7, as Excel's QUARTILE.INC and NumPy's
  default), smallest and largest.
- **Ranking**: each item's mean position (1 = first) among the respondents who ranked it
  (an item left unranked counts for nothing), how many ranked it, and how many put it
  first, as a % of those who answered the question.
- **Respondent profile** (as the seed survey report shows it): every answer and a "No
  information" row for those who gave none, each as a % of ALL respondents, so the column
  adds up to 100% of everyone who responded. Where a population table is loaded for that
  profile, the comparison uses only the groups in it: the respondents' share is of the
  respondents in those groups (so "Prefer not to say", "No information" and answers the
  population table has no group for, such as "Somewhere else", are outside this base), the
  population's share is of the population in the groups that match an answer, and the
  difference is respondents' share − population's share in percentage points: below zero,
  the group is under-represented among respondents.
- **Sub-group tables** (`crosstab`): any closed question by a profile question, another
  single-choice question, the channel or the respondent kind. Column percentages, with
  every sub-group as a column, a "No information" column when some who answered the
  question did not answer the profile question (so the columns add up to the total), and
  a total column. Significance is marked as `analysis/significance.py` says. Number and ranking
  questions break down into a summary per sub-group, without tests.
- **Disclosure control** is `analysis/suppression.py`'s, applied to what is published.
"""

from dataclasses import dataclass, field

import numpy as np

from haveyoursay.analysis import significance
from haveyoursay.analysis.dataset import CHOICE_KINDS, item_column
from haveyoursay.surveys.models import Response

NO_INFORMATION = "No information"
PREFER_NOT_TO_SAY = "prefer_not_to_say"
DONT_KNOW = "dont_know"
# Answers that say nothing about which group someone is in: shown, never tested as a group.
NOT_A_GROUP = (PREFER_NOT_TO_SAY, DONT_KNOW)
# Who responded how, as groups beside the profile questions.
RESPONSE_GROUPINGS = {
    "channel": ("How the response arrived", Response.Channel.choices),
    "respondent_kind": ("Responding as", Response.RespondentKind.choices),
}


def percent(count, base):
    """count as a percentage of base, exactly; None if either is missing or the base is 0."""
    if count is None or not base:
        return None
    return count * 100 / base


def describe_base(base, not_answered, not_asked=0):
    """ "Base: 259 who answered; 12 did not (5 of them were not asked this question)." """
    text = f"Base: {base:,} who answered"
    if not_answered:
        text += f"; {not_answered:,} did not"
        if not_asked:
            text += f" ({not_asked:,} of them {'was' if not_asked == 1 else 'were'} not asked this question)"
    return text + "."


# -- Results -------------------------------------------------------------------------------


@dataclass
class Row:
    value: str | None  # the option value; None for "No information"
    label: str
    count: int | None  # None when withheld
    percent: float | None
    suppressed: bool = False


@dataclass
class ScaleSummary:
    positive_label: str  # "Agree (strongly or tend to)"
    negative_label: str
    positive: int | None
    negative: int | None
    neutral: int | None  # "Neither agree nor disagree"; None for a scale without one
    dont_know: int | None
    base: int
    percent_positive: float | None
    percent_negative: float | None
    percent_neutral: float | None
    percent_dont_know: float | None
    net: float | None  # percentage points
    note: str = ""


@dataclass
class FrequencyTable:
    """One closed question (or one statement of a grid): a row per answer."""

    question: str  # code
    title: str
    kind: str
    rows: list
    base: int
    not_answered: int
    not_asked: int
    statement: str | None = None
    summary: ScaleSummary | None = None
    notes: list = field(default_factory=list)
    threshold: int | None = None  # the disclosure threshold applied, if any

    @property
    def respondents(self):
        return self.base + self.not_answered


@dataclass
class MultipleChoiceTable:
    question: str
    title: str
    rows: list  # Row per option: count of respondents choosing it, % of base
    base: int  # chose at least one answer
    not_answered: int
    not_asked: int
    choices: int  # answers chosen in all
    kind: str = "multiple"
    notes: list = field(default_factory=list)
    threshold: int | None = None

    @property
    def respondents(self):
        return self.base + self.not_answered


@dataclass
class GridTable:
    question: str
    title: str
    statements: list  # FrequencyTable per statement
    not_asked: int
    kind: str = "grid"
    notes: list = field(default_factory=list)
    threshold: int | None = None


@dataclass
class NumberSummary:
    question: str
    title: str
    n: int
    mean: float | None
    median: float | None
    q1: float | None
    q3: float | None
    minimum: float | None
    maximum: float | None
    not_answered: int
    not_asked: int
    kind: str = "number"
    notes: list = field(default_factory=list)
    threshold: int | None = None

    @property
    def base(self):
        return self.n


@dataclass
class RankedItem:
    value: str
    label: str
    ranked: int | None  # respondents who gave it a position
    mean_rank: float | None
    first: int | None  # respondents who put it first
    percent_first: float | None
    suppressed: bool = False


@dataclass
class RankingSummary:
    question: str
    title: str
    items: list
    base: int  # ranked at least one item
    not_answered: int
    not_asked: int
    kind: str = "ranking"
    notes: list = field(default_factory=list)
    threshold: int | None = None


@dataclass
class Population:
    """A population table, as the profile comparison needs it."""

    profile: str
    title: str
    source: str
    groups: list  # [(value, label, count)]


@dataclass
class ProfileRow:
    value: str | None
    label: str
    count: int | None
    percent: float | None  # of all respondents
    compared: bool = False  # a group of the population table
    percent_of_compared: float | None = None
    population_count: int | None = None
    population_percent: float | None = None
    difference: float | None = None  # percentage points, respondents − population
    suppressed: bool = False


@dataclass
class ProfileTable:
    profile: str  # the Question.Profile value, or "channel" / "respondent_kind"
    question: str | None  # the profile question's code
    title: str
    rows: list
    respondents: int
    compared_base: int | None = None  # respondents in the population table's groups
    population_title: str = ""
    population_source: str = ""
    population_total: int | None = None
    notes: list = field(default_factory=list)
    threshold: int | None = None


@dataclass
class Group:
    value: str | None  # None: "No information"
    label: str
    base: int | None  # answered the question; None when withheld
    tested: bool = False  # its cells were tested against everyone else
    suppressed: bool = False


@dataclass
class CrosstabCell:
    count: int | None
    percent: float | None  # of the group's base
    p_value: float | None = None  # None: not tested
    adjusted_p: float | None = None
    difference: str = ""  # "higher" or "lower" than all other respondents, when significant
    suppressed: bool = False


@dataclass
class CrosstabRow:
    value: str
    label: str
    cells: list  # CrosstabCell per group, in the order of Crosstab.groups
    total: int | None
    total_percent: float | None
    derived: bool = False  # a scale's "Agree (strongly or tend to)", made of other rows
    total_suppressed: bool = False


@dataclass
class ChiSquare:
    statistic: float | None
    dof: int
    p_value: float | None
    significant: bool


@dataclass
class Crosstab:
    question: str
    title: str
    by: str
    by_title: str
    groups: list
    rows: list
    base: int  # answered the question
    multiple: bool = False
    statement: str | None = None
    chi_square: ChiSquare | None = None
    notes: list = field(default_factory=list)
    min_base: int = significance.MIN_BASE
    alpha: float = significance.ALPHA
    correction: str = "holm"
    threshold: int | None = None
    tests: int = 0  # cells tested against everyone else

    def marked(self):
        """[(row index, group index, "higher" | "lower")] of the significant cells."""
        return [
            (r, g, cell.difference)
            for r, row in enumerate(self.rows)
            for g, cell in enumerate(row.cells)
            if cell.difference
        ]


@dataclass
class Breakdown:
    """A number or ranking question by sub-group: its summary for each group."""

    question: str
    title: str
    by: str
    by_title: str
    groups: list  # Group
    summaries: list  # NumberSummary or RankingSummary per group
    notes: list = field(default_factory=list)
    threshold: int | None = None


# -- Scales --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    positive: tuple
    negative: tuple
    neutral: tuple
    positive_label: str
    negative_label: str


AGREE = Scale(
    ("strongly_agree", "tend_to_agree"), ("tend_to_disagree", "strongly_disagree"), ("neither",),
    "Agree (strongly or tend to)", "Disagree (tend to or strongly)",
)
IMPORTANCE = Scale(
    ("very_important", "fairly_important"), ("not_very_important", "not_at_all_important"), (),
    "Important (very or fairly)", "Not important (not very or not at all)",
)


def scale_of(spec):
    """The agree or importance scale a question's options are on, or None."""
    return scale_of_values(spec.option_values)


def scale_of_values(values):
    values = set(values)
    for scale in (AGREE, IMPORTANCE):
        if set(scale.positive) | set(scale.negative) <= values:
            return scale
    return None


def scale_summary(scale, rows, base):
    counts = {row.value: row.count for row in rows}
    positive = sum(counts.get(v, 0) for v in scale.positive)
    negative = sum(counts.get(v, 0) for v in scale.negative)
    neutral = sum(counts.get(v, 0) for v in scale.neutral) if scale.neutral else None
    dont_know = counts.get(DONT_KNOW) if DONT_KNOW in counts else None
    percent_positive, percent_negative = percent(positive, base), percent(negative, base)
    note = "Percentages are of everyone who answered"
    note += ", including those who said “Don't know”." if dont_know else "."
    return ScaleSummary(
        positive_label=scale.positive_label, negative_label=scale.negative_label,
        positive=positive, negative=negative, neutral=neutral, dont_know=dont_know, base=base,
        percent_positive=percent_positive, percent_negative=percent_negative,
        percent_neutral=percent(neutral, base), percent_dont_know=percent(dont_know, base),
        net=percent_positive - percent_negative if base else None,
        note=note,
    )


# -- One question --------------------------------------------------------------------------


def _mask(dataset, within):
    if within is None:
        return np.ones(len(dataset.frame), dtype=bool)
    return np.asarray(within, dtype=bool)


def _reach(dataset, code, answered, within):
    """(base, not answered, not asked) of a question among the respondents `within`."""
    base = int((answered & within).sum())
    not_answered = int(within.sum()) - base
    not_asked = int((~dataset.asked[code].to_numpy() & ~answered & within).sum())
    return base, not_answered, not_asked


def frequency_table(dataset, code, *, statement=None, within=None):
    """A choice, scale, area or location question, or one statement of a grid."""
    spec = dataset.question(code)
    if spec.kind not in (*CHOICE_KINDS, "location", "grid"):
        raise ValueError(f"“{spec.text}” is a {spec.kind} question: it has no table of answers")
    if spec.kind == "grid" and statement is None:
        raise ValueError(f"“{spec.text}” is a grid: say which statement, or use grid_table")
    within = _mask(dataset, within)
    column = item_column(code, statement) if statement is not None else code
    codes = dataset.frame[column].cat.codes.to_numpy()
    answered = codes >= 0
    counts = np.bincount(codes[answered & within], minlength=len(spec.options))
    base, not_answered, not_asked = _reach(dataset, code, answered, within)
    rows = [
        Row(value, label, int(count), percent(int(count), base)) for (value, label), count in zip(spec.options, counts)
    ]
    scale = scale_of(spec)
    title = spec.text
    if statement is not None:
        title = f"{spec.text}: {dict(spec.statements).get(statement, statement)}"
    return FrequencyTable(
        question=code, title=title, kind=spec.kind, rows=rows, base=base, not_answered=not_answered,
        not_asked=not_asked, statement=statement, summary=scale_summary(scale, rows, base) if scale else None,
        notes=[describe_base(base, not_answered, not_asked)],
    )


def grid_table(dataset, code, *, within=None):
    spec = dataset.question(code)
    statements = [frequency_table(dataset, code, statement=value, within=within) for value, _ in spec.statements]
    within = _mask(dataset, within)
    not_asked = int((~dataset.asked[code].to_numpy() & ~dataset.answered[code].to_numpy() & within).sum())
    return GridTable(
        question=code, title=spec.text, statements=statements, not_asked=not_asked,
        notes=["Each statement's percentages are of those who answered that statement."],
    )


def multiple_choice_table(dataset, code, *, within=None):
    spec = dataset.question(code)
    within = _mask(dataset, within)
    answered = dataset.answered[code].to_numpy()
    base, not_answered, not_asked = _reach(dataset, code, answered, within)
    rows = []
    for value, label in spec.options:
        count = int((dataset.frame[item_column(code, value)].to_numpy() & within).sum())
        rows.append(Row(value, label, count, percent(count, base)))
    choices = sum(row.count for row in rows)
    notes = [describe_base(base, not_answered, not_asked)]
    if choices > base:
        notes.append(
            "Respondents could choose more than one answer, so the percentages add up to more than 100%."
        )
    return MultipleChoiceTable(
        question=code, title=spec.text, rows=rows, base=base, not_answered=not_answered, not_asked=not_asked,
        choices=choices, notes=notes,
    )


def number_summary(dataset, code, *, within=None):
    spec = dataset.question(code)
    within = _mask(dataset, within)
    values = dataset.frame[code].to_numpy()
    answered = ~np.isnan(values)
    n, not_answered, not_asked = _reach(dataset, code, answered, within)
    chosen = values[answered & within]
    if n:
        q1, median, q3 = (float(v) for v in np.percentile(chosen, [25, 50, 75]))
        figures = dict(mean=float(chosen.mean()), median=median, q1=q1, q3=q3,
                       minimum=float(chosen.min()), maximum=float(chosen.max()))  # fmt: skip
    else:
        figures = dict.fromkeys(("mean", "median", "q1", "q3", "minimum", "maximum"))
    return NumberSummary(
        question=code, title=spec.text, n=n, not_answered=not_answered, not_asked=not_asked,
        notes=[describe_base(n, not_answered, not_asked),
               "Quartiles by linear interpolation between the ordered answers (as Excel's QUARTILE.INC)."],
        **figures,
    )  # fmt: skip


def ranking_summary(dataset, code, *, within=None):
    spec = dataset.question(code)
    within = _mask(dataset, within)
    answered = dataset.answered[code].to_numpy()
    base, not_answered, not_asked = _reach(dataset, code, answered, within)
    items = []
    for value, label in spec.options:
        positions = dataset.frame[item_column(code, value)].to_numpy()[within]
        ranked = positions[~np.isnan(positions)]
        first = int((ranked == 1).sum())
        items.append(RankedItem(
            value=value, label=label, ranked=len(ranked), mean_rank=float(ranked.mean()) if len(ranked) else None,
            first=first, percent_first=percent(first, base),
        ))  # fmt: skip
    return RankingSummary(
        question=code, title=spec.text, items=items, base=base, not_answered=not_answered, not_asked=not_asked,
        notes=[describe_base(base, not_answered, not_asked),
               "Mean rank: the average position given to each item by those who ranked it (1 = first); "
               "lower means ranked higher."],
    )  # fmt: skip


def question_result(dataset, code, *, within=None):
    """The right result for any closed question."""
    kind = dataset.question(code).kind
    if kind == "multiple":
        return multiple_choice_table(dataset, code, within=within)
    if kind == "grid":
        return grid_table(dataset, code, within=within)
    if kind == "number":
        return number_summary(dataset, code, within=within)
    if kind == "ranking":
        return ranking_summary(dataset, code, within=within)
    return frequency_table(dataset, code, within=within)


# -- Respondent profile --------------------------------------------------------------------


def _grouping(dataset, by):
    """(codes per respondent, -1 for none; [(value, label)]; title) of a way of grouping them."""
    if by in RESPONSE_GROUPINGS:
        title, choices = RESPONSE_GROUPINGS[by]
        return dataset.frame[by].cat.codes.to_numpy(), list(choices), title
    spec = dataset.question(by)
    if spec.kind not in (*CHOICE_KINDS, "location"):
        raise ValueError(
            f"Respondents can only be grouped by a question with one answer each, and “{spec.text}” is a "
            f"{spec.kind} question. Choose a profile question, a single-choice question, the channel "
            "or the respondent kind"
        )
    return dataset.frame[by].cat.codes.to_numpy(), list(spec.options), spec.text


def profile_table(dataset, by, population=None):
    """Who responded, by a profile question (its code) or by "channel" or "respondent_kind"."""
    codes, groups, title = _grouping(dataset, by)
    respondents = len(codes)
    counts = np.bincount(codes[codes >= 0], minlength=len(groups))
    rows = [ProfileRow(value, label, int(c), percent(int(c), respondents)) for (value, label), c in zip(groups, counts)]
    no_information = int((codes < 0).sum())
    spec = None if by in RESPONSE_GROUPINGS else dataset.question(by)
    table = ProfileTable(
        profile=spec.profile if spec else by, question=spec.code if spec else None, title=title, rows=rows,
        respondents=respondents,
        notes=[f"Percentages are of all {respondents:,} respondents, including those who gave no information."],
    )
    if spec is not None:
        rows.append(ProfileRow(None, NO_INFORMATION, no_information, percent(no_information, respondents)))
    if population is not None:
        _compare(table, population)
    return table


def _compare(table, population):
    """Respondents' share beside the population's, over the groups the population table has."""
    counts = {value: count for value, _, count in population.groups}
    matched = [row for row in table.rows if row.value in counts]
    unmatched = [label for value, label, _ in population.groups if value not in {row.value for row in table.rows}]
    compared_base = sum(row.count for row in matched)
    population_total = sum(counts[row.value] for row in matched)
    for row in matched:
        row.compared = True
        row.percent_of_compared = percent(row.count, compared_base)
        row.population_count = counts[row.value]
        row.population_percent = percent(row.population_count, population_total)
        if row.percent_of_compared is not None and row.population_percent is not None:
            row.difference = row.percent_of_compared - row.population_percent
    table.compared_base = compared_base
    table.population_title = population.title
    table.population_source = population.source
    table.population_total = population_total
    left_out = [row.label for row in table.rows if not row.compared]
    table.notes.append(
        f"Compared with {population.title} ({population.source}): shares of the {compared_base:,} respondents "
        f"and of the population in the groups the population table has"
        + (f", leaving out {', '.join(left_out)}" if left_out else "")
        + ". Difference in percentage points: below zero means fewer respondents than the population's share."
    )
    if unmatched:
        table.notes.append(
            f"The population table's {', '.join(unmatched)} matches no answer to this question, so it is left out."
        )


def load_populations():
    """{profile: Population} from the population tables loaded."""
    from haveyoursay.analysis.models import PopulationTable

    return {
        table.profile: Population(
            profile=table.profile, title=table.title, source=table.source,
            groups=[(g.value, g.label, g.count) for g in table.groups.all()],
        )
        for table in PopulationTable.objects.prefetch_related("groups")
    }


# -- Sub-groups ----------------------------------------------------------------------------


def _choices_by_group(dataset, spec, statement, group_index, slots):
    """([(value, label, derived)], counts (rows × slots), bases (slots), answered mask) of a
    multiple choice question by group: a row for each option, counted among those who chose it."""
    answered = dataset.answered[spec.code].to_numpy()
    group_index = group_index[answered]
    bases = np.bincount(group_index, minlength=slots)
    counts = np.zeros((len(spec.options), slots), dtype=np.int64)
    for r, (value, _) in enumerate(spec.options):
        chosen = dataset.frame[item_column(spec.code, value)].to_numpy(dtype=bool)[answered]
        counts[r] = np.bincount(group_index[chosen], minlength=slots)
    return [(value, label, False) for value, label in spec.options], counts, bases, answered


def _counts_by_group(dataset, spec, statement, group_index, slots):
    """([(value, label, derived)], counts (rows × slots), bases (slots), answered mask) of a
    question with one answer each (or a grid's statement) by group: a row for each option, and
    a scale's two summary rows made of them, counted in one pass over the respondents, each
    (answer, group) pair numbered and all counted at once. Made from an indicator matrix of
    every respondent a column at a time, the report's 248 sub-group tables at a million
    respondents took 16.0 s of CPU (its whole analysis 16.3 s); so, 2.4 s (bench/README.md,
    "The report's share of the CPU")."""
    column = item_column(spec.code, statement) if statement is not None else spec.code
    codes = dataset.frame[column].cat.codes.to_numpy()
    answered = codes >= 0
    options = len(spec.options)
    # The answer's code + 1, so that 0 is "not answered": everyone counted, no one picked out first.
    pairs = (codes.astype(np.int64) + 1) * slots + group_index
    counts = np.bincount(pairs, minlength=(options + 1) * slots).reshape(-1, slots)
    bases = counts[1:].sum(axis=0)
    counts = counts[1 : options + 1]
    rows = [(value, label, False) for value, label in spec.options]
    scale = scale_of(spec)
    if scale is not None:
        values = spec.option_values
        derived = []
        for wanted, label in ((scale.positive, scale.positive_label), (scale.negative, scale.negative_label)):
            derived.append(counts[[values.index(v) for v in wanted]].sum(axis=0))
            rows.append(("|".join(wanted), label, True))
        counts = np.vstack([counts, *derived])
    return rows, counts, bases, answered


def crosstab(dataset, code, by, *, statement=None, min_base=significance.MIN_BASE, alpha=significance.ALPHA,
             correction="holm"):  # fmt: skip
    """A closed question (one statement, for a grid) by sub-group, with significant
    differences marked. See `analysis/significance.py` for the tests."""
    spec = dataset.question(code)
    if spec.kind in ("number", "ranking"):
        raise ValueError(f"“{spec.text}” is a {spec.kind} question: use `breakdown` for a summary per sub-group")
    if spec.kind == "grid" and statement is None:
        raise ValueError(f"“{spec.text}” is a grid: say which statement to break down")
    group_codes, group_options, by_title = _grouping(dataset, by)
    slots = len(group_options) + 1  # the last: no information
    group_index = np.where(group_codes >= 0, group_codes, slots - 1)
    count = _choices_by_group if spec.kind == "multiple" else _counts_by_group
    rows, counts, bases, answered = count(dataset, spec, statement, group_index, slots)
    base = int(answered.sum())
    groups = [Group(value, label, int(b)) for (value, label), b in zip(group_options, bases)]
    if bases[-1]:
        groups.append(Group(None, NO_INFORMATION, int(bases[-1])))
    else:
        counts = counts[:, :-1]
    totals = counts.sum(axis=1)
    for group in groups:
        group.tested = group.value is not None and group.value not in NOT_A_GROUP and group.base >= min_base
    table_rows = []
    for r, (value, label, derived) in enumerate(rows):
        cells = [CrosstabCell(int(counts[r, g]), percent(int(counts[r, g]), group.base)) for g, group in enumerate(groups)]
        total = int(totals[r])
        table_rows.append(CrosstabRow(value, label, cells, total, percent(total, base), derived=derived))
    title = spec.text if statement is None else f"{spec.text}: {dict(spec.statements).get(statement, statement)}"
    table = Crosstab(
        question=code, title=title, by=by, by_title=by_title, groups=groups, rows=table_rows, base=base,
        multiple=spec.kind == "multiple", statement=statement, min_base=min_base, alpha=alpha, correction=correction,
    )
    _mark_differences(table, alpha, correction, min_base)
    if not table.multiple:
        tested = [g for g, group in enumerate(groups) if group.tested]
        observed = [[row.cells[g].count for g in tested] for row in table_rows if not row.derived]
        if len(tested) >= 2:
            result, reason = significance.chi_square_test(observed)
        else:
            result, reason = None, f"fewer than two groups have {min_base} or more answers"
        if result:
            statistic, dof, p_value = result
            table.chi_square = ChiSquare(statistic, dof, p_value, p_value < alpha)
        else:
            table.notes.append(f"No chi-square test for the table as a whole: {reason}.")
    table.notes[:0] = crosstab_notes(table)
    return table


def _mark_differences(table, alpha, correction, min_base):
    tests = []  # (cell, whether the group's share is above everyone else's)
    for row in table.rows:
        for group, cell in zip(table.groups, row.cells):
            if not group.tested:
                continue
            others, others_base = row.total - cell.count, table.base - group.base
            cell.p_value = significance.two_proportion_test(cell.count, group.base, others, others_base, min_base)
            if cell.p_value is not None:
                tests.append((cell, cell.count * others_base > others * group.base))
    table.tests = len(tests)
    adjusted = significance.adjust([cell.p_value for cell, _ in tests], correction)
    for (cell, above), p in zip(tests, adjusted):
        cell.adjusted_p = p
        if p < alpha:
            cell.difference = "higher" if above else "lower"


def crosstab_notes(table, *, percentages=None, marked="Marked cells"):
    """What every sub-group table says of itself: what its percentages are of (`percentages`
    says it otherwise), and how its figures were tested, `marked` naming those found to differ."""
    notes = [
        percentages or f"Column percentages: of the respondents in each group who answered ({table.base:,} in all)."
    ]
    if table.multiple:
        notes.append("Respondents could choose more than one answer, so columns add up to more than 100%.")
    notes.append(
        f"{marked} differ from all other respondents' answers by more than chance would explain "
        f"(two-proportion z-test, {significance.CORRECTIONS[table.correction]} correction across the "
        f"{table.tests} tests in this table, p < {table.alpha:g}). Groups with fewer than {table.min_base} answers, "
        f"and “Prefer not to say”, “Don't know” and “{NO_INFORMATION}”, are not tested."
    )
    return notes


def breakdown(dataset, code, by, **options):
    """Any closed question by sub-group: a Crosstab per statement for a grid, one Crosstab
    for the other choice kinds, a Breakdown of summaries for a number or ranking question."""
    spec = dataset.question(code)
    if spec.kind == "grid":
        return [crosstab(dataset, code, by, statement=value, **options) for value, _ in spec.statements]
    if spec.kind not in ("number", "ranking"):
        return [crosstab(dataset, code, by, **options)]
    group_codes, group_options, by_title = _grouping(dataset, by)
    summarise = number_summary if spec.kind == "number" else ranking_summary
    groups, summaries = [], []
    for index, (value, label) in enumerate([*group_options, (None, NO_INFORMATION)]):
        within = group_codes == (index if value is not None else -1)
        summary = summarise(dataset, code, within=within)
        groups.append(Group(value, label, summary.base))
        summaries.append(summary)
    return [Breakdown(
        question=code, title=spec.text, by=by, by_title=by_title, groups=groups, summaries=summaries,
        notes=["Summaries for each group, without tests of significance."],
    )]  # fmt: skip


# -- Stakeholders --------------------------------------------------------------------------


@dataclass
class Organisation:
    name: str
    responses: int  # through the questionnaire; 0 for a stakeholder that responded another way
    stakeholder: bool  # on the list of those the council asked directly
    may_publish: bool  # every response from it agreed to publication (or it responded another way)


@dataclass
class StakeholderSummary:
    targeted: int
    responded: int  # targeted stakeholders who responded, through the questionnaire or otherwise
    not_responded: list  # names of targeted stakeholders who did not
    organisations: list  # Organisation: every organisation that responded, in name order
    unnamed_organisation_responses: int  # responses as an organisation that gave no name


def stakeholder_summary(questionnaire, *, until=None):
    """Targeted vs responded, and every organisation that responded (listed or not)."""
    from haveyoursay.surveys.models import Stakeholder

    responses = Response.objects.counted(until).filter(questionnaire=questionnaire)
    stakeholders = list(Stakeholder.objects.filter(consultation_id=questionnaire.consultation_id))
    by_key = {}
    unnamed = 0

    def organisation(name, stakeholder):
        key = " ".join(name.split()).casefold()
        if key not in by_key:
            by_key[key] = Organisation(" ".join(name.split()), 0, stakeholder, True)
        by_key[key].stakeholder |= stakeholder
        return by_key[key]

    answered = set()
    listed = responses.filter(stakeholder__isnull=False)
    for stakeholder_id, name, publication in listed.values_list("stakeholder_id", "stakeholder__name", "publication"):
        entry = organisation(name, True)
        entry.responses += 1
        entry.may_publish &= publication != Response.Publication.NO
        answered.add(stakeholder_id)
    others = responses.filter(stakeholder__isnull=True, respondent_kind=Response.RespondentKind.ORGANISATION)
    for name, publication in others.values_list("organisation_name", "publication"):
        if not name.strip():
            unnamed += 1
            continue
        entry = organisation(name, False)
        entry.responses += 1
        entry.may_publish &= publication != Response.Publication.NO
    for stakeholder in stakeholders:
        if stakeholder.responded_other_way_on and stakeholder.pk not in answered:
            organisation(stakeholder.name, True)
    responded = [s for s in stakeholders if s.pk in answered or s.responded_other_way_on]
    return StakeholderSummary(
        targeted=len(stakeholders), responded=len(responded),
        not_responded=[s.name for s in stakeholders if s not in responded],
        organisations=sorted(by_key.values(), key=lambda o: o.name.casefold()),
        unnamed_organisation_responses=unnamed,
    )


# -- Everything at once --------------------------------------------------------------------


@dataclass
class Analysis:
    questionnaire_id: int
    title: str
    respondents: int
    questions: list  # a result per closed question, in questionnaire order
    profile: list  # ProfileTable: channel, respondent kind, then each profile question
    breakdowns: list  # Crosstab or Breakdown per (question[, statement], by) asked for
    open_answer_counts: dict  # code -> respondents who answered each text, date or postcode question
    open_questions: list  # [(code, text)]
    stakeholders: StakeholderSummary | None = None
    threshold: int | None = None


def analyse(dataset, *, breakdowns=(), populations=None, stakeholders=None, **options):
    """Every table for a questionnaire from one loaded dataset.

    `breakdowns`: [(question code, by)], `by` a profile question's code, "channel" or
    "respondent_kind"; `populations`: {profile: Population}; `options` go to `crosstab`.
    """
    populations = populations or {}
    profile = [profile_table(dataset, by) for by in RESPONSE_GROUPINGS]
    profile += [
        profile_table(dataset, spec.code, populations.get(spec.profile)) for spec in dataset.profile_questions()
    ]
    tables = []
    for code, by in breakdowns:
        tables += breakdown(dataset, code, by, **options)
    return Analysis(
        questionnaire_id=dataset.questionnaire_id,
        title=dataset.title,
        respondents=dataset.respondents,
        questions=[question_result(dataset, spec.code) for spec in dataset.questions],
        profile=profile,
        breakdowns=tables,
        open_answer_counts=dict(dataset.open_answer_counts),
        open_questions=[(spec.code, spec.text) for spec in dataset.open_questions],
        stakeholders=stakeholders,
    )


def analyse_questionnaire(questionnaire, *, breakdowns=(), until=None, threshold=None, **options):
    """Load the responses and analyse them; with `threshold`, small cells withheld for publication."""
    from haveyoursay.analysis.dataset import load_dataset
    from haveyoursay.analysis.suppression import suppress

    analysis = analyse(
        load_dataset(questionnaire, until=until), breakdowns=breakdowns, populations=load_populations(),
        stakeholders=stakeholder_summary(questionnaire, until=until), **options,
    )  # fmt: skip
    return suppress(analysis, threshold) if threshold else analysis
