"""Every HTML page carries the strict Content-Security-Policy, and nothing in it needs the
policy loosened: no inline script, no inline style, no event-handler attribute."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from haveyoursay.hub.demo import load_demo
from haveyoursay.surveys.demo import LCWIP_SLUG, load_demo_questionnaires
from tests.reports.test_reports_generate import consultation as report_consultation  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Pages that start slow work when opened (a report is drawn) or belong to Django's admin.
NOT_CRAWLED = re.compile(r"^/staff/.*/report/|^/django-admin/|/logout/")
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"<[^>]+\sstyle=", re.IGNORECASE), "a style= attribute"),
    (re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE), "an event-handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: address"),
]


def policy(response):
    header = response.get("Content-Security-Policy", "")
    return {name: value for name, _, value in (part.strip().partition(" ") for part in header.split(";")) if name}


def problems_with(path, response):
    found = []
    directives = policy(response)
    for name, value in STRICT.items():
        if directives.get(name) != value:
            found.append(f"{path}: {name} is {directives.get(name)!r}, not {value!r}")
    html = response.content.decode()
    for pattern, what in INLINE:
        match = pattern.search(html)
        if match:
            found.append(f"{path}: {what}: {html[max(0, match.start() - 60):match.end() + 60]!r}")
    return found


def crawl(client, start, limit):
    """(every HTML page reached from `start` by same-site links, in order; the problems found)."""
    queue, seen, pages, problems = deque(start), set(start), [], []
    client.raise_request_exception = False  # a page that fails is still a page: its 500 page is checked
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = client.get(path)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        problems += problems_with(path, response)
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            link = urlsplit(urljoin(path, href.replace("&amp;", "&")))
            if link.netloc or not link.path.startswith("/") or NOT_CRAWLED.search(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return pages, problems


@pytest.fixture
def demo():
    from haveyoursay.decisions.demo import load_demo_records
    from haveyoursay.outcomes.demo_we_did import load_demo_we_did
    from haveyoursay.surveys.demo_strategic_plan import load_demo_strategic_plan_survey

    load_demo()
    load_demo_questionnaires()
    # The Strategic Plan's "You said, we did", on its public page and the staff outcome page.
    load_demo_strategic_plan_survey()
    load_demo_records()
    load_demo_we_did()


def test_every_public_page_has_the_policy_and_nothing_inline(demo):
    client = Client()
    client.post(f"/consultations/{LCWIP_SLUG}/respond/")
    pages, problems = crawl(client, ["/", f"/consultations/{LCWIP_SLUG}/respond/section/1/"], limit=120)
    assert len(pages) > 20
    assert not problems, "\n".join(problems)


def test_every_staff_page_has_the_policy_and_nothing_inline(demo, officer_client):
    pages, problems = crawl(officer_client, ["/staff/"], limit=150)
    assert len(pages) > 30
    assert not problems, "\n".join(problems)


def test_error_and_refusal_pages_have_the_policy(demo, client):
    responses = {
        "not found": client.get("/no-such-page/"),
        "expired link": client.get("/respond/continue/no-such-token/"),
        "staff sign-in": client.get("/staff/", follow=True),
    }
    csrf_checked = Client(enforce_csrf_checks=True)
    responses["form sent without its token"] = csrf_checked.post(f"/consultations/{LCWIP_SLUG}/respond/")
    for what, response in responses.items():
        assert not problems_with(what, response), response.status_code


def test_downloads_keep_their_own_stricter_policy(client):
    from tests.factories import make_consultation, make_document

    document = make_document(make_consultation(), name="strategy.pdf")
    response = client.get(document.get_absolute_url())
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def test_the_report_pages_with_their_charts_and_tables_have_nothing_inline(report_consultation, officer_client):
    from haveyoursay.reports.generating import generate_report_impl

    generate_report_impl(report_consultation.pk)
    staff_page = f"/staff/consultations/{report_consultation.pk}/report/"
    response = officer_client.get(staff_page)
    assert 'class="hys-chart hys-chart--fluid"' in response.content.decode()
    assert "hys-report__table--scroll" in response.content.decode()
    assert not problems_with(staff_page, response)
    officer_client.post(f"{staff_page}publish/")
    public_page = f"{report_consultation.get_absolute_url()}report/"
    response = Client().get(public_page)
    assert response.status_code == 200 and "hys-chart--fluid" in response.content.decode()
    assert not problems_with(public_page, response)
