"""A consultation's responses as open data: anonymised rows, suppressed tables, a dictionary.

The download set, published with the report (`reports/views.py`) and open to staff at any
time (`reports/staff.py`):

    responses.csv, responses.json   one row per counted response, anonymised
    tables.csv                      counts and percentages per closed question and for the
                                    respondent profile, small cells withheld
    dictionary.json, dictionary.md  every column, what it holds, what was removed and why

`OpenDataExport` yields the rows and the dictionary; rendering to CSV reuses the staff
export's `csv_chunks` (formula escaping included), so the two exports can't drift apart.

What a row keeps and what it loses
- No reference number (a respondent holds it and could be matched by it): a sequence
  number in order of submission instead. No name, email, organisation role, stakeholder
  link, date received or timestamp: the month of submission only.
- Free text (text answers and "Other, please specify" words) only where the respondent
  chose to have their response published ("with my name" or "anonymously"), and then with
  personal details taken out by `analysis/themes/text/redact.py`. Otherwise the cell is empty.
- The organisation's name only for a response made on behalf of an organisation that chose
  "publish my response with my name": "anonymously" means without the name.
- Closed answers as their option values (labels are in the dictionary). Dates as their
  month, since a date is often a birthday. Postcode answers are removed: a full postcode
  narrows a respondent to a handful of households.

Small cells in row-level data: the rule chosen
Equality-monitoring answers (age band, sex, gender identity, ethnic group, religion,
sexual orientation, disability, carer status) are not in the rows at all; they are given
only as profile tables in tables.csv, with small cells withheld as in the published report
(`analysis/suppression.py`). Why not recode rare values and keep them: they are what a
neighbour or colleague knows about someone, most are special category data, and in a
consultation of a few hundred responses three or four of them together single out most
people; a rule strong enough to stop that would recode nearly all of them away anyway,
while the tables keep every figure a reader needs.

What remains in the rows that someone could know about a respondent (the quasi-identifiers:
how the response arrived, the month, responding as an individual or organisation, and the
answer to an area question) is made k-anonymous with k = the disclosure threshold:

1. any value of one of them held by fewer than k respondents becomes "other_or_withheld";
2. a response whose combination of them is still held by fewer than k respondents has all
   of them set to "other_or_withheld";
3. if that leaves between 1 and k - 1 responses fully withheld, the smallest remaining
   combinations are withheld too until there are at least k (or none are left), so no one
   is picked out as "the only response that had to be withheld".

Every combination in the published rows is then shared by at least k responses. With
fewer than k responses in all, every quasi-identifier is withheld.

Known limit: answers to ordinary closed questions are not treated as identifying; a
questionnaire that asks something only a few people could answer a certain way (a job,
a street) should make it a free-text or profile question.
"""

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone

from haveyoursay.analysis import tables
from haveyoursay.analysis.themes.text.redact import redact
from haveyoursay.surveys.exports import ResponseExporter, csv_chunks
from haveyoursay.surveys.models import Answer, Question, Response

WITHHELD = "other_or_withheld"
WITHHELD_LABEL = "Other or withheld"
LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
EQUALITY_PROFILES = {
    Question.Profile.AGE, Question.Profile.SEX, Question.Profile.GENDER_IDENTITY, Question.Profile.ETHNICITY,
    Question.Profile.RELIGION, Question.Profile.SEXUAL_ORIENTATION, Question.Profile.DISABILITY,
    Question.Profile.CARER,
}
CHOICE_KINDS = ("single", "agree", "importance", "area")
TEXT_KINDS = ("short_text", "long_text")
CONSENTED = (Response.Publication.WITH_NAME, Response.Publication.ANONYMOUS)
FILES = {
    "responses.csv": "One row per counted response (sent, not a duplicate, not withdrawn), anonymised.",
    "responses.json": "The same rows as JSON objects.",
    "tables.csv": "Counts and percentages for every closed question and the respondent profile, small numbers withheld.",
    "dictionary.json": "This dictionary, for programs.",
    "dictionary.md": "This dictionary, to read.",
}
TABLE_COLUMNS = [
    ("table", "question for a closed question's results, profile for the respondent profile"),
    ("question", "The question's code (the column name in responses.csv), or channel / respondent_kind"),
    ("question_text", "The question as it was asked"),
    ("statement", "For a grid: the statement answered"),
    ("answer", "The option value; empty for “No information” (gave no answer); for numbers, the statistic"),
    ("answer_label", "The answer in words"),
    ("measure", "count, percent, mean, median, q1, q3, respondents (n), mean_rank or first (ranked first)"),
    ("figure", "The number; empty when withheld. Percentages to one decimal place"),
    ("base", "How many the percentage is of: who answered (questions) or all respondents (profile)"),
    ("withheld", "yes when the figure is withheld to protect respondents"),
]


