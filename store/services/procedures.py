"""Procedures: plan work, post completed work, complete planned work, re-price, delete.

A new procedure gets one claim procedure per plan covering the patient (coverage
order from the patient's coverage); the family is then re-estimated, which fills
in the estimates. Planned work is not on the ledger, so the lock date only guards
completed work (and the date a procedure is completed on).
"""
from __future__ import annotations

from datetime import date, datetime

from estimator.money import fmt
from estimator.results import CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE

from .. import models as t
from ..connection import Database
from . import lookup
from .common import (
    Actor, ServiceError, as_date, cents, check_open, one, posting, require_patient, text_or_none,
)


def add_procedure(db: Database, patient_id: int, code: str, *, fee: int | None = None,
                  planned: bool = False, date: date | str | None = None,
                  completed: date | str | None = None, provider: int | str | None = None,
                  tooth: str | None = None, surface: str | None = None, units: int = 1,
                  tp_order: int | None = None, note: str | None = None,
                  actor: Actor | None = None, now: datetime | None = None) -> int:
    """Plan (``planned=True``) or post completed work; returns the procedure id. The fee
    (cents, per unit) defaults to the provider's office fee schedule."""
    with posting(db, "plan_procedure" if planned else "post_procedure",
                 actor=actor, now=now) as post:
        require_patient(db, patient_id)
        code_id, code = lookup.procedure_code(db, code)
        prov = lookup.provider_id(db, provider, patient_id)
        fee = _fee(db, prov, code) if fee is None else cents(fee, "the fee")
        if fee < 0:
            raise ServiceError("a fee cannot be negative")
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise ServiceError("units must be a whole number of at least 1")
        day = as_date(date, post.today)
        done = as_date(completed, day, "completion date")
        if not planned:
            check_open(db, day, "the procedure")
            check_open(db, done, "the completion")
        row = t.Procedure.create(
            patient=patient_id, code=code_id, fee_cents=fee, units=units,
            tooth=text_or_none(tooth), surface=text_or_none(surface), date=day.isoformat(),
            completed=None if planned or done == day else done.isoformat(), provider=prov,
            status="planned" if planned else "complete", tp_order=tp_order,
            note=text_or_none(note), **post.stamp())
        _create_lines(db, row.id, patient_id, planned)
        post.touch(patient_id)
        post.record("procedure", row.id, patient=patient_id, code=code, fee=fee, units=units,
                    date=day, status=row.status)
        return row.id


def complete_procedure(db: Database, procedure_id: int, *, date: date | str | None = None,
                       completed: date | str | None = None, actor: Actor | None = None,
                       now: datetime | None = None) -> None:
    """Planned work done: posted on ``date`` (default today), completed on ``completed``
    when that differs."""
    with posting(db, "complete_procedure", actor=actor, now=now) as post:
        proc = lookup.procedure(db, procedure_id)
        if proc.status != "planned":
            raise ServiceError(f"procedure {proc.label} is already complete")
        day = as_date(date, post.today)
        done = as_date(completed, day, "completion date")
        check_open(db, day, "the procedure")
        check_open(db, done, "the completion")
        # Completing is when the work reaches the ledger: it is stamped as posted now.
        t.Procedure.update(status="complete", date=day.isoformat(),
                           completed=None if done == day else done.isoformat(),
                           **post.stamp()).where(t.Procedure.id == proc.id).execute()
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, date=day, completed=done, planned_date=proc.date)


def edit_fee(db: Database, procedure_id: int, fee: int, *, actor: Actor | None = None,
             now: datetime | None = None) -> None:
    """Re-price a procedure (cents per unit)."""
    with posting(db, "edit_fee", actor=actor, now=now) as post:
        fee = cents(fee, "the fee")
        if fee < 0:
            raise ServiceError("a fee cannot be negative")
        proc = lookup.procedure(db, procedure_id)
        if proc.status == "complete":
            check_open(db, proc.date, f"procedure {proc.label}")
        settled = one(db, "SELECT coalesce(sum(paid_cents + writeoff_cents), 0) FROM claim_proc "
                          "WHERE procedure_id = ? AND status = 'received'", (proc.id,))[0]
        if fee * proc.units < settled:
            raise ServiceError(f"procedure {proc.label} already has {fmt(settled)} of "
                               "insurance payments and write-offs, more than the new charge")
        t.Procedure.update(fee_cents=fee).where(t.Procedure.id == proc.id).execute()
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, old_fee=proc.fee, fee=fee)


KEEP = object()  # change_procedure: "leave this value as it is"


