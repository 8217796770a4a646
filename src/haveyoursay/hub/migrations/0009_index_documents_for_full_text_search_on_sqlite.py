"""SQLite only: an FTS5 index of the documents' titles and text, kept by triggers, so that a
search reads the index instead of every document's text (docs/decisions/0030-searching-documents-on-sqlite.md).
PostgreSQL searches the consultations' stored search documents instead, and has nothing to do here.

A later migration that makes SQLite build hub_document anew (Django does for most changes of a
column) drops these triggers with the old table, and must make them again:
tests/hub/test_search.py fails until it does."""

from django.db import migrations

SQLITE_INDEX = "hub_document_search"

CREATE = [
    # External content: the index keeps the words and where they are, not a second copy of the text.
    f"""CREATE VIRTUAL TABLE {SQLITE_INDEX} USING fts5(
        title, text, content='hub_document', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER {SQLITE_INDEX}_insert AFTER INSERT ON hub_document BEGIN
        INSERT INTO {SQLITE_INDEX}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"""CREATE TRIGGER {SQLITE_INDEX}_delete AFTER DELETE ON hub_document BEGIN
        INSERT INTO {SQLITE_INDEX}({SQLITE_INDEX}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    END""",
    # Only when what is searched changes: a document moved up the list is not indexed again.
    f"""CREATE TRIGGER {SQLITE_INDEX}_update AFTER UPDATE OF title, text ON hub_document BEGIN
        INSERT INTO {SQLITE_INDEX}({SQLITE_INDEX}, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO {SQLITE_INDEX}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"INSERT INTO {SQLITE_INDEX}({SQLITE_INDEX}) VALUES ('rebuild')",
]
DROP = [
    f"DROP TRIGGER IF EXISTS {SQLITE_INDEX}_update",
    f"DROP TRIGGER IF EXISTS {SQLITE_INDEX}_delete",
    f"DROP TRIGGER IF EXISTS {SQLITE_INDEX}_insert",
    f"DROP TABLE IF EXISTS {SQLITE_INDEX}",
]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        options = {row[0] for row in cursor.execute("PRAGMA compile_options").fetchall()}
        if "ENABLE_FTS5" not in options:
            raise RuntimeError(
                "This Python's SQLite was built without FTS5, which haveyoursay's search of documents needs. "
                "Use a Python whose sqlite3 module has FTS5 (python.org's, Debian's and Ubuntu's all do), "
                "or run haveyoursay on PostgreSQL."
            )
        for statement in CREATE:
            cursor.execute(statement)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("hub", "0008_read_the_text_of_documents_for_the_search"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]
