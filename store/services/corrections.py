"""Corrections and the lock date.

Money already posted is never edited or deleted: it is corrected by a reversing entry
dated now (or the given date, after the lock date), so the original stays on the
ledger and the audit trail shows both. A patient payment is reversed by a negative
payment (its note names the original), an adjustment by an adjustment pointing at it
(``reverses``), an insurance payment by negative supplemental lines. The practice lock
date closes a period: nothing dated on or before it can be posted, edited or deleted.
"""
from __future__ import annotations

from datetime import date, datetime

from .. import models as t
from ..connection import Database
from .common import (
    Actor, ServiceError, as_date, check_open, lock_date, one, posting, text_or_none,
)

REVERSAL_NOTE = "reverses payment {}"


def reversible_payment(db: Database, payment_id: int) -> t.PatientPayment:
    """The payment, when it may be reversed: it exists, is not itself a reversal and has
    not been reversed yet (asked before a reversal is offered, and again inside it)."""
    orig = t.PatientPayment.get_or_none(t.PatientPayment.id == payment_id)
    if orig is None:
        raise ServiceError(f"there is no patient payment with id {payment_id}")
    mark = REVERSAL_NOTE.format(orig.id)
    if (orig.note or "").startswith("reverses payment "):
        raise ServiceError(f"payment {orig.id} is itself a reversal")
    if one(db, "SELECT 1 FROM patient_payment WHERE note = ? OR note LIKE ?",
           (mark, mark + ":%")):
        raise ServiceError(f"payment {orig.id} has already been reversed")
    return orig


def reversible_adjustment(db: Database, adjustment_id: int) -> t.Adjustment:
    """The adjustment, when it may be reversed (as `reversible_payment`)."""
    orig = t.Adjustment.get_or_none(t.Adjustment.id == adjustment_id)
    if orig is None:
        raise ServiceError(f"there is no adjustment with id {adjustment_id}")
    if orig.reverses_id is not None:
        raise ServiceError(f"adjustment {orig.id} is itself a reversal")
    if one(db, "SELECT 1 FROM adjustment WHERE reverses_id = ?", (orig.id,)):
        raise ServiceError(f"adjustment {orig.id} has already been reversed")
    return orig


def reverse_payment(db: Database, payment_id: int, *, date: date | str | None = None,
                    note: str | None = None, actor: Actor | None = None,
                    now: datetime | None = None) -> int:
    """Post the negative of a patient payment (and of its allocations); returns its id."""
    with posting(db, "reverse_payment", actor=actor, now=now) as post:
        orig = reversible_payment(db, payment_id)
        mark = REVERSAL_NOTE.format(orig.id)
        day = as_date(date, post.today)
        check_open(db, day, "the reversal")
        extra = text_or_none(note)
        row = t.PatientPayment.create(
            patient=orig.patient_id, date=day.isoformat(), amount_cents=-orig.amount_cents,
            method=orig.method, check_no=orig.check_no, bank_no=orig.bank_no,
            note=f"{mark}: {extra}" if extra else mark, **post.stamp())
        for alloc in t.PaymentAllocation.select().where(t.PaymentAllocation.payment == orig.id):
            t.PaymentAllocation.create(payment=row.id, procedure=alloc.procedure_id,
                                       amount_cents=-alloc.amount_cents)
        post.touch(orig.patient_id)
        post.record("patient_payment", row.id, reverses=orig.id, amount=-orig.amount_cents,
                    date=day, note=extra)
        return row.id


def reverse_adjustment(db: Database, adjustment_id: int, *, date: date | str | None = None,
                       note: str | None = None, actor: Actor | None = None,
                       now: datetime | None = None) -> int:
    """Post the negative of an adjustment, pointing at it; returns its id."""
    with posting(db, "reverse_adjustment", actor=actor, now=now) as post:
        orig = reversible_adjustment(db, adjustment_id)
        day = as_date(date, post.today)
        check_open(db, day, "the reversal")
        row = t.Adjustment.create(
            patient=orig.patient_id, date=day.isoformat(), amount_cents=-orig.amount_cents,
            code=orig.code_id, procedure=orig.procedure_id, reverses=orig.id,
            note=text_or_none(note) or f"reverses adjustment {orig.id}", **post.stamp())
        post.touch(orig.patient_id)
        post.record("adjustment", row.id, reverses=orig.id, amount=-orig.amount_cents, date=day)
        return row.id


def reverse_insurance_payment(db: Database, payment_id: int, *, date: date | str | None = None,
                              note: str | None = None, actor: Actor | None = None,
                              now: datetime | None = None) -> int:
    """Take back a whole insurance payment with negative supplemental lines; returns the
    new claim payment id. The claims stay received."""
    from .insurance_payments import EobLine, enter_insurance_payment

    with posting(db, "reverse_insurance_payment", actor=actor, now=now) as post:
        orig = t.ClaimPayment.get_or_none(t.ClaimPayment.id == payment_id)
        if orig is None:
            raise ServiceError(f"there is no insurance payment with id {payment_id}")
        if (orig.note or "").startswith(_mark("")):
            raise ServiceError(f"insurance payment {orig.id} is itself a reversal")
        if one(db, "SELECT 1 FROM claim_payment WHERE note = ?", (_mark(orig.id),)):
            raise ServiceError(f"insurance payment {orig.id} has already been reversed")
        rows = db.execute_sql(
            "SELECT cp.claim_id, cp.procedure_id, sum(l.paid_cents), sum(l.writeoff_cents), "
            "sum(l.deductible_cents) FROM claim_payment_line l JOIN claim_proc cp "
            "ON cp.id = l.claim_proc_id WHERE l.payment_id = ? GROUP BY cp.id ORDER BY min(l.id)",
            (orig.id,)).fetchall()
        lines = [EobLine(c, p, -paid, -wo, -ded, remarks=_mark(orig.id))
                 for c, p, paid, wo, ded in rows if paid or wo or ded]
        if not lines:
            raise ServiceError(f"insurance payment {orig.id} has nothing to reverse")
        # nested service: a savepoint inside this transaction (it writes its own audit row)
        new_id = enter_insurance_payment(db, lines, amount=-orig.amount_cents,
                                         check_no=orig.check_no, bank_no=orig.bank_no, date=date,
                                         note=_mark(orig.id), actor=post.actor, now=post.at)
        post.record("claim_payment", new_id, reverses=orig.id, note=text_or_none(note))
        return new_id


def _mark(payment_id: object) -> str:
    return f"reverses insurance payment {payment_id}"


def set_lock_date(db: Database, day: date | str | None, *, actor: Actor | None = None,
                  now: datetime | None = None) -> None:
    """Close the books through ``day`` (None opens them again)."""
    with posting(db, "set_lock_date", actor=actor, now=now) as post:
        old = lock_date(db)
        new = None if day is None else as_date(day, post.today, "lock date")
        if new is not None and new > post.today:
            raise ServiceError("the lock date cannot be in the future")
        if new is None:
            db.execute_sql("DELETE FROM setting WHERE key = 'lock_date'")
        else:
            db.execute_sql("INSERT INTO setting (key, value) VALUES ('lock_date', ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (new.isoformat(),))
        post.record("setting", "lock_date", old=old, new=new)

