"""Estimation order: claims by date then listed order; completed work off claims by date, id;
planned work by tp_order (none last), date, id; family ties by patient id, then procedure id."""
from builders import Builder


def base(**plan):
    b = Builder(as_of="2026-06-01")
    b.code("D2392", "restorative")
    b.plan("P1", coverage={"restorative": 100}, deductible=50, **plan)
    return b


def first_deductible(b, *procs):
    """Which of ``procs`` took the deductible (the first in estimation order)."""
    est = b.estimate()
    return [p for p in procs if est[(p, "P1")].deductible == 5000]


def test_claims_come_before_completed_and_planned_work():
    b = base()
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 100, tp_order=1)
    b.done("H1", "PAT", "D2392", 100, "2026-01-05")
    b.done("H2", "PAT", "D2392", 100, "2026-03-05")
    b.claim("C1", "P1", ["H2"], "2026-03-05")
    assert first_deductible(b, "X1", "H1", "H2") == ["H2"]


def test_claims_by_date_then_listed_order():
    b = base()
    b.patient("PAT", ["P1"])
    for p in ("H1", "H2", "H3"):
        b.done(p, "PAT", "D2392", 100, "2026-01-05")
    b.claim("C1", "P1", ["H1"], "2026-02-01").claim("C2", "P1", ["H3", "H2"], "2026-01-20")
    assert first_deductible(b, "H1", "H2", "H3") == ["H3"]
    b.claims = [b.claims[1].__class__(**{**b.claims[1].__dict__, "date": b.claims[0].date}), b.claims[0]]
    assert first_deductible(b, "H1", "H2", "H3") == ["H3"]   # same date: listed first


def test_completed_by_date_then_id():
    b = base()
    b.patient("PAT", ["P1"])
    b.done("H10", "PAT", "D2392", 100, "2026-01-05")
    b.done("H9", "PAT", "D2392", 100, "2026-01-05")
    b.done("H1", "PAT", "D2392", 100, "2026-02-05")
    assert first_deductible(b, "H10", "H9", "H1") == ["H9"]   # ids in natural order


def test_planned_by_tp_order_none_last():
    b = base()
    b.patient("PAT", ["P1"])
    b.proc("X1", "PAT", "D2392", 100, date="2026-01-01")
    b.proc("X2", "PAT", "D2392", 100, tp_order=3)
    b.proc("X3", "PAT", "D2392", 100, tp_order=2)
    assert first_deductible(b, "X1", "X2", "X3") == ["X3"]


def test_family_lines_interleave_with_ties_by_patient_id():
    b = base(family_deductible=50)
    b.patient("B", ["P1"]).patient("A", ["P1"], guarantor="B")
    b.done("XB", "B", "D2392", 100, "2026-01-05")
    b.done("XA", "A", "D2392", 100, "2026-01-05")
    assert first_deductible(b, "XA", "XB") == ["XA"]
    b.done("XC", "B", "D2392", 100, "2026-01-04")
    assert first_deductible(b, "XA", "XB", "XC") == ["XC"]


def test_input_order_does_not_matter():
    b = base(family_deductible=80, annual_max=250)
    b.patient("B", ["P1"]).patient("A", ["P1"], guarantor="B")
    for n in range(6):
        b.proc(f"X{n}", "AB"[n % 2], "D2392", 40 + n * 10, tp_order=n % 3 or None)
    first = b.estimate()
    b.procedures.reverse()
    b.patients.reverse()
    assert b.estimate() == first


def test_claim_lines_keep_the_claims_listed_order_whatever_their_patients():
    b = base(family_deductible=50)
    b.patient("A", ["P1"]).patient("B", ["P1"], guarantor="A")
    b.done("XA", "A", "D2392", 100, "2026-01-05")
    b.done("XB", "B", "D2392", 100, "2026-01-05")
    b.claim("C1", "P1", ["XB", "XA"], "2026-01-05")
    assert first_deductible(b, "XA", "XB") == ["XB"]     # listed first, though patient A < B
    b.claims = [b.claims[0].__class__(**{**b.claims[0].__dict__, "procedures": ("XA", "XB")})]
    assert first_deductible(b, "XA", "XB") == ["XA"]


def test_ids_compare_naturally_patients_and_procedures():
    b = base(family_deductible=50)
    b.patient("PT10", ["P1"]).patient("PT2", ["P1"], guarantor="PT10")
    b.proc("X10", "PT2", "D2392", 100, tp_order=1)
    b.proc("X2", "PT10", "D2392", 100, tp_order=1)
    assert first_deductible(b, "X10", "X2") == ["X10"]   # patient PT2 before PT10
    b = base()
    b.patient("PAT", ["P1"])
    b.proc("X10", "PAT", "D2392", 100, tp_order=1).proc("X2", "PAT", "D2392", 100, tp_order=1)
    assert first_deductible(b, "X10", "X2") == ["X2"]


def test_ids_with_equal_numbers_still_have_one_order():
    b = base()
    b.patient("PAT", ["P1"])
    b.done("X2", "PAT", "D2392", 100, "2026-01-05").done("X02", "PAT", "D2392", 100, "2026-01-05")
    first = first_deductible(b, "X2", "X02")
    b.procedures.reverse()
    assert first_deductible(b, "X2", "X02") == first == ["X02"]
