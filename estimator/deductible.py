"""The deductible a line takes (estimation.md step 5)."""
from __future__ import annotations

from .model import Plan, ProcedureCode
from .money import fmt
from .usage import Usage, Use


def _specific(plan: Plan, code: ProcedureCode, use: Use, usage: Usage) -> tuple[int, int, str] | None:
    """(amount, what is left of it after deductible used on codes under it, label) of the most
    specific code or category deductible."""
    if code.code in plan.code_deductibles:
        amount = plan.code_deductibles[code.code]
        return amount, usage.code_deductible_left(use, amount), code.code
    for category in reversed(code.category_path):
        if category in plan.deductible_waived_on:
            return 0, usage.category_deductible_left(use, category, 0), f"waived on {category}"
        if category in plan.category_deductibles:
            amount = plan.category_deductibles[category]
            return amount, usage.category_deductible_left(use, category, amount), category
    return None


def deductible_left(plan: Plan, code: ProcedureCode, use: Use, usage: Usage, room: int) -> tuple[int, str]:
    """(deductible this line takes, explanation step); ``room`` is allowed - copay."""
    specific = _specific(plan, code, use, usage)
    if plan.deductible is not None:
        full, left = plan.deductible, usage.deductible_left(use, plan.deductible)
        if specific is not None:
            full, left = min(full, specific[0]), min(left, specific[1])
    elif specific is not None:
        full, left = specific[0], usage.deductible_left(use, specific[0])
    else:
        return 0, ""
    if specific is not None and specific[0] == 0:
        why = f" ({specific[2]})"
    elif full == 0:
        return 0, ""
    elif left == 0:
        why = f" ({fmt(full)} already met)"
    elif left < full:
        why = f" (left of {fmt(full)})"
    else:
        why = ""
    if plan.family_deductible is not None:
        family_left = usage.family_deductible_left(use, plan.family_deductible)
        if family_left < left:
            left, why = family_left, f" (family deductible left {fmt(family_left)})"
    if room < left:
        left, why = max(0, room), " (capped at allowed - copay)"
    return left, f"deductible {fmt(left)}{why}"
