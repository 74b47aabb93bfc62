"""Checkpoints happen at idle moments, not inside a posting's commit."""
from __future__ import annotations

import pytest

import os

from store.db import WAL_AUTOCHECKPOINT_PAGES, checkpoint, open_database, write_transaction
from store.desks.frontdesk import DbFrontDesk


@pytest.mark.sqlite_only  # SQLite's write-ahead log file
def test_postings_leave_the_log_for_an_idle_checkpoint(tmp_path):
    path = str(tmp_path / "office.db")
    db = open_database(path)
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_AUTOCHECKPOINT_PAGES
    with write_transaction(db):
        db.execute_sql("INSERT INTO patient (last_name, name_lower, birthdate) "
                       "VALUES ('Idle', 'idle', '1990-01-01')")
    checkpoint(db)
    folded = os.path.getsize(path)
    for n in range(50):
        with write_transaction(db):
            db.execute_sql("INSERT INTO ledger_note (patient_id, date, text, entered_at, entered_by) "
                           "SELECT id, '2026-11-22', ?, '2026-11-22 09:00:00', 'test' FROM patient",
                           (f"{n} " + "x" * 2000,))
    assert db.execute_sql("SELECT count(*) FROM ledger_note").fetchone()[0] == 50
    # The postings' commits left their pages in the log: the database file did not grow.
    assert os.path.getsize(path + "-wal") > 50 * 2000
    assert os.path.getsize(path) == folded
    desk = DbFrontDesk(db)
    before = desk.revision()
    desk.idle()  # what the app's refresh timer calls when nothing changed
    assert os.path.getsize(path) > folded + 50 * 2000  # the idle checkpoint folded them back
    assert desk.revision() == before  # a checkpoint is not a change the screens reload for


def test_checkpoint_is_a_no_op_in_memory(monkeypatch):
    db = open_database(":memory:")
    ran = []
    monkeypatch.setattr(db, "execute_sql", lambda sql, *a, **k: ran.append(sql))
    checkpoint(db)
    assert ran == []  # no statement at all: an in-memory database has no log to fold
