"""The insurance estimator: one claim procedure (line) per procedure and covering plan.

Follows ../shared/spec/estimation.md. Pure: plain data in, plain data out.

- `estimate_practice(practice, frozen=None)` estimates every line of a practice (or of one family's
  subset of it). Lines are estimated in estimation order (see `_line_key`) so each line sees the
  deductible, maximum and frequency used by the lines before it.
- Received lines keep the estimate made before payment: taken from ``frozen`` when given (the live
  app keeps it when a payment is entered), else rebuilt by `replay_frozen`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Mapping

from .benefits import Terms, override_for, plan_terms
from .cob import cob_cap, fit_to_charge, paid_and_written_off, writeoff_estimate
from .dates import benefit_year_start
from .deductible import deductible_left
from .frequency import FrequencyBook
from .lookup import Actual, ClaimSpot, Lookup, natural_key
from .maxima import cut_to_max
from .model import Plan, Practice, Procedure, ProcedureCode
from .money import fmt, percent_of
from .replay import replay_frozen as _replay_frozen
from .results import (
    CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED, LineEstimate,
)
from .summary import BenefitSummary, benefits_summary
from .usage import Usage, Use, limit_for

Key = tuple[str, str]  # (procedure id, plan id)
RECEIVED_STEP = "received: "

__all__ = ["estimate_practice", "replay_frozen", "benefits_summary", "BenefitSummary", "run_estimates"]


def estimate_practice(practice: Practice,
                      frozen: Mapping[Key, LineEstimate] | None = None) -> dict[Key, LineEstimate]:
    """One LineEstimate per (procedure id, plan id) for every plan covering the procedure's patient."""
    if practice.preferences.ins_est_recalc_received:
        return run_estimates(practice, {})
    if frozen is None:
        frozen = replay_frozen(practice)
    return run_estimates(practice, frozen)


def replay_frozen(practice: Practice) -> dict[Key, LineEstimate]:
    """Rebuild the estimates received lines had just before their claim was first paid."""
    if practice.preferences.ins_est_recalc_received:
        return {}
    return _replay_frozen(practice, run_estimates)


# --- one run ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """The fixed facts of one line, known before anything is estimated."""
    proc: Procedure
    plan: Plan
    order: int
    code: ProcedureCode
    spot: ClaimSpot | None
    preauth: str | None
    use: Use
    when: date           # the procedure's date; as_of for planned work
    key: tuple           # estimation order
    actual: Actual

    @property
    def id(self) -> Key:
        return (self.proc.id, self.plan.id)

    @property
    def received(self) -> bool:
        return self.spot is not None and self.spot.received

    @property
    def planned(self) -> bool:
        return self.proc.status != "complete"


def _line_key(proc: Procedure, spot: ClaimSpot | None) -> tuple:
    """Claims by date then listed order, then completed work by date, then planned work by
    tp_order (none last), date; ties across a family by patient id, then procedure id."""
    patient, pid = natural_key(proc.patient), natural_key(proc.id)
    if spot is not None:
        return (0, spot.claim.date, patient, spot.claim_index, spot.position, pid)
    if proc.status == "complete":
        return (1, proc.date, patient, pid)
    return (2, proc.tp_order is None, proc.tp_order or 0, proc.date, patient, pid)


def _build_lines(lk: Lookup) -> dict[str, list[Line]]:
    """Lines of each procedure, in coverage order."""
    as_of = lk.practice.as_of
    by_proc: dict[str, list[Line]] = {}
    for proc in lk.practice.procedures:
        patient = lk.patients.get(proc.patient)
        if patient is None or proc.id in by_proc:
            continue
        code = lk.code(proc.code)
        when = proc.date if proc.status == "complete" else as_of
        family = patient.guarantor or patient.id
        lines, seen = [], set()
        for cov in sorted(patient.coverage, key=lambda c: c.order):
            plan = lk.plans.get(cov.plan)
            if plan is None or plan.id in seen:
                continue
            seen.add(plan.id)
            spot = lk.claim_spot.get((proc.id, plan.id))
            use = Use(plan.id, patient.id, family, benefit_year_start(when, plan.renew_month), code.code,
                      code.category_path, limit_for(plan, code))
            lines.append(Line(proc, plan, cov.order, code, spot, lk.preauth.get((proc.id, plan.id)), use,
                              when, _line_key(proc, spot), lk.actual(proc.id, plan.id)))
        by_proc[proc.id] = lines
    return by_proc


def _seed_usage(lk: Lookup, lines: Iterable[Line]) -> Usage:
    usage = Usage()
    for line in lines:
        if line.received and line.plan.type != "capitation":
            usage.add(line.use, line.actual.deductible, line.actual.paid)
    for patient in lk.patients.values():
        for used in patient.benefits_used:
            plan = lk.plans.get(used.plan)
            year = benefit_year_start(lk.practice.as_of, plan.renew_month if plan else None)
            usage.add_elsewhere(used.plan, patient.id, patient.guarantor or patient.id, year,
                                used.paid, used.deductible_met)
    return usage


