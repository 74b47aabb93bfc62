"""Step 8 and 12: frequency limits."""
from builders import Builder


def base(*rules, as_of="2026-10-05", **plan):
    b = Builder(as_of=as_of)
    b.code("D1110", "preventive").code("D0274", "diagnostic_xray", "general", "diagnostic", "diagnostic_xray")
    b.code("D0120", "diagnostic")
    b.plan("P1", coverage={"preventive": 100, "diagnostic": 100, "diagnostic_xray": 100},
           frequency=rules, **plan)
    b.patient("PAT", ["P1"])
    return b


def test_third_cleaning_in_a_benefit_year_is_past_the_limit():
    b = base({"code": "D1110", "quantity": 2, "per": "benefit_year"})
    b.done("H1", "PAT", "D1110", 105, "2026-01-15").done("H2", "PAT", "D1110", 105, "2026-07-20")
    b.done("H0", "PAT", "D1110", 105, "2025-11-20")  # last benefit year
    b.proc("X1", "PAT", "D1110", 105, tp_order=1)
    assert [b.line(x).ins_est for x in ("H0", "H1", "H2")] == [10500] * 3
    assert (b.line("X1").ins_est, b.line("X1").note) == (0, "Frequency")


def test_earlier_planned_lines_count():
    b = base({"code": "D1110", "quantity": 1, "per": "benefit_year"})
    b.proc("X1", "PAT", "D1110", 105, tp_order=2)
    b.proc("X2", "PAT", "D1110", 105, tp_order=1)
    assert b.line("X2").ins_est == 10500
    assert b.line("X1").note == "Frequency"


def test_category_rule():
    b = base({"category": "diagnostic", "quantity": 1, "per": "benefit_year"})
    b.done("H1", "PAT", "D0274", 75, "2026-02-01")
    b.proc("X1", "PAT", "D0120", 60, tp_order=1)
    assert b.line("X1").note == "Frequency"


def test_rolling_window_in_years():
    b = base({"code": "D0274", "quantity": 1, "per": "years", "count": 3})
    b.done("H1", "PAT", "D0274", 75, "2023-10-05")  # exactly 3 years back: outside the window
    b.proc("X1", "PAT", "D0274", 75)
    assert b.line("X1").note == ""
    b = base({"code": "D0274", "quantity": 1, "per": "years", "count": 3})
    b.done("H1", "PAT", "D0274", 75, "2023-10-06")
    b.done("H2", "PAT", "D0274", 75, "2026-01-10")
    b.proc("X1", "PAT", "D0274", 75)
    assert (b.line("H2").note, b.line("X1").note) == ("Frequency", "Frequency")


def test_rolling_window_in_months():
    b = base({"code": "D1110", "quantity": 1, "per": "months", "count": 6})
    b.done("H1", "PAT", "D1110", 100, "2026-04-06")
    b.proc("X1", "PAT", "D1110", 100)
    assert b.line("X1").note == "Frequency"
    b = base({"code": "D1110", "quantity": 1, "per": "months", "count": 6})
    b.done("H1", "PAT", "D1110", 100, "2026-04-05")
    b.proc("X1", "PAT", "D1110", 100)
    assert b.line("X1").note == ""


def test_same_day_work_counts_only_when_earlier_in_order():
    b = base({"code": "D1110", "quantity": 1, "per": "benefit_year"})
    b.done("H2", "PAT", "D1110", 100, "2026-03-01").done("H1", "PAT", "D1110", 100, "2026-03-01")
    assert b.line("H1").note == ""
    assert b.line("H2").note == "Frequency"


def test_later_dated_work_does_not_count():
    b = base({"code": "D1110", "quantity": 1, "per": "benefit_year"})
    b.done("H1", "PAT", "D1110", 100, "2026-03-01")
    b.done("H2", "PAT", "D1110", 100, "2026-05-01")
    b.claim("C1", "P1", ["H2"], "2026-05-01")   # on a claim: earlier in order, but dated later
    assert b.line("H1").note == ""
    assert b.line("H2").note == "Frequency"


def test_past_frequency_takes_no_deductible():
    b = base({"code": "D0120", "quantity": 1, "per": "benefit_year"}, deductible=50)
    b.done("H1", "PAT", "D0120", 60, "2026-02-01")
    b.proc("X1", "PAT", "D0120", 60)
    assert (b.line("X1").deductible, b.line("X1").ins_est) == (0, 0)


def test_benefit_year_window_follows_renew_month():
    b = base({"code": "D1110", "quantity": 1, "per": "benefit_year"}, renew_month=7)
    b.done("H1", "PAT", "D1110", 100, "2026-06-30")
    b.proc("X1", "PAT", "D1110", 100)
    assert b.line("X1").note == ""
