"""Step 9: annual, family, code and category (orthodontic) maxima and their notes."""
from builders import Builder
from estimator import model as m


def base(as_of="2026-04-15", **plan):
    b = Builder(as_of=as_of)
    b.code("D2392", "restorative").code("D2740", "crowns").code("D3330", "endodontics")
    b.code("D2161", "restorative").code("D8080", "orthodontics")
    b.plan("P1", coverage={"restorative": 80, "crowns": 50, "endodontics": 80, "orthodontics": 50}, **plan)
    return b


def test_annual_max_in_tp_order_with_benefits_used_elsewhere():
    b = base(annual_max=1500)
    b.patient("PAT", ["P1"], used=[("P1", 500, 0)])
    b.proc("X1", "PAT", "D2740", 1200, tp_order=2)
    b.proc("X2", "PAT", "D3330", 1000, tp_order=1)
    b.proc("X3", "PAT", "D2392", 190, date="2026-04-01")
    assert (b.line("X2").ins_est, b.line("X2").note) == (80000, "")
    assert (b.line("X1").ins_est, b.line("X1").note) == (20000, "Annual max left 200.00")
    assert (b.line("X3").ins_est, b.line("X3").note) == (0, "Over annual max")


def test_unknown_annual_max_is_no_limit_and_zero_pays_nothing():
    b = base()
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2740", 10000)
    assert b.line("X1").ins_est == 500000
    b = base(annual_max=0)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2740", 100)
    assert (b.line("X1").ins_est, b.line("X1").note) == (0, "Over annual max")


def test_family_max_cuts_even_when_own_max_has_room():
    b = base(annual_max=1000, family_annual_max=1500)
    b.patient("MOM", ["P1"])
    b.patient("SON", ["P1"], guarantor="MOM")
    b.done("H1", "MOM", "D3330", 1125, "2026-03-02")
    b.claim("C1", "P1", ["H1"], "2026-03-02").pay("C1", "2026-03-20", ("H1", 900))
    b.proc("X1", "SON", "D3330", 1000, tp_order=1)
    b.proc("X2", "SON", "D2392", 200, tp_order=2)
    assert (b.line("X1").ins_est, b.line("X1").note) == (60000, "Family max left 600.00")
    assert (b.line("X2").ins_est, b.line("X2").note) == (0, "Over family max")


def test_other_families_do_not_share_the_family_max():
    b = base(family_annual_max=100)
    b.patient("A", ["P1"]).patient("B", ["P1"])
    b.proc("X1", "A", "D2392", 125)
    b.proc("X2", "B", "D2392", 125)
    assert b.line("X1").ins_est == b.line("X2").ins_est == 10000


def test_code_limit_keeps_the_annual_max_for_other_work():
    b = base(as_of="2026-06-22", annual_max=200, code_limits={"D2161": 2000})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2161", 300, tp_order=1)
    b.proc("X2", "PAT", "D2392", 300, tp_order=2)
    assert (b.line("X1").ins_est, b.line("X1").note) == (24000, "")
    assert (b.line("X2").ins_est, b.line("X2").note) == (20000, "Annual max left 200.00")


def test_code_limit_notes():
    b = base(code_limits={"D2161": 300})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2161", 300, tp_order=1)
    b.proc("X2", "PAT", "D2161", 300, tp_order=2)
    assert (b.line("X2").ins_est, b.line("X2").note) == (6000, "Limit left 60.00")
    b.proc("X3", "PAT", "D2161", 300, tp_order=3)
    b.estimate()
    assert (b.line("X3").ins_est, b.line("X3").note) == (0, "Over limit")


def test_ortho_limit_is_lifetime_and_ignores_the_annual_max():
    b = base(as_of="2026-02-09", annual_max=700, category_limits={"orthodontics": 1500})
    b.patient("PAT", ["P1"], used=[("P1", 0, 0)])
    b.done("H1", "PAT", "D8080", 1800, "2024-05-06")
    b.claim("C1", "P1", ["H1"], "2024-05-06").pay("C1", "2024-05-28", ("H1", 900))
    b.proc("X1", "PAT", "D8080", 5600, tp_order=1)
    b.proc("X2", "PAT", "D2392", 180, tp_order=2)
    assert b.line("H1").ins_est == 90000
    assert (b.line("X1").ins_est, b.line("X1").note) == (60000, "Limit left 600.00")
    assert b.line("X2").ins_est == 14400


def test_benefits_used_elsewhere_do_not_count_against_category_limits():
    b = base(annual_max=500, category_limits={"orthodontics": 1000})
    b.patient("PAT", ["P1"], used=[("P1", 500, 0)])
    b.proc("X1", "PAT", "D8080", 1000)
    assert b.line("X1").ins_est == 50000


