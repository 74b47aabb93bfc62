"""The front desk's terms on one procedure's line for one plan: overrides of the estimate
(percent, allowed fee, estimate, write-off estimate, deductible; `model.Override`) and
do-not-bill. Each change re-estimates the family. A received line's estimate is final (frozen
when the check was entered): its terms cannot change; a line on a claim cannot become
do-not-bill (the claim has it).
"""
from __future__ import annotations

from datetime import datetime
from typing import Mapping

from ..connection import Database
from ..models import override_column
from . import lookup
from .common import Actor, ServiceError, cents, check_open, one, posting

# the overrides the desk sets here (model.Override fields); None clears one
TERMS = ("percent", "allowed", "ins_est", "writeoff_est", "deductible")


def set_overrides(db: Database, procedure_id: int, plan_id: int,
                  values: Mapping[str, int | None], *, actor: Actor | None = None,
                  now: datetime | None = None) -> None:
    """Set (a value) or clear (None) overrides of the procedure's line for ``plan_id``."""
    unknown = sorted(set(values) - set(TERMS))
    if unknown:
        raise ServiceError(f"there is no override {unknown[0]!r} (one of {', '.join(TERMS)})")
    if not values:
        raise ServiceError("name the overrides to set or clear")
    with posting(db, "set_overrides", actor=actor, now=now) as post:
        proc, line_id = _line(db, procedure_id, plan_id, "overridden")
        checked = {name: _value(name, value) for name, value in values.items()}
        sets = ", ".join(f"{override_column(name)} = ?" for name in checked)
        db.execute_sql(f"UPDATE claim_proc SET {sets} WHERE id = ?", (*checked.values(), line_id))
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, plan=plan_id, overrides=checked)


def set_no_bill(db: Database, procedure_id: int, plan_id: int, no_bill: bool, *,
                actor: Actor | None = None, now: datetime | None = None) -> None:
    """Do not bill ``plan_id`` for the procedure (nothing is estimated for it), or bill it again."""
    if not isinstance(no_bill, bool):
        raise ServiceError("do not bill must be yes or no")
    with posting(db, "set_no_bill", actor=actor, now=now) as post:
        proc, line_id = _line(db, procedure_id, plan_id, "changed")
        claim = one(db, "SELECT claim_id FROM claim_proc WHERE id = ?", (line_id,))[0]
        if claim is not None:
            raise ServiceError(f"procedure {proc.label} is on a claim to that plan: "
                               "it is billed already")
        db.execute_sql("UPDATE claim_proc SET no_bill = ? WHERE id = ?", (int(no_bill), line_id))
        post.touch(proc.patient_id)
        post.record("procedure", proc.id, plan=plan_id, no_bill=no_bill)


def _line(db: Database, procedure_id: int, plan_id: int, verb: str):
    proc = lookup.procedure(db, procedure_id)
    row = one(db, "SELECT id, status FROM claim_proc WHERE procedure_id = ? AND plan_id = ?",
              (proc.id, plan_id))
    if row is None:
        raise ServiceError(f"procedure {proc.label} has no line for that plan (the plan does "
                           "not cover the patient on its date)")
    if row[1] == "received":
        raise ServiceError(f"procedure {proc.label} was paid by that plan: its estimate is "
                           f"final and cannot be {verb}")
    if proc.status == "complete":
        check_open(db, proc.date, f"procedure {proc.label}")
    return proc, row[0]


def _value(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if name == "percent":
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
            raise ServiceError(f"a percent override is a whole number 0-100, not {value!r}")
        return value
    amount = cents(value, f"the {name.replace('_', ' ')} override")
    if amount < 0:
        raise ServiceError(f"the {name.replace('_', ' ')} override cannot be negative")
    return amount
