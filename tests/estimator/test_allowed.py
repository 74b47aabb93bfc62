"""Step 2: the allowed fee."""
from builders import Builder


def one(plan_type="ppo", fee=150, units=1, overrides=(), **plan):
    b = Builder()
    b.code("D2392", "restorative")
    b.code("D0150", "diagnostic")
    b.plan("P1", plan_type, coverage={"restorative": 80, "diagnostic": 100}, **plan)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", fee, units=units, overrides=overrides)
    return b.line("X1")


def test_ppo_allowed_is_the_plan_fee():
    assert one(fees={"D2392": 127}).allowed == 12700


def test_ppo_code_missing_from_schedule_allows_the_charge():
    line = one(fees={"D0150": 50})
    assert line.allowed == 15000
    assert line.writeoff_est == 0


def test_allowed_is_capped_at_the_charge():
    assert one(fees={"D2392": 200}).allowed == 15000


def test_units_multiply_fee_and_allowed():
    line = one(fees={"D2392": 40}, fee=50, units=3)
    assert (line.allowed, line.writeoff_est) == (12000, 3000)


def test_percentage_plan_uses_allowed_fee_schedule():
    assert one("percentage", allowed_fees={"D2392": 120}).allowed == 12000


def test_percentage_plan_without_allowed_schedule_uses_the_charge():
    assert one("percentage").allowed == 15000


def test_percentage_plan_code_missing_from_allowed_schedule_uses_the_charge():
    assert one("percentage", allowed_fees={"D0150": 80}).allowed == 15000


def test_flat_copay_uses_plan_fee_schedule():
    assert one("flat_copay", fees={"D2392": 65}).allowed == 6500


def test_capitation_allows_the_charge():
    assert one("capitation").allowed == 15000


def test_allowed_override_wins_and_is_capped_at_the_charge():
    assert one(fees={"D2392": 127}, overrides=[{"plan": "P1", "allowed": 120}]).allowed == 12000
    assert one(fees={"D2392": 127}, overrides=[{"plan": "P1", "allowed": 999}]).allowed == 15000


def test_allowed_override_does_not_change_the_ppo_writeoff():
    line = one(fees={"D2392": 127}, overrides=[{"plan": "P1", "allowed": 100}])
    assert line.ins_est == 8000
    assert line.writeoff_est == 2300
