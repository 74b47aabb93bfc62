"""The per-carrier report's sums by calendar month, kept current with the postings.

A year's report for every carrier must not read a year of claims, checks and payments, so
each patient's part of it is materialized per (carrier, month) in `models.PatientCarrierMonth`
and the practice's sums in `models.CarrierMonth`: billed and outstanding (claims by their
date), insurance paid and written off (check lines by the check's date), capitation
write-offs (by the work's date) and patient paid (by the payment's date, under the carrier of
the work it paid: allocated, or shown on a line by `store.derived.applied_credits`), under the same
rules as `store.reports.carriers` (whose exact SQL stays the reference and serves the partial
months at a range's edges). Hand-posted write-offs are not summed here: which carrier owns
one depends on the carriers' write-off codes and names, which a set-up change edits without
re-estimating anyone, and they are few, so the report reads them by date every time.

Kept current by `rebuild_family`, which `store.derived.estimates.reestimate_family` runs next to the
ledger lines' rebuild in the posting's transaction: the family's patients' rows are replaced
and the difference added to `CarrierMonth` (`rebuild_families`: the same for a posting's
families, a chunk at a time, writing only the rows that changed). `rebuild_all` refills both (bulk load, migration,
re-estimating everything). Carrier 0 stands for "no insurance" (keys cannot be NULL).
"""
from __future__ import annotations

from collections import defaultdict
from typing import Mapping

from ..connection import Database, bind_list, column_names, executemany, list_rows
from ..family.ids import family_patient_ids

MONEY = ("billed_cents", "ins_paid_cents", "pt_paid_cents", "written_off_cents",
         "outstanding_cents")
BILLED, INS_PAID, PT_PAID, WRITTEN_OFF, OUTSTANDING = range(5)
NONE = 0  # carrier_id of payers without insurance

# The carrier of the work a payment paid: the procedure's first plan (its primary line).
_CARRIER_OF = """(SELECT pl.carrier_id FROM claim_proc cp CROSS JOIN plan pl ON pl.id = cp.plan_id
   WHERE cp.procedure_id = {procedure}
   ORDER BY cp.coverage_order = 0, cp.coverage_order, cp.id LIMIT 1)"""

_BILLED = """
SELECT t.id, pl.carrier_id, substr(CAST(c.date AS TEXT), 1, 7), sum(p.fee_cents * p.units),
       sum(CASE WHEN cp.status = 'not_received' THEN cp.ins_est_cents ELSE 0 END)
FROM patient t CROSS JOIN procedure p ON p.patient_id = t.id
CROSS JOIN claim_proc cp ON cp.procedure_id = p.id
CROSS JOIN claim c ON c.id = cp.claim_id
CROSS JOIN plan pl ON pl.id = c.plan_id
WHERE {f} AND c.status != 'preauth' AND p.status != 'deleted'
GROUP BY 1, 2, 3"""

_CHECKS = """
SELECT t.id, coalesce(pay.carrier_id, pl.carrier_id), substr(CAST(pay.date AS TEXT), 1, 7),
       sum(l.paid_cents), sum(l.writeoff_cents)
FROM patient t CROSS JOIN procedure p ON p.patient_id = t.id
CROSS JOIN claim_proc cp ON cp.procedure_id = p.id
CROSS JOIN claim_payment_line l ON l.claim_proc_id = cp.id
CROSS JOIN claim_payment pay ON pay.id = l.payment_id
CROSS JOIN plan pl ON pl.id = cp.plan_id
WHERE {f}
GROUP BY 1, 2, 3"""

_CAPITATION = """
SELECT t.id, pl.carrier_id, substr(CAST(p.date AS TEXT), 1, 7),
       sum(CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents ELSE cp.writeoff_est_cents END)
FROM patient t CROSS JOIN procedure p ON p.patient_id = t.id
CROSS JOIN claim_proc cp ON cp.procedure_id = p.id
CROSS JOIN plan pl ON pl.id = cp.plan_id
WHERE {f} AND cp.status = 'cap_complete' AND p.status = 'complete'
GROUP BY 1, 2, 3"""

_PAID = """
SELECT t.id, CAST(NULL AS BIGINT), substr(CAST(pp.date AS TEXT), 1, 7), sum(pp.amount_cents)
FROM patient t CROSS JOIN patient_payment pp ON pp.patient_id = t.id
WHERE {f}
GROUP BY 1, 2, 3"""

