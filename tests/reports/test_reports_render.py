"""The engagement report rendered to SVG charts, HTML, PDF and Word, and read back.

The report is built by hand here, from the Single Outcomes Framework engagement report and
the Primary Care Survey report in seeds/, with what a renderer can get wrong: a stacked and
an unstacked chart, suppressed and marked cells, a long category name, and text from staff
and respondents holding `<script>` and `&`.
"""

import io
import logging
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import docx
import pypdf
import pytest
from fontTools import unicodedata as font_unicodedata
from fontTools.ttLib import TTFont

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
)
from haveyoursay.reports.render.charts import (
    BACKGROUND,
    LABEL_SIZE,
    PALETTE,
    SINGLE_SERIES,
    WIDTH,
    contrast_ratio,
    palette_problems,
    render_chart_svg,
    text_colour_on,
    text_width,
)
from haveyoursay.reports.render.content import report_texts
from haveyoursay.reports.render.fonts import FONTS, report_faces, scripts_without_glyphs
from haveyoursay.reports.render.html import render_html, render_print_html
from haveyoursay.reports.render.pdf import render_pdf
from haveyoursay.reports.render.word import render_docx

SCALE = ["Strongly agree", "Tend to agree", "Neither agree nor disagree", "Tend to disagree", "Strongly disagree"]
GROUPS = [
    "All respondents",
    "Respondents whose health problem or disability limits their day-to-day activities a lot or a little",
    "Asian or Asian British",
]
AGREEMENT = [  # one row per group, one column per point of the scale; None is withheld
    [42.5, 31.5, 10.0, 9.5, 6.5],
    [30.0, 28.0, 20.0, 19.6, 2.4],
    [35.2, 40.0, 15.1, None, 9.7],
]
CHANNELS = [("Online questionnaire", 4_871, 88.84), ("Paper questionnaire", 590, 10.76), ("Email", None, None)]
URDU = "اگر آپ کو یہ معلومات سمجھنے میں کچھ مدد درکار ہے تو براہ مہربانی اس نمبر پر کال کریں 0116 305 6803"
POLISH = "Jeżeli potrzebujesz pomocy w zrozumieniu tej informacji w Twoim języku, zadzwoń pod numer 0116 305 6803."


def agreement_figure():
    chart = BarChart(
        title="To what extent do you agree or disagree with the proposed vision for Leicestershire?",
        categories=GROUPS,
        series=[Series(name, [row[point] for row in AGREEMENT]) for point, name in enumerate(SCALE)],
        stacked=True,
    )
    table = Table(
        caption="Agreement with the proposed vision, by group (% of respondents)",
        columns=["Group", *SCALE, "Base"],
        rows=[[group, *row, base] for group, row, base in zip(GROUPS, AGREEMENT, [5_483, 1_204, 87])],
        percent_columns={1, 2, 3, 4, 5},
        number_columns={6},
        marked={(1, 1)},
        notes=["† Significantly different from all respondents (95% confidence)."],
    )
    return Figure(chart, table)


def channel_figure():
    chart = BarChart(
        title="How people responded",
        categories=[name for name, _, _ in CHANNELS],
        series=[Series("Responses", [share for _, _, share in CHANNELS])],
    )
    table = Table(
        caption="Responses by channel",
        columns=["Channel", "Responses", "%"],
        rows=[list(row) for row in CHANNELS],
        number_columns={1},
        percent_columns={2},
        suppressed="[c]",
    )
    return Figure(chart, table)


FOOTER = [
    Paragraph(
        "If you require information contained in this leaflet in another version e.g. large print, "
        "Braille, tape or alternative language please telephone: 0116 305 6803."
    ),
    Paragraph(URDU),
    Paragraph(POLISH),
]


