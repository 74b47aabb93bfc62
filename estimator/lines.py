"""Lines: one per procedure and covering plan, with the facts fixed before estimating, and
their place in estimation order (estimation.md "Estimation order")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

from .dates import benefit_year_start
from .frozen import maker
from .lookup import ClaimSpot, Lookup, natural_key
from .model import Coverage, Patient, Plan, Procedure, ProcedureCode
from .usage import LIFETIME, Limit, Use, limit_for

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
    id: Key              # (procedure id, plan id): kept, not made each time it is asked for

    @property
    def planned(self) -> bool:
        return self.proc.status != "complete"

    @property
    def scopes(self) -> tuple[tuple, ...]:
        """The running totals this line reads and adds to: its plan's benefit year (or lifetime)."""
        year = (self.plan.id, self.use.year)
        return (year, (self.plan.id, LIFETIME)) if self.use.limit.lifetime else (year,)


_LINE = maker(Line)  # a line per procedure and plan: see `maker`


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
    by_proc: dict[str, list[Line]] = {}
    keys: dict[str, tuple] = {}  # patient id -> the patient's sort key
    uses: dict[tuple, Use] = {}  # one Use for a patient's lines of a plan, year and code
    limits: dict[tuple[str, str], Limit] = {}  # (plan, code): its limit, the same for everyone
    years: dict[tuple, date] = {}  # (date, renew month): the benefit year it falls in
    for proc, patient, when, covering in covered(lk):
        patient_key = keys.get(patient.id) or keys.setdefault(patient.id, natural_key(proc.patient))
        code = lk.code(proc.code)
        lines: list[Line] = []
        for cov, plan in covering:
            spot = lk.claim_spot.get((proc.id, plan.id))
            year = years.get((when, plan.renew_month))
            if year is None:
                year = years[(when, plan.renew_month)] = benefit_year_start(when, plan.renew_month)
            use = uses.get((plan.id, patient.id, year, code.code))
            if use is None:
                limit = limits.get((plan.id, code.code))
                if limit is None:
                    limit = limits[(plan.id, code.code)] = limit_for(plan, code)
                use = uses[(plan.id, patient.id, year, code.code)] = Use(
                    plan.id, patient.id, patient.guarantor or patient.id, year, code.code,
                    code.category_path, limit)
            key = (proc.id, plan.id)
            lines.append(_LINE(proc, plan, cov.order, code, spot, lk.preauth.get(key), use, when,
                               line_key(proc, spot, patient_key), key))
        by_proc[proc.id] = lines
    return by_proc


def covered(lk: Lookup) -> Iterator[tuple[Procedure, Patient, date, list[tuple[Coverage, Plan]]]]:
    """Each procedure (once) with its patient, the date its coverage must cover and the
    coverage and plan of each of its lines, in coverage order (`build_lines`)."""
    as_of = lk.practice.as_of
    seen: set[str] = set()
    coverage: dict[str, list[Coverage]] = {}  # patient id -> coverage in order
    for proc in lk.practice.procedures:
        patient = lk.patients.get(proc.patient)
        if patient is None or proc.id in seen:
            continue
        seen.add(proc.id)
        covers = coverage.get(patient.id) or coverage.setdefault(
            patient.id, sorted(patient.coverage, key=lambda c: c.order))
        when = proc.date if proc.status == "complete" else as_of
        covering: list[tuple[Coverage, Plan]] = []
        for cov in covers:
            plan = lk.plans.get(cov.plan)
            if plan is None or not cov.covers(when) or (
                    covering and any(p.id == plan.id for _, p in covering)):
                continue
            covering.append((cov, plan))
        yield proc, patient, when, covering