class _Run:
    def __init__(self, practice: Practice, frozen: Mapping[Key, LineEstimate]):
        self.lk = Lookup(practice)
        self.prefs = practice.preferences
        self.frozen = frozen
        self.by_proc = _build_lines(self.lk)
        all_lines = [line for lines in self.by_proc.values() for line in lines]
        self.ordered = sorted(all_lines, key=lambda line: (line.key, line.order))
        self.rank = {line.id: n for n, line in enumerate(self.ordered)}
        self.usage = _seed_usage(self.lk, all_lines)
        completed = ((p, self.lk.code(p.code)) for p in practice.procedures if p.status == "complete")
        self.book = FrequencyBook(completed)
        self.results: dict[Key, LineEstimate] = {}

    def run(self, targets: set[Key] | None = None) -> dict[Key, LineEstimate]:
        waiting = set(targets) if targets is not None else None
        for line in self.ordered:
            self._ensure(line)
            if waiting is not None:
                waiting.difference_update(k for k in list(waiting) if k in self.results)
                if not waiting:
                    break
        return self.results

    def _ensure(self, line: Line) -> None:
        """Estimate ``line`` (and, first, the earlier plans' lines of its procedure)."""
        if line.id in self.results:
            return
        siblings = self.by_proc[line.proc.id]
        n = siblings.index(line)
        for earlier in siblings[:n]:
            self._ensure(earlier)
        earlier_results = [self.results[s.id] for s in siblings[:n]]
        estimate = self._estimate(line, n, earlier_results)
        fitted = fit_to_charge(earlier_results + [estimate], line.proc.charge)
        for sibling, old, new in zip(siblings[:n], earlier_results, fitted):
            if new is not old:
                self._commit(sibling, old, -1)
                self._commit(sibling, new, +1)
                self.results[sibling.id] = new
        self._commit(line, fitted[-1], +1)
        self.results[line.id] = fitted[-1]

    def _commit(self, line: Line, estimate: LineEstimate, sign: int) -> None:
        """Count what a line uses (received lines were counted up front with their actual amounts)."""
        if estimate.status in (RECEIVED, CAP_ESTIMATE, CAP_COMPLETE):
            return
        self.usage.add(line.use, sign * estimate.deductible, sign * estimate.ins_est)

    # -- one line -------------------------------------------------------------------------------

    def _status(self, line: Line) -> tuple[str, str | None]:
        claim = line.spot.claim.id if line.spot else line.preauth
        if line.plan.type == "capitation":
            return (CAP_ESTIMATE if line.planned else CAP_COMPLETE), claim
        if line.spot is not None:
            return (RECEIVED if line.spot.received else NOT_RECEIVED), claim
        return (PREAUTH if line.preauth else ESTIMATE), claim

    def _estimate(self, line: Line, n: int, earlier: list[LineEstimate]) -> LineEstimate:
        status, claim = self._status(line)
        kept = self.frozen.get(line.id) if status == RECEIVED else None
        if kept is not None:
            return _received(replace(kept, procedure=line.proc.id, plan=line.plan.id, order=line.order), line,
                             claim, "estimate kept from before payment")
        if status == RECEIVED:  # re-estimated: it must not see its own payment as history
            self.usage.add(line.use, -line.actual.deductible, -line.actual.paid)
        paid = written_off = 0
        for other in earlier:
            p, w = paid_and_written_off(other)
            paid, written_off = paid + p, written_off + w
        estimate = self._compute(line, n + 1, status, claim, paid, written_off)
        if line.planned and line.plan.frequency:
            self.book.record_planned(line.plan, line.proc, line.code)
        if status == RECEIVED:
            self.usage.add(line.use, line.actual.deductible, line.actual.paid)
            return _received(estimate, line, claim, "estimate recalculated")
        return estimate

    def _compute(self, line: Line, rank: int, status: str, claim: str | None,
                 paid: int, written_off: int) -> LineEstimate:
        proc, plan = line.proc, line.plan
        blank = LineEstimate(proc.id, plan.id, line.order, status, claim=claim)
        if plan.id in proc.no_bill:
            return replace(blank, no_bill=True, explanation=("do not bill this plan: nothing estimated",))
        ov = override_for(proc, plan.id)
        terms = plan_terms(self.lk, plan, proc, line.code, ov)
        steps = ([f"charge {fmt(proc.fee)} x {proc.units} = {fmt(proc.charge)}"] if proc.units != 1 else [])
        steps += terms.steps
        if plan.type == "capitation":
            return self._capitation(blank, line, terms, steps, paid, written_off)
        room = terms.allowed - terms.copay
        excluded = proc.code in plan.exclusions
        freq_step = "" if excluded else self._frequency(line)
        if ov.deductible is not None:
            ded = min(max(0, ov.deductible), room)
            steps.append(f"deductible {fmt(ded)} (override)")
        elif terms.percent == 0 or excluded or freq_step:
            ded = 0
        else:
            ded, step = deductible_left(plan, line.code, line.use, self.usage, room)
            if step:
                steps.append(step)
        before = plan.deductible_before_percent if ov.deductible_before_percent is None \
            else ov.deductible_before_percent
        base = percent_of(room, terms.percent)
        estimate = self._percentage(terms, ded, before, base, steps)
        note = ""
        if excluded:
            estimate, note = 0, "Exclusion"
            steps.append("excluded by the plan -> 0.00")
        elif freq_step:
            estimate, note = 0, "Frequency"
            steps.append(freq_step)
        if rank >= 2:
            if ov.paid_other_ins is not None:
                paid = ov.paid_other_ins
            cap, how = cob_cap(plan, rank, proc.charge, terms.allowed, base, estimate, paid, written_off)
            estimate = min(estimate, max(0, cap))
            steps.append(f"{how} = {fmt(cap)} -> {fmt(estimate)}")
        cut = cut_to_max(estimate, line.use, self.usage)
        if cut.step:
            estimate, note = cut.estimate, cut.note
            steps.append(cut.step)
        if ov.ins_est is not None:
            estimate = ov.ins_est
            steps.append(f"estimate {fmt(estimate)} (override)")
        writeoff, step = writeoff_estimate(plan, rank, terms, proc.charge, estimate, paid, written_off,
                                           self.prefs, cut.exhausted_annual, ov)
        if step:
            steps.append(step)
        return replace(blank, allowed=terms.allowed, copay=terms.copay, percent=terms.percent, deductible=ded,
                       base_est=base, ins_est=estimate, writeoff_est=writeoff, note=note,
                       explanation=tuple(steps))

    @staticmethod
    def _percentage(terms: Terms, ded: int, before: bool, base: int, steps: list[str]) -> int:
        parts = [fmt(terms.allowed)] + ([fmt(terms.copay)] if terms.copay else [])
        if before:
            parts += [fmt(ded)] if ded else []
            estimate = percent_of(terms.allowed - terms.copay - ded, terms.percent)
            amount = parts[0] if len(parts) == 1 else f"({' - '.join(parts)})"
            steps.append(f"{amount} x {terms.percent}% = {fmt(estimate)}")
            return estimate
        estimate = max(0, base - ded)
        amount = parts[0] if len(parts) == 1 else f"({' - '.join(parts)})"
        steps.append(f"{amount} x {terms.percent}% - {fmt(ded)} = {fmt(estimate)}")
        return estimate

    def _frequency(self, line: Line) -> str:
        if not line.plan.frequency:
            return ""
        rank = self.rank[line.id]
        plan_id = line.plan.id
        return self.book.check(line.plan, line.proc, line.code, line.when, line.planned,
                               lambda pid: self.rank.get((pid, plan_id), rank) < rank)

    def _capitation(self, blank: LineEstimate, line: Line, terms: Terms, steps: list[str],
                    paid: int, written_off: int) -> LineEstimate:
        charge = line.proc.charge
        writeoff = charge - terms.copay
        step = f"capitation: write-off {fmt(charge)} - copay {fmt(terms.copay)} = {fmt(writeoff)}"
        ov = override_for(line.proc, line.plan.id)
        if ov.writeoff_est is not None:
            writeoff, step = max(0, ov.writeoff_est), f"write-off {fmt(ov.writeoff_est)} (override)"
        room = max(0, charge - paid - written_off)
        if writeoff > room:
            writeoff, step = room, step + f", capped at {fmt(room)}"
        steps.append("insurance pays nothing (capitation)")
        steps.append(step)
        posted = writeoff if blank.status == CAP_COMPLETE else 0
        return replace(blank, allowed=terms.allowed, copay=terms.copay, percent=terms.percent,
                       writeoff_est=writeoff, writeoff=posted, explanation=tuple(steps))


def _received(estimate: LineEstimate, line: Line, claim: str | None, how: str) -> LineEstimate:
    actual = line.actual
    steps = tuple(s for s in estimate.explanation if not s.startswith(RECEIVED_STEP))
    steps += (f"{RECEIVED_STEP}paid {fmt(actual.paid)}, write-off {fmt(actual.writeoff)}, deductible "
              f"{fmt(actual.deductible)}; {how}",)
    return replace(estimate, status=RECEIVED, claim=claim, paid=actual.paid, writeoff=actual.writeoff,
                   deductible_applied=actual.deductible, explanation=steps)


def run_estimates(practice: Practice, frozen: Mapping[Key, LineEstimate],
                  targets: set[Key] | None = None) -> dict[Key, LineEstimate]:
    """Estimate with the given frozen estimates; with ``targets``, stop once those lines are done."""
    return _Run(practice, frozen).run(targets)