def make_report(public=True, footer=FOOTER):
    return Report(
        title="Engagement report",
        consultation_title="Single Outcomes Framework 2018 - 2022",
        council_name="Leicestershire County Council",
        generated_at=datetime(2017, 8, 24, 9, 30, tzinfo=timezone.utc),
        response_count=5_483,
        public=public,
        sections=[
            Section(
                "Introduction",
                blocks=[
                    Paragraph(
                        "The draft Single Outcomes Framework was the subject of a 6-week engagement "
                        "exercise which took place from 26th June to 4th August 2017."
                    ),
                    BulletList(["Online questionnaire", "Partnerships & stakeholder meetings"]),
                ],
            ),
            Section(
                "Results",
                blocks=[Paragraph("This report includes the combined results for all 5,483 respondents.")],
                subsections=[
                    Section(
                        "1. The proposed vision",
                        blocks=[Paragraph("The vast majority of respondents broadly agree."), agreement_figure()],
                    ),
                    Section("2. How people responded", blocks=[channel_figure()]),
                    Section(
                        "3. Why do you say this?",
                        blocks=[Paragraph('One respondent wrote: "<script>alert(1)</script> Fish & chips <b>now</b>"')],
                    ),
                ],
            ),
            Section(
                "Respondent profile",
                blocks=[
                    Table(
                        caption="Respondents by district",
                        columns=["District", "Respondents", "% of respondents"],
                        rows=[["Charnwood", 1_130, 20.61], ["Melton", None, None], ["Harborough", 612, 11.16]],
                        number_columns={1},
                        percent_columns={2},
                        marked={(2, 2)},
                    )
                ],
            ),
            Section(
                "Stakeholders targeted", blocks=[BulletList(["Leicestershire Police", "Healthwatch Leicestershire"])]
            ),
        ],
        footer=footer,
    )


def test_some_is_never_shown_as_none_nor_fewer_than_all_as_all():
    # 1 of the 5,483 Primary Care Survey respondents (seeds/003_...), and all but one of them.
    assert format_cell(100 * 1 / 5_483, percent=True) == "<1%"
    assert format_cell(100 * 5_482 / 5_483, percent=True) == ">99%"
    assert [format_cell(value, percent=True) for value in (0, 0.5, 99.49, 100)] == ["0%", "1%", "99%", "100%"]
    chart = BarChart("Responses by channel", ["Online", "Telephone", "Paper"],
                     [Series("%", [100 * 5_482 / 5_483, 100 * 1 / 5_483, 0.0])])
    labels = [text.text for text in parse(render_chart_svg(chart)).iter("text")]
    assert labels[-6:] == ["Online", ">99%", "Telephone", "<1%", "Paper", "0%"]

    table = Table("Responses by channel", ["Channel", "Responses", "%"],
                  [["Online", 5_482, 100 * 5_482 / 5_483], ["Telephone", 1, 100 * 1 / 5_483]],
                  number_columns={1}, percent_columns={2})
    report = make_report(footer=[])
    report.sections = [Section("Responses", [Figure(chart, table)])]
    cells = [cell.text for cell in parse(render_html(report)).iter("td")]
    assert cells == ["5,482", ">99%", "1", "<1%"]
    word_table = docx.Document(io.BytesIO(render_docx(report))).tables[0]
    assert [[cell.text for cell in row.cells] for row in word_table.rows[1:]] == [
        ["Online", "5,482", ">99%"], ["Telephone", "1", "<1%"],
    ]


# -- Reading HTML and SVG back ----------------------------------------------------------------


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.text_parts = tag, dict(attrs), parent, [], []

    @property
    def text(self):
        """The text as a reader meets it: what is hidden from screen readers (a table's column name
        repeated before each figure on a phone) left out."""
        return "".join(
            part if isinstance(part, str) else part.text
            for part in self.text_parts if isinstance(part, str) or part.attrs.get("aria-hidden") != "true"
        )

    def iter(self, tag=None):
        for child in self.children:
            if tag is None or child.tag == tag:
                yield child
            yield from child.iter(tag)


class Tree(HTMLParser):
    """A tiny DOM: enough to find elements in document order with their attributes and text."""

    VOID = {"meta", "link", "br", "img", "input", "hr", "col", "rect", "polyline"}

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("root", {}, None)
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        self.current.text_parts.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse(markup):
    return Tree(markup).root


def words(text):
    return " ".join(text.split())


# -- Charts -----------------------------------------------------------------------------------


def test_the_palette_meets_the_contrast_rules():
    assert palette_problems() == []
    for colour in [SINGLE_SERIES, *PALETTE]:
        assert contrast_ratio(colour, BACKGROUND) >= 3
        assert contrast_ratio(colour, text_colour_on(colour)) >= 4.5
    for first, second in zip(PALETTE, PALETTE[1:] + PALETTE[:1]):
        assert contrast_ratio(first, second) >= 3, (first, second)


