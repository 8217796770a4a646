"""Rate limits count in a store every worker shares, which a restart does not empty."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command

from haveyoursay import limits
from haveyoursay.limits import DatabaseCounterCache, Limit
from tests.jobs.conftest import redis_url  # noqa: F401 (a fixture: a Redis server for the test session)

pytestmark = pytest.mark.django_db

SRC = str(Path(__file__).resolve().parent.parent / "src")

# One worker process of the site: it counts `times` wrong guesses from one address, then says
# how many this hour it knows of and whether the address is refused.
WORKER = """
import sys
import django
django.setup()
from django.core.management import call_command
from haveyoursay import limits
call_command("createcachetable", verbosity=0)
for _ in range(int(sys.argv[1])):
    limits.RESUME_GUESSES_FROM_ADDRESS.count("203.0.113.9")
print(limits.RESUME_GUESSES_FROM_ADDRESS.used("203.0.113.9"), limits.RESUME_GUESSES_FROM_ADDRESS.reached("203.0.113.9"))
"""


def run_worker(data_dir, times, **environment):
    env = {
        **{key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY"}},
        "DJANGO_SETTINGS_MODULE": "haveyoursay.settings",
        "HAVEYOURSAY_DATA_DIR": str(data_dir),
        "HAVEYOURSAY_HTTPS": "false",
        "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
        **environment,
    }
    finished = subprocess.run(
        [sys.executable, "-c", WORKER, str(times)], env=env, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout.split()


def test_two_worker_processes_share_one_count_that_a_restart_keeps(tmp_path):
    per_hour = limits.RESUME_GUESSES_FROM_ADDRESS.per_hour
    half = per_hour // 2 + 1
    # Two workers, one after the other (each a fresh process, as after a restart), each
    # counting a little over half the allowance: together they pass it.
    assert run_worker(tmp_path, half) == [str(half), "False"]
    assert run_worker(tmp_path, half) == [str(2 * half), "True"]


def test_with_redis_configured_the_workers_count_in_redis(tmp_path, redis_url):  # noqa: F811
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    per_hour = limits.RESUME_GUESSES_FROM_ADDRESS.per_hour
    half = per_hour // 2 + 1
    # Each worker with its own data folder: nothing is shared but Redis.
    assert run_worker(tmp_path / "one", half, REDIS_URL=redis_url, SECRET_KEY="shared") == [str(half), "False"]
    assert run_worker(tmp_path / "two", half, REDIS_URL=redis_url, SECRET_KEY="shared") == [str(2 * half), "True"]


def test_two_cache_clients_see_each_others_counts():
    first, second = caches.create_connection("limits"), caches.create_connection("limits")
    assert isinstance(first, DatabaseCounterCache) and first is not second
    first.add("limit:test", 0, 3600)
    assert first.incr("limit:test") == 1
    assert second.incr("limit:test") == 2
    assert first.incr("limit:test", 3) == 5
    assert second.get("limit:test") == 5


def test_counting_keeps_the_hour_the_count_started_with():
    cache = caches["limits"]
    cache.add("limit:hour", 0, 3600)
    expires_before = cache_expiry("limit:hour")
    cache.incr("limit:hour")
    assert cache_expiry("limit:hour") == expires_before


def cache_expiry(key):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM haveyoursay_limits WHERE cache_key = %s",
            [caches["limits"].make_and_validate_key(key)],
        )
        return cursor.fetchone()[0]


def test_a_count_that_has_run_out_starts_again():
    cache = caches["limits"]
    cache.set("limit:old", 7, -1)
    with pytest.raises(ValueError):
        cache.incr("limit:old")
    limit = Limit("old-test", 2)
    assert [limit.take("x"), limit.take("x"), limit.take("x")] == [True, True, False]


def test_what_is_counted_is_kept_only_as_a_keyed_hash():
    key = Limit("resume-address", 5).key("203.0.113.9")
    assert "203.0.113.9" not in key and key.startswith("limit:resume-address:")


def test_migrate_makes_the_table_the_counts_live_in():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE haveyoursay_limits")
    call_command("migrate", verbosity=0)
    assert "haveyoursay_limits" in connection.introspection.table_names()


def test_a_busy_store_refuses_no_one(monkeypatch):
    from django.db import OperationalError

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(DatabaseCounterCache, "get", busy)
    monkeypatch.setattr(DatabaseCounterCache, "add", busy)
    limit = Limit("busy-test", 1)
    assert limit.take("x") and limit.take("x")


# Two tests in file order: the first commits a count, as a browser test's requests do; the
# second must not start with it.
@pytest.mark.django_db(transaction=True)
def test_a_test_whose_writes_are_committed_counts_an_attempt():
    Limit("sign-in-test", 1).count("192.0.2.10")
    assert Limit("sign-in-test", 1).reached("192.0.2.10")


@pytest.mark.django_db(transaction=True)
def test_the_next_test_starts_with_no_counts():
    assert Limit("sign-in-test", 1).used("192.0.2.10") == 0
