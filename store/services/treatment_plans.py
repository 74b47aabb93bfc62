"""The treatment plan's order: planned work is estimated (and its annual maximum spent) in
``tp_order``, so moving a line up or down re-estimates the family. Re-pricing, dropping and
completing planned work are `procedures.edit_fee`, `delete_procedure` and `complete_procedure`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from .. import models as t
from ..connection import Database
from . import lookup
from .common import Actor, ServiceError, posting, require_patient

# the estimator's order of planned work (`estimator.lines.line_key`): tp_order, none last
_PLANNED = ("SELECT id FROM procedure WHERE patient_id = ? AND status = 'planned' "
            "ORDER BY tp_order IS NULL, tp_order, date, id")


def planned_order(db: Database, patient_id: int) -> list[int]:
    """The patient's planned procedures in treatment-plan order."""
    return [i for (i,) in db.execute_sql(_PLANNED, (patient_id,))]


def set_plan_order(db: Database, patient_id: int, procedures: Sequence[int], *,
                   actor: Actor | None = None, now: datetime | None = None) -> None:
    """Number the patient's planned work 1..n in the order given (every planned procedure once)."""
    with posting(db, "plan_order", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        current = planned_order(db, patient_id)
        if sorted(procedures) != sorted(current) or len(set(procedures)) != len(procedures):
            raise ServiceError("list each planned procedure of the patient exactly once")
        _number(db, procedures)
        post.touch(patient_id)
        post.record("patient", patient_id, plan_order=list(procedures))


def move_planned(db: Database, procedure_id: int, step: int, *, actor: Actor | None = None,
                 now: datetime | None = None) -> None:
    """Move planned work ``step`` places up (negative) or down the treatment plan."""
    with posting(db, "plan_order", actor=actor, now=now) as post:
        proc = lookup.procedure(db, procedure_id)
        if proc.status != "planned":
            raise ServiceError(f"procedure {proc.label} is not planned work")
        if isinstance(step, bool) or not isinstance(step, int):
            raise ServiceError(f"a move is a whole number of places, not {step!r}")
        order = planned_order(db, proc.patient_id)
        at = order.index(proc.id)
        to = at + step
        if not 0 <= to < len(order):
            raise ServiceError(f"procedure {proc.label} cannot move {step:+d} in a plan of "
                               f"{len(order)} line(s)")
        order.insert(to, order.pop(at))
        _number(db, order)
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, tp_order=to + 1, moved=step)


def _number(db: Database, procedures: Sequence[int]) -> None:
    for n, proc_id in enumerate(procedures, 1):
        t.Procedure.update(tp_order=n).where(t.Procedure.id == proc_id).execute()
