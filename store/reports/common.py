"""What the reports share: queries, carriers and their write-off codes, names, totals rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from estimator.ledger_codes import DEFAULT_WRITEOFF_CODE
from estimator.report_table import ReportError

from ..connection import Database
from ..family.ids import IdMap, display_name

NO_INSURANCE = "(no insurance)"
NO_CARRIER = "(no carrier)"
NO_PROVIDER = "(not on a procedure)"


def q(db: Database, sql: str, params=()) -> list[tuple]:
    return db.execute_sql(sql, params).fetchall()


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def resolve_carrier(db: Database, text: str) -> int:
    """A carrier named by practice-file id, database id or (unique start of) its name."""
    text = text.strip()
    rows = q(db, "SELECT id, file_id, name FROM carrier ORDER BY name, id")
    for cid, fid, name in rows:
        if text == fid or text == str(cid):
            return cid
    exact = [cid for cid, _, name in rows if name.lower() == text.lower()]
    found = exact or [cid for cid, _, name in rows if name.lower().startswith(text.lower())]
    if len(found) == 1:
        return found[0]
    if not found:
        raise ReportError(f"no carrier matches {text!r}")
    names = ", ".join(name for cid, _, name in rows if cid in found)
    raise ReportError(f"{text!r} matches several carriers: {names}")


@dataclass(frozen=True)
class Carrier:
    id: int
    name: str
    code: str   # its write-off code (WO without one)


def carriers_by_id(db: Database) -> dict[int, Carrier]:
    rows = q(db, "SELECT c.id, c.name, a.code FROM carrier c "
                 "LEFT JOIN adjustment_code a ON a.id = c.writeoff_code_id")
    return {cid: Carrier(cid, name, code or DEFAULT_WRITEOFF_CODE) for cid, name, code in rows}


def by_name(carriers: dict[int, Carrier], ids: Iterable[int | None]) -> list[int | None]:
    """Carrier ids sorted by name; None (no carrier) last."""
    return sorted(set(ids), key=lambda c: (c is None, carriers[c].name.lower() if c else "", c or 0))


def carrier_name(db: Database, carrier_id: int | None) -> str | None:
    if carrier_id is None:
        return None
    row = q(db, "SELECT name FROM carrier WHERE id = ?", (carrier_id,))
    return row[0][0] if row else None


def only(db: Database, carrier_id: int | None) -> str:
    """", Delta Dental" in a title when the report is for one carrier."""
    return f", {carrier_name(db, carrier_id)}" if carrier_id is not None else ""


def total_row(rows, money: Iterable[str], label_key: str, label: str) -> dict:
    money = tuple(money)
    return {label_key: label, **{k: sum(int(r.get(k) or 0) for r in rows) for k in money}}


def patient_names(db: Database, ids: Iterable[int]) -> dict[int, str]:
    ids = sorted({int(i) for i in ids})
    out = {}
    for chunk in range(0, len(ids), 500):
        inn = ",".join(map(str, ids[chunk:chunk + 500]))
        out.update({pid: display_name(last, first) for pid, last, first in q(
            db, f"SELECT id, last_name, first_name FROM patient WHERE id IN ({inn})")})
    return out


def patient_accounts(db: Database, ids: Iterable[int]) -> dict[int, str]:
    """Each patient as the desk names them (file id, or the generated ``PT12``)."""
    ids = sorted({int(i) for i in ids})
    out = {}
    for chunk in range(0, len(ids), 500):
        inn = ",".join(map(str, ids[chunk:chunk + 500]))
        out.update({pid: file_id or IdMap.generated("patient", pid) for pid, file_id in q(
            db, f"SELECT id, file_id FROM patient WHERE id IN ({inn})")})
    return out


def primary_carriers(db: Database, patient_ids: Iterable[int]) -> dict[int, int]:
    ids = ",".join(str(int(p)) for p in patient_ids)
    if not ids:
        return {}
    return dict(q(db, "SELECT pc.patient_id, pl.carrier_id FROM patient_coverage pc "
                      "CROSS JOIN plan pl ON pl.id = pc.plan_id "
                      f"WHERE pc.patient_id IN ({ids}) AND pc.coverage_order = 1"))
