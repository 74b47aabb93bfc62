"""Helpers shared by the posting-service tests (imported as ``svc_helpers``)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from store.models import MODELS
from store.services import Actor, ServiceError

FIXTURE = Path(__file__).parent / "fixtures" / "wilson.json"
NOW = datetime(2026, 3, 2, 9, 30)
ACTOR = Actor("maria", "front-1", "Main St")


def pid(db, file_id: str, table: str = "patient") -> int:
    return db.execute_sql(f'SELECT id FROM "{table}" WHERE file_id = ?', (file_id,)).fetchone()[0]


def counts(db) -> dict[str, int]:
    """Rows in every table (the audit log included): a refusal must change none."""
    out = {}
    for model in MODELS:
        table = model._meta.table_name
        out[table] = db.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return out


def snapshot(db) -> tuple:
    """Counts plus every money and status column that a service might update."""
    rows = []
    for sql in ("SELECT * FROM claim_proc ORDER BY id", "SELECT * FROM claim ORDER BY id",
                "SELECT * FROM procedure ORDER BY id", "SELECT * FROM setting ORDER BY key"):
        rows.append(db.execute_sql(sql).fetchall())
    return counts(db), rows


def refused(db, call, *args, match: str = "", **kw) -> str:
    """Assert the service refuses with ServiceError and writes nothing; returns the message."""
    before = snapshot(db)
    with pytest.raises(ServiceError, match=match) as err:
        call(db, *args, **kw)
    assert snapshot(db) == before
    message = str(err.value)
    assert "\n" not in message and message
    return message


def audit(db, action: str | None = None) -> list[tuple]:
    sql = "SELECT at, \"user\", workstation, action, entity, entity_id, detail FROM audit_log"
    rows = db.execute_sql(sql + " ORDER BY id").fetchall()
    return [r for r in rows if action is None or r[3] == action]


def line(db, procedure_id: int, plan_file_id: str) -> dict:
    cols = ("status", "coverage_order", "claim_id", "claim_seq", "ins_est_cents",
            "writeoff_est_cents", "deductible_est_cents", "paid_cents", "writeoff_cents",
            "deductible_applied_cents", "frozen", "preauth_id")
    row = db.execute_sql(f"SELECT {', '.join(cols)} FROM claim_proc WHERE procedure_id = ? AND "
                         "plan_id = ?", (procedure_id, pid(db, plan_file_id, "plan"))).fetchone()
    return dict(zip(cols, row)) if row else None


def claim_status(db, claim_id: int) -> str:
    return db.execute_sql("SELECT status FROM claim WHERE id = ?", (claim_id,)).fetchone()[0]
