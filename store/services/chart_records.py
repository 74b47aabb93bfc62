"""What the front desk writes on an account besides money: ledger notes ("called about the
balance", "payment plan agreed") and appointment outcomes (kept, cancelled, failed), which
the ledger card shows among its lines and counts in its appointment statistics.

Each is one posting like the money ones (one transaction, an audit row, the family's card
lines rebuilt), so another workstation sees it at once. Neither changes a balance, but the
lock date closes the books: an office that locked a month expects its ledger to stay as
printed, notes included, so both are refused on or before it like every other posting.
"""
from __future__ import annotations

from datetime import date, datetime

from estimator.model import APPOINTMENT_STATUSES
from estimator.text import clean

from .. import models as t
from ..connection import Database
from .common import Actor, ServiceError, as_date, check_open, posting, require_patient

NOTE_LIMIT = 500  # characters: a note is a line on the card, not a chart


def add_ledger_note(db: Database, patient_id: int, text: str, *,
                    date: date | str | None = None, actor: Actor | None = None,
                    now: datetime | None = None) -> int:
    """Add a note to the patient's ledger card; returns its id."""
    with posting(db, "ledger_note", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        text = " ".join(clean(text or "").split())
        if not text:
            raise ServiceError("a ledger note needs some text")
        if len(text) > NOTE_LIMIT:
            raise ServiceError(f"a ledger note holds at most {NOTE_LIMIT} characters, "
                               f"not {len(text)}")
        day = as_date(date, post.today)
        check_open(db, day, "the note")
        row = t.LedgerNote.create(patient=patient_id, date=day.isoformat(), text=text,
                                  **post.stamp())
        post.touch(patient_id)
        post.record("ledger_note", row.id, patient=patient_id, date=day)
        return row.id


def record_appointment(db: Database, patient_id: int, status: str, *,
                       date: date | str | None = None, actor: Actor | None = None,
                       now: datetime | None = None) -> int:
    """Record how an appointment went (kept, cancelled, failed) or one scheduled; returns
    its id."""
    with posting(db, "appointment", actor=actor, now=now) as post:
        require_patient(db, patient_id)
        status = (status or "").strip().lower()
        if status not in APPOINTMENT_STATUSES:
            raise ServiceError(f"an appointment is {', '.join(APPOINTMENT_STATUSES)}, "
                               f"not {status!r}")
        day = as_date(date, post.today)
        if status == "scheduled" and day < post.today:
            raise ServiceError("a scheduled appointment is today or later; record a past one "
                               "as kept, cancelled or failed")
        if status != "scheduled" and day > post.today:
            raise ServiceError(f"an appointment in the future cannot be {status} yet")
        check_open(db, day, "the appointment")
        row = t.Appointment.create(patient=patient_id, date=day.isoformat(), status=status)
        post.touch(patient_id)
        post.record("appointment", row.id, patient=patient_id, date=day, status=status)
        return row.id
