"""The themes of each open question, as blocks of the engagement report.

`reports.generating` calls `fingerprint(consultation)` to know when the report is out of date
and `blocks(consultation, public=...)` for its free-text section. The public version quotes
only what a person approved, from respondents who allowed publication, redacted; it never
shows a campaign's or any other answer's own words otherwise. It also withholds small
numbers as the other tables do (`analysis/suppression.py`): a theme's or a stance's count
from 1 to below the disclosure threshold is not shown, nor its percentage, nor any other
count from which it could be worked out.
"""

from django.conf import settings
from django.db.models import Count, Max

from haveyoursay.analysis.models import AnswerCoding, Codeframe, CodeframeEvent, Quote, ThemeAssignment
from haveyoursay.analysis.suppression import withheld_cells
from haveyoursay.analysis.themes import workflow
from haveyoursay.reports.build import and_list
from haveyoursay.reports.document import BulletList, Paragraph, Table, format_percent

SUMMARY_THEMES = 3
OTHER = "Other or unclear"
NO_STANCE = "No stance recorded"
PRIVACY = "to protect the privacy of the few people it would count"


def codeframes(consultation):
    return Codeframe.objects.filter(question__page__questionnaire__consultation=consultation).select_related("question")


def fingerprint(consultation):
    """Changes whenever a codeframe, an assignment, a stance or a quote's approval changes."""
    frames = codeframes(consultation)
    return [
        sorted(frames.values_list("pk", "updated_at", "asks_for_stance")),
        CodeframeEvent.objects.filter(codeframe__in=frames).aggregate(n=Count("pk"), last=Max("pk")),
        ThemeAssignment.objects.filter(theme__codeframe__in=frames).aggregate(n=Count("pk"), last=Max("pk")),
        sorted(
            AnswerCoding.objects.filter(codeframe__in=frames).exclude(stance="")
            .values_list("codeframe", "stance").annotate(n=Count("pk"), people=Count("stance_by"))
        ),
        sorted(Quote.objects.filter(theme__codeframe__in=frames, approved_at__isnull=False).values_list("pk", "approved_at", "text")),
    ]


def blocks(consultation, *, public, threshold=None):
    """{question code: [report blocks]} for every open question with a codeframe.

    The public version withholds counts below `threshold` (the site's disclosure threshold
    unless given); the staff version shows every count.
    """
    if public and threshold is None:
        threshold = settings.REPORT_DISCLOSURE_THRESHOLD
    return {
        codeframe.question.code: question_blocks(codeframe, public=public, threshold=threshold if public else None)
        for codeframe in codeframes(consultation)
    }


def question_blocks(codeframe, *, public, threshold=None):
    commented = workflow.count_comments(codeframe.question)
    themes = list(codeframe.themes.all())
    if not commented or not (themes or codeframe.asks_for_stance):
        return []
    if public and not workflow.has_person_work(codeframe):
        # Machine suggestions nobody has reviewed are for analysts, not for publication:
        # the public version keeps to the number of comments until a person has worked on them.
        return []
    result = theme_blocks(codeframe, themes, commented, threshold) if themes else []
    result += stance_blocks(codeframe, commented, threshold)
    if themes:
        result += campaign_blocks(codeframe, public=public, threshold=threshold)
        result += quote_blocks(codeframe, themes)
    return result


def theme_blocks(codeframe, themes, commented, threshold):
    counts = workflow.theme_counts(codeframe)
    themes = sorted(themes, key=lambda theme: (-counts.get(theme.pk, 0), theme.position, theme.pk))
    without = commented - workflow.count_themed(codeframe)
    labelled = [(theme.label, counts.get(theme.pk, 0)) for theme in themes]
    if without > 0:
        labelled.append((OTHER, without))
    withheld = withheld_rows([count for _, count in labelled], commented, threshold, sensitive=range(len(labelled)))
    hidden = {theme.pk for index, theme in enumerate(themes) if index in withheld}
    return [
        Paragraph(summary(themes, counts, commented, hidden)),
        Table(
            f"Themes in the answers to “{codeframe.question.distinct_text}”",
            ["Theme", "Answers", "% of those who commented"], figure_rows(labelled, commented, withheld),
            number_columns={1}, percent_columns={2},
            notes=[
                f"Base: {commented:,} who commented. An answer can have several themes, so the percentages add up to more than 100%.",
                coded_by_note(codeframe),
            ],
        ),
    ]


def withheld_rows(counts, base, threshold, *, sensitive):
    """Indexes of the `counts` the public may not see: those from 1 to below `threshold` among
    `sensitive`, and, where the counts add up to the base shown beside them (every answer in
    one row), as many more as stop any being worked out by subtraction. None: the staff's."""
    if threshold is None:
        return set()
    cells = dict(enumerate(counts))
    lines = [list(cells)] if sum(counts) == base else []
    return withheld_cells(cells, threshold, sensitive=list(sensitive), lines=lines)


