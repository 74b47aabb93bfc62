"""Running totals of deductible and benefits used, per plan, patient (or family) and benefit year.

Every line adds what it uses when it is estimated, so the next line in estimation order sees it
(estimation.md "Estimation order"). Received lines are counted up front with their actual amounts
(they are history for every line), and benefits used elsewhere belong to the year containing as_of.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from .model import Plan, ProcedureCode

LIFETIME = date.min  # the "benefit year" of lifetime (orthodontic) limits


@dataclass(frozen=True)
class Limit:
    """The one maximum that governs a code for a plan (estimation.md step 9)."""
    kind: str          # "annual", "code" or "category"
    name: str          # "" for annual, else the code or category
    amount: int | None  # None = unknown (no cap)
    family: int | None
    lifetime: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.name)


def limit_for(plan: Plan, code: ProcedureCode) -> Limit:
    """Code limit, else the most specific category limit, else the annual maximum."""
    ortho = "orthodontics" in code.category_path
    if code.code in plan.code_limits:
        return Limit("code", code.code, plan.code_limits[code.code], None, ortho)
    for category in reversed(code.category_path):
        if category in plan.category_limits:
            return Limit("category", category, plan.category_limits[category],
                         plan.category_family_limits.get(category), category == "orthodontics")
    return Limit("annual", "", plan.annual_max, plan.family_annual_max, False)


@dataclass(frozen=True)
class Use:
    """Where one line's deductible and payment count."""
    plan: str
    patient: str
    family: str
    year: date
    code: str
    categories: tuple[str, ...]
    limit: Limit


def counted(use: Use, deductible: int, paid: int) -> list[tuple[tuple, int]]:
    """The running totals a line's deductible and payment go to, with the amounts."""
    keys: list[tuple[tuple, int]] = []
    if deductible:
        keys += [(("ded", use.plan, use.patient, use.year), deductible),
                 (("ded_fam", use.plan, use.family, use.year), deductible),
                 (("ded_code", use.plan, use.patient, use.year, use.code), deductible)]
        keys += [(("ded_cat", use.plan, use.patient, use.year, category), deductible)
                 for category in use.categories]
    if paid:
        period = LIFETIME if use.limit.lifetime else use.year
        keys += [(("max", use.plan, use.patient, period, use.limit.key), paid),
                 (("max_fam", use.plan, use.family, period, use.limit.key), paid)]
    return keys


class Usage:
    """Running totals; ``history`` (optional, not changed) holds amounts every line sees, so a
    replay step starts from it without copying it.

    Rules read only what is left of an amount (`left`: never below 0), so once a deductible or
    maximum is used up, using more of it changes no estimate (the replay relies on it)."""

    def __init__(self, history: "Usage | None" = None) -> None:
        self.totals: dict[tuple, int] = defaultdict(int)
        self._history = history

    def _get(self, key: tuple) -> int:
        own = self.totals.get(key, 0)
        return own if self._history is None else own + self._history._get(key)

    def _bump(self, key: tuple, amount: int) -> None:
        self.totals[key] += amount

    def add(self, use: Use, deductible: int, paid: int) -> None:
        for key, amount in counted(use, deductible, paid):
            self._bump(key, amount)

    def add_elsewhere(self, plan: str, patient: str, family: str, year: date,
                      paid: int, deductible: int) -> None:
        """Benefits used elsewhere: the general deductible and the annual (and family annual) max."""
        self._bump(("ded", plan, patient, year), deductible)
        self._bump(("ded_fam", plan, family, year), deductible)
        self._bump(("max", plan, patient, year, ("annual", "")), paid)
        self._bump(("max_fam", plan, family, year, ("annual", "")), paid)

    # -- reading: what is left of an amount -------------------------------------

    def left(self, key: tuple, amount: int) -> int:
        return max(0, amount - self._get(key))

    def deductible_left(self, use: Use, amount: int) -> int:
        return self.left(("ded", use.plan, use.patient, use.year), amount)

    def family_deductible_left(self, use: Use, amount: int) -> int:
        return self.left(("ded_fam", use.plan, use.family, use.year), amount)

    def code_deductible_left(self, use: Use, amount: int) -> int:
        return self.left(("ded_code", use.plan, use.patient, use.year, use.code), amount)

    def category_deductible_left(self, use: Use, category: str, amount: int) -> int:
        return self.left(("ded_cat", use.plan, use.patient, use.year, category), amount)

    def max_left(self, use: Use, amount: int) -> int:
        period = LIFETIME if use.limit.lifetime else use.year
        return self.left(("max", use.plan, use.patient, period, use.limit.key), amount)

    def family_max_left(self, use: Use, amount: int) -> int:
        period = LIFETIME if use.limit.lifetime else use.year
        return self.left(("max_fam", use.plan, use.family, period, use.limit.key), amount)
