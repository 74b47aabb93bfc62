"""Dicts over one practice, built once per estimate run so no rule scans the whole practice."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

from .frozen import maker
from .model import Claim, ClaimPayment, Plan, Practice, Procedure, ProcedureCode


@lru_cache(maxsize=1 << 16)
def natural_key(text: str) -> tuple:
    """Sort ids so "X2" comes before "X10" (ids made by the store are numbers as text); ids whose
    numbers are equal ("X02", "X2") still compare, by their text, so no order is left to chance."""
    parts = tuple([(0, int(part), "") if part.isdigit() else (1, 0, part)
                   for part in _PARTS(text)])
    return (parts, text)


_PARTS = re.compile(r"\d+|\D+").findall  # compiled once: every procedure id goes through it


@dataclass(frozen=True)
class Actual:
    """What a plan really paid on a procedure: sums of its claim payment lines (supplemental too)."""
    paid: int = 0
    writeoff: int = 0
    deductible: int = 0


@dataclass(frozen=True)
class ClaimSpot:
    """Where a procedure sits for one plan: its claim, the claim's place in the file, the line's place."""
    claim: Claim
    claim_index: int
    position: int
    received: bool


_INDEXED: dict[tuple[int, str], tuple[tuple, dict]] = {}
_INDEXED_AT_MOST = 16  # (a few practices' lists at a time: an import's, a test's)


def indexed(rows: tuple, key: str) -> dict:
    """``{row.<key>: row}`` of a practice's set-up list (a tuple: never changed once made),
    made once per list however many families share it; read only (never changed)."""
    found = _INDEXED.get((id(rows), key))
    if found is not None and found[0] is rows:  # (the list is kept: its id is not reused)
        return found[1]
    if len(_INDEXED) >= _INDEXED_AT_MOST:
        _INDEXED.clear()
    index = {getattr(row, key): row for row in rows}
    if type(rows) is tuple:  # (a list could be changed under it)
        _INDEXED[(id(rows), key)] = (rows, index)
    return index


class Lookup:
    def __init__(self, practice: Practice):
        self.practice = practice
        # (A family split from a practice shares its set-up lists: indexed once, not per family.)
        self.codes: dict[str, ProcedureCode] = indexed(practice.procedure_codes, "code")
        self.schedules = indexed(practice.fee_schedules, "id")
        self.plans: dict[str, Plan] = indexed(practice.plans, "id")
        self.patients = {p.id: p for p in practice.patients}
        self.procedures: dict[str, Procedure] = {p.id: p for p in practice.procedures}
        self._index_claims(practice)

    # -- building -----------------------------------------------------------

    def _index_claims(self, practice: Practice) -> None:
        state = payment_state(practice)
        self.state = state
        self.claim_spot: dict[tuple[str, str], ClaimSpot] = {}
        self.preauth: dict[tuple[str, str], str] = {}
        for n, claim in enumerate(practice.claims):
            if claim.status == "preauth":
                for pid in claim.procedures:
                    self.preauth.setdefault((pid, claim.plan), claim.id)
                continue
            received = claim.id in state.received
            for pos, pid in enumerate(claim.procedures):
                key = (pid, claim.plan)
                old = self.claim_spot.get(key)
                # A procedure billed twice to one plan: the received claim wins, else the first one.
                if old is None or (received and not old.received):
                    self.claim_spot[key] = _SPOT(claim, n, pos, received)

    # -- questions ----------------------------------------------------------

    def code(self, code: str) -> ProcedureCode:
        """The procedure code; an unknown code falls in the general category only."""
        found = self.codes.get(code)
        return found if found is not None else ProcedureCode(code=code, category="general")

    def fee(self, schedule_id: str | None, code: str) -> int | None:
        """A schedule's fee for a code (per unit); None when there is no schedule or no fee."""
        if not schedule_id:
            return None
        schedule = self.schedules.get(schedule_id)
        if schedule is None:
            return None
        return schedule.fees.get(code)

    def schedule_kind(self, schedule_id: str | None) -> str | None:
        schedule = self.schedules.get(schedule_id) if schedule_id else None
        return schedule.kind if schedule is not None else None

    def family(self, patient_id: str) -> str:
        patient = self.patients.get(patient_id)
        return patient.guarantor if patient is not None else patient_id



class PaymentState:
    """Which claims are received and what was paid on each (procedure, plan): the part of a practice
    that changes from one claim payment to the next (the replay steps through it)."""

    def __init__(self, claims: dict[str, Claim]):
        self.claims = claims
        self.received: set[str] = set()
        self.actuals: dict[tuple[str, str], Actual] = {}

    def enter(self, payment: ClaimPayment) -> None:
        claim = self.claims.get(payment.claim)
        if claim is None or claim.status == "preauth":
            return
        self.received.add(claim.id)
        for line in payment.lines:
            key = (line.procedure, claim.plan)
            old = self.actuals.get(key, NO_ACTUAL)
            self.actuals[key] = _ACTUAL(old.paid + (0 if line.denied else line.paid),
                                        old.writeoff + line.writeoff, old.deductible + line.deductible)

    def actual(self, procedure_id: str, plan_id: str) -> Actual:
        return self.actuals.get((procedure_id, plan_id), NO_ACTUAL)


NO_ACTUAL = Actual()
# Made for every claim procedure and payment line of an import: see `maker`.
_ACTUAL, _SPOT = maker(Actual), maker(ClaimSpot)


def payment_state(practice: Practice) -> PaymentState:
    """The state after every payment; a claim marked received in the file is received too."""
    state = PaymentState({c.id: c for c in practice.claims})
    for payment in practice.claim_payments:
        state.enter(payment)
    state.received.update(c.id for c in practice.claims if c.status == "received")
    return state
