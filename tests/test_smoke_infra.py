"""The test set-up itself: the database asked for, isolated uploads, and the personas' rights."""

import os
from pathlib import Path

import pytest

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection


def test_the_database_is_the_one_database_url_names(db):
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_tests_run_over_plain_http_and_upload_into_their_own_folder(settings, media_root, tmp_path):
    assert not settings.SECURE_SSL_REDIRECT
    assert not settings.SESSION_COOKIE_SECURE
    name = default_storage.save("probe.txt", ContentFile(b"probe"))
    assert Path(default_storage.path(name)).parent == media_root
    assert media_root.is_relative_to(tmp_path)


def test_personas_hold_the_permissions_of_their_roles(officer, viewer, outsider):
    assert officer.has_perm("hub.publish_consultation")
    assert officer.has_perm("hub.change_consultation")

    assert viewer.has_perm("hub.view_consultation")
    assert not viewer.has_perm("hub.change_consultation")
    assert not viewer.has_perm("hub.publish_consultation")

    assert not outsider.has_perm("hub.view_consultation")
    assert not outsider.has_perm("hub.publish_consultation")
    assert not outsider.get_all_permissions()


def test_persona_clients_are_signed_in_as_their_persona(officer_client, viewer_client, outsider_client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    for client, username in [(officer_client, "officer"), (viewer_client, "viewer"), (outsider_client, "outsider")]:
        assert client.session["_auth_user_id"] == str(users.get(username=username).pk)


def test_autovacuum_never_analyses_the_test_databases_tables_from_outside_a_test(db):
    """Analysed from outside a test's transaction, a table holding only that test's rows looks
    empty, and the planner then joins tables by scanning each in full for every row of the
    others (`django_db_setup` in tests/conftest.py says more)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no autovacuum: only a PostgreSQL database analyses tables by itself")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
            " AND NOT coalesce('autovacuum_enabled=false' = ANY(reloptions), false)"
        )
        analysed = [name for (name,) in cursor.fetchall()]
    assert analysed == []
    for table in ("surveys_answer", "surveys_response", "surveys_importbatch", "analysis_answercoding"):
        assert table in connection.introspection.table_names()
