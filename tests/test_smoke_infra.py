"""The test set-up itself: the database asked for, isolated uploads, and the personas' rights."""

import os
from pathlib import Path

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