def test_category_family_limit():
    b = base(category_limits={"orthodontics": 1500}, category_family_limits={"orthodontics": 2000})
    b.patient("A", ["P1"]).patient("B", ["P1"], guarantor="A")
    b.proc("X1", "A", "D8080", 3000)
    b.proc("X2", "B", "D8080", 3000)
    assert b.line("X1").ins_est == 150000
    assert (b.line("X2").ins_est, b.line("X2").note) == (50000, "Limit left 500.00")


def test_ins_est_override_is_not_cut_but_counts():
    b = base(annual_max=500)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2740", 1200, tp_order=1, overrides=[{"plan": "P1", "ins_est": 600}])
    b.proc("X2", "PAT", "D2392", 100, tp_order=2)
    assert (b.line("X1").ins_est, b.line("X1").note) == (60000, "")
    assert (b.line("X2").ins_est, b.line("X2").note) == (0, "Over annual max")


def test_max_used_is_per_benefit_year():
    b = base(annual_max=100)
    b.patient("PAT", ["P1"])
    b.done("H1", "PAT", "D2392", 125, "2025-12-01")
    b.claim("C1", "P1", ["H1"], "2025-12-01")
    b.proc("X1", "PAT", "D2392", 125)
    assert b.line("H1").ins_est == b.line("X1").ins_est == 10000


def exhausted(**prefs):
    """PPO, annual max 100.00 used up by X1; X2 is not covered (0 %), X3 is restorative again."""
    b = Builder(as_of="2026-04-01", **prefs)
    b.code("D2392", "restorative").code("D2740", "crowns")
    b.plan("P1", "ppo", fees={"D2392": 200, "D2740": 700}, coverage={"restorative": 80, "crowns": 0},
           annual_max=100, deductible=0)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 300, tp_order=1)
    b.proc("X2", "PAT", "D2740", 1000, tp_order=2)
    b.proc("X3", "PAT", "D2392", 300, tp_order=3)
    return b


def test_rule_9_nothing_left_is_a_fact_about_the_limit_not_the_estimate():
    b = exhausted()
    assert (b.line("X1").ins_est, b.line("X1").note, b.line("X1").writeoff_est) == \
        (10000, "Annual max left 100.00", 10000)
    assert (b.line("X2").ins_est, b.line("X2").note, b.line("X2").writeoff_est) == (0, "Over annual max", 30000)
    assert (b.line("X3").ins_est, b.line("X3").note) == (0, "Over annual max")


def test_rule_9_zero_line_over_the_max_keeps_no_writeoff_with_the_preference():
    b = exhausted(zero_writeoff_when_annual_max_exhausted=True)
    assert b.line("X1").writeoff_est == 10000          # partly cut: keeps its write-off
    assert (b.line("X2").writeoff_est, b.line("X3").writeoff_est) == (0, 0)


def test_rule_9_zero_line_with_room_left_gets_no_note():
    b = exhausted()
    b.plans[0] = b.plans[0].__class__(**{**b.plans[0].__dict__, "annual_max": 100_000})
    assert (b.line("X2").ins_est, b.line("X2").note) == (0, "")


def test_rule_9_zero_line_over_the_family_max_gets_the_family_note():
    b = base(annual_max=1000, family_annual_max=100)
    b.patient("MOM", ["P1"]).patient("SON", ["P1"], guarantor="MOM")
    b.proc("X1", "MOM", "D2392", 200, tp_order=1)
    b.proc("X2", "SON", "D2392", 200, tp_order=2, overrides=[{"plan": "P1", "percent": 0}])
    assert (b.line("X2").ins_est, b.line("X2").note) == (0, "Over family max")


def test_rule_9_zero_line_after_cob_over_the_max():
    b = base(annual_max=1000)
    b.plan("P2", coverage={"restorative": 80}, annual_max=0)
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D2392", 100, overrides=[{"plan": "P1", "percent": 100}])
    assert b.line("X1", "P2").explanation[-2].endswith("-> 0.00")   # standard COB: nothing left to pay
    assert (b.line("X1", "P2").ins_est, b.line("X1", "P2").note) == (0, "Over annual max")


def test_rule_9_exclusion_and_frequency_keep_their_own_note():
    b = exhausted(zero_writeoff_when_annual_max_exhausted=True)
    b.plans[0] = b.plans[0].__class__(**{**b.plans[0].__dict__, "exclusions": ("D2740",),
                                         "frequency": (m.FrequencyLimit(1, "benefit_year", code="D2392"),)})
    assert (b.line("X2").note, b.line("X2").writeoff_est) == ("Exclusion", 0)
    assert (b.line("X3").note, b.line("X3").writeoff_est) == ("Frequency", 0)
