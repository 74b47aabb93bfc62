"""A plan's terms for one procedure: allowed fee, copay and percentage (estimation.md steps 2-4)."""
from __future__ import annotations

from dataclasses import dataclass

from .lookup import Lookup
from .model import Override, Plan, Procedure, ProcedureCode
from .money import fmt

MOLARS = frozenset({1, 2, 3, 14, 15, 16, 17, 18, 19, 30, 31, 32})
SECOND_MOLARS = frozenset({2, 15, 18, 31})
PREMOLARS = frozenset({4, 5, 12, 13, 20, 21, 28, 29})
PRIMARY_MOLARS = frozenset("ABIJKLST")
PRIMARY_SECOND_MOLARS = frozenset("AJKT")

NO_OVERRIDE = Override(plan="")


@dataclass(frozen=True)
class Terms:
    allowed: int
    copay: int
    percent: int
    billed_fee: int | None   # the plan's fee for the billed code x units (the write-off is taken on it)
    substituted: bool        # paid at a substitution (downgrade) code's fee
    steps: tuple[str, ...]


def tooth_fits(condition: str | None, tooth: str | None) -> bool:
    """Whether a substitution condition holds for a tooth (universal numbers 1-32, primary A-T)."""
    if condition in (None, "", "always"):
        return True
    if not tooth:
        return False
    tooth = tooth.strip().upper()
    if tooth.isdigit():
        number = int(tooth)
        if condition == "molar":
            return number in MOLARS
        if condition == "second_molar":
            return number in SECOND_MOLARS
        if condition == "posterior":
            return number in MOLARS or number in PREMOLARS
        return False
    if condition in ("molar", "posterior"):
        return tooth in PRIMARY_MOLARS
    if condition == "second_molar":
        return tooth in PRIMARY_SECOND_MOLARS
    return False


def override_for(proc: Procedure, plan_id: str) -> Override:
    for override in proc.overrides:
        if override.plan == plan_id:
            return override
    return NO_OVERRIDE


def plan_terms(lk: Lookup, plan: Plan, proc: Procedure, code: ProcedureCode, ov: Override) -> Terms:
    steps: list[str] = []
    allowed, billed_fee, sub_code = _allowed(lk, plan, proc, code, ov, steps)
    copay, fixed = _copay(lk, plan, proc, sub_code or proc.code, allowed, ov, steps)
    percent = _percent(plan, proc, code, ov, fixed, steps)
    return Terms(allowed, copay, percent, billed_fee, sub_code is not None, tuple(steps))


def _allowed(lk: Lookup, plan: Plan, proc: Procedure, code: ProcedureCode, ov: Override,
             steps: list[str]) -> tuple[int, int | None, str | None]:
    """(allowed, billed code's plan fee x units, substitution code used or None)."""
    charge, units = proc.charge, proc.units
    billed_fee = sub_code = None
    if plan.type in ("ppo", "flat_copay"):
        fee = lk.fee(plan.fee_schedule, proc.code)
        billed_fee = None if fee is None else fee * units
        allowed, how = (charge, f"charge; no plan fee for {proc.code}") if billed_fee is None \
            else (billed_fee, "PPO fee" if plan.type == "ppo" else "plan fee")
        sub_code = _substitution(lk, plan, proc, code, allowed)
        if sub_code is not None:
            allowed = lk.fee(plan.fee_schedule, sub_code) * units
            how = f"fee of substitute {sub_code}"
    elif plan.type == "percentage" and lk.fee(plan.allowed_fee_schedule, proc.code) is not None:
        allowed, how = lk.fee(plan.allowed_fee_schedule, proc.code) * units, "carrier allowed fee"
    else:
        allowed, how = charge, "office fee"
    if ov.allowed is not None:
        allowed, how = ov.allowed, "override"
    if allowed > charge:
        allowed, how = charge, how + ", capped at the charge"
    steps.append(f"allowed {fmt(allowed)} ({how})")
    return allowed, billed_fee, sub_code


def _substitution(lk: Lookup, plan: Plan, proc: Procedure, code: ProcedureCode, billed: int) -> str | None:
    """The downgrade code whose fee is paid instead, when the plan allows it and it is not higher."""
    sub = code.substitution_code
    if not plan.allow_substitution or not sub or sub == proc.code:
        return None
    if not tooth_fits(code.substitution_condition, proc.tooth):
        return None
    fee = lk.fee(plan.fee_schedule, sub)
    if fee is None or fee * proc.units > billed:
        return None
    return sub


def _copay(lk: Lookup, plan: Plan, proc: Procedure, code: str, allowed: int, ov: Override,
           steps: list[str]) -> tuple[int, bool]:
    """(copay, whether the plan pays a fixed benefit)."""
    kind = lk.schedule_kind(plan.copay_schedule)
    fixed = kind == "fixed_benefit"
    if ov.copay is not None:
        copay, how = ov.copay, "override"
    elif fixed:
        benefit = (lk.fee(plan.copay_schedule, code) or 0) * proc.units
        fee_schedule = plan.fee_schedule if plan.type != "percentage" else plan.allowed_fee_schedule
        plan_fee = lk.fee(fee_schedule, code)
        base = proc.charge if plan_fee is None else plan_fee * proc.units
        copay, how = max(0, base - benefit), f"{fmt(base)} - benefit {fmt(benefit)}"
    else:
        fee = lk.fee(plan.copay_schedule, code) if kind is not None else None
        copay, how = (0, "") if fee is None else (fee * proc.units, "copay schedule")
    if copay > allowed:
        copay, how = allowed, "capped at allowed"
    if copay or how:
        steps.append(f"copay {fmt(copay)} ({how})")
    return copay, fixed


def _percent(plan: Plan, proc: Procedure, code: ProcedureCode, ov: Override, fixed: bool,
             steps: list[str]) -> int:
    if ov.percent is not None:
        percent, how = ov.percent, "override"
    elif plan.type in ("flat_copay", "capitation") or fixed:
        percent, how = 100, {"flat_copay": "flat copay", "capitation": "capitation"}.get(plan.type, "fixed benefit")
    elif proc.code in plan.code_coverage:
        percent, how = plan.code_coverage[proc.code], proc.code
    else:
        percent, how = 0, "not covered"
        for category in reversed(code.category_path):
            if category in plan.coverage:
                percent, how = plan.coverage[category], category
                break
    steps.append(f"{percent}% ({how})")
    return percent
