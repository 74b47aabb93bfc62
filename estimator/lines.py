"""Lines: one per procedure and covering plan, with the facts fixed before estimating, and
their place in estimation order (estimation.md "Estimation order")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .dates import benefit_year_start
from .lookup import ClaimSpot, Lookup, natural_key
from .model import Plan, Procedure, ProcedureCode
from .usage import LIFETIME, Use, limit_for

Key = tuple[str, str]  # (procedure id, plan id)


@dataclass(frozen=True)
class Line:
    """The fixed facts of one line (one procedure, one covering plan)."""
    proc: Procedure
    plan: Plan
    order: int
    code: ProcedureCode
    spot: ClaimSpot | None
    preauth: str | None
    use: Use
    when: date           # the procedure's date; as_of for planned work
    key: tuple           # estimation order

    @property
    def id(self) -> Key:
        return (self.proc.id, self.plan.id)

    @property
    def planned(self) -> bool:
        return self.proc.status != "complete"

    @property
    def scopes(self) -> tuple[tuple, ...]:
        """The running totals this line reads and adds to: its plan's benefit year (or lifetime)."""
        year = (self.plan.id, self.use.year)
        return (year, (self.plan.id, LIFETIME)) if self.use.limit.lifetime else (year,)


def line_key(proc: Procedure, spot: ClaimSpot | None, patient: tuple | None = None) -> tuple:
    """Claims by date then listed order, then completed work by date, then planned work by
    tp_order (none last), date; ties across a family by patient id, then procedure id.
    A claim's lines keep the claim's listed order whatever their patients.
    ``patient``: ``natural_key(proc.patient)`` when the caller has it."""
    patient, pid = patient or natural_key(proc.patient), natural_key(proc.id)
    if spot is not None:
        return (0, spot.claim.date, spot.claim_index, spot.position, patient, pid)
    if proc.status == "complete":
        return (1, proc.date, patient, pid)
    return (2, proc.tp_order is None, proc.tp_order or 0, proc.date, patient, pid)


def build_lines(lk: Lookup) -> dict[str, list[Line]]:
    """Lines of each procedure, in coverage order: one per plan whose coverage covers the work's
    date (planned work: as_of, the day it would be done at the earliest)."""
    as_of = lk.practice.as_of
    by_proc: dict[str, list[Line]] = {}
    coverage: dict[str, tuple] = {}  # patient id -> (coverage in order, the patient's sort key)
    uses: dict[tuple, Use] = {}      # one Use for a patient's lines of a plan, year and code
    for proc in lk.practice.procedures:
        patient = lk.patients.get(proc.patient)
        if patient is None or proc.id in by_proc:
            continue
        covers, patient_key = coverage.get(patient.id) or coverage.setdefault(
            patient.id, (sorted(patient.coverage, key=lambda c: c.order), natural_key(proc.patient)))
        code = lk.code(proc.code)
        when = proc.date if proc.status == "complete" else as_of
        lines: list[Line] = []
        for cov in covers:
            plan = lk.plans.get(cov.plan)
            if plan is None or not cov.covers(when) or any(line.plan.id == plan.id for line in lines):
                continue
            spot = lk.claim_spot.get((proc.id, plan.id))
            year = benefit_year_start(when, plan.renew_month)
            use = uses.get((plan.id, patient.id, year, code.code))
            if use is None:
                use = uses[(plan.id, patient.id, year, code.code)] = Use(
                    plan.id, patient.id, patient.guarantor or patient.id, year, code.code,
                    code.category_path, limit_for(plan, code))
            lines.append(Line(proc, plan, cov.order, code, spot, lk.preauth.get((proc.id, plan.id)), use,
                              when, line_key(proc, spot, patient_key)))
        by_proc[proc.id] = lines
    return by_proc
