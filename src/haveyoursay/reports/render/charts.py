"""A report's bar chart as SVG, drawn from the numbers in its data table.

Bars are horizontal, each category's name on its own line above its bar, so long names
wrap across the full width and the chart stays readable on a phone and on paper. Every
bar carries its value as text, written by `format_cell` as in the table, so nothing is
told by colour alone: bars of several series side by side are labelled with the series'
name; stacked segments are split by white separators, in the legend's order, and labelled
inside the segment or, when it is too narrow, just below it.

Colours (WCAG 1.4.11 and 1.4.3): every fill has at least 3:1 contrast with the white
background; the palette alternates dark and mid tones, so segments next to each other
differ by at least 3:1 as well; text inside a segment is black or white, whichever gives
at least 4.5:1. `palette_problems()` checks all of that and the tests call it.

Accessibility: the SVG is one image (`role="img"`) named by its `<title>` and described
by its `<desc>`, which points to the data table that follows. `role="img"` makes its
text presentational, so a screen reader announces the chart once, by name, and reads
the numbers once, from the table: never two copies.

The output depends on nothing but its arguments (no random ids, no clock, no measured
fonts: text widths are estimated from DejaVu Sans, the widest of the fonts named), so the
same chart always gives the same bytes.
"""

import math
from html import escape

from haveyoursay.reports.document import format_cell

WIDTH = 480  # at a phone's width (about 345px) text is still 10px or more
PAD = 8
FONT_FAMILY = "Arial, 'Helvetica Neue', Helvetica, 'DejaVu Sans', sans-serif"
TEXT = "#0b0c0c"
BACKGROUND = "#ffffff"
SINGLE_SERIES = "#1d70b8"
# Dark and mid tones in turn: a dark fill beside a mid fill always differs by 3:1 or more.
PALETTE = ["#003078", "#5694ca", "#0b0c0c", "#c96f1b", "#6b1a00", "#8a8a8a"]

TITLE_SIZE, TITLE_LINE = 17, 22
LABEL_SIZE, LABEL_LINE = 15, 19
VALUE_SIZE = 15
LEGEND_SIZE, LEGEND_LINE, SWATCH = 14, 21, 14
BAR, BAR_GAP, GROUP_GAP = 20, 4, 14
STACK = 28
LEADER = 12  # the drop from a stacked bar to the labels of its narrow segments

# Advance widths of DejaVu Sans in em, by kind of character; anything else (other
# scripts) is counted a full em, so an estimate errs on the wide side and text wraps early.
_NARROW = set("ijlt.,;:!'|()[]{} fI-/")
_WIDE = set("mwMW%@")


def text_width(text, size, bold=False):
    width = 0.0
    for character in text:
        if character in _NARROW:
            width += 0.34
        elif character in _WIDE:
            width += 0.95
        elif character.isdigit():
            width += 0.64
        elif character.isascii() and character.isupper():
            width += 0.72
        elif character.isascii():
            width += 0.61
        else:
            width += 1.0
    return width * size * (1.08 if bold else 1.0)


def wrap(text, width, size, bold=False):
    """Lines of `text` no wider than `width`; a word longer than a line is broken."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for character in word:
            if line and text_width(line + character, size, bold) > width:
                lines.append(line)
                line = ""
            line += character
    if line:
        lines.append(line)
    return lines or [""]


# -- Colour ----------------------------------------------------------------------------------


def luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def fill_for(index):
    return PALETTE[index % len(PALETTE)]


def text_colour_on(fill):
    return BACKGROUND if contrast_ratio(BACKGROUND, fill) >= contrast_ratio(TEXT, fill) else TEXT


def palette_problems():
    """Every way the colours fall short of the contrast rules; an empty list when they don't."""
    problems = []
    for colour in [SINGLE_SERIES, *PALETTE]:
        if contrast_ratio(colour, BACKGROUND) < 3:
            problems.append(f"{colour} against the background: {contrast_ratio(colour, BACKGROUND):.2f}:1")
        if contrast_ratio(colour, text_colour_on(colour)) < 4.5:
            problems.append(f"text on {colour}: {contrast_ratio(colour, text_colour_on(colour)):.2f}:1")
    for index, colour in enumerate(PALETTE):
        neighbour = fill_for(index + 1)
        if contrast_ratio(colour, neighbour) < 3:
            problems.append(f"{colour} beside {neighbour}: {contrast_ratio(colour, neighbour):.2f}:1")
    if contrast_ratio(TEXT, BACKGROUND) < 4.5:
        problems.append(f"text {TEXT} on the background")
    return problems


