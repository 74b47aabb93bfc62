"""Step 7: secondary and later plans under each cob_rule."""
import pytest

from builders import Builder


def two(rule, sec_type="percentage", sec_cov=50, sec_fees=None, pri_fees=None, fee=1200, overrides=(),
        third=None, **sec):
    b = Builder()
    b.code("D2750", "crowns")
    b.plan("P1", "ppo" if pri_fees else "percentage", fees=pri_fees, coverage={"crowns": 50})
    b.plan("P2", sec_type, fees=sec_fees, coverage={"crowns": sec_cov}, cob_rule=rule, **sec)
    plans = ["P1", "P2"]
    if third:
        b.plan("P3", "percentage", coverage={"crowns": 50}, cob_rule=third)
        plans.append("P3")
    b.patient("PAT", plans)
    b.proc("X1", "PAT", "D2750", fee, overrides=overrides)
    return b


def test_basic_pays_its_allowed_minus_primary():
    b = two("basic", "ppo", sec_fees={"D2750": 650}, pri_fees={"D2750": 900})
    assert (b.line("X1", "P1").ins_est, b.line("X1", "P1").writeoff_est) == (45000, 30000)
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (20000, 0)


def test_standard_pays_the_lesser_of_base_and_what_is_left():
    b = two("standard", "ppo", sec_fees={"D2750": 650}, pri_fees={"D2750": 900})
    assert b.line("X1", "P2").ins_est == 32500      # base 325 < 1200 - 450 - 300
    b = two("standard", "ppo", sec_fees={"D2750": 900}, pri_fees={"D2750": 650})
    assert b.line("X1", "P2").ins_est == 32500      # 1200 - 325 - 550 = 325 < base 450


def test_standard_is_the_default():
    b = two("standard")
    assert b.line("X1", "P2").ins_est == 60000       # min(600, 1200 - 600)
    b = two("standard", sec_cov=80)
    assert b.line("X1", "P2").ins_est == 60000


def test_carve_out_pays_its_own_estimate_minus_primary():
    b = two("carve_out", sec_cov=75)
    assert b.line("X1", "P2").ins_est == 30000


def test_standard_deductible_stays_when_cob_cuts():
    b = two("standard", sec_cov=80, deductible=50)
    line = b.line("X1", "P2")
    assert (line.deductible, line.ins_est) == (5000, 60000)  # own (1200-50) x 80% = 920, cut to 600


def test_secondary_medicaid_order_2_pays_as_basic_and_writes_off_the_rest():
    b = Builder()
    b.code("D2391", "restorative")
    b.plan("P1", "ppo", fees={"D2391": 70}, coverage={"restorative": 50})
    b.plan("P2", "flat_copay", fees={"D2391": 20}, cob_rule="secondary_medicaid")
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D2391", 100)
    sec = b.line("X1", "P2")
    assert (b.line("X1", "P1").ins_est, b.line("X1", "P1").writeoff_est) == (3500, 3000)
    assert (sec.ins_est, sec.writeoff_est) == (0, 3500)


def test_secondary_medicaid_order_3_is_standard_and_writes_nothing_off():
    b = Builder()
    b.code("D2391", "restorative")
    b.plan("P1", coverage={"restorative": 50})
    b.plan("P2", coverage={"restorative": 20})
    b.plan("P3", "flat_copay", fees={"D2391": 80}, cob_rule="secondary_medicaid")
    b.patient("PAT", ["P1", "P2", "P3"])
    b.proc("X1", "PAT", "D2391", 100)
    assert b.line("X1", "P2").ins_est == 2000
    line = b.line("X1", "P3")
    assert (line.ins_est, line.writeoff_est) == (3000, 0)   # min(base 80, 100 - 70)


def test_paid_other_ins_override_replaces_p():
    b = two("carve_out", sec_cov=75, overrides=[{"plan": "P2", "paid_other_ins": 500}])
    assert b.line("X1", "P2").ins_est == 40000   # 900 - 500 instead of 900 - 600


def test_paid_other_ins_override_cannot_push_past_the_charge():
    b = two("carve_out", sec_cov=75, overrides=[{"plan": "P2", "paid_other_ins": 100}])
    assert b.line("X1", "P2").ins_est == 60000   # 800 cut so 600 + 800 stays within 1200


def test_third_plan_sees_both_earlier_plans():
    b = two("standard", sec_cov=30, third="standard")
    assert b.line("X1", "P2").ins_est == 36000
    assert b.line("X1", "P3").ins_est == 24000   # min(600, 1200 - 600 - 360)


@pytest.mark.parametrize("rule", ["basic", "standard", "carve_out"])
def test_secondary_uses_what_the_primary_really_paid(rule):
    b = two(rule, sec_cov=80)
    b.procedures[0] = b.procedures[0].__class__(**{**b.procedures[0].__dict__, "status": "complete"})
    b.claim("C1", "P1", ["X1"], "2026-02-10").claim("C2", "P2", ["X1"], "2026-02-10", "hold")
    b.pay("C1", "2026-03-01", ("X1", 750))
    primary, secondary = b.line("X1", "P1"), b.line("X1", "P2")
    assert (primary.status, primary.ins_est, primary.paid) == ("received", 60000, 75000)
    assert secondary.status == "not_received"
    assert secondary.ins_est == {"basic": 45000, "standard": 45000, "carve_out": 21000}[rule]


def extraction(overrides=()):
    """cob/paid-other-ins-primary.json: PPO primary, percentage standard secondary, charge 600.00."""
    b = Builder(as_of="2026-05-11")
    b.code("D7240", "oral_surgery")
    b.plan("P1", "ppo", fees={"D7240": 420}, coverage={"oral_surgery": 80}, annual_max=1500, deductible=0)
    b.plan("P2", coverage={"oral_surgery": 80}, annual_max=1200, deductible=0, cob_rule="standard")
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D7240", 600, overrides=overrides)
    return b


def test_rule_7_paid_other_ins_on_the_primary_caps_its_writeoff():
    b = extraction([{"plan": "P1", "paid_other_ins": 150}])
    primary, secondary = b.line("X1", "P1"), b.line("X1", "P2")
    assert (primary.ins_est, primary.writeoff_est) == (33600, 11400)   # 600 - 150 - 0 - 336
    assert (secondary.ins_est, secondary.writeoff_est) == (15000, 0)   # min(480, 600 - 336 - 114)


def test_rule_7_without_the_override_the_primary_writes_off_charge_minus_ppo_fee():
    b = extraction()
    assert (b.line("X1", "P1").writeoff_est, b.line("X1", "P2").ins_est) == (18000, 8400)
