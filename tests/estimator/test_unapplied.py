"""Issue 11, "Unapplied patient payments": money not on a line is applied to the family's lines
oldest procedure first, for each line's balance and colour; the account balances do not
move, and a family at 0.00 never shows a line the patient owes (`estimator.unapplied`)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from estimator import ledger
from estimator.ledger_balance import procedure_money
from estimator.ledger_index import LedgerIndex
from estimator.model import (
    Adjustment, Allocation, Patient, PatientPayment, Practice, Procedure, ProcedureCode, Provider,
)
from estimator.unapplied import Applied, Loose, Owed, applied_by_procedure, apply_unapplied

D = date(2026, 1, 5)


def test_unapplied_oldest_procedure_first():
    parts = apply_unapplied([Loose("pay", (D, 4, 0), 150)],
                            [Owed("new", (D + timedelta(1), "a"), 100), Owed("old", (D, "b"), 100)])
    assert parts == (Applied("pay", "old", 100), Applied("pay", "new", 50))


def test_unapplied_the_rest_stays_a_credit_and_nothing_is_applied_to_a_paid_line():
    parts = apply_unapplied([Loose("pay", (D, 4, 0), 500)], [Owed("a", (D, "a"), 100),
                                                              Owed("b", (D, "b"), 0)])
    assert applied_by_procedure(parts) == {"a": 100}


def test_unapplied_a_refund_takes_back_the_latest_credit_before_it():
    loose = [Loose("jan", (D, 4, 0), 100), Loose("feb", (D + timedelta(30), 4, 1), 50),
             Loose("refund", (D + timedelta(60), 4, 2), -70)]
    parts = apply_unapplied(loose, [Owed("a", (D, "a"), 1000)])
    assert parts == (Applied("jan", "a", 80),)  # feb's 50 and 20 of jan's went back
    # a refund before any payment stays owed on the account: later payments pay the lines
    early = [Loose("refund", (D, 4, 0), -70), Loose("pay", (D + timedelta(1), 4, 1), 100)]
    assert apply_unapplied(early, [Owed("a", (D, "a"), 1000)]) == (Applied("pay", "a", 100),)


def _practice(procedures, payments=(), adjustments=()) -> Practice:
    return Practice(
        as_of=D + timedelta(days=400), providers=(Provider("DOC", "Reyes, Ana"),),
        procedure_codes=(ProcedureCode("D1110", "preventive", "Cleaning"),),
        patients=(Patient("MOM", "Lee, Ann", date(1980, 1, 1), "MOM"),
                  Patient("KID", "Lee, Kid", date(2015, 1, 1), "MOM")),
        procedures=tuple(procedures), patient_payments=tuple(payments),
        adjustments=tuple(adjustments))


def test_unapplied_a_family_at_zero_shows_no_line_the_patient_owes():
    # the kid's work, paid by the mother on her own account (not on the procedure)
    p = _practice([Procedure("K1", "KID", "D1110", D, 9000, "DOC", "complete"),
                   Procedure("K2", "KID", "D1110", D + timedelta(9), 6000, "DOC", "complete")],
                  [PatientPayment("MOM", D + timedelta(20), 15000, "cash")])
    balances = ledger.balances(p, {})
    assert (balances["MOM"].total, balances["KID"].total) == (-15000, 15000)  # unchanged
    card = ledger.build_card(p, {}, "KID", today=p.as_of)
    assert [(r.values["proc_bal"], r.marker) for r in card.rows if r.kind == "procedure"] == \
        [(0, "="), (0, "=")]
    assert card.summary.balance.total == 15000 and card.summary.family_total == 0


money = st.integers(1, 50_000)


@st.composite
def families(draw):
    procs = [Procedure(f"X{n}", draw(st.sampled_from(["MOM", "KID"])), "D1110",
                       D + timedelta(days=draw(st.integers(0, 300))), draw(money), "DOC",
                       draw(st.sampled_from(["complete", "complete", "planned"])))
             for n in range(draw(st.integers(1, 6)))]
    pays = []
    for _ in range(draw(st.integers(0, 5))):
        when = D + timedelta(days=draw(st.integers(0, 330)))
        amount = draw(money) * draw(st.sampled_from([1, 1, 1, -1]))
        target = draw(st.sampled_from([None, *[x.id for x in procs]]))
        parts = (Allocation(target, min(amount, draw(money))),) if target and amount > 0 else ()
        pays.append(PatientPayment(draw(st.sampled_from(["MOM", "KID"])), when, amount, "check",
                                   allocations=parts))
    adjs = [Adjustment(draw(st.sampled_from(["MOM", "KID"])),
                       D + timedelta(days=draw(st.integers(0, 330))),
                       draw(st.integers(-20_000, 20_000)), "ADJ",
                       procedure=draw(st.sampled_from([None, *[x.id for x in procs]])))
            for _ in range(draw(st.integers(0, 3)))]
    return _practice(procs, pays, adjs)


@settings(max_examples=150, deadline=None)
@given(families())
def test_unapplied_property_balances_unchanged_and_no_red_line_in_a_paid_family(p):
    balances = ledger.balances(p, {})
    family = sum(b.total for b in balances.values())
    for patient in ("MOM", "KID"):
        card = ledger.build_card(p, {}, patient, today=p.as_of)
        assert card.summary.balance == balances[patient]  # the accounts never move
        assert card.totals.balance == balances[patient].total
        rows = [r for r in card.rows if r.kind == "procedure" and r.values]
        # What is applied to a line never makes it a credit it was not.
        before = _posted_balances(p)
        assert all(r.values["proc_bal"] >= min(0, before[r.ref]) for r in rows)
        if family <= 0 and min(before.values(), default=0) >= 0:
            assert not [r for r in rows if r.marker == "P"], rows


def _posted_balances(p: Practice) -> dict[str, int]:
    """Each line's balance from what was posted on it (a line paid beyond its charge keeps
    its credit: only money not on a line moves)."""
    idx = LedgerIndex(p, {})
    return {f"procedure:{x.id}": procedure_money(idx, x).proc_bal
            for x in p.procedures if x.status == "complete"}