@dataclass
class Column:
    name: str
    heading: str
    type: str
    question: str = ""  # the question's code, for an answer column
    values: list = field(default_factory=list)  # [{"value", "label"}] where the values are fixed
    notes: str = ""


class OpenDataExport:
    """The open data of one questionnaire's submitted responses."""

    def __init__(self, questionnaire, *, threshold=None, until=None):
        self.questionnaire = questionnaire
        self.threshold = threshold or settings.REPORT_DISCLOSURE_THRESHOLD
        self.raw = ResponseExporter(questionnaire, until=until, counted_only=True)
        self.generated_at = timezone.now()
        questions = self.raw.questions
        self.questions = [q for q in questions if q.profile not in EQUALITY_PROFILES and q.kind != "postcode"]
        self.equality_questions = [q for q in questions if q.profile in EQUALITY_PROFILES]
        self.postcode_questions = [q for q in questions if q.kind == "postcode" and q.profile not in EQUALITY_PROFILES]
        self.area_questions = [q for q in self.questions if is_area(q)]
        self._quasi = None

    def responses(self):
        return self.raw.responses()

    def count(self):
        return self.raw.count()

    # -- Columns ----------------------------------------------------------------------------

    def columns(self):
        columns = [
            Column("sequence", "Response number, in order of submission", "integer",
                   notes="Not the respondent's reference, which is never published."),
            Column("submitted_month", "Month submitted (YYYY-MM, Europe/London)", "month",
                   notes=f"“{WITHHELD}” where too few responses share it."),
            Column("channel", "How it arrived", "choice", values=_choices(Response.Channel.choices, withheld=True)),
            Column("respondent_kind", "Responding as", "choice",
                   values=_choices(Response.RespondentKind.choices, withheld=True)),
            Column("organisation_name", "Organisation", "text",
                   notes="Only for an organisation that agreed to publication with its name; empty otherwise."),
            Column("words_published", "Free text included", "choice",
                   values=_choices([("yes", "Yes: agreed to publication"), ("no", "No: text answers left empty")])),
            Column("synthetic", "Made up for the demonstration", "choice",
                   values=_choices([("yes", "Yes: not a real response"), ("no", "No: a real response")])),
        ]
        for question in self.questions:
            columns += question_columns(question)
        return columns

    def header(self):
        return [column.name for column in self.columns()]

    # -- Rows -------------------------------------------------------------------------------

    def rows(self):
        """The header, then one list of strings per response, oldest first."""
        yield self.header()
        quasi = self.protected_quasi_identifiers()
        responses = self.responses().prefetch_related("answers")
        for sequence, response in enumerate(responses.iterator(chunk_size=500), start=1):
            yield self.row(sequence, response, quasi[response.pk])

    def records(self):
        """One {column: value} per response; an empty cell is None."""
        rows = self.rows()
        header = next(rows)
        for row in rows:
            yield {name: (cell if cell != "" else None) for name, cell in zip(header, row)}

    def row(self, sequence, response, quasi):
        month, channel, kind, *areas = quasi
        consented = response.publication in CONSENTED
        named_organisation = (
            response.respondent_kind == Response.RespondentKind.ORGANISATION
            and response.publication == Response.Publication.WITH_NAME
        )
        cells = [
            str(sequence), month, channel, kind,
            response.organisation_name if named_organisation else "",
            "yes" if consented else "no",
            "yes" if response.synthetic else "no",
        ]
        answers = {answer.question_id: answer.value for answer in response.answers.all()}
        area_values = dict(zip((q.pk for q in self.area_questions), areas))
        for question in self.questions:
            if question.pk in area_values:
                cells.append(area_values[question.pk])
            else:
                cells += question_cells(question, answers.get(question.pk), consented)
        return cells

    def protected_quasi_identifiers(self):
        """{response id: (month, channel, respondent kind, *area answers)} made k-anonymous."""
        if self._quasi is None:
            responses = list(self.responses().values_list("pk", "submitted_at", "channel", "respondent_kind"))
            areas = {}
            answers = Answer.objects.filter(
                response__in=self.responses(), question__in=self.area_questions
            ).values_list("response_id", "question_id", "value")
            for response_id, question_id, value in answers:
                areas[response_id, question_id] = (value or {}).get("choice", "")
            combinations = {
                pk: (
                    month_of(submitted_at), channel, kind, *(areas.get((pk, q.pk), "") for q in self.area_questions),
                )
                for pk, submitted_at, channel, kind in responses
            }
            self._quasi = protect(combinations, self.threshold)
        return self._quasi

    # -- Tables -----------------------------------------------------------------------------

    def table_rows(self):
        """tables.csv: a header, then one figure per row, from the suppressed analysis."""
        analysis = tables.analyse_questionnaire(self.questionnaire, until=self.raw.until, threshold=self.threshold)
        yield [name for name, _ in TABLE_COLUMNS]
        for result in analysis.questions:
            yield from _question_figures(result)
        for profile in analysis.profile:
            code = profile.question or profile.profile
            for row in profile.rows:
                yield from _figures("profile", code, profile.title, "", row.value or "", row.label,
                                    [("count", row.count), ("percent", row.percent)], profile.respondents, row.suppressed)

    # -- Dictionary -------------------------------------------------------------------------

    def dictionary(self):
        consultation = self.questionnaire.consultation
        count = self.count()
        return {
            "title": f"Responses to “{consultation.title}”: open data",
            "consultation": consultation.title,
            "generated_at": timezone.localtime(self.generated_at).isoformat(timespec="seconds"),
            "responses": count,
            "synthetic_responses": self.responses().filter(synthetic=True).count(),
            "licence": {"name": LICENCE, "url": LICENCE_URL},
            "disclosure_threshold": self.threshold,
            "files": [{"name": name, "description": text} for name, text in FILES.items()],
            "columns": [asdict(column) for column in self.columns()],
            "table_columns": [{"name": name, "description": text} for name, text in TABLE_COLUMNS],
            "removed": self.removed(),
            "protection": self.protection(),
        }

    def removed(self):
        removed = [
            {"what": "Reference number", "why": "The respondent holds it and could be matched by it; "
             "“sequence” numbers the rows instead."},
            {"what": "Name, email address, whether they want to hear about the outcome",
             "why": "Personal details."},
            {"what": "Role in the organisation, stakeholder, date received, exact time of submission",
             "why": "Each could identify a respondent; the month of submission is kept."},
            {"what": "Free text and “Other, please specify” words of respondents who did not agree to publication",
             "why": "Published only with consent; where consented, personal details (names, emails, phone "
             "numbers, postcodes, addresses, NHS and National Insurance numbers, web addresses) are replaced "
             "by markers such as [name]."},
        ]
        for question in self.equality_questions:
            removed.append({
                "what": f"{question.code}: {question.text}",
                "why": "Equality-monitoring answer: in tables.csv only, with small numbers withheld, "
                "never in the rows, so no combination of them can single anyone out.",
            })
        for question in self.postcode_questions:
            removed.append({"what": f"{question.code}: {question.text}",
                            "why": "A postcode narrows a respondent to a handful of households."})
        return removed

    def protection(self):
        k = self.threshold
        return [
            f"Disclosure threshold: {k} respondents.",
            f"In the rows, any month, channel, respondent kind or area answer given by fewer than {k} "
            f"respondents is shown as “{WITHHELD}” ({WITHHELD_LABEL}).",
            f"A response whose combination of those is still shared by fewer than {k} responses has all of "
            f"them shown as “{WITHHELD}”; if fewer than {k} responses were withheld that way, more are, so "
            f"every combination shown, withheld ones included, is shared by {k} or more.",
            f"In tables.csv, a count from 1 to {k - 1} is withheld with its percentage, and enough other "
            "figures with it that none can be worked out by subtraction.",
        ]