def test_a_stacked_chart_labels_every_value_and_draws_nothing_else_from_colour():
    figure = agreement_figure()
    svg = render_chart_svg(figure.chart, chart_id="c1", description="See the table.", missing="*")
    tree = parse(svg)
    root = next(tree.iter("svg"))
    texts = [element.text for element in tree.iter("text")]

    assert root.attrs["role"] == "img"
    assert root.attrs["aria-labelledby"] == "c1-title"
    assert next(tree.iter("title")).attrs["id"] == "c1-title"
    assert next(tree.iter("title")).text == figure.chart.title
    assert next(tree.iter("desc")).text == "See the table."

    for row in AGREEMENT:
        for value in row:
            label = format_cell(value, percent=True) if value is not None else "*"
            assert label in texts
    # One label per value: 15 values, plus the legend's 5 names, the 3 groups and the title.
    value_labels = [text for text in texts if re.fullmatch(r"\d+%|\*", text)]
    assert len(value_labels) == 15
    # The legend lists the series in the order their segments run, left to right.
    legend = [text for text in texts if text in SCALE]
    assert legend == SCALE
    # Segments are separated by white lines, and each fill has 3:1 against the background.
    segments = [rect for rect in tree.iter("rect") if rect.attrs.get("stroke") == BACKGROUND]
    assert len(segments) == 14  # 15 values, one withheld
    assert all(contrast_ratio(rect.attrs["fill"], BACKGROUND) >= 3 for rect in segments)


def test_stacked_segments_are_drawn_from_the_values_in_order():
    figure = agreement_figure()
    tree = parse(render_chart_svg(figure.chart))
    segments = [rect for rect in tree.iter("rect") if rect.attrs.get("stroke") == BACKGROUND]
    first_bar = segments[:5]
    widths = [float(rect.attrs["width"]) for rect in first_bar]
    starts = [float(rect.attrs["x"]) for rect in first_bar]
    assert starts == sorted(starts)
    assert [rect.attrs["fill"] for rect in first_bar] == PALETTE[:5]
    for width, value in zip(widths, AGREEMENT[0]):
        assert width / widths[0] == pytest.approx(value / AGREEMENT[0][0], abs=0.01)


def test_unstacked_bars_are_as_long_as_their_values_and_labelled_after():
    figure = channel_figure()
    tree = parse(render_chart_svg(figure.chart, missing="[c]"))
    bars = [rect for rect in tree.iter("rect") if rect.attrs.get("fill") == SINGLE_SERIES]
    assert len(bars) == 2  # the withheld value has no bar
    assert float(bars[0].attrs["width"]) / float(bars[1].attrs["width"]) == pytest.approx(88.84 / 10.76, rel=0.01)
    texts = [element.text for element in tree.iter("text")]
    assert ["89%", "11%", "[c]"] == [text for text in texts if text in {"89%", "11%", "[c]"}]


def test_long_category_names_wrap_inside_the_chart():
    long_name = GROUPS[1] + " " + "and many more words besides, " * 4
    chart = BarChart(title="Satisfaction", categories=[long_name], series=[Series("Respondents", [55.0])])
    tree = parse(render_chart_svg(chart))
    lines = [element for element in tree.iter("text") if element.text not in {"Satisfaction", "55%"}]
    assert len(lines) > 2
    assert words(" ".join(line.text for line in lines)) == words(long_name)
    for line in lines:
        assert float(line.attrs["x"]) + text_width(line.text, LABEL_SIZE) <= WIDTH


def test_the_same_chart_gives_the_same_bytes():
    assert render_chart_svg(agreement_figure().chart) == render_chart_svg(agreement_figure().chart)


def test_chart_text_is_escaped():
    chart = BarChart(title="<script>alert(1)</script> & co", categories=["A & B <i>"], series=[Series("x", [1.0])])
    svg = render_chart_svg(chart)
    assert "<script>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    assert next(parse(svg).iter("title")).text == "<script>alert(1)</script> & co"


# -- HTML -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html():
    return render_html(make_report(public=True))


def test_html_escapes_what_staff_and_respondents_wrote(html):
    assert "<script>" not in html and "<b>now</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Fish &amp; chips &lt;b&gt;now&lt;/b&gt;" in html
    assert "Partnerships &amp; stakeholder meetings" in html


