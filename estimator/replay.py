"""Rebuilding the estimates received lines had before payment (for practices read from a file).

Claim payments are replayed in date order (ties: file order). Just before a claim's first payment
the practice is estimated with only the earlier payments entered, and the estimates of that
claim's lines are frozen. Families share nothing, so each family is replayed on its own.

Estimating the family again before every payment would take time quadratic in its size (a
15,000-procedure family took 14 minutes), so each step estimates only what can change (`Ledger`):
- received payments are history every line sees whatever its place in estimation order: they are
  kept as running totals, updated as each payment is entered, instead of being recounted;
- a received line adds nothing to the totals and its own estimate is kept, so it is skipped unless
  an earlier plan's line of its procedure is not received yet (fitting the plans to the charge can
  then cut that line at the received line's place in estimation order);
- only lines sharing a plan's benefit year (or lifetime limit) with the claim's lines, closed over
  the plans of each procedure (COB), can change them: each such group of lines keeps its run from
  one step to the next (`replay_tape.Tape`), estimating again only the lines whose inputs changed.
The result is the same as estimating the whole family before each payment (tests/estimator).

Estimates already known are not rebuilt (`given`: a practice file's kept estimates,
`Claim.kept_estimates`, or the store's frozen lines): a family is replayed only when a line of one
of its paid claims has none, and the known ones win over the replayed ones. (A received line's
estimate changes no other line: COB and the running totals take its actual amounts.)
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from heapq import merge
from typing import Iterable, Iterator

from .families import split_families
from .lines import Line
from .lookup import NO_ACTUAL, Actual, PaymentState, indexed
from .model import ClaimPayment, Practice
from .results import NOT_RECEIVED, LineEstimate
from .replay_tape import Tape
from .usage import Usage, counted
from .worksheet import Key, Run, Workbook, add_benefits_used_elsewhere, is_received


def replay_frozen(practice: Practice, book: Workbook | None = None,
                  given: dict[Key, LineEstimate] | None = None) -> dict[Key, LineEstimate]:
    """``book``: the practice's workbook when the caller has built it (it is only read), used
    when the practice is one family (re-estimating a family after an import). ``given``:
    estimates already known (see the module docstring); they are part of the result."""
    frozen: dict[Key, LineEstimate] = dict(given or {})
    for family in _families(practice):
        if given and _all_given(family, frozen):
            continue
        replayed: dict[Key, LineEstimate] = {}
        _replay_family(family, replayed, book if family is practice else None)
        for key, estimate in replayed.items():
            frozen.setdefault(key, estimate)
    return frozen


def kept_estimates(practice: Practice) -> dict[Key, LineEstimate]:
    """The claims' kept estimates (`Claim.kept_estimates`) as the replay gives its estimates:
    the line as estimated before its claim was paid."""
    no_bill = {p.id: p.no_bill for p in practice.procedures if p.no_bill}
    out: dict[Key, LineEstimate] = {}
    for claim in practice.claims:
        for k in claim.kept_estimates:
            out[(k.procedure, claim.plan)] = LineEstimate(
                k.procedure, claim.plan, 0, NOT_RECEIVED, k.allowed, k.copay, k.percent,
                k.deductible, k.base_est, k.ins_est, k.writeoff_est, k.note, k.explanation,
                claim.plan in no_bill.get(k.procedure, ()), claim.id)
    return out


def _all_given(family: Practice, known: dict[Key, LineEstimate]) -> bool:
    """Whether every line of the family's paid claims (not preauthorizations) has a known
    estimate: then the replay would change nothing that is kept. Capitation lines are never
    received (their write-off is posted): they need none."""
    paid = {payment.claim for payment in family.claim_payments}
    plans = indexed(family.plans, "id")  # (every plan of the practice: indexed once)

    def capitation(plan_id: str) -> bool:
        plan = plans.get(plan_id)
        return plan is not None and plan.type == "capitation"
    return all((pid, claim.plan) in known for claim in family.claims
               if claim.id in paid and claim.status != "preauth" and not capitation(claim.plan)
               for pid in claim.procedures)


def _families(practice: Practice) -> Iterator[Practice]:
    """One sub-practice per family (patients sharing a guarantor) that has claim payments."""
    if not practice.claim_payments:
        return
    if len({p.guarantor or p.id for p in practice.patients}) <= 1:
        yield practice
        return
    yield from (family for family in split_families(practice) if family.claim_payments)


def _replay_family(practice: Practice, frozen: dict[Key, LineEstimate],
                   book: Workbook | None = None) -> None:
    book = book or Workbook(practice)
    ledger = Ledger(book, frozen)
    payments = sorted(enumerate(practice.claim_payments), key=lambda t: (t[1].date, t[0]))
    for _, payment in payments:
        claim = ledger.state.claims.get(payment.claim)
        if claim is None or claim.status == "preauth":
            continue
        if claim.id not in ledger.state.received:  # not a supplemental payment: freeze the claim's lines
            targets = {(pid, claim.plan) for pid in claim.procedures} & book.rank.keys()
            if targets:
                frozen.update(ledger.estimate(targets))
        ledger.enter(payment)


class Ledger:
    """The family's payment state during the replay, with what a step needs kept up to date."""

    def __init__(self, book: Workbook, frozen: dict[Key, LineEstimate]):
        self.book = book
        self.frozen = frozen
        self.state = PaymentState({c.id: c for c in book.practice.claims})
        self.history = Usage()  # received payments and benefits used elsewhere
        add_benefits_used_elsewhere(book, self.history)
        self._counted: dict[Key, Actual] = {}  # what each received line adds to the history
        self._on_claim: dict[str, list[Line]] = defaultdict(list)
        for line in book.lines:
            if line.spot is not None:
                self._on_claim[line.spot.claim.id].append(line)
        self._group = _scope_groups(book)
        # Per group, the ranks (estimation order) of the lines a step must still estimate.
        self._live: dict[int, list[int]] = defaultdict(list)
        for rank, line in enumerate(book.ordered):
            self._live[self._group_of(line)].append(rank)
        self._tapes: dict[int, Tape] = {}

    def estimate(self, targets: set[Key]) -> dict[Key, LineEstimate]:
        """The targets' estimates with the payments entered so far."""
        by_group: dict[int, set[Key]] = defaultdict(set)
        for key in targets:
            by_group[self._group_of(self._line(key))].add(key)
        if not all(self._is_live(key) for key in targets):
            # A line billed on two claims, already received: estimate the step from scratch.
            run = Run(self.book, self.state, self.frozen, self.history)
            estimates = run.run(targets, self.lines_to_estimate(targets))
        else:
            estimates = {}
            for group, keys in by_group.items():
                results = self._tape(group).estimate(keys)
                estimates.update((key, results[key]) for key in keys)
        for group in by_group:  # their kept estimates change
            if group in self._tapes:
                self._tapes[group].note_procedures(pid for pid, _ in targets)
        return {key: estimates[key] for key in targets}

    def lines_to_estimate(self, targets: set[Key]) -> Iterable[Line]:
        """Lines that can change the targets' estimates, in estimation order."""
        ordered, rank = self.book.ordered, self.book.rank
        groups = {self._group_of(self._line(key)) for key in targets}
        ranks = merge(sorted(rank[key] for key in targets), *(self._live[g] for g in groups))
        last = -1
        for n in ranks:
            if n != last:
                last = n
                yield ordered[n]

    def enter(self, payment: ClaimPayment) -> None:
        """Enter one claim payment: update the history and drop lines no step needs any more."""
        claim = self.state.claims.get(payment.claim)
        if claim is None or claim.status == "preauth":
            return
        first = claim.id not in self.state.received
        touched = {(line.procedure, claim.plan) for line in payment.lines}
        if first:
            touched.update(line.id for line in self._on_claim.get(claim.id, ()))
        self.state.enter(payment)
        lines = [self._line(key) for key in touched if key in self.book.rank]
        for line in lines:
            self._count(line)
        for line in lines:
            tape = self._tapes.get(self._group_of(line))
            if tape is not None:
                tape.note_procedures((line.proc.id,))
        if first:
            for pid in {line.proc.id for line in self._on_claim.get(claim.id, ())}:
                self._settle(pid)

    def _tape(self, group: int) -> Tape:
        tape = self._tapes.get(group)
        if tape is None:
            tape = self._tapes[group] = Tape(self.book, self.state, self.frozen, self.history, self._live[group])
        return tape

    def _line(self, key: Key) -> Line:
        return self.book.ordered[self.book.rank[key]]

    def _group_of(self, line: Line) -> int:
        return self._group[line.scopes[0]]

    def _is_live(self, key: Key) -> bool:
        live, rank = self._live[self._group_of(self._line(key))], self.book.rank[key]
        at = bisect_left(live, rank)
        return at < len(live) and live[at] == rank

    def _count(self, line: Line) -> None:
        """Keep the history holding the actual amounts of received lines (as `seed_history`)."""
        new = self.state.actual(*line.id) if is_received(line, self.state) else NO_ACTUAL
        old = self._counted.get(line.id, NO_ACTUAL)
        if new == old:
            return
        self._counted[line.id] = new
        tape = self._tapes.get(self._group_of(line))
        for key, amount in counted(line.use, new.deductible - old.deductible, new.paid - old.paid):
            self.history._bump(key, amount)
            if tape is not None:
                tape.note_history(key, amount)

    def _settle(self, pid: str) -> None:
        """Drop the procedure's lines that no longer change anything when estimated: received, with
        every earlier plan received too (planned work stays: it counts against frequency limits)."""
        waiting_before = False
        for line in self.book.by_proc.get(pid, ()):
            received = is_received(line, self.state)
            if received and not waiting_before and not line.planned:
                live = self._live[self._group_of(line)]
                n = self.book.rank[line.id]
                at = bisect_left(live, n)
                if at < len(live) and live[at] == n:
                    del live[at]
            waiting_before = waiting_before or not received


def _scope_groups(book: Workbook) -> dict[tuple, int]:
    """Scopes (a plan's benefit year or lifetime) joined when one procedure has lines in both:
    a line can only change lines of its own group (union-find)."""
    parent: dict[tuple, tuple] = {}

    def root(scope: tuple) -> tuple:
        parent.setdefault(scope, scope)
        while parent[scope] != scope:
            parent[scope] = parent[parent[scope]]
            scope = parent[scope]
        return scope

    for lines in book.by_proc.values():
        scopes = [s for line in lines for s in line.scopes]
        for scope in scopes[1:]:
            parent[root(scope)] = root(scopes[0])
        if scopes:
            root(scopes[0])
    ids: dict[tuple, int] = {}
    return {scope: ids.setdefault(root(scope), len(ids)) for scope in parent}