# The parts of payments that paid work (moved from "no insurance" to the work's carrier): parts
# allocated to the payer's own completed work, and unapplied money shown on a line (oldest
# procedure first, `store.derived.applied_credits`).
_PAID_ALLOCATED = f"""
SELECT t.id, {_CARRIER_OF.format(procedure="a.procedure_id")}, substr(CAST(pp.date AS TEXT), 1, 7),
       sum(a.amount_cents)
FROM patient t CROSS JOIN patient_payment pp ON pp.patient_id = t.id
CROSS JOIN payment_allocation a ON a.payment_id = pp.id
CROSS JOIN procedure p ON p.id = a.procedure_id
WHERE {{f}} AND p.patient_id = pp.patient_id AND p.status = 'complete'
GROUP BY 1, 2, 3"""

_PAID_APPLIED = f"""
SELECT t.id, {_CARRIER_OF.format(procedure="c.procedure_id")}, substr(CAST(pp.date AS TEXT), 1, 7),
       sum(c.amount_cents)
FROM patient t CROSS JOIN patient_payment pp ON pp.patient_id = t.id
CROSS JOIN applied_credit c ON c.payment_id = pp.id
WHERE {{f}}
GROUP BY 1, 2, 3"""

Key = tuple  # (patient id, carrier id, month)
_ZERO = [0, 0, 0, 0, 0]
_FAMILY = list_rows("?1")


def _q(db: Database, sql: str, params=()) -> list[tuple]:
    return db.execute_sql(sql, params).fetchall()


def contributions(db: Database, where: str, params=(), *,
                  applied: bool = True) -> dict[Key, list[int]]:
    """Each patient's (``where``, on alias t, with ``params``) sums per carrier and month,
    zero rows dropped. ``applied=False``: without unapplied money shown on lines (a database
    being migrated from before `models.AppliedCredit`; a later step fills it and rebuilds)."""
    out: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])

    def add(pid, cid, month, column, cents):
        out[(pid, cid if cid is not None else NONE, month)][column] += cents or 0

    for pid, cid, month, billed, outstanding in _q(db, _BILLED.format(f=where), params):
        add(pid, cid, month, BILLED, billed)
        add(pid, cid, month, OUTSTANDING, outstanding)
    for pid, cid, month, paid, writeoff in _q(db, _CHECKS.format(f=where), params):
        add(pid, cid, month, INS_PAID, paid)
        add(pid, cid, month, WRITTEN_OFF, writeoff)
    for pid, cid, month, cents in _q(db, _CAPITATION.format(f=where), params):
        add(pid, cid, month, WRITTEN_OFF, cents)
    for pid, _, month, cents in _q(db, _PAID.format(f=where), params):
        add(pid, NONE, month, PT_PAID, cents)
    for sql in (_PAID_ALLOCATED, _PAID_APPLIED) if applied else (_PAID_ALLOCATED,):
        for pid, carrier, month, cents in _q(db, sql.format(f=where), params):
            if carrier is not None:  # moves from "no insurance" to the paid work's carrier
                add(pid, carrier, month, PT_PAID, cents)
                add(pid, NONE, month, PT_PAID, -(cents or 0))
    return {k: v for k, v in out.items() if any(v)}


def rebuild_family(db: Database, guarantor_id: int, members: list[int] | None = None) -> int:
    """Replace the rows of one family's patients (``members`` when the caller has them)
    and carry the difference into the practice's sums (inside the caller's transaction).
    Returns the rows written."""
    members = family_patient_ids(db, guarantor_id) if members is None else members
    if not members:
        return 0
    # The family is bound (JSON), not written into the SQL: the statements stay prepared.
    family = (bind_list([int(m) for m in members]),)
    diff: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for cid, month, *money in _q(
            db, f"SELECT carrier_id, month, {', '.join(MONEY)} FROM patient_carrier_month "
                f"WHERE patient_id IN {_FAMILY}", family):
        diff[(cid, month)] = [d - m for d, m in zip(diff[(cid, month)], money)]
    db.execute_sql(f"DELETE FROM patient_carrier_month WHERE patient_id IN {_FAMILY}", family)
    new = contributions(db, f"t.id IN {_FAMILY}", family)
    for (_, cid, month), money in new.items():
        diff[(cid, month)] = [d + m for d, m in zip(diff[(cid, month)], money)]
    _insert(db, new)
    _add_to_practice(db, {key: money for key, money in diff.items() if any(money)})
    return len(new)


