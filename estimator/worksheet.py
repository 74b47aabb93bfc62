"""One estimate run: lines of a practice estimated in estimation order (estimation.md).

`Workbook` holds what does not change while claim payments are entered (procedures, plans, lines,
their order); `Run` estimates them for one `PaymentState` (which claims are received and what was
paid). The import replay reuses one workbook for every payment step.
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
from .lookup import ClaimSpot, Lookup, PaymentState, natural_key
from .maxima import cut_to_max
from .model import Plan, Practice, Procedure, ProcedureCode
from .money import fmt, percent_of
from .results import (
    CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED, LineEstimate,
)
from .usage import LIFETIME, Usage, Use, limit_for

Key = tuple[str, str]  # (procedure id, plan id)
RECEIVED_STEP = "received: "


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


def line_key(proc: Procedure, spot: ClaimSpot | None) -> tuple:
    """Claims by date then listed order, then completed work by date, then planned work by
    tp_order (none last), date; ties across a family by patient id, then procedure id."""
    patient, pid = natural_key(proc.patient), natural_key(proc.id)
    if spot is not None:
        return (0, spot.claim.date, patient, spot.claim_index, spot.position, pid)
    if proc.status == "complete":
        return (1, proc.date, patient, pid)
    return (2, proc.tp_order is None, proc.tp_order or 0, proc.date, patient, pid)


class Workbook:
    def __init__(self, practice: Practice):
        self.practice = practice
        self.lk = Lookup(practice)
        self.by_proc = self._build_lines()
        self.lines = [line for lines in self.by_proc.values() for line in lines]
        self.ordered = sorted(self.lines, key=lambda line: (line.key, line.order))
        self.rank = {line.id: n for n, line in enumerate(self.ordered)}
        completed = ((p, self.lk.code(p.code)) for p in practice.procedures if p.status == "complete")
        self.frequency = FrequencyBook(completed)

    def _build_lines(self) -> dict[str, list[Line]]:
        """Lines of each procedure, in coverage order."""
        lk, as_of = self.lk, self.practice.as_of
        by_proc: dict[str, list[Line]] = {}
        for proc in self.practice.procedures:
            patient = lk.patients.get(proc.patient)
            if patient is None or proc.id in by_proc:
                continue
            code = lk.code(proc.code)
            when = proc.date if proc.status == "complete" else as_of
            family = patient.guarantor or patient.id
            lines: list[Line] = []
            for cov in sorted(patient.coverage, key=lambda c: c.order):
                plan = lk.plans.get(cov.plan)
                if plan is None or any(line.plan.id == plan.id for line in lines):
                    continue
                spot = lk.claim_spot.get((proc.id, plan.id))
                use = Use(plan.id, patient.id, family, benefit_year_start(when, plan.renew_month), code.code,
                          code.category_path, limit_for(plan, code))
                lines.append(Line(proc, plan, cov.order, code, spot, lk.preauth.get((proc.id, plan.id)), use,
                                  when, line_key(proc, spot)))
            by_proc[proc.id] = lines
        return by_proc

    def related(self, targets: Iterable[Key]) -> set[str]:
        """Procedures whose lines can change the targets' estimates: those sharing a plan's benefit
        year (or lifetime limit) with them, closed over the plans of each procedure (COB)."""
        by_scope: dict[tuple, list[str]] = getattr(self, "_by_scope", None) or self._index_scopes()
        todo = [scope for pid, _ in targets for line in self.by_proc.get(pid, ()) for scope in line.scopes]
        seen_scopes: set[tuple] = set()
        procs: set[str] = set()
        while todo:
            scope = todo.pop()
            if scope in seen_scopes:
                continue
            seen_scopes.add(scope)
            for pid in by_scope.get(scope, ()):
                if pid not in procs:
                    procs.add(pid)
                    todo.extend(s for line in self.by_proc[pid] for s in line.scopes)
        return procs

    def _index_scopes(self) -> dict[tuple, list[str]]:
        by_scope: dict[tuple, list[str]] = {}
        for pid, lines in self.by_proc.items():
            for scope in {s for line in lines for s in line.scopes}:
                by_scope.setdefault(scope, []).append(pid)
        self._by_scope = by_scope
        return by_scope


class Run:
    """Estimates the workbook's lines for one payment state."""

    def __init__(self, book: Workbook, state: PaymentState, frozen: Mapping[Key, LineEstimate]):
        self.book = book
        self.lk = book.lk
        self.state = state
        self.prefs = book.practice.preferences
        self.frozen = frozen
        self.planned_counts: dict[tuple, int] = {}
        self.results: dict[Key, LineEstimate] = {}
        self.usage = self._seed_usage()

    def _received(self, line: Line) -> bool:
        return line.spot is not None and line.spot.claim.id in self.state.received

    def _seed_usage(self) -> Usage:
        """Received payments and benefits used elsewhere are history every line sees."""
        usage = Usage()
        for line in self.book.lines:
            if self._received(line) and line.plan.type != "capitation":
                actual = self.state.actual(*line.id)
                usage.add(line.use, actual.deductible, actual.paid)
        as_of = self.book.practice.as_of
        for patient in self.lk.patients.values():
            for used in patient.benefits_used:
                plan = self.lk.plans.get(used.plan)
                year = benefit_year_start(as_of, plan.renew_month if plan else None)
                usage.add_elsewhere(used.plan, patient.id, patient.guarantor or patient.id, year,
                                    used.paid, used.deductible_met)
        return usage

    def run(self, targets: set[Key] | None = None, only: set[str] | None = None) -> dict[Key, LineEstimate]:
        """Estimate every line, or (replay) only until ``targets`` are done, skipping procedures
        not in ``only``."""
        waiting = set(targets) if targets is not None else None
        for line in self.book.ordered:
            if only is not None and line.proc.id not in only:
                continue
            self._ensure(line)
            if waiting is not None:
                waiting = {key for key in waiting if key not in self.results}
                if not waiting:
                    break
        return self.results

    def _ensure(self, line: Line) -> None:
        """Estimate ``line`` (and, first, the earlier plans' lines of its procedure)."""
        if line.id in self.results:
            return
        siblings = self.book.by_proc[line.proc.id]
        n = siblings.index(line)
        for earlier in siblings[:n]:
            self._ensure(earlier)
        earlier_results = [self.results[s.id] for s in siblings[:n]]
        estimate = self._estimate(line, n + 1, earlier_results)
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
            return (RECEIVED if self._received(line) else NOT_RECEIVED), claim
        return (PREAUTH if line.preauth else ESTIMATE), claim

    def _estimate(self, line: Line, rank: int, earlier: list[LineEstimate]) -> LineEstimate:
        status, claim = self._status(line)
        kept = self.frozen.get(line.id) if status == RECEIVED else None
        if kept is not None:
            kept = replace(kept, procedure=line.proc.id, plan=line.plan.id, order=line.order)
            return self._as_received(kept, line, claim, "estimate kept from before payment")
        actual = self.state.actual(*line.id)
        if status == RECEIVED:  # re-estimated: it must not see its own payment as history
            self.usage.add(line.use, -actual.deductible, -actual.paid)
        paid = written_off = 0
        for other in earlier:
            p, w = paid_and_written_off(other)
            paid, written_off = paid + p, written_off + w
        estimate = self._compute(line, rank, status, claim, paid, written_off)
        if line.planned and line.plan.frequency:
            self.book.frequency.record_planned(self.planned_counts, line.plan, line.proc, line.code)
        if status == RECEIVED:
            self.usage.add(line.use, actual.deductible, actual.paid)
            return self._as_received(estimate, line, claim, "estimate recalculated")
        return estimate

    def _as_received(self, estimate: LineEstimate, line: Line, claim: str | None, how: str) -> LineEstimate:
        actual = self.state.actual(*line.id)
        steps = tuple(s for s in estimate.explanation if not s.startswith(RECEIVED_STEP))
        steps += (f"{RECEIVED_STEP}paid {fmt(actual.paid)}, write-off {fmt(actual.writeoff)}, deductible "
                  f"{fmt(actual.deductible)}; {how}",)
        return replace(estimate, status=RECEIVED, claim=claim, paid=actual.paid, writeoff=actual.writeoff,
                       deductible_applied=actual.deductible, explanation=steps)

    def _compute(self, line: Line, rank: int, status: str, claim: str | None,
                 paid: int, written_off: int) -> LineEstimate:
        proc, plan = line.proc, line.plan
        blank = LineEstimate(proc.id, plan.id, line.order, status, claim=claim)
        if plan.id in proc.no_bill:
            return replace(blank, no_bill=True, explanation=("do not bill this plan: nothing estimated",))
        ov = override_for(proc, plan.id)
        terms = plan_terms(self.lk, plan, proc, line.code, ov)
        steps = [f"charge {fmt(proc.fee)} x {proc.units} = {fmt(proc.charge)}"] if proc.units != 1 else []
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
            steps += [step] if step else []
        before = plan.deductible_before_percent if ov.deductible_before_percent is None \
            else ov.deductible_before_percent
        base = percent_of(room, terms.percent)
        estimate = _percentage(terms, ded, before, base, steps)
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
        if ov.ins_est is not None:  # replaces the result and is not cut
            estimate = ov.ins_est
            steps.append(f"estimate {fmt(estimate)} (override)")
        elif cut.step:
            estimate, note = cut.estimate, cut.note
            steps.append(cut.step)
        writeoff, step = writeoff_estimate(plan, rank, terms, proc.charge, estimate, paid, written_off,
                                           self.prefs, cut.exhausted_annual and ov.ins_est is None, ov)
        steps += [step] if step else []
        return replace(blank, allowed=terms.allowed, copay=terms.copay, percent=terms.percent, deductible=ded,
                       base_est=base, ins_est=estimate, writeoff_est=writeoff, note=note,
                       explanation=tuple(steps))

    def _frequency(self, line: Line) -> str:
        if not line.plan.frequency:
            return ""
        ranks, plan_id = self.book.rank, line.plan.id
        own = ranks[line.id]
        return self.book.frequency.check(line.plan, line.proc, line.code, line.when,
                                         self.planned_counts if line.planned else None,
                                         lambda pid: ranks.get((pid, plan_id), own) < own)

    @staticmethod
    def _capitation(blank: LineEstimate, line: Line, terms: Terms, steps: list[str],
                    paid: int, written_off: int) -> LineEstimate:
        """Capitation pays nothing; the office writes off all but the copay (posted once complete)."""
        charge = line.proc.charge
        writeoff = charge - terms.copay
        step = f"capitation: write-off {fmt(charge)} - copay {fmt(terms.copay)} = {fmt(writeoff)}"
        ov = override_for(line.proc, line.plan.id)
        if ov.writeoff_est is not None:
            writeoff, step = max(0, ov.writeoff_est), f"write-off {fmt(ov.writeoff_est)} (override)"
        room = max(0, charge - paid - written_off)
        if writeoff > room:
            writeoff, step = room, step + f", capped at {fmt(room)}"
        steps += ["insurance pays nothing (capitation)", step]
        posted = writeoff if blank.status == CAP_COMPLETE else 0
        return replace(blank, allowed=terms.allowed, copay=terms.copay, percent=terms.percent,
                       writeoff_est=writeoff, writeoff=posted, explanation=tuple(steps))


def _percentage(terms: Terms, ded: int, before: bool, base: int, steps: list[str]) -> int:
    """The estimate before COB and maxima: deductible before (default) or after the percentage."""
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
