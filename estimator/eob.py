"""Running totals the posting forms show while money is typed: what an EOB's lines
apply against the check, what a payment split leaves on account.

Pure sums of integer cents, here so no widget does money arithmetic.
"""
from __future__ import annotations

from typing import Iterable

from .money import Cents


def applied(amounts: Iterable[Cents]) -> Cents:
    """What the lines add up to (paid amounts of an EOB, parts of a payment split)."""
    return sum(amounts, 0)


def remaining(total: Cents, amounts: Iterable[Cents]) -> Cents:
    """What is left of ``total`` (the check, the payment) after the lines: 0 when they match,
    negative when the lines apply more than there is."""
    return total - applied(amounts)


def balanced(total: Cents, amounts: Iterable[Cents]) -> bool:
    """The lines apply exactly ``total`` (an insurance payment may only be posted then)."""
    return remaining(total, amounts) == 0
