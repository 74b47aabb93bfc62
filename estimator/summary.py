"""Benefits used and left for one patient and plan in the benefit year containing as_of
(the `coverage` expectations of a scenario and the header of the TUI).

Used = received payments + benefits used elsewhere + estimates on unpaid claims; planned work
and completed work not on a claim are not counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from .dates import benefit_year_start
from .model import Practice, ProcedureCode
from .money import Cents
from .results import NOT_RECEIVED, RECEIVED, LineEstimate
from .usage import limit_for


@dataclass(frozen=True)
class BenefitSummary:
    patient: str
    plan: str
    year_start: date
    annual_max: Cents | None
    annual_max_used: Cents
    annual_max_remaining: Cents | None   # None when the annual max is unknown
    deductible: Cents | None
    deductible_used: Cents
    deductible_remaining: Cents | None   # also never more than the family deductible left
    family_annual_max_remaining: Cents | None = None
    family_deductible_remaining: Cents | None = None


def _left(limit: Cents | None, used: Cents) -> Cents | None:
    return None if limit is None else max(0, limit - used)


def benefits_summary(practice: Practice, estimates: Mapping[tuple[str, str], LineEstimate],
                     patient_id: str, plan_id: str) -> BenefitSummary:
    plan = next((p for p in practice.plans if p.id == plan_id), None)
    renew = plan.renew_month if plan else None
    year = benefit_year_start(practice.as_of, renew)
    guarantor = {p.id: p.guarantor or p.id for p in practice.patients}
    family = guarantor.get(patient_id, patient_id)
    codes = {c.code: c for c in practice.procedure_codes}
    used = {"max": 0, "ded": 0, "fam_max": 0, "fam_ded": 0}

    def count(member: str, paid: Cents, ded: Cents, annual: bool) -> None:
        if member == patient_id:
            used["max"] += paid if annual else 0
            used["ded"] += ded
        used["fam_max"] += paid if annual else 0
        used["fam_ded"] += ded

    for proc in practice.procedures:
        if guarantor.get(proc.patient) != family or proc.status != "complete":
            continue
        line = estimates.get((proc.id, plan_id))
        if line is None or benefit_year_start(proc.date, renew) != year:
            continue
        code = codes.get(proc.code) or ProcedureCode(proc.code, "general")
        annual = plan is not None and limit_for(plan, code).kind == "annual"
        if line.status == RECEIVED:
            count(proc.patient, line.paid, line.deductible_applied, annual)
        elif line.status == NOT_RECEIVED:
            count(proc.patient, line.ins_est, line.deductible, annual)
    for patient in practice.patients:
        if guarantor[patient.id] == family:
            for elsewhere in patient.benefits_used:
                if elsewhere.plan == plan_id:
                    count(patient.id, elsewhere.paid, elsewhere.deductible_met, True)
    annual_max = plan.annual_max if plan else None
    deductible = plan.deductible if plan else None
    family_max_left = _left(plan.family_annual_max if plan else None, used["fam_max"])
    family_ded_left = _left(plan.family_deductible if plan else None, used["fam_ded"])
    ded_left = _left(deductible, used["ded"])
    if ded_left is not None and family_ded_left is not None:
        ded_left = min(ded_left, family_ded_left)
    return BenefitSummary(patient_id, plan_id, year, annual_max, used["max"], _left(annual_max, used["max"]),
                          deductible, used["ded"], ded_left, family_max_left, family_ded_left)
