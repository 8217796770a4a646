"""Browser tests: Debian's Chromium driven through Playwright's sync API, against `live_server`.

Every test in this folder is marked `browser` (so `pytest -m "not browser"` leaves them out).

- `page`: a fresh browser context per test, 1280x900. When the test also uses `live_server`,
  relative URLs work: `page.goto("/")`.
- `mobile_page`: the same at 375x812, as a phone.
- `nojs_page`: the same at 1280x900 with JavaScript switched off.
- `mobile_nojs_page`: a phone (375x812) with JavaScript switched off.
- `axe_check(page)`: fails the test with a readable list if axe-core finds any WCAG 2.2 AA
  violation on the page as it stands.

Tests that need the database through the server use `live_server` (which brings
`transactional_db`: the server thread and the test see each other's writes).
"""

import os
import re
import weakref
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse
# database access from it ("You cannot call this from an async context"). The tests are plain
# synchronous code, so tell Django so. Set for the whole session: the browser is session-wide.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TIMEOUT_MS = 15_000
_NO_JAVASCRIPT = weakref.WeakSet()  # the browser contexts made with JavaScript off


def _required():
    """Whether a missing browser is an error (CI) rather than a reason to skip."""
    return (
        os.environ.get("HAVEYOURSAY_REQUIRE_ALL", "").lower() in {"1", "true", "yes", "on"}
        or os.environ.get("CI", "").lower() == "true"
    )


def _missing_chromium():
    return f"{CHROMIUM} is missing (Debian: apt-get install chromium; scripts/test installs it as root)"


def pytest_collection_modifyitems(config, items):
    skip = None
    if not CHROMIUM.exists() and not _required():
        skip = pytest.mark.skip(reason=_missing_chromium())
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            if skip is not None:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = _missing_chromium()
        if _required():
            pytest.fail(message + "; required because HAVEYOURSAY_REQUIRE_ALL=1 or CI=true", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(request, browser, **options):
    if "live_server" in request.fixturenames:
        options["base_url"] = request.getfixturevalue("live_server").url
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
    context.set_default_timeout(TIMEOUT_MS)
    if options.get("java_script_enabled") is False:
        _NO_JAVASCRIPT.add(context)
    request.addfinalizer(context.close)
    return context.new_page()


@pytest.fixture
def empty_cache(live_server):
    """The cache shared with the live server emptied before and after: pages cached by an
    earlier test (the public ones, under a revision) can't be served to this one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_questionnaires(empty_cache):
    """The demo's consultations and their questionnaires, as `haveyoursay demo` loads them, served
    by the live server."""
    from haveyoursay.hub.demo import load_demo
    from haveyoursay.surveys.demo import load_demo_questionnaires

    load_demo()
    load_demo_questionnaires()


@pytest.fixture
def page(request, browser):
    return _new_page(request, browser, viewport=DESKTOP)


@pytest.fixture
def new_page(request, browser):
    """new_page(javascript=True): another browser, as if on another day: its own context,
    no cookies shared with `page`, closed at the end of the test."""

    def make(javascript=True):
        return _new_page(request, browser, viewport=DESKTOP, java_script_enabled=javascript)

    return make


@pytest.fixture
def mobile_page(request, browser):
    return _new_page(request, browser, viewport=PHONE, is_mobile=True, has_touch=True)


@pytest.fixture
def nojs_page(request, browser):
    return _new_page(request, browser, viewport=DESKTOP, java_script_enabled=False)


@pytest.fixture
def mobile_nojs_page(request, browser):
    return _new_page(request, browser, viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)


def _describe(violations, url, shown=3):
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}")
        lines.append(f"    {violation.get('helpUrl', '')}")
        nodes = violation.get("nodes", [])
        for node in nodes[:shown]:
            # A target is a CSS selector, or a list of them through shadow roots and frames.
            target = " >>> ".join(map(str, node["target"]))
            lines.append(f"    at {target}")
        if len(nodes) > shown:
            lines.append(f"    ...and {len(nodes) - shown} more")
    return "\n".join(lines)


def _as_seen_without_javascript(page):
    """A JavaScript-enabled copy of what `page` (JavaScript off) shows, for axe to run in.

    axe-core cannot finish in a page whose scripts are switched off (its timers never fire),
    so it runs in a fresh page showing the same document at the same address and size, with
    the page's own scripts blocked by a Content-Security-Policy and <noscript> content shown,
    as a browser without JavaScript shows it.
    """
    html = re.sub(r"<(/?)noscript\b", r"<\1div", page.content(), flags=re.IGNORECASE)
    url = page.url.split("#")[0]
    context = page.context.browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport=page.viewport_size
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(page.context.cookies())
    copy = context.new_page()
    if url.startswith(("http:", "https:")):
        copy.route(
            lambda requested: requested.split("#")[0] == url,
            lambda route: route.fulfill(
                status=200,
                body=html,
                headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "script-src 'none'"},
            ),
        )
        copy.goto(page.url)
    else:  # a data: or about: page, which no route can serve
        csp = """<meta http-equiv="Content-Security-Policy" content="script-src 'none'">"""
        copy.set_content(re.sub(r"<head\b[^>]*>", lambda head: head.group(0) + csp, html, count=1, flags=re.IGNORECASE))
    return copy


# The radios and checkboxes that reveal fields (GOV.UK's conditional reveal): GOV.UK Frontend's
# script marks each aria-expanded, which ARIA 1.2 does not allow on a radio or a checkbox.
# GOV.UK keeps it on purpose, because screen readers announce it and their testing with users found
# it helps (alphagov/govuk-frontend#979, "known issue"), so it is the one violation let through,
# and only on such an input whose aria-expanded is the only attribute axe finds wrong.
CONDITIONAL_REVEAL_INPUT = re.compile(
    r'^<input class="govuk-(radios|checkboxes)__input[^"]*"[^>]* aria-controls="[^"]+-revealed"[^>]* aria-expanded="(true|false)"'
)


def _without_govuk_conditional_reveal(violations):
    kept = []
    for violation in violations:
        nodes = violation.get("nodes", [])
        if violation["id"] == "aria-allowed-attr":
            nodes = [
                node for node in nodes
                if not (CONDITIONAL_REVEAL_INPUT.match(node.get("html", "")) and all(
                    check.get("data") in (['aria-expanded="true"'], ['aria-expanded="false"'])
                    for check in node.get("any", []) + node.get("all", []) + node.get("none", [])
                ))
            ]  # fmt: skip
        if nodes:
            kept.append({**violation, "nodes": nodes})
    return kept


@pytest.fixture
def axe_check():
    """axe_check(page, context=None): fail the test if axe-core finds WCAG 2.2 A/AA violations.

    `context` narrows the check to part of the page (a CSS selector, or axe's include/exclude
    object). Works on `nojs_page` too. Returns the axe results when there is nothing to report.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page, context=None):
        # A click that follows a link returns once the next page has started to load: checked
        # then, axe (or the copy made without JavaScript) can see an empty document.
        page.wait_for_load_state("load")
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        javascript = page.context not in _NO_JAVASCRIPT
        target = page if javascript else _as_seen_without_javascript(page)
        try:
            results = axe.run(target, context=context, options=options)
        finally:
            if not javascript:
                target.context.close()
        violations = _without_govuk_conditional_reveal(results.response["violations"])
        if violations:
            where = page.url if javascript else f"{page.url} (with JavaScript off)"
            pytest.fail(_describe(violations, where), pytrace=False)
        return results

    return check
