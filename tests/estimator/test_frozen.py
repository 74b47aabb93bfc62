"""Received lines keep the estimate made before payment: from ``frozen``, else rebuilt by replay."""
from dataclasses import replace

import pytest

from estimator import model as m
from estimator.engine import estimate_import, estimate_practice, replay_frozen
from estimator.frozen import maker

from builders import Builder


def full_cycle():
    """Primary paid more than estimated, secondary re-estimated from it, then paid less."""
    b = Builder(as_of="2026-04-20")
    b.code("D4341", "periodontics")
    b.plan("P1", "ppo", fees={"D4341": 180}, coverage={"periodontics": 80}, deductible=50, annual_max=1500)
    b.plan("P2", coverage={"periodontics": 50}, deductible=50, annual_max=1000)
    b.patient("PAT", ["P1", "P2"])
    b.done("X1", "PAT", "D4341", 260, "2026-03-02").done("X2", "PAT", "D4341", 260, "2026-03-02")
    b.claim("C1", "P1", ["X1", "X2"], "2026-03-02").claim("C2", "P2", ["X1", "X2"], "2026-03-02", "hold")
    b.pay("C1", "2026-03-20", ("X1", 144, 80), ("X2", 144, 80))
    b.pay("C2", "2026-04-10", ("X1", 36, 0, 50), ("X2", 30))
    return b


def test_replay_freezes_each_claim_just_before_its_first_payment():
    b = full_cycle()
    assert [b.line(x, "P1").ins_est for x in ("X1", "X2")] == [10400, 14400]
    assert [b.line(x, "P1").deductible for x in ("X1", "X2")] == [5000, 0]
    assert [b.line(x, "P2").ins_est for x in ("X1", "X2")] == [3600, 3600]
    assert [b.line(x, "P2").paid for x in ("X1", "X2")] == [3600, 3000]
    assert all(line.status == "received" for line in b.estimates.values())


def test_replay_frozen_returns_the_received_lines():
    practice = full_cycle().practice()
    frozen = replay_frozen(practice)
    assert set(frozen) == {("X1", "P1"), ("X2", "P1"), ("X1", "P2"), ("X2", "P2")}
    assert frozen[("X1", "P1")].status == "not_received"


def test_given_frozen_estimates_are_kept():
    practice = full_cycle().practice()
    first = estimate_practice(practice)
    kept = {key: replace(line, ins_est=line.ins_est + 1) for key, line in first.items()}
    again = estimate_practice(practice, kept)
    assert all(again[key].ins_est == first[key].ins_est + 1 for key in first)
    assert all(again[key].paid == first[key].paid for key in first)


def test_feeding_the_result_back_changes_nothing():
    practice = full_cycle().practice()
    first = estimate_practice(practice)
    assert estimate_practice(practice, first) == first


def test_received_line_missing_from_frozen_is_reestimated_from_actuals():
    practice = full_cycle().practice()
    est = estimate_practice(practice, {})
    # X1's primary line re-estimated: sees X2's deductible applied (0), so takes its 50 again.
    assert est[("X1", "P1")].ins_est == 10400
    # the secondary is re-estimated from the primary's actual payment either way
    assert est[("X1", "P2")].ins_est == 3600


def recalc_case(**prefs):
    b = Builder(as_of="2026-04-01", **prefs)
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 100}, deductible=50)
    b.patient("PAT", ["P1"])
    b.done("H0", "PAT", "D2392", 100, "2026-01-05").done("H1", "PAT", "D2392", 100, "2026-01-20")
    b.claim("C0", "P1", ["H0"], "2026-01-05").claim("C1", "P1", ["H1"], "2026-01-20")
    b.pay("C1", "2026-02-01", ("H1", 100)).pay("C0", "2026-03-01", ("H0", 100))
    return b


def test_frozen_estimate_is_the_one_made_before_payment():
    b = recalc_case()
    # When C1 was paid, C0 (earlier in order) was unpaid and took the deductible.
    assert (b.line("H1").ins_est, b.line("H1").deductible) == (10000, 0)
    assert (b.line("H0").ins_est, b.line("H0").deductible) == (5000, 5000)


def test_preference_recalc_received_reestimates_received_lines():
    b = recalc_case(ins_est_recalc_received=True)
    assert (b.line("H0").ins_est, b.line("H0").deductible) == (5000, 5000)
    assert (b.line("H1").ins_est, b.line("H1").deductible) == (5000, 5000)


def test_received_payments_are_history_for_every_line():
    b = Builder(as_of="2026-04-01")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 100}, annual_max=100)
    b.patient("PAT", ["P1"])
    b.done("H0", "PAT", "D2392", 100, "2026-01-05").done("H1", "PAT", "D2392", 100, "2026-01-20")
    b.claim("C0", "P1", ["H0"], "2026-01-05").claim("C1", "P1", ["H1"], "2026-01-20")
    b.pay("C1", "2026-02-01", ("H1", 100))
    # H1's payment is history for H0 although H0's claim comes first in estimation order ...
    assert (b.line("H0").ins_est, b.line("H0").note) == (0, "Over annual max")
    # ... while H1's kept estimate was made when H0's unpaid claim still held the whole max.
    assert (b.line("H1").ins_est, b.line("H1").note, b.line("H1").paid) == (0, "Over annual max", 10000)


def test_families_are_replayed_apart():
    b = Builder(as_of="2026-04-01")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 100}, deductible=50, family_deductible=50)
    b.patient("A", ["P1"]).patient("B", ["P1"])
    b.done("HA", "A", "D2392", 100, "2026-01-05").done("HB", "B", "D2392", 100, "2026-01-06")
    b.claim("CA", "P1", ["HA"], "2026-01-05").claim("CB", "P1", ["HB"], "2026-01-06")
    b.pay("CA", "2026-02-01", ("HA", 50, 0, 50)).pay("CB", "2026-02-01", ("HB", 50, 0, 50))
    assert b.line("HA").ins_est == b.line("HB").ins_est == 5000


def test_an_import_takes_a_family_whose_lines_all_keep_their_estimate_as_it_is():
    practice = full_cycle().practice()
    stored = estimate_practice(practice)
    imported = estimate_import(practice, stored)
    assert imported == estimate_practice(practice, stored, replay_missing=True)
    assert all(imported[key] is line for key, line in stored.items())  # not estimated again


def test_an_import_estimates_a_family_with_a_kept_line_that_would_change():
    practice = full_cycle().practice()
    stored = estimate_practice(practice)
    stored[("X2", "P2")] = replace(stored[("X2", "P2")], paid=1)  # not what was paid
    imported = estimate_import(practice, stored)
    assert imported == estimate_practice(practice, stored, replay_missing=True)
    assert imported[("X2", "P2")].paid == 3000


def test_an_import_estimates_a_family_with_open_work():
    b = full_cycle()
    b.proc("X3", "PAT", "D4341", 260)
    practice = b.practice()
    stored = {key: line for key, line in estimate_practice(practice).items() if key[0] != "X3"}
    imported = estimate_import(practice, stored)
    assert imported == estimate_practice(practice, stored, replay_missing=True)
    assert imported[("X3", "P1")].status == "estimate"


def test_a_maker_takes_every_field_in_order():
    made = maker(m.ClaimPaymentLine)
    assert made("X1", 500, 0, 0, False, None) == m.ClaimPaymentLine("X1", 500)
    with pytest.raises(TypeError):
        made("X1", 500)
