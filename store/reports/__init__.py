"""The office reports, from SQL sums: read-only, index-backed, money in integer cents.

Each report sums in SQL (grouped by carrier, claim, family or provider) and never loads
ledger lines into Python; the tables it returns are `estimator.report_table.ReportTable`.
The indexes they read by are `store.models.REPORT_INDEXES` (migration 2); joins are written
as CROSS JOIN so SQLite keeps the order (date index -> lines -> ...) without statistics.

Rules (the notes under each report say the same to the office):
- Insurance money (paid, supplemental included, and write-offs) is dated by the check and
  belongs to the carrier that issued the check (`claim_payment.carrier_id`; when missing, the
  carrier of the line's plan). Posted capitation write-offs are dated by the procedure and
  belong to the plan's carrier. Both are written off under the carrier's write-off code (`WO`
  when it has none), like the ledger card.
- Hand-posted write-offs are adjustments of a write-off code; under a carrier's write-off code
  they count as that carrier's (the patient's primary carrier when several carriers share the
  code, else the first by name).
- Patient paid per carrier: a payment counts under the carrier of the work it paid (the
  procedure's first plan, whatever the patient has today): its parts allocated to the payer's
  completed work, and the rest as the ledger card applies it (the family's oldest work first,
  `store.derived.applied_credits`); what paid no insured work, or was applied to none (an
  account credit), under "(no insurance)".
- Aging is estimator.ledger's rule over the current account, per family (guarantor).

Speed at a large office: the per-carrier report reads the whole months of its range from the
monthly sums kept with every posting (`store.derived.report_summary`) and only the days at the edges
from the postings; the aging scans the materialized ledger lines (`store.derived.ledger_entries`) once.
Both exact paths stay (``exact=True``) as the reference the tests compare with.

May import: `store.derived`, `store.family`, `store.connection`, `estimator`.
"""
from __future__ import annotations

from datetime import date
from typing import Callable

from estimator.report_table import ReportRequest, ReportTable, resolve

from ..connection import Database
from .aging import AGING_SQL, FamilyAging, aging_report, family_aging
from .carriers import (
    BILLED_SQL, CHECKS_SQL, PAID_ALLOCATED_SQL, PAID_APPLIED_SQL, PAID_SQL,
    CarrierLedger, carrier_ledger, carriers_report, patient_paid,
)
from .claims import OUTSTANDING_SQL, OutstandingClaim, claims_report, outstanding_claims
from .common import q, resolve_carrier
from .daysheet import DAY_SQL, DaySheet, ProviderDay, day_sheet, daysheet_report
from .writeoffs import (
    CAPITATION_SQL, CLAIM_WRITEOFFS_SQL, HAND_WRITEOFFS_SQL, WriteoffLine, hand_writeoffs,
    writeoff_lines, writeoffs_report,
)

__all__ = [
    "DbReports", "run_report", "resolve_carrier",
    "CarrierLedger", "carrier_ledger", "patient_paid", "carriers_report",
    "WriteoffLine", "hand_writeoffs", "writeoff_lines", "writeoffs_report",
    "FamilyAging", "family_aging", "aging_report",
    "OutstandingClaim", "outstanding_claims", "claims_report",
    "ProviderDay", "DaySheet", "day_sheet", "daysheet_report",
    "BILLED_SQL", "CHECKS_SQL", "CAPITATION_SQL", "HAND_WRITEOFFS_SQL", "PAID_SQL",
    "PAID_ALLOCATED_SQL", "PAID_APPLIED_SQL", "CLAIM_WRITEOFFS_SQL", "AGING_SQL",
    "OUTSTANDING_SQL", "DAY_SQL",
]


class DbReports:
    """Runs the reports over one open database (the TUI's ``ReportsPort``)."""

    def __init__(self, db: Database, *, today: Callable[[], date] = date.today):
        self.db = db
        self.today = today

    def carriers(self) -> list[tuple[str, str]]:
        """(id to filter by, name) of every carrier, by name."""
        return [(fid or str(cid), name) for cid, fid, name in q(
            self.db, "SELECT id, file_id, name FROM carrier ORDER BY name, id")]

    def run(self, request: ReportRequest) -> ReportTable:
        return run_report(self.db, request, self.today())


def resolve_location(db: Database, name: str | None) -> tuple[int, str] | None:
    """(id, name) of a location by name (any case); None for the whole group."""
    if name is None:
        return None
    rows = q(db, "SELECT id, name FROM location ORDER BY id")
    for lid, found in rows:
        if found.lower() == name.strip().lower():
            return lid, found
    from ..connection import StoreError
    known = ", ".join(n for _, n in rows) or "none set up"
    raise StoreError(f"no location named {name!r} (locations: {known})")


# Reports of postings, which record where they were made (the others are about accounts and
# claims, which belong to the whole group).
PER_LOCATION = ("daysheet", "writeoffs")


def run_report(db: Database, request: ReportRequest, today: date | None = None) -> ReportTable:
    """The report ``request`` names (defaults filled and checked by `resolve`)."""
    req = resolve(request, today or date.today())
    if req.location is not None and req.name not in PER_LOCATION:
        from ..connection import StoreError
        raise StoreError(f"the {req.name} report is for the whole group; the day sheet and "
                         "write-offs are run per location (--location)")
    carrier = resolve_carrier(db, req.carrier) if req.carrier else None
    if req.name == "carriers":
        return carriers_report(db, req.start, req.end, carrier)
    if req.name == "writeoffs":
        return writeoffs_report(db, req.start, req.end, carrier,
                                resolve_location(db, req.location))
    if req.name == "aging":
        return aging_report(db, req.day)
    if req.name == "claims":
        return claims_report(db, req.day, req.start, req.end, carrier)
    return daysheet_report(db, req.day, resolve_location(db, req.location))
