"""What the front-desk screens and commands show, as plain frozen data.

Built by `store.desks.frontdesk` (from the database) and read by `tui` and `cli`;
they live in the core so neither side imports the other. Money is integer cents.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Iterable

from .ledger_types import AccountSummary, CardTotals, Column
from .money import Cents, fmt

if TYPE_CHECKING:  # the search screen loads this module: it must not load the whole model
    from .model import Procedure
    from .results import LineEstimate


@dataclass(frozen=True)
class PatientHit:
    """One line of the Find patient results."""
    patient_id: str
    name: str
    birthdate: date | None
    guarantor_name: str
    balance_total: Cents      # the patient's account balance (Ins est + W/O est + Pt est)
    patient_est: Cents        # what the patient is estimated to owe
    family_total: Cents       # the guarantor's whole family balance
    insurance_est: Cents = 0  # what the carriers are still expected to pay
    writeoff_est: Cents = 0   # what is expected to be written off (nobody pays it)
    chart_no: str = ""        # the office's chart number ("" when none was given)
    inactive: bool = False    # marked inactive (listed only when the search asks for them)


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


def procedure_detail(proc: Procedure, description: str, patient_portion: Cents,
                     lines: Iterable[LineEstimate]) -> LineDetail:
    """What Enter on a procedure shows: the procedure, then each plan's claim procedure
    with the estimator's steps."""
    head = DetailSection("Procedure", (
        ("Code", proc.code), ("Service", description), ("Date", str(proc.date)),
        ("Status", proc.status), ("Tooth", proc.tooth or ""), ("Surface", proc.surface or ""),
        ("Units", str(proc.units)), ("Charge", fmt(proc.charge)),
        ("Patient portion", fmt(patient_portion)),
    ))
    sections, steps = [head], []
    for ln in sorted(lines, key=lambda line: line.order):
        sections.append(DetailSection(f"Insurance {ln.order}: plan {ln.plan}", (
            ("Status", ln.status.replace("_", " ")), ("Claim", ln.claim or ""),
            ("Allowed", fmt(ln.allowed)), ("Copay", fmt(ln.copay)),
            ("Deductible", fmt(ln.deductible)), ("Percent", f"{ln.percent}%"),
            ("Estimate", fmt(ln.ins_est)), ("Write-off est", fmt(ln.writeoff_est)),
            ("Paid", fmt(ln.paid)), ("Write-off", fmt(ln.writeoff)),
            ("Deductible applied", fmt(ln.deductible_applied)), ("Note", ln.note),
        ), ln.explanation))
        steps += [f"Ins {ln.order}: {s}" for s in ln.explanation]
    return LineDetail(title=f"{proc.code} {description}".strip(),
                      sections=tuple(sections), explanation=tuple(steps))
