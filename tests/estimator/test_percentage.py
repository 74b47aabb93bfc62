"""Step 4: the percentage."""
from builders import Builder


def one(code="D0274", plan_type="percentage", overrides=(), **plan):
    b = Builder()
    b.code("D0274", "diagnostic_xray", "general", "diagnostic", "diagnostic_xray")
    b.code("D0150", "diagnostic")
    b.code("D8080", "orthodontics")
    b.plan("P1", plan_type, **plan)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", code, 100, overrides=overrides)
    return b.line("X1")


def test_most_specific_category_wins():
    assert one(coverage={"general": 50, "diagnostic": 80, "diagnostic_xray": 90}).percent == 90
    assert one(coverage={"general": 50, "diagnostic": 80}).percent == 80
    assert one(coverage={"general": 50}).percent == 50


def test_no_matching_category_is_not_covered():
    line = one(coverage={"restorative": 80})
    assert (line.percent, line.ins_est) == (0, 0)


def test_orthodontics_is_not_under_general():
    assert one("D8080", coverage={"general": 80}).percent == 0


def test_code_coverage_beats_categories():
    assert one(coverage={"diagnostic_xray": 90}, code_coverage={"D0274": 70}).percent == 70


def test_percent_override_always_wins():
    assert one(coverage={"diagnostic_xray": 90}, overrides=[{"plan": "P1", "percent": 40}]).ins_est == 4000
    assert one(plan_type="flat_copay", overrides=[{"plan": "P1", "percent": 40}]).percent == 40


def test_flat_copay_and_capitation_use_100():
    assert one(plan_type="flat_copay", coverage={"diagnostic": 50}).percent == 100
    assert one(plan_type="capitation").percent == 100


def test_zero_percent_takes_no_deductible():
    line = one(coverage={"diagnostic_xray": 0}, deductible=50)
    assert (line.deductible, line.ins_est) == (0, 0)
