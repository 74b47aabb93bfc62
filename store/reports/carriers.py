"""Insurance company ledger details: per carrier, billed, insurance paid, patient paid,
written off and outstanding for a date range (rules: `store.reports`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from estimator.report_table import KINDS_BY_NAME, ReportColumn, ReportSection, ReportTable

from ..connection import Database
from ..derived import report_summary
from .common import NO_INSURANCE, by_name, carrier_name, carriers_by_id, only, q, total_row
from .writeoffs import CAPITATION_SQL, hand_writeoffs

@dataclass
class CarrierLedger:
    carrier_id: int | None   # None: payments of patients without insurance
    name: str
    writeoff_code: str
    billed: int = 0
    insurance_paid: int = 0
    patient_paid: int = 0
    written_off: int = 0
    outstanding: int = 0


# Claims dated in the range -> their lines -> the procedures' charges.
BILLED_SQL = """
SELECT pl.carrier_id, sum(p.fee_cents * p.units),
       sum(CASE WHEN cp.status = 'not_received' THEN cp.ins_est_cents ELSE 0 END)
FROM claim c INDEXED BY report_claim_date
CROSS JOIN plan pl ON pl.id = c.plan_id
CROSS JOIN claim_proc cp INDEXED BY report_claim_proc_claim ON cp.claim_id = c.id
CROSS JOIN procedure p ON p.id = cp.procedure_id
WHERE c.date BETWEEN ?1 AND ?2 AND c.status != 'preauth' AND p.status != 'deleted'
  AND (?3 IS NULL OR c.plan_id IN (SELECT id FROM plan WHERE carrier_id = ?3))
GROUP BY pl.carrier_id"""

# Checks dated in the range -> their lines (both index only).
CHECKS_SQL = """
SELECT coalesce(pay.carrier_id, (SELECT pl.carrier_id FROM claim_proc cp
                                 CROSS JOIN plan pl ON pl.id = cp.plan_id
                                 WHERE cp.id = l.claim_proc_id)),
       sum(l.paid_cents), sum(l.writeoff_cents)
FROM claim_payment pay INDEXED BY report_claim_payment_date
CROSS JOIN claim_payment_line l INDEXED BY report_claim_payment_line_money
     ON l.payment_id = pay.id
WHERE pay.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR pay.carrier_id = ?3 OR pay.carrier_id IS NULL)
GROUP BY 1"""

# The carrier of the work a payment paid: the procedure's first plan (its primary line).
_CARRIER_OF = """(SELECT pl.carrier_id FROM claim_proc cp CROSS JOIN plan pl ON pl.id = cp.plan_id
   WHERE cp.procedure_id = {procedure}
   ORDER BY cp.coverage_order = 0, cp.coverage_order, cp.id LIMIT 1)"""

# Every patient payment dated in the range (all of it first under "no insurance").
PAID_SQL = """
SELECT sum(pp.amount_cents)
FROM patient_payment pp INDEXED BY report_patient_payment_date
WHERE pp.date BETWEEN ?1 AND ?2"""

# The parts that paid work, by the carrier of that work: allocated to the payer's own
# completed work, ...
PAID_ALLOCATED_SQL = f"""
SELECT {_CARRIER_OF.format(procedure="a.procedure_id")}, sum(a.amount_cents)
FROM patient_payment pp INDEXED BY report_patient_payment_date
CROSS JOIN payment_allocation a ON a.payment_id = pp.id
CROSS JOIN procedure p ON p.id = a.procedure_id
WHERE pp.date BETWEEN ?1 AND ?2 AND p.patient_id = pp.patient_id AND p.status = 'complete'
GROUP BY 1"""

# ... and unapplied money shown on the family's lines, oldest first (`models.AppliedCredit`).
PAID_APPLIED_SQL = f"""
SELECT {_CARRIER_OF.format(procedure="c.procedure_id")}, sum(c.amount_cents)
FROM patient_payment pp INDEXED BY report_patient_payment_date
CROSS JOIN applied_credit c ON c.payment_id = pp.id
WHERE pp.date BETWEEN ?1 AND ?2
GROUP BY 1"""


def carrier_ledger(db: Database, start: date, end: date, carrier_id: int | None = None, *,
                   exact: bool = False) -> list[CarrierLedger]:
    """Every carrier for ``start``..``end`` (see the module rules), then the payments of patients
    without insurance when there are any; with ``carrier_id`` only that carrier. The whole
    months of the range come from the monthly sums (`store.derived.report_summary`), the days before
    and after them from the postings (``exact``: the whole range from the postings)."""
    carriers = carriers_by_id(db)
    sums = exact_sums(db, start, end, carrier_id) if exact else _sums(db, start, end, carrier_id)
    lines: dict[int | None, CarrierLedger] = {}

    def line(cid: int | None) -> CarrierLedger:
        if cid not in lines:
            c = carriers.get(cid) if cid is not None else None
            lines[cid] = CarrierLedger(cid, c.name if c else NO_INSURANCE,
                                       c.code if c else "")
        return lines[cid]

    for cid, money in sums.items():
        ln = line(cid)
        for key, cents in zip(_CARRIER_MONEY_ORDER, money):
            setattr(ln, key, getattr(ln, key) + cents)
    if carrier_id is not None:
        line(carrier_id)
        return [lines[carrier_id]]
    for cid in carriers:  # every carrier, even with nothing in the range
        line(cid)
    keep = [c for c, ln in lines.items() if c is not None or ln.patient_paid]
    return [lines[c] for c in by_name(carriers, keep)]


# The order of `store.derived.report_summary.MONEY`.
_CARRIER_MONEY_ORDER = ("billed", "insurance_paid", "patient_paid", "written_off", "outstanding")
_WRITTEN_OFF = _CARRIER_MONEY_ORDER.index("written_off")
Sums = dict  # carrier id (None: no insurance) -> cents in _CARRIER_MONEY_ORDER


def _sums(db: Database, start: date, end: date, carrier_id: int | None) -> Sums:
    """The whole months inside the range from the monthly sums, the edges exactly; the
    hand-posted write-offs of the whole range always from the adjustments (not summed)."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    if first >= after:  # no whole month
        return exact_sums(db, start, end, carrier_id)
    out: Sums = defaultdict(lambda: [0, 0, 0, 0, 0])
    parts = [report_summary.month_sums(db, first.isoformat()[:7],
                                       (after - timedelta(days=1)).isoformat()[:7])]
    if start < first:
        parts.append(exact_sums(db, start, first - timedelta(days=1), carrier_id, hand=False))
    if after <= end:
        parts.append(exact_sums(db, after, end, carrier_id, hand=False))
    parts.append(_hand_sums(db, start, end))
    for part in parts:
        for cid, money in part.items():
            if carrier_id is None or cid == carrier_id:
                out[cid] = [a + b for a, b in zip(out[cid], money)]
    return dict(out)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def exact_sums(db: Database, start: date, end: date, carrier_id: int | None = None, *,
               hand: bool = True) -> Sums:
    """The report's sums from the postings of ``start``..``end`` (the reference); ``hand``:
    with the hand-posted write-offs."""
    params = (start.isoformat(), end.isoformat(), carrier_id)
    out: Sums = defaultdict(lambda: [0, 0, 0, 0, 0])
    billed, ins_paid, pt_paid, written_off, outstanding = range(5)
    for cid, cents, owed in q(db, BILLED_SQL, params):
        out[cid][billed] += cents or 0
        out[cid][outstanding] += owed or 0
    for cid, paid, writeoff in q(db, CHECKS_SQL, params):
        out[cid][ins_paid] += paid or 0
        out[cid][written_off] += writeoff or 0
    for cid, _, _, amount in q(db, CAPITATION_SQL, (*params, None)):
        out[cid][written_off] += amount or 0
    for cid, cents in patient_paid(db, start, end, carrier_id).items():
        out[cid][pt_paid] += cents
    if hand:
        for cid, money in _hand_sums(db, start, end).items():
            out[cid][written_off] += money[written_off]
    return dict(out)