def test_html_headings_are_in_order_and_the_contents_link_to_them(html):
    tree = parse(html)
    headings = [(element.tag, words(element.text)) for element in tree.iter() if re.fullmatch(r"h\d", element.tag)]
    assert headings == [
        ("h2", "Contents"),
        ("h2", "Introduction"),
        ("h2", "Results"),
        ("h3", "1. The proposed vision"),
        ("h3", "2. How people responded"),
        ("h3", "3. Why do you say this?"),
        ("h2", "Respondent profile"),
        ("h2", "Stakeholders targeted"),
        ("h2", "Other formats and languages"),
    ]
    ids = [element.attrs["id"] for element in tree.iter() if "id" in element.attrs]
    assert len(ids) == len(set(ids))
    nav = next(tree.iter("nav"))
    links = {words(link.text): link.attrs["href"] for link in nav.iter("a")}
    by_id = {element.attrs["id"]: words(element.text) for element in tree.iter() if "id" in element.attrs}
    for title, href in links.items():
        assert by_id[href.removeprefix("#")] == title


def test_html_tables_have_captions_header_scopes_and_numeric_cells(html):
    tree = parse(html)
    tables = list(tree.iter("table"))
    assert [words(next(table.iter("caption")).text) for table in tables] == [
        "Agreement with the proposed vision, by group (% of respondents)",
        "Responses by channel",
        "Respondents by district",
    ]
    agreement = tables[0]
    assert [th.attrs["scope"] for th in next(agreement.iter("thead")).iter("th")] == ["col"] * 7
    rows = list(next(agreement.iter("tbody")).iter("tr"))
    assert [words(next(row.iter("th")).text) for row in rows] == GROUPS
    assert all(next(row.iter("th")).attrs["scope"] == "row" for row in rows)
    first_row = [words(td.text) for td in rows[0].iter("td")]
    assert first_row == ["43%", "32%", "10%", "10%", "7%", "5,483"]  # rounded half up, as on paper
    assert all("govuk-table__cell--numeric" in td.attrs["class"] for td in rows[0].iter("td"))

    # The marked cell shows its mark, the withheld one the table's symbol; notes explain both.
    assert [words(td.text) for td in rows[1].iter("td")][0] == "30%†"
    assert [words(td.text) for td in rows[2].iter("td")][3] == "*"
    notes = [words(li.text) for li in tree.iter("li") if li.parent.attrs.get("id") == "report-table-1-notes"]
    assert notes[0] == "† Significantly different from all respondents (95% confidence)."
    assert notes[1].startswith("* Not shown")
    assert agreement.attrs["aria-describedby"] == "report-table-1-notes"

    channels = [[words(cell.text) for cell in row.children] for row in next(tables[1].iter("tbody")).iter("tr")]
    assert channels == [
        ["Online questionnaire", "4,871", "89%"],
        ["Paper questionnaire", "590", "11%"],
        ["Email", "[c]", "[c]"],
    ]
    profile_notes = [words(li.text) for li in tree.iter("li") if li.parent.attrs.get("id") == "report-table-3-notes"]
    assert profile_notes[0].startswith("† ")  # a mark the table's own notes don't explain gets one
    assert profile_notes[1].startswith("* Not shown")


def test_html_charts_come_before_their_tables_and_are_announced_once(html):
    tree = parse(html)
    figures = [element for element in tree.iter("div") if element.attrs.get("class") == "hys-report__figure"]
    assert len(figures) == 2
    for figure in figures:
        svg, table = next(figure.iter("svg")), next(figure.iter("table"))
        assert [child.tag for child in figure.iter() if child.tag in ("svg", "table")] == ["svg", "table"]
        assert svg.attrs["role"] == "img"
        title_id = svg.attrs["aria-labelledby"]
        assert next(svg.iter("title")).attrs["id"] == title_id
        assert words(next(table.iter("caption")).text) in next(svg.iter("desc")).text


def test_html_says_what_is_withheld_and_leaves_when_it_was_made_to_the_page_around_it(html):
    assert "numbers small enough to identify someone are not shown" in html
    staff = render_html(make_report(public=False))
    assert "numbers small enough to identify someone" not in staff
    # The staff and public pages say when the report was made, above it: once on a page.
    assert "Generated on" not in html and "Generated on" not in staff
    assert "Generated on 24 August 2017 from 5,483 responses." in render_print_html(make_report())


def test_html_footer_keeps_the_community_languages_right_to_left_where_they_are(html):
    paragraphs = {words(p.text): p.attrs.get("dir") for p in parse(html).iter("p")}
    assert paragraphs[words(URDU)] == "rtl"
    assert paragraphs[POLISH] is None