# -- Drawing ---------------------------------------------------------------------------------


def number(value):
    """Coordinates to one decimal place, written the same way every time."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def value_label(value, unit, missing):
    if value is None:
        return missing
    if unit == "%":
        return format_cell(value, percent=True)
    return format_cell(value) + (f" {unit}" if unit else "")


class Canvas:
    """SVG elements in drawing order, and how far down the chart they reach."""

    def __init__(self):
        self.parts = []
        self.y = PAD

    def text(self, x, y, content, size, fill=TEXT, anchor="start", bold=False):
        attributes = f'x="{number(x)}" y="{number(y)}" font-size="{size}" fill="{fill}"'
        if anchor != "start":
            attributes += f' text-anchor="{anchor}"'
        if bold:
            attributes += ' font-weight="bold"'
        self.parts.append(f"<text {attributes}>{escape(content)}</text>")

    def rect(self, x, y, width, height, fill, separated=False):
        stroke = f' stroke="{BACKGROUND}" stroke-width="2"' if separated else ""
        box = f'x="{number(x)}" y="{number(y)}" width="{number(width)}" height="{number(height)}"'
        self.parts.append(f'<rect {box} fill="{fill}"{stroke}/>')

    def line(self, points):
        path = " ".join(f"{number(x)},{number(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{path}" fill="none" stroke="{TEXT}" stroke-width="1"/>')

    def lines_of_text(self, lines, size, line_height, bold=False):
        for line in lines:
            self.text(PAD, self.y + size, line, size, bold=bold)
            self.y += line_height


def render_chart_svg(chart, *, chart_id="chart", description="", missing="*", fluid=False):
    """The chart as an SVG document fragment (a string starting with `<svg`).

    `chart_id` prefixes the ids of its title and description, so several charts can share
    a page; `missing` is written for a value that is None (the table's `suppressed` text).
    `fluid` lets a web page shrink it to a phone's width (a class styled by the site's
    stylesheet; converters such as cairosvg draw it at its own size).
    """
    canvas = Canvas()
    inner = WIDTH - 2 * PAD
    canvas.lines_of_text(wrap(chart.title, inner, TITLE_SIZE, bold=True), TITLE_SIZE, TITLE_LINE, bold=True)
    canvas.y += 4
    if len(chart.series) > 1:
        draw_legend(canvas, chart.series, inner)
    if chart.stacked:
        draw_stacked_bars(canvas, chart, inner, missing)
    else:
        draw_bars(canvas, chart, inner, missing)
    height = round(canvas.y + PAD)

    title = escape(chart.title)
    description = escape(description or f"Bar chart: {chart.title}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="hys-chart{" hys-chart--fluid" if fluid else ""}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{chart_id}-desc" '
        f'font-family="{FONT_FAMILY}">'
        f'<title id="{chart_id}-title">{title}</title><desc id="{chart_id}-desc">{description}</desc>'
        f'<rect width="{WIDTH}" height="{height}" fill="{BACKGROUND}"/>' + "".join(canvas.parts) + "</svg>"
    )


def draw_legend(canvas, series, inner):
    """The series' names with their colours, in the order the segments are drawn."""
    x = PAD
    for index, item in enumerate(series):
        width = SWATCH + 5 + text_width(item.name, LEGEND_SIZE) + 18
        if x > PAD and x + width > PAD + inner:
            x = PAD
            canvas.y += LEGEND_LINE
        canvas.rect(x, canvas.y + 3, SWATCH, SWATCH, fill_for(index))
        canvas.text(x + SWATCH + 5, canvas.y + 15, item.name, LEGEND_SIZE)
        x += width
    canvas.y += LEGEND_LINE + 8


def scale_for(values):
    """The value a full-length bar stands for: a round number at or above the largest."""
    largest = max([value for value in values if value is not None] + [0])
    if largest <= 0:
        return 1
    step = 10 ** math.floor(math.log10(largest))
    return next(multiple * step for multiple in (1, 2, 2.5, 5, 10) if largest <= multiple * step)


