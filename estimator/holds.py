"""Which held secondary claims are released (estimation.md "When estimates change", "Claims").

A claim on ``hold`` (a later plan's claim, not kind ``primary``) is released to ``unsent`` as soon
as every earlier plan's line on its procedures is received; do-not-bill and capitation lines
never wait, and plans whose coverage does not cover the work have no line to wait for. The
importer applies it to a practice file, the ledger reads a file's claims through it, and the
store's `release_holds` says the same in SQL when a payment is posted.
"""
from __future__ import annotations

from .model import Claim, Practice

UNSENT = "unsent"


def released_holds(practice: Practice) -> frozenset[str]:
    """Ids of the claims on hold that nothing holds any more (a paid claim is received instead)."""
    held = [c for c in practice.claims if c.status == "hold" and c.kind != "primary"]
    if not held:
        return frozenset()
    received = _received(practice)
    held = [c for c in held if c.id not in received]
    done = {(pid, c.plan) for c in practice.claims if c.id in received and c.status != "preauth"
            for pid in c.procedures}
    waits = _Waits(practice)
    return frozenset(c.id for c in held
                     if all(key in done for key in waits.earlier_lines(c)))


def _received(practice: Practice) -> set[str]:
    """`lookup.payment_state(practice).received`, without summing every payment's lines (an
    import asks this of a whole practice)."""
    claims = {c.id: c for c in practice.claims}
    received = {c.id for c in practice.claims if c.status == "received"}
    received.update(p.claim for p in practice.claim_payments
                    if p.claim in claims and claims[p.claim].status != "preauth")
    return received


class _Waits:
    def __init__(self, practice: Practice):
        self.as_of = practice.as_of
        self.patients = {p.id: p for p in practice.patients}
        self.procedures = {p.id: p for p in practice.procedures}
        self.capitation = {p.id for p in practice.plans if p.type == "capitation"}

    def earlier_lines(self, claim: Claim) -> list[tuple[str, str]]:
        """(procedure, plan) of the earlier plans' lines the claim waits for."""
        out = []
        for pid in claim.procedures:
            proc = self.procedures.get(pid)
            patient = self.patients.get(proc.patient) if proc else None
            if patient is None:  # not in this (partial) practice: nothing says it is received
                out.append((pid, ""))
                continue
            mine = next((c.order for c in patient.coverage if c.plan == claim.plan), 0)
            when = proc.date if proc.status == "complete" else self.as_of
            out += [(pid, c.plan) for c in patient.coverage
                    if 1 <= c.order < mine and c.covers(when) and c.plan not in self.capitation
                    and c.plan not in proc.no_bill]
        return out
