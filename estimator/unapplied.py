"""Unapplied patient money applied to the family's lines, oldest procedure first.

A payment the front desk did not put on a procedure (or the part of one that landed on no
completed work of its own patient) is a credit on the account. For each line's balance and
colour it is applied to what the patients still owe on completed work, oldest procedure
first, across the family (the guarantor pays for everyone): a family whose account is at
0.00 never shows a line the patient still owes. The account balances do not change; only
where the money shows.

What is not on a line, in date order (`Loose`):
- a credit (a payment's unallocated part, a negative adjustment not on a procedure) waits
  to be applied;
- a debit (a refund, a positive adjustment not on a procedure) first takes back the latest
  credits before it (a refund returns a payment), what is left of it stays owed on the
  account.
The credits left are then applied to the lines' patient balances (`Owed`, oldest first).
Pure arithmetic over plain tuples: the ledger card (`estimator.ledger_index`), the store's
derived table of applied parts and the carrier report use the same result.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable, Sequence

Key = Hashable


@dataclass(frozen=True)
class Loose:
    """Money on the account but not on a line: ``amount`` > 0 is a credit, < 0 a debit.
    ``order`` sorts it among the others (its date first)."""
    key: Key
    order: tuple
    amount: int


@dataclass(frozen=True)
class Owed:
    """What the patient still owes on one completed procedure (its line), > 0."""
    procedure: Key
    order: tuple   # oldest first: date, then the card's order of procedures
    amount: int


@dataclass(frozen=True)
class Applied:
    """``amount`` of the credit ``credit`` shown as paying procedure ``procedure``."""
    credit: Key
    procedure: Key
    amount: int


def apply_unapplied(loose: Iterable[Loose], owed: Iterable[Owed]) -> tuple[Applied, ...]:
    """The parts of the credits applied to the lines, oldest credit to oldest line."""
    credits = _netted(sorted(loose, key=lambda item: item.order))
    lines = [[o.procedure, o.amount] for o in sorted(owed, key=lambda o: o.order) if o.amount > 0]
    out: list[Applied] = []
    i = 0
    for key, left in credits:
        while left > 0 and i < len(lines):
            part = min(left, lines[i][1])
            out.append(Applied(key, lines[i][0], part))
            left -= part
            lines[i][1] -= part
            if lines[i][1] == 0:
                i += 1
    return tuple(out)


def _netted(items: Sequence[Loose]) -> list[tuple[Key, int]]:
    """Credits in order, each less what later debits took back (latest credit first)."""
    stack: list[list] = []  # [key, amount left], in order
    for item in items:
        if item.amount > 0:
            stack.append([item.key, item.amount])
            continue
        debit = -item.amount
        for credit in reversed(stack):
            if debit == 0:
                break
            taken = min(debit, credit[1])
            credit[1] -= taken
            debit -= taken
    return [(key, left) for key, left in stack if left > 0]


def applied_by_procedure(parts: Iterable[Applied]) -> dict[Key, int]:
    """The sum applied to each procedure."""
    out: dict[Key, int] = {}
    for part in parts:
        out[part.procedure] = out.get(part.procedure, 0) + part.amount
    return out
