"""The deductible a line takes (estimation.md step 5)."""
from __future__ import annotations

from .model import Plan, ProcedureCode
from .money import fmt
from .usage import Usage, Use


def _specific(plan: Plan, code: ProcedureCode, use: Use, usage: Usage) -> tuple[int, int, str] | None:
    """(amount, used on codes under it, label) of the most specific code or category deductible."""
    if code.code in plan.code_deductibles:
        return plan.code_deductibles[code.code], usage.code_deductible_used(use), code.code
    for category in reversed(code.category_path):
        if category in plan.deductible_waived_on:
            return 0, usage.category_deductible_used(use, category), f"waived on {category}"
        if category in plan.category_deductibles:
            return (plan.category_deductibles[category], usage.category_deductible_used(use, category),
                    category)
    return None


def deductible_left(plan: Plan, code: ProcedureCode, use: Use, usage: Usage, room: int) -> tuple[int, str]:
    """(deductible this line takes, explanation step); ``room`` is allowed - copay."""
    specific = _specific(plan, code, use, usage)
    used_all = usage.deductible_used(use)
    if plan.deductible is not None:
        full, left = plan.deductible, plan.deductible - used_all
        if specific is not None:
            full, left = min(full, specific[0]), min(left, specific[0] - specific[1])
    elif specific is not None:
        full, left = specific[0], specific[0] - used_all
    else:
        return 0, ""
    left = max(0, left)
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
        family_left = max(0, plan.family_deductible - usage.family_deductible_used(use))
        if family_left < left:
            left, why = family_left, f" (family deductible left {fmt(family_left)})"
    if room < left:
        left, why = max(0, room), " (capped at allowed - copay)"
    return left, f"deductible {fmt(left)}{why}"
