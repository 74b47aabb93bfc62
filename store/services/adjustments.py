"""Adjustments: typed codes (courtesy, discount, write-off, finance charge, ...), signed
amounts (negative reduces what is owed), optionally on one procedure.

The sign must suit the code's kind: courtesy, discount and write-off codes reduce the
balance, a finance charge raises it (a reversal, see `corrections`, is the exception).
A code the practice does not have is created only when the caller asks for it.
"""
from __future__ import annotations

from datetime import date, datetime

from estimator.model import ADJUSTMENT_KINDS

from .. import models as t
from ..connection import Database
from . import lookup
from .common import (
    Actor, ServiceError, as_date, cents, check_open, one, posting, require_patient, text_or_none,
)

REDUCING_KINDS = ("courtesy", "discount", "writeoff")
RAISING_KINDS = ("finance_charge",)


def post_adjustment(db: Database, patient_id: int, amount: int, code: str, *,
                    procedure: int | None = None, date: date | str | None = None,
                    note: str | None = None, create_code: bool = False,
                    kind: str | None = None, actor: Actor | None = None,
                    now: datetime | None = None) -> int:
    """Post an adjustment; returns its id. ``create_code=True`` adds a missing code (of
    ``kind``, default ``other``)."""
    with posting(db, "adjustment", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        amount = cents(amount, "the amount")
        if amount == 0:
            raise ServiceError("an adjustment of 0.00 posts nothing")
        code = (code or "").strip()
        day = as_date(date, post.today)
        check_open(db, day, "the adjustment")
        proc = lookup.patients_procedure(db, procedure, patient_id) if procedure is not None \
            else None
        code_id, code_kind = _code(db, code, create_code, kind)
        check_sign(code, code_kind, amount)
        created = code_id is None
        if created:
            code_id = t.AdjustmentCode.create(code=code, kind=code_kind).id
        row = t.Adjustment.create(patient=patient_id, date=day.isoformat(), amount_cents=amount,
                                  code=code_id, procedure=proc.id if proc else None,
                                  note=text_or_none(note), **post.stamp())
        post.touch(patient_id)
        post.record("adjustment", row.id, patient=patient_id, amount=amount, code=code,
                    kind=code_kind, procedure=proc.id if proc else None, date=day,
                    code_created=created)
        return row.id


def check_sign(code: str, kind: str, amount: int) -> None:
    if kind in REDUCING_KINDS and amount > 0:
        raise ServiceError(f"{code} is a {kind} code: its amount must be negative")
    if kind in RAISING_KINDS and amount < 0:
        raise ServiceError(f"{code} is a finance charge code: its amount must be positive")


def _code(db: Database, code: str, create: bool, kind: str | None) -> tuple[int | None, str]:
    """(code id or None when it is to be created, its kind)."""
    if not code:
        raise ServiceError("an adjustment needs a code")
    row = one(db, "SELECT id, kind FROM adjustment_code WHERE code = ?", (code,))
    if row is not None:
        if kind is not None and kind != row[1]:
            raise ServiceError(f"adjustment code {code} is a {row[1]} code, not {kind}")
        return row[0], row[1]
    if not create:
        raise ServiceError(f"there is no adjustment code {code!r} (ask to create it)")
    kind = kind or "other"
    if kind not in ADJUSTMENT_KINDS:
        raise ServiceError(f"adjustment kind must be one of {', '.join(ADJUSTMENT_KINDS)}, "
                           f"not {kind!r}")
    return None, kind

