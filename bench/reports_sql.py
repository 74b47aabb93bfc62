"""Report queries the app does not have yet, written here as the benchmark's reference.

- `carrier_report`: per carrier for one year, what insurance paid, what it wrote off (both
  from the claim payment lines of checks dated in the year) and what patients whose primary
  plan is with that carrier paid (patient payments dated in the year).
- `ar_aging`: accounts receivable of the whole practice in 0-30 / 31-60 / 61-90 / over-90
  buckets, with the definition of `estimator.ledger_balance.aging_of` (each completed
  procedure's balance at its date, unallocated payments and adjustments at theirs; per
  family, credits pay the oldest bucket first).

`PROPOSED_INDEXES` are the indexes these queries want (the benchmark measures with and
without them); the lead adds the ones worth keeping to `store.models`.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

PROPOSED_INDEXES = (
    # carrier report: the year's checks by date with carrier, covering
    "CREATE INDEX bench_claim_payment_date_carrier ON claim_payment (date, carrier_id, id)",
    # carrier report: each check's lines without touching the table rows
    "CREATE INDEX bench_claim_payment_line_payment_money ON claim_payment_line "
    "(payment_id, paid_cents, writeoff_cents)",
    # carrier report: the year's patient payments by date (today only (patient, date) exists)
    "CREATE INDEX bench_patient_payment_date ON patient_payment (date, patient_id, amount_cents)",
)

INSURANCE_BY_CARRIER = """
SELECT pay.carrier_id, sum(l.paid_cents), sum(l.writeoff_cents)
FROM claim_payment pay JOIN claim_payment_line l ON l.payment_id = pay.id
WHERE pay.date >= ? AND pay.date < ?
GROUP BY pay.carrier_id
"""

PATIENTS_BY_CARRIER = """
SELECT pl.carrier_id, sum(pp.amount_cents)
FROM patient_payment pp
LEFT JOIN patient_coverage pc ON pc.patient_id = pp.patient_id AND pc.coverage_order = 1
LEFT JOIN plan pl ON pl.id = pc.plan_id
WHERE pp.date >= ? AND pp.date < ?
GROUP BY pl.carrier_id
"""


def carrier_report(db, year: int) -> list[dict]:
    """One row per carrier (``carrier`` None: patients without insurance), cents."""
    span = (f"{year}-01-01", f"{year + 1}-01-01")
    rows: dict = defaultdict(lambda: {"insurance_paid": 0, "written_off": 0, "patient_paid": 0})
    for carrier, paid, written_off in db.execute_sql(INSURANCE_BY_CARRIER, span):
        rows[carrier]["insurance_paid"] += paid or 0
        rows[carrier]["written_off"] += written_off or 0
    for carrier, paid in db.execute_sql(PATIENTS_BY_CARRIER, span):
        rows[carrier]["patient_paid"] += paid or 0
    names = dict(db.execute_sql("SELECT id, name FROM carrier"))
    return [{"carrier": names.get(c), **v}
            for c, v in sorted(rows.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))]


# Each completed procedure's balance (charge - insurance paid and written off - posted
# capitation write-offs - allocated payments + adjustments on it), unallocated payments and
# adjustments, and insurance money on work not completed; dated, per guarantor.
AGING_ITEMS = """
WITH items(guarantor, day, amount) AS (
  SELECT coalesce(pt.guarantor_id, pt.id), p.date,
         p.fee_cents * p.units
         - coalesce(sum(CASE cp.status
               WHEN 'received' THEN cp.paid_cents + cp.writeoff_cents
               WHEN 'cap_complete' THEN CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents
                                             ELSE cp.writeoff_est_cents END
               ELSE 0 END), 0)
         - coalesce((SELECT sum(a.amount_cents) FROM payment_allocation a
                     WHERE a.procedure_id = p.id), 0)
         + coalesce((SELECT sum(j.amount_cents) FROM adjustment j
                     WHERE j.procedure_id = p.id), 0)
  FROM procedure p
  JOIN patient pt ON pt.id = p.patient_id
  LEFT JOIN claim_proc cp ON cp.procedure_id = p.id
  WHERE p.status = 'complete'
  GROUP BY p.id
  UNION ALL
  SELECT coalesce(pt.guarantor_id, pt.id), p.date, -(cp.paid_cents + cp.writeoff_cents)
  FROM procedure p JOIN claim_proc cp ON cp.procedure_id = p.id
  JOIN patient pt ON pt.id = p.patient_id
  WHERE p.status = 'planned' AND cp.status = 'received'
  UNION ALL
  SELECT coalesce(pt.guarantor_id, pt.id), pp.date, -pp.amount_cents
  FROM patient_payment pp JOIN patient pt ON pt.id = pp.patient_id
  WHERE NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.payment_id = pp.id)
  UNION ALL
  SELECT coalesce(pt.guarantor_id, pt.id), j.date, j.amount_cents
  FROM adjustment j JOIN patient pt ON pt.id = j.patient_id
  WHERE j.procedure_id IS NULL
)
SELECT guarantor,
  sum(CASE WHEN amount > 0 AND day >= :d30 THEN amount ELSE 0 END),
  sum(CASE WHEN amount > 0 AND day < :d30 AND day >= :d60 THEN amount ELSE 0 END),
  sum(CASE WHEN amount > 0 AND day < :d60 AND day >= :d90 THEN amount ELSE 0 END),
  sum(CASE WHEN amount > 0 AND day < :d90 THEN amount ELSE 0 END),
  sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END)
FROM items GROUP BY guarantor
"""


def ar_aging(db, today: date) -> dict[str, int]:
    """Practice totals of the families' aging buckets (cents) and the number of families owing."""
    bounds = {f"d{n}": (today - timedelta(days=n)).isoformat() for n in (30, 60, 90)}
    totals = {"current": 0, "d31_60": 0, "d61_90": 0, "over_90": 0, "families_owing": 0}
    for _, *buckets, credit in db.execute_sql(AGING_ITEMS, bounds):
        buckets = [b or 0 for b in buckets]
        credit = credit or 0
        for i in (3, 2, 1, 0):  # credits pay the oldest first
            applied = min(credit, buckets[i])
            buckets[i] -= applied
            credit -= applied
        buckets[0] -= credit  # a credit left over shows as a negative current bucket
        for key, amount in zip(("current", "d31_60", "d61_90", "over_90"), buckets):
            totals[key] += amount
        totals["families_owing"] += sum(buckets) > 0
    return totals
