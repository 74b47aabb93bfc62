"""Step 8: exclusions."""
from builders import Builder


def test_excluded_code_pays_nothing_takes_no_deductible():
    b = Builder()
    b.code("D9972", "adjunctive").code("D2391", "restorative")
    b.plan("P1", coverage={"adjunctive": 50, "restorative": 80}, deductible=50, exclusions=["D9972"])
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D9972", 350, tp_order=1)
    b.proc("X2", "PAT", "D2391", 150, tp_order=2)
    x1 = b.line("X1")
    assert (x1.ins_est, x1.deductible, x1.note) == (0, 0, "Exclusion")
    assert (b.line("X2").deductible, b.line("X2").ins_est) == (5000, 8000)


def test_excluded_ppo_code_keeps_its_writeoff():
    b = Builder()
    b.code("D9972", "adjunctive")
    b.plan("P1", "ppo", fees={"D9972": 300}, coverage={"adjunctive": 50}, exclusions=["D9972"])
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D9972", 350)
    assert (b.line("X1").ins_est, b.line("X1").writeoff_est) == (0, 5000)
