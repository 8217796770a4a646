"""The engagement report's figures as `build.py` puts them together, before any format."""

from types import SimpleNamespace

from haveyoursay.analysis import census_2021, tables
from haveyoursay.reports.build import COMPARED_RESPONDENTS, profile_figure, summary_sentence
from haveyoursay.reports.render.charts import value_label
from haveyoursay.reports.render.content import cell_text

# Who responded, by district, in the demo's Joint Carers Strategy report: 3,000 respondents,
# 2,640 of them in Leicestershire's seven districts, compared with the Census 2021.
DISTRICT_RESPONSES = [408, 544, 527, 421, 272, 301, 167]
OTHERS = [
    ("elsewhere", "Somewhere else", 192), ("prefer_not_to_say", "Prefer not to say", 86), (None, "No information", 82),
]


def districts_table():
    respondents = sum(DISTRICT_RESPONSES) + sum(count for _, _, count in OTHERS)
    rows = [
        tables.ProfileRow(name.lower(), name, count, tables.percent(count, respondents))
        for (name, _), count in zip(census_2021.DISTRICT_POPULATIONS, DISTRICT_RESPONSES)
    ]
    rows += [
        tables.ProfileRow(value, label, count, tables.percent(count, respondents)) for value, label, count in OTHERS
    ]
    table = tables.ProfileTable("area", "area", "Area", rows, respondents)
    population = tables.Population(
        "area", "Leicestershire's districts: usual residents", "Census 2021",
        [(name.lower(), name, count) for name, count in census_2021.DISTRICT_POPULATIONS],
    )
    tables._compare(table, population)
    return table


def test_the_chart_and_its_table_show_the_same_figures_under_the_same_name():
    figure = profile_figure(districts_table(), "Area")
    blaby = figure.table.rows[0]
    # 408 is 14% of all 3,000 respondents and 15% of the 2,640 in the districts: the chart's
    # bar is the second, and says so, as the table's column does.
    assert cell_text(figure.table, 0, 2, blaby[2]) == "14%"
    respondents, population = figure.chart.series
    assert respondents.name == COMPARED_RESPONDENTS
    columns = {respondents.name: f"% of {COMPARED_RESPONDENTS.lower()}", population.name: "% of the population"}
    for series in (respondents, population):
        column = figure.table.columns.index(columns[series.name])
        in_table = [cell_text(figure.table, row, column, cells[column]) for row, cells in enumerate(figure.table.rows)]
        assert [value_label(value, "%", "*") for value in series.values] == in_table[:7]  # the seven districts
    assert value_label(respondents.values[0], "%", "*") == "15%"


def test_the_net_agreement_is_in_whole_points_as_the_percentages_beside_it_are():
    summary = SimpleNamespace(
        percent_positive=79.3, percent_negative=10.2, net=69.1, base=5483,
        positive_label="Agree (strongly or tend to)", negative_label="Disagree (strongly or tend to)",
    )
    assert summary_sentence(summary) == "79% agree and 10% disagree, of the 5,483 who answered (net +69 points)."
    summary.net = -0.4
    assert summary_sentence(summary).endswith("(net 0 points).")
    summary.net = -12.5
    assert summary_sentence(summary).endswith("(net −13 points).")
