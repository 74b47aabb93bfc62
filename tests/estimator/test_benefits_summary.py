"""benefits_summary: used = received + elsewhere + unpaid claims, in as_of's benefit year."""
from estimator.engine import benefits_summary

from builders import Builder


def test_summary_counts_received_elsewhere_and_unpaid_claims_only():
    b = Builder(as_of="2026-05-29")
    b.code("D3330", "endodontics").code("D8080", "orthodontics")
    b.plan("P1", coverage={"endodontics": 80, "orthodontics": 50}, annual_max=1000, deductible=50,
           category_limits={"orthodontics": 1500})
    b.patient("PAT", ["P1"], used=[("P1", 100, 10)])
    b.done("H0", "PAT", "D3330", 100, "2025-06-01")        # last year
    b.done("H1", "PAT", "D3330", 300, "2026-02-01")        # received 200, deductible 20
    b.done("H2", "PAT", "D3330", 100, "2026-03-01")        # on a sent claim: estimate 80 (ded 20 left... see below)
    b.done("H3", "PAT", "D3330", 100, "2026-03-02")        # off claim: not counted
    b.done("H4", "PAT", "D8080", 1000, "2026-03-02")       # own limit: not the annual max
    b.proc("X1", "PAT", "D3330", 500)                       # planned: not counted
    b.claim("C0", "P1", ["H0"], "2025-06-01").pay("C0", "2025-07-01", ("H0", 80))
    b.claim("C1", "P1", ["H1"], "2026-02-01").pay("C1", "2026-02-20", ("H1", 200, 0, 20))
    b.claim("C2", "P1", ["H2", "H4"], "2026-03-01")
    est = b.estimate()
    h2 = est[("H2", "P1")]
    assert h2.deductible == 2000 and h2.ins_est == 6400
    summary = benefits_summary(b.practice(), est, "PAT", "P1")
    assert summary.annual_max_used == 10000 + 20000 + 6400
    assert summary.annual_max_remaining == 100000 - 36400
    assert summary.deductible_remaining == 0


def test_unknown_max_and_family_deductible():
    b = Builder(as_of="2026-05-29")
    b.code("D3330", "endodontics")
    b.plan("P1", coverage={"endodontics": 80}, deductible=50, family_deductible=60)
    b.patient("A", ["P1"]).patient("B", ["P1"], guarantor="A")
    b.done("H1", "A", "D3330", 100, "2026-02-01")
    b.claim("C1", "P1", ["H1"], "2026-02-01").pay("C1", "2026-02-20", ("H1", 40, 0, 50))
    summary = benefits_summary(b.practice(), b.estimate(), "B", "P1")
    assert summary.annual_max_remaining is None
    assert (summary.deductible_remaining, summary.family_deductible_remaining) == (1000, 1000)
