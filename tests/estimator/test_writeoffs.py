"""Step 10: PPO write-offs."""
from builders import Builder
from estimator import model as m
from estimator.cob import fit_to_charge
from estimator.results import LineEstimate


def test_ppo_writeoff_is_charge_minus_ppo_fee():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "ppo", fees={"D2392": 127}, coverage={"restorative": 80}, deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 150)
    line = b.line("X1")
    assert (line.ins_est, line.writeoff_est) == (6160, 2300)


def test_percentage_and_flat_copay_write_nothing_off():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "percentage", allowed_fees={"D2392": 127}, coverage={"restorative": 80})
    b.plan("P2", "flat_copay", fees={"D2392": 127})
    b.patient("A", ["P1"]).patient("B", ["P2"])
    b.proc("X1", "A", "D2392", 150).proc("X2", "B", "D2392", 150)
    assert b.line("X1", "P1").writeoff_est == 0
    assert b.line("X2", "P2").writeoff_est == 0


def two_ppos(pri, sec, fee=1200, rule="basic", **prefs):
    b = Builder(**prefs)
    b.code("D2750", "crowns")
    b.plan("P1", "ppo", fees={"D2750": pri}, coverage={"crowns": 50})
    b.plan("P2", "ppo", fees={"D2750": sec}, coverage={"crowns": 50}, cob_rule=rule)
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D2750", fee)
    return b


def test_primary_writeoff_shrinks_so_nothing_exceeds_the_charge():
    b = two_ppos(650, 900)
    assert (b.line("X1", "P1").ins_est, b.line("X1", "P1").writeoff_est) == (32500, 42500)
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (45000, 0)


def test_secondary_ppo_writeoff_only_with_the_preference():
    b = Builder()
    b.code("D4342", "periodontics")
    b.plan("P1", allowed_fees={"D4342": 152}, coverage={"periodontics": 80}, deductible=50)
    b.plan("P2", "ppo", fees={"D4342": 87.99}, coverage={"periodontics": 100}, cob_rule="basic")
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D4342", 236)
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (639, 0)
    b.preferences = b.preferences.__class__(ins_ppo_sec_writeoffs=True)
    b.estimate()
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (639, 14801)


def test_secondary_ppo_writes_off_when_the_primary_pays_nothing():
    b = two_ppos(650, 900)
    b.procedures[0] = b.procedures[0].__class__(**{**b.procedures[0].__dict__, "no_bill": ("P1",)})
    assert b.line("X1", "P2").writeoff_est == 30000


def test_later_plan_is_cut_when_the_primary_has_no_writeoff_left():
    b = Builder()
    b.code("D2750", "crowns")
    b.plan("P1", coverage={"crowns": 80})
    b.plan("P2", coverage={"crowns": 80}, cob_rule="carve_out")
    b.plan("P3", coverage={"crowns": 80}, cob_rule="carve_out")
    b.patient("PAT", ["P1", "P2", "P3"])
    b.proc("X1", "PAT", "D2750", 1000)
    b.done("H1", "PAT", "D2750", 1000, "2026-02-01")
    b.claim("C1", "P1", ["H1"], "2026-02-01").claim("C2", "P2", ["H1"], "2026-02-01")
    b.pay("C1", "2026-02-20", ("H1", 900))
    assert b.line("X1", "P2").ins_est == 0        # carve-out: 800 - 800
    assert b.line("H1", "P2").ins_est == 0        # 800 - 900 < 0
    assert b.line("H1", "P3").ins_est == 0


def test_fully_over_max_keeps_writeoff_unless_preference():
    def build(**prefs):
        b = Builder(**prefs)
        b.code("D2392", "restorative")
        b.plan("P1", "ppo", fees={"D2392": 100}, coverage={"restorative": 80}, annual_max=0)
        b.patient("PAT", ["P1"])
        b.proc("X1", "PAT", "D2392", 150)
        return b.line("X1")
    assert (build().ins_est, build().writeoff_est) == (0, 5000)
    assert build(zero_writeoff_when_annual_max_exhausted=True).writeoff_est == 0


def test_writeoff_override():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "ppo", fees={"D2392": 100}, coverage={"restorative": 80})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 150, overrides=[{"plan": "P1", "writeoff_est": 10}])
    assert b.line("X1").writeoff_est == 1000


def test_rule_10_overridden_writeoff_is_never_shrunk_later_plans_are_cut_instead():
    b = two_ppos(650, 900)   # cob/writeoff-override-kept.json: without the override 425.00 / 450.00
    b.procedures[0] = b.procedures[0].__class__(
        **{**b.procedures[0].__dict__, "overrides": (m.Override("P1", writeoff_est=50000),)})
    assert (b.line("X1", "P1").ins_est, b.line("X1", "P1").writeoff_est) == (32500, 50000)
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (37500, 0)


def three_plans_over_the_charge(**prefs):
    """Charge 1000.00. P1 percentage 50 %: 500.00, no write-off to give. P2 PPO (basic, secondary
    write-offs on): min(350.00, 700.00 - 500.00) = 200.00 + write-off 300.00. P3 basic 50 %:
    min(500.00, 1000.00 - 700.00) = 300.00, so the plans pass the charge by 300.00."""
    b = Builder(ins_ppo_sec_writeoffs=True, **prefs)
    b.code("D2750", "crowns")
    b.plan("P1", coverage={"crowns": 50})
    b.plan("P2", "ppo", fees={"D2750": 700}, coverage={"crowns": 50}, cob_rule="basic")
    b.plan("P3", coverage={"crowns": 50}, cob_rule="basic")
    b.patient("PAT", ["P1", "P2", "P3"])
    b.proc("X1", "PAT", "D2750", 1000)
    return b


def test_rule_10_later_plans_are_cut_last_plan_first():
    b = three_plans_over_the_charge()
    assert b.line("X1", "P1").ins_est == 50000
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").writeoff_est) == (20000, 30000)
    assert (b.line("X1", "P3").ins_est, b.line("X1", "P3").writeoff_est) == (0, 0)   # the last plan absorbs it


def test_rule_10_fit_to_charge_cuts_the_last_plan_first():
    lines = [LineEstimate("X1", f"P{n}", n, "estimate", ins_est=est, writeoff_est=wo)
             for n, (est, wo) in enumerate([(40000, 20000), (40000, 0), (20000, 0)], 1)]
    fitted = fit_to_charge(lines, 100000, kept=[True])
    assert [(ln.ins_est, ln.writeoff_est) for ln in fitted] == [(40000, 20000), (40000, 0), (0, 0)]
    fitted = fit_to_charge(lines, 90000, kept=[True])
    assert [(ln.ins_est, ln.writeoff_est) for ln in fitted] == [(40000, 20000), (30000, 0), (0, 0)]
