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
    """Ids of the claims on hold that nothing holds any more (a paid claim is received instead).

    (An import asks this of a whole practice: each claim and payment is looked at once or
    twice, and only the lines the held claims wait for are looked for.)"""
    held = [c for c in practice.claims if c.status == "hold" and c.kind != "primary"]
    if not held:
        return frozenset()
    # Received: written so, or paid (`lookup.payment_state`), but never a preauthorization.
    paid = {p.claim for p in practice.claim_payments}
    held = [c for c in held if c.id not in paid]  # (a paid hold is received)
    if not held:
        return frozenset()
    waits = _Waits(practice, {pid for c in held for pid in c.procedures})
    waiting = {c.id: waits.earlier_lines(c) for c in held}
    wanted = {pid for keys in waiting.values() for pid, _ in keys}
    done = {(pid, c.plan) for c in practice.claims
            if (c.status == "received" or c.id in paid) and c.status != "preauth"
            for pid in c.procedures if pid in wanted}
    return frozenset(claim for claim, keys in waiting.items() if all(key in done for key in keys))


class _Waits:
    def __init__(self, practice: Practice, procedures: set[str]):
        """``procedures``: the ids of the procedures on the claims asked about."""
        self.as_of = practice.as_of
        self.patients = {p.id: p for p in practice.patients}
        self.procedures = {p.id: p for p in practice.procedures if p.id in procedures}
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