def test_print_html_is_a_whole_document_with_its_stylesheet_on_request():
    report = make_report()
    document = render_print_html(report, embed_css=True)
    assert document.startswith("<!DOCTYPE html>")
    assert '<html lang="en-GB">' in document
    assert "<title>Engagement report: Single Outcomes Framework 2018 - 2022</title>" in document
    assert "@page" in document and "target-counter" in document
    assert "@page" not in render_print_html(report)
    assert [element.tag for element in parse(document).iter() if element.tag == "h1"] == ["h1"]


# -- PDF --------------------------------------------------------------------------------------


# The community languages of the council's alternative-formats footer (seeds/002_...). The
# seed holds its Gujarati line in Gurmukhi letters, as it was copied out of the council's PDF;
# here it is in Gujarati script, as the leaflet prints it.
GUJARATI = (
    "જો આપ આ માહિતી આપની ભાષામાં સમજવામાં થોડી મદદ ઇચ્છતાં હો તો 0116 305 6803 નંબર પર ફોન કરશો "
    "અને અમે આપને મદદ કરવા વ્યવસ્થા કરીશું."
)
PUNJABI = (
    "ਜੇਕਰ ਤੁਹਾਨੂੰ ਇਸ ਜਾਣਕਾਰੀ ਨੂੰ ਸਮਝਣ ਵਿਚ ਕੁਝ ਮਦਦ ਚਾਹੀਦੀ ਹੈ ਤਾਂ ਕਿਰਪਾ ਕਰਕੇ 0116 305 6803 ਨੰਬਰ ਤੇ ਫੋਨ ਕਰੋ "
    "ਅਤੇ ਅਸੀਂ ਤੁਹਾਡੀ ਮਦਦ ਲਈ ਕਿਸੇ ਦਾ ਪ੍ਰਬੰਧ ਕਰ ਦਵਾਂਗੇ।"
)
BENGALI = (
    "এই তথ্য নিজের ভাষায় বুঝার জন্য আপনার যদি কোন সাহায্যের প্রয়োজন হয়, তবে 0116 305 6803 এই নম্বরে "
    "ফোন করলে আমরা উপযুক্ত ব্যক্তির ব্যবস্থা করবো।"
)
CHINESE = "假如閣下需要幫助，用你的語言去明白這些資訊，請致電 0116 305 6803，我們會安排有關人員為你提供幫助。"
# The same line in Simplified Chinese, as councils whose residents came from mainland China print it.
SIMPLIFIED_CHINESE = "假如阁下需要帮助，用你的语言去明白这些资讯，请致电 0116 305 6803，我们会安排有关人员为你提供帮助。"
COUNCIL_FOOTER = [FOOTER[0], Paragraph(GUJARATI), Paragraph(PUNJABI), Paragraph(BENGALI), FOOTER[1],
                  Paragraph(CHINESE), Paragraph(SIMPLIFIED_CHINESE), FOOTER[2]]
NOTDEF = ".notdef glyph rendered"


@pytest.fixture(scope="module")
def rendered_pdf():
    """The PDF bytes, and what WeasyPrint warned of while making them."""
    warnings = []
    handler = logging.Handler()
    handler.emit = lambda record: warnings.append(record.getMessage())
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)  # the site's settings keep only its errors
    try:
        data = render_pdf(make_report(public=True, footer=COUNCIL_FOOTER))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return data, warnings


@pytest.fixture(scope="module")
def pdf(rendered_pdf):
    return pypdf.PdfReader(io.BytesIO(rendered_pdf[0]))


