"""The audit log: who did what, when, from which workstation, OS account and SSH origin.

`record` must be called inside the write transaction of the change it describes, so the
change and its audit row commit (or roll back) together. Every row is hash-chained
(`store.audit.chain`). `record_view` writes a "viewed" row in its own short transaction.
"""
from __future__ import annotations

import json
from datetime import datetime

from ..connection import Database, write_transaction
from . import chain, session


def current_user() -> str:
    """The app user this process acts as (the OS account's name when nobody signed in)."""
    return session.current().user


def workstation_name() -> str:
    return session.workstation_name()


def now() -> str:
    """Timestamp text used for ``entered_at`` / ``at`` columns (local time, ISO)."""
    return datetime.now().isoformat(sep=" ", timespec="seconds")


def record(db: Database, action: str, *, user: str, workstation: str | None = None,
           entity: str | None = None, entity_id: object = None,
           detail: dict | None = None, patient_id: int | None = None,
           at: str | None = None) -> int:
    """Append one audit row (hash-chained); returns its id."""
    return chain.append(db, {
        "at": at or now(), "user": user, "os_user": session.os_account(),
        "ssh_origin": session.ssh_origin(), "workstation": workstation, "action": action,
        "entity": entity, "entity_id": None if entity_id is None else str(entity_id),
        "patient_id": patient_id,
        "detail": None if detail is None else json.dumps(detail, sort_keys=True, default=str),
    })


def record_view(db: Database, patient_id: int, *, via: str, user: str | None = None,
                workstation: str | None = None, at: str | None = None) -> int:
    """A "viewed" row for one patient's account, in its own short write transaction."""
    with write_transaction(db):
        return record(db, "viewed", user=user or current_user(),
                      workstation=workstation or workstation_name(), entity="patient",
                      entity_id=patient_id, patient_id=patient_id, detail={"via": via}, at=at)


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
