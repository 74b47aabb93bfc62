"""Look-up tables over a practice and its claim procedures, built once per ledger call.

A ledger card for a patient with thousands of lines must open at once, so every
"which payments touch this procedure" question is answered from a dict built in
one pass instead of by scanning the practice per row.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping

from .model import (
    Adjustment, AdjustmentCode, Carrier, Claim, ClaimPayment, ClaimPaymentLine, FeeSchedule,
    Patient, PatientPayment, Plan, Practice, Procedure, ProcedureCode, Provider,
)
from .holds import UNSENT, released_holds
from .ledger_types import OriginalSplit
from .results import CAP_COMPLETE, ESTIMATE, NOT_RECEIVED, LineEstimate

Estimates = Mapping[tuple[str, str], LineEstimate]

# Claim-procedure statuses that insurance is still expected to pay (received, preauth and
# capitation lines are not: received ones are settled, preauth is not a bill, capitation never pays).
OUTSTANDING = (ESTIMATE, NOT_RECEIVED)


@dataclass(frozen=True)
class PaidLine:
    """One line of one claim payment (an EOB line), with where it sits in the practice."""
    payment_index: int
    line_index: int
    payment: ClaimPayment
    line: ClaimPaymentLine
    claim: Claim


def natural_key(text: str) -> tuple:
    """Sort ids so "X2" comes before "X10" and "9" before "10" (store ids are numbers as text)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.findall(r"\d+|\D+", text))


def posted_capitation_writeoff(line: LineEstimate) -> int:
    """The write-off a completed capitation line posts (spec: writeoffN and writeoffN_est both hold it)."""
    if line.status != CAP_COMPLETE:
        return 0
    return line.writeoff or line.writeoff_est


def outstanding_insurance(line: LineEstimate) -> int:
    """What insurance is still expected to cover on this line: estimate + write-off estimate,
    for lines not received yet (on an unpaid claim or not billed yet) and not do-not-bill."""
    if line.status not in OUTSTANDING or line.no_bill:
        return 0
    return line.ins_est + line.writeoff_est


def outstanding_writeoff(line: LineEstimate) -> int:
    """The part of `outstanding_insurance` expected to be written off (not paid by anyone)."""
    if line.status not in OUTSTANDING or line.no_bill:
        return 0
    return line.writeoff_est