def change_procedure(db: Database, procedure_id: int, *, date: date | str | object = KEEP,
                     completed: date | str | None | object = KEEP,
                     provider: int | str | object = KEEP, actor: Actor | None = None,
                     now: datetime | None = None) -> None:
    """Correct a procedure's posted date, completion date (None: the posted date) or provider.
    Work on a claim keeps its date (the carrier has it); nothing moves on or before the lock
    date."""
    with posting(db, "change_procedure", actor=actor, now=now) as post:
        proc = lookup.procedure(db, procedure_id)
        old = one(db, "SELECT completed, provider_id FROM procedure WHERE id = ?", (proc.id,))
        day = proc.date if date is KEEP else as_date(date, post.today)
        if completed is KEEP:  # a completion date of its own stays; else it follows the date
            done = as_date(old[0], day, "completion date") if old[0] else day
        else:
            done = as_date(completed, day, "completion date")
        prov = old[1] if provider is KEEP else lookup.provider_id(db, provider, proc.patient_id)
        changes = {k: v for k, v in (("date", day.isoformat()), ("provider", prov),
                                     ("completed", None if done == day else done.isoformat()))
                   if v != {"date": proc.date.isoformat(), "provider": old[1],
                            "completed": old[0]}[k]}
        if not changes:
            raise ServiceError(f"procedure {proc.label}: nothing changed")
        if proc.status == "complete":
            for when, what in ((proc.date, f"procedure {proc.label}"), (day, "the new date"),
                               (done, "the completion")):
                check_open(db, when, what)
        if day != proc.date and one(db, "SELECT 1 FROM claim_proc WHERE procedure_id = ? AND "
                                        "claim_id IS NOT NULL LIMIT 1", (proc.id,)):
            raise ServiceError(f"procedure {proc.label} is on a claim, which the carrier has "
                               "with its date: its date cannot change")
        t.Procedure.update(**changes).where(t.Procedure.id == proc.id).execute()
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, **changes, old_date=proc.date, old_provider=old[1])


def delete_procedure(db: Database, procedure_id: int, *, actor: Actor | None = None,
                     now: datetime | None = None) -> None:
    """Delete work nothing has been posted against (status ``deleted``; the row stays)."""
    with posting(db, "delete_procedure", actor=actor, now=now) as post:
        proc = lookup.procedure(db, procedure_id)
        if proc.status == "complete":
            check_open(db, proc.date, f"procedure {proc.label}")
        reason = posted_against(db, proc.id)
        if reason:
            raise ServiceError(f"procedure {proc.label} cannot be deleted: it has {reason}")
        t.Procedure.update(status="deleted").where(t.Procedure.id == proc.id).execute()
        # its claim procedures were only estimates; left behind they would look live
        t.ClaimProc.delete().where(t.ClaimProc.procedure == proc.id).execute()
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, code=proc.code, fee=proc.fee, status=proc.status)


# --- helpers ------------------------------------------------------------------

def _fee(db: Database, provider_id: int, code: str) -> int:
    row = one(db, "SELECT f.amount_cents FROM provider p JOIN fee f ON f.schedule_id = "
                  "p.fee_schedule_id WHERE p.id = ? AND f.code = ?", (provider_id, code))
    if row is None:
        raise ServiceError(f"the provider's fee schedule has no fee for {code}; give the fee")
    return row[0]


def _create_lines(db: Database, procedure_id: int, patient_id: int, planned: bool) -> None:
    """One claim procedure per covering plan (the estimator fills in the numbers)."""
    rows = db.execute_sql("SELECT c.plan_id, c.coverage_order, p.type FROM patient_coverage c "
                          "JOIN plan p ON p.id = c.plan_id WHERE c.patient_id = ? "
                          "ORDER BY c.coverage_order", (patient_id,)).fetchall()
    for plan_id, order, kind in rows:
        status = ESTIMATE if kind != "capitation" else (CAP_ESTIMATE if planned else CAP_COMPLETE)
        t.ClaimProc.create(procedure=procedure_id, plan=plan_id, coverage_order=order, status=status)


def posted_against(db: Database, procedure_id: int) -> str | None:
    """What keeps a procedure from being deleted (a payment, an adjustment, a claim...), or None."""
    checks = (
        ("a patient payment", "SELECT 1 FROM payment_allocation WHERE procedure_id = ?"),
        ("an adjustment", "SELECT 1 FROM adjustment WHERE procedure_id = ?"),
        ("a claim", "SELECT 1 FROM claim_proc WHERE procedure_id = ? AND "
                    "(claim_id IS NOT NULL OR preauth_id IS NOT NULL)"),
        ("an insurance payment", "SELECT 1 FROM claim_payment_line l JOIN claim_proc cp "
                                 "ON cp.id = l.claim_proc_id WHERE cp.procedure_id = ?"),
    )
    for what, sql in checks:
        if one(db, sql + " LIMIT 1", (procedure_id,)):
            return what
    return None
