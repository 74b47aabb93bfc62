"""Checkpoints happen at idle moments, not inside a posting's commit."""
from __future__ import annotations

import os

from store.db import WAL_AUTOCHECKPOINT_PAGES, checkpoint, open_database, write_transaction
from store.desks.frontdesk import DbFrontDesk


def test_postings_leave_the_log_for_an_idle_checkpoint(tmp_path):
    path = str(tmp_path / "office.db")
    db = open_database(path)
    assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_AUTOCHECKPOINT_PAGES
    for n in range(50):
        with write_transaction(db):
            db.execute_sql("INSERT INTO ledger_note (patient_id, date, text, entered_at, entered_by) "
                           "SELECT id, '2026-11-22', ?, '2026-11-22 09:00:00', 'test' FROM patient",
                           (str(n),))
    assert os.path.getsize(path + "-wal") > 0
    desk = DbFrontDesk(db)
    before = desk.revision()
    desk.idle()  # what the app's refresh timer calls when nothing changed
    busy, log, done = db.execute_sql("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0 and log == done  # everything already folded back
    assert desk.revision() == before  # a checkpoint is not a change the screens reload for


def test_checkpoint_is_a_no_op_in_memory():
    checkpoint(open_database(":memory:"))
