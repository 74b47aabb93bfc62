"""Plain immutable data for a practice: the domain as the estimator sees it.

These types mirror the practice file (``../shared/spec/practice-file.md``) one to
one, with money as integer cents, dates as ``datetime.date`` and ids as the
file's strings (the store uses its own keys rendered as strings when a row came
from the app rather than from a file). ``None`` always means *unknown / not
set*; ``0`` means zero. Collections are tuples or read-only mappings so values
can be shared and hashed safely.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Mapping

from .frozen import EMPTY, frozen_map  # noqa: F401  (re-exported)
from .money import Cents

# --- vocabularies ----------------------------------------------------------

CATEGORIES = (
    "general", "diagnostic", "diagnostic_xray", "preventive", "restorative",
    "crowns", "endodontics", "periodontics", "prosthodontics", "oral_surgery",
    "orthodontics", "adjunctive",
)
FEE_SCHEDULE_KINDS = ("office", "allowed", "copay", "fixed_benefit")
PLAN_TYPES = ("percentage", "ppo", "flat_copay", "capitation")
COB_RULES = ("basic", "standard", "carve_out", "secondary_medicaid")
PROCEDURE_STATUSES = ("planned", "complete")
CLAIM_STATUSES = ("unsent", "hold", "queued", "sent", "received", "preauth")
CLAIM_KINDS = ("primary", "secondary")
PAYMENT_METHODS = ("cash", "check", "card", "other")
APPOINTMENT_STATUSES = ("kept", "cancelled", "failed", "scheduled")
ADJUSTMENT_KINDS = ("courtesy", "discount", "writeoff", "converted", "finance_charge", "refund", "other")
FREQUENCY_PERIODS = ("benefit_year", "years", "months")
SUBSTITUTION_CONDITIONS = ("always", "molar", "second_molar", "posterior")
GENDERS = ("female", "male", "other")
RELATIONSHIPS = ("self", "spouse", "child", "other")  # the patient to the plan's subscriber



# --- reference data --------------------------------------------------------

@dataclass(frozen=True)
class Preferences:
    ins_ppo_sec_writeoffs: bool = False
    zero_writeoff_when_annual_max_exhausted: bool = False
    ins_est_recalc_received: bool = False


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    fee_schedule: str | None = None


@dataclass(frozen=True)
class ProcedureCode:
    code: str
    category: str
    description: str = ""
    categories: tuple[str, ...] = ()  # general -> most specific; () = default
    substitution_code: str | None = None
    substitution_condition: str | None = None  # None = "always"

    @property
    def category_path(self) -> tuple[str, ...]:
        """Every category the code falls in, general to most specific."""
        if self.categories:
            return self.categories
        if self.category == "orthodontics":
            return ("orthodontics",)
        if self.category == "general":
            return ("general",)
        return ("general", self.category)


@dataclass(frozen=True)
class FeeSchedule:
    id: str
    kind: str  # FEE_SCHEDULE_KINDS
    name: str = ""
    fees: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)  # code -> cents


@dataclass(frozen=True)
class Carrier:
    id: str
    name: str
    writeoff_code: str | None = None
    electronic_id: str | None = None


@dataclass(frozen=True)
class FrequencyLimit:
    quantity: int
    per: str  # FREQUENCY_PERIODS
    code: str | None = None
    category: str | None = None
    count: int = 1


@dataclass(frozen=True)
class Plan:
    id: str
    carrier: str
    subscriber: str
    type: str  # PLAN_TYPES
    fee_schedule: str | None = None
    allowed_fee_schedule: str | None = None
    copay_schedule: str | None = None
    coverage: Mapping[str, int] = field(default_factory=lambda: EMPTY)  # category -> percent; absent = unknown
    code_coverage: Mapping[str, int] = field(default_factory=lambda: EMPTY)
    annual_max: Cents | None = None
    family_annual_max: Cents | None = None
    category_limits: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)
    category_family_limits: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)
    code_limits: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)
    deductible: Cents | None = None
    family_deductible: Cents | None = None
    category_deductibles: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)
    code_deductibles: Mapping[str, Cents] = field(default_factory=lambda: EMPTY)
    deductible_waived_on: tuple[str, ...] = ()
    deductible_before_percent: bool = True
    renew_month: int | None = None  # 1-12; None/0 = calendar year
    frequency: tuple[FrequencyLimit, ...] = ()
    exclusions: tuple[str, ...] = ()
    allow_substitution: bool = True
    substitution_writeoffs: bool = True
    cob_rule: str = "standard"
    same_plan_as: str | None = None
    employer: str | None = None
    group_number: str | None = None
    note: str | None = None
    claims_use_ucr: bool | None = None


# --- patients and coverage -------------------------------------------------

@dataclass(frozen=True)
class Coverage:
    plan: str
    order: int  # 1..4
    pending: bool = False
    subscriber_id: str | None = None
    effective: date | None = None   # first day covered (None: no limit on that side)
    terminated: date | None = None  # last day covered
    relationship: str | None = None  # extension: RELATIONSHIPS (the patient to the subscriber)

    def covers(self, day: date) -> bool:
        """Whether work dated ``day`` falls inside this coverage (estimation.md "Which plans")."""
        return ((self.effective is None or self.effective <= day)
                and (self.terminated is None or day <= self.terminated))


@dataclass(frozen=True)
class BenefitUsed:
    """Benefits used elsewhere this benefit year (counts toward maxima)."""
    plan: str
    paid: Cents = 0
    deductible_met: Cents = 0


@dataclass(frozen=True)
class Address:
    """A patient's mailing address (extension; every part optional)."""
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


