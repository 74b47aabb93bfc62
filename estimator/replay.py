"""Rebuilding the estimates received lines had before payment (for practices read from a file).

Claim payments are replayed in date order (ties: file order). Just before a claim's first payment
the practice is estimated with only the earlier payments entered, and the estimates of that
claim's lines are frozen. Families share nothing, so each family is replayed on its own.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Callable, Iterator, Mapping

from .model import Claim, ClaimPayment, Practice
from .results import LineEstimate

Key = tuple[str, str]
Runner = Callable[[Practice, Mapping[Key, LineEstimate], "set[Key] | None"], dict[Key, LineEstimate]]


def replay_frozen(practice: Practice, run: Runner) -> dict[Key, LineEstimate]:
    frozen: dict[Key, LineEstimate] = {}
    for family in _families(practice):
        _replay_family(family, run, frozen)
    return frozen


def _families(practice: Practice) -> Iterator[Practice]:
    """One sub-practice per family (patients sharing a guarantor) that has claim payments."""
    if not practice.claim_payments:
        return
    family_of = {p.id: p.guarantor or p.id for p in practice.patients}
    if len(set(family_of.values())) <= 1:
        yield practice
        return
    proc_family = {p.id: family_of.get(p.patient) for p in practice.procedures}
    claim_family = {c.id: next((proc_family.get(pid) for pid in c.procedures if pid in proc_family), None)
                    for c in practice.claims}
    paid = defaultdict(list)
    for pay in practice.claim_payments:
        paid[claim_family.get(pay.claim)].append(pay)
    for family, payments in paid.items():
        if family is None:
            continue
        yield replace(
            practice,
            patients=tuple(p for p in practice.patients if family_of[p.id] == family),
            procedures=tuple(p for p in practice.procedures if proc_family[p.id] == family),
            claims=tuple(c for c in practice.claims if claim_family[c.id] == family),
            claim_payments=tuple(payments),
        )


def _replay_family(practice: Practice, run: Runner, frozen: dict[Key, LineEstimate]) -> None:
    payments = sorted(enumerate(practice.claim_payments), key=lambda t: (t[1].date, t[0]))
    claims = {c.id: c for c in practice.claims}
    received: set[str] = set()
    for n, (_, payment) in enumerate(payments):
        claim = claims.get(payment.claim)
        if claim is None or claim.status == "preauth" or claim.id in received:
            continue  # unknown claim, or a supplemental payment on a claim already received
        earlier: tuple[ClaimPayment, ...] = tuple(p for _, p in payments[:n])
        before = replace(practice, claim_payments=earlier,
                         claims=tuple(_as_unpaid(c, received) for c in practice.claims))
        targets = {(pid, claim.plan) for pid in claim.procedures}
        estimates = run(before, frozen, targets)
        for key in targets:
            if key in estimates:
                frozen[key] = estimates[key]
        received.add(claim.id)


def _as_unpaid(claim: Claim, received: set[str]) -> Claim:
    """Before its first payment a claim marked received in the file was still waiting."""
    if claim.status == "received" and claim.id not in received:
        return replace(claim, status="sent")
    return claim
