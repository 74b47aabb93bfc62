"""Claims: create (primary, and secondary ones on hold), send, queue, change status, and
pre-authorizations.

Creating claims for completed work bills every plan covering the patient, in coverage
order: the primary claim is ``unsent``; each later plan gets its own claim (kind
``secondary``) on ``hold`` until every earlier plan's line on its procedures is received
(`release_holds`, also run when an insurance payment is entered). Do-not-bill lines
stay off the claim; capitation plans are never billed. A pre-authorization links the
lines through ``preauth`` and leaves their estimates alone.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from estimator.results import NOT_RECEIVED

from .. import models as t
from ..connection import Database, bind_list, in_list
from . import lookup
from .common import Actor, ServiceError, as_date, check_open, posting, require_patient

SETTABLE = ("unsent", "hold", "queued", "sent")
CAN_SEND = ("unsent", "queued")


def claim_number(claim_id: int) -> str:
    return f"C{claim_id:06d}"


def create_claims(db: Database, patient_id: int, procedures: Sequence[int] | None = None, *,
                  date: date | str | None = None, actor: Actor | None = None,
                  now: datetime | None = None) -> list[int]:
    """Claims for the selected completed procedures (default: every completed procedure
    never billed); returns the new claim ids, primary first."""
    with posting(db, "create_claims", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        plans = _coverage(db, patient_id)
        day = as_date(date, post.today)
        check_open(db, day, "the claim")
        procs = _selected(db, patient_id, procedures) if procedures is not None \
            else _never_billed(db, patient_id)
        by_plan = [(plan, order, _billable(db, procs, plan)) for plan, order in plans]
        if procedures is not None:
            _every_one_billable(db, procs, by_plan)
        made = []
        for plan, order, lines in by_plan:
            if lines:
                made.append(_new_claim(db, post, patient_id, plan, order, day, lines))
        if not made:
            raise ServiceError("there is no completed work left to bill for this patient")
        release_holds(db, made)
        post.touch(patient_id)
        post.record("claim", made[0], patient=patient_id, claims=made,
                    procedures=[p.id for p in procs])
        return made


def send_claim(db: Database, claim_id: int, *, date: date | str | None = None,
               actor: Actor | None = None, now: datetime | None = None) -> None:
    """An unsent or queued claim goes out: status ``sent``, sent date ``date`` (default today)."""
    with posting(db, "send_claim", actor=actor, now=now) as post:
        claim = lookup.claim(db, claim_id)
        if claim.status not in CAN_SEND:
            raise ServiceError(_cannot(claim, "sent"))
        day = as_date(date, post.today)
        check_open(db, day, "the sent date")
        t.Claim.update(status="sent", sent_date=day.isoformat()).where(
            t.Claim.id == claim.id).execute()
        post.touch(claim.patient_id)
        post.record("claim", claim.id, old_status=claim.status, status="sent", sent_date=day)


def queue_claim(db: Database, claim_id: int, *, actor: Actor | None = None,
                now: datetime | None = None) -> None:
    """Put an unsent claim in the queue for the next electronic batch."""
    set_claim_status(db, claim_id, "queued", actor=actor, now=now)


def set_claim_status(db: Database, claim_id: int, status: str, *, actor: Actor | None = None,
                     now: datetime | None = None) -> None:
    """Move a claim between unsent, hold, queued and sent (received only by a payment)."""
    with posting(db, "claim_status", actor=actor, now=now) as post:
        claim = lookup.claim(db, claim_id)
        if status not in SETTABLE:
            raise ServiceError(f"a claim's status can be set to {', '.join(SETTABLE)}; "
                               "it becomes received when its payment is entered")
        if claim.status not in SETTABLE:
            raise ServiceError(_cannot(claim, status))
        changes = {"status": status}
        if status == "sent" and claim.status != "sent":
            check_open(db, post.today, "the sent date")
            changes["sent_date"] = post.today.isoformat()
        t.Claim.update(**changes).where(t.Claim.id == claim.id).execute()
        if status == "hold" and release_holds(db, [claim.id]):
            raise ServiceError(f"claim {claim.label} waits for nothing: every earlier plan's line on "
                               "its procedures is received, so it cannot go on hold")
        post.touch(claim.patient_id)
        post.record("claim", claim.id, old_status=claim.status, status=status)


def create_preauth(db: Database, patient_id: int, procedures: Sequence[int], *,
                   plan: int | None = None, date: date | str | None = None,
                   actor: Actor | None = None, now: datetime | None = None) -> int:
    """A pre-authorization for planned or completed work, to ``plan`` (default the primary);
    returns the claim id. Estimates are not changed."""
    with posting(db, "create_preauth", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        plans = _coverage(db, patient_id)
        plan_id, order = plans[0] if plan is None else _covering(plans, plan)
        day = as_date(date, post.today)
        check_open(db, day, "the pre-authorization")
        procs = [lookup.patients_procedure(db, p, patient_id) for p in procedures]
        if not procs:
            raise ServiceError("choose the procedures to pre-authorize")
        lines = []
        for proc in procs:
            line = t.ClaimProc.get_or_none(procedure=proc.id, plan=plan_id)
            if line is None:
                raise ServiceError(f"procedure {proc.label} has no line for that plan")
            if line.preauth_id is not None:
                raise ServiceError(f"procedure {proc.label} is already on a pre-authorization "
                                   "for that plan")
            lines.append(line)
        row = t.Claim.create(patient=patient_id, plan=plan_id, status="preauth",
                             date=day.isoformat(), **post.stamp())
        t.Claim.update(claim_no=claim_number(row.id)).where(t.Claim.id == row.id).execute()
        for seq, line in enumerate(lines, 1):
            t.ClaimProc.update(preauth=row.id, preauth_seq=seq).where(
                t.ClaimProc.id == line.id).execute()
        post.touch(patient_id)
        post.record("claim", row.id, patient=patient_id, plan=plan_id, order=order,
                    status="preauth", procedures=[p.id for p in procs])
        return row.id


def release_holds(db: Database, claim_ids: Sequence[int] | None = None, *,
                  patient_id: int | None = None) -> list[int]:
    """Release secondary claims on hold (to ``unsent``) once every earlier plan's line on
    their procedures is received (do-not-bill and capitation lines never wait)."""
    if claim_ids is None:
        claim_ids = [i for (i,) in db.execute_sql(
            "SELECT id FROM claim WHERE patient_id = ? AND status = 'hold'", (patient_id,))]
    released = []
    for claim_id in claim_ids:
        waiting = db.execute_sql(
            "SELECT 1 FROM claim c JOIN claim_proc mine ON mine.claim_id = c.id "
            "JOIN claim_proc other ON other.procedure_id = mine.procedure_id "
            "JOIN plan p ON p.id = other.plan_id "
            "WHERE c.id = ? AND c.status = 'hold' AND coalesce(c.kind, '') != 'primary' "
            "AND other.coverage_order BETWEEN 1 AND mine.coverage_order - 1 "
            "AND other.status != 'received' AND NOT other.no_bill AND p.type != 'capitation' "
            "LIMIT 1", (claim_id,)).fetchone()
        held = db.execute_sql("SELECT 1 FROM claim WHERE id = ? AND status = 'hold' AND "
                              "coalesce(kind, '') != 'primary'", (claim_id,)).fetchone()
        if held and not waiting:
            t.Claim.update(status="unsent").where(t.Claim.id == claim_id).execute()
            released.append(claim_id)
    return released


# --- helpers ------------------------------------------------------------------

def _coverage(db: Database, patient_id: int) -> list[tuple[int, int]]:
    """(plan id, coverage order) of the patient's billable plans, primary first."""
    rows = db.execute_sql("SELECT c.plan_id, c.coverage_order, p.type FROM patient_coverage c "
                          "JOIN plan p ON p.id = c.plan_id WHERE c.patient_id = ? "
                          "ORDER BY c.coverage_order", (patient_id,)).fetchall()
    if not rows:
        raise ServiceError("this patient has no insurance coverage to bill")
    billable = [(plan, order) for plan, order, kind in rows if kind != "capitation"]
    if not billable:
        raise ServiceError("this patient's only coverage is capitation, which is never billed")
    return billable


