"""The engagement report, built from a consultation's data as sections of tables and figures.

The shape follows the council's own reports (`seeds/002_...`, and the Primary Care Survey
report in `seeds/003_...`): introduction and method, who responded, results question by
question (a chart with its table), differences between groups, what people wrote, events,
stakeholders, and the alternative formats footer. Every number comes from
`analysis/tables.py`; the public version is built from the suppressed analysis and leaves
out anything that could name a person.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from haveyoursay.analysis import tables
from haveyoursay.reports.document import (
    BarChart,
    BulletList,
    Figure,
    Paragraph,
    Report,
    Section,
    Series,
    Table,
    format_cell,
    round_half_up,
)
from haveyoursay.reports.render.content import MARK
from haveyoursay.surveys.models import Question, Response

# Profile questions every closed question is broken down by, to look for differences.
BREAKDOWN_BY = ("channel", "respondent_type", "area", "age", "sex", "ethnicity", "disability", "carer")


def build_report(consultation, analysis, *, public, event_notes=(), synthetic=0, themes=None, generated_at=None):
    """The `Report` for `consultation` from its `analysis` (suppressed, for the public)."""
    questionnaire = consultation.questionnaire
    report = Report(
        title=f"{consultation.title}: engagement report",
        consultation_title=consultation.title,
        council_name=settings.COUNCIL_NAME,
        generated_at=generated_at or timezone.now(),
        response_count=analysis.respondents,
        public=public,
    )
    report.sections.append(introduction(consultation, analysis, event_notes, synthetic))
    report.sections.append(respondents_section(analysis))
    report.sections.append(results_section(analysis))
    differences = differences_section(analysis)
    if differences is not None:
        report.sections.append(differences)
    report.sections.append(comments_section(questionnaire, analysis, public=public, themes=themes))
    if event_notes:
        report.sections.append(events_section(event_notes))
    if analysis.stakeholders is not None:
        report.sections.append(stakeholders_section(analysis.stakeholders, public=public))
    report.footer = [Paragraph(text) for text in alternative_formats()]
    for section in report.sections:
        section.anchor = section.anchor or slugify(section.title)
    return report


def alternative_formats():
    """The paragraphs that end every report: other formats and community languages."""
    path = settings.REPORT_ALTERNATIVE_FORMATS_FILE
    with open(path, encoding="utf-8") as file:
        return [paragraph.strip() for paragraph in file.read().split("\n\n") if paragraph.strip()]


# -- Introduction and method -----------------------------------------------------------------


def introduction(consultation, analysis, event_notes, synthetic):
    partners = joint_partners(consultation)
    blocks = [
        Paragraph(
            f"{settings.COUNCIL_NAME} consulted on “{consultation.title}” from "
            f"{consultation.opens_on:%-d %B %Y} to {consultation.closes_on:%-d %B %Y}."
        ),
    ]
    if consultation.summary:
        blocks.append(Paragraph(consultation.summary))
    if partners:
        blocks.append(Paragraph("The consultation was run jointly with " + and_list(partners) + "."))
    blocks.append(
        Paragraph(
            f"{analysis.respondents:,} {plural(analysis.respondents, 'response')} to the questionnaire "
            "were received, online and by the other routes shown below. Each response counts once, "
            "whichever way it arrived."
        )
    )
    channels = next(table for table in analysis.profile if table.profile == "channel")
    blocks.append(profile_figure(channels, "Responses by how they arrived"))
    if event_notes:
        attendees = sum(note.attendees for note in event_notes)
        blocks.append(
            Paragraph(
                f"Views were also gathered at {len(event_notes)} {plural(len(event_notes), 'event')} and group "
                f"{plural(len(event_notes), 'session')}, attended by {attendees:,} people in all. What was said "
                "there is summarised in its own section and is not counted among the responses."
            )
        )
    if analysis.stakeholders is not None and analysis.stakeholders.targeted:
        blocks.append(
            Paragraph(
                f"{analysis.stakeholders.targeted} organisations and partnerships were invited directly to respond; "
                f"{analysis.stakeholders.responded} did."
            )
        )
    blocks.append(
        Paragraph(
            "How to read the figures: percentages are of those who answered each question (the base, shown "
            "with each table) and are rounded to whole numbers, so they may not add up to exactly 100%. "
            "Questions that allowed more than one answer add up to more than 100%."
        )
    )
    if analysis.threshold:
        blocks.append(
            Paragraph(
                f"To protect respondents' privacy, numbers below {analysis.threshold} are not shown (marked *), "
                "nor any figure from which one could be worked out."
            )
        )
    if synthetic:
        blocks.append(
            Paragraph(
                f"Demonstration data: {synthetic:,} of these responses were made up by the software's demo, "
                "not given by real people."
            )
        )
    return Section("Introduction and method", blocks, anchor="introduction")


def joint_partners(consultation):
    """The bodies the council consulted with, without the council itself: a joint
    consultation lists every body consulting, the lead council among them."""
    council = " ".join(settings.COUNCIL_NAME.split()).casefold()
    return [
        partner.name for partner in consultation.partners.all() if " ".join(partner.name.split()).casefold() != council
    ]


# -- Who responded ---------------------------------------------------------------------------


def respondents_section(analysis):
    section = Section("Who responded", anchor="respondents")
    section.blocks.append(
        Paragraph(
            "These tables describe the people and organisations who responded, from the “About you” questions. "
            "Where figures for the whole population are available, they are shown beside the respondents' "
            "share, so that groups who are under-represented can be seen."
        )
    )
    for table in analysis.profile:
        if table.profile == "channel":
            continue
        name = profile_name(table.profile, table.title)
        blocks = [profile_figure(table, name)]
        if table.question:
            blocks.insert(0, Paragraph(f"The question asked: “{table.title}”"))
        section.subsections.append(Section(name, blocks))
    return section


def profile_name(profile, fallback):
    """"Age band", "Carer status": what a profile question records, in two words."""
    if profile in Question.Profile.values and profile:
        return Question.Profile(profile).label
    return fallback


# Compared with a population, the chart's respondents are those in the population table's
# groups (like for like), not all respondents: named so, in the chart and in its table.
COMPARED_RESPONDENTS = "Respondents in the population's groups"


def profile_figure(table, caption):
    compared = table.population_total is not None
    columns = ["", "Number", "% of respondents"]
    if compared:
        columns += [f"% of {COMPARED_RESPONDENTS.lower()}", "% of the population", "Difference (points)"]
    rows = []
    for row in table.rows:
        cells = [row.label, suppressed_or(row.count, row.suppressed), row.percent]
        if compared:
            cells += [
                row.percent_of_compared if row.compared else "",
                row.population_percent if row.compared else "",
                signed(row.difference) if row.compared and row.difference is not None else "",
            ]
        rows.append(cells)
    notes = list(table.notes)
    if compared:
        notes.append(f"Population: {table.population_title}. Source: {table.population_source}.")
    data = Table(
        caption=caption, columns=columns, rows=rows, number_columns={1},
        percent_columns={2, 3, 4} if compared else {2}, notes=notes,
    )
    if compared:
        shown = [row for row in table.rows if row.compared]
        series = [
            Series(COMPARED_RESPONDENTS, [row.percent_of_compared for row in shown]),
            Series("Population", [row.population_percent for row in shown]),
        ]
    else:
        shown = table.rows
        series = [Series("Respondents", [row.percent for row in shown])]
    return Figure(BarChart(caption, [row.label for row in shown], series), data)


# -- Results, question by question -----------------------------------------------------------


def results_section(analysis):
    section = Section("Results, question by question", anchor="results")
    profile_codes = {table.question for table in analysis.profile if table.question}
    for result in analysis.questions:
        if result.question in profile_codes:
            continue
        section.subsections.append(Section(result.title, question_blocks(result), anchor=f"question-{result.question}"))
    if not section.subsections:
        section.blocks.append(Paragraph("The questionnaire has no closed questions to count."))
    return section


def question_blocks(result):
    if isinstance(result, tables.GridTable):
        return grid_blocks(result)
    if isinstance(result, tables.MultipleChoiceTable):
        return [frequency_figure(result, result.title, percent_heading="% of respondents")]
    if isinstance(result, tables.NumberSummary):
        return [number_table(result)]
    if isinstance(result, tables.RankingSummary):
        return ranking_blocks(result)
    blocks = [frequency_figure(result, result.title)]
    if result.summary is not None:
        blocks.insert(0, Paragraph(summary_sentence(result.summary)))
    return blocks


def frequency_figure(result, caption, percent_heading="%"):
    rows = [[row.label, suppressed_or(row.count, row.suppressed), row.percent] for row in result.rows]
    notes = with_base(result.notes, result.base, result.not_answered, result.not_asked)
    data = Table(caption, ["Answer", "Number", percent_heading], rows, percent_columns={2}, number_columns={1}, notes=notes)
    chart = BarChart(caption, [row.label for row in result.rows], [Series(percent_heading, [row.percent for row in result.rows])])
    return Figure(chart, data)


def summary_sentence(summary):
    parts = []
    if summary.percent_positive is not None:
        parts.append(f"{format_cell(summary.percent_positive, percent=True)} {summary.positive_label.split(' (')[0].lower()}")
    if summary.percent_negative is not None:
        parts.append(f"{format_cell(summary.percent_negative, percent=True)} {summary.negative_label.split(' (')[0].lower()}")
    if not parts:
        return "Figures withheld: too few answers to publish."
    sentence = " and ".join(parts) + f", of the {summary.base:,} who answered"
    if summary.net is not None:
        # In whole points, as the percentages beside it are: "79% … and 10% … (net +69 points)", not +69.1.
        sentence += f" (net {signed(round_half_up(summary.net))} points)"
    return sentence[0].upper() + sentence[1:] + "."


def grid_blocks(result):
    statements = result.statements
    if not statements:
        return [Paragraph("No statements.")]
    options = [row.label for row in statements[0].rows]
    has_summary = statements[0].summary is not None
    columns = ["Statement", *options, "Base"]
    if has_summary:
        columns.append(statements[0].summary.positive_label)
    rows = []
    labels = [table.title.removeprefix(result.title + ": ") for table in statements]
    for label, table in zip(labels, statements):
        cells = [label]
        cells += [row.percent if not row.suppressed else None for row in table.rows]
        cells.append(table.base)
        if has_summary:
            cells.append(table.summary.percent_positive)
        rows.append(cells)
    percent_columns = set(range(1, len(options) + 1))
    if has_summary:
        percent_columns.add(len(options) + 2)
    notes = ["Percentages are of those who answered each statement (its base).", *result.notes]
    data = Table(result.title, columns, rows, percent_columns=percent_columns, number_columns={len(options) + 1}, notes=notes)
    series = [
        Series(option, [table.rows[index].percent for table in statements]) for index, option in enumerate(options)
    ]
    chart = BarChart(result.title, labels, series, stacked=True)
    return [Figure(chart, data)]


def number_table(result):
    rows = [
        ["Answers", result.n], ["Mean", result.mean], ["Median", result.median],
        ["Lower quartile", result.q1], ["Upper quartile", result.q3],
        ["Smallest", result.minimum], ["Largest", result.maximum],
    ]
    notes = with_base(result.notes, result.n, result.not_answered, result.not_asked)
    return Table(result.title, ["", "Value"], rows, number_columns={1}, notes=notes)


def ranking_blocks(result):
    rows = [
        [item.label, suppressed_or(item.ranked, item.suppressed), item.mean_rank, item.percent_first]
        for item in result.items
    ]
    notes = [
        "Mean position: 1 is first. Ranked first: % of those who answered the question.",
        *with_base(result.notes, result.base, result.not_answered, result.not_asked),
    ]
    data = Table(result.title, ["Item", "Ranked it", "Mean position", "Ranked first"], rows,
                 number_columns={1, 2}, percent_columns={3}, notes=notes)
    chart = BarChart(result.title, [item.label for item in result.items],
                     [Series("Ranked first", [item.percent_first for item in result.items])])
    return [Figure(chart, data)]


# -- Differences between groups --------------------------------------------------------------


def breakdowns_for(dataset):
    """(question, by) pairs to test: every closed question that is not itself about the
    respondent, by each profile question the questionnaire has and by channel."""
    bys = [by for by in BREAKDOWN_BY if by == "channel" or any(spec.code == by for spec in dataset.questions)]
    questions = [spec.code for spec in dataset.questions if not spec.profile and spec.kind not in ("number", "ranking")]
    return [(code, by) for code in questions for by in bys]


def differences_section(analysis):
    found = [table for table in analysis.breakdowns if isinstance(table, tables.Crosstab) and table.marked()]
    if not found:
        return None
    section = Section("Differences between groups", anchor="differences")
    section.blocks.append(
        Paragraph(
            "Each closed question was compared across groups of respondents (how they responded and their answers "
            "to the “About you” questions). Only the differences that are statistically significant are shown; "
            "a group's figure is marked † where it differs from that of everyone else."
        )
    )
    profiles = {table.question: table.profile for table in analysis.profile if table.question}
    for table in found:
        by = profile_name(profiles.get(table.by, ""), table.by_title).lower()
        section.subsections.append(Section(f"{table.title}, by {by}", crosstab_blocks(table, by)))
    return section


def crosstab_blocks(table, by):
    groups = table.groups
    columns = ["Answer", *[f"{group.label} ({format_cell(group.base) if group.base is not None else '*'})" for group in groups], "All"]
    rows, marked = [], set()
    sentences = []
    for r, row in enumerate(table.rows):
        cells = [row.label]
        for g, cell in enumerate(row.cells):
            cells.append(None if cell.suppressed else cell.percent)
            if cell.difference:
                marked.add((r, g + 1))
                sentences.append(
                    f"{groups[g].label}: {format_cell(cell.percent, percent=True)} “{row.label}”, "
                    f"{cell.difference} than other respondents ({format_cell(row.total_percent, percent=True)} overall)."
                )
        cells.append(None if row.total_suppressed else row.total_percent)
        rows.append(cells)
    # The table's own notes, said once: in the words of the report's columns and mark.
    own = len(tables.crosstab_notes(table))
    notes = [
        *tables.crosstab_notes(
            table,
            percentages=(
                "Column percentages: of each group's respondents who answered (the group's base in brackets; "
                f"{format_cell(table.base)} in all)."
            ),
            marked=f"{MARK} marks figures that",
        ),
        *table.notes[own:],
    ]
    data = Table(f"{table.title}, by {by}", columns, rows,
                 percent_columns=set(range(1, len(columns))), notes=notes, marked=marked, total_column=True)
    return [BulletList(sentences), data]


# -- What people wrote -----------------------------------------------------------------------


def comments_section(questionnaire, analysis, *, public, themes=None):
    section = Section("What people wrote", anchor="comments")
    if not analysis.open_questions:
        section.blocks.append(Paragraph("The questionnaire asked no open questions."))
        return section
    for code, text in analysis.open_questions:
        count = analysis.open_answer_counts.get(code, 0)
        blocks = [Paragraph(f"{count:,} {plural(count, 'respondent')} answered this question.")]
        if themes and code in themes:
            blocks += themes[code]
        elif not public and count:
            link = site_link(reverse("analysis_staff:comments", args=[questionnaire.consultation_id, code]))
            if link:
                blocks.append(Paragraph("Read the comments on the staff site:", link=link))
            else:
                blocks.append(Paragraph("Read the comments on the staff site, under “Themes in the comments”."))
        section.subsections.append(Section(text, blocks, anchor=f"comments-{code}"))
    return section


# -- Events and stakeholders -----------------------------------------------------------------


def events_section(event_notes):
    section = Section("Events and group sessions", anchor="events")
    rows = [[note.title, f"{note.held_on:%-d %B %Y}", note.attendees] for note in event_notes]
    section.blocks.append(Table("Events and group sessions", ["Event", "Date", "Attendees"], rows, number_columns={2}))
    for note in event_notes:
        section.subsections.append(Section(note.title, [Paragraph(p) for p in note.summary.split("\n\n") if p.strip()]))
    return section


def stakeholders_section(summary, *, public):
    section = Section("Stakeholders and organisations", anchor="stakeholders")
    if summary.targeted:
        section.blocks.append(
            Paragraph(f"{summary.targeted} stakeholders were invited directly to respond, and {summary.responded} did.")
        )
        if summary.not_responded:
            section.blocks.append(Paragraph("Invited, with no response recorded:"))
            section.blocks.append(BulletList(summary.not_responded))
    organisations = [o for o in summary.organisations if o.may_publish or not public]
    if organisations:
        rows = [[o.name, o.responses, "Yes" if o.stakeholder else "No"] for o in organisations]
        notes = []
        if public and len(organisations) < len(summary.organisations):
            hidden = len(summary.organisations) - len(organisations)
            notes.append(f"{hidden} {plural(hidden, 'organisation')} asked not to be named.")
        if summary.unnamed_organisation_responses:
            notes.append(f"{summary.unnamed_organisation_responses} responses on behalf of an organisation gave no name.")
        section.blocks.append(
            Table("Organisations that responded", ["Organisation", "Responses", "Invited directly"], rows,
                  number_columns={1}, notes=notes)
        )
    else:
        section.blocks.append(Paragraph("No organisation responded through the questionnaire."))
    return section


def with_base(notes, base, not_answered, not_asked):
    """The table's notes, starting with its base ("Base: 259 who answered; 12 did not.")."""
    if any(note.startswith("Base:") for note in notes):
        return list(notes)
    return [tables.describe_base(base, not_answered, not_asked), *notes]


# -- Words -----------------------------------------------------------------------------------


def site_link(path):
    """The whole address of a page of this site, for a link in a report: the report is read
    away from the site, where a bare path leads nowhere. Empty when SITE_URL is not set."""
    return settings.SITE_URL + path if settings.SITE_URL else ""


def suppressed_or(count, suppressed):
    return None if suppressed else count


def signed(points):
    text = format_cell(abs(points))
    if text in ("0", "0.0"):
        return "0"
    return ("+" if points > 0 else "−") + text


def plural(count, word):
    return word if count == 1 else word + "s"


def and_list(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def synthetic_count(questionnaire):
    return Response.objects.counted().filter(questionnaire=questionnaire, synthetic=True).count()
