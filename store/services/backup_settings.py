"""The daily backup's settings: where the app writes it and how many copies it keeps.

The backup itself is `store.db.backup` (run by the CLI and by the app at its first start of
the day); this only records the choice, audited like every other setting.
"""
from __future__ import annotations

from datetime import datetime

from ..connection import Database, is_postgres
from .common import Actor, ServiceError, posting

KEYS = ("backup.folder", "backup.keep")


def set_daily_backup(db: Database, folder: str | None, keep: int | None = None, *,
                     actor: Actor | None = None, now: datetime | None = None) -> None:
    """Have the app write a daily backup into ``folder`` keeping ``keep`` copies (None: stop)."""
    with posting(db, "set_daily_backup", actor=actor, now=now) as post:
        if keep is not None and keep < 1:
            raise ServiceError("keep at least 1 daily backup")
        if folder and is_postgres(db.database):
            raise ServiceError("no daily backup from the app on PostgreSQL: schedule pg_dump -Fc "
                               "on the server (or dentledger copy URL FILE.db)")
        old = dict(db.execute_sql(
            "SELECT key, value FROM setting WHERE key IN ('backup.folder', 'backup.keep')"))
        db.execute_sql("DELETE FROM setting WHERE key IN ('backup.folder', 'backup.keep')")
        if folder:
            db.execute_sql("INSERT INTO setting (key, value) VALUES ('backup.folder', ?)",
                           (folder,))
            if keep is not None:
                db.execute_sql("INSERT INTO setting (key, value) VALUES ('backup.keep', ?)",
                               (str(keep),))
        post.record("setting", "daily_backup", old=old or None,
                    new={"folder": folder, "keep": keep} if folder else None)
