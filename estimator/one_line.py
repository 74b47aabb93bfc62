"""One line's estimate (estimation.md steps 1-11), given what earlier lines used."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

from .benefits import Terms, override_for, plan_terms
from .cob import cob_cap, writeoff_estimate
from .deductible import deductible_left
from .lines import Line
from .lookup import Lookup
from .maxima import cut_to_max
from .model import Preferences
from .money import fmt, percent_of
from .results import CAP_COMPLETE, LineEstimate
from .usage import Usage


def estimate_line(lk: Lookup, prefs: Preferences, usage: Usage, line: Line, rank: int, status: str,
                  claim: str | None, paid: int, written_off: int, frequency: Callable[[Line], str]) -> LineEstimate:
    """Steps 1-11 of estimation.md for one line. ``rank`` is the plan's place among the
    procedure's plans (1 = primary), ``paid``/``written_off`` are P and W of the earlier plans,
    ``usage`` holds what earlier lines used and ``frequency`` says whether the line is past a limit.
    """
    proc, plan = line.proc, line.plan
    blank = LineEstimate(proc.id, plan.id, line.order, status, claim=claim)
    if plan.id in proc.no_bill:
        return replace(blank, no_bill=True, explanation=("do not bill this plan: nothing estimated",))
    ov = override_for(proc, plan.id)
    terms = plan_terms(lk, plan, proc, line.code, ov)
    steps = [f"charge {fmt(proc.fee)} x {proc.units} = {fmt(proc.charge)}"] if proc.units != 1 else []
    steps += terms.steps
    if plan.type == "capitation":
        return _capitation(blank, line, terms, steps, paid, written_off)
    room = terms.allowed - terms.copay
    excluded = proc.code in plan.exclusions
    freq_step = "" if excluded else frequency(line)
    if ov.deductible is not None:
        ded = min(max(0, ov.deductible), room)
        steps.append(f"deductible {fmt(ded)} (override)")
    elif terms.percent == 0 or excluded or freq_step:
        ded = 0
    else:
        ded, step = deductible_left(plan, line.code, line.use, usage, room)
        steps += [step] if step else []
    before = plan.deductible_before_percent if ov.deductible_before_percent is None \
        else ov.deductible_before_percent
    base = percent_of(room, terms.percent)
    estimate = _percentage(terms, ded, before, base, steps)
    note = ""
    if excluded:
        estimate, note = 0, "Exclusion"
        steps.append("excluded by the plan -> 0.00")
    elif freq_step:
        estimate, note = 0, "Frequency"
        steps.append(freq_step)
    if ov.paid_other_ins is not None:  # replaces P on any line: on the primary it caps the write-off
        paid = ov.paid_other_ins
        steps.append(f"paid by other insurance {fmt(paid)} (override)")
    if rank >= 2:
        cap, how = cob_cap(plan, rank, proc.charge, terms.allowed, base, estimate, paid, written_off)
        estimate = min(estimate, max(0, cap))
        steps.append(f"{how} = {fmt(cap)} -> {fmt(estimate)}")
    cut = cut_to_max(estimate, line.use, usage)
    if ov.ins_est is not None:  # replaces the result and is not cut
        estimate = ov.ins_est
        steps.append(f"estimate {fmt(estimate)} (override)")
    elif cut.step:
        # An Exclusion or Frequency line keeps its own note (it still counts as over the maximum).
        estimate, note = cut.estimate, note or cut.note
        steps.append(cut.step)
    writeoff, step = writeoff_estimate(plan, rank, terms, proc.charge, estimate, paid, written_off,
                                       prefs, cut.exhausted_annual and ov.ins_est is None, ov)
    steps += [step] if step else []
    # Built directly, not with dataclasses.replace: this runs for every line of every step of an
    # import's replay (replace was a tenth of the import's time).
    return LineEstimate(proc.id, plan.id, line.order, blank.status, terms.allowed, terms.copay,
                        terms.percent, ded, base, estimate, writeoff, note, tuple(steps),
                        claim=blank.claim)


def _capitation(blank: LineEstimate, line: Line, terms: Terms, steps: list[str],
                paid: int, written_off: int) -> LineEstimate:
    """Capitation pays nothing (an ``ins_est`` override does not apply); the office writes off all
    but the copay. Planned, the write-off is an estimate a ``writeoff_est`` override may replace;
    completed, it is posted as charge - copay whatever the override (spec rule 11)."""
    charge = line.proc.charge
    writeoff = charge - terms.copay
    step = f"capitation: write-off {fmt(charge)} - copay {fmt(terms.copay)} = {fmt(writeoff)}"
    ov = override_for(line.proc, line.plan.id)
    if ov.writeoff_est is not None and blank.status != CAP_COMPLETE:
        writeoff, step = max(0, ov.writeoff_est), f"write-off {fmt(ov.writeoff_est)} (override)"
    room = max(0, charge - paid - written_off)
    if writeoff > room:
        writeoff, step = room, step + f", capped at {fmt(room)}"
    steps += ["insurance pays nothing (capitation)", step]
    posted = writeoff if blank.status == CAP_COMPLETE else 0
    return replace(blank, allowed=terms.allowed, copay=terms.copay, percent=terms.percent,
                   writeoff_est=writeoff, writeoff=posted, explanation=tuple(steps))


def _percentage(terms: Terms, ded: int, before: bool, base: int, steps: list[str]) -> int:
    """The estimate before COB and maxima: deductible before (default) or after the percentage."""
    parts = [fmt(terms.allowed)] + ([fmt(terms.copay)] if terms.copay else [])
    if before:
        parts += [fmt(ded)] if ded else []
        estimate = percent_of(terms.allowed - terms.copay - ded, terms.percent)
        amount = parts[0] if len(parts) == 1 else f"({' - '.join(parts)})"
        steps.append(f"{amount} x {terms.percent}% = {fmt(estimate)}")
        return estimate
    estimate = max(0, base - ded)
    amount = parts[0] if len(parts) == 1 else f"({' - '.join(parts)})"
    steps.append(f"{amount} x {terms.percent}% - {fmt(ded)} = {fmt(estimate)}")
    return estimate
