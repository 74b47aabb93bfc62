"""The audit log: who did what, when, from which workstation.

`record` must be called inside the write transaction of the change it
describes, so the change and its audit row commit (or roll back) together.
"""
from __future__ import annotations

import getpass
import json
import socket
from datetime import datetime

from ..connection import Database


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers, services)
        return "unknown"


def workstation_name() -> str:
    return socket.gethostname() or "unknown"


def now() -> str:
    """Timestamp text used for ``entered_at`` / ``at`` columns (local time, ISO)."""
    return datetime.now().isoformat(sep=" ", timespec="seconds")


def record(db: Database, action: str, *, user: str, workstation: str | None = None,
           entity: str | None = None, entity_id: object = None,
           detail: dict | None = None) -> int:
    """Append one audit row; returns its id."""
    cursor = db.execute_sql(
        "INSERT INTO audit_log (at, \"user\", workstation, action, entity, entity_id, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (now(), user, workstation, action, entity,
         None if entity_id is None else str(entity_id),
         None if detail is None else json.dumps(detail, sort_keys=True, default=str)))
    return db.last_insert_id(cursor)


def recent(db: Database, limit: int = 100) -> list[dict]:
    """The latest audit rows, newest first (``detail`` decoded)."""
    rows = db.execute_sql(
        "SELECT id, at, \"user\", workstation, action, entity, entity_id, detail "
        "FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    keys = ("id", "at", "user", "workstation", "action", "entity", "entity_id", "detail")
    out = [dict(zip(keys, row)) for row in rows]
    for row in out:
        row["detail"] = json.loads(row["detail"]) if row["detail"] else None
    return out
