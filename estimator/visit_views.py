"""What the visit's screens and commands read and hand back, as plain frozen data: a patient's
registration, the treatment plan, a correction's estimate preview, the claims a visit bills.

Built by `store.desks.visit` and `store.read` and read by `tui.forms` and `cli`; they live in
the core so neither side imports the other (like `estimator.posting_views`). Money is integer
cents; keys (``key``) are opaque strings handed back unchanged, labels are what the office reads.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from .money import Cents

# --- a patient's registration ---------------------------------------------------------------

@dataclass(frozen=True)
class PatientEntry:
    """What the registration form collects (None: not recorded). ``provider`` is a
    `ProviderInfo.key`, a practice-file provider id or a database id."""
    last_name: str
    first_name: str
    birthdate: date
    middle_name: str | None = None
    preferred_name: str | None = None
    gender: str | None = None            # estimator.model.GENDERS
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phone: str | None = None             # home
    mobile_phone: str | None = None
    work_phone: str | None = None
    email: str | None = None
    chart_no: str | None = None          # None: generated when registering
    provider: str | None = None
    inactive: bool = False


# The registration's fields, in form order (the patient columns of the same names).
PATIENT_FIELDS = tuple(f.name for f in fields(PatientEntry))


@dataclass(frozen=True)
class CoverageChoice:
    """Cover a new patient by one of the family's plans, with their relationship to its
    subscriber (estimator.model.RELATIONSHIPS)."""
    plan_key: str
    relationship: str


@dataclass(frozen=True)
class PatientChoice:
    """A patient offered in a pick list (a guarantor to join, a possible duplicate)."""
    key: str
    label: str           # "Delgado, Roberto · born 1976-08-14 · chart 1001"


@dataclass(frozen=True)
class FamilyPlan:
    """A plan subscribed by someone in a family: a new member may be covered by it."""
    plan_key: str
    label: str           # "Delta Dental · ppo · subscriber Delgado, Roberto"


@dataclass(frozen=True)
class PatientRecord:
    """A registered patient as the edit form and ``patient show`` read it."""
    key: str             # the id the screens use
    label: str           # practice id (file id or PT12)
    entry: PatientEntry
    guarantor_key: str
    guarantor_name: str
    family: tuple[str, ...]        # every member's name, guarantor first
    dependents: int                # other patients this one is the guarantor of


# --- the treatment plan -------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanEstimate:
    """One plan's part of a planned procedure (None: the plan has no line on it)."""
    ins_est: Cents
    writeoff_est: Cents
    note: str = ""


@dataclass(frozen=True)
class PlannedLine:
    key: str
    label: str           # practice id
    tp_order: int | None
    date: date
    code: str
    description: str
    tooth: str
    surface: str
    provider: str
    fee: Cents           # per unit
    units: int
    charge: Cents
    plans: tuple[PlanEstimate | None, ...]   # by coverage order, as `TreatmentPlan.plans`
    patient_portion: Cents

    @property
    def insurance(self) -> Cents:
        """Every plan's estimate together."""
        return sum(p.ins_est for p in self.plans if p is not None)

    @property
    def writeoff(self) -> Cents:
        return sum(p.writeoff_est for p in self.plans if p is not None)


@dataclass(frozen=True)
class PlanColumn:
    """One plan of the patient on the treatment plan: the annual maximum left this benefit
    year, what the planned work is estimated to use of it and what would be left after."""
    order: int
    label: str
    annual_max_left: Cents | None    # None: unknown (no maximum on file)
    planned: Cents                   # the estimates of the planned work
    left_after: Cents | None         # None: unknown
    over_max: int = 0                # planned lines the maximum cut (the rest waits a year)
    unbilled: Cents = 0              # completed work not yet on a claim, estimated first


@dataclass(frozen=True)
class TreatmentPlan:
    patient: str
    as_of: date
    plans: tuple[PlanColumn, ...]
    lines: tuple[PlannedLine, ...]
    charge: Cents                    # totals of the lines
    ins_est: tuple[Cents, ...]       # per plan
    writeoff_est: tuple[Cents, ...]  # per plan
    patient_portion: Cents

    @property
    def insurance(self) -> Cents:
        return sum(self.ins_est)

    @property
    def writeoff(self) -> Cents:
        return sum(self.writeoff_est)


# --- correcting a procedure -----------------------------------------------------------------------

@dataclass(frozen=True)
class LineTerms:
    """One plan's line on a procedure: its estimate, do-not-bill and the desk's overrides
    (None: no override)."""
    plan_key: str
    order: int
    label: str
    status: str
    on_claim: bool
    no_bill: bool
    ins_est: Cents
    writeoff_est: Cents
    deductible_est: Cents
    percent: int
    allowed: Cents
    override_percent: int | None = None
    override_allowed: Cents | None = None
    override_ins_est: Cents | None = None
    override_writeoff_est: Cents | None = None
    override_deductible: Cents | None = None


# The overrides the desk sets per plan (estimator.model.Override fields).
OVERRIDES = ("percent", "allowed", "ins_est", "writeoff_est", "deductible")


@dataclass(frozen=True)
class ProcedureView:
    """A procedure as the corrections read it."""
    key: str
    label: str
    code: str
    description: str
    status: str          # planned / complete
    date: date
    completed: date | None
    fee: Cents
    units: int
    provider: str        # ProviderInfo.key
    tooth: str
    surface: str
    paid_against: str    # "" or what was posted against it (a payment, a claim...)
    lines: tuple[LineTerms, ...]
    patient_portion: Cents


@dataclass(frozen=True)
class PreviewLine:
    label: str           # "1 Delta Dental"
    before: tuple[Cents, Cents]      # (estimate, write-off estimate) now
    after: tuple[Cents, Cents]       # what the change would make them
    note: str = ""


@dataclass(frozen=True)
class EstimatePreview:
    """What a change would do to one procedure's estimate, computed by the estimator without
    writing anything."""
    lines: tuple[PreviewLine, ...]
    portion_before: Cents
    portion_after: Cents
    charge_before: Cents
    charge_after: Cents

    @property
    def moves_money(self) -> bool:
        return (self.portion_before != self.portion_after or self.charge_before != self.charge_after
                or any(ln.before != ln.after for ln in self.lines))


# --- billing the visit ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimCandidate:
    """Completed work never billed, as Create claim lists it: ticked when it is today's work
    that some plan will bill; ``reason`` says why a line is not ticked."""
    key: str
    label: str
    date: date
    code: str
    description: str
    tooth: str
    surface: str
    charge: Cents
    ticked: bool
    reason: str = ""


@dataclass(frozen=True)
class Correction:
    """One correction of a procedure, as a dialog asks for it (each field None: unchanged).
    ``plan_key`` names the plan of ``overrides`` / ``no_bill``; an override of None clears it."""
    fee: Cents | None = None                 # per unit
    date: date | None = None                 # the posted date (planned: the planned date)
    provider: str | None = None              # ProviderInfo.key
    delete: bool = False
    complete_on: date | None = None          # complete planned work on that day
    plan_key: str | None = None
    overrides: tuple[tuple[str, int | None], ...] = ()   # (OVERRIDES name, value or None)
    no_bill: bool | None = None
