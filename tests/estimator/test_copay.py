"""Step 3: copay schedules and fixed-benefit schedules."""
from builders import Builder


def one(plan_type="ppo", fee=150, units=1, overrides=(), **plan):
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", plan_type, coverage={"restorative": 80}, **plan)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", fee, units=units, overrides=overrides)
    return b.line("X1")


def test_copay_comes_off_allowed_before_the_percentage():
    line = one(fees={"D2392": 140}, copays={"D2392": 10})
    assert (line.copay, line.ins_est, line.writeoff_est) == (1000, 10400, 1000)


def test_code_missing_from_copay_schedule_has_no_copay():
    line = one(fees={"D2392": 140}, copays={"D0120": 10})
    assert (line.copay, line.ins_est) == (0, 11200)


def test_copay_times_units_capped_at_allowed():
    assert one(fees={"D2392": 40}, copays={"D2392": 5}, fee=50, units=3).copay == 1500
    assert one(fees={"D2392": 40}, copays={"D2392": 60}).copay == 4000


def test_flat_copay_pays_everything_but_the_copay():
    line = one("flat_copay", fees={"D2392": 65}, copays={"D2392": 3})
    assert (line.percent, line.copay, line.ins_est, line.writeoff_est) == (100, 300, 6200, 0)


def test_fixed_benefit_pays_the_benefit_amount():
    line = one(fees={"D2392": 90}, benefits={"D2392": 60}, fee=125)
    assert (line.percent, line.copay, line.ins_est, line.writeoff_est) == (100, 3000, 6000, 3500)


def test_fixed_benefit_without_ppo_fee_uses_the_charge():
    line = one(fees={"D0120": 1}, benefits={"D2392": 60}, fee=125)
    assert (line.copay, line.ins_est) == (6500, 6000)


def test_fixed_benefit_missing_or_zero_pays_nothing():
    assert one(fees={"D2392": 90}, benefits={"D0120": 60}).ins_est == 0
    assert one(fees={"D2392": 90}, benefits={"D2392": 0}).ins_est == 0


def test_copay_override():
    line = one(fees={"D2392": 140}, copays={"D2392": 10}, overrides=[{"plan": "P1", "copay": 40}])
    assert (line.copay, line.ins_est) == (4000, 8000)
