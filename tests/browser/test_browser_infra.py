"""The browser set-up itself: Chromium starts, the fixtures are what they say, axe reports."""

from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders

import haveyoursay


def data_url(body, title="Browser check"):
    html = (
        f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main>{body}</main></body></html>"
    )
    return "data:text/html;charset=utf-8," + quote(html)


FETCH = "async url => { const response = await fetch(url); return [response.status, await response.text()]; }"


def test_live_server_serves_static_files_to_chromium(page, live_server):
    admin_css = "admin/css/base.css"  # always there: django.contrib.admin ships it
    response = page.goto(f"/static/{admin_css}")
    assert response.status == 200
    assert response.text() == Path(finders.find(admin_css)).read_text()

    # The GOV.UK Frontend version the package ships (a download if navigated to, so fetched).
    version = Path(haveyoursay.__file__).parent / "static" / "haveyoursay" / "GOVUK_FRONTEND_VERSION"
    if version.exists():
        status, text = page.evaluate(FETCH, "/static/haveyoursay/GOVUK_FRONTEND_VERSION")
        assert status == 200, f"The package's static files are not served: do the finders look in {version.parents[1]}?"
        assert text == version.read_text()


def test_chromium_renders_a_page_and_axe_finds_nothing_wrong(page, axe_check):
    page.goto(data_url("<h1>Have your say</h1><p>Tell us what you think.</p>"))
    assert page.get_by_role("heading", level=1).text_content() == "Have your say"
    axe_check(page)


def test_axe_check_fails_on_a_violation_and_says_where(page, axe_check):
    page.goto(data_url('<h1>Map</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="map">'))
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(page)
    assert "image-alt (critical)" in str(failure.value)
    assert "#map" in str(failure.value)


def test_phone_and_no_javascript_pages(mobile_page, nojs_page):
    mobile_page.goto(data_url("<h1>Phone</h1>"))
    assert mobile_page.evaluate("window.innerWidth") == 375

    nojs_page.goto(data_url('<h1 id="h">Without JavaScript</h1><script>h.textContent = "With"</script>'))
    assert nojs_page.text_content("#h") == "Without JavaScript"


def test_axe_check_works_without_javascript_and_sees_noscript_content(nojs_page, axe_check):
    nojs_page.goto(data_url('<h1>Map</h1><noscript><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" id="map"></noscript>'))
    with pytest.raises(pytest.fail.Exception) as failure:
        axe_check(nojs_page)
    assert "with JavaScript off" in str(failure.value)
    assert "image-alt (critical)" in str(failure.value)
