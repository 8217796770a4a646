"""The themes of each open question, as blocks of the engagement report.

`reports.generating` calls `fingerprint(consultation)` to know when the report is out of date
and `blocks(consultation, public=...)` for its free-text section. The public version quotes
only what a person approved, from respondents who allowed publication, redacted; it never
shows a campaign's or any other answer's own words otherwise.
"""

from django.db.models import Count, Max

from haveyoursay.analysis import themes as workflow
from haveyoursay.analysis.models import Codeframe, CodeframeEvent, Quote, ThemeAssignment
from haveyoursay.reports.build import and_list
from haveyoursay.reports.document import BulletList, Paragraph, Table, round_half_up

SUMMARY_THEMES = 3


def codeframes(consultation):
    return Codeframe.objects.filter(question__page__questionnaire__consultation=consultation).select_related("question")


def fingerprint(consultation):
    """Changes whenever a codeframe, an assignment or a quote's approval changes."""
    frames = codeframes(consultation)
    return [
        sorted(frames.values_list("pk", "updated_at")),
        CodeframeEvent.objects.filter(codeframe__in=frames).aggregate(n=Count("pk"), last=Max("pk")),
        ThemeAssignment.objects.filter(theme__codeframe__in=frames).aggregate(n=Count("pk"), last=Max("pk")),
        sorted(Quote.objects.filter(theme__codeframe__in=frames, approved_at__isnull=False).values_list("pk", "approved_at", "text")),
    ]


def blocks(consultation, *, public):
    """{question code: [report blocks]} for every open question with a codeframe."""
    return {codeframe.question.code: question_blocks(codeframe, public=public) for codeframe in codeframes(consultation)}


def question_blocks(codeframe, *, public):
    commented = workflow.count_comments(codeframe.question)
    counts = workflow.theme_counts(codeframe)
    themes = sorted(codeframe.themes.all(), key=lambda theme: (-counts.get(theme.pk, 0), theme.position, theme.pk))
    if not commented or not themes:
        return []
    if public and not workflow.has_person_work(codeframe):
        # Machine suggestions nobody has reviewed are for analysts, not for publication:
        # the public version keeps to the number of comments until a person has worked on them.
        return []
    without = commented - ThemeAssignment.objects.filter(theme__codeframe=codeframe).values("answer").distinct().count()
    rows = [[theme.label, counts.get(theme.pk, 0), percent(counts.get(theme.pk, 0), commented)] for theme in themes]
    if without > 0:
        rows.append(["Other or unclear", without, percent(without, commented)])
    result = [
        Paragraph(summary(themes, counts, commented)),
        Table(
            f"Themes in the answers to “{codeframe.question.text}”",
            ["Theme", "Answers", "% of those who commented"], rows,
            number_columns={1}, percent_columns={2},
            notes=[
                f"Base: {commented:,} who commented. An answer can have several themes, so the percentages add up to more than 100%.",
                coded_by_note(codeframe),
            ],
        ),
    ]
    result += campaign_blocks(codeframe, public=public)
    result += quote_blocks(codeframe, themes)
    return result


def percent(count, base):
    """Exact: the report rounds once, for display."""
    return 100 * count / base if base else None


def summary(themes, counts, commented):
    top = [theme for theme in themes if counts.get(theme.pk, 0) and not theme.nothing_to_add][:SUMMARY_THEMES]
    if not top:
        return f"{commented:,} {people(commented)} commented; none of their answers has a theme yet."
    named = [f"{theme.label} ({round_half_up(100 * counts[theme.pk] / commented)}%)" for theme in top]
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


def campaign_blocks(codeframe, *, public):
    if not codeframe.campaigns:
        return []
    items = []
    for group in codeframe.campaigns:
        if public:
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
        theme__codeframe=codeframe, approved_at__isnull=False, answer__response__publication__in=workflow.CONSENTING
    ).order_by("theme__position", "pk")
    label_of = {theme.pk: theme.label for theme in themes}
    items = [f"{label_of[quote.theme_id]}: “{quote.text}”" for quote in quotes if quote.theme_id in label_of]
    if not items:
        return []
    return [Paragraph("In their own words (personal details removed):"), BulletList(items)]
