"""Patient payments: cash, check, card or other; refunds are negative payments.

A payment is allocated to procedures (PaymentAllocation rows) as the caller splits
it, or else oldest first over completed work that still has a patient balance
(the patient portion less what earlier payments were allocated to it). Whatever is
not allocated stays on the account as a credit. Refunds are only allocated when
the caller names the procedure.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from estimator.model import PAYMENT_METHODS
from estimator.money import fmt

from .. import models as t
from ..connection import Database
from ..read import readback
from . import lookup
from .common import (
    Actor, ServiceError, as_date, cents, check_open, posting, require_patient, text_or_none,
)

Allocation = tuple[int, int]  # (procedure id, cents)


def post_payment(db: Database, patient_id: int, amount: int, method: str, *,
                 date: date | str | None = None, check_no: str | None = None,
                 bank_no: str | None = None, procedure: int | None = None,
                 allocations: Sequence[Allocation] | None = None, note: str | None = None,
                 actor: Actor | None = None, now: datetime | None = None) -> int:
    """Post a payment (negative ``amount`` = refund); returns the payment id.
    ``procedure`` puts the whole amount on one procedure; ``allocations`` splits it."""
    with posting(db, "refund" if _negative(amount) else "patient_payment",
                 actor=actor, now=now) as post:
        require_patient(db, patient_id)
        amount = cents(amount, "the amount")
        if amount == 0:
            raise ServiceError("a payment of 0.00 posts nothing")
        if method not in PAYMENT_METHODS:
            raise ServiceError(f"payment method must be one of {', '.join(PAYMENT_METHODS)}, "
                               f"not {method!r}")
        day = as_date(date, post.today)
        check_open(db, day, "the payment")
        if procedure is not None and allocations is not None:
            raise ServiceError("give either one procedure or a split, not both")
        if procedure is not None:
            allocations = [(procedure, amount)]
        if allocations is None:
            split = _oldest_first(db, patient_id, amount)
        else:
            split = _checked_split(db, patient_id, amount, allocations)
        pay = t.PatientPayment.create(
            patient=patient_id, date=day.isoformat(), amount_cents=amount, method=method,
            check_no=text_or_none(check_no), bank_no=text_or_none(bank_no),
            note=text_or_none(note), **post.stamp())
        for proc_id, part in split:
            t.PaymentAllocation.create(payment=pay.id, procedure=proc_id, amount_cents=part)
        post.touch(patient_id)
        post.record("patient_payment", pay.id, patient=patient_id, amount=amount, method=method,
                    date=day, allocations=[list(a) for a in split],
                    unallocated=amount - sum(part for _, part in split))
        return pay.id


def allocations_of(db: Database, payment_id: int) -> list[Allocation]:
    return [tuple(row) for row in db.execute_sql(
        "SELECT procedure_id, amount_cents FROM payment_allocation WHERE payment_id = ? "
        "ORDER BY id", (payment_id,)).fetchall()]


def _negative(amount: object) -> bool:
    return isinstance(amount, int) and amount < 0


def _oldest_first(db: Database, patient_id: int, amount: int) -> list[Allocation]:
    if amount < 0:
        return []  # a refund pays back a credit: nothing to allocate it to
    split, left = [], amount
    for proc_id, owed in readback.open_procedures(db, patient_id):
        if left == 0:
            break
        part = min(owed, left)
        split.append((proc_id, part))
        left -= part
    return split


def _checked_split(db: Database, patient_id: int, amount: int,
                   allocations: Sequence[Allocation]) -> list[Allocation]:
    split, seen = [], set()
    for proc_id, part in allocations:
        proc = lookup.patients_procedure(db, proc_id, patient_id)
        part = cents(part, f"the amount on procedure {proc.label}")
        if proc.id in seen:
            raise ServiceError(f"procedure {proc.label} appears twice in the split")
        seen.add(proc.id)
        if part == 0 or (part < 0) != (amount < 0):
            raise ServiceError(f"the amount on procedure {proc.label} must have the payment's sign "
                               "and not be 0.00")
        split.append((proc.id, part))
    total = sum(part for _, part in split)
    if abs(total) > abs(amount):
        raise ServiceError(f"the split adds up to {fmt(total)}, more than the payment "
                           f"{fmt(amount)}")
    return split
