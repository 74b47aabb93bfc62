"""The ledger as it stood at the end of a past day (a statement dated before today).

An office prints the month's statements dated the last day of the month a day or two later;
what was posted since must not show on them. `as_of` takes the practice and its claim
procedures and drops what happened after the day, so the ordinary ledger arithmetic
(`ledger_balance`, `ledger_rows`, the aging rule) answers for that day:
- payments, adjustments and claim payments dated after it are left out;
- completed work dated after it counts as planned (not on the account yet; a payment
  allocated to it stays on the account unallocated, as a prepayment does);
- a received claim procedure whose claim had no payment by then is back to not received,
  with the estimate it kept from before payment (received lines keep it), so it counts as
  insurance still pending. Other estimates are today's (the estimator does not go back).
Nothing is copied when nothing happened after the day.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from .ledger_index import Estimates
from .model import Practice
from .results import NOT_RECEIVED, RECEIVED, LineEstimate


def _happened_after(practice: Practice, day: date) -> bool:
    dated = (*practice.claim_payments, *practice.patient_payments, *practice.adjustments)
    if any(item.date > day for item in dated):
        return True
    return any(p.status == "complete" and p.date > day for p in practice.procedures)


def as_of(practice: Practice, estimates: Estimates, day: date) -> tuple[Practice, Estimates]:
    """(practice, estimates) as they stood at the end of ``day``."""
    if not _happened_after(practice, day):
        return practice, estimates
    claim_payments = tuple(cp for cp in practice.claim_payments if cp.date <= day)
    then = replace(
        practice,
        procedures=tuple(replace(p, status="planned") if p.status == "complete" and p.date > day else p
                         for p in practice.procedures),
        claim_payments=claim_payments,
        patient_payments=tuple(p for p in practice.patient_payments if p.date <= day),
        adjustments=tuple(a for a in practice.adjustments if a.date <= day),
    )
    return then, _lines_as_of(estimates, claim_payments)


def _lines_as_of(estimates: Estimates, claim_payments) -> dict:
    """Received lines with only the payments made by then (none: back to not received)."""
    paid: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for cp in claim_payments:
        for line in cp.lines:
            sums = paid[(cp.claim, line.procedure)]
            sums[0] += line.paid
            sums[1] += line.writeoff
            sums[2] += line.deductible
    received_claims = {cp.claim for cp in claim_payments}
    return {key: _line_then(line, received_claims, paid) for key, line in estimates.items()}


def _line_then(line: LineEstimate, received_claims: set[str], paid: dict) -> LineEstimate:
    if line.status != RECEIVED:
        return line
    if line.claim not in received_claims:
        return replace(line, status=NOT_RECEIVED, paid=0, writeoff=0, deductible_applied=0)
    amount, writeoff, deductible = paid.get((line.claim, line.procedure), (0, 0, 0))
    if (amount, writeoff, deductible) == (line.paid, line.writeoff, line.deductible_applied):
        return line
    return replace(line, paid=amount, writeoff=writeoff, deductible_applied=deductible)
