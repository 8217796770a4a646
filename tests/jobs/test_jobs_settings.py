"""TASKS_BACKEND chooses where background work is queued, and says clearly when it cannot."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import haveyoursay

SETTINGS = Path(haveyoursay.__file__).parent / "settings.py"


@pytest.fixture
def read_settings(monkeypatch, tmp_path):
    """Read settings.py afresh under these environment variables (the live settings are untouched)."""

    def read(**environment):
        monkeypatch.setenv("HAVEYOURSAY_DATA_DIR", str(tmp_path))
        for name in ("TASKS_BACKEND", "REDIS_URL", "TASKS_REDIS_URL", "JOB_STALLED_AFTER_MINUTES", "WORKER_NICENESS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS))

    return read


def test_work_is_queued_in_the_database_by_default(read_settings):
    settings = read_settings()
    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings["INSTALLED_APPS"]
    assert "django_rq" not in settings["INSTALLED_APPS"]


def test_rq_queues_work_in_the_redis_of_redis_url(read_settings):
    settings = read_settings(TASKS_BACKEND="rq", REDIS_URL="redis://redis.internal:6379/2")
    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert settings["RQ_QUEUES"]["default"]["URL"] == "redis://redis.internal:6379/2"
    assert settings["RQ"]["JOB_CLASS"] == "django_tasks_rq.Job"
    assert "django_rq" in settings["INSTALLED_APPS"]


def test_rq_keeps_its_queue_in_tasks_redis_url_apart_from_the_cache(read_settings):
    settings = read_settings(
        TASKS_BACKEND="rq", REDIS_URL="redis://redis.internal:6379/0", TASKS_REDIS_URL="redis://redis.internal:6379/1"
    )
    assert settings["RQ_QUEUES"]["default"]["URL"] == "redis://redis.internal:6379/1"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://redis.internal:6379/0"
    # A Redis of the queue's own, with no shared cache.
    settings = read_settings(TASKS_BACKEND="rq", TASKS_REDIS_URL="rediss://queue.internal:6380/0")
    assert settings["RQ_QUEUES"]["default"]["URL"] == "rediss://queue.internal:6380/0"


def test_tasks_redis_url_without_rq_is_refused(read_settings):
    with pytest.raises(ImproperlyConfigured, match="TASKS_REDIS_URL is where the queue is kept with TASKS_BACKEND=rq"):
        read_settings(TASKS_REDIS_URL="redis://redis.internal:6379/1")


def test_a_redis_address_that_is_not_one_is_refused(read_settings):
    with pytest.raises(ImproperlyConfigured, match="TASKS_REDIS_URL must be a Redis address"):
        read_settings(
            TASKS_BACKEND="rq", REDIS_URL="redis://redis.internal:6379/0", TASKS_REDIS_URL="redis.internal:6379"
        )
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must be a Redis address"):
        read_settings(REDIS_URL="localhost")


def test_rq_without_redis_url_says_what_to_set(read_settings):
    with pytest.raises(ImproperlyConfigured, match="set REDIS_URL"):
        read_settings(TASKS_BACKEND="rq")


def test_an_unknown_backend_is_refused_with_the_choices(read_settings):
    with pytest.raises(ImproperlyConfigured, match="database, rq, immediate"):
        read_settings(TASKS_BACKEND="celery")


def test_a_stall_time_below_a_minute_is_refused(read_settings):
    with pytest.raises(ImproperlyConfigured, match="JOB_STALLED_AFTER_MINUTES"):
        read_settings(JOB_STALLED_AFTER_MINUTES="0")


def test_background_work_yields_the_cpu_by_default(read_settings):
    assert read_settings()["WORKER_NICENESS"] == 10


def test_a_niceness_beyond_what_linux_allows_is_refused(read_settings):
    with pytest.raises(ImproperlyConfigured, match="WORKER_NICENESS must be between 0 and 19, not 20"):
        read_settings(WORKER_NICENESS="20")
