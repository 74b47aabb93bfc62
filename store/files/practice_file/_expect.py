"""The ``expect`` block of a scenario: the numbers ``dentledger check`` compares, in cents."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from estimator.model import CLAIM_STATUSES, EMPTY, Practice, frozen_map
from estimator.money import to_decimal

from ._errors import key_path, show
from ._kinds import F, Ctx, Entity, Enum, FixedMap, Kind, MapOf, Money, Ref, Text

_MONEY = Money(signed=True)  # balances and portions can be credits
_TEXT = Text()
_PROC_FIELD = re.compile(
    r"(?:(?:ins|writeoff|ded)(?P<n1>[1-4])_est|(?:copay|paid|writeoff)(?P<n2>[1-4])"
    r"|ins(?P<n3>[1-4])_note|patient_portion)\Z"
)
PROC_FIELDS_HELP = "insN_est, writeoffN_est, dedN_est, copayN, paidN, writeoffN, insN_note (N 1-4) or patient_portion"


@dataclass(frozen=True)
class Expect:
    """Expected values; money in cents, ``insN_note`` and claim ``status`` as text. Absent = not checked."""

    procedures: Mapping[str, Mapping[str, int | str]] = field(default_factory=lambda: EMPTY)
    balances: Mapping[str, Mapping[str, int]] = field(default_factory=lambda: EMPTY)
    claims: Mapping[str, Mapping[str, int | str]] = field(default_factory=lambda: EMPTY)
    coverage: Mapping[str, Mapping[str, Mapping[str, int]]] = field(default_factory=lambda: EMPTY)


def coverage_order(field_name: str) -> int | None:
    """``ins2_est`` -> 2; ``patient_portion`` -> None."""
    match = _PROC_FIELD.match(field_name)
    number = match and (match["n1"] or match["n2"] or match["n3"])
    return int(number) if number else None


class _ProcedureExpect(Kind):
    placeholder = EMPTY

    def read(self, ctx, raw, path):
        if not isinstance(raw, dict):
            ctx.error(path, f"{show(raw)} is not an object")
            return EMPTY
        out = {}
        for key, value in raw.items():
            sub = key_path(path, key)
            if not _PROC_FIELD.match(key):
                ctx.error(sub, f"unknown expectation (use {PROC_FIELDS_HELP})")
                continue
            if value is None:
                continue  # null: not checked, like an absent key
            out[key] = (_TEXT if key.endswith("_note") else _MONEY).read(ctx, value, sub)
        return frozen_map(out)

    def dump(self, value):
        return {k: v if isinstance(v, str) else to_decimal(v) for k, v in value.items()}


_BALANCE = FixedMap({"total": _MONEY, "patient": _MONEY, "insurance": _MONEY})
_CLAIM = FixedMap({"status": Enum(CLAIM_STATUSES), "writeoff": _MONEY, "ins_est": _MONEY, "paid": _MONEY})
_COVERAGE = FixedMap({"annual_max_used": _MONEY, "annual_max_remaining": _MONEY, "deductible_remaining": _MONEY})

EXPECT = Entity(Expect, (
    F("procedures", MapOf(Ref("procedures"), _ProcedureExpect())),
    F("balances", MapOf(Ref("patients"), _BALANCE)),
    F("claims", MapOf(Ref("claims"), _CLAIM)),
    F("coverage", MapOf(Ref("patients"), MapOf(Ref("plans"), _COVERAGE))),
))


def check_expect(expect: Expect, practice: Practice, ctx: Ctx) -> None:
    """Expectations must name plans the patient really has (a typo would otherwise never be checked)."""
    procedures = ctx.tables["procedures"]
    patients = ctx.tables["patients"]
    for proc_id, fields in expect.procedures.items():
        proc = procedures.get(proc_id)
        patient = proc and patients.get(proc.patient)
        if patient is None:
            continue
        orders = {c.order for c in patient.coverage}
        for name in fields:
            order = coverage_order(name)
            if order is not None and order not in orders:
                path = key_path(key_path("expect.procedures", proc_id), name)
                ctx.error(path, f"patient {show(patient.id)} has no plan at coverage order {order}")
    for patient_id, plans in expect.coverage.items():
        patient = patients.get(patient_id)
        if patient is None:
            continue
        covered = {c.plan for c in patient.coverage}
        for plan_id in plans:
            if plan_id not in covered:
                path = key_path(key_path("expect.coverage", patient_id), plan_id)
                ctx.error(path, f"patient {show(patient_id)} is not covered by plan {show(plan_id)}")