def pdf_text(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_the_headings_and_the_table_figures_as_text(pdf):
    assert len(pdf.pages) > 0
    text = words(pdf_text(pdf))
    for heading in ["Contents", "Introduction", "Results", "1. The proposed vision", "Respondent profile"]:
        assert heading in text
    assert "Agreement with the proposed vision, by group (% of respondents)" in text
    assert "All respondents 43% 32% 10% 10% 7% 5,483" in text
    assert "Online questionnaire 4,871 89%" in text
    assert "Email [c] [c]" in text
    assert "30%†" in text
    assert "Fish & chips" in text and "<script>" in text  # the respondent's words, shown as written
    assert "Generated on 24 August 2017 from 5,483 responses." in text
    assert "numbers small enough to identify someone are not shown" in text


def test_pdf_prints_every_language_of_the_council_footer_with_the_fonts_it_comes_with(rendered_pdf, pdf):
    assert not [warning for warning in rendered_pdf[1] if NOTDEF in warning]  # no empty box anywhere
    footer = pdf.pages[-1].extract_text()
    assert "Other formats and languages" in footer
    assert CHINESE in footer.replace("\n", "")
    assert SIMPLIFIED_CHINESE in footer.replace("\n", "")
    assert POLISH in words(footer)
    # Indic text is copied out of a PDF glyph by glyph, so a vowel sign drawn before its letter,
    # or a glyph two letters share, can copy back in another order; these runs have neither.
    assert "માહિતી આપની ભાષામાં સમજવામાં થોડી મદદ" in footer
    assert "ਜਾਣਕਾਰੀ ਨੂੰ" in footer and "ਮਦਦ ਚਾਹੀਦੀ ਹੈ" in footer
    assert "এই তথ্য নিজের ভাষায়" in footer and "আমরা" in footer
    scripts = {font_unicodedata.script(character) for character in footer}
    assert {"Latn", "Gujr", "Guru", "Beng", "Arab", "Hani"} <= scripts
    assert scripts <= {"Latn", "Gujr", "Guru", "Beng", "Arab", "Hani", "Zyyy", "Zinh"}  # nothing else crept in


def embedded_fonts(data):
    """Each font embedded in the PDF: its name in the PDF, and the full name and version
    recorded in the font program itself."""
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            stream = next(descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
            with TTFont(io.BytesIO(stream.get_object().get_data())) as program:
                fonts[str(font["/BaseFont"]).split("+", 1)[1]] = (
                    program["name"].getDebugName(4), program["name"].getDebugName(5),
                )
    return fonts


def test_pdf_fonts_are_the_ones_that_come_with_the_software(rendered_pdf):
    fonts = embedded_fonts(rendered_pdf[0])
    assert {"Report-Sans", "Report-Sans-Bold", "Report-Gujarati", "Report-Gurmukhi", "Report-Bengali",
            "Report-Arabic", "Report-Chinese"} <= set(fonts)
    assert all(font.startswith("Report-") for font in fonts)
    vendored = set()
    for path in FONTS.glob("*.[ot]tf"):
        with TTFont(path, lazy=True) as font:
            vendored.add((font["name"].getDebugName(4), font["name"].getDebugName(5)))
    assert set(fonts.values()) <= vendored  # each is one of the files in the package, not a look-alike
    assert fonts["Report-Chinese"][0] == "Noto Sans CJK TC"


def test_the_fonts_are_the_files_in_the_package_each_described_and_licensed():
    faces = {face.path for face in report_faces()}
    assert faces == set(FONTS.glob("*.[ot]tf"))  # each file is used; none comes from elsewhere
    readme = (FONTS / "README.md").read_text()
    assert all(f"`{path.name}`" in readme for path in faces)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text()


def test_fonts_name_the_scripts_none_of_them_has():
    texts = [GUJARATI, PUNJABI, BENGALI, URDU, CHINESE, SIMPLIFIED_CHINESE, POLISH, "Zażółć\u200d\u200e"]
    assert scripts_without_glyphs(texts) == []
    assert scripts_without_glyphs(["Tibetan: བོད་ཡིག", "Mongolian: ᠮᠣᠩᠭᠣᠯ", "བོད"]) == ["Tibetan", "Mongolian"]
    # Korean, and a Chinese character beyond GB 2312 and Big5's common set (Cantonese 冇, "not have").
    assert scripts_without_glyphs(["한국어", "冇"]) == ["Korean", "Chinese characters"]


def test_the_fonts_say_what_weasyprint_cannot_draw(caplog):
    """The check agrees with the renderer: what it names is what prints as empty boxes."""
    report = make_report(footer=[Paragraph("Tibetan: བོད་ཡིག")])
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(report)
    assert any(NOTDEF in record.getMessage() for record in caplog.records)
    assert scripts_without_glyphs(report_texts(report)) == ["Tibetan"]


def test_pdf_pages_carry_the_council_the_consultation_and_page_numbers(pdf):
    second = words(pdf.pages[1].extract_text())
    assert "Leicestershire County Council" in second
    assert "Single Outcomes Framework 2018 - 2022" in second
    assert f"Page 2 of {len(pdf.pages)}" in second


def test_pdf_is_tagged_with_its_title_and_language(pdf):
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"] in (True, "true")
    assert "/StructTreeRoot" in catalog
    assert pdf.metadata.title == "Engagement report: Single Outcomes Framework 2018 - 2022"
    assert pdf.metadata.author == "Leicestershire County Council"


def structure_elements(element):
    """Every element of a tagged PDF's structure tree, depth first."""
    element = element.get_object()
    yield element
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, dict) and ("/S" in kid or "/K" in kid):
            yield from structure_elements(kid)


def test_pdf_charts_are_tagged_figures_with_alternative_text(pdf):
    elements = list(structure_elements(pdf.trailer["/Root"]["/StructTreeRoot"]))
    figures = [str(element["/Alt"]) for element in elements if element.get("/S") == "/Figure"]
    assert figures == [
        f"{agreement_figure().chart.title}. Bar chart of the figures in the table that follows: "
        "Agreement with the proposed vision, by group (% of respondents)",
        f"{channel_figure().chart.title}. Bar chart of the figures in the table that follows: Responses by channel",
    ]
    kinds = {element.get("/S") for element in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI"} <= kinds


def test_staff_pdf_says_nothing_is_withheld():
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(make_report(public=False))))
    text = words(reader.pages[1].extract_text())  # the page after the cover, where the public one says it
    assert "Generated on 24 August 2017 from 5,483 responses." in text
    assert "numbers small enough to identify someone" not in text


