"""The ledger card with split patient payments (per-procedure parts) and posting stamps
(the Detail group's Trans Date, Trans Time, User, Location)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from estimator import ledger
from estimator.ledger import Aging, Balance
from estimator.model import (
    Adjustment, Allocation, Carrier, Claim, ClaimPayment, ClaimPaymentLine, Coverage, LedgerNote,
    Patient, PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider, Stamp,
)
from estimator.results import NOT_RECEIVED, RECEIVED, LineEstimate

TODAY = date(2026, 6, 30)
D1 = date(2026, 6, 1)
D2 = date(2026, 6, 20)
DESK = Stamp(datetime(2026, 6, 20, 14, 5, 9), "maria", "FRONT1", "Main St")


def practice(*payments: PatientPayment, **kw) -> Practice:
    """ANN: X1 150.00 and X2 80.00 completed on D1, X3 planned; KID: K1 50.00. No insurance."""
    base = dict(
        as_of=TODAY, providers=(Provider("DOC", "Reyes, Ana"),),
        procedure_codes=(ProcedureCode("D2391", "restorative", "Composite"),
                         ProcedureCode("D1110", "preventive", "Cleaning")),
        patients=(Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN"),
                  Patient("KID", "Lee, Kid", date(2015, 1, 1), "ANN")),
        procedures=(Procedure("X1", "ANN", "D2391", D1, 15000, "DOC", "complete"),
                    Procedure("X2", "ANN", "D1110", D1, 8000, "DOC", "complete"),
                    Procedure("X3", "ANN", "D1110", D1, 8000, "DOC", "planned"),
                    Procedure("K1", "KID", "D1110", D1, 5000, "DOC", "complete")),
        patient_payments=payments,
    )
    base.update(kw)
    return Practice(**base)


def split(amount=20000, *parts, when=D2, **kw) -> PatientPayment:
    return PatientPayment("ANN", when, amount, "check",
                          allocations=tuple(Allocation(p, a) for p, a in parts), **kw)


def card(p: Practice, estimates=None, patient="ANN"):
    return ledger.build_card(p, estimates or {}, patient, today=TODAY)


def proc_rows(c) -> dict:
    return {r.ref.split(":")[1]: r for r in c.rows if r.kind == "procedure"}


# --- split payments -------------------------------------------------------------------

def test_each_procedure_is_reduced_by_its_part_and_the_rest_is_a_credit():
    p = practice(split(20000, ("X1", 12000), ("X2", 5000)))
    rows = proc_rows(card(p))
    assert (rows["X1"].values["proc_bal"], rows["X1"].values["pt_bal"]) == (3000, 3000)
    assert (rows["X2"].values["proc_bal"], rows["X2"].values["pt_bal"]) == (3000, 3000)
    assert rows["X1"].marker == rows["X2"].marker == "P"
    # the account is right whichever way the payment is split: 230.00 - 200.00
    assert ledger.balances(p, {})["ANN"] == Balance(3000, 0, 3000)
    # 60.00 owed on D1 (30 days before today), less the 30.00 unallocated credit
    assert ledger.aging(p, {}, ["ANN"], TODAY) == Aging(3000, 0, 0, 0)


def test_a_split_that_pays_both_in_full_marks_both_paid():
    p = practice(split(23000, ("X1", 15000), ("X2", 8000)))
    rows = proc_rows(card(p))
    assert [(r.values["proc_bal"], r.marker) for r in rows.values()] == [(0, "="), (0, "=")]


def test_the_v1_procedure_form_still_puts_the_whole_amount_on_one_procedure():
    p = practice(PatientPayment("ANN", D2, 20000, "check", procedure="X1"))
    rows = proc_rows(card(p))
    assert (rows["X1"].values["proc_bal"], rows["X2"].values["proc_bal"]) == (-5000, 8000)
    assert ledger.balances(p, {})["ANN"].total == 3000


def test_unallocated_rest_ages_as_a_credit_and_parts_age_with_their_procedure():
    old = date(2026, 1, 2)
    p = practice(split(10000, ("X2", 8000), when=TODAY),
                 procedures=(Procedure("X1", "ANN", "D2391", old, 15000, "DOC", "complete"),
                             Procedure("X2", "ANN", "D1110", D2, 8000, "DOC", "complete")))
    # X1 (over 90) is paid by the 20.00 credit first; X2 is settled by its own part
    assert ledger.aging(p, {}, ["ANN"], TODAY) == Aging(0, 0, 0, 13000)


def test_a_refund_split_adds_back_to_each_procedure():
    p = practice(split(23000, ("X1", 15000), ("X2", 8000), when=D1),
                 split(-3000, ("X1", -1000), ("X2", -500)))
    rows = proc_rows(card(p))
    assert (rows["X1"].values["proc_bal"], rows["X2"].values["proc_bal"]) == (1000, 500)
    assert ledger.balances(p, {})["ANN"].total == 3000  # 15.00 of the refund was unallocated


def test_parts_on_planned_work_or_another_patients_work_stay_on_the_payers_account():
    p = practice(split(10000, ("X1", 4000), ("X3", 1000), ("K1", 2000)))
    rows = proc_rows(card(p))
    # the 60.00 not on ANN's completed work shows on the family's oldest lines (issue 11):
    # K1 (50.00, the first id on D1), then 10.00 of X1's 110.00; the accounts do not move
    assert rows["X1"].values["proc_bal"] == 10000
    assert proc_rows(card(p, patient="KID"))["K1"].values["proc_bal"] == 0
    bal = ledger.balances(p, {})
    assert (bal["ANN"].total, bal["KID"].total) == (13000, 5000)
    # aging: X1's 110.00 and X2's 80.00, less the 60.00 not on ANN's completed work
    assert ledger.aging(p, {}, ["ANN"], TODAY).total == 13000


def test_split_with_insurance_splits_what_the_patient_owes():
    p = practice(
        split(10000, ("X1", 6000), ("X2", 4000)),
        carriers=(Carrier("DELTA", "Delta"),), plans=(Plan("P1", "DELTA", "ANN", "ppo"),),
        patients=(Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN", (Coverage("P1", 1),)),
                  Patient("KID", "Lee, Kid", date(2015, 1, 1), "ANN")),
        claims=(Claim("C1", "P1", ("X1", "X2"), "sent", D1),))
    e = {("X1", "P1"): LineEstimate("X1", "P1", 1, NOT_RECEIVED, ins_est=9000, claim="C1"),
         ("X2", "P1"): LineEstimate("X2", "P1", 1, NOT_RECEIVED, ins_est=4000, claim="C1")}
    rows = proc_rows(card(p, e))
    x1, x2 = rows["X1"].values, rows["X2"].values
    assert (x1["proc_bal"], x1["ins_bal"], x1["pt_bal"]) == (9000, 9000, 0)
    assert (x2["proc_bal"], x2["ins_bal"], x2["pt_bal"]) == (4000, 4000, 0)
    assert rows["X1"].marker == rows["X2"].marker == "I"


def test_payment_row_names_every_procedure_it_went_to():
    c = card(practice(split(20000, ("X1", 12000), ("X2", 5000)),
                      PatientPayment("ANN", D2, 100, "cash")))
    services = [r.cells["service"] for r in c.rows if r.kind == "patient_payment"]
    assert services == ["Patient payment (D2391, D1110)", "Patient payment"]


# --- stamps ---------------------------------------------------------------------------

def _stamped_practice() -> Practice:
    annex = Stamp(datetime(2026, 6, 1, 8, 0, 1), "bo")
    p = practice(
        split(20000, ("X1", 12000), stamp=DESK),
        carriers=(Carrier("DELTA", "Delta", "WO-DELTA"),),
        plans=(Plan("P1", "DELTA", "ANN", "ppo"),),
        claims=(Claim("C1", "P1", ("X1",), "sent", D1),),
        claim_payments=(ClaimPayment("C1", D2, (ClaimPaymentLine("X1", 1000, 500),),
                                     stamp=replace(DESK, user="amy")),),
        adjustments=(Adjustment("ANN", D2, -100, "DISC", stamp=DESK),),
        ledger_notes=(LedgerNote("ANN", D2, "called", DESK),),
    )
    procs = (replace(p.procedures[0], stamp=annex),) + p.procedures[1:]
    return replace(p, procedures=procs)


def test_detail_columns_come_from_the_stamp():
    est = {("X1", "P1"): LineEstimate("X1", "P1", 1, RECEIVED, claim="C1", paid=1000, writeoff=500)}
    rows = card(_stamped_practice(), est).rows
    detail = {(r.kind, r.cells["code"] if "code" in r.cells else r.cells["service"]):
              tuple(r.cells.get(k) for k in ("trans_date", "trans_time", "user", "location"))
              for r in rows if r.kind != "day_summary"}
    assert detail == {
        ("procedure", "0D2391"): ("2026-06-01", "08:00:01", "bo", None),
        ("procedure", "0D1110"): (None, None, None, None),  # not recorded: blank
        ("insurance_payment", "1D2391"): ("2026-06-20", "14:05:09", "amy", "Main St"),
        ("adjustment", "9WO-DELTA"): ("2026-06-20", "14:05:09", "amy", "Main St"),
        ("patient_payment", "3CHECK"): ("2026-06-20", "14:05:09", "maria", "Main St"),
        ("adjustment", "9DISC"): ("2026-06-20", "14:05:09", "maria", "Main St"),
        ("note", "Note: called"): ("2026-06-20", "14:05:09", "maria", "Main St"),
    }


def test_stamps_change_no_money():
    est = {("X1", "P1"): LineEstimate("X1", "P1", 1, RECEIVED, claim="C1", paid=1000, writeoff=500)}
    stamped = _stamped_practice()
    bare = replace(stamped,
                   procedures=tuple(replace(x, stamp=None) for x in stamped.procedures),
                   patient_payments=tuple(replace(x, stamp=None) for x in stamped.patient_payments),
                   claim_payments=tuple(replace(x, stamp=None) for x in stamped.claim_payments),
                   adjustments=tuple(replace(x, stamp=None) for x in stamped.adjustments),
                   ledger_notes=tuple(replace(x, stamp=None) for x in stamped.ledger_notes))
    a, b = card(stamped, est), card(bare, est)
    assert [r.values for r in a.rows] == [r.values for r in b.rows]
    assert a.summary == b.summary and a.totals == b.totals
