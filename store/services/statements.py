"""Recording the statements sent: one family's statement, and a billing run's totals.

A statement is recorded once its file exists (the billing run writes a family's file, then
records it, family by family), so the records never name a statement that was not written.
Each record is one posting: one transaction with its checks, the guarantor's card line
("Statement sent, due 124.50", `store.derived.ledger_entries.add_statement`) and an audit
row. A statement changes no money, so nothing is re-estimated and its family's other card
lines stay as they are. The lock date does not apply: a statement dated on a locked day
(month-end statements printed on the 2nd) records what was mailed; it posts nothing.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from estimator.model import STATEMENT_FORMATS

from ..connection import Database, last_row_id
from ..derived.ledger_entries import add_statement
from .common import Actor, ServiceError, cents, one, posting


@dataclass(frozen=True)
class SentStatement:
    """What is recorded of one statement (money in cents)."""
    guarantor: int               # database id of the family's guarantor
    date: date                   # the statement date
    amount_due: int
    new_balance: int
    insurance_pending: int = 0
    period_start: date | None = None
    format: str | None = None    # pdf / text
    file_name: str | None = None
    volume: str | None = None    # the combined print file (a PDF billing run)


@dataclass(frozen=True)
class RunTotals:
    """A billing run, as audited once it stops (finished, cancelled or failed)."""
    date: date
    selected: int                # families the preview selected
    sent: int                    # statements written and recorded
    amount_due: int              # their amounts due, summed
    new_balance: int
    format: str
    folder: str
    min_due: int
    skip_days: int
    skipped: int = 0             # selected but not sent (billed meanwhile, or due below the minimum)
    stopped: str = "finished"    # finished / cancelled / failed: <reason>


def _check(db: Database, sent: SentStatement) -> None:
    row = one(db, "SELECT id, guarantor_id FROM patient WHERE id = ?", (sent.guarantor,))
    if row is None:
        raise ServiceError(f"there is no patient with id {sent.guarantor}")
    if row[1] not in (None, row[0]):
        raise ServiceError(f"patient {sent.guarantor} is not a guarantor: statements go to "
                           f"the family's guarantor ({row[1]})")
    for what in ("amount_due", "new_balance", "insurance_pending"):
        cents(getattr(sent, what), what.replace("_", " "))
    if sent.amount_due < 0 or sent.insurance_pending < 0:
        raise ServiceError("a statement's amount due and pending insurance are 0 or more")
    if sent.format is not None and sent.format not in STATEMENT_FORMATS:
        raise ServiceError(f"a statement is {' or '.join(STATEMENT_FORMATS)}, not {sent.format!r}")
    if sent.period_start is not None and sent.period_start > sent.date:
        raise ServiceError(f"the period starts {sent.period_start.isoformat()}, after the "
                           f"statement date {sent.date.isoformat()}")


def record_statement(db: Database, sent: SentStatement, *, actor: Actor | None = None,
                     now: datetime | None = None) -> int:
    """Record one statement sent; returns its id."""
    with posting(db, "statement_sent", actor=actor, now=now) as post:
        _check(db, sent)
        stamp = post.stamp_columns()
        db.execute_sql(
            "INSERT INTO statement (guarantor_id, date, period_start, amount_due_cents, "
            "new_balance_cents, insurance_pending_cents, format, file_name, volume, "
            "entered_at, entered_by, workstation, location_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sent.guarantor, sent.date.isoformat(),
             sent.period_start.isoformat() if sent.period_start else None, sent.amount_due,
             sent.new_balance, sent.insurance_pending, sent.format, sent.file_name, sent.volume,
             stamp["entered_at"], stamp["entered_by"], stamp["workstation"], stamp["location_id"]))
        statement_id = last_row_id(db)
        add_statement(db, statement_id)
        post.patient_id = sent.guarantor  # the audit row names the family's guarantor (no
        # re-estimation: a statement moves no money)
        post.record("statement", statement_id, guarantor=sent.guarantor, date=sent.date,
                    amount_due=sent.amount_due, file=sent.file_name)
        return statement_id


def record_billing_run(db: Database, totals: RunTotals, *, actor: Actor | None = None,
                       now: datetime | None = None) -> None:
    """The audit row of a billing run: what it selected, sent and billed, and how it stopped."""
    with posting(db, "billing_run", actor=actor, now=now) as post:
        post.record("billing_run", totals.date.isoformat(), **asdict(totals))