# -- Questions, column by column -------------------------------------------------------------


def is_area(question):
    """An area answer: where the respondent lives or works, which neighbours may know."""
    return question.kind in CHOICE_KINDS and (question.kind == "area" or question.profile == Question.Profile.AREA)


def has_other(question):
    return any(option.other for option in question.options.all())


def question_columns(question):
    """The Columns of one question, in the order `question_cells` fills them."""
    options = [{"value": o.value, "label": o.label} for o in question.options.all()]
    kind = question.kind
    if is_area(question):
        return [Column(question.code, question.text, "choice", question.code,
                       options + [{"value": WITHHELD, "label": WITHHELD_LABEL}],
                       notes="Area answers too rare to publish are withheld (see protection).")]
    other = Column(f"{question.code}_other" if kind != "multiple" else f"{question.code}_other_text",
                   f"{question.text} (other)", "text", question.code,
                   notes="The respondent's own words, only with consent, personal details removed.")
    if kind in CHOICE_KINDS:
        return [Column(question.code, question.text, "choice", question.code, options)] + (
            [other] if has_other(question) else []
        )
    if kind == "multiple":
        yes_no = [{"value": "1", "label": "Chosen"}, {"value": "0", "label": "Not chosen"}]
        return [
            Column(f"{question.code}_{o['value']}", f"{question.text}: {o['label']}", "chosen", question.code, yes_no)
            for o in options
        ] + ([other] if has_other(question) else [])
    if kind == "grid":
        return [
            Column(f"{question.code}_{s['value']}", f"{question.text}: {s['label']}", "choice", question.code, options)
            for s in question.type.statements(question)
        ]
    if kind == "ranking":
        return [
            Column(f"{question.code}_{o['value']}", f"{question.text}: {o['label']} (rank)", "rank", question.code,
                   notes="1 is first; empty if not ranked.")
            for o in options
        ]
    if kind == "location":
        places = [{"value": p["value"], "label": p["label"]} for p in question.type.places(question)]
        return [Column(question.code, question.text, "choice", question.code,
                       places + [{"value": "postcode_withheld", "label": "Gave a postcode (not published)"}])]
    if kind == "date":
        return [Column(question.code, question.text, "month", question.code, notes="The month only (YYYY-MM).")]
    if kind == "number":
        return [Column(question.code, question.text, "number", question.code)]
    return [Column(question.code, question.text, "text", question.code,
                   notes="Only with consent to publication, personal details removed; empty otherwise.")]


