"""Insurance payments: receiving claims by procedure, write-offs, denials, supplemental
payments, the hold release and the re-estimate of the secondary."""
from __future__ import annotations

import json

from store import services
from store.services import EobLine
from svc_helpers import audit, claim_status, line, pid, refused


def _billed(db, sent: bool = True):
    """James: two scalings (260.00 each) billed to Delta (PPO, allowed 180) and Aetna.
    Estimates: X1 (180 - 50) x 80% = 104.00, X2 144.00, write-off 80.00 each."""
    james = pid(db, "WILSON_J")
    x1 = services.add_procedure(db, james, "D4341", provider="DOC1", date="2026-03-02")
    x2 = services.add_procedure(db, james, "D4341", provider="DOC1", date="2026-03-02")
    primary, secondary = services.create_claims(db, james)
    if sent:
        services.send_claim(db, primary)
    return james, x1, x2, primary, secondary


def _pay_primary(db, primary, x1, x2, **kw):
    return services.enter_insurance_payment(
        db, [EobLine(primary, x1, 14400), EobLine(primary, x2, 14400)], amount=28800,
        check_no="8830112", bank_no="021000021", date="2026-03-20", **kw)


def test_primary_received_estimate_frozen_secondary_released_and_re_estimated(db):
    james, x1, x2, primary, secondary = _billed(db)
    assert line(db, x1, "P2")["ins_est_cents"] == 7600  # min(105, 260 - 104 - 80)
    pay = _pay_primary(db, primary, x1, x2)
    assert claim_status(db, primary) == "received"
    got = line(db, x1, "P1")
    assert (got["status"], got["frozen"], got["paid_cents"], got["writeoff_cents"]) == \
        ("received", 1, 14400, 8000)  # write-off defaults to the estimate
    assert got["ins_est_cents"] == 10400  # the estimate made before payment is kept
    # the secondary now sees what the primary really paid: min(105, 260 - 144 - 80) = 36
    assert claim_status(db, secondary) == "unsent"
    assert line(db, x1, "P2")["ins_est_cents"] == 3600
    assert line(db, x1, "P2")["status"] == "not_received"
    row = db.execute_sql("SELECT claim_id, check_no, bank_no, date, amount_cents, c.file_id "
                         "FROM claim_payment p JOIN carrier c ON c.id = p.carrier_id "
                         "WHERE p.id = ?", (pay,)).fetchone()
    assert row == (primary, "8830112", "021000021", "2026-03-20", 28800, "DELTA")
    lines = db.execute_sql("SELECT paid_cents, writeoff_cents, supplemental, denied, entered_by "
                           "FROM claim_payment_line WHERE payment_id = ?", (pay,)).fetchall()
    assert lines == [(14400, 8000, 0, 0, "maria")] * 2
    detail = json.loads(audit(db, "insurance_payment")[-1][6])
    assert (detail["released"], detail["writeoff_code"]) == ([secondary], "WO-DELTA")
    assert services.patient_balance(db, james).total == 52000 - 28800 - 16000


def test_unsent_and_queued_claims_can_be_paid(db):
    james, x1, x2, primary, secondary = _billed(db, sent=False)
    _pay_primary(db, primary, x1, x2)
    assert claim_status(db, primary) == "received"


def test_explicit_write_off_and_deductible_and_remarks(db):
    james, x1, x2, primary, secondary = _billed(db)
    services.enter_insurance_payment(
        db, [EobLine(primary, x1, 10400, writeoff=7000, deductible=5000, remarks="ded applied"),
             EobLine(primary, x2, 14400, writeoff=8000)], amount=24800, check_no="1")
    got = line(db, x1, "P1")
    assert (got["paid_cents"], got["writeoff_cents"], got["deductible_applied_cents"]) == \
        (10400, 7000, 5000)
    assert db.execute_sql("SELECT remarks FROM claim_payment_line ORDER BY id").fetchone() == \
        ("ded applied",)


def test_default_write_off_is_cut_to_the_charge(db):
    james, x1, x2, primary, secondary = _billed(db)
    services.enter_insurance_payment(db, [EobLine(primary, x1, 20000), EobLine(primary, x2, 0)],
                                     amount=20000, check_no="1")
    assert line(db, x1, "P1")["writeoff_cents"] == 6000  # 260 - 200, not the 80 estimated


