"""The day sheet: production, collections, write-offs and adjustments of one day, by
provider."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from estimator.money import fmt
from estimator.report_table import KINDS_BY_NAME, ReportColumn, ReportSection, ReportTable

from ..connection import Database
from .common import NO_PROVIDER, q, total_row

DAY_SQL = {
    "production": """
        SELECT p.provider_id, sum(p.fee_cents * p.units) FROM procedure p
        INDEXED BY report_procedure_date
        WHERE p.date = ?1 AND p.status = 'complete' GROUP BY 1""",
    "capitation": """
        SELECT p.provider_id, sum(CASE WHEN cp.writeoff_cents != 0 THEN cp.writeoff_cents
                                       ELSE cp.writeoff_est_cents END)
        FROM procedure p INDEXED BY report_procedure_date
        CROSS JOIN claim_proc cp INDEXED BY report_claim_proc_money ON cp.procedure_id = p.id
        WHERE p.date = ?1 AND p.status = 'complete' AND cp.status = 'cap_complete'
          GROUP BY 1""",
    "insurance": """
        SELECT p.provider_id, sum(l.paid_cents), sum(l.writeoff_cents)
        FROM claim_payment pay INDEXED BY report_claim_payment_date
        CROSS JOIN claim_payment_line l INDEXED BY report_claim_payment_line_money
             ON l.payment_id = pay.id
        CROSS JOIN claim_proc cp ON cp.id = l.claim_proc_id
        CROSS JOIN procedure p ON p.id = cp.procedure_id
        WHERE pay.date = ?1 GROUP BY 1""",
    "allocated": """
        SELECT p.provider_id, sum(a.amount_cents)
        FROM patient_payment pp INDEXED BY report_patient_payment_date
        CROSS JOIN payment_allocation a ON a.payment_id = pp.id
        CROSS JOIN procedure p ON p.id = a.procedure_id
        WHERE pp.date = ?1 GROUP BY 1""",
    "methods": """
        SELECT pp.method, count(*), sum(pp.amount_cents)
        FROM patient_payment pp INDEXED BY report_patient_payment_date
        WHERE pp.date = ?1 GROUP BY 1 ORDER BY 1""",
    "adjustments": """
        SELECT p.provider_id, sum(a.amount_cents)
        FROM adjustment a INDEXED BY report_adjustment_date
        LEFT JOIN procedure p ON p.id = a.procedure_id
        WHERE a.date = ?1 GROUP BY 1""",
}


# One location of a group: the same statements over the rows posted there.
DAY_SQL_AT = {name: re.sub(r"WHERE (\w+)\.date = \?1", r"WHERE \1.date = ?1 AND \1.location_id = ?2",
                          sql) for name, sql in DAY_SQL.items()}


@dataclass
class ProviderDay:
    provider_id: int | None   # None: payments and adjustments not on a procedure
    provider: str
    production: int = 0
    patient_payments: int = 0
    insurance_payments: int = 0
    writeoffs: int = 0        # insurance and capitation write-offs (positive)
    adjustments: int = 0      # as posted (negative reduces what is owed)

    @property
    def net(self) -> int:
        """The day's change to what patients and insurance owe."""
        return (self.production - self.patient_payments - self.insurance_payments
                - self.writeoffs + self.adjustments)


@dataclass
class DaySheet:
    day: date
    providers: list[ProviderDay]
    methods: list[tuple[str, int, int]] = field(default_factory=list)  # (method, count, cents)


def day_sheet(db: Database, day: date, location: int | None = None) -> DaySheet:
    """The day's sheet for the whole group, or for the rows posted at ``location`` (an id)."""
    names = dict(q(db, "SELECT id, name FROM provider"))
    rows: dict[int | None, ProviderDay] = {}

    def row(pid: int | None) -> ProviderDay:
        if pid not in rows:
            rows[pid] = ProviderDay(pid, names.get(pid, NO_PROVIDER) if pid else NO_PROVIDER)
        return rows[pid]

    if location is None:
        found = {name: q(db, sql, (day.isoformat(),)) for name, sql in DAY_SQL.items()}
    else:
        found = {name: q(db, sql, (day.isoformat(), location)) for name, sql in DAY_SQL_AT.items()}
    for pid, cents in found["production"]:
        row(pid).production += cents
    for pid, cents in found["capitation"]:
        row(pid).writeoffs += cents
    for pid, paid, writeoff in found["insurance"]:
        row(pid).insurance_payments += paid
        row(pid).writeoffs += writeoff
    allocated = 0
    for pid, cents in found["allocated"]:
        row(pid).patient_payments += cents
        allocated += cents
    received = sum(cents for _, _, cents in found["methods"])
    if received != allocated:
        row(None).patient_payments += received - allocated
    for pid, cents in found["adjustments"]:
        row(pid).adjustments += cents
    order = sorted(rows, key=lambda p: (p is None, rows[p].provider.lower(), p or 0))
    return DaySheet(day, [rows[p] for p in order], [tuple(m) for m in found["methods"]])


DAY_COLUMNS = (
    ReportColumn("provider", "Provider"), ReportColumn("production", "Production", True),
    ReportColumn("patient_payments", "Pt payments", True),
    ReportColumn("insurance_payments", "Ins payments", True),
    ReportColumn("writeoffs", "Write-offs", True), ReportColumn("adjustments", "Adjustments", True),
    ReportColumn("net", "Net", True),
)
_DAY_MONEY = ("production", "patient_payments", "insurance_payments", "writeoffs",
              "adjustments", "net")


def daysheet_report(db: Database, day: date, location: tuple[int, str] | None = None
                    ) -> ReportTable:
    """``location``: (id, name) of one location of a group; None: the whole group."""
    sheet = day_sheet(db, day, location[0] if location else None)
    rows = tuple({"provider": p.provider, **{k: getattr(p, k) for k in _DAY_MONEY}}
                 for p in sheet.providers)
    d = day.isoformat()
    methods = ", ".join(f"{m} {fmt(c)} ({n})" for m, n, c in sheet.methods) or "none"
    return ReportTable(
        "daysheet", f"{KINDS_BY_NAME['daysheet'].title} for {d}"
        + (f", {location[1]}" if location else ""), DAY_COLUMNS,
        (ReportSection("", rows, total_row(rows, _DAY_MONEY, "provider", "Total")),),
        notes=(f"Production: completed work posted on {d} (the ledger's Posted date).",
               f"Payments: patient payments and insurance checks dated {d}, under the provider "
               "of the procedure they are on; write-offs: insurance write-offs of those checks "
               "and capitation write-offs of the work posted that day.",
               f"Adjustments: posted on {d}, as posted (negative reduces what is owed). "
               "Net = production - payments - write-offs + adjustments.",
               f"Patient payments by method: {methods}."),
        meta={"date": d, **({"location": location[1]} if location else {})},
    )
