"""Adjustments: typed codes, signed amounts, optional procedure, codes created on request."""
from __future__ import annotations

import json

from store import services
from svc_helpers import audit, counts, pid, refused


def test_adjustment_on_a_procedure(db):
    tom = pid(db, "PAGE_T")
    proc = services.add_procedure(db, tom, "D1110", provider="DOC1")
    adj = services.post_adjustment(db, tom, -1000, "COURTESY", procedure=proc, note="family friend")
    row = db.execute_sql("SELECT a.amount_cents, c.code, a.procedure_id, a.note, a.date, "
                         "a.entered_by FROM adjustment a JOIN adjustment_code c ON "
                         "c.id = a.code_id WHERE a.id = ?", (adj,)).fetchone()
    assert row == (-1000, "COURTESY", proc, "family friend", "2026-03-02", "maria")
    assert services.patient_balance(db, tom).total == 9500 - 1000
    assert json.loads(audit(db, "adjustment")[-1][6])["kind"] == "courtesy"


def test_finance_charge_without_a_procedure(db):
    tom = pid(db, "PAGE_T")
    services.post_adjustment(db, tom, 250, "FINANCE", date="2026-03-01")
    assert services.patient_balance(db, tom).total == 250


def test_a_missing_code_is_created_only_when_asked(db):
    tom = pid(db, "PAGE_T")
    refused(db, services.post_adjustment, tom, -500, "SENIOR", match="no adjustment code")
    refused(db, services.post_adjustment, tom, -500, "SENIOR", create_code=True, kind="bogus",
            match="kind")
    services.post_adjustment(db, tom, -500, "SENIOR", create_code=True, kind="discount")
    row = db.execute_sql("SELECT kind, declared FROM adjustment_code WHERE code = 'SENIOR'")
    assert row.fetchone() == ("discount", 1)
    before = counts(db)["adjustment_code"]
    services.post_adjustment(db, tom, -500, "SENIOR", create_code=True)  # exists: reused
    assert counts(db)["adjustment_code"] == before
    assert json.loads(audit(db, "adjustment")[-1][6])["code_created"] is False


def test_refusals(db):
    tom, james = pid(db, "PAGE_T"), pid(db, "WILSON_J")
    jims = services.add_procedure(db, james, "D1110", provider="DOC1")
    refused(db, services.post_adjustment, 9999, -100, "COURTESY", match="no patient")
    refused(db, services.post_adjustment, tom, 0, "COURTESY", match="0.00")
    refused(db, services.post_adjustment, tom, 100, "COURTESY", match="must be negative")
    refused(db, services.post_adjustment, tom, -100, "FINANCE", match="must be positive")
    refused(db, services.post_adjustment, tom, -100, "", match="needs a code")
    refused(db, services.post_adjustment, tom, -100, "COURTESY", kind="discount",
            match="courtesy code")
    refused(db, services.post_adjustment, tom, -100, "COURTESY", procedure=jims,
            match="another patient")
    refused(db, services.post_adjustment, tom, -100, "COURTESY", procedure=9999,
            match="no procedure")
    gone = services.add_procedure(db, tom, "D1110", provider="DOC1", planned=True)
    services.delete_procedure(db, gone)
    refused(db, services.post_adjustment, tom, -100, "COURTESY", procedure=gone,
            match="deleted")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.post_adjustment, tom, -100, "COURTESY", date="2026-01-31",
            match="lock date")