def question_cells(question, value, consented):
    """The cells of one (non-area) question's answer, as `question_columns` names them."""
    kind = question.kind

    def words(text):
        return redact(text).text if consented and text else ""

    if kind in CHOICE_KINDS:
        cells = [value["choice"] if value else ""]
        return cells + ([words(value.get("other", "")) if value else ""] if has_other(question) else [])
    if kind == "multiple":
        chosen = set(value["choices"]) if value else set()
        cells = [("1" if o.value in chosen else "0") if value else "" for o in question.options.all()]
        return cells + ([words(value.get("other", "")) if value else ""] if has_other(question) else [])
    if kind == "grid":
        rows = value["rows"] if value else {}
        return [rows.get(s["value"], "") for s in question.type.statements(question)]
    if kind in ("ranking", "number"):
        return question.type.export_values(question, value)
    if kind == "location":
        if not value:
            return [""]
        return [value.get("place") or ("postcode_withheld" if value.get("postcode") else "")]
    if kind == "date":
        return [value["date"][:7] if value else ""]
    return [words(value.get("text", "")) if value else ""]


# -- Small cells in the rows -----------------------------------------------------------------


def protect(combinations, threshold):
    """{key: tuple of quasi-identifiers} with the module's three rules applied."""
    if not combinations:
        return {}
    width = len(next(iter(combinations.values())))
    counts = [Counter(combo[i] for combo in combinations.values()) for i in range(width)]
    recoded = {
        key: tuple(value if counts[i][value] >= threshold else WITHHELD for i, value in enumerate(combo))
        for key, combo in combinations.items()
    }
    everything_withheld = (WITHHELD,) * width
    together = Counter(recoded.values())
    recoded = {key: combo if together[combo] >= threshold else everything_withheld for key, combo in recoded.items()}
    together = Counter(recoded.values())
    # Withhold the smallest groups next, until the withheld ones are too many to pick anyone out.
    shown = sorted((count, combo) for combo, count in together.items() if combo != everything_withheld)
    withheld = set()
    while 0 < together[everything_withheld] < threshold and shown:
        count, combo = shown.pop(0)
        withheld.add(combo)
        together[everything_withheld] += count
    return {key: everything_withheld if combo in withheld else combo for key, combo in recoded.items()}


# -- Tables ----------------------------------------------------------------------------------


def _figures(table, code, title, statement, answer, label, measures, base, withheld):
    for measure, figure in measures:
        if isinstance(figure, float):
            figure = round(figure, 1)
        yield [table, code, title, statement, answer, label, measure,
               "" if figure is None else figure, base, "yes" if withheld or figure is None and base else "no"]


