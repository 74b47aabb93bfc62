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
- `estimate_import(practice, frozen)`: the same for a family just imported, skipping the work
  for a family whose lines all keep their estimate.
- `benefits_summary(...)`: annual max and deductible used / left for a patient and plan.
"""
from __future__ import annotations

from typing import Mapping

from .lookup import Lookup
from .model import Practice
from .replay import kept_estimates
from .replay import replay_frozen as _replay
from .results import LineEstimate
from .summary import BenefitSummary, benefits_summary
from .worksheet import Key, Run, Workbook, kept_as_they_are, received_as_kept

__all__ = ["estimate_practice", "estimate_import", "replay_frozen", "benefits_summary", "BenefitSummary"]


def estimate_practice(practice: Practice, frozen: Mapping[Key, LineEstimate] | None = None, *,
                      replay_missing: bool = False, lookup: Lookup | None = None
                      ) -> dict[Key, LineEstimate]:
    """One LineEstimate per (procedure id, plan id) for every plan covering the procedure's patient.
    ``lookup``: the practice's `Lookup` when the caller has built it."""
    book = Workbook(practice, lookup)
    if practice.preferences.ins_est_recalc_received:
        frozen = {}
    elif frozen is None or replay_missing:
        given = kept_estimates(practice)
        given.update(frozen or {})
        frozen = _replay(practice, book, given)  # a family's replay reuses its lines (built once)
    return Run(book, book.lk.state, frozen).run()  # the lookup's state: every payment entered


def estimate_import(practice: Practice, frozen: Mapping[Key, LineEstimate]) -> dict[Key, LineEstimate]:
    """``estimate_practice(practice, frozen, replay_missing=True)`` for a family just imported:
    the same lines, but a family whose lines are all received and keep their estimate as it
    is (most of an import's) is neither built nor estimated (`worksheet.kept_as_they_are`);
    its lines come in procedure order."""
    lk = Lookup(practice)
    kept = kept_as_they_are(lk, frozen)
    if kept is not None:
        return kept
    return estimate_practice(practice, frozen, replay_missing=True, lookup=lk)


def estimate_file_family(practice: Practice) -> dict[Key, LineEstimate]:
    """``estimate_practice(practice, None, replay_missing=True)`` for one family of a practice
    file, as `estimate_import` gives it once stored: a family whose lines are all received with
    the file's kept estimate is neither built nor estimated (`worksheet.received_as_kept`)."""
    lk = Lookup(practice)
    kept = received_as_kept(lk, kept_estimates(practice))
    if kept is not None:
        return kept
    return estimate_practice(practice, None, replay_missing=True, lookup=lk)


def replay_frozen(practice: Practice) -> dict[Key, LineEstimate]:
    """The estimates received lines had just before their claim was first paid (for imports):
    the claims' kept estimates, the others replayed."""
    if practice.preferences.ins_est_recalc_received:
        return {}
    return _replay(practice, given=kept_estimates(practice))
