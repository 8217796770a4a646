"""What every test shares: a private data directory, private uploads, and the people who use the site.

Personas (each with the password it was made with as `.raw_password`, so that a browser test
can sign in through the form):

- `officer`: in the "Consultation team" group, runs consultations;
- `viewer`: in the "Staff viewer" group, reads drafts and changes nothing;
- `outsider`: signed in, but with no staff permissions at all;
- `lead`: in the "Consultation team" and "Consultation lead" groups: also manages staff;
- `officer_client`, `viewer_client`, `outsider_client`, `lead_client`: a Django test Client
  already signed in as each of them.

`make_user` makes others.

Sign in with `client.force_login(user)`, or through the sign-in form. Every sign-in that checks
a password goes through django-axes, which needs the request: a bare `client.login(...)` fails
with AxesBackendRequestParameterRequired; `client.login(request=HttpRequest(), ...)` works.
"""

import atexit
import os
import secrets
import shutil
import tempfile

import pytest

# The settings read these when they are first loaded. `scripts/test` sets them before pytest
# starts; these defaults are for a bare `pytest`, and for any subprocess a test starts.
if not os.environ.get("HAVEYOURSAY_DATA_DIR"):
    _data_dir = tempfile.mkdtemp(prefix="haveyoursay-tests-")
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)
    os.environ["HAVEYOURSAY_DATA_DIR"] = _data_dir
os.environ.setdefault("HAVEYOURSAY_HTTPS", "false")

from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# Property-based tests (tests/surveys/test_public_forms_properties.py): a modest number of
# examples each, so the whole set runs in well under two minutes on two cores. Each example is
# a real request through the test client, so no per-example deadline; the database fixture is
# shared by a test's examples on purpose (the rate limits count, as they do for a person).
# HYPOTHESIS_PROFILE=thorough tries many more; CI runs the same examples every time.
hypothesis_settings.register_profile(
    "haveyoursay", max_examples=40, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("ci", hypothesis_settings.get_profile("haveyoursay"), derandomize=True)
hypothesis_settings.register_profile("thorough", hypothesis_settings.get_profile("haveyoursay"), max_examples=1000)
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "haveyoursay")
)

from django.conf import settings as django_settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

_test_settings = {
    # Hashing with the production hasher costs a second per user made; tests need no such cost.
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    # The manifest storage needs `collectstatic` first; tests serve static files where the
    # finders find them, through the test Client and through the live server alike (whose
    # middleware is built once, when it starts, so this cannot be set per test).
    "STORAGES": {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": True,
    "WHITENOISE_AUTOREFRESH": True,
    # Background work runs inline, once the transaction commits; tests of the real queues
    # (tests/jobs) choose their backend themselves.
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}},
}

# pytest-django loads the settings before pytest imports this file, so under a bare `pytest`
# they were read without the variables above: put right what depends on them.
_data_dir = Path(os.environ["HAVEYOURSAY_DATA_DIR"]).resolve()
if Path(django_settings.DATA_DIR) != _data_dir:
    _test_settings["DATA_DIR"] = _data_dir
    if not os.environ.get("STATIC_ROOT"):
        _test_settings["STATIC_ROOT"] = _data_dir / "static"
if django_settings.HTTPS and os.environ["HAVEYOURSAY_HTTPS"].strip().lower() in {"0", "false", "no", "off"}:
    _test_settings.update(
        HTTPS=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=False,
    )
