"""Reading the audit log (`dentledger audit log`, the TUI's Audit log screen): rows filtered by
patient, user and dates, with the patient's practice id and name."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from ..connection import Database
from ..family.ids import IdMap


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    os_user: str | None
    ssh_origin: str | None
    workstation: str | None
    action: str
    entity: str | None
    entity_id: str | None
    patient: str | None       # practice id (file id or generated), None when not about one
    patient_name: str | None
    detail: dict | None


_SELECT = (
    "SELECT a.id, a.at, a.user, a.os_user, a.ssh_origin, a.workstation, a.action, a.entity, "
    "a.entity_id, a.patient_id, p.file_id, p.last_name, p.first_name, a.detail "
    "FROM audit_log a LEFT JOIN patient p ON p.id = a.patient_id")


def audit_entries(db: Database, *, patient_id: int | None = None, user: str | None = None,
                  start: date | None = None, end: date | None = None,
                  limit: int | None = None, newest_first: bool = False) -> list[AuditEntry]:
    """Audit rows in order (oldest first unless ``newest_first``), ``start``..``end``
    inclusive by the row's date."""
    where, params = [], []
    if patient_id is not None:
        where.append("a.patient_id = ?")
        params.append(patient_id)
    if user is not None:
        where.append("a.user = ?")
        params.append(user)
    if start is not None:
        where.append("a.at >= ?")
        params.append(start.isoformat())
    if end is not None:
        where.append("a.at < ?")
        params.append((end + timedelta(days=1)).isoformat())
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY a.id" + (" DESC" if newest_first else "")
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_entry(row) for row in db.execute_sql(sql, tuple(params))]


def _entry(row: tuple) -> AuditEntry:
    (row_id, at, user, os_user, origin, workstation, action, entity, entity_id, patient_id,
     file_id, last, first, detail) = row
    patient = None if patient_id is None else (file_id or IdMap.generated("patient", patient_id))
    name = None if last is None else (f"{last}, {first}" if first else last)
    try:
        decoded = json.loads(detail) if detail else None
    except ValueError:
        decoded = {"text": detail}
    return AuditEntry(row_id, str(at), user, os_user, origin, workstation, action, entity,
                      entity_id, patient, name, decoded)
