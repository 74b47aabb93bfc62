"""Outstanding claims: every claim not received, oldest first (days since sent, or since
the claim date when not sent)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from estimator.ledger_codes import CLAIM_STATUS_TEXT
from estimator.report_table import (
    ACCOUNT, KINDS_BY_NAME, ReportColumn, ReportSection, ReportTable,
)

from ..connection import Database
from ..family.ids import IdMap, display_name
from .common import carrier_name, iso, only, q, total_row

ORDER_NAMES = {1: "Primary", 2: "Secondary", 3: "Tertiary", 4: "Quaternary"}

OUTSTANDING_SQL = """
SELECT c.id, c.file_id, c.claim_no, c.status, c.kind, c.date, c.sent_date, car.name,
       pt.last_name, pt.first_name,
       (SELECT pc.coverage_order FROM patient_coverage pc
        WHERE pc.patient_id = c.patient_id AND pc.plan_id = c.plan_id),
       coalesce(sum(CASE WHEN p.status != 'deleted' THEN p.fee_cents * p.units END), 0),
       coalesce(sum(cp.ins_est_cents), 0), c.patient_id, pt.file_id
FROM claim c INDEXED BY claim_status_date
CROSS JOIN plan pl ON pl.id = c.plan_id
CROSS JOIN carrier car ON car.id = pl.carrier_id
CROSS JOIN patient pt ON pt.id = c.patient_id
LEFT JOIN claim_proc cp INDEXED BY report_claim_proc_claim ON cp.claim_id = c.id
LEFT JOIN procedure p ON p.id = cp.procedure_id
WHERE c.status IN ('unsent', 'hold', 'queued', 'sent')
  AND (?1 IS NULL OR c.date >= ?1) AND (?2 IS NULL OR c.date <= ?2)
  AND (?3 IS NULL OR pl.carrier_id = ?3)
GROUP BY c.id, car.id, pt.id"""


@dataclass(frozen=True)
class OutstandingClaim:
    claim: str
    status: str
    kind: str        # Primary, Secondary, ...
    carrier: str
    patient: str
    date: date
    sent: date | None
    days: int        # since sent, or since the claim date when not sent
    billed: int
    estimate: int
    account: str = ""  # the patient as the desk names them (opens their account)


def outstanding_claims(db: Database, as_of: date, start: date | None = None,
                       end: date | None = None, carrier_id: int | None = None
                       ) -> list[OutstandingClaim]:
    """Claims not received (unsent, on hold, queued, sent), oldest first."""
    out = []
    for (cid, fid, cno, status, kind, day, sent, carrier, last, first, order, billed,
         est, pid, patient_file_id) in q(db, OUTSTANDING_SQL, (iso(start), iso(end), carrier_id)):
        day, sent = date.fromisoformat(day), (date.fromisoformat(sent) if sent else None)
        kind_text = (kind or "").capitalize() or ORDER_NAMES.get(order or 1, "Primary")
        out.append(OutstandingClaim(cno or fid or IdMap.generated("claim", cid),
                                    CLAIM_STATUS_TEXT.get(status, status), kind_text, carrier,
                                    display_name(last, first), day, sent,
                                    (as_of - (sent or day)).days, billed, est,
                                    patient_file_id or IdMap.generated("patient", pid)))
    out.sort(key=lambda c: (-c.days, c.carrier.lower(), c.claim))
    return out


CLAIM_COLUMNS = (
    ReportColumn("days", "Days"), ReportColumn("carrier", "Carrier"),
    ReportColumn("status", "Status"), ReportColumn("kind", "Kind"),
    ReportColumn("claim", "Claim"), ReportColumn("patient", "Patient"),
    ReportColumn("date", "Date"), ReportColumn("sent", "Sent"),
    ReportColumn("billed", "Billed", True), ReportColumn("estimate", "Ins est", True),
)


def claims_report(db: Database, as_of: date, start: date | None = None, end: date | None = None,
                  carrier_id: int | None = None) -> ReportTable:
    claims = outstanding_claims(db, as_of, start, end, carrier_id)
    rows = tuple({"days": c.days, "carrier": c.carrier, "status": c.status, "kind": c.kind,
                  "claim": c.claim, "patient": c.patient, "date": c.date, "sent": c.sent,
                  "billed": c.billed, "estimate": c.estimate, ACCOUNT: c.account}
                 for c in claims)
    total = total_row(rows, ("billed", "estimate"), "carrier",
                   f"Total ({len(rows)} claim{'s' if len(rows) != 1 else ''})")
    span = ""
    if start or end:
        span = f", dated {iso(start) or 'any date'} to {iso(end) or 'any date'}"
    return ReportTable(
        "claims",
        f"{KINDS_BY_NAME['claims'].title}{only(db, carrier_id)} as of {as_of.isoformat()}{span}",
        CLAIM_COLUMNS, (ReportSection("", rows, total),),
        notes=(f"Claims not received yet (not submitted, on hold, queued or sent){span}. Days: "
               f"from the sent date, or the claim date when not sent, to {as_of.isoformat()}.",
               "Secondary claims wait on hold until the primary is received."),
        meta={"date": as_of.isoformat(), "from": iso(start), "to": iso(end),
              "carrier": carrier_name(db, carrier_id)},
    )
