"""What the screens need from the rest of DentLedger: the `FrontDesk` port.

The TUI has no SQL and does no money arithmetic. Everything it shows comes
through this Protocol; the lead implements it over the database in
``store/frontdesk.py`` and the tests implement it in memory
(``tests/tui/fakes.py``). Money is integer cents, formatted only with
``estimator.money.fmt`` / ``fmt_grouped``; text may hold anything a user typed
(markup brackets, control characters), the screens clean it before drawing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol, Sequence, runtime_checkable

from estimator.ledger import AccountSummary, CardRow, CardTotals, Column
from estimator.money import Cents


@dataclass(frozen=True)
class PatientHit:
    """One line of the Find patient results (the lead may move it to estimator.ledger)."""
    patient_id: str
    name: str
    birthdate: date | None
    guarantor_name: str
    balance_total: Cents      # the patient's account balance (insurance + patient estimate)
    patient_est: Cents        # what the patient is estimated to owe
    family_total: Cents       # the guarantor's whole family balance


@dataclass(frozen=True)
class PlanBenefit:
    """Insurance remaining for one plan of the patient; None = unknown (no maximum, ...)."""
    label: str                         # "1 Delta Dental PPO"
    annual_max_used: Cents | None = None
    remaining: Cents | None = None     # annual maximum left this benefit year
    deductible_left: Cents | None = None


@dataclass(frozen=True)
class AccountView:
    """Everything the account screen shows except the ledger rows (those are windowed)."""
    summary: AccountSummary
    n_plans: int
    benefits: tuple[PlanBenefit, ...]
    totals: CardTotals
    row_count: int
    columns: tuple[Column, ...]        # estimator.ledger.card_columns(n_plans)


@dataclass(frozen=True)
class DetailSection:
    """A block of the line detail: labelled values and/or free lines (estimator steps)."""
    title: str
    fields: tuple[tuple[str, str], ...] = ()   # (label, value already formatted)
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class LineDetail:
    """What Enter on a ledger line opens: the procedure with its claim procedures,
    the payment, or the claim."""
    title: str
    sections: tuple[DetailSection, ...] = ()
    explanation: tuple[str, ...] = ()          # the estimator's steps, per plan, in office words


@runtime_checkable
class FrontDesk(Protocol):
    """The data the screens read. Calls are short and synchronous.

    ``search`` is called from a worker thread (so typing never waits on it);
    every other method is called on the UI thread.
    """

    def search(self, text: str, limit: int = 50) -> list[PatientHit]:
        """Patients matching ``text`` (name, id, birthdate...), best first; "" = first ``limit``."""
        ...

    def account(self, patient_id: str) -> AccountView:
        """Header, totals and size of a patient's ledger card. KeyError if unknown."""
        ...

    def rows(self, patient_id: str, start: int, stop: int) -> Sequence[CardRow]:
        """Ledger card rows ``start:stop`` (clamped to the card). The card never asks for all rows."""
        ...

    def day_index(self, patient_id: str) -> Sequence[tuple[date, int]]:
        """(posted date, index of its first row), ascending: next/previous day and date filters."""
        ...

    def line_detail(self, patient_id: str, ref: str) -> LineDetail:
        """The line behind ``CardRow.ref``."""
        ...

    def revision(self) -> int:
        """Changes whenever anything is posted anywhere (SQLite data_version): reload when it moves."""
        ...
