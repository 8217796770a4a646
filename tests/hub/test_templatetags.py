import datetime

import pytest
from django.template import Context, Template

from haveyoursay.hub.models import Consultation
from haveyoursay.hub.templatetags.hys import clock, date_range_text, render_markdown, timing
from tests.factories import midday

TODAY = datetime.date(2022, 6, 20)
PUBLISHED = datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "opens, closes, expected",
    [
        ((2022, 6, 6), (2022, 7, 31), "6 June – 31 July 2022"),
        ((2021, 11, 1), (2022, 2, 18), "1 November 2021 – 18 February 2022"),
        ((2022, 1, 31), (2022, 4, 25), "31 January – 25 April 2022"),
        (None, None, "Dates to be confirmed"),
        ((2022, 5, 4), None, "From 4 May 2022"),
    ],
)
def test_date_ranges_read_as_uk_councils_write_them(opens, closes, expected):
    to_date = lambda parts: datetime.date(*parts) if parts else None  # noqa: E731
    assert date_range_text(to_date(opens), to_date(closes)) == expected


@pytest.mark.parametrize(
    "closes, expected",
    [
        (TODAY, "Closes today"),
        (TODAY + datetime.timedelta(days=1), "Closes tomorrow"),
        (TODAY + datetime.timedelta(days=11), "Closes in 11 days"),
        (TODAY - datetime.timedelta(days=1), "Closed 19 June 2022"),
    ],
)
def test_timing_says_how_long_is_left(monkeypatch, closes, expected):
    monkeypatch.setattr("haveyoursay.hub.models.now", lambda: midday(TODAY))
    consultation = Consultation(opens_on=datetime.date(2022, 6, 6), closes_on=closes, published_at=PUBLISHED)
    assert timing(consultation) == expected


def test_timing_of_a_forthcoming_consultation(monkeypatch):
    monkeypatch.setattr("haveyoursay.hub.models.now", lambda: midday(TODAY))
    consultation = Consultation(
        opens_on=TODAY + datetime.timedelta(days=3), closes_on=TODAY + datetime.timedelta(days=30), published_at=PUBLISHED
    )
    assert timing(consultation) == "Opens in 3 days"
    consultation.opens_on = consultation.closes_on = None
    assert timing(consultation) == "Opening date to be confirmed"


@pytest.mark.parametrize(
    "hour, minute, expected",
    [(9, 0, "9am"), (14, 35, "2:35pm"), (12, 0, "midday"), (0, 0, "midnight"), (0, 5, "12:05am"), (12, 30, "12:30pm")],
)
def test_clock_writes_times_as_gov_uk_does(hour, minute, expected):
    from django.utils import timezone

    assert clock(timezone.make_aware(datetime.datetime(2026, 11, 23, hour, minute))) == expected


class TestRichText:
    def test_markdown_becomes_paragraphs_lists_and_links(self):
        html = render_markdown("Looking after a person.\n\n- Carer identification\n- Carers are Informed\n\n[Read](https://www.leicestershire.gov.uk)")
        assert "<p>Looking after a person.</p>" in html
        assert "<li>Carer identification</li>" in html
        assert 'href="https://www.leicestershire.gov.uk"' in html
        assert 'rel="noopener noreferrer"' in html

    @pytest.mark.parametrize(
        "hostile",
        [
            "<script>alert('x')</script>",
            '<img src=x onerror="alert(1)">',
            "[click](javascript:alert(1))",
            '<a href="javascript:alert(1)">click</a>',
            '<iframe src="https://example.org"></iframe>',
            '<p style="position:fixed">cover</p>',
        ],
    )
    def test_nothing_that_could_run_or_restyle_the_page_survives(self, hostile):
        html = render_markdown(hostile)
        for forbidden in ("<script", "onerror", "javascript:", "<iframe", "style=", "<img"):
            assert forbidden not in html

    def test_a_level_one_heading_becomes_level_two_so_the_page_keeps_one_h1(self):
        assert render_markdown("# Priorities") == "<h2>Priorities</h2>"

    def test_the_filter_marks_only_sanitised_html_safe(self):
        rendered = Template("{{ text|rich_text }}").render(Context({"text": "**bold** <script>x</script>"}))
        assert "<strong>bold</strong>" in rendered
        assert "<script" not in rendered
