"""Account arithmetic: patient portion, balances, claim totals and aging.

Definitions follow practice-file.md (`expect`):
- account balance (total) = charges of completed work - patient payments - insurance payments
  - write-offs + adjustments; estimates never change it;
- insurance part = estimate + write-off estimate of every plan line of completed work not received
  yet and not do-not-bill (preauth and capitation lines expect nothing from insurance);
- patient part = total - insurance part.
Planned work owes nothing. Money is integer cents; nothing here rounds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from .aging import apply_credits, bucket_of
from .ledger_index import (
    LedgerIndex, natural_key, outstanding_insurance, outstanding_writeoff,
    posted_capitation_writeoff,
)
from .ledger_types import PRIORITY, Aging, Balance
from .model import Procedure
from .results import RECEIVED
from .unapplied import Applied, Loose, Owed, applied_by_procedure, apply_unapplied


@dataclass(frozen=True)
class ProcedureMoney:
    """What has happened to one completed procedure's charge (the card's Current group)."""
    charge: int
    insurance_paid: int      # claim payments, supplemental included
    writeoffs: int           # claim write-offs + a posted capitation write-off
    patient_paid: int        # the parts of patient payments allocated to the procedure
    adjustments: int         # adjustments posted on the procedure
    insurance_by_order: dict[int, int]  # coverage order -> still expected from that plan (+ W/O)
    writeoff_by_order: dict[int, int]   # coverage order -> the part of that expected as write-off
    applied: int = 0         # unapplied patient money shown here (`estimator.unapplied`)

    @property
    def proc_bal(self) -> int:
        return (self.charge - self.insurance_paid - self.writeoffs - self.patient_paid
                + self.adjustments - self.applied)

    @property
    def expected(self) -> int:
        """What insurance is still expected to cover: payments and write-offs."""
        return sum(self.insurance_by_order.values())

    @property
    def wo_bal(self) -> int:
        """The expected write-off (W/O Est): nobody pays it."""
        return sum(self.writeoff_by_order.values())

    @property
    def ins_bal(self) -> int:
        """What the carriers are expected to pay (Ins Bal), apart from the write-off."""
        return self.expected - self.wo_bal

    def ins_bal_of(self, order: int) -> int:
        """Ins N Bal: what plan N is expected to pay."""
        return self.insurance_by_order[order] - self.writeoff_by_order[order]

    @property
    def pt_bal(self) -> int:
        return self.proc_bal - self.expected


def procedure_money(idx: LedgerIndex, proc: Procedure, *, applied: bool = False) -> ProcedureMoney:
    """The procedure's money; ``applied``: with the unapplied patient money shown on it
    (the card's Current group and colour), else as posted (aging, the account)."""
    paid_lines = idx.paid_lines.get(proc.id, ())
    lines = idx.lines_of(proc.id)
    return ProcedureMoney(
        charge=proc.charge,
        insurance_paid=sum(pl.line.paid for pl in paid_lines),
        writeoffs=sum(pl.line.writeoff for pl in paid_lines) + sum(map(posted_capitation_writeoff, lines)),
        patient_paid=sum(part for _, part in idx.payments_on.get(proc.id, ())),
        adjustments=sum(adj.amount for adj in idx.adjustments_on.get(proc.id, ())),
        insurance_by_order={ln.order: outstanding_insurance(ln) for ln in lines},
        writeoff_by_order={ln.order: outstanding_writeoff(ln) for ln in lines},
        applied=idx.applied_to(proc.id) if applied else 0,
    )


# --- unapplied patient money, oldest procedure first ---------------------------------

def family_parts(idx: LedgerIndex, patient_ids) -> tuple[Applied, ...]:
    """How one family's unapplied patient money is applied to its lines (`estimator.unapplied`).
    Credits are keyed ("patient_payment" | "adjustment", index in the practice's list)."""
    loose: list[Loose] = []
    owed: list[Owed] = []
    for pid in patient_ids:
        for proc in idx.procedures_of.get(pid, ()):
            if proc.status == "complete":
                owed.append(Owed(proc.id, (proc.date, natural_key(proc.id)),
                                 procedure_money(idx, proc).pt_bal))
        for n, pay in idx.patient_payments.get(pid, ()):
            rest = idx.unallocated(pid, pay)
            if rest:
                loose.append(Loose(("patient_payment", n),
                                   (pay.date, PRIORITY["patient_payment"], n), rest))
        for n, adj in idx.adjustments.get(pid, ()):
            if adj.amount and not idx.allocated_to(pid, adj.procedure):
                loose.append(Loose(("adjustment", n), (adj.date, PRIORITY["adjustment"], n),
                                   -adj.amount))
    return apply_unapplied(loose, owed)


def family_application(idx: LedgerIndex) -> dict[str, int]:
    """Unapplied money shown on each procedure, every family of the index."""
    families: dict[str, list[str]] = {}
    for patient in idx.practice.patients:
        families.setdefault(patient.guarantor, []).append(patient.id)
    out: dict[str, int] = {}
    for members in families.values():
        out.update(applied_by_procedure(family_parts(idx, members)))
    return out


# --- patient portion --------------------------------------------------------

def portion_of(idx: LedgerIndex, proc: Procedure) -> int:
    """charge - per plan (paid + write-off when received, else estimate + write-off estimate)
    + adjustments on the procedure. A completed capitation line's write-off estimate is the posted one."""
    insurance = 0
    for line in idx.lines_of(proc.id):
        if line.status == RECEIVED:
            insurance += line.paid + line.writeoff
        else:
            insurance += line.ins_est + line.writeoff_est
    adjustments = sum(adj.amount for adj in idx.adjustments_on.get(proc.id, ()))
    return proc.charge - insurance + adjustments


# --- balances -----------------------------------------------------------------

def balance_of(idx: LedgerIndex, patient_id: str) -> Balance:
    """One patient's balance (payments belong to the patient they were posted to)."""
    total = insurance = writeoff = 0
    for proc in idx.procedures_of.get(patient_id, ()):
        # Insurance payments and write-offs count even on work not marked complete (money that
        # was posted is on the account); charges and expected insurance only for completed work.
        paid_lines = idx.paid_lines.get(proc.id, ())
        total -= sum(pl.line.paid + pl.line.writeoff for pl in paid_lines)
        if proc.status != "complete":
            continue
        lines = idx.lines_of(proc.id)
        total += proc.charge - sum(map(posted_capitation_writeoff, lines))
        insurance += sum(map(outstanding_insurance, lines))
        writeoff += sum(map(outstanding_writeoff, lines))
    total -= sum(pay.amount for _, pay in idx.patient_payments.get(patient_id, ()))
    total += sum(adj.amount for _, adj in idx.adjustments.get(patient_id, ()))
    return Balance(total=total, insurance=insurance, patient=total - insurance,
                   writeoff_est=writeoff)


def all_balances(idx: LedgerIndex) -> dict[str, Balance]:
    ids = list(idx.patients)
    for pid in (*idx.procedures_of, *idx.patient_payments, *idx.adjustments):
        if pid not in idx.patients and pid not in ids:
            ids.append(pid)
    return {pid: balance_of(idx, pid) for pid in ids}


# --- claims -------------------------------------------------------------------

def claim_total(idx: LedgerIndex, claim_id: str) -> dict:
    """{status, writeoff, ins_est, paid} in cents: `writeoff` is the write-off estimate until the
    claim is received, then the actual write-off; `paid` includes supplemental payments."""
    claim = idx.claims[claim_id]
    status = idx.claim_status(claim)
    lines = [ln for pid in claim.procedures for ln in idx.lines_of(pid) if ln.plan == claim.plan]
    paid_lines = idx.paid_lines_by_claim.get(claim_id, ())
    if status == "received":
        writeoff = sum(pl.line.writeoff for pl in paid_lines)
    else:
        writeoff = sum(ln.writeoff_est for ln in lines)
    return {
        "status": status,
        "writeoff": writeoff,
        "ins_est": sum(ln.ins_est for ln in lines),
        "paid": sum(pl.line.paid for pl in paid_lines),
    }


# --- aging --------------------------------------------------------------------

def account_items(idx: LedgerIndex, patient_id: str) -> list[tuple[date, int]]:
    """The account as dated amounts summing to the balance total: each completed procedure's
    current balance at its date, plus everything not allocated to one (payments and adjustments
    without a procedure, the unallocated rest of a split payment, insurance money on work that
    is not complete)."""
    items: list[tuple[date, int]] = []
    for proc in idx.procedures_of.get(patient_id, ()):
        if proc.status == "complete":
            items.append((proc.date, procedure_money(idx, proc).proc_bal))
        else:
            items.extend((pl.payment.date, -(pl.line.paid + pl.line.writeoff))
                         for pl in idx.paid_lines.get(proc.id, ()))
    for _, pay in idx.patient_payments.get(patient_id, ()):
        rest = idx.unallocated(patient_id, pay)
        if rest:
            items.append((pay.date, -rest))
    for _, adj in idx.adjustments.get(patient_id, ()):
        if not idx.allocated_to(patient_id, adj.procedure):
            items.append((adj.date, adj.amount))
    return items


def aging_of(idx: LedgerIndex, patient_ids: Iterable[str], today: date) -> Aging:
    """Age what is owed by date, then let credits pay the oldest first (FIFO).

    Debits (positive procedure balances, positive unallocated adjustments such as a refund) go
    into 0-30 / 31-60 / 61-90 / over-90 by their date before ``today``; credits (unallocated
    payments, negative balances) are applied to the oldest bucket first; a credit left over
    shows as a negative current bucket. The buckets add up to the balance total (the insurance
    part included: the card header shows the split separately)."""
    debits = [0, 0, 0, 0]
    credit = 0
    for pid in patient_ids:
        for when, amount in account_items(idx, pid):
            if amount > 0:
                debits[bucket_of(when, today)] += amount
            else:
                credit -= amount
    return apply_credits(debits, credit)
