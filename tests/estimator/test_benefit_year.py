"""Benefit years by renew_month: completed work uses its date, planned work uses as_of."""
from datetime import date

from estimator.dates import benefit_year_start, months_before

from builders import Builder


def test_benefit_year_start():
    assert benefit_year_start(date(2026, 3, 10), None) == date(2026, 1, 1)
    assert benefit_year_start(date(2026, 3, 10), 7) == date(2025, 7, 1)
    assert benefit_year_start(date(2026, 7, 1), 7) == date(2026, 7, 1)


def test_months_before_clamps_the_day():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_renew_month_restarts_deductible_and_max():
    b = Builder(as_of="2026-08-03")
    b.code("D2392", "restorative").code("D3330", "endodontics")
    b.plan("P1", coverage={"restorative": 80, "endodontics": 80}, annual_max=1000, deductible=50, renew_month=7)
    b.patient("PAT", ["P1"])
    b.done("H1", "PAT", "D3330", 1150, "2026-03-10")
    b.done("H2", "PAT", "D2392", 200, "2026-05-12")
    b.proc("X1", "PAT", "D2392", 200, date="2026-06-01", tp_order=1)  # planned: as_of's year
    b.claim("C1", "P1", ["H1"], "2026-03-10").claim("C2", "P1", ["H2"], "2026-05-12")
    b.pay("C1", "2026-04-02", ("H1", 880, 0, 50))
    assert (b.line("H1").ins_est, b.line("H1").deductible) == (88000, 5000)
    assert (b.line("H2").ins_est, b.line("H2").note) == (12000, "Annual max left 120.00")
    assert (b.line("X1").ins_est, b.line("X1").deductible) == (12000, 5000)


def test_benefits_used_elsewhere_belong_to_the_year_of_as_of():
    b = Builder(as_of="2026-08-03")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 100}, annual_max=100, renew_month=7)
    b.patient("PAT", ["P1"], used=[("P1", 100, 0)])
    b.done("H1", "PAT", "D2392", 50, "2026-06-01")   # last benefit year: untouched
    b.proc("X1", "PAT", "D2392", 50)
    assert b.line("H1").ins_est == 5000
    assert b.line("X1").note == "Over annual max"