def _hand_sums(db: Database, start: date, end: date) -> Sums:
    """Hand-posted write-offs dated in the range under the carriers that own them."""
    out: Sums = defaultdict(lambda: [0, 0, 0, 0, 0])
    for wo in hand_writeoffs(db, start, end):
        if wo.carrier_id is not None:
            out[wo.carrier_id][_WRITTEN_OFF] += wo.amount
    return dict(out)


def patient_paid(db: Database, start: date, end: date,
                 carrier_id: int | None = None) -> dict[int | None, int]:
    """Patient payments dated in the range, per carrier of the work they paid (None: not on
    insured work, or not applied to any line); with ``carrier_id`` that carrier only."""
    params = (start.isoformat(), end.isoformat())
    out: dict[int | None, int] = defaultdict(int)
    out[None] = q(db, PAID_SQL, params)[0][0] or 0
    for sql in (PAID_ALLOCATED_SQL, PAID_APPLIED_SQL):
        for cid, cents in q(db, sql, params):
            if cid is not None:  # moves from "no insurance" to the paid work's carrier
                out[cid] += cents or 0
                out[None] -= cents or 0
    return {cid: cents for cid, cents in out.items()
            if (carrier_id is None or cid == carrier_id) and (cents or cid is not None)}


CARRIER_COLUMNS = (
    ReportColumn("carrier", "Carrier"), ReportColumn("writeoff_code", "W/O code"),
    ReportColumn("billed", "Billed", True), ReportColumn("insurance_paid", "Ins paid", True),
    ReportColumn("patient_paid", "Pt paid", True), ReportColumn("written_off", "Written off", True),
    ReportColumn("outstanding", "Outstanding", True),
)
_CARRIER_MONEY = ("billed", "insurance_paid", "patient_paid", "written_off", "outstanding")


def carriers_report(db: Database, start: date, end: date,
                    carrier_id: int | None = None) -> ReportTable:
    ledger = carrier_ledger(db, start, end, carrier_id)
    rows = tuple({"carrier": ln.name, "writeoff_code": ln.writeoff_code,
                  **{k: getattr(ln, k) for k in _CARRIER_MONEY}} for ln in ledger)
    span = f"{start.isoformat()} to {end.isoformat()}"
    return ReportTable(
        "carriers", f"{KINDS_BY_NAME['carriers'].title}{only(db, carrier_id)}, {span}",
        CARRIER_COLUMNS,
        (ReportSection("", rows, total_row(rows, _CARRIER_MONEY, "carrier", "Total")),),
        notes=(
            f"Billed and outstanding: claims dated {span} (charges of their procedures; "
            "outstanding = insurance estimate of lines not received). Work billed to two "
            "carriers counts under each.",
            f"Insurance paid and written off: checks dated {span} (supplemental payments "
            "included), under the carrier that issued the check.",
            f"Also written off: capitation write-offs of work posted {span} and adjustments "
            "dated in the range under the carrier's write-off code.",
            f"Patient paid: payments dated {span}, under the carrier of the work they paid (the "
            "procedure's first plan): the part allocated to a procedure, and a payment not on "
            "one as the ledger card shows it, on the family's oldest work first; the rest "
            "under (no insurance).",
        ),
        meta={"from": start.isoformat(), "to": end.isoformat(),
              "carrier": carrier_name(db, carrier_id)},
    )