def test_lines_left_off_the_eob_are_received_at_zero(db):
    james, x1, x2, primary, secondary = _billed(db)
    services.enter_insurance_payment(db, [EobLine(primary, x1, 14400)], amount=14400,
                                     check_no="1")
    got = line(db, x2, "P1")
    assert (got["status"], got["paid_cents"], got["writeoff_cents"]) == ("received", 0, 0)
    assert db.execute_sql("SELECT count(*) FROM claim_payment_line").fetchone() == (2,)


def test_denied_line(db):
    james, x1, x2, primary, secondary = _billed(db)
    services.deny_lines(db, primary, [x1], remarks="frequency")
    row = db.execute_sql("SELECT l.paid_cents, l.writeoff_cents, l.denied, l.remarks FROM "
                         "claim_payment_line l JOIN claim_proc cp ON cp.id = l.claim_proc_id "
                         "WHERE cp.procedure_id = ? AND cp.plan_id = ?",
                         (x1, pid(db, "P1", "plan"))).fetchone()
    assert row == (0, 0, 1, "frequency")
    # the rest of the claim stays open: X1 moved to a claim of its own, received by the denial
    assert claim_status(db, primary) == "sent"
    assert line(db, x2, "P1")["status"] == "not_received"
    assert line(db, x2, "P1")["claim_id"] == primary and line(db, x2, "P1")["claim_seq"] == 1
    denied = line(db, x1, "P1")
    assert denied["status"] == "received" and denied["paid_cents"] == 0
    assert claim_status(db, denied["claim_id"]) == "received"
    assert db.execute_sql("SELECT c.claim_no, c.sent_date, o.claim_no, o.sent_date FROM claim c, "
                          "claim o WHERE c.id = ? AND o.id = ?",
                          (denied["claim_id"], primary)).fetchone() == \
        ("C%06d-1" % primary, "2026-03-02", "C%06d" % primary, "2026-03-02")
    # the patient owes the denied work; insurance is still expected on X2
    balance = services.patient_balance(db, james)
    assert balance.insurance == line(db, x2, "P1")["ins_est_cents"] + 8000 + \
        line(db, x1, "P2")["ins_est_cents"] + line(db, x2, "P2")["ins_est_cents"]
    refused(db, services.deny_lines, primary, [x1], match="not on claim")
    refused(db, services.deny_lines, primary, [], match="name the procedures")
    services.deny_lines(db, primary, [x2])  # the last open line: the claim itself is received
    assert claim_status(db, primary) == "received"
    assert db.execute_sql("SELECT count(*) FROM claim").fetchone()[0] == 3
    refused(db, services.deny_lines, primary, [x2], match="already received")


def test_a_check_after_a_denial_receives_the_rest_of_the_claim(db):
    james, x1, x2, primary, secondary = _billed(db)
    services.deny_lines(db, primary, [x1])
    services.enter_insurance_payment(db, [EobLine(primary, x2, 14400)], amount=14400,
                                     check_no="77")
    assert claim_status(db, primary) == "received"
    assert line(db, x2, "P1")["paid_cents"] == 14400
    assert db.execute_sql("SELECT count(*) FROM claim_payment_line").fetchone() == (2,)


def test_supplemental_payments(db):
    james, x1, x2, primary, secondary = _billed(db)
    _pay_primary(db, primary, x1, x2)
    more = services.enter_insurance_payment(db, [EobLine(primary, x1, 1000)], amount=1000,
                                            check_no="2")
    assert db.execute_sql("SELECT supplemental FROM claim_payment_line WHERE payment_id = ?",
                          (more,)).fetchall() == [(1,)]
    assert line(db, x1, "P1")["paid_cents"] == 15400
    assert line(db, x1, "P1")["ins_est_cents"] == 10400
    back = services.enter_insurance_payment(db, [EobLine(primary, x1, -2500)], amount=-2500,
                                            check_no="3")
    assert line(db, x1, "P1")["paid_cents"] == 12900
    assert db.execute_sql("SELECT count(*) FROM claim_payment_line WHERE payment_id = ?",
                          (back,)).fetchone() == (1,)  # no zero lines on a supplemental
    refused(db, services.enter_insurance_payment, [EobLine(primary, x2, -20000)], amount=-20000,
            match="negative paid")