def figure_rows(labelled, base, withheld):
    """[label, count, percent] rows, with None for a withheld count and its percentage."""
    return [
        [label, None, None] if index in withheld else [label, count, percent(count, base)]
        for index, (label, count) in enumerate(labelled)
    ]


def percent(count, base):
    """Exact: the report rounds once, for display."""
    return 100 * count / base if base else None


def summary(themes, counts, commented, withheld=frozenset()):
    top = [theme for theme in themes if counts.get(theme.pk, 0) and not theme.nothing_to_add and theme.pk not in withheld]
    top = top[:SUMMARY_THEMES]
    if not top and withheld:
        return f"{commented:,} {people(commented)} commented; the number with each theme is not shown, {PRIVACY}."
    if not top:
        return f"{commented:,} {people(commented)} commented; none of their answers has a theme yet."
    named = [f"{theme.label} ({format_percent(100 * counts[theme.pk] / commented)})" for theme in top]
    return f"Of the {commented:,} {people(commented)} who commented, the most common themes were {and_list(named)}."


def people(count):
    return "person" if count == 1 else "people"


def coded_by_note(codeframe):
    people = codeframe.codings.filter(coded_at__isnull=False).count()
    if people:
        return f"Themes were suggested by the machine, reviewed by the council's analysts, who coded {people:,} answers themselves; the rest were coded by a model learnt from theirs."
    if workflow.has_person_work(codeframe):
        return "Themes were suggested by the machine and reviewed by the council's analysts."
    return "Themes were suggested by the machine and have not yet been reviewed by an analyst."


def stance_blocks(codeframe, commented, threshold):
    """Where the question asks for one, how many who commented support, oppose or are mixed."""
    if not codeframe.asks_for_stance:
        return []
    stances = workflow.stance_counts(codeframe)
    choices = AnswerCoding.Stance
    labelled = [(choices(value).label, stances.counts.get(value, 0)) for value in choices.values]
    labelled.append((NO_STANCE, commented - stances.total))
    # Who gave no stance is not a view anyone holds; it is withheld only to protect the others.
    withheld = withheld_rows([count for _, count in labelled], commented, threshold, sensitive=range(len(choices.values)))
    return [
        Paragraph(stance_summary(labelled[:-1], commented, withheld)),
        Table(
            f"Stance in the answers to “{codeframe.question.distinct_text}”",
            ["Stance", "Answers", "% of those who commented"], figure_rows(labelled, commented, withheld),
            number_columns={1}, percent_columns={2},
            notes=[f"Base: {commented:,} who commented. Each answer has one stance at most.", stance_by_note(stances)],
        ),
    ]


def stance_summary(labelled, commented, withheld):
    shown = [
        f"{format_percent(100 * count / commented)} {label.lower()}"
        for index, (label, count) in enumerate(labelled)
        if index not in withheld
    ]
    if not shown:
        return f"{commented:,} {people(commented)} commented; the number with each stance is not shown, {PRIVACY}."
    return f"Of the {commented:,} {people(commented)} who commented: {and_list(shown)}."


def stance_by_note(stances):
    if not stances.total:
        return "No answer's stance has been recorded yet."
    if stances.by_people == stances.total:
        return "Each stance was recorded by the council's analysts."
    if not stances.by_people:
        return "Each stance was suggested by the machine and has not been checked by an analyst."
    return (
        f"The council's analysts recorded {stances.by_people:,} of the stances; "
        f"the other {stances.total - stances.by_people:,} were suggested by the machine."
    )


def campaign_blocks(codeframe, *, public, threshold=None):
    groups = [group for group in codeframe.campaigns if group.get("campaign", True)]
    if not groups:
        return []
    items = []
    for group in groups:
        if public and threshold and group["size"] < threshold:
            items.append(f"One text was sent several times (how many is not shown, {PRIVACY}).")
        elif public:
            items.append(f"One text was sent {group['size']:,} times ({group['description']}).")
        else:
            text = workflow.Answer.objects.filter(pk=group["answer"]).values_list("value", flat=True).first() or {}
            items.append(f"{group['description'].capitalize()}: “{workflow.redact(text.get('text', '')).text}”")
    return [
        Paragraph("Campaign responses, each copy counted in the figures above:"),
        BulletList(items),
    ]


def quote_blocks(codeframe, themes):
    """Approved quotes only, from respondents who allowed publication, as approved (redacted)."""
    quotes = Quote.objects.filter(
        workflow.on_counted_responses("answer__response__"),
        theme__codeframe=codeframe, approved_at__isnull=False, answer__response__publication__in=workflow.CONSENTING,
    ).order_by("theme__position", "pk")
    label_of = {theme.pk: theme.label for theme in themes}
    items = [f"{label_of[quote.theme_id]}: “{quote.text}”" for quote in quotes if quote.theme_id in label_of]
    if not items:
        return []
    return [Paragraph("In their own words (personal details removed):"), BulletList(items)]