@dataclass(frozen=True)
class Phones:
    """A patient's phone numbers as typed (extension)."""
    home: str | None = None
    mobile: str | None = None
    work: str | None = None


@dataclass(frozen=True)
class Patient:
    id: str
    name: str  # "Last, First"
    birthdate: date
    guarantor: str
    coverage: tuple[Coverage, ...] = ()
    benefits_used: tuple[BenefitUsed, ...] = ()
    # Extensions beyond v1 (registration at the desk; None = not recorded):
    middle_name: str | None = None
    preferred_name: str | None = None
    gender: str | None = None       # GENDERS
    address: Address | None = None
    phones: Phones | None = None
    email: str | None = None
    chart_no: str | None = None     # the office's chart number (unique)
    provider: str | None = None     # the patient's usual provider
    inactive: bool = False          # no longer seen; still findable with a filter


# --- work and money --------------------------------------------------------

@dataclass(frozen=True)
class Stamp:
    """Who posted a row, when, at which workstation and office location (the card's Detail group).
    An extension to v1: ``None`` on a row = not recorded (a file written by hand)."""
    at: datetime  # local time, whole seconds
    user: str
    workstation: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Override:
    """The front desk's manual overrides on one procedure's estimate for one plan."""
    plan: str
    percent: int | None = None
    ins_est: Cents | None = None
    allowed: Cents | None = None
    copay: Cents | None = None
    deductible: Cents | None = None
    paid_other_ins: Cents | None = None
    writeoff_est: Cents | None = None
    deductible_before_percent: bool | None = None


@dataclass(frozen=True)
class Procedure:
    id: str
    patient: str
    code: str
    date: date
    fee: Cents  # per unit; charge = fee x units
    provider: str
    status: str  # PROCEDURE_STATUSES
    tooth: str | None = None
    surface: str | None = None
    units: int = 1
    tp_order: int | None = None
    overrides: tuple[Override, ...] = ()
    no_bill: tuple[str, ...] = ()  # plan ids not to bill
    # Extensions beyond the v1 file format (optional keys, see practice-file notes):
    completed: date | None = None  # completion date when it differs from `date` (posted)
    visits: tuple[date, ...] = ()  # later visits of a multi-visit procedure (ledger codes A, B, ...)
    note: str | None = None
    stamp: Stamp | None = None

    @property
    def charge(self) -> Cents:
        return self.fee * self.units


@dataclass(frozen=True)
class KeptEstimate:
    """The estimate one line of a claim had just before the claim was first paid, which the
    received line keeps (estimation.md, "When estimates change"). An extension to v1: an
    export writes it so that an import need not replay the claim payments to rebuild it; a
    received line without one is rebuilt by that replay (`estimator.replay`)."""
    procedure: str
    allowed: Cents = 0
    copay: Cents = 0
    percent: int = 0
    deductible: Cents = 0
    base_est: Cents = 0
    ins_est: Cents = 0
    writeoff_est: Cents = 0
    note: str = ""
    explanation: tuple[str, ...] = ()  # the steps (without the carrier's payment)


@dataclass(frozen=True)
class Claim:
    id: str
    plan: str
    procedures: tuple[str, ...]
    status: str  # CLAIM_STATUSES
    date: date
    kind: str | None = None  # None = by coverage order
    claim_no: str | None = None
    preauth_no: str | None = None
    sent_date: date | None = None
    kept_estimates: tuple[KeptEstimate, ...] = ()  # extension: a received claim's lines


