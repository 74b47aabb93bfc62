"""Corrections by reversing entries, and the lock date."""
from __future__ import annotations

import json

from store import services
from store.services import EobLine
from store.services.payments import allocations_of
from svc_helpers import audit, claim_status, line, pid, refused


def test_reverse_a_patient_payment(db):
    tom = pid(db, "PAGE_T")
    proc = services.add_procedure(db, tom, "D1110", provider="DOC1", date="2026-02-01")
    pay = services.post_payment(db, tom, 9500, "check", check_no="77", date="2026-02-01")
    services.set_lock_date(db, "2026-02-28")  # the original is locked: reversing is still allowed
    back = services.reverse_payment(db, pay, note="check bounced")
    row = db.execute_sql("SELECT amount_cents, method, check_no, note, date FROM patient_payment "
                         "WHERE id = ?", (back,)).fetchone()
    assert row == (-9500, "check", "77", f"reverses payment {pay}: check bounced", "2026-03-02")
    assert allocations_of(db, back) == [(proc, -9500)]
    assert services.patient_balance(db, tom).total == 9500
    assert json.loads(audit(db, "reverse_payment")[-1][6])["reverses"] == pay
    refused(db, services.reverse_payment, pay, match="already been reversed")
    refused(db, services.reverse_payment, back, match="itself a reversal")
    refused(db, services.reverse_payment, 9999, match="no patient payment")


def test_reverse_an_adjustment(db):
    tom = pid(db, "PAGE_T")
    proc = services.add_procedure(db, tom, "D1110", provider="DOC1")
    adj = services.post_adjustment(db, tom, -1500, "COURTESY", procedure=proc)
    back = services.reverse_adjustment(db, adj)
    row = db.execute_sql("SELECT amount_cents, procedure_id, reverses_id, c.code FROM adjustment a "
                         "JOIN adjustment_code c ON c.id = a.code_id WHERE a.id = ?",
                         (back,)).fetchone()
    assert row == (1500, proc, adj, "COURTESY")  # a courtesy code may go positive to reverse
    assert services.patient_balance(db, tom).total == 9500
    refused(db, services.reverse_adjustment, adj, match="already been reversed")
    refused(db, services.reverse_adjustment, back, match="itself a reversal")
    refused(db, services.reverse_adjustment, 9999, match="no adjustment")


def test_reverse_an_insurance_payment(db):
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", provider="DOC1")
    primary, secondary = services.create_claims(db, james)
    pay = services.enter_insurance_payment(db, [EobLine(primary, x1, 14400, deductible=5000)],
                                           amount=14400, check_no="9")
    back = services.reverse_insurance_payment(db, pay)
    got = line(db, x1, "P1")
    assert (got["paid_cents"], got["writeoff_cents"], got["deductible_applied_cents"]) == (0, 0, 0)
    assert claim_status(db, primary) == "received"
    assert db.execute_sql("SELECT amount_cents, note FROM claim_payment WHERE id = ?",
                          (back,)).fetchone() == (-14400, f"reverses insurance payment {pay}")
    assert db.execute_sql("SELECT supplemental, paid_cents, writeoff_cents FROM "
                          "claim_payment_line WHERE payment_id = ?", (back,)).fetchall() == \
        [(1, -14400, -8000)]
    refused(db, services.reverse_insurance_payment, pay, match="already been reversed")
    refused(db, services.reverse_insurance_payment, back, match="itself a reversal")
    refused(db, services.reverse_insurance_payment, 9999, match="no insurance payment")


def test_lock_date_setting(db):
    services.set_lock_date(db, "2026-02-28")
    assert db.execute_sql("SELECT value FROM setting WHERE key = 'lock_date'").fetchone() == \
        ("2026-02-28",)
    services.set_lock_date(db, "2026-03-01")
    tom = pid(db, "PAGE_T")
    refused(db, services.post_payment, tom, 100, "cash", date="2026-03-01", match="lock date")
    refused(db, services.set_lock_date, "2026-03-03", match="future")
    refused(db, services.set_lock_date, "March", match="not a date")
    services.set_lock_date(db, None)
    assert services.lock_date(db) is None
    detail = json.loads(audit(db, "set_lock_date")[-1][6])
    assert detail == {"old": "2026-03-01", "new": None}
    services.post_payment(db, tom, 100, "cash", date="2026-01-01")


def test_reversal_dated_in_the_locked_period_is_refused(db):
    tom = pid(db, "PAGE_T")
    pay = services.post_payment(db, tom, 100, "cash", date="2026-02-01")
    services.set_lock_date(db, "2026-02-28")
    refused(db, services.reverse_payment, pay, date="2026-02-15", match="lock date")
