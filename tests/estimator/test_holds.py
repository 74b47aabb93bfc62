"""A held secondary claim is released (unsent) as soon as every earlier plan's line on its
procedures is received (estimation.md "When estimates change"), read from a file as on posting."""
from dataclasses import replace
from datetime import date

from builders import Builder
from estimator import ledger
from estimator.holds import released_holds
from estimator.model import Coverage


def held(**plan1):
    b = Builder(as_of="2026-05-29")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 80}, **plan1).plan("P2", coverage={"restorative": 50})
    b.patient("PAT", ["P1", "P2"])
    b.done("X1", "PAT", "D2392", 190, "2026-05-04").done("X2", "PAT", "D2392", 190, "2026-05-04")
    b.claim("C1", "P1", ["X1", "X2"], "2026-05-04").claim("C2", "P2", ["X1", "X2"], "2026-05-04", "hold")
    return b


def test_held_secondary_waits_while_the_primary_is_not_received():
    assert released_holds(held().practice()) == frozenset()


def test_held_secondary_is_released_when_every_earlier_line_is_received():
    b = held()
    b.pay("C1", "2026-05-28", ("X1", 100))
    practice = b.practice()
    assert released_holds(practice) == {"C2"}
    assert ledger.claim_totals(practice, b.estimate())["C2"]["status"] == "unsent"


def test_held_secondary_waits_for_every_procedure_of_the_claim():
    b = held()
    b.claims[0] = replace(b.claims[0], procedures=("X1",))
    b.claim("C3", "P1", ["X2"], "2026-05-04")
    b.pay("C1", "2026-05-28", ("X1", 100))
    assert released_holds(b.practice()) == frozenset()
    b.pay("C3", "2026-05-28", ("X2", 100))
    assert released_holds(b.practice()) == {"C2"}


def test_do_not_bill_and_capitation_lines_never_wait():
    b = held()
    b.procedures = [replace(p, no_bill=("P1",)) for p in b.procedures]
    assert released_holds(b.practice()) == {"C2"}
    b = held()
    b.plans[0] = replace(b.plans[0], type="capitation")
    assert released_holds(b.practice()) == {"C2"}


def test_a_plan_not_covering_the_work_is_not_waited_for():
    b = held()
    b.patients[0] = replace(b.patients[0], coverage=(
        Coverage("P1", 1, terminated=date(2026, 4, 30)), Coverage("P2", 2)))
    assert released_holds(b.practice()) == {"C2"}


def test_a_primary_kind_claim_on_hold_stays_on_hold():
    b = held()
    b.claims[1] = replace(b.claims[1], kind="primary")
    b.pay("C1", "2026-05-28", ("X1", 100))
    assert released_holds(b.practice()) == frozenset()


def test_a_paid_secondary_is_received_not_released():
    b = held()
    b.pay("C1", "2026-05-28", ("X1", 100)).pay("C2", "2026-06-10", ("X1", 20))
    practice = b.practice()
    assert released_holds(practice) == frozenset()
    assert ledger.claim_totals(practice, b.estimate())["C2"]["status"] == "received"
