"""Aging of an account from bucket sums: the same rule as `estimator.ledger` (`aging_of`).

The A/R aging report cannot load every ledger line of a large office, so the store sums each
family's debits by age bucket and its credits in SQL, and this module applies the rule:
credits (payments, negative balances) pay the oldest bucket first; a credit left over shows
as a negative current bucket. The buckets then add up to the account balance.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

from .ledger_types import Aging

BUCKET_DAYS = (30, 60, 90)  # 0-30, 31-60, 61-90, over 90


def bucket_edges(today: date) -> tuple[date, date, date]:
    """The oldest date of each of the first three buckets: an item dated on or after
    ``edges[0]`` is 0-30 days old (future dates count as current), on or after ``edges[1]``
    31-60, on or after ``edges[2]`` 61-90, older is over 90."""
    return tuple(today - timedelta(days=n) for n in BUCKET_DAYS)  # type: ignore[return-value]


def bucket_of(day: date, today: date) -> int:
    """0: 0-30 days, 1: 31-60, 2: 61-90, 3: over 90."""
    for i, edge in enumerate(bucket_edges(today)):
        if day >= edge:
            return i
    return 3


def apply_credits(debits: Sequence[int], credit: int) -> Aging:
    """Aging from debits per bucket (current .. over 90, each >= 0) and the total credit (>= 0)."""
    buckets = list(debits)
    left = credit
    for i in (3, 2, 1, 0):
        applied = min(left, buckets[i])
        buckets[i] -= applied
        left -= applied
    buckets[0] -= left
    return Aging(current=buckets[0], d31_60=buckets[1], d61_90=buckets[2], over_90=buckets[3])
