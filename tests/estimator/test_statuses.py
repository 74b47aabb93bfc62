"""Line statuses, claim ids, actual amounts (supplemental, denied) and preauthorizations."""
import pytest

from builders import Builder


def base():
    b = Builder(as_of="2026-04-01")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 80})
    b.patient("PAT", ["P1"])
    return b


@pytest.mark.parametrize("claim_status", ["unsent", "hold", "queued", "sent"])
def test_unpaid_claim_lines_are_not_received(claim_status):
    b = base()
    b.done("H1", "PAT", "D2392", 100, "2026-02-01")
    b.claim("C1", "P1", ["H1"], "2026-02-01", claim_status)
    line = b.line("H1")
    assert (line.status, line.claim) == ("not_received", "C1")


def test_estimate_and_received():
    b = base()
    b.done("H1", "PAT", "D2392", 100, "2026-02-01").done("H2", "PAT", "D2392", 100, "2026-02-01")
    b.claim("C1", "P1", ["H1"], "2026-02-01").pay("C1", "2026-03-01", ("H1", 70, 5, 10))
    assert (b.line("H2").status, b.line("H2").claim) == ("estimate", None)
    h1 = b.line("H1")
    assert (h1.status, h1.paid, h1.writeoff, h1.deductible_applied, h1.ins_est) == ("received", 7000, 500, 1000, 8000)


def test_supplemental_payments_add_up_and_denied_lines_pay_nothing():
    b = base()
    b.done("H1", "PAT", "D2392", 100, "2026-02-01").done("H2", "PAT", "D2392", 100, "2026-02-01")
    b.claim("C1", "P1", ["H1", "H2"], "2026-02-01")
    b.pay("C1", "2026-03-01", ("H1", 0, 0, 0, True), ("H2", 50))
    b.pay("C1", "2026-03-10", ("H1", 80), ("H2", -10))
    assert (b.line("H1").paid, b.line("H2").paid) == (8000, 4000)
    assert b.line("H1").ins_est == b.line("H2").ins_est == 8000


def test_claim_marked_received_without_payment_lines():
    b = base()
    b.done("H1", "PAT", "D2392", 100, "2026-02-01")
    b.claim("C1", "P1", ["H1"], "2026-02-01", "received")
    line = b.line("H1")
    assert (line.status, line.paid, line.ins_est) == ("received", 0, 8000)


def test_preauth_does_not_change_estimates():
    b = base()
    b.plans[0] = b.plans[0].__class__(**{**b.plans[0].__dict__, "annual_max": 10000})
    b.proc("X1", "PAT", "D2392", 100, tp_order=2)
    b.proc("X2", "PAT", "D2392", 100, tp_order=1)
    without = b.estimate()
    b.claim("PA", "P1", ["X1"], "2026-01-01", "preauth")
    with_preauth = b.estimate()
    assert (with_preauth[("X1", "P1")].status, with_preauth[("X1", "P1")].claim) == ("preauth", "PA")
    assert with_preauth[("X1", "P1")].ins_est == without[("X1", "P1")].ins_est == 2000
    assert with_preauth[("X2", "P1")] == without[("X2", "P1")]


def test_one_line_per_procedure_and_covering_plan():
    b = Builder()
    b.code("D2392", "restorative")
    b.plan("P1").plan("P2").plan("P3")
    b.patient("A", ["P1", "P2"]).patient("B", []).patient("C", ["P3"])
    b.proc("X1", "A", "D2392", 100).proc("X2", "B", "D2392", 100).proc("X3", "C", "D2392", 100)
    est = b.estimate()
    assert set(est) == {("X1", "P1"), ("X1", "P2"), ("X3", "P3")}
    assert (est[("X1", "P1")].order, est[("X1", "P2")].order) == (1, 2)