@dataclass(frozen=True)
class ClaimPaymentLine:
    procedure: str
    paid: Cents
    writeoff: Cents = 0
    deductible: Cents = 0
    denied: bool = False
    remarks: str | None = None


@dataclass(frozen=True)
class ClaimPayment:
    claim: str
    date: date
    lines: tuple[ClaimPaymentLine, ...]
    check_no: str | None = None
    bank_no: str | None = None
    stamp: Stamp | None = None  # extension


@dataclass(frozen=True)
class Allocation:
    """The part of a patient payment put on one procedure (same sign as the payment)."""
    procedure: str
    amount: Cents


@dataclass(frozen=True)
class PatientPayment:
    patient: str
    date: date
    amount: Cents  # negative = refund
    method: str  # PAYMENT_METHODS
    check_no: str | None = None
    bank_no: str | None = None
    procedure: str | None = None  # v1: the whole amount on this one procedure
    note: str | None = None
    # Extensions: a payment split over procedures (never together with `procedure`); what the
    # parts leave of the amount stays on the account unallocated (a credit).
    allocations: tuple[Allocation, ...] = ()
    stamp: Stamp | None = None

    @property
    def parts(self) -> tuple[Allocation, ...]:
        """Where the payment went, whichever form it was given in (() = all unallocated)."""
        if self.allocations:
            return self.allocations
        if self.procedure is not None:
            return (Allocation(self.procedure, self.amount),)
        return ()


@dataclass(frozen=True)
class Adjustment:
    patient: str
    date: date
    amount: Cents  # negative reduces what is owed
    code: str
    procedure: str | None = None
    note: str | None = None
    stamp: Stamp | None = None  # extension


@dataclass(frozen=True)
class Appointment:
    patient: str
    date: date
    status: str  # APPOINTMENT_STATUSES


@dataclass(frozen=True)
class AdjustmentCode:
    """A typed adjustment code (a carrier's write-off code has kind "writeoff")."""
    code: str
    kind: str = "other"  # ADJUSTMENT_KINDS
    description: str = ""


@dataclass(frozen=True)
class LedgerNote:
    patient: str
    date: date
    text: str
    stamp: Stamp | None = None


@dataclass(frozen=True)
class StatementSent:
    """A statement sent to a family (extension): the guarantor's account, as it was billed."""
    patient: str                 # the guarantor (the account the statement went to)
    date: date                   # the statement date
    amount_due: Cents            # amount due now (never below 0)
    new_balance: Cents           # the family's balance on the statement
    insurance_pending: Cents = 0
    period_start: date | None = None
    format: str | None = None    # STATEMENT_FORMATS
    file: str | None = None      # the file's name as written (no folder)
    stamp: Stamp | None = None


STATEMENT_FORMATS = ("pdf", "text")


@dataclass(frozen=True)
class Office:
    """The practice as its statements print it (extension)."""
    name: str = ""
    address: tuple[str, ...] = ()    # street lines, then "City, ST 12345"
    phone: str = ""
    statement_message: str = ""      # the default message printed on statements


# --- the whole practice ----------------------------------------------------

@dataclass(frozen=True)
class Practice:
    as_of: date
    preferences: Preferences = field(default_factory=Preferences)
    providers: tuple[Provider, ...] = ()
    procedure_codes: tuple[ProcedureCode, ...] = ()
    fee_schedules: tuple[FeeSchedule, ...] = ()
    carriers: tuple[Carrier, ...] = ()
    plans: tuple[Plan, ...] = ()
    patients: tuple[Patient, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    claims: tuple[Claim, ...] = ()
    claim_payments: tuple[ClaimPayment, ...] = ()
    patient_payments: tuple[PatientPayment, ...] = ()
    adjustments: tuple[Adjustment, ...] = ()
    appointments: tuple[Appointment, ...] = ()
    # Extensions beyond v1 (optional in files):
    adjustment_codes: tuple[AdjustmentCode, ...] = ()
    ledger_notes: tuple[LedgerNote, ...] = ()
    lock_date: date | None = None  # nothing can be posted/edited on or before it
    office: Office | None = None
    statements: tuple[StatementSent, ...] = ()
    locations: tuple[str, ...] = ()  # the group's office locations, by name (set up)


def practice_locations(practice: "Practice") -> set[str]:
    """Every location the practice has set up or posted at (its rows' stamps)."""
    found = set(practice.locations)
    for rows in (practice.procedures, practice.claim_payments, practice.patient_payments,
                 practice.adjustments, practice.ledger_notes):
        found.update(r.stamp.location for r in rows if r.stamp and r.stamp.location)
    return found
