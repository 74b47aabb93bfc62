"""Write-offs by carrier and write-off code: by claim (check date), capitation (the work's
posted date) and by hand (the adjustment's date)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from estimator.report_table import (
    ACCOUNT, KINDS_BY_NAME, ReportColumn, ReportSection, ReportTable,
)

from ..connection import Database
from ..family.ids import IdMap
from .common import (
    NO_CARRIER, Carrier, by_name, carrier_name, carriers_by_id, only, patient_accounts,
    patient_names, primary_carriers, q,
)

# Posted capitation write-offs (a partial index holds only them) of work posted in the range.
CAPITATION_SQL = """
SELECT pl.carrier_id, p.patient_id, p.date,
       sum(CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents ELSE cp.writeoff_est_cents END)
FROM plan pl
CROSS JOIN claim_proc cp INDEXED BY report_claim_proc_capitation ON cp.plan_id = pl.id
CROSS JOIN procedure p ON p.id = cp.procedure_id
WHERE cp.status = 'cap_complete' AND p.status = 'complete' AND p.date BETWEEN ?1 AND ?2
  AND (?3 IS NULL OR pl.carrier_id = ?3) AND (?4 IS NULL OR p.location_id = ?4)
GROUP BY 1, 2, 3"""

# Adjustments of a write-off code (or a carrier's code) dated in the range.
HAND_WRITEOFFS_SQL = """
SELECT a.id, a.code_id, ac.code, a.patient_id, a.date, a.amount_cents
FROM adjustment a INDEXED BY report_adjustment_date
CROSS JOIN adjustment_code ac ON ac.id = a.code_id
WHERE a.date BETWEEN ?1 AND ?2
  AND (ac.kind = 'writeoff' OR ac.id IN (SELECT writeoff_code_id FROM carrier))
  AND (?3 IS NULL OR a.location_id = ?3)
ORDER BY a.date, a.id"""


@dataclass(frozen=True)
class WriteoffLine:
    carrier_id: int | None
    carrier: str
    code: str
    source: str        # "Claim", "Capitation" or "By hand"
    claim: str         # claim number (claims only)
    patient_id: int
    day: date          # the check's date, the procedure's, or the adjustment's
    amount: int        # written off (positive)


CLAIM_WRITEOFFS_SQL = """
SELECT coalesce(pay.carrier_id, pl.carrier_id), pay.date, c.id, c.claim_no, c.file_id,
       c.patient_id, sum(l.writeoff_cents)
FROM claim_payment pay INDEXED BY report_claim_payment_date
CROSS JOIN claim_payment_line l INDEXED BY report_claim_payment_line_money
     ON l.payment_id = pay.id
CROSS JOIN claim_proc cp ON cp.id = l.claim_proc_id
CROSS JOIN plan pl ON pl.id = cp.plan_id
CROSS JOIN claim c ON c.id = coalesce(cp.claim_id, pay.claim_id)
WHERE pay.date BETWEEN ?1 AND ?2 AND l.writeoff_cents != 0
  AND (?3 IS NULL OR coalesce(pay.carrier_id, pl.carrier_id) = ?3)
  AND (?4 IS NULL OR pay.location_id = ?4)