def rebuild_families(db: Database, family_of: Mapping[int, int]) -> int:
    """`rebuild_family` for several whole families at once (``family_of``: patient ->
    guarantor, every patient of the families), with the same result: each (carrier, month)
    that any one family changes gets the families' differences added (a row the practice
    lacked is created even when they cancel out, as one family after another would)."""
    if not family_of:
        return 0
    family = (bind_list(sorted(family_of)),)
    old = {(pid, cid, month): list(money) for pid, cid, month, *money in _q(
        db, f"SELECT patient_id, carrier_id, month, {', '.join(MONEY)} "
            f"FROM patient_carrier_month WHERE patient_id IN {_FAMILY}", family)}
    new = contributions(db, f"t.id IN {_FAMILY}", family)
    diffs: dict[int, dict[tuple, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0, 0, 0]))
    for key in old.keys() | new.keys():
        before, after = old.get(key, _ZERO), new.get(key, _ZERO)
        if before != after:  # a patient's row as it was adds nothing to the family's change
            diff = diffs[family_of[key[0]]][key[1:]]
            diff[:] = [d + a - b for d, a, b in zip(diff, after, before)]
    # Only the patients' rows that differ are written (most are as they were).
    gone = [key for key in old if key not in new]
    if gone:
        executemany(db, "DELETE FROM patient_carrier_month WHERE patient_id = ? "
                        "AND carrier_id = ? AND month = ?", gone)
    _insert(db, {key: money for key, money in new.items() if old.get(key) != money},
            replace=True)
    total: dict[tuple, list[int]] = {}
    for by_key in diffs.values():
        for key, money in by_key.items():
            if any(money):
                total[key] = [t + m for t, m in zip(total.get(key, [0] * 5), money)]
    _add_to_practice(db, total)
    return len(new)


def _add_to_practice(db: Database, diff: Mapping[tuple, list[int]]) -> None:
    """Add each (carrier, month)'s difference to `CarrierMonth` (a missing row is created)."""
    # in key order: concurrent postings of other families update shared rows in one order
    changes = sorted((cid, month, *money) for (cid, month), money in diff.items())
    if changes:
        sets = ", ".join(f"{c} = carrier_month.{c} + excluded.{c}" for c in MONEY)
        executemany(
            db, f"INSERT INTO carrier_month (carrier_id, month, {', '.join(MONEY)}) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (month, carrier_id) DO UPDATE SET {sets}",
            changes)


def rebuild_all(db: Database) -> int:
    """Refill both tables for the whole practice (bulk loads, migration)."""
    db.execute_sql("DELETE FROM patient_carrier_month")
    db.execute_sql("DELETE FROM carrier_month")
    rows = contributions(db, "TRUE", applied=bool(column_names(db, "applied_credit")))
    _insert(db, rows)
    db.execute_sql(f"""INSERT INTO carrier_month (carrier_id, month, {', '.join(MONEY)})
        SELECT carrier_id, month, {', '.join(f'sum({c})' for c in MONEY)}
        FROM patient_carrier_month GROUP BY carrier_id, month""")
    return len(rows)


def _insert(db: Database, rows: dict[Key, list[int]], *, replace: bool = False) -> None:
    """Write ``rows``; ``replace``: over the rows of the same keys, if any."""
    if rows:
        upsert = (" ON CONFLICT (patient_id, carrier_id, month) DO UPDATE SET "
                  + ", ".join(f"{c} = excluded.{c}" for c in MONEY)) if replace else ""
        executemany(
            db, f"INSERT INTO patient_carrier_month (patient_id, carrier_id, month, "
            f"{', '.join(MONEY)}) VALUES (?, ?, ?, ?, ?, ?, ?, ?){upsert}",
            [(*key, *money) for key, money in rows.items()])


def month_sums(db: Database, first: str, last: str) -> dict[int | None, list[int]]:
    """Per carrier (None: no insurance), the sums of the months ``first``..``last``
    ('YYYY-MM'), in `MONEY` order."""
    return {(cid or None): list(money) for cid, *money in _q(
        db, f"SELECT carrier_id, {', '.join(f'sum({c})' for c in MONEY)} FROM carrier_month "
            "WHERE month BETWEEN ? AND ? GROUP BY carrier_id", (first, last))}
