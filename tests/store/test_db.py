"""Opening the database: pragmas, SQLite version, migrations, clear errors, BEGIN IMMEDIATE."""
from __future__ import annotations

import os

import apsw
import peewee
import pytest

from store.connection import sqlite as store_db  # the engine module: where the version is read
from store.db import (
    MIN_SQLITE, StoreError, default_db_path, open_database, sqlite_version, write_transaction,
)
from store.db.migrations import APPLICATION_ID, LATEST, schema_version

pytestmark = pytest.mark.sqlite_only  # the SQLite file itself


def test_file_database_pragmas(file_db):
    assert file_db.pragma("journal_mode") == "wal"
    assert file_db.pragma("foreign_keys") == 1
    assert file_db.pragma("busy_timeout") == 5000
    assert file_db.pragma("synchronous") == 1  # NORMAL
    assert file_db.pragma("application_id") == APPLICATION_ID


def test_memory_database(db):
    assert db.pragma("foreign_keys") == 1
    assert schema_version(db) == LATEST


def test_sqlite_is_new_enough(db):
    assert sqlite_version(db) >= MIN_SQLITE == (3, 51, 3)
    assert tuple(int(x) for x in apsw.sqlite_lib_version().split(".")) >= MIN_SQLITE


def test_old_sqlite_refused(monkeypatch, db_path):
    monkeypatch.setattr(store_db, "sqlite_version", lambda db: (3, 40, 1))
    with pytest.raises(StoreError, match="3.40.1 is too old"):
        open_database(db_path)


def test_default_path_from_environment(monkeypatch, tmp_path):
    target = str(tmp_path / "env.db")
    monkeypatch.setenv("DENTLEDGER_DB", target)
    assert default_db_path() == target
    database = open_database()
    assert database.database == target and os.path.exists(target)
    database.close()


def test_default_path_in_user_data_dir(monkeypatch):
    monkeypatch.delenv("DENTLEDGER_DB", raising=False)
    path = default_db_path()
    assert path.endswith(os.path.join("dentledger", "dentledger.db"))


def test_reopen_keeps_data(db_path):
    first = open_database(db_path)
    with write_transaction(first):
        first.execute_sql("INSERT INTO setting (key, value) VALUES ('as_of', '2026-01-01')")
    first.close()
    again = open_database(db_path, create=False)
    assert again.execute_sql("SELECT value FROM setting").fetchone() == ("2026-01-01",)
    again.close()


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_not_a_sqlite_file(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is not a database " * 200)
    with pytest.raises(StoreError) as exc:
        open_database(str(path))
    assert "is not a SQLite database" in _one_line(exc)


def test_someone_elses_sqlite_database(tmp_path):
    path = str(tmp_path / "other.db")
    conn = apsw.Connection(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(StoreError) as exc:
        open_database(path)
    assert "not a DentLedger one" in _one_line(exc)


def test_newer_schema_refused(db_path):
    open_database(db_path).close()
    conn = apsw.Connection(db_path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError) as exc:
        open_database(db_path)
    assert "newer than this DentLedger" in _one_line(exc)


def test_empty_v0_file_is_migrated(tmp_path):
    path = str(tmp_path / "empty.db")
    conn = apsw.Connection(path)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    database = open_database(path)
    assert schema_version(database) == LATEST
    assert "claim_proc" in database.get_tables()
    database.close()


def test_unwritable_location(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as exc:
        open_database(str(blocker / "dentledger.db"))
    assert "cannot create a database" in _one_line(exc)


def test_missing_file_without_create(tmp_path):
    with pytest.raises(StoreError, match="no database at"):
        open_database(str(tmp_path / "missing.db"), create=False)


def test_folder_is_not_a_database(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        open_database(str(tmp_path))


def test_write_transaction_begins_immediate(db_path):
    """The write lock is taken at BEGIN: a second writer waits/fails before writing
    anything, instead of both starting and one dying with 'database is locked'."""
    first, second = open_database(db_path), open_database(db_path)
    second.timeout = 0  # fail at once instead of waiting 5 s for the lock
    try:
        with write_transaction(first):  # no statement yet: deferred BEGIN would hold no lock
            with pytest.raises(peewee.OperationalError):
                with write_transaction(second):
                    pass
            # readers are not blocked (WAL)
            assert second.execute_sql("SELECT count(*) FROM patient").fetchone() == (0,)
        with write_transaction(second):  # free again once the first commits
            second.execute_sql("INSERT INTO setting (key, value) VALUES ('k', 'v')")
    finally:
        first.close()
        second.close()


def test_nested_write_transaction_is_a_savepoint(db):
    with write_transaction(db):
        db.execute_sql("INSERT INTO setting (key, value) VALUES ('a', '1')")
        with pytest.raises(RuntimeError):
            with write_transaction(db):
                db.execute_sql("INSERT INTO setting (key, value) VALUES ('b', '2')")
                raise RuntimeError("undo the inner part")
    assert db.execute_sql("SELECT key FROM setting").fetchall() == [("a",)]


BIND_PROBE = """
import sys
from store.db import open_database
first = open_database(sys.argv[1])
assert "store.models" not in sys.modules  # opening an existing database needs no models
from store import models
assert models.Patient._meta.database is first   # bound on import to the open database
second = open_database(sys.argv[2])
assert models.Patient._meta.database is second  # and to each database opened after
assert models.Patient.select().count() == 0
print("ok")
"""


def test_models_bind_to_the_database_opened_last_even_when_imported_late(tmp_path):
    import subprocess
    import sys

    for name in ("a.db", "b.db"):
        open_database(str(tmp_path / name)).close()  # created (with the models) up front
    out = subprocess.run([sys.executable, "-c", BIND_PROBE, str(tmp_path / "a.db"),
                          str(tmp_path / "b.db")], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
