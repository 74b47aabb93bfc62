"""Ledger arithmetic: patient portion, balances, claim totals, aging and the ledger card.

Pure functions over a `Practice` and its claim procedures (`estimates`, as produced by
`estimator.engine.estimate_practice`: one `LineEstimate` per procedure and covering plan).
Definitions: ../shared/spec/practice-file.md (`expect`) and ../shared/spec/ledger-card.md.
The pieces live in `ledger_types` (card vocabulary), `ledger_index` (look-ups),
`ledger_balance` (account arithmetic), `ledger_codes` and `ledger_rows` (card rows).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from .ledger_balance import aging_of, all_balances, balance_of, claim_total, portion_of
from .ledger_index import Estimates, LedgerIndex
from .ledger_rows import card_rows
from .ledger_types import (
    FIXED_COLUMNS, GROUPS, MAX_PLANS, AccountSummary, Aging, Balance, CardRow, CardTotals, Column,
    LedgerCard, OriginalSplit, card_columns,
)
from .model import Practice, practice_locations
from .money import percent_of

__all__ = [
    "GROUPS", "FIXED_COLUMNS", "Column", "card_columns", "CardRow", "Aging", "Balance",
    "AccountSummary", "CardTotals", "LedgerCard", "LedgerError",
    "patient_portion", "balances", "claim_totals", "aging", "build_card",
]


class LedgerError(KeyError):
    """An unknown patient, procedure or claim id."""


def patient_portion(practice: Practice, estimates: Estimates, procedure_id: str) -> int:
    """charge - for each plan (paid + write-off if received, else estimate + write-off estimate)
    + adjustments on the procedure, in cents."""
    idx = LedgerIndex(practice, estimates)
    proc = idx.procedures.get(procedure_id)
    if proc is None:
        raise LedgerError(f"no procedure {procedure_id!r}")
    return portion_of(idx, proc)


def balances(practice: Practice, estimates: Estimates) -> dict[str, "Balance"]:
    """Every patient's balance (completed work only), keyed by patient id."""
    return all_balances(LedgerIndex(practice, estimates))


def claim_totals(practice: Practice, estimates: Estimates) -> dict[str, dict]:
    """claim id -> {"status", "writeoff", "ins_est", "paid"} (money in cents)."""
    idx = LedgerIndex(practice, estimates)
    return {claim.id: claim_total(idx, claim.id) for claim in practice.claims}


def aging(practice: Practice, estimates: Estimates, patient_ids: Iterable[str], today: date) -> "Aging":
    """Aging of the accounts of ``patient_ids`` as of ``today`` (see `ledger_balance.aging_of`)."""
    return aging_of(LedgerIndex(practice, estimates), list(patient_ids), today)


# --- the card -----------------------------------------------------------------------

def _plan_count(idx: LedgerIndex, patient_id: str) -> int:
    """How many Ins N columns: the patient's coverages, or a higher order seen on their lines."""
    patient = idx.patients[patient_id]
    orders = [cov.order for cov in patient.coverage]
    orders += [ln.order for proc in idx.procedures_of.get(patient_id, ()) for ln in idx.lines_of(proc.id)]
    return max(1, min(MAX_PLANS, max(orders, default=1)))


def _summary(idx: LedgerIndex, patient_id: str, today: date) -> AccountSummary:
    patient = idx.patients[patient_id]
    guarantor = idx.patients.get(patient.guarantor)
    family = idx.family_of(patient_id)
    family_ids = [p.id for p in family]
    return AccountSummary(
        patient_id=patient.id,
        name=patient.name,
        guarantor_id=patient.guarantor,
        guarantor_name=guarantor.name if guarantor else "",
        members=tuple((p.id, p.name) for p in family),
        balance=balance_of(idx, patient_id),
        family_total=sum(balance_of(idx, pid).total for pid in family_ids),
        # Aging is the family account's (the guarantor receives the statement).
        aging=aging_of(idx, family_ids, today),
    )


def percent_kept(kept: int, cancelled: int, failed: int) -> int | None:
    """kept / (kept + cancelled + failed) as a whole percent, half to even; None with no appointments."""
    counted = kept + cancelled + failed
    if counted == 0:
        return None
    # 100 x kept / counted is exact whenever it ends in .5 (a tie), so the one rounding rule decides.
    return percent_of(100, Decimal(100 * kept) / Decimal(counted))


def _totals(idx: LedgerIndex, patient_id: str, rows: tuple[CardRow, ...]) -> CardTotals:
    money = [r for r in rows if r.is_money]
    stats = {"kept": 0, "cancelled": 0, "failed": 0}
    for appt in idx.practice.appointments:
        if appt.patient == patient_id and appt.status in stats:
            stats[appt.status] += 1
    return CardTotals(
        **{key: sum(r.values.get(key, 0) for r in money) for key in ("billed", "ucr", "paid", "adjust", "balance")},
        **stats,
        percent_kept=percent_kept(stats["kept"], stats["cancelled"], stats["failed"]),
    )


def build_card(practice: Practice, estimates: Estimates, patient_id: str, *, today: date,
               originals: Mapping[str, OriginalSplit] | None = None) -> LedgerCard:
    """The patient's ledger card: header, columns, rows (with day summaries) and totals.
    ``originals``: each completed procedure's split frozen when it was posted (the store's)."""
    idx = LedgerIndex(practice, estimates, originals=originals)
    if patient_id not in idx.patients:
        raise LedgerError(f"no patient {patient_id!r}")
    rows = card_rows(idx, patient_id)
    return LedgerCard(
        summary=_summary(idx, patient_id, today),
        columns=card_columns(_plan_count(idx, patient_id),
                             location=len(practice_locations(practice)) > 1),
        rows=rows,
        totals=_totals(idx, patient_id, rows),
    )