def test_one_check_for_two_claims_of_one_carrier(db):
    james, x1, x2, primary, secondary = _billed(db)
    _pay_primary(db, primary, x1, x2)
    claire = pid(db, "WILSON_C")
    c1 = services.add_procedure(db, claire, "D2392", provider="DOC1")
    (claires,) = services.create_claims(db, claire)
    services.send_claim(db, secondary)
    pay = services.enter_insurance_payment(
        db, [EobLine(secondary, x1, 3600), EobLine(secondary, x2, 3000),
             EobLine(claires, c1, 6500)], amount=13100, check_no="AET-9")
    assert claim_status(db, secondary) == claim_status(db, claires) == "received"
    assert db.execute_sql("SELECT claim_id FROM claim_payment WHERE id = ?",
                          (pay,)).fetchone() == (None,)
    assert services.patient_balance(db, james).total == 600


def test_refusals(db):
    james, x1, x2, primary, secondary = _billed(db)
    claire = pid(db, "WILSON_C")
    services.add_procedure(db, claire, "D2392", provider="DOC1")
    (claires,) = services.create_claims(db, claire)
    pay = services.enter_insurance_payment
    refused(db, pay, [EobLine(primary, x1, 14400)], amount=14000, match="must be equal")
    refused(db, pay, [EobLine(primary, x1, 14400, writeoff=20000)], amount=14400,
            match="the account would show a credit of 84.00")
    refused(db, pay, [EobLine(secondary, x1, 100)], amount=100, match="on hold")
    refused(db, pay, [EobLine(9999, x1, 100)], amount=100, match="no claim")
    refused(db, pay, [EobLine(primary, 9999, 100)], amount=100, match="no procedure")
    other = services.add_procedure(db, james, "D1110", provider="DOC1")
    refused(db, pay, [EobLine(primary, other, 100)], amount=100, match="not on claim")
    refused(db, pay, [EobLine(primary, x1, 100), EobLine(primary, x1, 100)], amount=200,
            match="twice")
    refused(db, pay, [EobLine(primary, x1, -100)], amount=-100, match="cannot be negative")
    refused(db, pay, [EobLine(primary, x1, 100, denied=True)], amount=100, match="denied")
    refused(db, pay, [EobLine(primary, x1, 100), EobLine(claires, x1, 100)], amount=200,
            match="one carrier")
    refused(db, pay, [], amount=0, match="at least one")
    refused(db, pay, [EobLine(primary, x1, 100)], amount="1.00", match="cents")
    pre = services.create_preauth(db, james, [x1])
    refused(db, pay, [EobLine(pre, x1, 100)], amount=100, match="pre-authorization")
    services.set_lock_date(db, "2026-02-28")
    refused(db, pay, [EobLine(primary, x1, 100)], amount=100, date="2026-02-27",
            match="lock date")


def test_full_cycle_reaches_zero(db):
    james, x1, x2, primary, secondary = _billed(db)
    _pay_primary(db, primary, x1, x2)
    services.send_claim(db, secondary)
    services.enter_insurance_payment(
        db, [EobLine(secondary, x1, 3600, deductible=5000), EobLine(secondary, x2, 3000)],
        amount=6600, check_no="551200", date="2026-04-10")
    assert line(db, x2, "P2")["ins_est_cents"] == 3600  # estimate kept, paid 30.00
    balance = services.patient_balance(db, james)
    assert (balance.total, balance.insurance, balance.patient) == (600, 0, 600)
    services.post_payment(db, james, 600, "card", date="2026-04-15")
    balance = services.patient_balance(db, james)
    assert (balance.total, balance.insurance, balance.patient) == (0, 0, 0)


def test_a_released_secondary_cannot_go_back_on_hold(db):
    """Hold means waiting for an earlier plan: once every earlier line is received it is refused
    (the card and a file read it as unsent, so a stored hold would contradict them)."""
    james, x1, x2, primary, secondary = _billed(db)
    services.set_claim_status(db, secondary, "unsent")
    services.set_claim_status(db, secondary, "hold")      # the primary is not received yet
    _pay_primary(db, primary, x1, x2)
    assert claim_status(db, secondary) == "unsent"
    refused(db, services.set_claim_status, secondary, "hold", match="waits for nothing")
