"""Frequency limits (estimation.md step 12), counted from per-patient sorted date lists.

A line is past its limit when the patient already has ``quantity`` procedures of the code or
category inside the window: completed work dated in the window and not after the line (same-day
work only when it comes earlier in estimation order), plus earlier planned lines.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date
from typing import Callable, Iterable, Mapping

from .dates import benefit_year_start, months_before
from .model import FrequencyLimit, Plan, Procedure, ProcedureCode


def _keys(code: ProcedureCode) -> list[tuple[str, str]]:
    return [("code", code.code)] + [("cat", c) for c in code.category_path]


def _rule_key(rule: FrequencyLimit) -> tuple[str, str]:
    return ("code", rule.code) if rule.code else ("cat", rule.category or "")


def _describe(rule: FrequencyLimit) -> str:
    what = rule.code or rule.category
    if rule.per == "benefit_year":
        return f"{rule.quantity} {what} per benefit year"
    unit = rule.per if rule.count != 1 else rule.per.rstrip("s")
    count = f"{rule.count} " if rule.count != 1 else ""
    return f"{rule.quantity} {what} per {count}{unit}"


class FrequencyBook:
    def __init__(self, completed: Iterable[tuple[Procedure, ProcedureCode]], plans: Iterable[Plan]):
        wanted = {_rule_key(rule) for plan in plans for rule in plan.frequency}
        dates: dict[tuple, list[date]] = defaultdict(list)
        self._same_day: dict[tuple, list[str]] = defaultdict(list)
        for proc, code in completed if wanted else ():
            for key in _keys(code):
                if key in wanted:
                    dates[(proc.patient, key)].append(proc.date)
                    self._same_day[(proc.patient, key, proc.date)].append(proc.id)
        self._dates = {k: sorted(v) for k, v in dates.items()}

    def check(self, plan: Plan, proc: Procedure, code: ProcedureCode, when: date,
              planned: Mapping[tuple, int] | None, earlier: Callable[[str], bool]) -> str:
        """An explanation step when the line is past a frequency limit, else "".

        ``planned``: for a planned line, the counts of earlier planned lines (see `record_planned`)."""
        keys = set(_keys(code))
        for rule in plan.frequency:
            key = _rule_key(rule)
            if key not in keys:
                continue
            used = self._count(plan, rule, key, proc, when, planned, earlier)
            if used >= rule.quantity:
                return f"frequency {_describe(rule)} already used -> 0.00"
        return ""

    @staticmethod
    def record_planned(planned: dict[tuple, int], plan: Plan, proc: Procedure, code: ProcedureCode) -> None:
        keys = set(_keys(code))
        for rule in plan.frequency:
            key = _rule_key(rule)
            if key in keys:
                planned[(proc.patient, plan.id, key)] = planned.get((proc.patient, plan.id, key), 0) + 1

    def _count(self, plan: Plan, rule: FrequencyLimit, key: tuple, proc: Procedure, when: date,
               planned: Mapping[tuple, int] | None, earlier: Callable[[str], bool]) -> int:
        dates = self._dates.get((proc.patient, key), [])
        if rule.per == "benefit_year":
            lo = bisect_left(dates, benefit_year_start(when, plan.renew_month))
        else:
            months = rule.count * (12 if rule.per == "years" else 1)
            lo = bisect_right(dates, months_before(when, months))  # a rolling window excludes its start
        hi = bisect_left(dates, when)
        count = max(0, hi - lo)
        count += sum(1 for pid in self._same_day.get((proc.patient, key, when), ())
                     if pid != proc.id and earlier(pid))
        if planned is not None:
            count += planned.get((proc.patient, plan.id, key), 0)
        return count
