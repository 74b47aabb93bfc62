"""Ledger arithmetic on small hand-built practices with hand-made claim procedures."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from estimator import ledger
from estimator.ledger import Aging, Balance, card_columns
from estimator.model import (
    Adjustment, AdjustmentCode, Appointment, Carrier, Claim, ClaimPayment, ClaimPaymentLine, Coverage,
    FeeSchedule, LedgerNote, Patient, PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider,
)
from estimator.results import CAP_COMPLETE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED, LineEstimate

TODAY = date(2026, 6, 30)
D1 = date(2026, 6, 1)
D2 = date(2026, 6, 20)


def practice(**kw) -> Practice:
    base = dict(
        as_of=TODAY,
        providers=(Provider("DOC", "Reyes, Ana"),),
        procedure_codes=(
            ProcedureCode("D0120", "diagnostic", "Periodic exam"),
            ProcedureCode("D2392", "restorative", "Composite, 2 surfaces"),
            ProcedureCode("D2740", "crowns", "Crown"),
        ),
        carriers=(Carrier("DELTA", "Delta Dental", "WO-DELTA"), Carrier("MET", "MetLife")),
        plans=(Plan("P1", "DELTA", "ANN", "ppo"), Plan("P2", "MET", "BOB", "percentage")),
        patients=(
            Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN", (Coverage("P1", 1),)),
            Patient("KID", "Lee, Kid", date(2015, 1, 1), "ANN", (Coverage("P1", 1), Coverage("P2", 2))),
            Patient("SOLO", "Solo, Sam", date(1970, 1, 1), "SOLO"),
        ),
    )
    base.update(kw)
    return Practice(**base)


def proc(pid, patient="ANN", code="D0120", fee=10000, when=D1, status="complete", **kw) -> Procedure:
    return Procedure(pid, patient, code, when, fee, "DOC", status, **kw)


def line(pid, plan="P1", order=1, status=ESTIMATE, ins=0, wo=0, **kw) -> LineEstimate:
    return LineEstimate(pid, plan, order, status, ins_est=ins, writeoff_est=wo, **kw)


def est(*lines: LineEstimate) -> dict:
    return {(ln.procedure, ln.plan): ln for ln in lines}


def bal(total, insurance, writeoff=0) -> Balance:
    return Balance(total, insurance, total - insurance, writeoff)


# --- balances ---------------------------------------------------------------------

def test_overpayment_is_a_credit_and_a_refund_adjustment_reduces_it():
    p = practice(
        procedures=(proc("S1", "SOLO", fee=10000),),
        patient_payments=(PatientPayment("SOLO", D1, 15000, "cash"),),
    )
    assert ledger.balances(p, {})["SOLO"] == bal(-5000, 0)
    refunded = replace(p, adjustments=(Adjustment("SOLO", D2, 3000, "REFUND"),))
    assert ledger.balances(refunded, {})["SOLO"] == bal(-2000, 0)
    # A refund may also be a negative payment.
    as_payment = replace(p, patient_payments=p.patient_payments + (PatientPayment("SOLO", D2, -5000, "check"),))
    assert ledger.balances(as_payment, {})["SOLO"] == bal(0, 0)


def test_unpaid_claim_is_insurance_part_and_planned_work_owes_nothing():
    p = practice(
        procedures=(proc("A1", fee=19000, code="D2392"), proc("A2", fee=50000, status="planned")),
        claims=(Claim("C1", "P1", ("A1",), "sent", D1),),
    )
    e = est(line("A1", status=NOT_RECEIVED, ins=6800, wo=5500, claim="C1"), line("A2", ins=20000))
    assert ledger.balances(p, e)["ANN"] == bal(19000, 12300, 5500)


def test_not_billed_yet_counts_but_do_not_bill_and_preauth_do_not():
    p = practice(procedures=(proc("A1"), proc("A2"), proc("A3")))
    e = est(line("A1", ins=4000, wo=1000), line("A2", ins=4000, no_bill=True),
            line("A3", status=PREAUTH, ins=4000))
    assert ledger.balances(p, e)["ANN"] == bal(30000, 5000, 1000)


def test_received_claim_posts_payment_and_writeoff():
    p = practice(
        procedures=(proc("A1", fee=19500),),
        claims=(Claim("C1", "P1", ("A1",), "sent", D1),),
        claim_payments=(ClaimPayment("C1", D2, (ClaimPaymentLine("A1", 8800, 6000, 2500),)),),
    )
    e = est(line("A1", status=RECEIVED, ins=6800, wo=6000, claim="C1", paid=8800, writeoff=6000))
    assert ledger.balances(p, e)["ANN"] == bal(4700, 0)
    assert ledger.patient_portion(p, e, "A1") == 4700
    assert ledger.claim_totals(p, e)["C1"] == {"status": "received", "writeoff": 6000, "ins_est": 6800, "paid": 8800}


def test_capitation_writeoff_is_posted_not_insurance():
    p = practice(
        plans=(Plan("P1", "DELTA", "ANN", "capitation"),),
        procedures=(proc("A1", fee=20000), proc("A2", fee=110000, status="planned")),
    )
    e = est(line("A1", status=CAP_COMPLETE, wo=12500, writeoff=12500), line("A2", status="cap_estimate", wo=75000))
    assert ledger.balances(p, e)["ANN"] == bal(7500, 0)
    assert ledger.patient_portion(p, e, "A1") == 7500
    assert ledger.patient_portion(p, e, "A2") == 35000
    card = ledger.build_card(p, e, "ANN", today=TODAY)
    wo = [r for r in card.rows if r.kind == "adjustment"]
    assert [(r.cells["code"], r.values["adjust"]) for r in wo] == [("9WO-DELTA", -12500)]
    assert card.totals.balance == 7500


def test_payments_belong_to_the_patient_they_were_posted_to():
    p = practice(
        procedures=(proc("K1", "KID", fee=8000),),
        # The guarantor pays "for" the child's procedure: it stays on the guarantor's account.
        patient_payments=(PatientPayment("ANN", D1, 8000, "card", procedure="K1"),),
    )
    got = ledger.balances(p, {})
    assert got["KID"].total == 8000 and got["ANN"].total == -8000
    card = ledger.build_card(p, {}, "KID", today=TODAY)
    # ... but the family is at 0.00: the line shows the guarantor's money applied (issue 11)
    assert card.rows[0].values["proc_bal"] == 0 and card.rows[0].marker == "="
    assert card.summary.balance.total == 8000 and card.summary.family_total == 0


def test_patient_portion_with_two_plans_and_adjustment():
    p = practice(
        procedures=(proc("K1", "KID", fee=19000),),
        adjustments=(Adjustment("KID", D2, -1000, "COURTESY", procedure="K1"),),
    )
    e = est(line("K1", ins=7200, wo=5000), line("K1", "P2", 2, ins=5750))
    assert ledger.patient_portion(p, e, "K1") == 19000 - 7200 - 5000 - 5750 - 1000
    with pytest.raises(KeyError):
        ledger.patient_portion(p, e, "nope")


def test_claim_totals_before_received_use_writeoff_estimate():
    p = practice(
        procedures=(proc("A1"), proc("A2")),
        claims=(Claim("C1", "P1", ("A1", "A2"), "sent", D1),),
    )
    e = est(line("A1", status=NOT_RECEIVED, ins=4000, wo=1000, claim="C1"),
            line("A2", status=NOT_RECEIVED, ins=3000, wo=500, claim="C1"))
    assert ledger.claim_totals(p, e)["C1"] == {"status": "sent", "writeoff": 1500, "ins_est": 7000, "paid": 0}


# --- aging ---------------------------------------------------------------------

def test_aging_buckets_and_fifo_credits():
    p = practice(
        procedures=(
            proc("A1", fee=1000, when=date(2026, 6, 10)),   # 20 days
            proc("A2", fee=2000, when=date(2026, 5, 16)),   # 45 days
            proc("A3", fee=4000, when=date(2026, 4, 16)),   # 75 days
            proc("A4", fee=8000, when=date(2026, 1, 2)),    # 179 days
        ),
    )
    assert ledger.aging(p, {}, ["ANN"], TODAY) == Aging(1000, 2000, 4000, 8000)
    paid = replace(p, patient_payments=(PatientPayment("ANN", TODAY, 9000, "cash"),))
    assert ledger.aging(paid, {}, ["ANN"], TODAY) == Aging(1000, 2000, 3000, 0)
    over = replace(p, patient_payments=(PatientPayment("ANN", TODAY, 20000, "cash"),))
    assert ledger.aging(over, {}, ["ANN"], TODAY) == Aging(-5000, 0, 0, 0)


def test_aging_boundaries():
    p = practice(procedures=tuple(proc(f"A{d}", fee=100, when=date.fromordinal(TODAY.toordinal() - d))
                                  for d in (30, 31, 60, 61, 90, 91)))
    assert ledger.aging(p, {}, ["ANN"], TODAY) == Aging(100, 200, 200, 100)


def test_allocated_payment_ages_with_its_procedure():
    p = practice(
        procedures=(proc("A1", fee=5000, when=date(2026, 1, 2)), proc("A2", fee=5000, when=D2)),
        patient_payments=(PatientPayment("ANN", TODAY, 5000, "cash", procedure="A2"),),
    )
    assert ledger.aging(p, {}, ["ANN"], TODAY) == Aging(0, 0, 0, 5000)


# --- the card ---------------------------------------------------------------------

def _card_practice() -> Practice:
    return practice(
        adjustment_codes=(AdjustmentCode("CONV", "converted", "Balance from old system"),),
        procedures=(
            proc("A1", fee=6500, when=D1),
            proc("A2", code="D2392", fee=19500, when=D1, tooth="30", surface="MO"),
            proc("A3", code="D2740", fee=100000, when=D2, visits=(date(2026, 6, 25),)),
            proc("A9", fee=9999, when=D2, status="planned"),
        ),
        claims=(Claim("C1", "P1", ("A1", "A2"), "sent", D1), Claim("C2", "P1", ("A3",), "queued", D2)),
        claim_payments=(ClaimPayment("C1", D2, (ClaimPaymentLine("A1", 4200, 2300),
                                                 ClaimPaymentLine("A2", 6800, 6000))),),
        patient_payments=(PatientPayment("ANN", D1, 3000, "check", check_no="1001"),),
        adjustments=(Adjustment("ANN", date(2026, 6, 25), 1234, "CONV"),),
        ledger_notes=(LedgerNote("ANN", D2, "Called about \x1b[2Jbalance"),),
        appointments=(Appointment("ANN", D1, "kept"), Appointment("ANN", D2, "kept"),
                      Appointment("ANN", TODAY, "failed"), Appointment("ANN", TODAY, "scheduled")),
    )


def _card_estimates() -> dict:
    return est(
        line("A1", status=RECEIVED, ins=4200, wo=2300, claim="C1", paid=4200, writeoff=2300),
        line("A2", status=RECEIVED, ins=6800, wo=6000, claim="C1", paid=6800, writeoff=6000),
        line("A3", status=NOT_RECEIVED, ins=40000, wo=30000, claim="C2"),
        line("A9", ins=5000),
    )


def test_card_rows_order_and_day_summaries():
    card = ledger.build_card(_card_practice(), _card_estimates(), "ANN", today=TODAY)
    got = [(r.posted.day, r.kind, r.cells.get("code", "")) for r in card.rows]
    assert got == [
        (1, "procedure", "0D0120"), (1, "procedure", "0D2392"), (1, "patient_payment", "3CHECK"),
        (1, "day_summary", ""),
        (20, "procedure", "0D2740"),
        (20, "insurance_payment", "1D0120"), (20, "insurance_payment", "1D2392"),
        (20, "adjustment", "9WO-DELTA"), (20, "adjustment", "9WO-DELTA"), (20, "note", ""),
        (20, "day_summary", ""),
        (25, "procedure", "AD2740"), (25, "adjustment", "9CONV"),  # one money row: no summary
    ]
    day1 = card.rows[3]
    assert dict(day1.values) == {"billed": 26000, "ucr": 26000, "paid": 3000, "adjust": 0, "balance": 23000}
    assert card.rows[9].cells["notes"] == "Called about ␛[2Jbalance"
    assert not card.rows[11].values  # a later visit carries no money


def test_card_balance_column_sums_to_total_and_totals():
    p, e = _card_practice(), _card_estimates()
    card = ledger.build_card(p, e, "ANN", today=TODAY)
    total = ledger.balances(p, e)["ANN"].total
    assert sum(r.values.get("balance", 0) for r in card.rows if r.kind != "day_summary") == total
    t = card.totals
    assert (t.billed, t.paid, t.adjust, t.balance) == (126000, 3000 + 4200 + 6800, 1234 - 8300, total)
    assert (t.kept, t.cancelled, t.failed, t.percent_kept) == (2, 0, 1, 67)
    assert card.summary.balance == ledger.balances(p, e)["ANN"]
    assert card.summary.members == (("ANN", "Lee, Ann"), ("KID", "Lee, Kid"))


def test_card_markers():
    card = ledger.build_card(_card_practice(), _card_estimates(), "ANN", today=TODAY)
    marks = {r.cells["code"]: r.marker for r in card.rows if r.kind != "day_summary" and "code" in r.cells}
    assert marks["0D0120"] == "="       # paid and written off
    assert marks["0D2392"] == "P"       # 195 - 68 - 60 = 67 left, the patient's
    assert marks["0D2740"] == "S"       # 1000 - 700 expected from insurance = 300 patient
    assert marks["9CONV"] == "C"
    assert marks["3CHECK"] == "="


def test_marker_insurance_owes_and_denied():
    p = practice(
        procedures=(proc("A1", fee=5000), proc("A2", fee=5000)),
        claims=(Claim("C1", "P1", ("A1",), "sent", D1), Claim("C2", "P1", ("A2",), "sent", D1)),
        claim_payments=(ClaimPayment("C2", D2, (ClaimPaymentLine("A2", 0, denied=True),)),),
    )
    e = est(line("A1", status=NOT_RECEIVED, ins=4000, wo=1000, claim="C1"),
            line("A2", status=RECEIVED, ins=4000, claim="C2"))
    rows = {r.ref: r for r in ledger.build_card(p, e, "ANN", today=TODAY).rows if r.kind == "procedure"}
    assert rows["procedure:A1"].marker == "I"
    assert rows["procedure:A2"].marker == "D"
    assert rows["procedure:A2"].cells["ins1_claim"] == "Denied"


def test_current_and_original_groups():
    card = ledger.build_card(_card_practice(), _card_estimates(), "ANN", today=TODAY)
    a2 = next(r for r in card.rows if r.ref == "procedure:A2")
    # 195 - 68 paid - 60 written off = 67.00, less the unapplied 30.00 check of D1 once the
    # converted balance after it took back 12.34 of it (estimator.unapplied): 49.34
    assert {k: a2.values[k] for k in ("proc_bal", "pt_bal", "ins_bal", "wo_bal", "ins1_bal")} == {
        "proc_bal": 4934, "pt_bal": 4934, "ins_bal": 0, "wo_bal": 0, "ins1_bal": 0}
    assert {k: a2.values[k] for k in ("orig_charge", "orig_patient", "orig_insurance",
                                      "orig_writeoff", "ins1_est")} == {
        "orig_charge": 19500, "orig_patient": 6700, "orig_insurance": 6800,
        "orig_writeoff": 6000, "ins1_est": 6800}
    assert a2.cells["ins1_claim"] == "Received" and a2.cells["claim_no1"] == "C1"
    assert (a2.cells["tooth"], a2.cells["surface"], a2.cells["service"]) == ("30", "MO", "Composite, 2 surfaces")
    a3 = next(r for r in card.rows if r.ref == "procedure:A3")
    # Ins 1 Bal is what the carrier pays, apart from the 300.00 it will write off
    assert (a3.values["ins1_bal"], a3.values["wo_bal"], a3.values["pt_bal"],
            a3.cells["ins1_claim"]) == (40000, 30000, 30000, "Queued")


def test_ucr_from_provider_office_schedule_and_insurance_code_downgrade():
    p = practice(
        providers=(Provider("DOC", "Reyes, Ana", "UCR"),),
        procedure_codes=(ProcedureCode("D2740", "crowns", "Crown", substitution_code="D2750",
                                       substitution_condition="molar"),),
        fee_schedules=(FeeSchedule("UCR", "office", fees={"D2740": 120000}),
                       FeeSchedule("PPO", "allowed", fees={"D2740": 90000, "D2750": 80000})),
        plans=(Plan("P1", "DELTA", "ANN", "ppo", fee_schedule="PPO"),),
        procedures=(proc("A1", code="D2740", fee=110000, tooth="3"), proc("A2", code="D2740", fee=110000, tooth="8")),
    )
    e = est(line("A1"), line("A2"))
    rows = {r.ref: r for r in ledger.build_card(p, e, "ANN", today=TODAY).rows if r.kind == "procedure"}
    assert rows["procedure:A1"].values["ucr"] == 120000 and rows["procedure:A1"].values["billed"] == 110000
    assert rows["procedure:A1"].cells["ins_code"] == "D2750"   # molar: downgraded
    assert rows["procedure:A2"].cells["ins_code"] == "D2740"   # front tooth: not


@pytest.mark.parametrize("n, plans", [(0, 1), (1, 1), (2, 2), (4, 4), (9, 4)])
def test_columns_per_plan_count(n, plans):
    cols = card_columns(n)
    keys = [c.key for c in cols]
    assert [k for k in keys if k.endswith("_bal") and k.startswith("ins") and k != "ins_bal"] == \
        [f"ins{i}_bal" for i in range(1, plans + 1)]
    assert sum(k.endswith("_claim") for k in keys) == plans
    assert sum(k.startswith("claim_no") for k in keys) == plans + 1
    assert [c.group for c in cols] == sorted((c.group for c in cols), key=ledger.GROUPS.index)
    assert len(set(keys)) == len(keys)
    assert all(c.align == "right" for c in cols if c.key in ("billed", "balance", "proc_bal", "ins1_est"))
    assert keys[:1] == ["posted"] and "code" in keys


def test_card_columns_follow_the_patients_plans():
    p = practice(procedures=(proc("K1", "KID"),))
    assert sum(c.key.endswith("_claim") for c in ledger.build_card(p, {}, "KID", today=TODAY).columns) == 2
    assert sum(c.key.endswith("_claim") for c in ledger.build_card(p, {}, "SOLO", today=TODAY).columns) == 1


def test_percent_kept_rounds_half_to_even():
    from estimator.ledger import percent_kept
    assert percent_kept(0, 0, 0) is None
    assert percent_kept(1, 7, 0) == 12      # 12.5 -> 12
    assert percent_kept(3, 21, 0) == 12     # 12.5 exactly, 1/24 is not a finite decimal
    assert percent_kept(5, 3, 0) == 62      # 62.5 -> 62
    assert percent_kept(7, 1, 0) == 88      # 87.5 -> 88
    assert percent_kept(2, 1, 0) == 67


def test_unknown_patient_raises():
    with pytest.raises(KeyError):
        ledger.build_card(practice(), {}, "NOBODY", today=TODAY)


def test_empty_card():
    card = ledger.build_card(practice(), {}, "SOLO", today=TODAY)
    assert card.rows == ()
    assert card.totals.percent_kept is None and card.totals.balance == 0
    assert card.summary.aging == Aging(0, 0, 0, 0)


def test_large_card_builds():
    procs = tuple(proc(f"A{i}", when=date.fromordinal(D1.toordinal() - i % 400)) for i in range(3000))
    pays = tuple(PatientPayment("ANN", D1, 100, "cash", procedure=f"A{i}") for i in range(3000))
    p = practice(procedures=procs, patient_payments=pays)
    card = ledger.build_card(p, {}, "ANN", today=TODAY)
    assert card.totals.balance == 3000 * 9900


def test_capitation_and_claim_writeoffs_on_one_day_sort():
    p = practice(
        plans=(Plan("P1", "DELTA", "ANN", "capitation"), Plan("P2", "MET", "BOB", "percentage")),
        patients=(Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN", (Coverage("P1", 1), Coverage("P2", 2))),),
        procedures=(proc("A1", fee=20000, when=D1), proc("A2", fee=20000, when=D1)),
        claims=(Claim("C1", "P2", ("A2",), "sent", D1),),
        claim_payments=(ClaimPayment("C1", D1, (ClaimPaymentLine("A2", 1000, 500),)),),
    )
    e = est(line("A1", status=CAP_COMPLETE, wo=5000), line("A2", status=CAP_COMPLETE, wo=5000),
            line("A2", "P2", 2, status=RECEIVED, claim="C1", paid=1000, writeoff=500))
    card = ledger.build_card(p, e, "ANN", today=TODAY)
    codes = [r.cells.get("code") for r in card.rows]
    assert codes == ["0D0120", "0D0120", "2D0120", "9WO", "9WO-DELTA", "9WO-DELTA", None]
    assert card.totals.balance == ledger.balances(p, e)["ANN"].total == 40000 - 10000 - 1000 - 500
