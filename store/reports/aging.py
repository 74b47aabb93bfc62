"""A/R aging per family (guarantor): 0-30, 31-60, 61-90, over 90 days, the insurance
estimate and the patient estimate; credit balances listed apart."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from estimator.aging import apply_credits, bucket_edges
from estimator.report_table import (
    ACCOUNT, KINDS_BY_NAME, ReportColumn, ReportSection, ReportTable,
)

from ..connection import Database
from ..family.ids import IdMap, display_name
from .common import q, total_row

# Every dated amount of every account, summed per patient into debits by age bucket and
# credits (estimator.ledger.account_items): a completed procedure's balance at its date
# (charge - insurance paid and written off - posted capitation write-off - payments
# allocated to it + adjustments on it); insurance money on work not complete; the unallocated
# part of each payment; adjustments not on the patient's own completed work. Then per family.
# - `work` walks the procedures in patient order (its ORDER BY is the index's, so the
#   per-patient sums need no sort; LIMIT -1 OFFSET 0 keeps SQLite from flattening it, which
#   would evaluate the balance once per CASE); each procedure's insurance money is one
#   look-up in a covering index; only procedures with an allocation or an adjustment
#   (`touched`, usually few) run the two look-ups for them.
# - the insurance still expected (Ins est) is summed apart: it never changes a bucket.
# ?1..?3: the first day of the 0-30, 31-60 and 61-90 buckets.
AGING_SQL = """
WITH touched(id) AS MATERIALIZED (
  SELECT procedure_id FROM payment_allocation
  UNION SELECT procedure_id FROM adjustment WHERE procedure_id IS NOT NULL
),
work(pid, day, amt) AS (
  SELECT p.patient_id, p.date,
    CASE WHEN p.status = 'complete' THEN
      p.fee_cents * p.units
      - (SELECT coalesce(sum(CASE cp.status
                     WHEN 'received' THEN cp.paid_cents + cp.writeoff_cents
                     WHEN 'cap_complete' THEN CASE WHEN cp.writeoff_cents != 0
                                              THEN cp.writeoff_cents ELSE cp.writeoff_est_cents END
                     ELSE 0 END), 0)
         FROM claim_proc cp INDEXED BY report_claim_proc_money WHERE cp.procedure_id = p.id)
      - CASE WHEN p.id IN (SELECT id FROM touched) THEN
          (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_allocation a
           CROSS JOIN patient_payment pp ON pp.id = a.payment_id
           WHERE a.procedure_id = p.id AND pp.patient_id = p.patient_id)
          - (SELECT coalesce(sum(j.amount_cents), 0) FROM adjustment j
             WHERE j.procedure_id = p.id AND +j.patient_id = p.patient_id)
        ELSE 0 END
    ELSE
      -(SELECT coalesce(sum(cp.paid_cents + cp.writeoff_cents), 0)
        FROM claim_proc cp INDEXED BY report_claim_proc_money
        WHERE cp.procedure_id = p.id AND cp.status = 'received')
    END
  FROM procedure p INDEXED BY procedure_patient_id_date_id
  WHERE p.status != 'deleted'
  ORDER BY p.patient_id LIMIT -1 OFFSET 0
),
money(pid, day, amt) AS (
  SELECT pp.patient_id, pp.date,
    CASE WHEN pp.id IN (SELECT payment_id FROM payment_allocation) THEN
      (SELECT coalesce(sum(a.amount_cents), 0) FROM payment_allocation a
       CROSS JOIN procedure p ON p.id = a.procedure_id
       WHERE a.payment_id = pp.id AND p.patient_id = pp.patient_id AND p.status = 'complete')
    ELSE 0 END - pp.amount_cents
  FROM patient_payment pp
  UNION ALL
  SELECT j.patient_id, j.date, j.amount_cents FROM adjustment j
  WHERE j.procedure_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM procedure p WHERE p.id = j.procedure_id AND p.patient_id = j.patient_id
    AND p.status = 'complete')
),
buckets(pid, b0, b1, b2, b3, credit, ins) AS (
  SELECT pid,
    sum(CASE WHEN amt > 0 AND day >= ?1 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?1 AND day >= ?2 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?2 AND day >= ?3 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?3 THEN amt ELSE 0 END),
    sum(CASE WHEN amt < 0 THEN -amt ELSE 0 END), 0
  FROM work GROUP BY pid
  UNION ALL
  SELECT pid,
    sum(CASE WHEN amt > 0 AND day >= ?1 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?1 AND day >= ?2 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?2 AND day >= ?3 THEN amt ELSE 0 END),
    sum(CASE WHEN amt > 0 AND day < ?3 THEN amt ELSE 0 END),
    sum(CASE WHEN amt < 0 THEN -amt ELSE 0 END), 0
  FROM money GROUP BY pid
  UNION ALL
  SELECT p.patient_id, 0, 0, 0, 0, 0, sum(cp.ins_est_cents + cp.writeoff_est_cents)
  FROM claim_proc cp INDEXED BY report_claim_proc_money
  CROSS JOIN procedure p ON p.id = cp.procedure_id
  WHERE cp.status IN ('estimate', 'not_received') AND NOT cp.no_bill AND p.status = 'complete'
  GROUP BY p.patient_id
)
SELECT g.id, g.last_name, g.first_name, count(*), sum(b0), sum(b1), sum(b2), sum(b3),
       sum(credit), sum(ins), g.file_id