def _question_figures(result):
    if isinstance(result, tables.GridTable):
        for statement in result.statements:
            yield from _frequency_figures(statement)
    elif isinstance(result, (tables.FrequencyTable, tables.MultipleChoiceTable)):
        yield from _frequency_figures(result)
    elif isinstance(result, tables.NumberSummary):
        measures = [("respondents", result.n), ("mean", result.mean), ("median", result.median),
                    ("q1", result.q1), ("q3", result.q3)]
        for measure, figure in measures:
            yield from _figures("question", result.question, result.title, "", measure, measure,
                                [(measure, figure)], result.n, figure is None and result.n)
    elif isinstance(result, tables.RankingSummary):
        for item in result.items:
            yield from _figures("question", result.question, result.title, "", item.value, item.label,
                                [("mean_rank", item.mean_rank), ("first", item.first), ("percent", item.percent_first)],
                                result.base, item.suppressed)


def _frequency_figures(table):
    statement = getattr(table, "statement", None) or ""
    for row in table.rows:
        yield from _figures("question", table.question, table.title, statement, row.value or "", row.label,
                            [("count", row.count), ("percent", row.percent)], table.base, row.suppressed)


def _choices(pairs, *, withheld=False):
    values = [{"value": value, "label": label} for value, label in pairs]
    return values + ([{"value": WITHHELD, "label": WITHHELD_LABEL}] if withheld else [])


# -- Rendering -------------------------------------------------------------------------------


def responses_csv(export):
    return csv_chunks(export.rows())


def tables_csv(export):
    return csv_chunks(export.table_rows())


def responses_json(export):
    """{"licence", "generated_at", "responses": [...]} a response at a time."""
    dictionary = export.dictionary()
    head = {key: dictionary[key] for key in ("title", "generated_at", "licence", "disclosure_threshold")}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "responses": [').encode()
    for index, record in enumerate(export.records()):
        yield (("," if index else "") + "\n" + json.dumps(record, ensure_ascii=False)).encode()
    yield b"\n]}\n"


def dictionary_json(export):
    yield json.dumps(export.dictionary(), ensure_ascii=False, indent=2).encode()


def dictionary_markdown(dictionary):
    """The dictionary as a page to read: Markdown, which is plain text too."""
    lines = [
        f"# {dictionary['title']}", "",
        f"Generated {dictionary['generated_at']} from {dictionary['responses']:,} responses"
        + (f" ({dictionary['synthetic_responses']:,} of them made up for the demonstration)"
           if dictionary["synthetic_responses"] else "") + ".", "",
        f"Licence: {dictionary['licence']['name']} ({dictionary['licence']['url']}).", "",
        "## Files", "",
        *[f"- `{f['name']}`: {f['description']}" for f in dictionary["files"]], "",
        "## Columns of responses.csv and responses.json", "",
        "| Column | Question or meaning | Type | Values | Notes |",
        "| --- | --- | --- | --- | --- |",
    ]
    for column in dictionary["columns"]:
        values = "; ".join(f"`{v['value']}` {v['label']}" for v in column["values"])
        cells = [f"`{column['name']}`", column["heading"], column["type"], values, column["notes"]]
        lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    lines += ["", "## Columns of tables.csv", ""]
    lines += [f"- `{c['name']}`: {c['description']}" for c in dictionary["table_columns"]]
    lines += ["", "## What was removed, and why", ""]
    lines += [f"- {item['what']}: {item['why']}" for item in dictionary["removed"]]
    lines += ["", "## How respondents are protected", ""]
    lines += [f"- {rule}" for rule in dictionary["protection"]]
    return ("\n".join(lines) + "\n").encode()


def _markdown_cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


DOWNLOADS = {
    "responses.csv": ("text/csv; charset=utf-8", responses_csv),
    "responses.json": ("application/json", responses_json),
    "tables.csv": ("text/csv; charset=utf-8", tables_csv),
    "dictionary.json": ("application/json", dictionary_json),
    "dictionary.md": ("text/markdown; charset=utf-8", lambda export: [dictionary_markdown(export.dictionary())]),
}


def month_of(moment):
    return timezone.localtime(moment).strftime("%Y-%m") if moment else ""


def download_response(export, filename, *, public):
    """The file streamed, a row at a time for the large ones; Http404 for a name not in the set."""
    if filename not in DOWNLOADS:
        raise Http404("Open data comes as " + ", ".join(DOWNLOADS))
    content_type, render = DOWNLOADS[filename]
    response = StreamingHttpResponse(render(export), content_type=content_type)
    slug = export.questionnaire.consultation.slug[:80]
    response["Content-Disposition"] = f'attachment; filename="{slug}-open-data-{filename}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response
