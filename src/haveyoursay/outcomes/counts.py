"""How many people said what a We did entry answers, worked out afresh from the analysis each
time it is shown, never typed in.

- **Themes** (of one question's codeframe): the respondents whose comment carries any of the
  entry's themes, out of those who commented, the base of the themes report
  (`analysis/themes/report.py`). A comment with two of the themes counts once.
- **A closed question's answers**: the respondents who chose any of the entry's options, out
  of those who answered the question, the base of its table (`analysis/tables.py`). For a
  single-choice or scale question that is the sum of those rows; for a multiple-choice
  question, where one person may choose several, each person counts once.

Both read only counted responses (`Response.objects.counted()`): one marked as a duplicate or
withdrawn, or from an undone import, is in neither the count nor the base.

On public pages the analysis's disclosure control applies (`analysis/suppression.py`): a
figure is withheld when it is from 1 to below the threshold, or when any of the rows it is
made of is withheld from the published table (else it could be set against the others to
work one out), and theme figures are shown only once a person has reviewed the codeframe, as
the published report does.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from haveyoursay.analysis.dataset import CHOICE_KINDS, item_column, load_dataset
from haveyoursay.analysis.models import ThemeAssignment
from haveyoursay.analysis.suppression import suppress
from haveyoursay.analysis.tables import frequency_table, multiple_choice_table, percent
from haveyoursay.analysis.themes import workflow
from haveyoursay.analysis.themes.report import OTHER, withheld_rows
from haveyoursay.reports.document import format_percent

# Closed questions whose answers an entry can quote: each answer is one of the question's options.
QUOTABLE_KINDS = (*CHOICE_KINDS, "multiple")


@dataclass(frozen=True)
class Figure:
    """How many people said it, of how many, and in answer to what."""

    count: int | None  # None when withheld from the public
    base: int
    percent: float | None
    of_whom: str  # "who answered" or "who commented"
    question: str  # the question's words
    withheld: bool = False
    threshold: int | None = None  # the disclosure threshold applied, if any

    @property
    def people(self):
        """ "205 people (79%)", or "" when withheld."""
        if self.count is None:
            return ""
        noun = "person" if self.count == 1 else "people"
        shown = f" ({format_percent(self.percent)})" if self.percent is not None else ""
        return f"{self.count:,} {noun}{shown}"

    @property
    def base_text(self):
        """ "of the 259 who answered “…”" """
        return f"of the {self.base:,} {self.of_whom} “{self.question}”"


def figures_for(entries, *, public=True, threshold=None):
    """{entry pk: Figure or None} for entries of one consultation. None: the entry quotes
    nothing, or (on a public page) only themes nobody has reviewed yet. `public` withholds
    small numbers at `threshold` (the site's disclosure threshold unless given)."""
    if public and threshold is None:
        threshold = settings.REPORT_DISCLOSURE_THRESHOLD
    threshold = threshold if public else None
    entries = list(entries)
    figures = {}
    dataset = None
    for entry in entries:
        themes = list(entry.themes.all())
        if themes:
            figures[entry.pk] = theme_figure(themes, public=public, threshold=threshold)
        elif entry.question_id and entry.question.kind in QUOTABLE_KINDS:
            values = [option.value for option in entry.options.all()]
            if not values:
                figures[entry.pk] = None
                continue
            if dataset is None:
                dataset = load_dataset(entry.question.page.questionnaire)
            figures[entry.pk] = closed_figure(dataset, entry.question, values, threshold=threshold)
        else:
            figures[entry.pk] = None
    return figures


def closed_figure(dataset, question, values, *, threshold=None):
    """The respondents choosing any of `values` (option values) of a closed question."""
    code = question.code
    if question.kind == "multiple":
        table = multiple_choice_table(dataset, code)
        chose = np.zeros(len(dataset.frame), dtype=bool)
        for value in values:
            column = item_column(code, value)
            if column in dataset.frame:
                chose |= dataset.frame[column].to_numpy(dtype=bool)
        count = int(chose.sum())
    else:
        table = frequency_table(dataset, code)
        count = sum(row.count for row in table.rows if row.value in values)
    withheld = False
    if threshold is not None:
        published = suppress(table, threshold)
        withheld = 0 < count < threshold or any(
            row.count is None or row.suppressed for row in published.rows if row.value in values
        )
    return _figure(count, table.base, "who answered", question.text, withheld, threshold)


def theme_figure(themes, *, public=True, threshold=None):
    """The respondents whose comment carries any of `themes`, all of one codeframe."""
    codeframe = themes[0].codeframe
    question = codeframe.question
    if public and not workflow.has_person_work(codeframe):
        return None
    comments = workflow.comment_answers(question)
    commented = comments.count()
    carrying = ThemeAssignment.objects.filter(theme__in=themes).values("answer")
    count = comments.filter(pk__in=carrying).count()
    withheld = False
    if threshold is not None:
        hidden = withheld_themes(codeframe, commented, threshold)
        withheld = 0 < count < threshold or any(theme.pk in hidden for theme in themes)
    return _figure(count, commented, "who commented on", question.text, withheld, threshold)


def withheld_themes(codeframe, commented, threshold):
    """The pks of the themes whose count the published themes report withholds."""
    counts = workflow.theme_counts(codeframe)
    themes = sorted(codeframe.themes.all(), key=lambda theme: (-counts.get(theme.pk, 0), theme.position, theme.pk))
    themed = workflow.count_themed(codeframe)
    labelled = [(theme.label, counts.get(theme.pk, 0)) for theme in themes]
    if commented - themed > 0:
        labelled.append((OTHER, commented - themed))
    withheld = withheld_rows([count for _, count in labelled], commented, threshold, sensitive=range(len(labelled)))
    return {theme.pk for index, theme in enumerate(themes) if index in withheld}


def _figure(count, base, of_whom, question, withheld, threshold):
    if withheld:
        return Figure(None, base, None, of_whom, question, withheld=True, threshold=threshold)
    return Figure(count, base, percent(count, base), of_whom, question, threshold=threshold)