GROUP BY 1, 2, 3"""


def hand_writeoffs(db: Database, start: date, end: date,
                   carriers: dict[int, Carrier] | None = None,
                   location: int | None = None) -> list[WriteoffLine]:
    """Adjustments of write-off codes dated in the range (amounts as written off: positive);
    ``location``: only those posted there."""
    carriers = carriers if carriers is not None else carriers_by_id(db)
    rows = q(db, HAND_WRITEOFFS_SQL, (start.isoformat(), end.isoformat(), location))
    by_code: dict[int, list[int]] = defaultdict(list)
    for cid, code_id in q(db, "SELECT id, writeoff_code_id FROM carrier "
                              "WHERE writeoff_code_id IS NOT NULL"):
        by_code[code_id].append(cid)
    shared = {pid for _, code_id, _, pid, _, _ in rows if len(by_code.get(code_id, ())) > 1}
    primary = primary_carriers(db, shared)
    out = []
    for _, code_id, code, pid, day, amount in rows:
        owners = by_name(carriers, by_code.get(code_id, ()))
        cid = (primary.get(pid) if primary.get(pid) in owners else owners[0]) if owners else None
        out.append(WriteoffLine(cid, carriers[cid].name if cid else NO_CARRIER, code, "By hand",
                                "", pid, date.fromisoformat(day), -amount))
    return out


def writeoff_lines(db: Database, start: date, end: date, carrier_id: int | None = None,
                   location: int | None = None) -> list[WriteoffLine]:
    """Every write-off in the range: by claim (check date), capitation (procedure date) and
    by hand (adjustment date); ``location``: only those posted at that location (the check,
    the work, the adjustment)."""
    carriers = carriers_by_id(db)
    params = (start.isoformat(), end.isoformat(), carrier_id, location)
    out = []
    for cid, day, claim_id, claim_no, file_id, pid, amount in q(db, CLAIM_WRITEOFFS_SQL, params):
        number = claim_no or file_id or IdMap.generated("claim", claim_id)
        out.append(WriteoffLine(cid, carriers[cid].name, carriers[cid].code, "Claim", number, pid,
                                date.fromisoformat(day), amount))
    for cid, pid, day, amount in q(db, CAPITATION_SQL, params):
        out.append(WriteoffLine(cid, carriers[cid].name, carriers[cid].code, "Capitation", "", pid,
                                date.fromisoformat(day), amount))
    out += [wo for wo in hand_writeoffs(db, start, end, carriers, location)
            if carrier_id is None or wo.carrier_id == carrier_id]
    return out


WRITEOFF_COLUMNS = (
    ReportColumn("carrier", "Carrier"), ReportColumn("code", "Code"),
    ReportColumn("source", "Source"), ReportColumn("claim", "Claim"),
    ReportColumn("patient", "Patient"), ReportColumn("date", "Date"),
    ReportColumn("amount", "Written off", True),
)
_SOURCES = {"Claim": 0, "Capitation": 1, "By hand": 2}


def writeoffs_report(db: Database, start: date, end: date, carrier_id: int | None = None,
                     location: tuple[int, str] | None = None) -> ReportTable:
    """``location``: (id, name) of one location of a group; None: the whole group."""
    lines = writeoff_lines(db, start, end, carrier_id, location[0] if location else None)
    names = patient_names(db, {ln.patient_id for ln in lines})
    accounts = patient_accounts(db, {ln.patient_id for ln in lines})
    groups: dict[tuple, list[WriteoffLine]] = defaultdict(list)
    for ln in lines:
        groups[(ln.carrier_id is None, ln.carrier.lower(), ln.carrier, ln.code)].append(ln)
    sections = []
    for key in sorted(groups):
        _, _, carrier, code = key
        rows = tuple({"carrier": ln.carrier, "code": ln.code, "source": ln.source,
                      "claim": ln.claim, "patient": names.get(ln.patient_id, ""),
                      "date": ln.day, "amount": ln.amount,
                      ACCOUNT: accounts.get(ln.patient_id, "")}
                     for ln in sorted(groups[key], key=lambda w: (_SOURCES[w.source], w.day,
                                                                    w.claim, w.patient_id)))
        total = {"carrier": carrier, "code": code, "source": "Total",
                 "amount": sum(r["amount"] for r in rows)}
        sections.append(ReportSection(f"{carrier} · {code}", rows, total))
    span = f"{start.isoformat()} to {end.isoformat()}"
    return ReportTable(
        "writeoffs", f"{KINDS_BY_NAME['writeoffs'].title}{only(db, carrier_id)}, {span}"
        + (f", {location[1]}" if location else ""),
        WRITEOFF_COLUMNS,
        tuple(sections),
        notes=(f"Claim write-offs by the date of the check that posted them ({span}), under the "
               "carrier's write-off code.",
               f"Capitation write-offs by the date the work was posted; hand-posted write-offs "
               f"(adjustments of a write-off code) by their date ({span})."),
        grand_total={"carrier": "All write-offs", "amount": sum(ln.amount for ln in lines)},
        meta={"from": start.isoformat(), "to": end.isoformat(),
              "carrier": carrier_name(db, carrier_id)},
    )