def _covering(plans: list[tuple[int, int]], plan: int) -> tuple[int, int]:
    for pair in plans:
        if pair[0] == plan:
            return pair
    raise ServiceError("that plan does not cover this patient")


def _selected(db: Database, patient_id: int, procedures: Sequence[int]) -> list:
    procs = []
    for proc_id in procedures:
        proc = lookup.patients_procedure(db, proc_id, patient_id)
        if proc.status != "complete":
            raise ServiceError(f"procedure {proc.label} is planned work: complete it before "
                               "billing it")
        if proc.id not in {p.id for p in procs}:
            procs.append(proc)
    if not procs:
        raise ServiceError("choose the procedures to bill")
    return sorted(procs, key=lambda p: (p.date, p.id))


def _never_billed(db: Database, patient_id: int) -> list:
    ids = [i for (i,) in db.execute_sql(
        "SELECT p.id FROM procedure p WHERE p.patient_id = ? AND p.status = 'complete' AND "
        "NOT EXISTS (SELECT 1 FROM claim_proc cp WHERE cp.procedure_id = p.id AND "
        "cp.claim_id IS NOT NULL) ORDER BY p.date, p.id", (patient_id,))]
    return [lookup.procedure(db, i) for i in ids]


def _billable(db: Database, procs: list, plan_id: int) -> list[tuple[int, int]]:
    """(claim proc id, procedure id) of lines not yet on a claim and not do-not-bill."""
    out = []
    for proc in procs:
        row = db.execute_sql("SELECT id FROM claim_proc WHERE procedure_id = ? AND plan_id = ? "
                             "AND claim_id IS NULL AND NOT no_bill", (proc.id, plan_id)).fetchone()
        if row:
            out.append((row[0], proc.id))
    return out


