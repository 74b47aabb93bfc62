"""A patient's treatment plan: the planned work in estimation order with each plan's estimate,
write-off estimate and the patient's portion, per line and in total, and what is left of each
plan's annual maximum this benefit year. Pure: the stored estimates (the estimator's, as on the
ledger card) in, a `TreatmentPlan` out; the store reads, the screens and documents present.

The annual maximum left is the benefit summary's (received payments, estimates on claims and
benefits used elsewhere). The planned work is estimated after the completed work not yet on a
claim (estimation order), so what is left after the plan takes off both. A line the maximum
cut is counted in ``over_max``: that work is better done in the next benefit year.
"""
from __future__ import annotations

from typing import Mapping

from .dates import benefit_year_start
from .lines import line_key
from .model import Practice, Procedure, ProcedureCode
from .results import LineEstimate
from .summary import benefits_summary
from .usage import limit_for
from .visit_views import PlanColumn, PlanEstimate, PlannedLine, TreatmentPlan

MAX_NOTES = ("annual max", "family max")  # the notes `maxima.cut_to_max` writes


def planned_work(practice: Practice, patient_id: str) -> list[Procedure]:
    """The patient's planned procedures in estimation order (tp_order, none last; date; id)."""
    planned = [p for p in practice.procedures if p.patient == patient_id and p.status == "planned"]
    return sorted(planned, key=lambda p: line_key(p, None))


def build_treatment_plan(practice: Practice, estimates: Mapping[tuple[str, str], LineEstimate],
                         patient_id: str, *, keys: Mapping[str, str] | None = None,
                         provider_names: Mapping[str, str] | None = None) -> TreatmentPlan:
    """The treatment plan of ``patient_id`` as of ``practice.as_of``. ``keys``: procedure id ->
    the key handed to the screens (default the id); ``provider_names``: provider id -> name."""
    patient = next(p for p in practice.patients if p.id == patient_id)
    coverage = sorted(patient.coverage, key=lambda c: c.order)
    codes = {c.code: c for c in practice.procedure_codes}
    procs = planned_work(practice, patient_id)
    by_proc: dict[str, list[LineEstimate]] = {}
    for (proc_id, _), line in estimates.items():
        by_proc.setdefault(proc_id, []).append(line)
    lines = tuple(_line(p, coverage, by_proc.get(p.id, []), codes, keys or {},
                        provider_names or {}) for p in procs)
    plans = tuple(_column(practice, estimates, patient_id, cov, procs, codes) for cov in coverage)
    n = len(coverage)
    return TreatmentPlan(
        patient=patient.name, as_of=practice.as_of, plans=plans, lines=lines,
        charge=sum(ln.charge for ln in lines),
        ins_est=tuple(sum(ln.plans[i].ins_est for ln in lines if ln.plans[i]) for i in range(n)),
        writeoff_est=tuple(sum(ln.plans[i].writeoff_est for ln in lines if ln.plans[i])
                           for i in range(n)),
        patient_portion=sum(ln.patient_portion for ln in lines))


def _line(proc: Procedure, coverage, mine: list[LineEstimate], codes, keys,
          providers) -> PlannedLine:
    by_plan = {ln.plan: ln for ln in mine}
    plans = tuple(None if (ln := by_plan.get(c.plan)) is None
                  else PlanEstimate(ln.ins_est, ln.writeoff_est, ln.note) for c in coverage)
    insurance = sum(ln.ins_est + ln.writeoff_est for ln in mine)
    code = codes.get(proc.code)
    return PlannedLine(
        key=keys.get(proc.id, proc.id), label=proc.id, tp_order=proc.tp_order, date=proc.date,
        code=proc.code, description=code.description if code else "", tooth=proc.tooth or "",
        surface=proc.surface or "", provider=providers.get(proc.provider, proc.provider),
        fee=proc.fee, units=proc.units, charge=proc.charge, plans=plans,
        patient_portion=proc.charge - insurance)


def _column(practice: Practice, estimates, patient_id: str, cov, planned: list[Procedure],
            codes: Mapping[str, ProcedureCode]) -> PlanColumn:
    plan = next((p for p in practice.plans if p.id == cov.plan), None)
    carrier = next((c.name for c in practice.carriers if plan and c.id == plan.carrier), cov.plan)
    summary = benefits_summary(practice, estimates, patient_id, cov.plan)

    def annual(proc: Procedure) -> bool:
        code = codes.get(proc.code) or ProcedureCode(proc.code, "general")
        return plan is not None and limit_for(plan, code).kind == "annual"

    def estimate(proc: Procedure) -> int:
        line = estimates.get((proc.id, cov.plan))
        return line.ins_est if line is not None and not line.is_received else 0

    renew = plan.renew_month if plan else None
    unbilled = [p for p in practice.procedures if p.patient == patient_id
                and p.status == "complete" and annual(p)
                and benefit_year_start(p.date, renew) == summary.year_start
                and (ln := estimates.get((p.id, cov.plan))) is not None and ln.claim is None]
    planned_est = sum(estimate(p) for p in planned)
    unbilled_est = sum(estimate(p) for p in unbilled)
    used_first = unbilled_est + sum(estimate(p) for p in planned if annual(p))
    left = summary.annual_max_remaining
    over = sum(1 for p in planned if (ln := estimates.get((p.id, cov.plan))) is not None
               and any(word in ln.note.lower() for word in MAX_NOTES))
    return PlanColumn(cov.order, carrier, left, planned_est,
                      None if left is None else max(0, left - used_first), over,
                      unbilled=unbilled_est)
