"""With REDIS_URL, what every web server must share lives in Redis: cached pages and sessions
(rate limits: tests/test_limits.py), and the queue apart from them with TASKS_REDIS_URL.
Against the real Redis server of the test session."""

import runpy
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.urls import reverse

import haveyoursay
from tests.factories import make_consultation
from tests.jobs.conftest import redis_url  # noqa: F401 (a fixture: a Redis server for the test session)

SETTINGS = Path(haveyoursay.__file__).parent / "settings.py"


@pytest.fixture
def read_settings(monkeypatch, tmp_path):
    """Read settings.py afresh under these environment variables (the live settings are untouched)."""

    def read(**environment):
        monkeypatch.setenv("HAVEYOURSAY_DATA_DIR", str(tmp_path))
        for name in ("REDIS_URL", "TASKS_BACKEND", "TASKS_REDIS_URL"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return read


@pytest.fixture
def redis_site(settings, read_settings, redis_url):  # noqa: F811
    """The site configured as REDIS_URL configures it, on the test Redis, emptied first; a
    redis-py client onto that Redis, to see what the site put there."""
    import redis

    server = redis.Redis.from_url(redis_url)
    server.flushdb()
    configured = read_settings(REDIS_URL=redis_url)
    settings.CACHES = configured["CACHES"]
    settings.SESSION_ENGINE = configured["SESSION_ENGINE"]
    yield server
    server.flushdb()


def test_without_redis_sessions_and_rate_limits_are_in_the_database(read_settings):
    configured = read_settings()
    default = "django.contrib.sessions.backends.db"
    assert configured.get("SESSION_ENGINE", default) == default
    assert configured["CACHES"]["limits"]["BACKEND"] == "haveyoursay.limits.DatabaseCounterCache"


def test_with_redis_the_cache_sessions_and_rate_limits_are_in_it(read_settings):
    configured = read_settings(REDIS_URL="redis://redis.internal:6379/1")
    for alias in ("default", "limits"):
        assert configured["CACHES"][alias]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert configured["CACHES"][alias]["LOCATION"] == "redis://redis.internal:6379/1"
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_a_public_page_cached_by_one_web_server_is_served_by_another(redis_site, client):
    make_consultation(title="Draft Net Zero Strategy and Action Plan")
    assert "Draft Net Zero Strategy" in client.get(reverse("hub:index")).content.decode()
    cached = [key for key in redis_site.keys("*") if b"public:" in key]
    assert len(cached) == 1
    # Another server's cache: its own connection to the same Redis.
    from django.core.cache import CacheHandler

    other_server = CacheHandler()["default"]
    page = other_server.get(cached[0].decode().split(":", 2)[2])
    assert "Draft Net Zero Strategy" in page.content.decode()


@pytest.mark.django_db
def test_a_staff_sign_in_is_kept_in_redis_and_outlives_a_redis_restart(redis_site, client, officer):
    client.force_login(officer)
    session_key = client.cookies["sessionid"].value
    assert any(session_key.encode() in key for key in redis_site.keys("*"))
    assert Session.objects.filter(session_key=session_key).exists()

    redis_site.flushdb()  # Redis restarted without saving, or the session was evicted
    caches["default"].close()
    response = client.get(reverse("staff:consultations"))
    assert response.status_code == 200
    assert any(session_key.encode() in key for key in redis_site.keys("*"))  # read back into Redis


@pytest.mark.django_db
def test_signing_out_removes_the_session_from_redis_and_the_database(redis_site, client, officer):
    client.force_login(officer)
    session_key = client.cookies["sessionid"].value
    client.post(reverse("staff:logout"))
    assert not any(session_key.encode() in key for key in redis_site.keys("*"))
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("staff:consultations")).status_code == 302


def in_database(url, number):
    """The same Redis server's database `number`: redis://host:6379/N, or unix://path?db=N."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"unix://{parts.path}?" + urlencode({**dict(parse_qsl(parts.query)), "db": str(number)})
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.mark.django_db(transaction=True)
def test_the_queue_kept_in_its_own_redis_database_outlives_the_cache_being_emptied(
    settings, read_settings, redis_url, client  # noqa: F811
):
    import django_rq
    import redis

    from haveyoursay.hub.document_text import read_text

    cache_url, queue_url = in_database(redis_url, 2), in_database(redis_url, 3)
    cache_db, queue_db = redis.Redis.from_url(cache_url), redis.Redis.from_url(queue_url)
    cache_db.flushdb()
    queue_db.flushdb()
    configured = read_settings(REDIS_URL=cache_url, TASKS_REDIS_URL=queue_url, TASKS_BACKEND="rq")
    settings.CACHES = configured["CACHES"]
    settings.RQ_QUEUES = configured["RQ_QUEUES"]
    settings.RQ = configured["RQ"]
    settings.TASKS = configured["TASKS"]
    try:
        make_consultation(title="Draft Net Zero Strategy and Action Plan")
        assert client.get(reverse("hub:index")).status_code == 200
        queued = read_text.enqueue(1)
        assert any(b"public:" in key for key in cache_db.keys("*"))
        assert not any(key.startswith(b"rq:") for key in cache_db.keys("*"))
        assert any(key.startswith(b"rq:") for key in queue_db.keys("*"))
        assert not any(b"public:" in key for key in queue_db.keys("*"))
        # Emptying the cache (or Redis evicting it) leaves the queued work where it was.
        cache_db.flushdb()
        assert django_rq.get_queue("default").job_ids == [queued.id]
    finally:
        cache_db.flushdb()
        queue_db.flushdb()
