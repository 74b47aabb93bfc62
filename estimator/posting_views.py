"""What the posting forms read and what they hand back, as plain frozen data.

Built by `store.desks.posting` (from the database) and read by `tui.forms`;
they live in the core so neither side imports the other (like `estimator.views`).
Money is integer cents; keys (``key``) are opaque strings the forms pass back
unchanged, labels are what the office reads (practice ids, claim numbers).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .money import Cents

# Claim statuses a claim payment can be entered on (received = a supplemental payment).
PAYABLE_CLAIMS = ("unsent", "queued", "sent", "received")
# Statuses the front desk may set by hand (received comes only from a payment).
SETTABLE_CLAIM_STATUSES = ("unsent", "hold", "queued", "sent")


class PostingRefused(Exception):
    """A posting was refused, explained in one sentence; nothing was written."""


class CreditRefused(PostingRefused):
    """Refused because the account would show a credit (a check paying more than is left on a
    procedure): the desk may post it again with ``confirm_credit`` once the user confirms."""


# --- pick lists ---------------------------------------------------------------------

@dataclass(frozen=True)
class CodeInfo:
    code: str
    description: str


@dataclass(frozen=True)
class ProviderInfo:
    key: str
    name: str


@dataclass(frozen=True)
class AdjustmentCodeInfo:
    code: str
    kind: str            # estimator.model.ADJUSTMENT_KINDS
    description: str


@dataclass(frozen=True)
class CoverageInfo:
    """One plan covering the patient, in coverage order."""
    order: int           # 1 primary, 2 secondary ...
    carrier: str
    plan_type: str       # ppo / percentage / flat_copay / capitation
    billable: bool       # capitation plans are never billed


# --- the patient's work and claims ------------------------------------------------------

@dataclass(frozen=True)
class ProcedureInfo:
    """A completed procedure of the patient."""
    key: str
    label: str           # practice id (file id or PR12)
    date: date
    code: str
    description: str
    tooth: str
    surface: str
    charge: Cents
    patient_balance: Cents   # patient portion still owed (less payments allocated to it)


@dataclass(frozen=True)
class ClaimLineInfo:
    """One procedure on a claim: its estimate and what has been paid."""
    procedure_key: str
    procedure_label: str
    code: str
    description: str
    tooth: str
    surface: str
    date: date
    charge: Cents
    status: str          # estimator.results line status
    ins_est: Cents
    writeoff_est: Cents
    deductible_est: Cents
    paid: Cents = 0
    writeoff: Cents = 0
    deductible_applied: Cents = 0
    note: str = ""


@dataclass(frozen=True)
class ClaimInfo:
    key: str
    label: str           # claim number (or practice id)
    carrier: str
    order: int           # coverage order of its plan: 1 primary, 2 secondary ...
    status: str          # unsent / hold / queued / sent / received / preauth
    date: date
    sent_date: date | None
    ins_est_total: Cents
    lines: tuple[ClaimLineInfo, ...] = ()
    patient: str = ""    # the patient's name (lists of several patients' claims)

    @property
    def payable(self) -> bool:
        return self.status in PAYABLE_CLAIMS


# --- what the forms post ---------------------------------------------------------------

@dataclass(frozen=True)
class ProcedureEntry:
    code: str
    date: date
    fee: Cents | None = None         # per unit; None = the provider's office fee
    provider: str | None = None      # ProviderInfo.key; None = the usual provider
    tooth: str | None = None
    surface: str | None = None
    units: int = 1
    planned: bool = False
    note: str | None = None
    completed: date | None = None    # the completion date when it differs from ``date``


@dataclass(frozen=True)
class PaymentEntry:
    amount: Cents                    # negative = refund
    method: str                      # estimator.model.PAYMENT_METHODS
    date: date
    check_no: str | None = None
    bank_no: str | None = None
    note: str | None = None
    # (procedure key, cents) of a split; None = oldest first
    split: tuple[tuple[str, Cents], ...] | None = None


@dataclass(frozen=True)
class AdjustmentEntry:
    amount: Cents                    # negative reduces what is owed
    code: str
    date: date
    procedure: str | None = None     # ProcedureInfo.key
    note: str | None = None


@dataclass(frozen=True)
class ReversalInfo:
    """A ledger-card line that may be reversed, as the confirmation names it."""
    ref: str                         # CardRow.ref: "patient_payment:<n>" or "adjustment:<n>"
    what: str                        # "payment" or "adjustment"
    label: str                       # e.g. "check 1234" or "COURTESY"
    amount: Cents
    date: date


@dataclass(frozen=True)
class NoteEntry:
    """A ledger note: a line of text on the card."""
    text: str
    date: date


@dataclass(frozen=True)
class AppointmentEntry:
    status: str                      # kept, cancelled, failed, scheduled
    date: date


@dataclass(frozen=True)
class EobEntry:
    """One claim line of an insurance payment as typed from the EOB."""
    procedure: str                   # ClaimLineInfo.procedure_key
    paid: Cents = 0
    writeoff: Cents = 0
    deductible: Cents = 0
    denied: bool = False
    remarks: str | None = None
    claim: str | None = None         # ClaimInfo.key when a check pays several claims


@dataclass(frozen=True)
class InsurancePaymentEntry:
    claim: str                       # ClaimInfo.key (each line's own claim, if it names one)
    amount: Cents                    # the check amount
    date: date
    lines: tuple[EobEntry, ...]
    check_no: str | None = None
    bank_no: str | None = None
    confirm_credit: bool = False     # the user confirmed the account will show a credit
