"""Constants the statement tests share (imported by name: the test folders are not packages)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from estimator.model import (
    Adjustment, AdjustmentCode, Carrier, Claim, ClaimPayment, ClaimPaymentLine, Coverage, Patient,
    PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider,
)
from estimator.results import RECEIVED, LineEstimate
from estimator.statement_types import Party

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT.parent / "shared" / "scenarios"
if not SCENARIOS.exists():  # tests/scenarios is a copy of the shared folder
    SCENARIOS = ROOT / "tests" / "scenarios"

OFFICE = Party("Bright Smiles Dental", ("1200 Main Street, Suite 4", "Springfield, IL 62701"), "(217) 555-0100")


def d(day: int) -> date:
    return date(2026, 6, day)


def family() -> tuple[Practice, dict]:
    """ANN (guarantor): X1 150.00 on 6/1, claimed; Delta pays 90.00 and writes off 20.00 on 6/15
    (estimated 100.00 + 20.00); ANN pays 40.00 by check on 6/20.
    KID: K1 80.00 on 6/25, no insurance; a courtesy -10.00 on 6/28; a small-balance write-off
    -5.00 on 6/29 (an adjustment code of kind writeoff)."""
    practice = Practice(
        as_of=d(30), providers=(Provider("DOC", "Reyes, Ana"),),
        procedure_codes=(ProcedureCode("D2391", "restorative", "Composite, one surface"),
                         ProcedureCode("D1110", "preventive", "Prophylaxis, adult")),
        carriers=(Carrier("CAR", "Delta Dental"),),
        plans=(Plan("P1", "CAR", "ANN", "percentage"),),
        patients=(Patient("ANN", "Lee, Ann", date(1980, 1, 1), "ANN", (Coverage("P1", 1),)),
                  Patient("KID", "Lee, Kid", date(2015, 1, 1), "ANN")),
        procedures=(Procedure("X1", "ANN", "D2391", d(1), 15000, "DOC", "complete", tooth="30", surface="O"),
                    Procedure("K1", "KID", "D1110", d(25), 8000, "DOC", "complete")),
        claims=(Claim("C1", "P1", ("X1",), "sent", d(2)),),
        claim_payments=(ClaimPayment("C1", d(15), (ClaimPaymentLine("X1", 9000, 2000),), check_no="77"),),
        patient_payments=(PatientPayment("ANN", d(20), 4000, "check", check_no="1042", procedure="X1"),),
        adjustments=(Adjustment("KID", d(28), -1000, "COURTESY", "K1"),
                     Adjustment("KID", d(29), -500, "SMALLBAL")),
        adjustment_codes=(AdjustmentCode("COURTESY", "courtesy", "Professional courtesy"),
                          AdjustmentCode("SMALLBAL", "writeoff", "Small balance write-off")),
    )
    line = LineEstimate("X1", "P1", 1, RECEIVED, ins_est=10000, writeoff_est=2000, claim="C1",
                        paid=9000, writeoff=2000)
    return practice, {("X1", "P1"): line}
