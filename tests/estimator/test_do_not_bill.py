"""Step 1: do-not-bill for a plan: everything 0, no write-off; the next line gets the deductible."""
from builders import Builder


def build():
    b = Builder()
    b.code("D2391", "restorative")
    b.plan("P1", "ppo", fees={"D2391": 110}, coverage={"restorative": 80}, deductible=50, annual_max=1500)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2391", 190, tp_order=1, no_bill=["P1"])
    b.proc("X2", "PAT", "D2391", 150, tp_order=2)
    return b


def test_no_bill_line_is_all_zero():
    b = build()
    line = b.line("X1")
    assert (line.ins_est, line.writeoff_est, line.deductible, line.allowed, line.copay) == (0, 0, 0, 0, 0)
    assert line.no_bill
    assert line.explanation


def test_next_line_takes_the_deductible():
    b = build()
    line = b.line("X2")
    assert (line.deductible, line.ins_est, line.writeoff_est) == (5000, 4800, 4000)


def test_no_bill_on_primary_leaves_the_secondary_paying_alone():
    b = Builder()
    b.code("D2391", "restorative")
    b.plan("P1", coverage={"restorative": 80})
    b.plan("P2", coverage={"restorative": 50})
    b.patient("PAT", ["P1", "P2"])
    b.proc("X1", "PAT", "D2391", 100, no_bill=["P1"])
    assert b.line("X1", "P1").ins_est == 0
    assert b.line("X1", "P2").ins_est == 5000