# Who responded to the demo's Joint Carers Strategy questionnaire: 3,000 respondents.
AGE_BANDS = [("Under 16", 13), ("16 to 24", 64), ("25 to 34", 170), ("35 to 44", 299), ("45 to 54", 501),
             ("55 to 64", 730), ("65 to 74", 640), ("75 to 84", 318), ("85 or over", 63)]
ETHNIC_GROUPS = [2_378, 18, 2, 2, 104, 14, 7, 14, 5, 160, 10, 2, 5, 8, 19, 15, 4, 4, 10]
NOT_SAID = [("Prefer not to say", 136), ("No information", 83)]


def profile_section(name, question, counts):
    rows = [[label, count, 100 * count / 3_000] for label, count in counts]
    table = Table(name, ["", "Number", "% of respondents"], rows, number_columns={1}, percent_columns={2})
    chart = BarChart(name, [label for label, _ in counts], [Series("Respondents", [row[2] for row in rows])])
    return Section(name, [Paragraph(f"The question asked: “{question}”"), Figure(chart, table)])


def test_pdf_never_leaves_a_heading_alone_at_the_foot_of_a_page():
    """A chart of many bars keeps its heading, and the paragraph that introduces it, on its page."""
    from haveyoursay.surveys.building import ETHNIC_GROUPS as ETHNIC_GROUP_NAMES

    ages = AGE_BANDS + [("Prefer not to say", 119), ("No information", 83)]
    ethnic = list(zip(ETHNIC_GROUP_NAMES, ETHNIC_GROUPS)) + NOT_SAID
    report = make_report(footer=[])
    report.sections = [
        Section("Who responded", [Paragraph("These tables describe the people who responded.")], [
            profile_section("Age band", "What is your age?", ages),
            profile_section("Ethnic group", "What is your ethnic group?", ethnic),
        ]),
        Section("Results", subsections=[Section("1. The proposed vision", [agreement_figure()])]),
    ]
    headings = [section.title for section in report.sections]
    headings += [sub.title for section in report.sections for sub in section.subsections]
    introductions = ["The question asked: “What is your age?”", "The question asked: “What is your ethnic group?”"]
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(report)))
    running = ["Leicestershire County Council", "Single Outcomes Framework 2018 - 2022"]
    for number, page in enumerate(reader.pages[2:], 3):  # after the cover and the contents
        lines = [line.strip() for line in page.extract_text().splitlines()]
        lines = [line for line in lines if line and not line.startswith("Page ") and line not in running
                 and " ".join(running) not in line]
        content = [line for line in lines if line not in headings and line not in introductions]
        assert content, f"page {number} holds only {lines}"


# -- Word -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word():
    return docx.Document(io.BytesIO(render_docx(make_report(public=True))))


def test_word_uses_heading_styles_for_the_navigation_pane(word):
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == [
        ("Title", "Engagement report"),
        ("Heading 1", "Introduction"),
        ("Heading 1", "Results"),
        ("Heading 2", "1. The proposed vision"),
        ("Heading 2", "2. How people responded"),
        ("Heading 2", "3. Why do you say this?"),
        ("Heading 1", "Respondent profile"),
        ("Heading 1", "Stakeholders targeted"),
        ("Heading 1", "Other formats and languages"),
    ]