# For the whole session, under anything a test changes with the `settings` fixture.
override_settings(**_test_settings).enable()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serving uploaded files only if production would.

    Django's live server serves MEDIA_ROOT under MEDIA_URL. The site has no public MEDIA_URL
    (documents go out only through a view that checks them), and with MEDIA_URL None that
    handler fails every request that is not for a static file; with "" it would serve any
    upload at any path. A URL on another host turns it off: uploads are reachable only
    through the site's own views, as in production.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    media_url = django_settings.MEDIA_URL or "http://uploads-are-not-served.invalid/"
    with override_settings(MEDIA_URL=media_url):
        server = LiveServer(addr)  # the handlers read MEDIA_URL once, here
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, no table of the test database is analysed behind the tests' backs.

    A test's rows live in a transaction that is rolled back, so they are invisible to every
    other session. Autovacuum counts the rows the earlier tests inserted and rolled back, and
    at some moment analyses a table: from outside the running test's transaction, it finds the
    table empty. From then on the planner believes each table has one row, and joins four of
    them by scanning each in full for every row of the others: a query of the themes queue
    over 700 answers then ran for more than ten minutes, in some runs and not others. With
    autovacuum off for these tables the planner estimates their rows from their size on disk,
    as it does for any table never analysed. (Production tables hold committed rows, which
    autovacuum sees.)"""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables"
                    " WHERE schemaname = current_schema()"
                )
                for (table,) in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


@pytest.fixture(autouse=True)
def rate_limit_counts_go_with_the_test(request, django_db_blocker):
    """The counts behind rate limits are kept in a table of their own, not a model's. A test whose
    writes are committed (a browser test's, through `transactional_db`) is cleaned up by a flush
    of the models' tables, which leaves that one as it is: a later test from the same address
    would start with the earlier test's counts, and could be refused for them."""
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"))
    if committed or "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from django.core.cache import caches

        with django_db_blocker.unblock():
            caches["limits"].clear()


@pytest.fixture(autouse=True)
def worker_keeps_the_test_runs_priority(settings):
    """A worker run inside the test process (`call_command("worker")`) would make the rest of the
    run nicer, for good: an unprivileged process can't take it back. Tests of the niceness start
    a worker process of their own."""
    settings.WORKER_NICENESS = 0


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test uploads into its own folder, so no file outlives the test or leaks into another."""
    path = tmp_path / "media"
    path.mkdir()
    settings.MEDIA_ROOT = path
    return path


# -- People -----------------------------------------------------------------------------------


@pytest.fixture
def make_user(db, django_user_model):
    """make_user(username, groups=[...], **fields): a user in those groups, with `.raw_password`."""
    from django.contrib.auth.models import Group

    def make(username, *, groups=(), password=None, **fields):
        password = password or secrets.token_urlsafe(18)
        fields.setdefault("email", f"{username}@example.org")
        user = django_user_model.objects.create_user(username=username, password=password, **fields)
        for name in groups:
            try:
                group = Group.objects.get(name=name)
            except Group.DoesNotExist:
                raise AssertionError(
                    f"There is no {name!r} group: haveyoursay.accounts creates the groups in "
                    "haveyoursay.accounts.roles.ROLES after every migrate."
                ) from None
            user.groups.add(group)
        user.raw_password = password
        return user

    return make


@pytest.fixture
def officer(make_user):
    """Runs consultations: drafts, edits and publishes them."""
    return make_user("officer", groups=["Consultation team"], first_name="Olu", last_name="Officer", is_staff=True)


@pytest.fixture
def viewer(make_user):
    """Reads drafts and previews; changes nothing."""
    return make_user("viewer", groups=["Staff viewer"], first_name="Vic", last_name="Viewer", is_staff=True)


@pytest.fixture
def outsider(make_user):
    """Has an account and is signed in, but holds no staff permission."""
    return make_user("outsider", first_name="Oona", last_name="Outsider")


@pytest.fixture
def lead(make_user):
    """Runs consultations and manages the staff: invites, roles, deactivation, unlocking."""
    return make_user(
        "lead", groups=["Consultation team", "Consultation lead"], first_name="Lee", last_name="Lead", is_staff=True
    )


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer_client(officer):
    return _signed_in(officer)


@pytest.fixture
def viewer_client(viewer):
    return _signed_in(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _signed_in(outsider)


@pytest.fixture
def lead_client(lead):
    return _signed_in(lead)


@pytest.fixture(autouse=True)
def fresh_public_cache():
    """Public pages are cached under the content revision; each test starts with neither."""
    from django.core.cache import cache

    from haveyoursay.hub.models import Revision

    cache.clear()
    Revision.forget()
    yield
    cache.clear()
    Revision.forget()
