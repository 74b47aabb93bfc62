"""One estimate run: lines of a practice estimated in estimation order (estimation.md).

`Workbook` holds what does not change while claim payments are entered (procedures, plans, lines,
their order); `Run` estimates them for one `PaymentState` (which claims are received and what was
paid). The import replay reuses one workbook for every payment step.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping

from .benefits import override_for
from .cob import effective_rule, fit_to_charge, paid_and_written_off
from .dates import benefit_year_start
from .frequency import FrequencyBook
from .lines import Key, Line, build_lines, covered
from .lookup import Actual, Lookup, PaymentState
from .model import Practice
from .money import fmt
from .one_line import estimate_line
from .results import (
    CAP_COMPLETE, CAP_ESTIMATE, ESTIMATE, NOT_RECEIVED, PREAUTH, RECEIVED, LineEstimate, changed,
)
from .usage import Usage

RECEIVED_STEP = "received: "
KEPT = "estimate kept from before payment"


@lru_cache(maxsize=1 << 14)
def received_step(paid: int, writeoff: int, deductible: int, how: str = KEPT) -> str:
    """The last step of a received line's explanation: what the carrier paid. Kept for the
    amounts seen last: every received line of an import asks, and amounts repeat."""
    return (f"{RECEIVED_STEP}paid {fmt(paid)}, write-off {fmt(writeoff)}, deductible "
            f"{fmt(deductible)}; {how}")


class Workbook:
    """The lines of a practice in estimation order, built once."""

    def __init__(self, practice: Practice, lk: Lookup | None = None):
        """``lk``: the practice's Lookup when the caller has built it."""
        self.practice = practice
        self.lk = lk or Lookup(practice)
        self.by_proc = build_lines(self.lk)
        self.lines = [line for lines in self.by_proc.values() for line in lines]
        self.ordered = sorted(self.lines, key=lambda line: (line.key, line.order))
        self.rank = {line.id: n for n, line in enumerate(self.ordered)}
        completed = ((p, self.lk.code(p.code)) for p in practice.procedures if p.status == "complete")
        # (only the plans of its lines: a family's lookup holds every plan of the practice)
        plans = {id(line.plan): line.plan for line in self.lines}.values()
        self.frequency = FrequencyBook(completed, plans)


