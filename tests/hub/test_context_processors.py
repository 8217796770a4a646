"""The header and footer links every page shares, worked out once per process."""

import re

import pytest
from django.urls import set_script_prefix

pytestmark = pytest.mark.django_db


def our_links(html):
    """The site's own addresses in the head, header and footer (not static files), in order."""
    links = re.findall(r'<(?:link|a) [^>]*href="(/[^"]*)"', html)
    return [link for link in links if not link.startswith("/static/")]


def test_every_page_links_its_theme_feed_home_and_staff_sign_in(client):
    links = our_links(client.get("/no-such-page/").content.decode())
    # Head: theme, feed; header: home, then the menu: consultations, meetings, decisions; body (the
    # 404 page's own link): home; footer: home, feed, API, staff.
    assert links == [
        "/theme.css", "/consultations.atom", "/", "/", "/meetings/", "/decisions/", "/", "/", "/consultations.atom",
        "/api/", "/staff/",
    ]  # fmt: skip


def test_served_under_a_prefix_every_link_starts_with_it(client):
    # The WSGI handler sets the prefix from SCRIPT_NAME on each request; the test client doesn't.
    set_script_prefix("/consult/")
    try:
        prefixed = our_links(client.get("/no-such-page/").content.decode())
    finally:
        set_script_prefix("/")
    assert prefixed == [
        "/consult/theme.css", "/consult/consultations.atom", "/consult/", "/consult/", "/consult/meetings/",
        "/consult/decisions/", "/consult/", "/consult/", "/consult/consultations.atom", "/consult/api/",
        "/consult/staff/",
    ]  # fmt: skip
    # Each prefix has its own: the addresses without one are unchanged.
    assert our_links(client.get("/no-such-page/").content.decode())[0] == "/theme.css"
