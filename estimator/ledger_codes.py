"""Small look-ups the ledger card needs: the code sent to insurance, the UCR fee, claim labels.

The Insurance column shows the code the carrier pays on: the procedure's code, or its
substitution (downgrade) code when a covering plan pays the substitution code's fee. This is
the same rule as estimation.md step 2 (ppo / flat_copay, `allow_substitution`, the
`substitution_condition` by tooth, the substitution fee lower than the billed code's), repeated
here because a LineEstimate does not record which code it was priced on.
"""
from __future__ import annotations

from .benefits import tooth_fits
from .ledger_index import LedgerIndex
from .model import Procedure

def insurance_code(idx: LedgerIndex, proc: Procedure) -> str:
    """The code sent to insurance: the substitution code when the first covering plan downgrades."""
    code = idx.codes.get(proc.code)
    if code is None or not code.substitution_code:
        return proc.code
    if not tooth_fits(code.substitution_condition, proc.tooth):  # the estimator's rule
        return proc.code
    for line in idx.lines_of(proc.id):
        plan = idx.plans.get(line.plan)
        if line.no_bill or plan is None or plan.type not in ("ppo", "flat_copay") or not plan.allow_substitution:
            continue
        schedule = idx.fee_schedules.get(plan.fee_schedule or "")
        if schedule is None or code.substitution_code not in schedule.fees:
            continue
        billed_fee = schedule.fees.get(proc.code, proc.fee)
        # Strictly lower: an equal fee pays the same, so the claim still reads as the billed code.
        return code.substitution_code if schedule.fees[code.substitution_code] < billed_fee else proc.code
    return proc.code


def ucr_fee(idx: LedgerIndex, proc: Procedure) -> int:
    """Office fee x units from the provider's office fee schedule; the procedure's fee otherwise."""
    provider = idx.providers.get(proc.provider)
    schedule = idx.fee_schedules.get(provider.fee_schedule or "") if provider else None
    if schedule is not None and schedule.kind == "office" and proc.code in schedule.fees:
        return schedule.fees[proc.code] * proc.units
    return proc.charge


CLAIM_STATUS_TEXT = {
    "unsent": "Not Submitted",
    "hold": "Hold",
    "queued": "Queued",
    "sent": "Sent",
    "received": "Received",
    "preauth": "Pre-Auth",
}
DENIED_TEXT = "Denied"
NOT_SUBMITTED = "Not Submitted"

# Insurance payment type character by coverage order (3 is the patient payment).
PAYMENT_TYPE = {1: "1", 2: "2", 3: "4", 4: "5"}
VISIT_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DEFAULT_WRITEOFF_CODE = "WO"  # a carrier without a writeoff_code


def visit_letter(n: int) -> str:
    """Type character of the (n+2)th visit: A for the second visit, B the third, ..."""
    return VISIT_LETTERS[n] if n < len(VISIT_LETTERS) else "Z"


def claim_number(claim) -> str:
    """The claim number shown on the card: the carrier's number when known, else our claim id."""
    return claim.claim_no or claim.id
