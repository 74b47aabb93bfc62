"""Unapplied patient money shown on the family's lines (`models.AppliedCredit`), kept current.

The rule is `estimator.unapplied` (oldest procedure first, across the family; a refund or a
charge not on a procedure first takes back the latest credit before it). Its input is read
from the family's `ledger_entry` rows, which hold every amount it needs in card order:

- a completed procedure (priority procedure, k2 0): what the patient owes on it is its
  ``aging_cents`` (the line's balance as posted) less ``ins_owed_cents`` (insurance expected);
- a patient payment: ``-aging_cents`` is what of it landed on no completed work of its own
  patient (a credit; negative for a refund);
- an adjustment not on a procedure: ``aging_cents`` is its amount (a credit when negative).

The order is the card's, (posted, priority, k1): the pure code sorts the same lines by date
and natural id (procedures) or place in the practice's lists (payments, adjustments), which
are the ranks and database ids the entries carry.

`rebuild_family` runs in `store.derived.estimates.reestimate_family` right after the ledger
lines (the report sums read the result), `rebuild_families` in `reestimate_families` (a
posting's families); `rebuild_all` refills the table for a practice.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Mapping

from estimator.ledger_types import PRIORITY
from estimator.unapplied import Loose, Owed, apply_unapplied

from ..connection import Database, bind_list, executemany, in_list
from ..family.ids import family_patient_ids

PROCEDURE, PAYMENT, ADJUSTMENT = (PRIORITY[k] for k in ("procedure", "patient_payment", "adjustment"))

_ENTRIES = f"""
SELECT e.patient_id, e.posted, e.priority, e.k1, e.src_id, e.aging_cents, e.ins_owed_cents
FROM ledger_entry e
WHERE e.patient_id {{family}} AND ((e.priority = {PROCEDURE} AND e.k2 = 0)
   OR (e.priority IN ({PAYMENT}, {ADJUSTMENT}) AND e.aging_cents != 0))"""


def rebuild_family(db: Database, guarantor_id: int, members: list[int] | None = None) -> int:
    """Replace the parts shown on one family's lines (inside the caller's transaction)."""
    members = family_patient_ids(db, guarantor_id) if members is None else members
    if not members:
        return 0
    family = (bind_list([int(m) for m in members]),)
    db.execute_sql(f"DELETE FROM applied_credit WHERE patient_id {in_list('?')}", family)
    rows = db.execute_sql(_ENTRIES.format(family=in_list("?")), family).fetchall()
    return _insert(db, _parts(rows))


def rebuild_families(db: Database, family_of: Mapping[int, int]) -> int:
    """`rebuild_family` for several whole families at once (``family_of``: patient ->
    guarantor, every patient of the families): one read of their entries, each family's
    credits applied within that family only; the families whose parts changed are written
    again in one delete and one insert (in guarantor order). Returns the parts written."""
    if not family_of:
        return 0
    members = (bind_list(sorted(family_of)),)
    families: dict[int, list[tuple]] = defaultdict(list)
    for row in db.execute_sql(_ENTRIES.format(family=in_list("?")), members):
        families[family_of[row[0]]].append(row)
    stored: dict[int, list[tuple]] = defaultdict(list)
    for row in db.execute_sql("SELECT patient_id, procedure_id, payment_id, adjustment_id, "
                              f"amount_cents FROM applied_credit WHERE patient_id {in_list('?')}",
                              members):
        stored[family_of[row[0]]].append(tuple(row))
    # Only the families whose parts differ are written again (most are as they were).
    parts = {g: _parts(families[g]) for g in sorted(set(families) | set(stored))}
    changed = [g for g, mine in parts.items() if Counter(mine) != Counter(stored[g])]
    if changed:
        again = set(changed)
        db.execute_sql(f"DELETE FROM applied_credit WHERE patient_id {in_list('?')}",
                       (bind_list(sorted(p for p, g in family_of.items() if g in again)),))
    return _insert(db, [part for g in changed for part in parts[g]])


def rebuild_all(db: Database) -> int:
    """Every family with money not on a line (bulk loads, migration)."""
    db.execute_sql("DELETE FROM applied_credit")
    credited = (f"IN (SELECT f.id FROM patient f WHERE coalesce(f.guarantor_id, f.id) IN ("
                f"SELECT coalesce(t.guarantor_id, t.id) FROM ledger_entry c "
                f"JOIN patient t ON t.id = c.patient_id "
                f"WHERE c.priority IN ({PAYMENT}, {ADJUSTMENT}) AND c.aging_cents < 0))")
    families: dict[int, list[tuple]] = defaultdict(list)
    guarantors = dict(db.execute_sql("SELECT id, coalesce(guarantor_id, id) FROM patient"))
    for row in db.execute_sql(_ENTRIES.format(family=credited)):
        families[guarantors[row[0]]].append(row)
    # one insert of every family's parts, in the same order (ids as one insert per family gave)
    return _insert(db, [part for rows in families.values() for part in _parts(rows)])


def _parts(rows: Iterable[tuple]) -> list[tuple]:
    """(procedure's patient, procedure, payment or None, adjustment or None, cents)."""
    loose, owed, owner = [], [], {}
    for patient, posted, priority, k1, src, aging, ins_owed in rows:
        if priority == PROCEDURE:
            if aging > ins_owed:  # (`apply_unapplied` passes over lines owing nothing)
                owner[src] = patient
                owed.append(Owed(src, (posted, k1), aging - ins_owed))
        else:
            loose.append(Loose((priority, src), (posted, priority, k1), -aging))
    return [(owner[part.procedure], part.procedure,
             part.credit[1] if part.credit[0] == PAYMENT else None,
             part.credit[1] if part.credit[0] == ADJUSTMENT else None, part.amount)
            for part in apply_unapplied(loose, owed)]


def _insert(db: Database, parts: list[tuple]) -> int:
    if parts:
        executemany(db, "INSERT INTO applied_credit (patient_id, procedure_id, payment_id, "
                        "adjustment_id, amount_cents) VALUES (?, ?, ?, ?, ?)", parts)
    return len(parts)