class LedgerIndex:
    """Dicts over one practice + its estimates (read-only after construction).

    ``originals``: the split frozen when each completed procedure was posted (the store keeps
    it; a procedure without one shows its current estimates). ``applied``: unapplied patient
    money shown on each procedure (`estimator.unapplied`); None: worked out here over each
    family, which needs the whole family (a window of the card passes the stored amounts)."""

    def __init__(self, practice: Practice, estimates: Estimates, *,
                 originals: Mapping[str, OriginalSplit] | None = None,
                 applied: Mapping[str, int] | None = None):
        self.practice = practice
        self.originals: Mapping[str, OriginalSplit] = originals or {}
        self._applied: dict[str, int] | None = None if applied is None else dict(applied)
        self.patients: dict[str, Patient] = {p.id: p for p in practice.patients}
        self.procedures: dict[str, Procedure] = {p.id: p for p in practice.procedures}
        self.codes: dict[str, ProcedureCode] = {c.code: c for c in practice.procedure_codes}
        self.providers: dict[str, Provider] = {p.id: p for p in practice.providers}
        self.fee_schedules: dict[str, FeeSchedule] = {f.id: f for f in practice.fee_schedules}
        self.carriers: dict[str, Carrier] = {c.id: c for c in practice.carriers}
        self.plans: dict[str, Plan] = {p.id: p for p in practice.plans}
        self.claims: dict[str, Claim] = {c.id: c for c in practice.claims}
        self.adjustment_codes: dict[str, AdjustmentCode] = {a.code: a for a in practice.adjustment_codes}
        self._released_holds: frozenset[str] | None = None
        self._index_lines(estimates)
        self._index_claims()
        self._index_patient_money()

    # -- building -----------------------------------------------------------

    def _index_lines(self, estimates: Estimates) -> None:
        by_proc: dict[str, list[LineEstimate]] = defaultdict(list)
        for line in estimates.values():
            by_proc[line.procedure].append(line)
        self.lines: dict[str, tuple[LineEstimate, ...]] = {
            pid: tuple(sorted(lines, key=lambda ln: (ln.order, ln.plan))) for pid, lines in by_proc.items()
        }

    def _index_claims(self) -> None:
        self.claims_by_proc: dict[str, list[Claim]] = defaultdict(list)
        for claim in self.practice.claims:
            for pid in claim.procedures:
                self.claims_by_proc[pid].append(claim)
        self.paid_lines: dict[str, list[PaidLine]] = defaultdict(list)
        self.paid_lines_by_claim: dict[str, list[PaidLine]] = defaultdict(list)
        for i, payment in enumerate(self.practice.claim_payments):
            claim = self.claims.get(payment.claim)
            if claim is None:
                continue
            for j, line in enumerate(payment.lines):
                paid = PaidLine(i, j, payment, line, claim)
                self.paid_lines[line.procedure].append(paid)
                self.paid_lines_by_claim[claim.id].append(paid)

    def _index_patient_money(self) -> None:
        self.patient_payments: dict[str, list[tuple[int, PatientPayment]]] = defaultdict(list)
        for n, pay in enumerate(self.practice.patient_payments):
            self.patient_payments[pay.patient].append((n, pay))
        self.adjustments: dict[str, list[tuple[int, Adjustment]]] = defaultdict(list)
        for n, adj in enumerate(self.practice.adjustments):
            self.adjustments[adj.patient].append((n, adj))
        self.procedures_of: dict[str, list[Procedure]] = defaultdict(list)
        for proc in self.practice.procedures:
            self.procedures_of[proc.patient].append(proc)
        # Postings on a procedure, only when made to the procedure's own patient. A payment
        # split over procedures counts on each with its own part (`PatientPayment.parts`).
        self.payments_on: dict[str, list[tuple[PatientPayment, int]]] = defaultdict(list)
        for pay in self.practice.patient_payments:
            for part in pay.parts:
                if self._owner(part.procedure) == pay.patient:
                    self.payments_on[part.procedure].append((pay, part.amount))
        self.adjustments_on: dict[str, list[Adjustment]] = defaultdict(list)
        for adj in self.practice.adjustments:
            if adj.procedure and self._owner(adj.procedure) == adj.patient:
                self.adjustments_on[adj.procedure].append(adj)

    def _owner(self, procedure_id: str) -> str | None:
        proc = self.procedures.get(procedure_id)
        return proc.patient if proc else None

    # -- questions ----------------------------------------------------------

    def lines_of(self, procedure_id: str) -> tuple[LineEstimate, ...]:
        return self.lines.get(procedure_id, ())

    def is_completed(self, procedure_id: str | None) -> bool:
        proc = self.procedures.get(procedure_id or "")
        return proc is not None and proc.status == "complete"

    def allocated_to(self, patient_id: str, procedure_id: str | None) -> bool:
        """A payment/adjustment counts on a procedure only when it is the patient's own completed work;
        otherwise it stays on the account unallocated (payments belong to the patient they were posted to)."""
        proc = self.procedures.get(procedure_id or "")
        return proc is not None and proc.patient == patient_id and proc.status == "complete"

    def unallocated(self, patient_id: str, pay: PatientPayment) -> int:
        """What of a payment stays on the account as a credit: the amount less the parts
        that landed on the patient's own completed work (see `allocated_to`)."""
        return pay.amount - sum(part.amount for part in pay.parts
                                if self.allocated_to(patient_id, part.procedure))

    def applied_to(self, procedure_id: str) -> int:
        """Unapplied patient money shown on this procedure's line (oldest first, family-wide)."""
        if self._applied is None:
            from .ledger_balance import family_application  # the index is built first
            self._applied = family_application(self)
        return self._applied.get(procedure_id, 0)

    def claim_status(self, claim: Claim) -> str:
        """The claim's status; a claim with a payment entered is received (practice-file: entering a
        payment marks the claim received), except a pre-authorization, which is never paid."""
        if claim.status != "preauth" and self.paid_lines_by_claim.get(claim.id):
            return "received"
        if claim.status == "hold" and claim.id in self._released():
            return UNSENT
        return claim.status

    def _released(self) -> frozenset[str]:
        """Held claims every earlier plan's line of which is received (`estimator.holds`)."""
        if self._released_holds is None:
            self._released_holds = released_holds(self.practice)
        return self._released_holds

    def plan_order(self, patient_id: str, plan_id: str) -> int:
        """Coverage order (1..4) of a plan for a patient; 1 when the patient lacks that coverage."""
        patient = self.patients.get(patient_id)
        for cov in patient.coverage if patient else ():
            if cov.plan == plan_id:
                return cov.order
        return 1

    def family_of(self, patient_id: str) -> list[Patient]:
        """Every patient sharing the guarantor of ``patient_id`` (the guarantor first, then by name)."""
        patient = self.patients.get(patient_id)
        if patient is None:
            return []
        members = [p for p in self.practice.patients if p.guarantor == patient.guarantor]
        return sorted(members, key=lambda p: (p.id != patient.guarantor, p.name, p.id))