class Run:
    """Estimates the workbook's lines for one payment state."""

    def __init__(self, book: Workbook, state: PaymentState, frozen: Mapping[Key, LineEstimate],
                 history: Usage | None = None):
        """``history``: what received payments and benefits used elsewhere already used (the replay
        keeps it up to date as payments are entered); built from ``state`` when not given."""
        self.book = book
        self.lk = book.lk
        self.state = state
        self.prefs = book.practice.preferences
        self.frozen = frozen
        self.planned_counts: dict[tuple, int] = {}
        self.results: dict[Key, LineEstimate] = {}
        self.usage = Usage(history if history is not None else seed_history(book, state))

    def _received(self, line: Line) -> bool:
        return line.spot is not None and line.spot.claim.id in self.state.received

    def run(self, targets: set[Key] | None = None, lines: Iterable[Line] | None = None) -> dict[Key, LineEstimate]:
        """Estimate every line, or (replay) only ``lines`` (in estimation order) until ``targets``
        are done and no later line can change them."""
        waiting = set(targets) if targets is not None else None
        for line in self.book.ordered if lines is None else lines:
            self._ensure(line)
            if waiting is not None:
                for key in [key for key in waiting if key in self.results]:
                    waiting.discard(key)
                    waiting |= self._may_still_shrink(key)
                if not waiting:
                    break
        return self.results

    def _may_still_shrink(self, key: Key) -> set[Key]:
        """Later plans still to estimate whose fit to the charge (`fit_to_charge`) could still change
        this line: a primary's write-off estimate shrinks for a later plan not held within
        charge - P - W (basic or carve-out COB, overrides, actual amounts once received); a later
        plan's estimate is cut only for a received plan after it (its actual amounts cannot be cut)."""
        siblings = self.book.by_proc[key[0]]
        n = next(k for k, s in enumerate(siblings) if s.id == key)
        result = self.results[key]
        later = [(rank, s) for rank, s in enumerate(siblings[n + 1:], n + 2) if s.id not in self.results]
        if not later or result.status == RECEIVED:
            return set()
        if n == 0:
            shrinks = result.writeoff_est > 0 and any(
                is_received(s, self.state) or _may_exceed(s, rank) for rank, s in later)
        else:
            shrinks = result.ins_est + result.writeoff_est > 0 and any(
                is_received(s, self.state) for _, s in later)
        return {s.id for _, s in later} if shrinks else set()

    def _ensure(self, line: Line) -> None:
        """Estimate ``line`` (and, first, the earlier plans' lines of its procedure)."""
        if line.id in self.results:
            return
        siblings = self.book.by_proc[line.proc.id]
        n = 0 if siblings[0] is line else next(k for k, s in enumerate(siblings) if s is line)
        if self._all_kept(siblings, n):
            self._keep(siblings, n)
            return
        for earlier in siblings[:n]:
            self._ensure(earlier)
        earlier_results = [self.results[s.id] for s in siblings[:n]]
        estimate = self._estimate(line, n + 1, earlier_results)
        kept = [override_for(s.proc, s.plan.id).writeoff_est is not None
                for s in siblings[:n + 1]] if line.proc.overrides else ()
        fitted = fit_to_charge(earlier_results + [estimate], line.proc.charge, kept)
        for sibling, old, new in zip(siblings[:n], earlier_results, fitted):
            if new is not old:
                self._commit(sibling, old, -1)
                self._commit(sibling, new, +1)
                self.results[sibling.id] = new
        self._commit(line, fitted[-1], +1)
        self.results[line.id] = fitted[-1]

    def _all_kept(self, siblings: list[Line], n: int) -> bool:
        """Whether the procedure's lines up to ``siblings[n]`` are all received with a kept
        estimate (most lines of an import): each is its kept estimate, whatever the usage and
        the plans before it (`_estimate`), nothing counts it (`_commit`) and fitting to the
        charge never changes a received line (`fit_to_charge`)."""
        received, frozen = self.state.received, self.frozen
        for k in range(n + 1):
            sibling = siblings[k]  # `is_received`, inline: it runs for every line
            if (sibling.spot is None or sibling.spot.claim.id not in received
                    or sibling.plan.type == "capitation" or frozen.get(sibling.id) is None):
                return False
        return True

    def _keep(self, siblings: list[Line], n: int) -> None:
        """What `_ensure` gives lines `_all_kept` holds for, in the same order, without
        estimating or fitting them."""
        for sibling in siblings[:n + 1]:
            if sibling.id not in self.results:
                self.results[sibling.id] = self._as_received(
                    self.frozen[sibling.id], sibling, sibling.spot.claim.id, KEPT)

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
            return self._as_received(kept, line, claim, KEPT)
        actual = self.state.actual(*line.id)
        if status == RECEIVED:  # re-estimated: it must not see its own payment as history
            self.usage.add(line.use, -actual.deductible, -actual.paid)
        paid = written_off = 0
        for other in earlier:
            p, w = paid_and_written_off(other)
            paid, written_off = paid + p, written_off + w
        estimate = estimate_line(self.lk, self.prefs, self.usage, line, rank, status, claim, paid, written_off,
                                 self._frequency)
        if line.planned and line.plan.frequency:
            self.book.frequency.record_planned(self.planned_counts, line.plan, line.proc, line.code)
        if status == RECEIVED:
            self.usage.add(line.use, actual.deductible, actual.paid)
            return self._as_received(estimate, line, claim, "estimate recalculated")
        return estimate

    def _as_received(self, estimate: LineEstimate, line: Line, claim: str | None, how: str) -> LineEstimate:
        return as_received(estimate, line.id, line.order, claim, self.state.actual(*line.id), how)

    def _frequency(self, line: Line) -> str:
        if not line.plan.frequency:
            return ""
        ranks, plan_id = self.book.rank, line.plan.id
        own = ranks[line.id]
        return self.book.frequency.check(line.plan, line.proc, line.code, line.when,
                                         self.planned_counts if line.planned else None,
                                         lambda pid: ranks.get((pid, plan_id), own) < own)


def kept_as_they_are(lk: Lookup, frozen: Mapping[Key, LineEstimate]) -> dict[Key, LineEstimate] | None:
    """What `Run.run` gives a practice whose lines are all received with a kept estimate
    (``frozen``) that `Run._as_received` keeps as it is, found without building the lines:
    the kept estimates themselves (in procedure order, not estimation order); None when a
    line would be estimated or changed (or the practice re-estimates received lines).
    Such a line changes no other: see `Run._all_kept`."""
    lines = _all_received(lk, frozen)
    # Only then the received steps (formatted): most families with a line to estimate
    # have been told apart already.
    if lines is None or not all(_already(kept, key, order, claim, lk.state.actual(*key), KEPT)
                                for key, kept, order, claim in lines):
        return None
    return {key: kept for key, kept, _, _ in lines}


