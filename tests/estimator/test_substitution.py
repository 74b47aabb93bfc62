"""Step 2 and 10: downgrades (substitution codes) and substitution_condition by tooth."""
import pytest

from estimator.benefits import tooth_fits

from builders import Builder


def one(tooth="30", condition=None, sub_fee=100, billed_fee=127, **plan):
    b = Builder()
    b.code("D2150", "restorative")
    b.code("D2392", "restorative", substitution_code="D2150", substitution_condition=condition)
    b.plan("P1", "ppo", fees={"D2392": billed_fee, "D2150": sub_fee}, coverage={"restorative": 80}, **plan)
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 150, tooth=tooth)
    return b.line("X1")


def test_downgrade_pays_the_substitute_fee_and_writes_off_on_the_billed_code():
    line = one()
    assert (line.allowed, line.ins_est, line.writeoff_est) == (10000, 8000, 2300)


def test_substitute_fee_higher_than_billed_is_not_used():
    line = one(sub_fee=140, billed_fee=127)
    assert line.allowed == 12700


def test_substitution_writeoffs_off_writes_off_nothing_on_a_downgrade():
    line = one(substitution_writeoffs=False)
    assert (line.allowed, line.writeoff_est) == (10000, 0)


def test_plan_not_allowing_substitution_pays_the_billed_fee():
    assert one(allow_substitution=False).allowed == 12700


@pytest.mark.parametrize("condition,tooth,fits", [
    ("molar", "30", True), ("molar", "29", False), ("second_molar", "31", True), ("second_molar", "30", False),
    ("posterior", "29", True), ("posterior", "8", False), ("always", "8", True), (None, None, True),
    ("molar", None, False), ("molar", "K", True), ("second_molar", "T", True), ("posterior", "E", False),
])
def test_tooth_conditions(condition, tooth, fits):
    assert tooth_fits(condition, tooth) is fits


def test_condition_not_met_pays_the_billed_fee():
    assert one(tooth="8", condition="posterior").allowed == 12700
    assert one(tooth="19", condition="molar").allowed == 10000


def test_copay_is_read_for_the_substitute_code():
    b = Builder()
    b.code("D2150", "restorative")
    b.code("D2392", "restorative", substitution_code="D2150")
    b.plan("P1", "ppo", fees={"D2392": 127, "D2150": 100}, copays={"D2150": 20, "D2392": 40},
           coverage={"restorative": 100})
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 150)
    line = b.line("X1")
    assert (line.copay, line.ins_est) == (2000, 8000)
