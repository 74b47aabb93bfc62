"""Code-specific estimating: what one plan does with every procedure code (seed 000).

One row per code: the office fee (UCR), the plan's allowed fee, how insurance pays (a
percentage or a fixed benefit), the patient's copay, and the estimate, write-off and patient
portion for a sample patient with nothing used this year.

The numbers come from the estimator itself: `estimate_practice` runs on a small synthetic
practice holding the plan and one planned procedure per code, so the grid shows exactly what
estimates will say. Each code gets its own sample patient (their own family), so nothing one
code uses (deductible, maximum, frequency) reaches another code's row.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

from .engine import estimate_practice
from .model import Coverage, Patient, Plan, Practice, Procedure, ProcedureCode, Provider
from .money import Cents

SAMPLE = "SAMPLE"       # id prefix of the synthetic patients, procedures and provider
PERCENT, FIXED = "percent", "fixed"  # how insurance pays


@dataclass(frozen=True)
class CodeEstimate:
    """One row of the grid. Schedule values are None when the schedule has no fee for the code
    (or there is no such schedule); estimate values are None when there is no office fee."""
    code: str
    description: str
    category: str
    office_fee: Cents | None      # the office (UCR) fee: the sample charge
    allowed_fee: Cents | None     # the plan's allowed-fee schedule value
    percent: int | None           # the plan's own percentage for this code (code coverage)
    percent_from: str             # where the percentage used comes from: code, a category, "" = none
    benefit: Cents | None         # fixed-benefit schedule value (fixed-benefit plans)
    copay_fee: Cents | None       # copay schedule value (copay plans)
    # what the estimator does for the sample patient
    allowed: Cents | None = None
    copay: Cents | None = None
    pays_percent: int | None = None
    deductible: Cents | None = None
    ins_est: Cents | None = None
    writeoff_est: Cents | None = None
    patient: Cents | None = None  # charge - estimate - write-off
    note: str = ""
    explanation: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeGrid:
    """A plan's code-specific estimating grid and which schedules its editable columns write to."""
    plan: str
    office_schedule: str | None
    allowed_schedule: str | None   # schedule holding the plan's allowed fees (None: none yet)
    allowed_slot: str | None       # the Plan field naming it; None when the plan type has none
    copay_schedule: str | None
    pays: str                      # PERCENT or FIXED
    rows: tuple[CodeEstimate, ...]


def allowed_slot(plan: Plan) -> str | None:
    """The Plan field holding the allowed-fee schedule the estimator reads for this plan type."""
    if plan.type in ("ppo", "flat_copay"):
        return "fee_schedule"
    if plan.type == "percentage":
        return "allowed_fee_schedule"
    return None  # capitation: allowed is the charge


def pays_by(practice: Practice, plan: Plan) -> str:
    """FIXED when the plan's copay schedule is a fixed-benefit schedule, else PERCENT."""
    kinds = {s.id: s.kind for s in practice.fee_schedules}
    return FIXED if kinds.get(plan.copay_schedule) == "fixed_benefit" else PERCENT


def office_schedule_of(practice: Practice) -> str | None:
    """The office (UCR) schedule: the first provider's, else the first office-kind schedule."""
    for provider in practice.providers:
        if provider.fee_schedule:
            return provider.fee_schedule
    return next((s.id for s in practice.fee_schedules if s.kind == "office"), None)


def code_grid(practice: Practice, plan_id: str, *, office_schedule: str | None = None,
              codes: Iterable[str] | None = None) -> CodeGrid:
    """The grid of ``plan_id`` over ``codes`` (default: every procedure code of the practice)."""
    plan = next(p for p in practice.plans if p.id == plan_id)
    office = office_schedule or office_schedule_of(practice)
    known = {c.code: c for c in practice.procedure_codes}
    wanted = list(codes) if codes is not None else list(known)
    chosen = [known.get(c) or ProcedureCode(code=c, category="general") for c in wanted]
    fees = {s.id: s.fees for s in practice.fee_schedules}
    slot = allowed_slot(plan)
    allowed_schedule = getattr(plan, slot) if slot else None
    pays = pays_by(practice, plan)
    results = _estimate(practice, plan, chosen, fees.get(office, {}))
    rows = tuple(_row(code, plan, fees, office, allowed_schedule, pays, results.get(code.code))
                 for code in chosen)
    return CodeGrid(plan.id, office, allowed_schedule, slot, plan.copay_schedule, pays, rows)


def _estimate(practice: Practice, plan: Plan, codes: list[ProcedureCode], office_fees) -> dict:
    """code -> (charge, LineEstimate) from one estimator run over the sample practice."""
    patients, procedures = [], []
    for code in codes:
        fee = office_fees.get(code.code)
        if fee is None:
            continue  # no office fee: nothing to estimate
        pid = f"{SAMPLE}-{code.code}"
        patients.append(Patient(pid, "Sample, Patient", practice.as_of, pid,
                                coverage=(Coverage(plan.id, 1),)))
        procedures.append(Procedure(pid, pid, code.code, practice.as_of, fee, SAMPLE, "planned"))
    sample = Practice(
        as_of=practice.as_of, preferences=practice.preferences,
        providers=(Provider(SAMPLE, "Sample"),), procedure_codes=practice.procedure_codes,
        fee_schedules=practice.fee_schedules, carriers=practice.carriers,
        plans=(replace(plan, same_plan_as=None),), patients=tuple(patients),
        procedures=tuple(procedures))
    lines = estimate_practice(sample, frozen={})
    return {proc.code: (proc.charge, lines[(proc.id, plan.id)]) for proc in procedures}


def _percent_from(plan: Plan, code: ProcedureCode) -> str:
    if code.code in plan.code_coverage:
        return code.code
    return next((c for c in reversed(code.category_path) if c in plan.coverage), "")


def _row(code: ProcedureCode, plan: Plan, fees, office, allowed_schedule, pays, result) -> CodeEstimate:
    def fee(schedule):
        return fees.get(schedule, {}).get(code.code) if schedule else None

    row = CodeEstimate(
        code=code.code, description=code.description, category=code.category,
        office_fee=fee(office), allowed_fee=fee(allowed_schedule),
        percent=plan.code_coverage.get(code.code), percent_from=_percent_from(plan, code),
        benefit=fee(plan.copay_schedule) if pays == FIXED else None,
        copay_fee=fee(plan.copay_schedule) if pays == PERCENT else None)
    if result is None:
        return row
    charge, line = result
    return replace(row, allowed=line.allowed, copay=line.copay, pays_percent=line.percent,
                   deductible=line.deductible, ins_est=line.ins_est, writeoff_est=line.writeoff_est,
                   patient=charge - line.ins_est - line.writeoff_est, note=line.note,
                   explanation=line.explanation)