def _every_one_billable(db: Database, procs: list, by_plan) -> None:
    billed = {proc_id for _, _, lines in by_plan for _, proc_id in lines}
    for proc in procs:
        if proc.id not in billed:
            raise ServiceError(f"procedure {proc.label} has nothing left to bill (already on a "
                               "claim for every plan, or do not bill)")


def _earlier_plan_lines(db: Database, order: int, procedures: list[int]) -> bool:
    """Whether an earlier plan has a line on these procedures: the first plan whose coverage
    covers the work acts as the primary (a plan not covering its date has no line)."""
    return db.execute_sql(
        f"SELECT 1 FROM claim_proc WHERE procedure_id {in_list('?')} "
        "AND coverage_order BETWEEN 1 AND ? - 1 LIMIT 1",
        (bind_list(procedures), order)).fetchone() is not None


def _new_claim(db: Database, post, patient_id: int, plan_id: int, order: int, day: date,
               lines: list[tuple[int, int]]) -> int:
    first = not _earlier_plan_lines(db, order, [proc for _, proc in lines])
    row = t.Claim.create(patient=patient_id, plan=plan_id, kind=None if first else "secondary",
                         status="unsent" if first else "hold", date=day.isoformat(),
                         **post.stamp())
    t.Claim.update(claim_no=claim_number(row.id)).where(t.Claim.id == row.id).execute()
    for seq, (line_id, _) in enumerate(lines, 1):
        t.ClaimProc.update(claim=row.id, claim_seq=seq, status=NOT_RECEIVED).where(
            t.ClaimProc.id == line_id).execute()
    return row.id


def _cannot(claim, to: str) -> str:
    if claim.status == "hold":
        return f"claim {claim.label} is on hold until the earlier plans' claims are received"
    if claim.status == "received":
        return f"claim {claim.label} is already received"
    if claim.status == "preauth":
        return f"claim {claim.label} is a pre-authorization"
    return f"claim {claim.label} is {claim.status} and cannot be {to}"
