"""The Audit log screen's data (`tui.screens.audit_log.AuditLogPort`): rows as display text."""
from __future__ import annotations

import json

from ..connection import Database
from ..read.audit import AuditEntry, audit_entries
from .frontdesk import DbFrontDesk


class DbAuditLog:
    """Implements `tui.screens.audit_log.AuditLogPort` over one open database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def rows(self, patient: str | None = None, limit: int = 500) -> list[dict[str, str]]:
        patient_id = None
        if patient is not None:
            try:
                patient_id = DbFrontDesk(self.db).patient_db_id(patient)
            except KeyError:
                return []
        entries = audit_entries(self.db, patient_id=patient_id, limit=limit, newest_first=True)
        return [display_row(e) for e in entries]


def display_row(entry: AuditEntry) -> dict[str, str]:
    """One row as text: when, who (app user / OS account, SSH origin), what, which patient."""
    origin = (entry.ssh_origin or "").split(" ")[0]
    who = entry.user if entry.os_user in (None, entry.user) else f"{entry.user} ({entry.os_user})"
    return {
        "id": str(entry.id), "at": entry.at, "user": who,
        "from": origin or (entry.workstation or ""), "action": entry.action,
        "patient": f"{entry.patient} {entry.patient_name or ''}".strip() if entry.patient else "",
        "detail": detail_text(entry),
    }


def detail_text(entry: AuditEntry) -> str:
    what = f"{entry.entity} {entry.entity_id}" if entry.entity_id else (entry.entity or "")
    detail = json.dumps(entry.detail, sort_keys=True, ensure_ascii=False) if entry.detail else ""
    return f"{what} {detail}".strip()