def draw_bars(canvas, chart, inner, missing):
    """One bar per series in each category, its value (and series name, if several) after it."""
    several = len(chart.series) > 1

    def label(item, value):
        text = value_label(value, chart.unit, missing)
        return f"{item.name}: {text}" if several else text

    labels = [label(item, value) for item in chart.series for value in item.values]
    room = max(text_width(text, VALUE_SIZE) for text in labels) + 8 if labels else 0
    track = max(inner - room, inner * 0.45)
    scale = scale_for([value for item in chart.series for value in item.values])

    for index, category in enumerate(chart.categories):
        canvas.lines_of_text(wrap(category, inner, LABEL_SIZE), LABEL_SIZE, LABEL_LINE)
        canvas.y += 2
        for number_of_series, item in enumerate(chart.series):
            value = item.values[index] if index < len(item.values) else None
            length = track * max(value or 0, 0) / scale
            fill = fill_for(number_of_series) if several else SINGLE_SERIES
            if length > 0:
                canvas.rect(PAD, canvas.y, length, BAR, fill)
            x = PAD + length + 6
            lines = wrap(label(item, value), PAD + inner - x, VALUE_SIZE)
            for line_number, line in enumerate(lines):
                canvas.text(x, canvas.y + 15 + line_number * LABEL_LINE, line, VALUE_SIZE)
            canvas.y += max(BAR, len(lines) * LABEL_LINE) + BAR_GAP
        canvas.y += GROUP_GAP - BAR_GAP


def draw_stacked_bars(canvas, chart, inner, missing):
    """One bar per category split into the series' shares, each share labelled."""
    totals = [
        sum(max(item.values[index] or 0, 0) for item in chart.series if index < len(item.values))
        for index in range(len(chart.categories))
    ]
    scale = max([100 if chart.unit == "%" else 0, *totals]) or 1

    for index, category in enumerate(chart.categories):
        canvas.lines_of_text(wrap(category, inner, LABEL_SIZE), LABEL_SIZE, LABEL_LINE)
        canvas.y += 2
        top, x = canvas.y, PAD
        below = []  # (centre of the segment, its label) for segments too narrow to hold it
        for number_of_series, item in enumerate(chart.series):
            value = item.values[index] if index < len(item.values) else None
            label = value_label(value, chart.unit, missing)
            length = inner * max(value or 0, 0) / scale
            fill = fill_for(number_of_series)
            if length > 0:
                canvas.rect(x, top, length, STACK, fill, separated=True)
            if length >= text_width(label, VALUE_SIZE) + 8:
                canvas.text(x + length / 2, top + 19, label, VALUE_SIZE, text_colour_on(fill), anchor="middle")
            else:
                below.append((x + length / 2, label))
            x += length
        canvas.y = top + STACK
        if below:
            draw_labels_below(canvas, below, inner)
        canvas.y += GROUP_GAP


def draw_labels_below(canvas, labels, inner):
    """Labels for narrow segments in a row under the bar, each joined to its segment by a
    leader line; kept in order and pushed apart so they never overlap. A second row is
    used only when they can't all fit side by side in one."""
    gap = 8
    rows, used = [[]], 0.0
    for centre, label in labels:
        width = text_width(label, VALUE_SIZE)
        if rows[-1] and used + gap + width > inner:
            rows.append([])
            used = 0.0
        used += (gap if rows[-1] else 0) + width
        rows[-1].append([centre, label, 0.0, width])

    bar_bottom = canvas.y
    for number_of_row, row in enumerate(rows):
        end = PAD - gap
        for item in row:  # left to right: under its segment, clear of the one before
            centre, _, _, width = item
            item[2] = max(centre - width / 2, end + gap)
            end = item[2] + width
        limit = PAD + inner + gap
        for item in reversed(row):  # right to left: back inside the chart
            item[2] = min(item[2], limit - gap - item[3])
            limit = item[2]
        baseline = bar_bottom + LEADER + VALUE_SIZE + number_of_row * LABEL_LINE
        for centre, label, start, width in row:
            middle = start + width / 2
            canvas.line([(centre, bar_bottom), (centre, bar_bottom + 4), (middle, baseline - VALUE_SIZE + 1)])
            canvas.text(start, baseline, label, VALUE_SIZE)
    canvas.y = bar_bottom + LEADER + len(rows) * LABEL_LINE + 2
