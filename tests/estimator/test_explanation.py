"""Every line carries its steps in front-desk words."""
from builders import Builder


def test_ppo_line_explains_each_step():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "ppo", fees={"D2392": 127}, coverage={"restorative": 80}, deductible=50, annual_max=100)
    b.patient("PAT", ["P1"], used=[("P1", 40, 0)])
    b.proc("X1", "PAT", "D2392", 150)
    assert b.line("X1").explanation == (
        "allowed 127.00 (PPO fee)",
        "80% (restorative)",
        "deductible 50.00",
        "(127.00 - 50.00) x 80% = 61.60",
        "annual max left 60.00 -> 60.00",
        "write-off 150.00 - 127.00 = 23.00",
    )


def test_secondary_line_explains_cob_and_received_lines_say_so():
    b = Builder(as_of="2026-04-20")
    b.code("D2740", "crowns")
    b.plan("P1", coverage={"crowns": 50})
    b.plan("P2", coverage={"crowns": 80}, cob_rule="carve_out")
    b.patient("PAT", ["P1", "P2"])
    b.done("X1", "PAT", "D2740", 1200, "2026-02-10")
    b.claim("C1", "P1", ["X1"], "2026-02-10").pay("C1", "2026-03-04", ("X1", 750))
    assert "carve-out COB: own estimate 960.00 - other plans 750.00 = 210.00 -> 210.00" in b.line("X1", "P2").explanation
    assert b.line("X1", "P1").explanation[-1] == (
        "received: paid 750.00, write-off 0.00, deductible 0.00; estimate kept from before payment")


def test_every_line_has_an_explanation():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1", "capitation").plan("P2", coverage={"restorative": 80}, exclusions=["D2392"])
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D2392", 150)
    b.proc("X2", "PAT", "D2392", 150, no_bill=["P2"])
    assert all(line.explanation for line in b.estimate().values())
    assert "excluded by the plan -> 0.00" in b.line("X1", "P2").explanation
