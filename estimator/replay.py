"""Rebuilding the estimates received lines had before payment (for practices read from a file).

Claim payments are replayed in date order (ties: file order). Just before a claim's first payment
the practice is estimated with only the earlier payments entered, and the estimates of that
claim's lines are frozen. Families share nothing, so each family is replayed on its own, and each
step estimates only the procedures that share a benefit year with the claim's lines.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterator

from .lookup import PaymentState
from .model import Practice
from .results import LineEstimate
from .worksheet import Key, Run, Workbook


def replay_frozen(practice: Practice) -> dict[Key, LineEstimate]:
    frozen: dict[Key, LineEstimate] = {}
    for family in _families(practice):
        _replay_family(family, frozen)
    return frozen


def _families(practice: Practice) -> Iterator[Practice]:
    """One sub-practice per family (patients sharing a guarantor) that has claim payments."""
    if not practice.claim_payments:
        return
    family_of = {p.id: p.guarantor or p.id for p in practice.patients}
    if len(set(family_of.values())) <= 1:
        yield practice
        return
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for patient in practice.patients:
        groups[family_of[patient.id]]["patients"].append(patient)
    proc_family = {}
    for proc in practice.procedures:
        proc_family[proc.id] = family = family_of.get(proc.patient)
        groups[family]["procedures"].append(proc)
    claim_family = {}
    for claim in practice.claims:
        claim_family[claim.id] = family = next(
            (proc_family[pid] for pid in claim.procedures if pid in proc_family), None)
        groups[family]["claims"].append(claim)
    for payment in practice.claim_payments:
        groups[claim_family.get(payment.claim)]["claim_payments"].append(payment)
    for family, parts in groups.items():
        if family is not None and parts["claim_payments"]:
            yield replace(practice, **{name: tuple(parts[name])
                                       for name in ("patients", "procedures", "claims", "claim_payments")})


def _replay_family(practice: Practice, frozen: dict[Key, LineEstimate]) -> None:
    book = Workbook(practice)
    lines = set(book.rank)
    payments = sorted(enumerate(practice.claim_payments), key=lambda t: (t[1].date, t[0]))
    state = PaymentState({c.id: c for c in practice.claims})
    for _, payment in payments:
        claim = state.claims.get(payment.claim)
        if claim is None or claim.status == "preauth":
            continue
        if claim.id not in state.received:  # not a supplemental payment: freeze the claim's lines
            targets = {(pid, claim.plan) for pid in claim.procedures} & lines
            if targets:
                estimates = Run(book, state, frozen).run(targets, book.related(targets))
                frozen.update((key, estimates[key]) for key in targets)
        state.enter(payment)