def received_as_kept(lk: Lookup, kept: Mapping[Key, LineEstimate]) -> dict[Key, LineEstimate] | None:
    """What `Run.run` gives a practice file's family whose lines are all received with a kept
    estimate from the file (``kept``: `replay.kept_estimates`, as estimated before payment),
    found without building the lines: each kept estimate as received (`as_received`), in
    procedure order; None when a line would be estimated (as `kept_as_they_are`)."""
    lines = _all_received(lk, kept)
    if lines is None:
        return None
    return {key: as_received(line, key, order, claim, lk.state.actual(*key), KEPT)
            for key, line, order, claim in lines}


def _all_received(lk: Lookup, kept: Mapping[Key, LineEstimate]
                  ) -> list[tuple[Key, LineEstimate, int, str]] | None:
    """Every line of the practice (as `build_lines` would make them) with its estimate in
    ``kept``, coverage order and claim, when each is received (`Run._status`; not capitation)
    and in ``kept``; else None (also when the practice re-estimates received lines)."""
    if lk.practice.preferences.ins_est_recalc_received:
        return None
    received, lines = lk.state.received, []
    for proc, _, _, covering in covered(lk):
        for cov, plan in covering:
            key = (proc.id, plan.id)
            spot, line = lk.claim_spot.get(key), kept.get(key)
            if (line is None or spot is None or plan.type == "capitation"
                    or spot.claim.id not in received):
                return None
            lines.append((key, line, cov.order, spot.claim.id))
    return lines


def as_received(estimate: LineEstimate, key: Key, order: int, claim: str | None, actual: Actual,
                how: str) -> LineEstimate:
    """Line ``key``'s ``estimate`` as received: what the carrier paid is its last step."""
    if _already(estimate, key, order, claim, actual, how):  # a stored received line, as it was
        return estimate
    step = received_step(actual.paid, actual.writeoff, actual.deductible, how)
    steps = tuple(s for s in estimate.explanation if not s.startswith(RECEIVED_STEP)) + (step,)
    return changed(estimate, procedure=key[0], plan=key[1], order=order, status=RECEIVED,
                   claim=claim, paid=actual.paid, writeoff=actual.writeoff,
                   deductible_applied=actual.deductible, explanation=steps)


def _already(estimate: LineEstimate, key: Key, order: int, claim: str | None, actual: Actual,
             how: str) -> bool:
    """Whether `Run._as_received` would give an equal estimate for line ``key`` (saves copying
    a kept line). The numbers first: the received step is only formatted for a line they match."""
    if not (estimate.status == RECEIVED and estimate.paid == actual.paid
            and estimate.writeoff == actual.writeoff
            and estimate.deductible_applied == actual.deductible
            and estimate.order == order and estimate.claim == claim
            and (estimate.procedure, estimate.plan) == key):
        return False
    steps = estimate.explanation
    if not steps or steps[-1] != received_step(actual.paid, actual.writeoff, actual.deductible, how):
        return False
    for step in steps[:-1]:
        if step.startswith(RECEIVED_STEP):
            return False
    return True


def _may_exceed(line: Line, rank: int) -> bool:
    ov = override_for(line.proc, line.plan.id)
    if ov.ins_est is not None or ov.paid_other_ins is not None:
        return True
    return line.plan.type != "capitation" and effective_rule(line.plan, rank) != "standard"


def is_received(line: Line, state: PaymentState) -> bool:
    """Whether the line's status is received: actual amounts, never cut, not counted as an estimate."""
    return (line.spot is not None and line.spot.claim.id in state.received
            and line.plan.type != "capitation")


def seed_history(book: Workbook, state: PaymentState) -> Usage:
    """Received payments and benefits used elsewhere: history every line sees."""
    usage = Usage()
    for line in book.lines:
        if is_received(line, state):
            actual = state.actual(*line.id)
            usage.add(line.use, actual.deductible, actual.paid)
    add_benefits_used_elsewhere(book, usage)
    return usage


def add_benefits_used_elsewhere(book: Workbook, usage: Usage) -> None:
    """They belong to the benefit year containing as_of."""
    as_of = book.practice.as_of
    for patient in book.lk.patients.values():
        for used in patient.benefits_used:
            plan = book.lk.plans.get(used.plan)
            year = benefit_year_start(as_of, plan.renew_month if plan else None)
            usage.add_elsewhere(used.plan, patient.id, patient.guarantor or patient.id, year,
                                used.paid, used.deductible_met)
