"""What the front-desk screens and commands show, as plain frozen data.

Built by `store.frontdesk` (from the database) and read by `tui` and `cli`;
they live in the core so neither side imports the other. Money is integer cents.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .ledger_types import AccountSummary, CardTotals, Column
from .money import Cents


@dataclass(frozen=True)
class PatientHit:
    """One line of the Find patient results."""
    patient_id: str
    name: str
    birthdate: date | None
    guarantor_name: str
    balance_total: Cents      # the patient's account balance (insurance + patient estimate)
    patient_est: Cents        # what the patient is estimated to owe
    family_total: Cents       # the guarantor's whole family balance
    insurance_est: Cents = 0  # what insurance is still expected to pay


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
    explanation: tuple[str, ...] = ()
