"""Step 5 and 6: deductibles, before or after the percentage."""
from builders import Builder


def family(**plan):
    b = Builder()
    b.code("D0120", "diagnostic")
    b.code("D0330", "diagnostic_xray", "general", "diagnostic", "diagnostic_xray")
    b.code("D2391", "restorative")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"diagnostic": 100, "diagnostic_xray": 100, "restorative": 80}, **plan)
    return b


def test_general_deductible_before_percent():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 100)
    line = b.line("X1")
    assert (line.deductible, line.ins_est, line.base_est) == (5000, 4000, 8000)


def test_deductible_after_percent():
    b = family(deductible=50, deductible_before_percent=False)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 100)
    b.proc("X2", "PAT", "D2391", 40, overrides=[{"plan": "P1", "deductible": 40}])
    assert (b.line("X1").deductible, b.line("X1").ins_est) == (5000, 3000)
    assert b.line("X2").ins_est == 0  # 32.00 - 40.00 is not below 0


def test_deductible_before_percent_override_per_line():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 100, overrides=[{"plan": "P1", "deductible_before_percent": False}])
    assert b.line("X1").ins_est == 3000


def test_later_lines_get_what_is_left():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 30, tp_order=1)
    b.proc("X2", "PAT", "D2392", 200, tp_order=2)
    assert b.line("X1").deductible == 3000
    assert (b.line("X2").deductible, b.line("X2").ins_est) == (2000, 14400)


def test_waived_category_takes_none():
    b = family(deductible=50, deductible_waived_on=["diagnostic"])
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D0330", 80, tp_order=1)
    b.proc("X2", "PAT", "D2391", 160, tp_order=2)
    assert b.line("X1").deductible == 0
    assert b.line("X2").deductible == 5000


def test_code_deductible_beats_waived_category_and_general_caps_the_total():
    b = family(deductible=50, deductible_waived_on=["diagnostic"], code_deductibles={"D0330": 45})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D0330", 95, tp_order=1)
    b.proc("X2", "PAT", "D2391", 200, tp_order=2)
    assert (b.line("X1").deductible, b.line("X1").ins_est) == (4500, 5000)
    assert (b.line("X2").deductible, b.line("X2").ins_est) == (500, 15600)


def test_category_deductible_counts_only_its_own_codes():
    b = family(deductible=100, category_deductibles={"diagnostic": 25})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 60, tp_order=1)   # general: 60 of 100
    b.proc("X2", "PAT", "D0120", 80, tp_order=2)   # min(100 - 60, 25 - 0) = 25
    b.proc("X3", "PAT", "D0330", 80, tp_order=3)   # min(100 - 85, 25 - 25) = 0
    assert [b.line(x).deductible for x in ("X1", "X2", "X3")] == [6000, 2500, 0]


def test_only_a_specific_deductible_counts_all_deductible_used():
    b = family(category_deductibles={"restorative": 50})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 30, tp_order=1)
    b.proc("X2", "PAT", "D2392", 100, tp_order=2)
    b.proc("X3", "PAT", "D0120", 100, tp_order=3)
    assert [b.line(x).deductible for x in ("X1", "X2", "X3")] == [3000, 2000, 0]


def test_family_deductible_shared_in_patient_id_order():
    b = family(deductible=50, family_deductible=80)
    b.patient("A", ["P1"])
    b.patient("B", ["P1"], guarantor="A")
    b.proc("X1", "B", "D2391", 100, tp_order=1)
    b.proc("X2", "A", "D2391", 100, tp_order=1)
    assert b.line("X2").deductible == 5000   # patient A first
    assert b.line("X1").deductible == 3000   # 80 - 50 left for B


def test_deductible_met_elsewhere_and_by_received_payments():
    b = family(deductible=50)
    b.patient("PAT", ["P1"], used=[("P1", 0, 20)])
    b.done("H1", "PAT", "D2391", 100, "2026-01-10")
    b.claim("C1", "P1", ["H1"], "2026-01-10")
    b.pay("C1", "2026-02-01", ("H1", 56, 0, 25))
    b.proc("X1", "PAT", "D2391", 100)
    assert b.line("X1").deductible == 500


def test_unpaid_claim_estimates_count_as_used():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.done("H1", "PAT", "D2391", 30, "2026-01-10")
    b.claim("C1", "P1", ["H1"], "2026-01-10")
    b.proc("X1", "PAT", "D2391", 100)
    assert b.line("H1").deductible == 3000
    assert b.line("X1").deductible == 2000


def test_deductible_never_more_than_allowed_minus_copay():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 20, tp_order=1)
    assert (b.line("X1").deductible, b.line("X1").ins_est) == (2000, 0)


def test_deductible_override_replaces_it():
    b = family(deductible=50)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 160, tp_order=1, overrides=[{"plan": "P1", "deductible": 0}])
    b.proc("X2", "PAT", "D2392", 200, tp_order=2)
    assert (b.line("X1").deductible, b.line("X1").ins_est) == (0, 12800)
    assert b.line("X2").deductible == 5000


def test_unknown_deductible_takes_none():
    b = family()
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 100)
    assert b.line("X1").deductible == 0