FROM buckets x
CROSS JOIN patient pt ON pt.id = x.pid
CROSS JOIN patient g ON g.id = coalesce(pt.guarantor_id, pt.id)
GROUP BY g.id"""

# The same sums from the materialized ledger lines (`store.derived.ledger_entries`): each line's
# aging amount (`aging_cents`, the items above) and the insurance still owed on it, read in
# the table's own (patient) order, so one scan and no sort per patient, then per family.
# ?1..?3 as above.
AGING_ENTRIES_SQL = """
WITH per(pid, b0, b1, b2, b3, credit, ins) AS (
  SELECT e.patient_id,
    sum(CASE WHEN e.aging_cents > 0 AND e.posted >= ?1 THEN e.aging_cents ELSE 0 END),
    sum(CASE WHEN e.aging_cents > 0 AND e.posted < ?1 AND e.posted >= ?2
             THEN e.aging_cents ELSE 0 END),
    sum(CASE WHEN e.aging_cents > 0 AND e.posted < ?2 AND e.posted >= ?3
             THEN e.aging_cents ELSE 0 END),
    sum(CASE WHEN e.aging_cents > 0 AND e.posted < ?3 THEN e.aging_cents ELSE 0 END),
    sum(CASE WHEN e.aging_cents < 0 THEN -e.aging_cents ELSE 0 END),
    sum(e.ins_owed_cents)
  FROM ledger_entry e
  GROUP BY e.patient_id
)
SELECT g.id, g.last_name, g.first_name, count(*), sum(b0), sum(b1), sum(b2), sum(b3),
       sum(credit), sum(ins), g.file_id
FROM per x
CROSS JOIN patient pt ON pt.id = x.pid
CROSS JOIN patient g ON g.id = coalesce(pt.guarantor_id, pt.id)
GROUP BY g.id"""


@dataclass(frozen=True)
class FamilyAging:
    guarantor_id: int
    guarantor: str
    current: int
    d31_60: int
    d61_90: int
    over_90: int
    insurance: int   # what insurance is still expected to cover
    account: str = ""  # the guarantor as the desk names a patient (opens the family's account)

    @property
    def balance(self) -> int:
        return self.current + self.d31_60 + self.d61_90 + self.over_90

    @property
    def patient(self) -> int:
        return self.balance - self.insurance


def family_aging(db: Database, as_of: date, *, exact: bool = False) -> list[FamilyAging]:
    """Every family with something on its account, aged as of ``as_of`` (by guarantor name);
    from the ledger lines (``exact``: from the postings themselves, the reference)."""
    edges = [d.isoformat() for d in bucket_edges(as_of)]
    out = []
    sql = AGING_SQL if exact else AGING_ENTRIES_SQL
    for gid, last, first, _, b0, b1, b2, b3, credit, ins, file_id in q(db, sql, edges):
        aged = apply_credits((b0, b1, b2, b3), credit)
        if not (aged.total or ins):
            continue
        out.append(FamilyAging(gid, display_name(last, first), aged.current, aged.d31_60,
                               aged.d61_90, aged.over_90, ins,
                               file_id or IdMap.generated("patient", gid)))
    out.sort(key=lambda f: (f.guarantor.lower(), f.guarantor_id))
    return out


AGING_COLUMNS = (
    ReportColumn("guarantor", "Guarantor (family)"), ReportColumn("current", "0-30", True),
    ReportColumn("d31_60", "31-60", True), ReportColumn("d61_90", "61-90", True),
    ReportColumn("over_90", "Over 90", True), ReportColumn("balance", "Balance", True),
    ReportColumn("insurance", "Ins est", True), ReportColumn("patient", "Pt est", True),
)
_AGING_MONEY = ("current", "d31_60", "d61_90", "over_90", "balance", "insurance", "patient")


def aging_report(db: Database, as_of: date) -> ReportTable:
    families = family_aging(db, as_of)
    rows = [{"guarantor": f.guarantor, **{k: getattr(f, k) for k in _AGING_MONEY},
             ACCOUNT: f.account} for f in families]
    owing = tuple(r for r in rows if r["balance"] >= 0)
    credits = tuple(r for r in rows if r["balance"] < 0)
    return ReportTable(
        "aging", f"{KINDS_BY_NAME['aging'].title} as of {as_of.isoformat()}", AGING_COLUMNS,
        (ReportSection("Accounts owing", owing, total_row(owing, _AGING_MONEY, "guarantor", "Total")),
         ReportSection("Credit balances", credits,
                       total_row(credits, _AGING_MONEY, "guarantor", "Total credits"))),
        notes=(f"Each family's balance aged by date as of {as_of.isoformat()}: completed work by "
               "its posted date; payments and credits pay the oldest first.",
               "Ins est: insurance still expected on completed work; Pt est = Balance - Ins est.",
               "Postings dated after the as-of date count as current."),
        grand_total=total_row(rows, _AGING_MONEY, "guarantor", "All accounts"),
        meta={"date": as_of.isoformat()},
    )
