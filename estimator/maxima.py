"""Cutting an estimate to what is left of the plan's maximum (estimation.md step 9)."""
from __future__ import annotations

from dataclasses import dataclass

from .money import fmt
from .usage import Usage, Use


@dataclass(frozen=True)
class MaxCut:
    estimate: int
    note: str = ""
    step: str = ""
    exhausted_annual: bool = False  # cut to 0 by the annual or family annual maximum


def cut_to_max(estimate: int, use: Use, usage: Usage) -> MaxCut:
    """The estimate cut to what is left of its limit. "Nothing left" is a fact about the limit:
    a line already at 0 for another reason still gets the note when its limit has nothing left."""
    limit = use.limit
    own = None if limit.amount is None else usage.max_left(use, limit.amount)
    family = None if limit.family is None else usage.family_max_left(use, limit.family)
    if own is None and family is None:
        return MaxCut(estimate)
    by_family = own is None or (family is not None and family < own)
    left = family if by_family else own
    if estimate <= left and left > 0:
        return MaxCut(estimate)
    if limit.kind != "annual":
        word = "limit"
        note = "Over limit" if left == 0 else f"Limit left {fmt(left)}"
    elif by_family:
        word = "family max"
        note = "Over family max" if left == 0 else f"Family max left {fmt(left)}"
    else:
        word = "annual max"
        note = "Over annual max" if left == 0 else f"Annual max left {fmt(left)}"
    step = f"over {word} -> 0.00" if left == 0 else f"{word} left {fmt(left)} -> {fmt(left)}"
    return MaxCut(left, note, step, left == 0 and limit.kind == "annual")