def test_word_has_a_contents_list_naming_each_section_and_linking_to_it(word):
    qn = docx.oxml.ns.qn
    body = word.element.body
    instructions = [element.text for element in body.iter(qn("w:instrText"))]
    assert instructions == [' TOC \\o "1-2" \\h \\z \\u ']  # Word's own, which it fills in with page numbers
    # Until Word updates it, the field shows the headings as written here, in any word processor.
    entries = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("TOC ")]
    assert entries == [
        ("TOC Heading", "Contents"),
        ("TOC 1", "Introduction"),
        ("TOC 1", "Results"),
        ("TOC 2", "1. The proposed vision"),
        ("TOC 2", "2. How people responded"),
        ("TOC 2", "3. Why do you say this?"),
        ("TOC 1", "Respondent profile"),
        ("TOC 1", "Stakeholders targeted"),
        ("TOC 1", "Other formats and languages"),
    ]
    kinds = [element.get(qn("w:fldCharType")) for element in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]  # one field, whose result is the list
    bookmarks = {element.get(qn("w:name")): element.getparent() for element in body.iter(qn("w:bookmarkStart"))}
    links = [element.get(qn("w:anchor")) for element in body.iter(qn("w:hyperlink"))]
    headings = [p for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert [bookmarks[anchor] for anchor in links] == [heading._p for heading in headings]


def test_word_tables_hold_the_numbers_as_every_format_writes_them(word):
    agreement, channels, profile = word.tables
    assert [cell.text for cell in agreement.rows[0].cells] == ["Group", *SCALE, "Base"]
    for number, (row, values, base) in enumerate(zip(agreement.rows[1:], AGREEMENT, [5_483, 1_204, 87])):
        expected = [format_cell(value, percent=True) if value is not None else "*" for value in values]
        expected += [format_cell(base)]
        if number == 1:
            expected[0] += "†"  # the marked cell
        assert [cell.text for cell in row.cells[1:]] == expected
    assert [[cell.text for cell in row.cells] for row in channels.rows[1:]] == [
        ["Online questionnaire", "4,871", "89%"],
        ["Paper questionnaire", "590", "11%"],
        ["Email", "[c]", "[c]"],
    ]
    assert profile.rows[3].cells[2].text == "11%†"

    for table in word.tables:
        header = table.rows[0]._tr
        assert header.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # repeats on every page
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions == [
        "Agreement with the proposed vision, by group (% of respondents)",
        "Responses by channel",
        "Respondents by district",
    ]
    notes = [p.text for p in word.paragraphs]
    assert "† Significantly different from all respondents (95% confidence)." in notes


def test_word_charts_are_pictures_with_alternative_text(word):
    pictures = word.inline_shapes
    assert len(pictures) == 2
    titles = [agreement_figure().chart.title, channel_figure().chart.title]
    for picture, title in zip(pictures, titles):
        properties = picture._inline.docPr
        assert properties.get("title") == title
        assert properties.get("descr").startswith(title)
        assert "table that follows" in properties.get("descr")
        blob = word.part.related_parts[picture._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        assert blob.startswith(b"\x89PNG")


def test_word_says_how_it_was_made_and_keeps_what_people_wrote(word):
    texts = [p.text for p in word.paragraphs]
    assert "Generated on 24 August 2017 from 5,483 responses." in texts
    assert any("numbers small enough to identify someone are not shown" in text for text in texts)
    assert 'One respondent wrote: "<script>alert(1)</script> Fish & chips <b>now</b>"' in texts
    urdu = next(p for p in word.paragraphs if p.text == URDU)
    assert urdu._p.pPr.find(docx.oxml.ns.qn("w:bidi")) is not None
    assert abs(word.sections[0].page_width - docx.shared.Mm(210)) < docx.shared.Mm(1)  # A4, to the twip
    assert word.core_properties.title == "Engagement report: Single Outcomes Framework 2018 - 2022"
    assert word.core_properties.language == "en-GB"


def test_staff_word_says_nothing_is_withheld():
    document = docx.Document(io.BytesIO(render_docx(make_report(public=False))))
    texts = [p.text for p in document.paragraphs]
    assert "Generated on 24 August 2017 from 5,483 responses." in texts
    assert not any("small enough to identify" in text for text in texts)
