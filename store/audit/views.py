"""Audit rows for opening a patient's account ("viewed"), written off the path that shows it.

The screen shows the card first and reports the view after; `ViewLog.add` queues the row
(stamped with the time of viewing) and tries one short write transaction that waits at most
`WAIT_MS` for another desk's lock. A busy database leaves the row queued: `flush` retries at
the desk's idle moments and at exit (waiting as long as any posting would), and `warning`
says so once rows have waited too long. Nothing is dropped silently.

The desk's own view rows must not look like someone else's posting (which would reload the
open card): `own_changes` counts the revision moves they caused, for the desk to take off.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import peewee

from ..connection import (
    Database, EngineError, describe_error, is_busy, revision, waiting_at_most, write_transaction,
)
from .log import current_user, now, record, workstation_name

WAIT_MS = 100
WARN_AFTER = 10  # failed attempts before the desk is told


@dataclass
class ViewLog:
    db: Database
    pending: list[dict] = field(default_factory=list)
    failures: int = 0
    own_changes: int = 0
    last_error: str | None = None

    def add(self, patient_id: int, via: str) -> None:
        """Queue a "viewed" row for ``patient_id`` and try to write it now."""
        self.pending.append({"patient_id": patient_id, "via": via, "at": now(),
                             "user": current_user(), "workstation": workstation_name()})
        self.flush()

    def flush(self, wait_ms: int | None = WAIT_MS) -> int:
        """Write every queued row in one transaction; returns how many are still queued.
        ``wait_ms=None`` waits as a posting does (exit)."""
        if not self.pending:
            return 0
        try:
            if wait_ms is None:
                self._write()
            else:
                with waiting_at_most(self.db, wait_ms):
                    self._write()
        except (EngineError, peewee.PeeweeException) as exc:
            if wait_ms is None or not is_busy(exc):
                raise
            self.failures += 1
            self.last_error = str(exc)
            return len(self.pending)
        self.failures = 0
        return 0

    def _write(self) -> None:
        with write_transaction(self.db):
            before = revision(self.db)
            for row in self.pending:
                record(self.db, "viewed", user=row["user"], workstation=row["workstation"],
                       entity="patient", entity_id=row["patient_id"],
                       patient_id=row["patient_id"], detail={"via": row["via"]}, at=row["at"])
            self.own_changes += revision(self.db) - before
        self.pending.clear()

    def close(self) -> str | None:
        """Write what is queued, waiting as a posting would; one sentence if some rows still
        could not be written (the caller prints it and exits non-zero)."""
        try:
            self.flush(wait_ms=None)
        except (EngineError, peewee.PeeweeException) as exc:
            return (f"{len(self.pending)} account view(s) could not be written to the audit "
                    f"log: {describe_error(self.db.database, exc)}")
        return None

    def warning(self) -> str | None:
        """One sentence when views have waited for the database too long."""
        if self.pending and self.failures >= WARN_AFTER:
            return (f"{len(self.pending)} account view(s) are not in the audit log yet: the "
                    "database has been busy; they are kept and written when it is free.")
        return None
