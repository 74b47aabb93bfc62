"""Account balances straight from SQL sums, for lists (search, balance, aging).

The definitions are those of `estimator.ledger.balances` (the pure reference):
total = completed charges - capitation write-offs posted - insurance paid and
written off - patient payments + adjustments; insurance = estimate + write-off
estimate of completed work still expected from insurance (not received, not
do-not-bill), of which ``writeoff_est`` the write-off estimates. A test reconciles
the two over every scenario and the demo office.
Summing in SQL keeps a 50-row search result from loading 50 families.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from estimator.ledger_types import Balance

from ..connection import Database

# Completed work still expected from insurance (not received, not do-not-bill).
_EXPECTED = ("SELECT p.patient_id, sum({cents}) "
             "FROM claim_proc cp JOIN procedure p ON p.id = cp.procedure_id "
             "WHERE p.patient_id IN ({{ids}}) AND p.status = 'complete' "
             "AND cp.status IN ('estimate', 'not_received') AND NOT cp.no_bill GROUP BY 1")

_PARTS = (
    # (sign, part, SQL giving (patient_id, cents) for patients in {ids})
    (1, "total", "SELECT patient_id, sum(fee_cents * units) FROM procedure "
                 "WHERE patient_id IN ({ids}) AND status = 'complete' GROUP BY 1"),
    (-1, "total", "SELECT p.patient_id, sum(CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents "
                  "ELSE cp.writeoff_est_cents END) FROM claim_proc cp "
                  "JOIN procedure p ON p.id = cp.procedure_id WHERE p.patient_id IN ({ids}) "
                  "AND p.status = 'complete' AND cp.status = 'cap_complete' GROUP BY 1"),
    (-1, "total", "SELECT p.patient_id, sum(cp.paid_cents + cp.writeoff_cents) FROM claim_proc cp "
                  "JOIN procedure p ON p.id = cp.procedure_id WHERE p.patient_id IN ({ids}) "
                  "AND p.status != 'deleted' AND cp.status = 'received' GROUP BY 1"),
    (-1, "total", "SELECT patient_id, sum(amount_cents) FROM patient_payment "
                  "WHERE patient_id IN ({ids}) GROUP BY 1"),
    (1, "total", "SELECT patient_id, sum(amount_cents) FROM adjustment "
                 "WHERE patient_id IN ({ids}) GROUP BY 1"),
    (1, "insurance", _EXPECTED.format(cents="cp.ins_est_cents + cp.writeoff_est_cents")),
    (1, "writeoff", _EXPECTED.format(cents="cp.writeoff_est_cents")),
)


def patient_balances(db: Database, patient_ids: Iterable[int]) -> dict[int, Balance]:
    """Balance of each patient (database ids), zero for patients with nothing posted."""
    ids = sorted({int(p) for p in patient_ids})
    sums: dict[int, dict[str, int]] = defaultdict(lambda: {"total": 0, "insurance": 0, "writeoff": 0})
    if ids:
        inn = ",".join(map(str, ids))
        for sign, part, sql in _PARTS:
            for pid, cents in db.execute_sql(sql.format(ids=inn)):
                sums[pid][part] += sign * (cents or 0)
    return {pid: Balance(total=sums[pid]["total"], insurance=sums[pid]["insurance"],
                         patient=sums[pid]["total"] - sums[pid]["insurance"],
                         writeoff_est=sums[pid]["writeoff"]) for pid in ids}


def family_totals(db: Database, guarantor_ids: Iterable[int]) -> dict[int, int]:
    """Sum of the members' account balances for each guarantor (database ids)."""
    gids = sorted({int(g) for g in guarantor_ids})
    if not gids:
        return {}
    inn = ",".join(map(str, gids))
    members = db.execute_sql(f"SELECT id, coalesce(guarantor_id, id) FROM patient "
                             f"WHERE id IN ({inn}) OR guarantor_id IN ({inn})").fetchall()
    bal = patient_balances(db, [pid for pid, _ in members])
    totals = dict.fromkeys(gids, 0)
    for pid, gid in members:
        totals[gid] = totals.get(gid, 0) + bal[pid].total
    return totals


def expected_writeoffs(db: Database, patient_ids: Iterable[int]) -> dict[int, int]:
    """Each patient's write-off estimates still expected on completed work (`Balance.writeoff_est`)."""
    ids = sorted({int(p) for p in patient_ids})
    if not ids:
        return {}
    sql = _EXPECTED.format(cents="cp.writeoff_est_cents").format(ids=",".join(map(str, ids)))
    return {pid: cents or 0 for pid, cents in db.execute_sql(sql)}
