"""Ledger notes and appointment outcomes: posted like money (one transaction, an audit row,
the family's card rebuilt), refused like money (nothing written)."""
from __future__ import annotations

import json

from store import services
from store.desks.frontdesk import DbFrontDesk
from svc_helpers import audit, pid, refused


def test_a_note_is_a_line_on_the_card(db):
    tom = pid(db, "PAGE_T")
    note = services.add_ledger_note(db, tom, "  Called about\tthe balance;\x1b[2J will pay Friday ")
    row = db.execute_sql("SELECT text, date, entered_by FROM ledger_note WHERE id = ?",
                         (note,)).fetchone()
    assert row == ("Called about the balance;␛[2J will pay Friday", "2026-03-02", "maria")
    card = DbFrontDesk(db).card("PAGE_T")
    assert any("will pay Friday" in " ".join(r.cells.values()) for r in card.rows)
    assert json.loads(audit(db, "ledger_note")[-1][6])["patient"] == tom


def test_appointments_count_on_the_card(db):
    tom = pid(db, "PAGE_T")
    before = DbFrontDesk(db).account("PAGE_T").totals
    services.record_appointment(db, tom, "kept", date="2026-02-27")
    services.record_appointment(db, tom, "Failed")  # today; any case
    services.record_appointment(db, tom, "scheduled", date="2026-03-09")
    after = DbFrontDesk(db).account("PAGE_T").totals
    assert (after.kept, after.failed) == (before.kept + 1, before.failed + 1)
    assert [json.loads(a[6])["status"] for a in audit(db, "appointment")] == [
        "kept", "failed", "scheduled"]


def test_refusals(db):
    tom = pid(db, "PAGE_T")
    refused(db, services.add_ledger_note, 9999, "hello", match="no patient")
    refused(db, services.add_ledger_note, tom, " \t ", match="needs some text")
    refused(db, services.add_ledger_note, tom, "x" * 501, match="at most 500")
    refused(db, services.add_ledger_note, tom, "hello", date="03/02/2026", match="date")
    refused(db, services.record_appointment, tom, "no-show", match="kept, cancelled, failed")
    refused(db, services.record_appointment, tom, "kept", date="2026-03-03", match="future")
    refused(db, services.record_appointment, tom, "scheduled", date="2026-03-01",
            match="today or later")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.add_ledger_note, tom, "late", date="2026-02-28", match="lock date")
    refused(db, services.record_appointment, tom, "kept", date="2026-02-01", match="lock date")
