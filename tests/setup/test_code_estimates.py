"""Code-specific estimating (pure): the grid is what the estimator does for a sample patient."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from estimator.code_estimates import FIXED, PERCENT, code_grid
from estimator.model import FeeSchedule, Plan, Practice, ProcedureCode, Provider, frozen_map

CODES = (ProcedureCode("D0120", "diagnostic", "Periodic oral evaluation"),
         ProcedureCode("D2740", "crowns", "Crown, porcelain"),
         ProcedureCode("D2750", "crowns", "Crown, PFM"),
         ProcedureCode("D9999", "adjunctive", "Unlisted"))
OFFICE = FeeSchedule("OFFICE", "office", "UCR", frozen_map({"D0120": 6500, "D2740": 125000,
                                                            "D2750": 119500}))
PPO = FeeSchedule("PPO", "allowed", "PPO fees", frozen_map({"D0120": 4400, "D2740": 82800}))
BENEFIT = FeeSchedule("FIX", "fixed_benefit", "benefits", frozen_map({"D2740": 50000}))
PLAN = Plan("PL1", "CA", "SUB", "ppo", fee_schedule="PPO",
            coverage=frozen_map({"diagnostic": 100, "crowns": 50}), annual_max=100000,
            deductible=5000, deductible_waived_on=("diagnostic",))


def practice(plan: Plan = PLAN) -> Practice:
    return Practice(as_of=date(2026, 3, 2), providers=(Provider("DR", "Dr", "OFFICE"),),
                    procedure_codes=CODES, fee_schedules=(OFFICE, PPO, BENEFIT), plans=(plan,))


def rows(plan: Plan = PLAN) -> dict:
    return {r.code: r for r in code_grid(practice(plan), plan.id).rows}


def test_every_code_has_a_row_with_office_and_allowed_fees():
    grid = code_grid(practice(), "PL1")
    assert (grid.office_schedule, grid.allowed_schedule, grid.allowed_slot, grid.pays) == \
        ("OFFICE", "PPO", "fee_schedule", PERCENT)
    assert [r.code for r in grid.rows] == ["D0120", "D2740", "D2750", "D9999"]
    r = rows()["D2740"]
    assert (r.office_fee, r.allowed_fee, r.percent, r.percent_from) == (125000, 82800, None, "crowns")


def test_estimates_come_from_the_estimator():
    r = rows()
    exam, crown = r["D0120"], r["D2740"]
    assert (exam.allowed, exam.deductible, exam.ins_est, exam.writeoff_est, exam.patient) == \
        (4400, 0, 4400, 2100, 0)
    # (828.00 - 50.00 deductible) x 50% = 389.00; write-off 1250 - 828; patient the rest
    assert (crown.deductible, crown.ins_est, crown.writeoff_est, crown.patient) == \
        (5000, 38900, 42200, 43900)
    assert any("deductible" in step for step in crown.explanation)


def test_each_code_is_a_patient_with_nothing_used():
    r = rows()
    assert r["D2740"].deductible == r["D2750"].deductible == 5000  # no code uses another's deductible
    no_ppo_fee = r["D2750"]
    assert (no_ppo_fee.allowed_fee, no_ppo_fee.allowed, no_ppo_fee.writeoff_est) == (None, 119500, 0)


def test_no_office_fee_means_nothing_to_estimate():
    r = rows()["D9999"]
    assert r.office_fee is None and r.ins_est is None and r.patient is None


def test_unknown_annual_max_is_not_zero():
    unknown, zero = rows(replace(PLAN, annual_max=None)), rows(replace(PLAN, annual_max=0))
    assert unknown["D2740"].ins_est == 38900 and unknown["D2740"].note == ""
    assert zero["D2740"].ins_est == 0 and zero["D2740"].note == "Over annual max"


def test_code_percentage_beats_the_category():
    r = rows(replace(PLAN, code_coverage=frozen_map({"D2740": 80})))["D2740"]
    assert (r.percent, r.percent_from, r.pays_percent, r.ins_est) == (80, "D2740", 80, 62240)


def test_fixed_benefit_plans_pay_the_benefit():
    plan = replace(PLAN, copay_schedule="FIX")
    grid = code_grid(practice(plan), "PL1")
    crown = {r.code: r for r in grid.rows}["D2740"]
    assert grid.pays == FIXED and crown.benefit == 50000 and crown.copay_fee is None
    # copay = PPO fee 828 - benefit 500; 100% of (828 - 328 - 50 deductible)
    assert (crown.copay, crown.pays_percent, crown.ins_est) == (32800, 100, 45000)
