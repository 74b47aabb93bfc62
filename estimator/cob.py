"""Coordination of benefits and write-offs (estimation.md steps 7, 10 and 11).

P is what earlier plans paid (received) or are estimated to pay on the procedure, W their
write-offs (actual or estimated).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from .benefits import Terms
from .model import Override, Plan, Preferences
from .money import fmt
from .results import CAP_COMPLETE, RECEIVED, LineEstimate


def paid_and_written_off(line: LineEstimate) -> tuple[int, int]:
    """(P, W) one earlier line contributes: actual amounts once received, else its estimates."""
    if line.status == RECEIVED:
        return line.paid, line.writeoff
    return line.ins_est, line.writeoff_est


def effective_rule(plan: Plan, order: int) -> str:
    rule = plan.cob_rule or "standard"
    if rule == "secondary_medicaid":
        return "basic" if order == 2 else "standard"
    return rule


def cob_cap(plan: Plan, order: int, charge: int, allowed: int, base: int, own: int,
            paid: int, written_off: int) -> tuple[int, str]:
    """(the most this plan may pay after earlier plans, explanation of the cap)."""
    rule = effective_rule(plan, order)
    if rule == "basic":
        return allowed - paid, f"{rule} COB: allowed {fmt(allowed)} - other plans {fmt(paid)}"
    if rule == "carve_out":
        return own - paid, f"carve-out COB: own estimate {fmt(own)} - other plans {fmt(paid)}"
    cap = min(base, charge - paid - written_off)
    return cap, (f"standard COB: min(base {fmt(base)}, {fmt(charge)} - paid {fmt(paid)}"
                 f" - write-off {fmt(written_off)})")


def writeoff_estimate(plan: Plan, order: int, terms: Terms, charge: int, estimate: int,
                      paid: int, written_off: int, prefs: Preferences, exhausted: bool,
                      ov: Override) -> tuple[int, str]:
    """(write-off estimate, explanation step) for a billed, non-capitation line."""
    room = max(0, charge - paid - written_off - estimate)
    if plan.cob_rule == "secondary_medicaid" and order == 2:
        amount = room
        step = (f"Medicaid writes off the rest: {fmt(charge)} - {fmt(paid)} - {fmt(written_off)}"
                f" - {fmt(estimate)} = {fmt(amount)}")
    elif plan.type != "ppo":
        amount, step = 0, ""
    elif terms.billed_fee is None:
        amount, step = 0, "no write-off (no PPO fee for the billed code)"
    elif terms.substituted and not plan.substitution_writeoffs:
        amount, step = 0, "no write-off on a substituted code"
    elif order >= 2 and paid + written_off > 0 and not prefs.ins_ppo_sec_writeoffs:
        amount, step = 0, "no write-off: an earlier plan pays"
    elif exhausted and prefs.zero_writeoff_when_annual_max_exhausted:
        amount, step = 0, "no write-off: annual max used up"
    else:
        amount = max(0, charge - terms.billed_fee)
        step = f"write-off {fmt(charge)} - {fmt(terms.billed_fee)} = {fmt(amount)}"
    if ov.writeoff_est is not None:
        amount, step = max(0, ov.writeoff_est), f"write-off {fmt(ov.writeoff_est)} (override)"
    if amount > room:
        amount = room
        step = f"write-off capped at {fmt(room)} so nothing exceeds the charge"
    return amount, step


def fit_to_charge(lines: Sequence[LineEstimate], charge: int,
                  kept: Sequence[bool] = ()) -> list[LineEstimate]:
    """Keep payments + write-offs of all plans within the charge: first the primary's write-off
    estimate shrinks, then estimates of later plans not yet received are cut, last plan first.
    ``kept[n]``: line n's write-off is never shrunk (an overridden write-off estimate, or a posted
    capitation write-off); the later plans' estimates are cut instead."""
    lines = list(lines)
    excess = sum(sum(paid_and_written_off(line)) for line in lines) - charge
    if excess <= 0:
        return lines
    kept = list(kept) + [False] * (len(lines) - len(kept))
    kept = [k or line.status == CAP_COMPLETE for k, line in zip(kept, lines)]
    first = lines[0]
    if first.status != RECEIVED and first.writeoff_est > 0 and not kept[0]:
        give = min(excess, first.writeoff_est)
        lines[0] = _with_step(first, writeoff_est=first.writeoff_est - give,
                              step=f"write-off shrinks by {fmt(give)} to {fmt(first.writeoff_est - give)}"
                                   " so the plans do not exceed the charge")
        excess -= give
    for n in range(len(lines) - 1, 0, -1):
        line = lines[n]
        if excess <= 0 or line.status == RECEIVED:
            continue
        cut_est = min(excess, line.ins_est)
        cut_wo = 0 if kept[n] else min(excess - cut_est, line.writeoff_est)
        if cut_est or cut_wo:
            lines[n] = _with_step(line, ins_est=line.ins_est - cut_est, writeoff_est=line.writeoff_est - cut_wo,
                                  step=f"cut by {fmt(cut_est + cut_wo)} so the plans do not exceed the charge")
            excess -= cut_est + cut_wo
    return lines


def _with_step(line: LineEstimate, step: str, **changes: int) -> LineEstimate:
    return replace(line, explanation=line.explanation + (step,), **changes)
