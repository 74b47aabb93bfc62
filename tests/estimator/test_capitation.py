"""Step 11: capitation."""
from builders import Builder


def test_capitation_writes_off_all_but_the_copay():
    b = Builder()
    b.code("D1110", "preventive").code("D2392", "restorative").code("D2740", "crowns")
    b.plan("P1", "capitation", copays={"D1110": 0, "D2392": 75, "D2740": 350}, deductible=50, annual_max=100)
    b.patient("PAT", ["P1"])
    b.done("X1", "PAT", "D1110", 100, "2026-03-02")
    b.done("X2", "PAT", "D2392", 200, "2026-03-02")
    b.proc("X3", "PAT", "D2740", 1100)
    b.proc("X4", "PAT", "D2392", 200, no_bill=["P1"])
    x1, x2, x3 = b.line("X1"), b.line("X2"), b.line("X3")
    assert (x1.status, x1.ins_est, x1.copay, x1.writeoff_est, x1.writeoff) == ("cap_complete", 0, 0, 10000, 10000)
    assert (x2.copay, x2.writeoff_est, x2.writeoff, x2.deductible) == (7500, 12500, 12500, 0)
    assert (x3.status, x3.copay, x3.writeoff_est, x3.writeoff) == ("cap_estimate", 35000, 75000, 0)
    assert (b.line("X4").writeoff_est, b.line("X4").no_bill) == (0, True)


def test_capitation_without_copay_schedule_writes_off_the_charge():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "capitation")
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 200)
    assert b.line("X1").writeoff_est == 20000


def capitation_with_overrides():
    b = Builder()
    b.code("D2140", "restorative").code("D2392", "restorative").code("D2740", "crowns")
    b.plan("P1", "capitation", copays={"D2140": 30, "D2392": 75, "D2740": 350})
    b.patient("PAT", ["P1"])
    b.done("X1", "PAT", "D2392", 200, "2026-03-02", overrides=[{"plan": "P1", "writeoff_est": 200}])
    b.done("X2", "PAT", "D2140", 120, "2026-03-02", overrides=[{"plan": "P1", "ins_est": 90}])
    b.proc("X3", "PAT", "D2740", 1100, overrides=[{"plan": "P1", "ins_est": 200, "writeoff_est": 1150}])
    return b


def test_rule_11_completed_capitation_posts_charge_minus_copay_whatever_the_override():
    x1 = capitation_with_overrides().line("X1")
    assert (x1.ins_est, x1.writeoff_est, x1.writeoff) == (0, 12500, 12500)


def test_rule_11_ins_est_override_does_not_apply_to_capitation():
    b = capitation_with_overrides()
    x2, x3 = b.line("X2"), b.line("X3")
    assert (x2.ins_est, x2.writeoff_est, x2.writeoff) == (0, 9000, 9000)
    assert x3.ins_est == 0


def test_rule_10_planned_capitation_writeoff_override_is_capped_at_the_charge():
    x3 = capitation_with_overrides().line("X3")
    assert (x3.writeoff_est, x3.writeoff) == (110000, 0)   # min(1150.00, 1100.00 - 0 - 0 - 0), not posted
