"""The insurance estimator: one claim procedure (line) per procedure and covering plan.

Follows ../shared/spec/estimation.md; pure (plain data in, plain data out).

- `estimate_practice(practice, frozen=None)`: every line of a practice, or of one family's subset.
  Lines are estimated in estimation order, each seeing the deductible, maximum and frequency used
  by the lines before it (`worksheet`).
- Received lines keep the estimate made before payment: taken from ``frozen`` when given (the live
  app keeps the stored estimate when a payment is entered), else from the claims' kept estimates
  (a practice file's) and, for lines without one, rebuilt by `replay_frozen`; ``replay_missing``:
  ``frozen`` holds those known so far (an import's) and the others are rebuilt.
  The preference ``ins_est_recalc_received`` re-estimates them instead.
- `benefits_summary(...)`: annual max and deductible used / left for a patient and plan.
"""
from __future__ import annotations

from typing import Mapping

from .model import Practice
from .replay import kept_estimates
from .replay import replay_frozen as _replay
from .results import LineEstimate
from .summary import BenefitSummary, benefits_summary
from .worksheet import Key, Run, Workbook

__all__ = ["estimate_practice", "replay_frozen", "benefits_summary", "BenefitSummary"]


def estimate_practice(practice: Practice, frozen: Mapping[Key, LineEstimate] | None = None, *,
                      replay_missing: bool = False) -> dict[Key, LineEstimate]:
    """One LineEstimate per (procedure id, plan id) for every plan covering the procedure's patient."""
    book = Workbook(practice)
    if practice.preferences.ins_est_recalc_received:
        frozen = {}
    elif frozen is None or replay_missing:
        given = kept_estimates(practice)
        given.update(frozen or {})
        frozen = _replay(practice, book, given)  # a family's replay reuses its lines (built once)
    return Run(book, book.lk.state, frozen).run()  # the lookup's state: every payment entered


def replay_frozen(practice: Practice) -> dict[Key, LineEstimate]:
    """The estimates received lines had just before their claim was first paid (for imports):
    the claims' kept estimates, the others replayed."""
    if practice.preferences.ins_est_recalc_received:
        return {}
    return _replay(practice, given=kept_estimates(practice))
